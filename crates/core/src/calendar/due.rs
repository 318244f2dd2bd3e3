//! When a deadline falls due: [`Deadline`] + start instant + the provider's hours → [`Due`].
//!
//! All instants are local Astana time as `NaiveDateTime`, passed in: there is no clock here.
//!
//! # Conventions
//!
//! * **End of a day** is the provider's closing time when its [`WorkingHours`] are known (the
//!   result must be handed over while someone is there to hand it over), and 23:59:59 when they
//!   are not (the day is not over before midnight).
//! * **The day a request counts as received** (the intake day): the day it arrives, when that is
//!   a working day and it arrives before closing (any time of the day when the hours are not
//!   known; before opening counts as that day). A request arriving after closing, or on a day
//!   off, counts as received on the next working day: nobody could register it earlier. When the
//!   intake day differs from the arrival day, [`Due::accepted_on`] says so.
//! * `N wd` («в течение N рабочих дней»): due at the end of the N-th working day after the
//!   intake day. The intake day itself is not counted, as a period counted in days starts on the
//!   day after the event that starts it.
//! * `N wd, intake and issue days not counted` («день приема и день выдачи не входят в срок»):
//!   N full working days lie strictly between intake and issue, so the issue day is the
//!   (N+1)-th working day after the intake day.
//! * `N cd`: due at the end of the intake day + N calendar days (+ N + 1 when intake and issue
//!   days are not counted). When that day is a day off, the term ends on the next working day,
//!   as civil law ends any term that falls on a non-working day: the result cannot be issued on
//!   a day the provider is closed.
//! * `same day` («в день обращения»): the end of the intake day.
//! * `same day, until H h before close`: requests are accepted until H hours before closing,
//!   the cut-off moment included. A request after the cut-off, or on a day off, is accepted on
//!   the next working day; it is due at that day's closing. Without the provider's hours the
//!   cut-off is unknown, and that is an error rather than a guess.
//! * Durations (`1 min`, `30 s..1 min`): the start plus the longest allowed duration, on the
//!   clock, without regard to days off: they are machine steps or steps within one sitting.

use super::{CalendarError, WorkingCalendar, WorkingHours};
use crate::deadline::Deadline;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// When a deadline falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// The last moment the action may be completed.
    pub due: NaiveDateTime,
    /// The day the request counts as received, when that is not the day it arrived (after
    /// closing, after the cut-off, or on a day off); `None` when it counts from its arrival.
    pub accepted_on: Option<NaiveDate>,
}

fn end_of_day(date: NaiveDate, hours: Option<&WorkingHours>) -> NaiveDateTime {
    let time = hours
        .map(|h| h.closes)
        .unwrap_or_else(|| NaiveTime::from_hms_opt(23, 59, 59).expect("23:59:59 is a time of day"));
    date.and_time(time)
}

impl WorkingCalendar {
    /// When `deadline` falls due for a request that arrived at `start` (local Astana time), given
    /// the provider's working hours when known. See the module's conventions.
    ///
    /// Errors: a year without a calendar file on the way, a deadline that needs the hours
    /// without them, or hours that cannot be used.
    pub fn due(
        &self,
        start: NaiveDateTime,
        deadline: &Deadline,
        hours: Option<WorkingHours>,
    ) -> Result<Due, CalendarError> {
        if let Some(h) = &hours {
            h.check().map_err(|reason| CalendarError::BadHours {
                opens: h.opens.format("%H:%M").to_string(),
                closes: h.closes.format("%H:%M").to_string(),
                reason,
            })?;
        }
        let hours = hours.as_ref();
        match *deadline {
            Deadline::Within(max) | Deadline::Between { max, .. } => {
                let max = chrono::Duration::from_std(max).map_err(|_| CalendarError::OutOfRange)?;
                let due = start
                    .checked_add_signed(max)
                    .ok_or(CalendarError::OutOfRange)?;
                Ok(Due {
                    due,
                    accepted_on: None,
                })
            }
            Deadline::SameDay => {
                let (intake, accepted_on) =
                    self.intake(start, |t| hours.is_none_or(|h| t < h.closes))?;
                Ok(Due {
                    due: end_of_day(intake, hours),
                    accepted_on,
                })
            }
            Deadline::SameDayUntilBeforeClose { hours: before } => {
                let h = hours.ok_or_else(|| CalendarError::HoursNotSet {
                    deadline: deadline.to_string(),
                })?;
                let cutoff =
                    h.cutoff_before_close(before)
                        .ok_or_else(|| CalendarError::BadHours {
                            opens: h.opens.format("%H:%M").to_string(),
                            closes: h.closes.format("%H:%M").to_string(),
                            reason: format!(
                                "accepting requests until {before} h before closing leaves no time after opening"
                            ),
                        })?;
                // The cut-off moment itself is still accepted («до 16:00» includes 16:00:00).
                let (intake, accepted_on) = self.intake(start, |t| t <= cutoff)?;
                Ok(Due {
                    due: end_of_day(intake, Some(h)),
                    accepted_on,
                })
            }
            Deadline::WorkingDays { days, exclusive } => {
                let (intake, accepted_on) =
                    self.intake(start, |t| hours.is_none_or(|h| t < h.closes))?;
                let n = if exclusive { days + 1 } else { days };
                let issue = self.add_working_days(intake, n)?;
                Ok(Due {
                    due: end_of_day(issue, hours),
                    accepted_on,
                })
            }
            Deadline::CalendarDays { days, exclusive } => {
                let (intake, accepted_on) =
                    self.intake(start, |t| hours.is_none_or(|h| t < h.closes))?;
                let n = i64::from(days) + i64::from(exclusive);
                let last = self.add_calendar_days(intake, n)?;
                let issue = self.working_day_on_or_after(last)?;
                Ok(Due {
                    due: end_of_day(issue, hours),
                    accepted_on,
                })
            }
        }
    }

    /// The day a request arriving at `start` counts as received: its own day when that is a
    /// working day and `in_time` accepts its time of day, else the next working day. The second
    /// value is that day when it differs from the arrival day.
    fn intake(
        &self,
        start: NaiveDateTime,
        in_time: impl Fn(NaiveTime) -> bool,
    ) -> Result<(NaiveDate, Option<NaiveDate>), CalendarError> {
        let day = start.date();
        if self.is_working_day(day)? && in_time(start.time()) {
            return Ok((day, None));
        }
        let next = self.add_working_days(day, 1)?;
        Ok((next, Some(next)))
    }
}
