//! Replay protection: a message id is taken once. Ids are remembered for a window; a message
//! dated outside the window (too old to be remembered, or from the future) is refused, so the
//! memory stays bounded by the window and the rate.

use chrono::{DateTime, Duration, Utc};
use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// Why a message's id or date is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// This id was taken before.
    Replayed,
    /// The message is dated outside the window.
    OutOfWindow,
}

/// The ids seen within the window.
pub struct Seen {
    window: Duration,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    ids: HashSet<String>,
    order: VecDeque<(DateTime<Utc>, String)>,
}

impl Seen {
    pub fn new(window: Duration) -> Self {
        Seen {
            window,
            inner: Mutex::default(),
        }
    }

    /// Take `id` of a message dated `dated`, at `now`.
    pub fn take(&self, id: &str, dated: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), Stale> {
        if dated < now - self.window || dated > now + self.window {
            return Err(Stale::OutOfWindow);
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        while let Some((at, _)) = inner.order.front() {
            if *at >= now - self.window - self.window {
                break;
            }
            if let Some((_, old)) = inner.order.pop_front() {
                inner.ids.remove(&old);
            }
        }
        if !inner.ids.insert(id.to_string()) {
            return Err(Stale::Replayed);
        }
        inner.order.push_back((now, id.to_string()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_taken_once_and_dates_outside_the_window_are_refused() {
        let seen = Seen::new(Duration::minutes(5));
        let now = Utc::now();
        assert_eq!(seen.take("a", now, now), Ok(()));
        assert_eq!(seen.take("a", now, now), Err(Stale::Replayed));
        assert_eq!(
            seen.take("b", now - Duration::minutes(6), now),
            Err(Stale::OutOfWindow)
        );
        assert_eq!(
            seen.take("c", now + Duration::minutes(6), now),
            Err(Stale::OutOfWindow)
        );
        // Long after, "a" is forgotten — but a message dated then is out of the window anyway.
        let later = now + Duration::minutes(20);
        assert_eq!(seen.take("a", now, later), Err(Stale::OutOfWindow));
        assert_eq!(seen.take("d", later, later), Ok(()));
        assert!(
            seen.inner.lock().unwrap().ids.len() == 1,
            "old ids are dropped"
        );
    }
}
