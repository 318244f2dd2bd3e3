//! Regulations as data: the model, the file format (TOML), the validator that proves a
//! definition sound before the engine may run it, and the check of a filled form ([`form`]).
//!
//! Loading is pure: files come in as `(name, text)` pairs, so the same code serves the CLI, the
//! server and tests. Every problem is reported with its file and line.

pub mod form;
mod locate;
pub mod model;
mod serde_impl;
mod validate;

pub use form::{check_form, FieldError, FileFacts, FormValues};
pub use locate::{line_of, Path, Seg};
pub use model::*;
pub use validate::{validate, Problem};

use std::collections::BTreeMap;
use std::fmt;

/// A problem in a definition file, located for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based line; 0 when the problem concerns the file as a whole.
    pub line: usize,
    /// Where in the definition, as a dotted path (empty for syntax errors).
    pub path: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// Parse one definition file. Syntax and type errors come back with their line.
pub fn parse(file: &str, text: &str) -> Result<Regulation, Diagnostic> {
    toml::from_str::<Regulation>(text).map_err(|e| Diagnostic {
        file: file.to_string(),
        line: e.span().map(|s| line_of(text, s.start)).unwrap_or(0),
        path: String::new(),
        message: e.message().trim().to_string(),
    })
}

/// Parse and validate one file: the regulation, or every problem found in it.
pub fn load(file: &str, text: &str) -> Result<Regulation, Vec<Diagnostic>> {
    let regulation = parse(file, text).map_err(|d| vec![d])?;
    let problems = validate(&regulation);
    if problems.is_empty() {
        return Ok(regulation);
    }
    Err(problems
        .into_iter()
        .map(|p| Diagnostic {
            file: file.to_string(),
            line: p.path.line_in(text),
            path: p.path.to_string(),
            message: p.message,
        })
        .collect())
}

/// The sound regulations of a folder, by code and version.
#[derive(Debug, Default, Clone)]
pub struct Catalog {
    regulations: BTreeMap<(String, u32), Regulation>,
}

impl Catalog {
    /// Load every source; the catalog keeps the sound ones and the diagnostics say why the
    /// others were rejected. A code/version given twice rejects the second file.
    pub fn from_sources<N: AsRef<str>, T: AsRef<str>>(
        sources: &[(N, T)],
    ) -> (Catalog, Vec<Diagnostic>) {
        let mut catalog = Catalog::default();
        let mut seen: BTreeMap<(String, u32), String> = BTreeMap::new();
        let mut diagnostics = Vec::new();
        for (name, text) in sources {
            let (name, text) = (name.as_ref(), text.as_ref());
            match load(name, text) {
                Ok(regulation) => {
                    let key = (regulation.code.clone(), regulation.version);
                    if let Some(first) = seen.get(&key) {
                        diagnostics.push(Diagnostic {
                            file: name.to_string(),
                            line: Path::root().key("code").line_in(text),
                            path: "code".into(),
                            message: format!(
                                "duplicate regulation `{}` version {}: already defined in {first}; a new edition needs a new version",
                                key.0, key.1
                            ),
                        });
                        continue;
                    }
                    seen.insert(key.clone(), name.to_string());
                    catalog.regulations.insert(key, regulation);
                }
                Err(mut ds) => diagnostics.append(&mut ds),
            }
        }
        (catalog, diagnostics)
    }

    /// Every regulation, every version, ordered by code then version.
    pub fn all(&self) -> impl Iterator<Item = &Regulation> {
        self.regulations.values()
    }

    /// The newest version of a service.
    pub fn latest(&self, code: &str) -> Option<&Regulation> {
        self.regulations
            .range((code.to_string(), 0)..=(code.to_string(), u32::MAX))
            .next_back()
            .map(|(_, r)| r)
    }

    /// A pinned version, as a running request refers to it.
    pub fn get(&self, code: &str, version: u32) -> Option<&Regulation> {
        self.regulations.get(&(code.to_string(), version))
    }

    pub fn len(&self) -> usize {
        self.regulations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.regulations.is_empty()
    }
}
