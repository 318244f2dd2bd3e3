//! What the participants share: identifiers read from a message, addresses, names, limits.

use chrono::NaiveDate;
use qyzmet_core::id::{Bin, IdError, Iin};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An identifier in a message that is not a valid number: which field, what was sent, and the
/// rule it breaks (the core's stable code, e.g. `iin.checksum`, and its English message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadId {
    pub field: String,
    pub input: String,
    pub code: String,
    pub reason: String,
}

impl BadId {
    fn new(field: &str, input: &str, error: &IdError) -> Self {
        BadId {
            field: field.to_string(),
            // Long junk is cut so that an answer never grows with its request.
            input: clip(input, 40),
            code: error.code().to_string(),
            reason: error.to_string(),
        }
    }
}

impl fmt::Display for BadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.field, self.reason, self.code)
    }
}

/// Read an IIN sent in `field`, with every rule of the core, born on or before `today`.
pub(crate) fn parse_iin(field: &str, text: &str, today: NaiveDate) -> Result<Iin, BadId> {
    Iin::parse(text, today).map_err(|e| BadId::new(field, text, &e))
}

/// Read a BIN sent in `field`.
pub(crate) fn parse_bin(field: &str, text: &str) -> Result<Bin, BadId> {
    Bin::parse(text).map_err(|e| BadId::new(field, text, &e))
}

/// The first `max` characters of `text`, with `…` when cut.
pub(crate) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max).collect();
        s.push('…');
        s
    }
}

/// A free-text field that must be present and not too long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum BadText {
    Empty {
        field: String,
    },
    TooLong {
        field: String,
        max: usize,
        found: usize,
    },
}

impl fmt::Display for BadText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadText::Empty { field } => write!(f, "{field} is empty"),
            BadText::TooLong { field, max, found } => {
                write!(f, "{field} has {found} characters, at most {max} are taken")
            }
        }
    }
}

/// `text` trimmed, if it is not empty and at most `max` characters long.
pub(crate) fn check_text(field: &str, text: &str, max: usize) -> Result<String, BadText> {
    let t = text.trim();
    let n = t.chars().count();
    if n == 0 {
        Err(BadText::Empty {
            field: field.to_string(),
        })
    } else if n > max {
        Err(BadText::TooLong {
            field: field.to_string(),
            max,
            found: n,
        })
    } else {
        Ok(t.to_string())
    }
}

/// A registered address, in Russian as the registers keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Region or city of republican significance: «г. Астана», «Северо-Казахстанская область».
    pub region: String,
    /// District, for a locality inside a region: «Айыртауский район».
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// City or village: «Астана», «с. Саумалколь».
    pub locality: String,
    pub street: String,
    pub house: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apartment: Option<String>,
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.region)?;
        if let Some(d) = &self.district {
            write!(f, ", {d}")?;
        }
        if self.locality != self.region {
            write!(f, ", {}", self.locality)?;
        }
        write!(f, ", {}, д. {}", self.street, self.house)?;
        if let Some(a) = &self.apartment {
            write!(f, ", кв. {a}")?;
        }
        Ok(())
    }
}

/// A person's name in one language's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FullName {
    pub surname: String,
    pub given_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
}

impl fmt::Display for FullName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.surname, self.given_name)?;
        if let Some(p) = &self.patronymic {
            write!(f, " {p}")?;
        }
        Ok(())
    }
}

/// Age in full years on `day` (0 for a day before the birth).
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> u32 {
    day.years_since(birth).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_texts() {
        let b = NaiveDate::from_ymd_opt(2019, 11, 23).unwrap();
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()), 6);
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()), 7);
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2010, 1, 1).unwrap()), 0);
        assert_eq!(clip("абвгд", 3), "абв…");
        assert!(check_text("x", "  ", 5).is_err());
        assert!(check_text("x", "abcdef", 5).is_err());
        assert_eq!(check_text("x", " ab ", 5).unwrap(), "ab");
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let e = parse_iin("iin", "850101300006", today).unwrap_err();
        assert_eq!(e.code, "iin.checksum");
        assert!(parse_iin("iin", "850101300005", today).is_ok());
    }
}
