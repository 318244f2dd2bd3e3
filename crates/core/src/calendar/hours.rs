//! A provider's working hours: when it opens and closes on a working day.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

/// Opening hours of a provider on a working day, e.g. `{ opens = "09:00", closes = "18:30" }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingHours {
    #[serde(with = "hhmm")]
    pub opens: NaiveTime,
    #[serde(with = "hhmm")]
    pub closes: NaiveTime,
}

mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&t.format("%H:%M"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(d)?;
        NaiveTime::parse_from_str(&text, "%H:%M").map_err(|_| {
            serde::de::Error::custom(format!("`{text}` is not a time of day as HH:MM"))
        })
    }
}

impl WorkingHours {
    /// Hours from `opens` to `closes`, checked: the provider must open before it closes (a night
    /// shift across midnight is not a provider's reception hours).
    pub fn new(opens: NaiveTime, closes: NaiveTime) -> Result<Self, String> {
        let hours = WorkingHours { opens, closes };
        hours.check()?;
        Ok(hours)
    }

    /// Whether the hours can be used: `opens` strictly before `closes`.
    pub fn check(&self) -> Result<(), String> {
        if self.opens < self.closes {
            Ok(())
        } else {
            Err(format!(
                "opens at {} but closes at {}: the provider must open before it closes",
                self.opens.format("%H:%M"),
                self.closes.format("%H:%M")
            ))
        }
    }

    /// Whether `time` is within the hours (`opens` inclusive, `closes` exclusive).
    pub fn is_open_at(&self, time: NaiveTime) -> bool {
        self.opens <= time && time < self.closes
    }

    /// The last moment requests are accepted when they are accepted until `hours` before
    /// closing; `None` when that is not after opening (no request could ever be accepted).
    pub fn cutoff_before_close(&self, hours: u32) -> Option<NaiveTime> {
        let back = chrono::Duration::hours(i64::from(hours));
        let (cutoff, wrapped) = self.closes.overflowing_sub_signed(back);
        (wrapped == 0 && cutoff > self.opens).then_some(cutoff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn serde_format_is_hh_mm() {
        let h: WorkingHours = toml::from_str("opens = \"09:00\"\ncloses = \"18:30\"").unwrap();
        assert_eq!(h, WorkingHours::new(t(9, 0), t(18, 30)).unwrap());
        assert!(toml::to_string(&h).unwrap().contains("closes = \"18:30\""));
    }

    #[test]
    fn cutoff_and_checks() {
        let h = WorkingHours::new(t(9, 0), t(18, 0)).unwrap();
        assert_eq!(h.cutoff_before_close(2), Some(t(16, 0)));
        assert_eq!(h.cutoff_before_close(9), None);
        assert_eq!(h.cutoff_before_close(20), None);
        assert!(h.is_open_at(t(9, 0)) && !h.is_open_at(t(18, 0)));
        assert!(WorkingHours::new(t(18, 0), t(9, 0)).is_err());
    }
}
