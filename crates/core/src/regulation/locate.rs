//! Paths into a definition and their lines in the file's text.
//!
//! The validator works on the typed model and names the place of a problem by its path
//! (`channels.portal.actions[3].next`); the path is then found in the text's spanned parse.

use std::fmt;
use toml::de::{DeTable, DeValue};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A place in a definition, from the root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn root() -> Path {
        Path(Vec::new())
    }

    pub fn key(&self, key: &str) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Key(key.to_string()));
        p
    }

    pub fn index(&self, i: usize) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }

    /// The 1-based line of the deepest part of the path present in `text`.
    pub fn line_in(&self, text: &str) -> usize {
        let Ok(doc) = DeTable::parse(text) else {
            return 0;
        };
        let mut span = doc.span();
        let mut table: Option<&DeTable> = Some(doc.get_ref());
        let mut array: Option<&toml::de::DeArray> = None;
        for seg in &self.0 {
            let found = match seg {
                Seg::Key(k) => table.and_then(|t| {
                    t.iter()
                        .find(|(key, _)| key.get_ref() == k)
                        .map(|(key, v)| (key.span(), v))
                }),
                Seg::Index(i) => array.and_then(|a| a.get(*i).map(|v| (v.span(), v))),
            };
            let Some((key_span, value)) = found else {
                break;
            };
            // A table's own span can cover the header line; prefer the key for scalars.
            span = match value.get_ref() {
                DeValue::Table(_) | DeValue::Array(_) => {
                    value.span().start.min(key_span.start)..value.span().end
                }
                _ => key_span,
            };
            table = value.get_ref().as_table();
            array = value.get_ref().as_array();
        }
        line_of(text, span.start)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => f.write_str(k)?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}
