//! A request's state as the engine keeps it: where it stands in its channel's flow, what is
//! known, its status, and its history. Serializable, so storage keeps it as it is.

use chrono::NaiveDateTime;
use qyzmet_core::regulation::{
    ChannelKind, Check, Outcome, Participant, RefusalKind, Role, Status,
};
use qyzmet_core::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a request stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestState {
    pub regulation: String,
    /// The regulation's version, pinned when the request was opened.
    pub version: u32,
    pub channel: ChannelKind,
    pub status: Status,
    /// The action the flow waits at; `None` once finished.
    pub current: Option<u32>,
    /// When the current action started and when it falls due.
    pub current_started: Option<NaiveDateTime>,
    pub current_due: Option<NaiveDateTime>,
    /// What the conditions check, as far as known.
    pub facts: BTreeMap<Check, bool>,
    /// The decision, once taken.
    pub outcome: Option<Outcome>,
    /// Why it was refused, if it was.
    pub refusal: Option<RefusalRecord>,
    pub finished: bool,
    pub history: Vec<HistoryEntry>,
    pub notifications: Vec<Notice>,
    /// What the request carries that the flow does not read — the signed application, what
    /// outside systems answered, the result — kept with the state so that it is stored with it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub data: BTreeMap<String, serde_json::Value>,
}

/// A refusal: the failed condition, its kind and message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefusalRecord {
    /// The condition's number in the procedure; `None` for a decision's motivated refusal.
    pub condition: Option<u32>,
    pub kind: Option<RefusalKind>,
    pub message: Text,
}

/// Who did something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub unit: Participant,
    pub role: Option<Role>,
}

/// One line of a request's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: NaiveDateTime,
    #[serde(flatten)]
    pub event: Event,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    ActionStarted {
        action: u32,
        due: Option<NaiveDateTime>,
    },
    ActionEnded {
        action: u32,
        by: Actor,
        /// Whether it ended by its deadline; `None` when the action has none.
        in_time: Option<bool>,
    },
    StatusChanged {
        from: Status,
        to: Status,
    },
    FactLearned {
        check: Check,
        holds: bool,
        from: Participant,
    },
    Decided {
        outcome: Outcome,
    },
    DeadlineExtended {
        action: u32,
        until: NaiveDateTime,
        reason: String,
    },
    Refused {
        condition: Option<u32>,
        kind: Option<RefusalKind>,
    },
    Finished {
        status: Status,
    },
}

/// A notice to the recipient's cabinet (and to the CSC the request came from).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub at: NaiveDateTime,
    pub to_csc: bool,
    pub status: Status,
    pub text: Text,
}
