//! The individual identification number (ИИН / ЖСН).

use super::checksum::iin_bin_check_digit;
use super::{digits12, first11, IdError, IdKind};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Sex as IIN digit 7 encodes it (odd: male, even: female).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

/// The century of birth as IIN digit 7 encodes it: 1/2 → 1800s, 3/4 → 1900s, 5/6 → 2000s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Century {
    /// Born 1800–1899.
    #[serde(rename = "1800s")]
    The1800s,
    /// Born 1900–1999.
    #[serde(rename = "1900s")]
    The1900s,
    /// Born 2000–2099.
    #[serde(rename = "2000s")]
    The2000s,
}

impl Century {
    /// The first year of the span: 1800, 1900 or 2000.
    pub fn first_year(self) -> i32 {
        match self {
            Century::The1800s => 1800,
            Century::The1900s => 1900,
            Century::The2000s => 2000,
        }
    }

    /// The century that holds `year`, if an IIN can encode it (1800–2099).
    pub fn of_year(year: i32) -> Option<Century> {
        match year {
            1800..=1899 => Some(Century::The1800s),
            1900..=1999 => Some(Century::The1900s),
            2000..=2099 => Some(Century::The2000s),
            _ => None,
        }
    }

    fn digit(self, sex: Sex) -> u8 {
        let base = match self {
            Century::The1800s => 1,
            Century::The1900s => 3,
            Century::The2000s => 5,
        };
        base + u8::from(sex == Sex::Female)
    }

    fn from_digit(digit: u8) -> Option<(Century, Sex)> {
        let century = match digit {
            1 | 2 => Century::The1800s,
            3 | 4 => Century::The1900s,
            5 | 6 => Century::The2000s,
            _ => return None,
        };
        let sex = if digit % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        };
        Some((century, sex))
    }
}

/// A valid IIN: 12 ASCII digits `YYMMDD C SSSS K` where `YYMMDD` is the birth date, `C` the century
/// of birth and the sex (1/2: 1800s male/female, 3/4: 1900s, 5/6: 2000s), `SSSS` a serial number
/// and `K` the check digit (see [`crate::id`] for the rule).
///
/// There are two ways in:
/// - [`Iin::parse`]`(text, today)` checks every rule, including that the person is born on or
///   before `today`. The core has no clock: the caller passes the day, the current one for input
///   from a person, or the day a record was made when checking that record.
/// - [`Iin::parse_without_future_check`] (and [`FromStr`], and serde's `Deserialize`) check every
///   rule except that one, for numbers read back from files and messages, where no "today"
///   applies. [`Iin::check_born_by`] adds it later.
///
/// Serialized as its 12-digit string.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iin([u8; 12]);

impl Iin {
    /// Parse and check every rule; the birth date must not be after `today`.
    pub fn parse(text: &str, today: NaiveDate) -> Result<Iin, IdError> {
        Iin::parse_without_future_check(text)?.check_born_by(today)
    }

    /// Parse and check every rule except "born on or before today" (see the type's documentation).
    pub fn parse_without_future_check(text: &str) -> Result<Iin, IdError> {
        let d = digits12(text, IdKind::Iin)?;
        let (century, _) =
            Century::from_digit(d[6]).ok_or(IdError::InvalidCenturySex { digit: d[6] })?;
        let year = century.first_year() + i32::from(d[0] * 10 + d[1]);
        let month = u32::from(d[2] * 10 + d[3]);
        let day = u32::from(d[4] * 10 + d[5]);
        if NaiveDate::from_ymd_opt(year, month, day).is_none() {
            return Err(IdError::ImpossibleDate { year, month, day });
        }
        match iin_bin_check_digit(&first11(&d)) {
            None => Err(IdError::NeverIssued { kind: IdKind::Iin }),
            Some(expected) if expected != d[11] => Err(IdError::ChecksumMismatch {
                kind: IdKind::Iin,
                expected,
                found: d[11],
            }),
            Some(_) => Ok(Iin(d)),
        }
    }

    /// This IIN if its holder is born on or before `today`, else [`IdError::FutureBirth`].
    pub fn check_born_by(self, today: NaiveDate) -> Result<Iin, IdError> {
        let birth = self.birth_date();
        if birth > today {
            Err(IdError::FutureBirth { birth, today })
        } else {
            Ok(self)
        }
    }

    /// Build the IIN of a person born on `birth_date`, of `sex`, with `serial` (0–9999).
    /// `None` when the birth year is outside 1800–2099, the serial has more than four digits, or
    /// the check digit computes to 10 in both passes (that serial is never issued: try the next).
    /// It does not look at any clock: synthetic people may be born in the future if asked.
    pub fn generate(birth_date: NaiveDate, sex: Sex, serial: u16) -> Option<Iin> {
        let century = Century::of_year(birth_date.year())?;
        if serial > 9999 {
            return None;
        }
        let yy = (birth_date.year() - century.first_year()) as u8;
        let (mm, dd) = (birth_date.month() as u8, birth_date.day() as u8);
        let s = serial;
        let mut d = [
            yy / 10,
            yy % 10,
            mm / 10,
            mm % 10,
            dd / 10,
            dd % 10,
            century.digit(sex),
            (s / 1000) as u8,
            (s / 100 % 10) as u8,
            (s / 10 % 10) as u8,
            (s % 10) as u8,
            0,
        ];
        d[11] = iin_bin_check_digit(&first11(&d))?;
        Some(Iin(d))
    }

    /// The birth date (digits 1–6 with the century of digit 7).
    pub fn birth_date(&self) -> NaiveDate {
        let d = &self.0;
        let year = self.century().first_year() + i32::from(d[0] * 10 + d[1]);
        NaiveDate::from_ymd_opt(
            year,
            u32::from(d[2] * 10 + d[3]),
            u32::from(d[4] * 10 + d[5]),
        )
        .expect("an Iin holds a real date")
    }

    pub fn sex(&self) -> Sex {
        Century::from_digit(self.0[6])
            .expect("an Iin holds a valid digit 7")
            .1
    }

    pub fn century(&self) -> Century {
        Century::from_digit(self.0[6])
            .expect("an Iin holds a valid digit 7")
            .0
    }

    /// Digits 8–11.
    pub fn serial(&self) -> u16 {
        self.0[7..11]
            .iter()
            .fold(0u16, |n, &d| n * 10 + u16::from(d))
    }

    /// Digit 12.
    pub fn check_digit(&self) -> u8 {
        self.0[11]
    }
}

// Text and serde forms are the 12 digits; parsing checks every rule except "born on or before
// today" (see [`Iin`]).
super::twelve_digit_forms!(Iin, parse_without_future_check);
