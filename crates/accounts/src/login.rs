//! What a person types as their login.

use qyzmet_core::id::{Bin, Iin};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A login: a person's IIN, an organisation's BIN, or a staff login name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Login {
    Iin(Iin),
    Bin(Bin),
    /// Staff, administrators and monitors: lower-case letters, digits, `.`, `-`, `_`.
    Name(String),
}

impl Login {
    /// Read a login as typed: twelve digits are an IIN or a BIN (whichever is valid), anything
    /// else a staff name. `today` rules out IINs of people not yet born.
    pub fn parse(text: &str, today: chrono::NaiveDate) -> Result<Login, String> {
        let t = text.trim();
        if t.len() == 12 && t.bytes().all(|b| b.is_ascii_digit()) {
            let iin = Iin::parse(t, today);
            let bin = Bin::parse(t);
            return match (iin, bin) {
                (Ok(i), _) => Ok(Login::Iin(i)),
                (_, Ok(b)) => Ok(Login::Bin(b)),
                (Err(e), Err(_)) => Err(e.to_string()),
            };
        }
        let ok = (3..=64).contains(&t.len())
            && t.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
            && t.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
        if ok {
            Ok(Login::Name(t.to_string()))
        } else {
            Err(format!("`{t}` is neither an IIN/BIN of 12 digits nor a login name (3–64 lower-case letters, digits, `.`, `-`, `_`)"))
        }
    }

    /// The 12 digits of an IIN or BIN login.
    pub fn identifier(&self) -> Option<String> {
        match self {
            Login::Iin(i) => Some(i.to_string()),
            Login::Bin(b) => Some(b.to_string()),
            Login::Name(_) => None,
        }
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Login::Iin(i) => write!(f, "{i}"),
            Login::Bin(b) => write!(f, "{b}"),
            Login::Name(n) => f.write_str(n),
        }
    }
}
