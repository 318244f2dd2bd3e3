//! Deadlines as the regulations write them, in a small language that a person can read in the
//! definition file next to the seed's own words.
//!
//! | file text                                  | seed wording                                        |
//! |--------------------------------------------|-----------------------------------------------------|
//! | `1 min`, `15 min`, `20 s`, `1.5 min`, `2 h` | «не более 1 минуты», «20 сек.»                      |
//! | `30 s..1 min`, `10..15 s`                  | «30 сек. – 1 мин.», «10-15 сек.»                     |
//! | `15 wd`                                    | «в течение 15 рабочих дней»                          |
//! | `3 wd, intake and issue days not counted`  | «три рабочих дня (день приема и день выдачи … не входят в срок)» |
//! | `5 cd`                                     | five calendar days                                  |
//! | `same day`                                 | «в день обращения»                                  |
//! | `same day, until 2 h before close`         | «прием … до 2 часов до окончания рабочего дня»       |
//!
//! The arithmetic that turns a deadline into an instant lives with the calendar
//! ([`crate::calendar`]), which knows working days and the provider's hours.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// How long an action of a regulation may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// A machine or short human step: at most this long.
    Within(Duration),
    /// The seeds' "30 s – 1 min": expected in the range, late after `max`.
    Between { min: Duration, max: Duration },
    /// N working days on the Kazakh calendar. `exclusive`: the day of intake and the day of
    /// issue are not counted.
    WorkingDays { days: u32, exclusive: bool },
    /// N calendar days, with the same `exclusive` meaning.
    CalendarDays { days: u32, exclusive: bool },
    /// On the day of application.
    SameDay,
    /// On the day of application; requests are accepted until `hours` before the provider closes.
    SameDayUntilBeforeClose { hours: u32 },
}

/// Why a deadline text did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("deadline `{text}` does not parse: {reason}; write e.g. `1 min`, `30 s..1 min`, `15 wd`, `3 wd, intake and issue days not counted`, `5 cd`, `same day` or `same day, until 2 h before close`")]
pub struct DeadlineParseError {
    pub text: String,
    pub reason: String,
}

const EXCLUSIVE_SUFFIX: &str = ", intake and issue days not counted";
const CLOSE_PREFIX: &str = "same day, until ";
const CLOSE_SUFFIX: &str = " h before close";

impl Deadline {
    /// The longest the action may take when it is a fixed duration (machine steps); `None` for
    /// deadlines that need the calendar.
    pub fn max_duration(&self) -> Option<Duration> {
        match self {
            Deadline::Within(d) => Some(*d),
            Deadline::Between { max, .. } => Some(*max),
            _ => None,
        }
    }
}

fn parse_duration(text: &str, unit_hint: Option<&str>) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.split_once(' ') {
        Some((n, u)) => (n.trim(), u.trim()),
        None => match unit_hint {
            Some(u) => (text, u),
            None => return Err(format!("`{text}` has no unit (s, min or h)")),
        },
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{number}` is not a number"))?;
    if !value.is_finite() || value <= 0.0 {
        return Err(format!("`{number}` must be a positive number"));
    }
    let seconds = match unit {
        "s" => value,
        "min" => value * 60.0,
        "h" => value * 3600.0,
        other => return Err(format!("unknown unit `{other}`: use s, min or h")),
    };
    if seconds > 366.0 * 24.0 * 3600.0 {
        return Err("longer than a year: use wd or cd".into());
    }
    Ok(Duration::from_millis((seconds * 1000.0).round() as u64))
}

fn parse_days(number: &str) -> Result<u32, String> {
    let days: u32 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{}` is not a whole number of days", number.trim()))?;
    if days == 0 || days > 366 {
        return Err(format!("{days} days is out of range 1..=366"));
    }
    Ok(days)
}

impl FromStr for Deadline {
    type Err = DeadlineParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fail = |reason: String| DeadlineParseError {
            text: s.to_string(),
            reason,
        };
        let text = s.trim();
        if text == "same day" {
            return Ok(Deadline::SameDay);
        }
        if let Some(rest) = text.strip_prefix(CLOSE_PREFIX) {
            let hours = rest
                .strip_suffix(CLOSE_SUFFIX)
                .ok_or_else(|| fail(format!("expected `{CLOSE_PREFIX}N{CLOSE_SUFFIX}`")))?;
            let hours: u32 = hours
                .trim()
                .parse()
                .map_err(|_| fail(format!("`{hours}` is not a whole number of hours")))?;
            if hours == 0 || hours > 24 {
                return Err(fail(format!("{hours} hours is out of range 1..=24")));
            }
            return Ok(Deadline::SameDayUntilBeforeClose { hours });
        }
        let (body, exclusive) = match text.strip_suffix(EXCLUSIVE_SUFFIX) {
            Some(body) => (body, true),
            None => (text, false),
        };
        if let Some(n) = body.strip_suffix(" wd") {
            let days = parse_days(n).map_err(fail)?;
            return Ok(Deadline::WorkingDays { days, exclusive });
        }
        if let Some(n) = body.strip_suffix(" cd") {
            let days = parse_days(n).map_err(fail)?;
            return Ok(Deadline::CalendarDays { days, exclusive });
        }
        if exclusive {
            return Err(fail(
                "only day counts (wd, cd) can leave out intake and issue days".into(),
            ));
        }
        if let Some((lo, hi)) = body.split_once("..") {
            let max = parse_duration(hi, None).map_err(fail)?;
            let hi_unit = hi.trim().split_once(' ').map(|(_, u)| u.trim());
            let min = parse_duration(lo, hi_unit).map_err(fail)?;
            if min > max {
                return Err(fail("the range's start is after its end".into()));
            }
            return Ok(Deadline::Between { min, max });
        }
        parse_duration(body, None)
            .map(Deadline::Within)
            .map_err(fail)
    }
}

fn fmt_duration(d: Duration) -> String {
    let ms = d.as_millis();
    let (value, unit) = if ms.is_multiple_of(3_600_000) {
        (ms as f64 / 3_600_000.0, "h")
    } else if ms.is_multiple_of(60_000) || ms.is_multiple_of(30_000) && ms >= 60_000 {
        (ms as f64 / 60_000.0, "min")
    } else {
        (ms as f64 / 1000.0, "s")
    };
    format!("{value} {unit}")
}

impl fmt::Display for Deadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let suffix = |exclusive: bool| if exclusive { EXCLUSIVE_SUFFIX } else { "" };
        match self {
            Deadline::Within(d) => f.write_str(&fmt_duration(*d)),
            Deadline::Between { min, max } => {
                write!(f, "{}..{}", fmt_duration(*min), fmt_duration(*max))
            }
            Deadline::WorkingDays { days, exclusive } => {
                write!(f, "{days} wd{}", suffix(*exclusive))
            }
            Deadline::CalendarDays { days, exclusive } => {
                write!(f, "{days} cd{}", suffix(*exclusive))
            }
            Deadline::SameDay => f.write_str("same day"),
            Deadline::SameDayUntilBeforeClose { hours } => {
                write!(f, "{CLOSE_PREFIX}{hours}{CLOSE_SUFFIX}")
            }
        }
    }
}

impl Serialize for Deadline {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Deadline {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Deadline {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn parses_every_form_the_seeds_use() {
        assert_eq!(p("1 min"), Deadline::Within(Duration::from_secs(60)));
        assert_eq!(p("1.5 min"), Deadline::Within(Duration::from_secs(90)));
        assert_eq!(p("20 s"), Deadline::Within(Duration::from_secs(20)));
        assert_eq!(
            p("30 s..1 min"),
            Deadline::Between {
                min: Duration::from_secs(30),
                max: Duration::from_secs(60)
            }
        );
        assert_eq!(
            p("10..15 s"),
            Deadline::Between {
                min: Duration::from_secs(10),
                max: Duration::from_secs(15)
            }
        );
        assert_eq!(
            p("15 wd"),
            Deadline::WorkingDays {
                days: 15,
                exclusive: false
            }
        );
        assert_eq!(
            p("3 wd, intake and issue days not counted"),
            Deadline::WorkingDays {
                days: 3,
                exclusive: true
            }
        );
        assert_eq!(
            p("5 cd"),
            Deadline::CalendarDays {
                days: 5,
                exclusive: false
            }
        );
        assert_eq!(p("same day"), Deadline::SameDay);
        assert_eq!(
            p("same day, until 2 h before close"),
            Deadline::SameDayUntilBeforeClose { hours: 2 }
        );
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "1 min",
            "1.5 min",
            "20 s",
            "30 s..1 min",
            "10 s..15 s",
            "2 h",
            "15 wd",
            "3 wd, intake and issue days not counted",
            "3 cd, intake and issue days not counted",
            "same day",
            "same day, until 2 h before close",
        ] {
            assert_eq!(p(s).to_string(), s);
            assert_eq!(p(&p(s).to_string()), p(s));
        }
    }

    #[test]
    fn rejects_bad_text_with_reason() {
        for (bad, reason) in [
            ("", "no unit"),
            ("fast", "no unit"),
            ("1 minute", "unknown unit"),
            ("-1 min", "positive"),
            ("0 wd", "out of range"),
            ("x wd", "whole number"),
            ("1 min..30 s", "after its end"),
            (
                "5 min, intake and issue days not counted",
                "only day counts",
            ),
            ("same day, until x h before close", "whole number of hours"),
            ("same day, until 2 hours", "expected"),
            ("NaN s", "positive"),
        ] {
            let err = bad.parse::<Deadline>().unwrap_err();
            assert!(err.reason.contains(reason), "{bad}: {}", err.reason);
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in ".{0,40}") {
            let _ = s.parse::<Deadline>();
        }
    }
}
