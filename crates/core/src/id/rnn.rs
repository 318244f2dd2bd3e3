//! The legacy taxpayer registration number (РНН / СТН).

use super::checksum::rnn_check_digit;
use super::{digits12, first11, IdError, IdKind};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A valid RNN: 12 ASCII digits whose last is the check digit of the RNN rule (ten passes of
/// cyclically shifted weights, see [`crate::id`] for the rule and its sources). Since 2013 IIN
/// and BIN replace it; it still appears in old records and, per the Typical Regulation, as a login.
///
/// The meaning of the first eleven digits (the tax authority's code, the kind of taxpayer, the
/// serial) is not decoded: no source at hand states it with confidence.
/// Serialized as its 12-digit string.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rnn([u8; 12]);

impl Rnn {
    /// Parse and check the length, the digits and the check digit.
    pub fn parse(text: &str) -> Result<Rnn, IdError> {
        let d = digits12(text, IdKind::Rnn)?;
        match rnn_check_digit(&first11(&d)) {
            None => Err(IdError::NeverIssued { kind: IdKind::Rnn }),
            Some(expected) if expected != d[11] => Err(IdError::ChecksumMismatch {
                kind: IdKind::Rnn,
                expected,
                found: d[11],
            }),
            Some(_) => Ok(Rnn(d)),
        }
    }

    /// Digit 12.
    pub fn check_digit(&self) -> u8 {
        self.0[11]
    }
}

impl fmt::Display for Rnn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::write_digits(f, &self.0)
    }
}

impl fmt::Debug for Rnn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rnn({self})")
    }
}

impl FromStr for Rnn {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rnn::parse(s)
    }
}

impl Serialize for Rnn {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rnn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
