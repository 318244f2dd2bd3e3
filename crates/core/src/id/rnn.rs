//! The legacy taxpayer registration number (РНН / СТН).

use super::checksum::rnn_check_digit;
use super::{digits12, first11, IdError, IdKind};

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

// Text and serde forms are the 12 digits.
super::twelve_digit_forms!(Rnn, parse);
