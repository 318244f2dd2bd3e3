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
