//! SLA figures read from request histories: deadlines met and missed per action, requests
//! overdue now, time spent per action, requests by status.
//!
//! Nothing here is kept by hand: every figure is recomputed from the history the engine wrote,
//! so it cannot drift from what happened. Whether an ended action was in time is the engine's
//! own verdict (`ActionEnded.in_time`, taken against the due as extended); an open action's
//! due is its `ActionStarted.due`, replaced by each later `DeadlineExtended.until` for it —
//! the same rule [`crate::Engine`] follows when it moves `current_due`.

use crate::state::{Event, RequestState};
use chrono::NaiveDateTime;
use qyzmet_core::regulation::{ChannelKind, Status};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// SLA figures of a set of requests (e.g. one service of one provider), built by adding each
/// request with [`Sla::add`]; sets built apart (per shard, per day) combine with [`Sla::merge`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sla {
    pub requests: u64,
    /// Requests by their current status, in the order a request moves through them.
    pub by_status: BTreeMap<StatusKey, u64>,
    /// Per channel and action number. JSON has no tuple keys, so this serializes as a list of
    /// `{channel, action, ...figures}` sorted by channel, then action.
    #[serde(with = "action_list")]
    pub actions: BTreeMap<(ChannelKind, u32), ActionSla>,
    /// Requests whose current action is past its due at `now` (see [`breach`]).
    pub overdue_now: u64,
    pub finished: u64,
    /// Requests whose deadline was extended at least once.
    pub extended: u64,
}

/// A [`Status`] as a map key, ordered by the request's lifecycle (the core type has no order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StatusKey(pub Status);

impl Ord for StatusKey {
    fn cmp(&self, other: &Self) -> Ordering {
        crate::run::rank(self.0).cmp(&crate::run::rank(other.0))
    }
}

impl PartialOrd for StatusKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl From<Status> for StatusKey {
    fn from(s: Status) -> Self {
        StatusKey(s)
    }
}

/// The figures of one action of one channel. An action run twice in a request (a flow that
/// loops back) counts twice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionSla {
    /// Ended by their due.
    pub ended_in_time: u64,
    /// Ended after their due.
    pub ended_late: u64,
    /// Ended, and the action has no deadline.
    pub ended_without_deadline: u64,
    /// Current action of an unfinished request, past its due at `now`.
    pub open_overdue: u64,
    /// Current action of an unfinished request, not yet due at `now`.
    pub open_in_time: u64,
    /// Current action of an unfinished request, without a deadline.
    pub open_without_deadline: u64,
    /// Ended ones whose start is in the history (all of them, in histories the engine wrote),
    /// and the sum of their durations: kept so that means stay exact under [`Sla::merge`].
    pub timed: u64,
    pub total_seconds: i64,
    /// Mean duration of the timed ones, rounded to the second.
    pub mean_seconds: Option<i64>,
    pub max_seconds: Option<i64>,
}

impl ActionSla {
    pub fn ended(&self) -> u64 {
        self.ended_in_time + self.ended_late + self.ended_without_deadline
    }

    pub fn open(&self) -> u64 {
        self.open_overdue + self.open_in_time + self.open_without_deadline
    }

    fn time(&mut self, seconds: i64) {
        self.timed += 1;
        self.total_seconds += seconds;
        self.max_seconds = Some(self.max_seconds.map_or(seconds, |m| m.max(seconds)));
        self.update_mean();
    }

    fn update_mean(&mut self) {
        self.mean_seconds = (self.timed > 0)
            .then(|| (self.total_seconds as f64 / self.timed as f64).round() as i64);
    }

    pub fn merge(&mut self, other: &ActionSla) {
        self.ended_in_time += other.ended_in_time;
        self.ended_late += other.ended_late;
        self.ended_without_deadline += other.ended_without_deadline;
        self.open_overdue += other.open_overdue;
        self.open_in_time += other.open_in_time;
        self.open_without_deadline += other.open_without_deadline;
        self.timed += other.timed;
        self.total_seconds += other.total_seconds;
        self.max_seconds = match (self.max_seconds, other.max_seconds) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.update_mean();
    }
}

/// A breach found by a sweep: the request's current action is past its due instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breach {
    pub action: u32,
    /// The due in force: the start's, or the latest extension's.
    pub due: NaiveDateTime,
    pub overdue_by_seconds: i64,
}

/// The action a request waits at, by its history: number, start and due in force.
struct Open {
    action: u32,
    started: NaiveDateTime,
    due: Option<NaiveDateTime>,
}

/// Replays the history: calls `ended(action, in_time, seconds)` for each ended action and
/// returns the one still open, if any. The engine runs one action at a time, so an end
/// matches the latest start.
fn replay(
    state: &RequestState,
    mut ended: impl FnMut(u32, Option<bool>, Option<i64>),
) -> Option<Open> {
    let mut open: Option<Open> = None;
    for h in &state.history {
        match &h.event {
            Event::ActionStarted { action, due } => {
                open = Some(Open {
                    action: *action,
                    started: h.at,
                    due: *due,
                });
            }
            Event::DeadlineExtended { action, until, .. } => {
                if let Some(o) = open.as_mut().filter(|o| o.action == *action) {
                    o.due = Some(*until);
                }
            }
            Event::ActionEnded {
                action, in_time, ..
            } => {
                let seconds = open
                    .take()
                    .filter(|o| o.action == *action)
                    .map(|o| (h.at - o.started).num_seconds());
                ended(*action, *in_time, seconds);
            }
            Event::Finished { .. } => open = None,
            _ => {}
        }
    }
    open
}

/// Overdue means strictly after the due: the engine counts an act at the due instant in time.
fn overdue(due: NaiveDateTime, now: NaiveDateTime) -> bool {
    now > due
}

impl Sla {
    /// Add one request as it stands at `now` (which decides what is overdue).
    pub fn add(&mut self, state: &RequestState, now: NaiveDateTime) {
        self.requests += 1;
        *self.by_status.entry(StatusKey(state.status)).or_default() += 1;
        if state.finished {
            self.finished += 1;
        }
        if state
            .history
            .iter()
            .any(|h| matches!(h.event, Event::DeadlineExtended { .. }))
        {
            self.extended += 1;
        }
        let channel = state.channel;
        let actions = &mut self.actions;
        let open = replay(state, |action, in_time, seconds| {
            let a = actions.entry((channel, action)).or_default();
            match in_time {
                Some(true) => a.ended_in_time += 1,
                Some(false) => a.ended_late += 1,
                None => a.ended_without_deadline += 1,
            }
            if let Some(s) = seconds {
                a.time(s);
            }
        });
        if let Some(o) = open.filter(|_| !state.finished) {
            let a = self.actions.entry((channel, o.action)).or_default();
            match o.due {
                Some(due) if overdue(due, now) => {
                    a.open_overdue += 1;
                    self.overdue_now += 1;
                }
                Some(_) => a.open_in_time += 1,
                None => a.open_without_deadline += 1,
            }
        }
    }

    /// Fold in figures built apart; the result equals adding all their requests to one.
    pub fn merge(&mut self, other: &Sla) {
        self.requests += other.requests;
        for (s, n) in &other.by_status {
            *self.by_status.entry(*s).or_default() += n;
        }
        for (k, a) in &other.actions {
            self.actions.entry(*k).or_default().merge(a);
        }
        self.overdue_now += other.overdue_now;
        self.finished += other.finished;
        self.extended += other.extended;
    }

    /// Requests now in `status`.
    pub fn in_status(&self, status: Status) -> u64 {
        self.by_status.get(&StatusKey(status)).copied().unwrap_or(0)
    }

    /// Actions ended in time, ended late, over all channels and actions.
    pub fn ended_in_time(&self) -> u64 {
        self.actions.values().map(|a| a.ended_in_time).sum()
    }

    pub fn ended_late(&self) -> u64 {
        self.actions.values().map(|a| a.ended_late).sum()
    }
}

/// A breach found by a sweep: the request's current action is past its due instant. `None`
/// for a finished request, an action without a deadline, or one still in time.
pub fn breach(state: &RequestState, now: NaiveDateTime) -> Option<Breach> {
    if state.finished {
        return None;
    }
    let open = replay(state, |_, _, _| {})?;
    let due = open.due?;
    overdue(due, now).then(|| Breach {
        action: open.action,
        due,
        overdue_by_seconds: (now - due).num_seconds(),
    })
}

/// `Sla::actions` as a sorted list of `{channel, action, ...figures}`.
mod action_list {
    use super::ActionSla;
    use qyzmet_core::regulation::ChannelKind;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    struct EntryRef<'a> {
        channel: ChannelKind,
        action: u32,
        #[serde(flatten)]
        sla: &'a ActionSla,
    }

    #[derive(Deserialize)]
    struct Entry {
        channel: ChannelKind,
        action: u32,
        #[serde(flatten)]
        sla: ActionSla,
    }

    pub fn serialize<S: Serializer>(
        map: &BTreeMap<(ChannelKind, u32), ActionSla>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter().map(|(&(channel, action), sla)| EntryRef {
            channel,
            action,
            sla,
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<(ChannelKind, u32), ActionSla>, D::Error> {
        let mut map = BTreeMap::<_, ActionSla>::new();
        for e in Vec::<Entry>::deserialize(d)? {
            map.entry((e.channel, e.action)).or_default().merge(&e.sla);
        }
        Ok(map)
    }
}
