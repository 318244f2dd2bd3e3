//! Identifiers: IIN, BIN and the legacy RNN, as types that can only hold valid numbers.
//!
//! # The numbers
//!
//! - [`Iin`], individual identification number: `YYMMDD` birth date, one digit for century and
//!   sex, four serial digits, one check digit.
//! - [`Bin`], business identification number: `YYMM` of registration, one digit for the kind of
//!   entity, one for its attribute, five serial digits, one check digit.
//! - [`Rnn`], the taxpayer registration number that IIN/BIN replaced in 2013: 12 digits with its
//!   own check digit.
//!
//! An IIN and a BIN never share a number: IIN digit 5 is the tens of a day (0–3), BIN digit 5 a
//! kind of entity (4–6). An RNN often coincides with either: the first pass of the RNN rule
//! differs from the IIN/BIN rule only in the weight of digit 11, so every IIN or BIN whose digit
//! 11 is 0 and whose first pass decides is a valid RNN too (all the examples of DOMAIN.md are).
//! [`parse_any`] therefore reads a number as an IIN and as a BIN, and
//! [`parse_any_including_rnn`] adds the legacy RNN for callers that still accept it.
//!
//! # Check digits
//!
//! IIN and BIN (Government decree No. 406 of 22 May 2007, Rules for forming the identification
//! number): `a = Σ i·dᵢ (i = 1..11) mod 11`; if `a = 10`, `a = Σ wᵢ·dᵢ mod 11` with
//! `w = 3,4,5,6,7,8,9,10,11,1,2`; if that is 10 again the number is never issued
//! ([`IdError::NeverIssued`]).
//!
//! RNN: pass `p = 0..9` weighs digit `j = 0..10` with `(p + j) mod 10 + 1` (weights
//! `1,2,…,10,1`, then `2,3,…,10,1,2`, …); the first pass whose sum mod 11 is below 10 gives the
//! check digit; if all ten give 10 the number is invalid. No official text of this rule was at
//! hand. It is taken from three independent public implementations that agree: a Kazakh bank's
//! Progress 4GL `rnnchk.p` (1999, "from wrnn.prg"), the `isValidRNN` of the National Bank's credit
//! registry (`kz.bsbnb.usci`), and the `RnnValidator` of a Kazakh e-procurement system; and a real
//! RNN printed with its company's BIN on a letterhead in a public test suite passes it. The ten
//! passes cannot all give 10: each weight runs through 1..10 over the passes, so the ten sums add
//! up to `55·Σdⱼ ≡ 0 (mod 11)`, while ten sums of 10 would add up to `100 ≡ 1`.
//!
//! # What the check digits catch
//!
//! A single changed digit among digits 1–10, or a changed check digit, is always caught when the
//! first pass decides both the original and the changed number. Digit 11 of an IIN or BIN is
//! weighed 11 ≡ 0 in the first pass: changing it alone is caught only when the second pass
//! decides (first pass 10). So two IINs that differ only in the last serial digit are often both
//! valid. The RNN's first pass weighs every digit (1..10, 1) and catches any single change when
//! the first pass decides both numbers. The tests assert exactly this.
//!
//! # Errors
//!
//! Every parser returns the first rule that fails as an [`IdError`], with a stable
//! [`IdError::code`] and [`IdError::message`] in Kazakh, Russian and English.

mod bin;
mod checksum;
mod error;
mod iin;
mod rnn;
#[cfg(test)]
mod tests;

pub use bin::{Bin, BinAttribute, EntityKind, YearMonth};
pub use error::{IdError, IdKind};
pub use iin::{Century, Iin, Sex};
pub use rnn::Rnn;

use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

/// A valid identifier of any of the three kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "number", rename_all = "lowercase")]
pub enum Identifier {
    Iin(Iin),
    Bin(Bin),
    Rnn(Rnn),
}

impl Identifier {
    pub fn kind(&self) -> IdKind {
        match self {
            Identifier::Iin(_) => IdKind::Iin,
            Identifier::Bin(_) => IdKind::Bin,
            Identifier::Rnn(_) => IdKind::Rnn,
        }
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identifier::Iin(n) => n.fmt(f),
            Identifier::Bin(n) => n.fmt(f),
            Identifier::Rnn(n) => n.fmt(f),
        }
    }
}

/// A text read as each kind of identifier: the number, or the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpretations {
    pub iin: Result<Iin, IdError>,
    pub bin: Result<Bin, IdError>,
    /// `None` unless asked for ([`parse_any_including_rnn`]).
    pub rnn: Option<Result<Rnn, IdError>>,
}

impl Interpretations {
    /// The interpretations that pass, in the order IIN, BIN, RNN. Never both an IIN and a BIN.
    pub fn valid(&self) -> Vec<Identifier> {
        let mut out = Vec::new();
        if let Ok(n) = self.iin {
            out.push(Identifier::Iin(n));
        }
        if let Ok(n) = self.bin {
            out.push(Identifier::Bin(n));
        }
        if let Some(Ok(n)) = self.rnn {
            out.push(Identifier::Rnn(n));
        }
        out
    }

    /// At least one interpretation passes.
    pub fn is_valid(&self) -> bool {
        self.iin.is_ok() || self.bin.is_ok() || matches!(self.rnn, Some(Ok(_)))
    }

    /// The rule each failing interpretation breaks, in the order IIN, BIN, RNN.
    pub fn errors(&self) -> Vec<&IdError> {
        [
            self.iin.as_ref().err(),
            self.bin.as_ref().err(),
            self.rnn.as_ref().and_then(|r| r.as_ref().err()),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// Read `text` as an IIN (every rule, born on or before `today`) and as a BIN. At most one of the
/// two passes.
pub fn parse_any(text: &str, today: NaiveDate) -> Interpretations {
    Interpretations {
        iin: Iin::parse(text, today),
        bin: Bin::parse(text),
        rnn: None,
    }
}

/// [`parse_any`], and also as a legacy RNN (which may pass together with the IIN or the BIN).
pub fn parse_any_including_rnn(text: &str, today: NaiveDate) -> Interpretations {
    Interpretations {
        rnn: Some(Rnn::parse(text)),
        ..parse_any(text, today)
    }
}

/// The 12 digit values of `text`, or the first rule of form it breaks: a character that is not
/// an ASCII digit (reported first, with its position), then the length.
fn digits12(text: &str, kind: IdKind) -> Result<[u8; 12], IdError> {
    let mut d = [0u8; 12];
    let mut count = 0;
    for (i, c) in text.chars().enumerate() {
        if !c.is_ascii_digit() {
            return Err(IdError::NotDigit {
                kind,
                position: i + 1,
                found: c,
            });
        }
        if i < 12 {
            d[i] = c as u8 - b'0';
        }
        count += 1;
    }
    if count != 12 {
        return Err(IdError::WrongLength { kind, found: count });
    }
    Ok(d)
}

fn first11(d: &[u8; 12]) -> [u8; 11] {
    let mut out = [0u8; 11];
    out.copy_from_slice(&d[..11]);
    out
}

/// Display, Debug, FromStr and serde for a twelve-digit identifier held as `[u8; 12]`, the same
/// for IIN, BIN and RNN: the text form is the digits, and parsing goes through `$parse`.
macro_rules! twelve_digit_forms {
    ($t:ident, $parse:ident) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                super::write_digits(f, &self.0)
            }
        }

        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({self})", stringify!($t))
            }
        }

        impl std::str::FromStr for $t {
            type Err = super::IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $t::$parse(s)
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use twelve_digit_forms;

fn write_digits(f: &mut fmt::Formatter<'_>, d: &[u8; 12]) -> fmt::Result {
    let s: String = d.iter().map(|&x| char::from(b'0' + x)).collect();
    f.pad(&s)
}
