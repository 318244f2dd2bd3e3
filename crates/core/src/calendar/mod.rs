//! The Kazakh working-day calendar, kept per year as data.
//!
//! The rules, in the order they apply:
//!
//! 1. Saturday and Sunday are days off (the five-day week).
//! 2. The holidays of the year are days off. Which days are holidays changed over time (25 October
//!    is a holiday again from 2022; 1 December and 17 December are not from 2022), so each year's
//!    list is data, in `calendar/YYYY.toml`, never derived from another year.
//! 3. A state or national holiday that falls on a Saturday or Sunday gives the next working day
//!    off (Law «О праздниках в Республике Казахстан», art. 5). Holidays are taken in date order,
//!    so a run over a weekend (21–23 March, 1–2 January) moves each of its weekend days past the
//!    run. The religious days off — Orthodox Christmas (7 January) and the first day of Kurban
//!    Ait — are not moved (Labour Code art. 84 p. 5).
//! 4. Transfers by government decree (from 2024: by order of the Minister of Labour) under Labour
//!    Code art. 85 p. 3: a day that would be off becomes a working day and an ordinary working day
//!    becomes a day off. They are data, each with the act that made it.
//!
//! A question about a year that has no file is an error that names the year: the calendar never
//! guesses. The core is pure: files come in as text ([`WorkingCalendar::from_sources`]).
//!
//! Deadline arithmetic on top of the calendar lives in [`due`](WorkingCalendar::due).

mod due;
mod file;
mod hours;
#[cfg(test)]
mod tests;

pub use due::Due;
pub use file::FileError;
pub use hours::WorkingHours;

use crate::text::{Lang, Text};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Why a holiday is a holiday, which decides whether it moves off a weekend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HolidayKind {
    /// A national holiday (ұлттық мереке): Independence Day until 2021, First President's Day
    /// until 2021, Republic Day from 2022.
    National,
    /// A state holiday (мемлекеттік мереке): New Year, 8 March, Nauryz, 1, 7 and 9 May, 6 July,
    /// 30 August, and Independence Day from 2022.
    State,
    /// A religious day off (Orthodox Christmas, the first day of Kurban Ait): not moved when it
    /// falls on a weekend.
    Religious,
}

impl HolidayKind {
    /// Whether a Saturday or Sunday occurrence gives the next working day off.
    pub fn moves_off_weekend(self) -> bool {
        !matches!(self, HolidayKind::Religious)
    }
}

/// One holiday of one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: Text,
    pub kind: HolidayKind,
    /// True for a date not yet declared (a future Kurban Ait): counted, but flagged.
    pub provisional: bool,
}

/// A transfer by decree or order: `working` (a day that would be off) is worked, and `day_off`
/// (an ordinary working day) is rested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub working: NaiveDate,
    pub day_off: NaiveDate,
    /// The decree or order, as the file cites it.
    pub act: String,
}

/// What a day is, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind {
    /// An ordinary working day (Monday to Friday, nothing special).
    Working,
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A holiday (on any day of the week; on a weekend a non-religious one also moves a day off).
    Holiday(Holiday),
    /// A weekday off because `holiday` fell on a Saturday or Sunday.
    MovedDayOff { holiday: Holiday },
    /// A weekday made a day off by a decree or order.
    TransferredDayOff(Transfer),
    /// A day that would be off (a weekend day, or a moved day off) made a working day by a decree
    /// or order.
    TransferredWorkingDay {
        transfer: Transfer,
        /// When the worked day was the day off moved from this holiday (11 May 2020).
        moved_day_off_of: Option<Holiday>,
    },
}

impl DayKind {
    pub fn is_working(&self) -> bool {
        matches!(
            self,
            DayKind::Working | DayKind::TransferredWorkingDay { .. }
        )
    }

    /// One line saying what the day is and why, in the given language (the holiday names are in
    /// that language; the explanation is in English or Russian, with Kazakh falling back to
    /// Russian for the explanation).
    pub fn describe(&self, lang: Lang) -> String {
        let ru = lang != Lang::En;
        let flag = |h: &Holiday| match (h.provisional, ru) {
            (false, _) => "",
            (true, false) => " (date provisional)",
            (true, true) => " (дата предварительная)",
        };
        let name = |h: &Holiday| {
            format!(
                "{} ({}){}",
                h.name.get(lang),
                h.date.format("%d.%m.%Y"),
                flag(h)
            )
        };
        match (self, ru) {
            (DayKind::Working, false) => "working day".into(),
            (DayKind::Working, true) => "рабочий день".into(),
            (DayKind::Weekend, false) => "weekend".into(),
            (DayKind::Weekend, true) => "выходной день".into(),
            (DayKind::Holiday(h), false) => format!("holiday: {}{}", h.name.get(lang), flag(h)),
            (DayKind::Holiday(h), true) => format!("праздник: {}{}", h.name.get(lang), flag(h)),
            (DayKind::MovedDayOff { holiday }, false) => {
                format!("day off moved from the weekend for {}", name(holiday))
            }
            (DayKind::MovedDayOff { holiday }, true) => {
                format!("выходной, перенесённый с выходного дня: {}", name(holiday))
            }
            (DayKind::TransferredDayOff(t), false) => format!(
                "day off transferred from {} by {}",
                t.working.format("%d.%m.%Y"),
                t.act
            ),
            (DayKind::TransferredDayOff(t), true) => format!(
                "день отдыха, перенесённый с {}: {}",
                t.working.format("%d.%m.%Y"),
                t.act
            ),
            (
                DayKind::TransferredWorkingDay {
                    transfer,
                    moved_day_off_of,
                },
                false,
            ) => {
                let was = match moved_day_off_of {
                    Some(h) => format!(" (it was the day off for {})", name(h)),
                    None => String::new(),
                };
                format!(
                    "working day{was}: its day off transferred to {} by {}",
                    transfer.day_off.format("%d.%m.%Y"),
                    transfer.act
                )
            }
            (
                DayKind::TransferredWorkingDay {
                    transfer,
                    moved_day_off_of,
                },
                true,
            ) => {
                let was = match moved_day_off_of {
                    Some(h) => format!(" (был выходным за {})", name(h)),
                    None => String::new(),
                };
                format!(
                    "рабочий день{was}: день отдыха перенесён на {}: {}",
                    transfer.day_off.format("%d.%m.%Y"),
                    transfer.act
                )
            }
        }
    }
}

/// A day that is not an ordinary working day or an ordinary weekend, with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: DayKind,
}

/// Everything the calendar knows about an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The question needs a year that no calendar file covers.
    #[error("the calendar has no data for {year} (it covers {covered}): add calendar/{year}.toml with that year's holidays and transfers")]
    YearNotCovered { year: i32, covered: String },
    /// One or more calendar files are wrong.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Files(Vec<FileError>),
    /// The deadline needs the provider's working hours and they are not set.
    #[error("the deadline `{deadline}` needs the provider's working hours, and they are not set")]
    HoursNotSet { deadline: String },
    /// The provider's working hours cannot be used.
    #[error("working hours {opens}–{closes} are not usable: {reason}")]
    BadHours {
        opens: String,
        closes: String,
        reason: String,
    },
    /// Date arithmetic left the range of dates.
    #[error("date arithmetic out of range")]
    OutOfRange,
}

/// One year's checked calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearCalendar {
    pub year: i32,
    /// The name the file was loaded under.
    pub file: String,
    /// Where the facts come from.
    pub sources: Vec<String>,
    /// What could not be confirmed, and other remarks.
    pub notes: Vec<String>,
    holidays: BTreeMap<NaiveDate, Holiday>,
    transfers: Vec<Transfer>,
    special: BTreeMap<NaiveDate, DayKind>,
}

impl YearCalendar {
    /// The year's holidays, in date order (Kurban Ait included).
    pub fn holidays(&self) -> impl Iterator<Item = &Holiday> {
        self.holidays.values()
    }

    /// The year's transfers by decree or order, as listed.
    pub fn transfers(&self) -> &[Transfer] {
        &self.transfers
    }

    /// Whether any date of the year is provisional (not yet declared).
    pub fn has_provisional(&self) -> bool {
        self.holidays.values().any(|h| h.provisional)
    }

    fn day(&self, date: NaiveDate) -> DayKind {
        match self.special.get(&date) {
            Some(kind) => kind.clone(),
            None if file::is_weekend(date) => DayKind::Weekend,
            None => DayKind::Working,
        }
    }
}

/// The working-day calendar: one checked [`YearCalendar`] per year that has a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    years: BTreeMap<i32, YearCalendar>,
}

impl WorkingCalendar {
    /// Builds the calendar from calendar files given as `(name or path, text)`. Every file is
    /// read; all errors are returned together, each with its file and, where possible, line.
    /// Two files for one year are an error.
    pub fn from_sources<N: AsRef<str>, T: AsRef<str>>(
        sources: &[(N, T)],
    ) -> Result<Self, CalendarError> {
        let mut years: BTreeMap<i32, YearCalendar> = BTreeMap::new();
        let mut errors = Vec::new();
        for (name, text) in sources {
            match file::parse_year(name.as_ref(), text.as_ref()) {
                Ok(year) => {
                    if let Some(first) = years.get(&year.year) {
                        errors.push(FileError {
                            file: name.as_ref().to_string(),
                            line: None,
                            message: format!(
                                "year {} is already given by {}",
                                year.year, first.file
                            ),
                        });
                    } else {
                        years.insert(year.year, year);
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(WorkingCalendar { years })
        } else {
            Err(CalendarError::Files(errors))
        }
    }

    /// The years the calendar covers, ascending.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// One year's calendar, or an error naming the year.
    pub fn year(&self, year: i32) -> Result<&YearCalendar, CalendarError> {
        self.years
            .get(&year)
            .ok_or_else(|| CalendarError::YearNotCovered {
                year,
                covered: self.covered(),
            })
    }

    fn covered(&self) -> String {
        let years: Vec<i32> = self.years().collect();
        match (years.first(), years.last()) {
            (None, _) | (_, None) => "no year".into(),
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) if (b - a) as usize + 1 == years.len() => format!("{a}–{b}"),
            _ => years
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// What `date` is and why.
    pub fn day(&self, date: NaiveDate) -> Result<DayKind, CalendarError> {
        Ok(self.year(date.year())?.day(date))
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.day(date)?.is_working())
    }

    /// The days of `year` that are not ordinary weekdays or ordinary weekends, in date order:
    /// every holiday (also one on a weekend, which says which day it moved off to by the entry
    /// that follows), every moved day off, every day off and working day by transfer.
    pub fn holidays(&self, year: i32) -> Result<Vec<SpecialDay>, CalendarError> {
        Ok(self
            .year(year)?
            .special
            .iter()
            .map(|(date, kind)| SpecialDay {
                date: *date,
                kind: kind.clone(),
            })
            .collect())
    }

    /// The first working day on or after `date`.
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let mut d = date;
        while !self.is_working_day(d)? {
            d = d.succ_opt().ok_or(CalendarError::OutOfRange)?;
        }
        Ok(d)
    }

    /// The `n`-th working day after `date` (`date` itself is not counted and need not be a
    /// working day). With `n = 0`, the first working day on or after `date`, so the result is
    /// always a working day.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        if n == 0 {
            return self.working_day_on_or_after(date);
        }
        let mut d = date;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().ok_or(CalendarError::OutOfRange)?;
            if self.is_working_day(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// `date` plus `n` calendar days (negative goes back). Plain date arithmetic: the result may
    /// be a day off; the deadline rules say what happens then ([`WorkingCalendar::due`]).
    pub fn add_calendar_days(&self, date: NaiveDate, n: i64) -> Result<NaiveDate, CalendarError> {
        let days = chrono::Days::new(n.unsigned_abs());
        if n >= 0 {
            date.checked_add_days(days)
        } else {
            date.checked_sub_days(days)
        }
        .ok_or(CalendarError::OutOfRange)
    }
}

impl fmt::Display for SpecialDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}  {}",
            self.date.format("%Y-%m-%d"),
            self.date.format("%a"),
            self.kind.describe(Lang::En)
        )
    }
}
