//! Why a text is not a valid identifier: one variant per rule, a stable code for each, and the
//! message in the platform's three languages.

use crate::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which identifier a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IdKind {
    /// Individual identification number (ИИН / ЖСН).
    Iin,
    /// Business identification number (БИН / БСН).
    Bin,
    /// Legacy taxpayer registration number (РНН / СТН), replaced by IIN/BIN from 2013.
    Rnn,
}

impl IdKind {
    pub const ALL: [IdKind; 3] = [IdKind::Iin, IdKind::Bin, IdKind::Rnn];

    /// Lower-case code, the prefix of every error code: `iin`, `bin`, `rnn`.
    pub fn code(self) -> &'static str {
        match self {
            IdKind::Iin => "iin",
            IdKind::Bin => "bin",
            IdKind::Rnn => "rnn",
        }
    }

    /// The abbreviation a reader of that language knows.
    pub fn abbreviation(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (IdKind::Iin, Lang::Kk) => "ЖСН",
            (IdKind::Iin, Lang::Ru) => "ИИН",
            (IdKind::Iin, Lang::En) => "IIN",
            (IdKind::Bin, Lang::Kk) => "БСН",
            (IdKind::Bin, Lang::Ru) => "БИН",
            (IdKind::Bin, Lang::En) => "BIN",
            (IdKind::Rnn, Lang::Kk) => "СТН",
            (IdKind::Rnn, Lang::Ru) => "РНН",
            (IdKind::Rnn, Lang::En) => "RNN",
        }
    }
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.abbreviation(Lang::En))
    }
}

/// The rule a text breaks. Parsers check in this order and report the first failure: characters,
/// length, the structural digits (century/sex, date; or month, entity kind, attribute), the check
/// digit, and last the birth date against the given day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum IdError {
    /// Not 12 characters long (counted in Unicode characters, not bytes).
    #[error("{kind}: must be 12 digits, found {found} characters")]
    WrongLength { kind: IdKind, found: usize },
    /// A character that is not an ASCII digit 0–9 (other scripts' digits such as `٣` too).
    #[error("{kind}: character {found:?} at position {position} is not a digit 0-9")]
    NotDigit {
        kind: IdKind,
        /// 1-based, in characters.
        position: usize,
        found: char,
    },
    /// IIN digit 7 is not 1–6.
    #[error("IIN: digit 7 is {digit}, which encodes no century and sex (1-6 only)")]
    InvalidCenturySex { digit: u8 },
    /// IIN digits 1–6 with the century of digit 7 do not make a real date.
    #[error("IIN: birth date {year:04}-{month:02}-{day:02} does not exist")]
    ImpossibleDate { year: i32, month: u32, day: u32 },
    /// IIN birth date after the day of the check.
    #[error("IIN: birth date {birth} is after {today}")]
    FutureBirth { birth: NaiveDate, today: NaiveDate },
    /// BIN digits 3–4 are not a month 01–12.
    #[error("BIN: digits 3-4 are {month:02}, which is not a month 01-12")]
    InvalidMonth { month: u32 },
    /// BIN digit 5 is not 4, 5 or 6.
    #[error("BIN: digit 5 is {digit}, which is no kind of entity (4, 5 or 6 only)")]
    InvalidEntityKind { digit: u8 },
    /// BIN digit 6 is not 0–3.
    #[error("BIN: digit 6 is {digit}, which is no attribute of an entity (0-3 only)")]
    InvalidAttribute { digit: u8 },
    /// The last digit is not the one the rule computes.
    #[error("{kind}: check digit is {found}, the number's digits give {expected}")]
    ChecksumMismatch {
        kind: IdKind,
        expected: u8,
        found: u8,
    },
    /// The rule computes 10 in every pass: no number with these first eleven digits is issued.
    /// (IIN and BIN only in practice: the RNN rule cannot give 10 in all its passes.)
    #[error("{kind}: the check digit computes to 10 in every pass: such a number is never issued")]
    NeverIssued { kind: IdKind },
}

impl IdError {
    /// The identifier whose rule failed.
    pub fn kind(&self) -> IdKind {
        match self {
            IdError::WrongLength { kind, .. }
            | IdError::NotDigit { kind, .. }
            | IdError::ChecksumMismatch { kind, .. }
            | IdError::NeverIssued { kind } => *kind,
            IdError::InvalidCenturySex { .. }
            | IdError::ImpossibleDate { .. }
            | IdError::FutureBirth { .. } => IdKind::Iin,
            IdError::InvalidMonth { .. }
            | IdError::InvalidEntityKind { .. }
            | IdError::InvalidAttribute { .. } => IdKind::Bin,
        }
    }

    /// A stable code, `<kind>.<rule>`, for translation tables and machine output:
    /// `*.length`, `*.digit`, `*.checksum`, `*.never_issued`, `iin.century_sex`, `iin.date`,
    /// `iin.future`, `bin.month`, `bin.entity_kind`, `bin.attribute`.
    pub fn code(&self) -> &'static str {
        use IdKind::*;
        match (self, self.kind()) {
            (IdError::WrongLength { .. }, Iin) => "iin.length",
            (IdError::WrongLength { .. }, Bin) => "bin.length",
            (IdError::WrongLength { .. }, Rnn) => "rnn.length",
            (IdError::NotDigit { .. }, Iin) => "iin.digit",
            (IdError::NotDigit { .. }, Bin) => "bin.digit",
            (IdError::NotDigit { .. }, Rnn) => "rnn.digit",
            (IdError::ChecksumMismatch { .. }, Iin) => "iin.checksum",
            (IdError::ChecksumMismatch { .. }, Bin) => "bin.checksum",
            (IdError::ChecksumMismatch { .. }, Rnn) => "rnn.checksum",
            (IdError::NeverIssued { .. }, Iin) => "iin.never_issued",
            (IdError::NeverIssued { .. }, Bin) => "bin.never_issued",
            (IdError::NeverIssued { .. }, Rnn) => "rnn.never_issued",
            (IdError::InvalidCenturySex { .. }, _) => "iin.century_sex",
            (IdError::ImpossibleDate { .. }, _) => "iin.date",
            (IdError::FutureBirth { .. }, _) => "iin.future",
            (IdError::InvalidMonth { .. }, _) => "bin.month",
            (IdError::InvalidEntityKind { .. }, _) => "bin.entity_kind",
            (IdError::InvalidAttribute { .. }, _) => "bin.attribute",
        }
    }

    /// The message for a person, in Kazakh, Russian or English (English is [`fmt::Display`]).
    pub fn message(&self, lang: Lang) -> String {
        let id = self.kind().abbreviation(lang);
        match lang {
            Lang::En => self.to_string(),
            Lang::Ru => match self {
                IdError::WrongLength { found, .. } => {
                    format!("{id}: должен состоять из 12 цифр, введено символов: {found}")
                }
                IdError::NotDigit {
                    position, found, ..
                } => format!("{id}: символ «{found}» в позиции {position} не является цифрой 0–9"),
                IdError::InvalidCenturySex { digit } => format!(
                    "{id}: 7-я цифра {digit} не обозначает век рождения и пол (допустимы 1–6)"
                ),
                IdError::ImpossibleDate { year, month, day } => {
                    format!("{id}: даты рождения {day:02}.{month:02}.{year:04} не существует")
                }
                IdError::FutureBirth { birth, today } => format!(
                    "{id}: дата рождения {} позже {}",
                    birth.format("%d.%m.%Y"),
                    today.format("%d.%m.%Y")
                ),
                IdError::InvalidMonth { month } => {
                    format!("{id}: 3–4-я цифры {month:02} не являются месяцем 01–12")
                }
                IdError::InvalidEntityKind { digit } => format!(
                    "{id}: 5-я цифра {digit} не обозначает тип юридического лица (допустимы 4, 5, 6)"
                ),
                IdError::InvalidAttribute { digit } => format!(
                    "{id}: 6-я цифра {digit} не обозначает признак юридического лица (допустимы 0–3)"
                ),
                IdError::ChecksumMismatch {
                    expected, found, ..
                } => format!(
                    "{id}: контрольный разряд {found} неверен, по цифрам номера должен быть {expected}"
                ),
                IdError::NeverIssued { .. } => format!(
                    "{id}: контрольный разряд при всех проходах равен 10 — такой номер не присваивается"
                ),
            },
            Lang::Kk => match self {
                IdError::WrongLength { found, .. } => {
                    format!("{id}: 12 цифрдан тұруы керек, енгізілген таңба саны: {found}")
                }
                IdError::NotDigit {
                    position, found, ..
                } => format!("{id}: {position}-орындағы «{found}» таңбасы 0–9 цифры емес"),
                IdError::InvalidCenturySex { digit } => format!(
                    "{id}: 7-цифр {digit} туған ғасыр мен жынысты білдірмейді (1–6 болуы керек)"
                ),
                IdError::ImpossibleDate { year, month, day } => {
                    format!("{id}: {day:02}.{month:02}.{year:04} туған күні жоқ")
                }
                IdError::FutureBirth { birth, today } => format!(
                    "{id}: туған күні {} — {} күнінен кейін",
                    birth.format("%d.%m.%Y"),
                    today.format("%d.%m.%Y")
                ),
                IdError::InvalidMonth { month } => {
                    format!("{id}: 3–4-цифрлар {month:02} ай емес (01–12 болуы керек)")
                }
                IdError::InvalidEntityKind { digit } => format!(
                    "{id}: 5-цифр {digit} заңды тұлғаның түрін білдірмейді (4, 5 не 6 болуы керек)"
                ),
                IdError::InvalidAttribute { digit } => format!(
                    "{id}: 6-цифр {digit} заңды тұлғаның белгісін білдірмейді (0–3 болуы керек)"
                ),
                IdError::ChecksumMismatch {
                    expected, found, ..
                } => format!(
                    "{id}: бақылау разряды {found} қате, нөмірдің цифрлары бойынша {expected} болуы керек"
                ),
                IdError::NeverIssued { .. } => format!(
                    "{id}: бақылау разряды барлық есептеуде 10 шығады — мұндай нөмір берілмейді"
                ),
            },
        }
    }
}
