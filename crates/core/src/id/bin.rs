//! The business identification number (БИН / БСН).

use super::checksum::iin_bin_check_digit;
use super::{digits12, first11, IdError, IdKind};
use serde::{Deserialize, Serialize};
use std::fmt;

/// BIN digit 5: the kind of entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// 4: resident legal entity (юридическое лицо-резидент).
    ResidentLegalEntity,
    /// 5: non-resident legal entity (юридическое лицо-нерезидент).
    NonResidentLegalEntity,
    /// 6: individual entrepreneur acting as joint entrepreneurship (ИП(С), совместное
    /// предпринимательство).
    JointIndividualEntrepreneurship,
}

impl EntityKind {
    pub fn digit(self) -> u8 {
        match self {
            EntityKind::ResidentLegalEntity => 4,
            EntityKind::NonResidentLegalEntity => 5,
            EntityKind::JointIndividualEntrepreneurship => 6,
        }
    }

    pub fn from_digit(digit: u8) -> Option<EntityKind> {
        match digit {
            4 => Some(EntityKind::ResidentLegalEntity),
            5 => Some(EntityKind::NonResidentLegalEntity),
            6 => Some(EntityKind::JointIndividualEntrepreneurship),
            _ => None,
        }
    }
}

/// BIN digit 6: the attribute of the entity. The list 0–3 is the one in the Rules for forming the
/// identification number (Government decree No. 406 of 22 May 2007), as two independent public
/// validators restate it; no other value is defined there, so 4–9 are rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinAttribute {
    /// 0: head office of a legal entity or joint individual entrepreneurship (головное
    /// подразделение).
    HeadOffice,
    /// 1: branch (филиал).
    Branch,
    /// 2: representative office (представительство).
    RepresentativeOffice,
    /// 3: peasant (farm) enterprise acting as joint entrepreneurship (крестьянское (фермерское)
    /// хозяйство, осуществляющее деятельность в виде совместного предпринимательства).
    PeasantFarm,
}

impl BinAttribute {
    pub fn digit(self) -> u8 {
        match self {
            BinAttribute::HeadOffice => 0,
            BinAttribute::Branch => 1,
            BinAttribute::RepresentativeOffice => 2,
            BinAttribute::PeasantFarm => 3,
        }
    }

    pub fn from_digit(digit: u8) -> Option<BinAttribute> {
        match digit {
            0 => Some(BinAttribute::HeadOffice),
            1 => Some(BinAttribute::Branch),
            2 => Some(BinAttribute::RepresentativeOffice),
            3 => Some(BinAttribute::PeasantFarm),
            _ => None,
        }
    }
}

/// A year and a month, e.g. of a BIN's registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct YearMonth {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A valid BIN: 12 ASCII digits `YYMM E A SSSSS K`, where `YYMM` is the year and month of
/// registration (or re-registration), `E` the [`EntityKind`], `A` the [`BinAttribute`], `SSSSS` a
/// serial number and `K` the check digit (the IIN rule, see [`crate::id`]).
///
/// The number has no day and no century, so there is no "future" rule here: a BIN is checked the
/// same on any day. Serialized as its 12-digit string.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bin([u8; 12]);

impl Bin {
    /// Parse and check every rule.
    pub fn parse(text: &str) -> Result<Bin, IdError> {
        let d = digits12(text, IdKind::Bin)?;
        let month = u32::from(d[2] * 10 + d[3]);
        if !(1..=12).contains(&month) {
            return Err(IdError::InvalidMonth { month });
        }
        EntityKind::from_digit(d[4]).ok_or(IdError::InvalidEntityKind { digit: d[4] })?;
        BinAttribute::from_digit(d[5]).ok_or(IdError::InvalidAttribute { digit: d[5] })?;
        match iin_bin_check_digit(&first11(&d)) {
            None => Err(IdError::NeverIssued { kind: IdKind::Bin }),
            Some(expected) if expected != d[11] => Err(IdError::ChecksumMismatch {
                kind: IdKind::Bin,
                expected,
                found: d[11],
            }),
            Some(_) => Ok(Bin(d)),
        }
    }

    /// Digits 1–2 as written.
    pub fn registration_yy(&self) -> u8 {
        self.0[0] * 10 + self.0[1]
    }

    /// The year and month of registration. The number holds only two digits of the year, so the
    /// century is a convention of this crate: `90`–`99` read as 1990–1999, `00`–`89` as
    /// 2000–2089. BINs were introduced in 2007, but entities registered earlier carry the month
    /// of an earlier (re-)registration (published examples start with `94…`, `99…`); the window
    /// assumes none is from before 1990 and breaks in 2090. [`Bin::registration_yy`] gives the
    /// digits as written.
    pub fn registration(&self) -> YearMonth {
        let yy = i32::from(self.registration_yy());
        let year = if yy >= 90 { 1900 + yy } else { 2000 + yy };
        YearMonth {
            year,
            month: u32::from(self.0[2] * 10 + self.0[3]),
        }
    }

    pub fn entity_kind(&self) -> EntityKind {
        EntityKind::from_digit(self.0[4]).expect("a Bin holds a valid digit 5")
    }

    pub fn attribute(&self) -> BinAttribute {
        BinAttribute::from_digit(self.0[5]).expect("a Bin holds a valid digit 6")
    }

    /// Digits 7–11.
    pub fn serial(&self) -> u32 {
        self.0[6..11]
            .iter()
            .fold(0u32, |n, &d| n * 10 + u32::from(d))
    }

    /// Digit 12.
    pub fn check_digit(&self) -> u8 {
        self.0[11]
    }
}

// Text and serde forms are the 12 digits.
super::twelve_digit_forms!(Bin, parse);
