//! Replay protection: a message id is taken once. A message dated outside the window (too old
//! to be remembered, or from the future) is refused, so an id needs remembering only until
//! its message's date leaves the window; memory is bounded by the rate times the window.
//! Ids are kept as 16 bytes of their SHA-256.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
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

type Key = [u8; 16];

/// The ids seen within the window.
pub struct Seen {
    window: Duration,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    ids: HashSet<Key>,
    /// (when the id may be forgotten, the id), in the order taken.
    order: VecDeque<(DateTime<Utc>, Key)>,
}

fn key(id: &str) -> Key {
    let h = Sha256::digest(id.as_bytes());
    let mut k = [0u8; 16];
    k.copy_from_slice(&h[..16]);
    k
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
        let k = key(id);
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        while let Some((forget, _)) = inner.order.front() {
            // Dates within the window arrive roughly in order; an id remembered a little
            // longer than needed does no harm.
            if *forget >= now {
                break;
            }
            if let Some((_, old)) = inner.order.pop_front() {
                inner.ids.remove(&old);
            }
        }
        if !inner.ids.insert(k) {
            return Err(Stale::Replayed);
        }
        // After `dated + window` a message of this date is refused as out of the window.
        inner.order.push_back((dated.max(now) + self.window, k));
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
            seen.take("a", now + Duration::minutes(4), now + Duration::minutes(4)),
            Err(Stale::Replayed),
            "remembered while its date is in the window"
        );
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
