//! Reading one calendar file (`calendar/YYYY.toml`) into a checked [`YearCalendar`].
//!
//! Every error names the file and, where the text allows, the line: syntax and shape errors take
//! the line from the TOML parser's span, semantic errors from the span of the offending value.

use super::{DayKind, Holiday, HolidayKind, Transfer, YearCalendar};
use crate::text::{Lang, Text};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use toml::Spanned;

/// What is wrong with one calendar file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The name or path the file was given under.
    pub file: String,
    /// 1-based line, when the error can be placed.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}, line {}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    year: Spanned<i64>,
    sources: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    holiday: Vec<RawHoliday>,
    kurban_ait: Option<Spanned<RawKurban>>,
    #[serde(default)]
    transfer: Vec<RawTransfer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    date: Spanned<String>,
    kind: Spanned<HolidayKind>,
    name: Spanned<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKurban {
    date: Spanned<String>,
    #[serde(default)]
    provisional: bool,
    source: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTransfer {
    working: Spanned<String>,
    day_off: Spanned<String>,
    act: Spanned<String>,
}

/// Reads and checks one file. `file` is only used in messages (and, when its stem is a year,
/// checked against the `year` key).
pub(super) fn parse_year(file: &str, text: &str) -> Result<YearCalendar, FileError> {
    let err = |span: Option<Range<usize>>, message: String| FileError {
        file: file.to_string(),
        line: span.map(|s| line_of(text, s.start)),
        message,
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| err(e.span(), e.message().to_string()))?;

    let year_span = raw.year.span();
    let year = i32::try_from(*raw.year.get_ref())
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| {
            err(
                Some(year_span.clone()),
                format!("year {} is out of range 1900..=2200", raw.year.get_ref()),
            )
        })?;
    if let Some(stem) = file_stem_year(file) {
        if stem != year {
            return Err(err(
                Some(year_span),
                format!("the file is named for {stem} but says year = {year}"),
            ));
        }
    }
    let sources: Vec<String> = match &raw.sources {
        Some(s) if s.get_ref().iter().any(|s| !s.trim().is_empty()) => s.get_ref().clone(),
        _ => return Err(err(
            raw.sources.as_ref().map(|s| s.span()),
            "`sources` is missing or empty: say where the year's facts come from (the law, the decree or order on transfers, the Kurban Ait announcement)".into(),
        )),
    };

    let date = |s: &Spanned<String>, what: &str| -> Result<NaiveDate, FileError> {
        let d = NaiveDate::parse_from_str(s.get_ref().trim(), "%Y-%m-%d").map_err(|_| {
            err(
                Some(s.span()),
                format!("{what} `{}` is not a date as YYYY-MM-DD", s.get_ref()),
            )
        })?;
        if d.year() != year {
            return Err(err(
                Some(s.span()),
                format!("{what} {d} is not in {year}, the year of this file"),
            ));
        }
        Ok(d)
    };

    // Holidays from the law, then the first day of Kurban Ait.
    let mut holidays: BTreeMap<NaiveDate, Holiday> = BTreeMap::new();
    for h in &raw.holiday {
        let d = date(&h.date, "holiday date")?;
        let missing = h.name.get_ref().missing();
        if !missing.is_empty() {
            let langs: Vec<&str> = missing.iter().map(|l: &Lang| l.code()).collect();
            return Err(err(
                Some(h.name.span()),
                format!(
                    "holiday {d} has no name in {}: give kk, ru and en",
                    langs.join(", ")
                ),
            ));
        }
        if holidays.contains_key(&d) {
            return Err(err(
                Some(h.date.span()),
                format!("holiday {d} is listed twice"),
            ));
        }
        holidays.insert(
            d,
            Holiday {
                date: d,
                name: h.name.get_ref().clone(),
                kind: *h.kind.get_ref(),
                provisional: false,
            },
        );
    }
    let kurban = raw.kurban_ait.as_ref().ok_or_else(|| {
        err(
            None,
            "no [kurban_ait]: give the first day of Kurban Ait for the year (with provisional = true if it is not declared yet)".into(),
        )
    })?;
    let kurban = kurban.get_ref();
    if kurban.source.get_ref().trim().is_empty() {
        return Err(err(
            Some(kurban.source.span()),
            "[kurban_ait] needs a `source`: who declared the date".into(),
        ));
    }
    let kd = date(&kurban.date, "Kurban Ait date")?;
    if let Some(other) = holidays.get(&kd) {
        return Err(err(
            Some(kurban.date.span()),
            format!(
                "Kurban Ait {kd} falls on another holiday ({}); the calendar keeps one holiday a day",
                other.name.en
            ),
        ));
    }
    holidays.insert(
        kd,
        Holiday {
            date: kd,
            name: Text::new(
                "Құрбан айттың бірінші күні",
                "Первый день Курбан айта",
                "Kurban Ait (first day)",
            ),
            kind: HolidayKind::Religious,
            provisional: kurban.provisional,
        },
    );

    // The law's rule: a state or national holiday on a Saturday or Sunday gives the next working
    // day off. Holidays are taken in date order, so a run (21–23 March, 1–2 January) pushes its
    // moved days past the run and past each other.
    let mut special: BTreeMap<NaiveDate, DayKind> = holidays
        .values()
        .map(|h| (h.date, DayKind::Holiday(h.clone())))
        .collect();
    for h in holidays.values() {
        if !h.kind.moves_off_weekend() || !is_weekend(h.date) {
            continue;
        }
        let mut d = h.date;
        loop {
            d = d
                .succ_opt()
                .ok_or_else(|| err(None, "date out of range".into()))?;
            if d.year() != year {
                return Err(err(
                    None,
                    format!(
                        "the day off for {} ({}) would move into the next year",
                        h.name.en, h.date
                    ),
                ));
            }
            if !is_weekend(d) && !special.contains_key(&d) {
                break;
            }
        }
        special.insert(d, DayKind::MovedDayOff { holiday: h.clone() });
    }

    // Transfers by decree or order: a day that would be off becomes working, and an ordinary
    // working day becomes a day off.
    let mut transfers = Vec::new();
    for t in &raw.transfer {
        let working = date(&t.working, "transfer working day")?;
        let day_off = date(&t.day_off, "transfer day off")?;
        if t.act.get_ref().trim().is_empty() {
            return Err(err(
                Some(t.act.span()),
                "a transfer needs its `act`: the decree or order that made it".into(),
            ));
        }
        let transfer = Transfer {
            working,
            day_off,
            act: t.act.get_ref().trim().to_string(),
        };
        let moved_from = match special.get(&working) {
            None if is_weekend(working) => None,
            Some(DayKind::MovedDayOff { holiday }) => Some(holiday.clone()),
            Some(DayKind::Holiday(h)) => {
                return Err(err(
                    Some(t.working.span()),
                    format!(
                        "transfer working day {working} is a holiday ({}); a transfer cannot make a holiday a working day",
                        h.name.en
                    ),
                ))
            }
            Some(DayKind::TransferredDayOff(_)) | Some(DayKind::TransferredWorkingDay { .. }) => {
                return Err(err(
                    Some(t.working.span()),
                    format!("{working} is already used by another transfer"),
                ))
            }
            _ => {
                return Err(err(
                    Some(t.working.span()),
                    format!(
                        "transfer working day {working} is a {}, not a weekend day (or a day off moved from a holiday): only a day off can be made a working day",
                        weekday_name(working)
                    ),
                ))
            }
        };
        match special.get(&day_off) {
            None if !is_weekend(day_off) => {}
            None => {
                return Err(err(
                    Some(t.day_off.span()),
                    format!(
                        "transfer day off {day_off} is a {}, already a day off: the day off must be an ordinary working day",
                        weekday_name(day_off)
                    ),
                ))
            }
            Some(DayKind::TransferredDayOff(_)) | Some(DayKind::TransferredWorkingDay { .. }) => {
                return Err(err(
                    Some(t.day_off.span()),
                    format!("{day_off} is already used by another transfer"),
                ))
            }
            Some(other) => {
                return Err(err(
                    Some(t.day_off.span()),
                    format!(
                        "transfer day off {day_off} is already a day off ({}): the day off must be an ordinary working day",
                        other.describe(Lang::En)
                    ),
                ))
            }
        }
        special.insert(
            working,
            DayKind::TransferredWorkingDay {
                transfer: transfer.clone(),
                moved_day_off_of: moved_from,
            },
        );
        special.insert(day_off, DayKind::TransferredDayOff(transfer.clone()));
        transfers.push(transfer);
    }

    Ok(YearCalendar {
        year,
        file: file.to_string(),
        sources,
        notes: raw.notes,
        holidays,
        transfers,
        special,
    })
}

pub(super) fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn weekday_name(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// The 1-based line of a byte offset (clamped to the text, and to a character boundary).
fn line_of(text: &str, offset: usize) -> usize {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].bytes().filter(|b| *b == b'\n').count() + 1
}

/// `calendar/2024.toml` → 2024; anything else → None.
fn file_stem_year(file: &str) -> Option<i32> {
    let name = file.rsplit(['/', '\\']).next()?;
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    if stem.len() == 4 && stem.bytes().all(|b| b.is_ascii_digit()) {
        stem.parse().ok()
    } else {
        None
    }
}
