//! The engine: runs one request through its channel's action table.
//!
//! It is a pure state machine. The platform calls [`Engine::submit`] when a signed request is
//! filed, then [`Engine::apply`] with each input — a person's act, an outside system's answer,
//! an extension — and reads [`Engine::waiting`] to know whom the request waits for. System
//! steps (register, route, form the result, show the status) run at once. Every action's
//! start, end and deadline, every status change and every refusal lands in the history; every
//! status change is a notice for the recipient (and the CSC).

use crate::performer::{done_at_submission, performer, submitter_side, Performer};
use crate::state::*;
use crate::status::status_name;
use chrono::NaiveDateTime;
use qyzmet_core::calendar::WorkingCalendar;
use qyzmet_core::regulation::{
    Action, Channel, ChannelKind, Check, Given, Next, NotificationEvent, NotificationRecipient,
    Operation, Outcome, Participant, RefusalKind, Regulation, Status, StepKind, Target,
};
use qyzmet_core::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What moves a request on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "input", rename_all = "snake_case")]
pub enum Input {
    /// A person performed the current action: what they established (`facts`, e.g. that the
    /// documents meet the standard) and, for a decision, its `outcome` and grounds.
    Perform {
        by: Actor,
        #[serde(default)]
        facts: BTreeMap<Check, bool>,
        #[serde(default)]
        outcome: Option<Outcome>,
        #[serde(default)]
        grounds: Option<String>,
    },
    /// An outside system answered the current action.
    Answer {
        from: Participant,
        facts: BTreeMap<Check, bool>,
    },
    /// The provider extends the current action's deadline, with the reason.
    Extend {
        by: Actor,
        until: NaiveDateTime,
        reason: String,
    },
}

/// Whom a request waits for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "waiting_for", rename_all = "snake_case")]
pub enum Waiting {
    Person {
        action: u32,
        unit: Participant,
        role: Option<qyzmet_core::regulation::Role>,
        operation: Operation,
        /// The outcomes the person chooses between, for a decision.
        outcomes: Vec<Outcome>,
        /// What the person must establish, when the action checks a condition.
        establishes: Option<Check>,
    },
    Outside {
        action: u32,
        unit: Participant,
        operation: Operation,
        needs: Option<Check>,
    },
}

/// Why an input was not taken. The state is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("the regulation `{0}` has no {1} channel")]
    NoSuchChannel(String, ChannelKind),
    #[error("the request is finished")]
    Finished,
    #[error("the request waits for {expected}, not for {got}")]
    WrongActor { expected: String, got: String },
    #[error("action {action} needs a decision: one of {allowed:?}")]
    MissingOutcome { action: u32, allowed: Vec<Outcome> },
    #[error("action {action} cannot end with the outcome {outcome:?}; allowed: {allowed:?}")]
    OutcomeNotAllowed {
        action: u32,
        outcome: Outcome,
        allowed: Vec<Outcome>,
    },
    #[error("action {action} checks {check:?}: say whether it holds")]
    MissingFact { action: u32, check: Check },
    #[error("this regulation does not allow extending the deadline")]
    ExtensionNotAllowed,
    #[error("only the provider extends a deadline, while the request waits for its decision")]
    ExtensionOutOfTurn,
    #[error("the new deadline must be later than the current one")]
    ExtensionNotLater,
    #[error(
        "the flow did not come to rest within {0} steps: the regulation loops through system steps"
    )]
    Runaway(usize),
    #[error("the action table has no action {0}")]
    NoSuchAction(u32),
}

impl EngineError {
    /// A stable code for translations and API errors.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::NoSuchChannel(..) => "engine.no_such_channel",
            EngineError::Finished => "engine.finished",
            EngineError::WrongActor { .. } => "engine.wrong_actor",
            EngineError::MissingOutcome { .. } => "engine.missing_outcome",
            EngineError::OutcomeNotAllowed { .. } => "engine.outcome_not_allowed",
            EngineError::MissingFact { .. } => "engine.missing_fact",
            EngineError::ExtensionNotAllowed => "engine.extension_not_allowed",
            EngineError::ExtensionOutOfTurn => "engine.extension_out_of_turn",
            EngineError::ExtensionNotLater => "engine.extension_not_later",
            EngineError::Runaway(_) => "engine.runaway",
            EngineError::NoSuchAction(_) => "engine.no_such_action",
        }
    }
}

/// Runs requests of one regulation on the working-day calendar.
pub struct Engine<'a> {
    regulation: &'a Regulation,
    calendar: &'a WorkingCalendar,
}

/// Statuses in the order a request moves through them; derived statuses only move forward.
pub(crate) fn rank(s: Status) -> u8 {
    match s {
        Status::Submitted => 0,
        Status::AwaitingPayment => 1,
        Status::Received => 2,
        Status::InWork => 3,
        Status::DeadlineExtended => 4,
        Status::ReadyForPickup => 5,
        Status::Completed => 6,
        Status::Issued => 7,
        Status::Refused => 8,
    }
}

impl<'a> Engine<'a> {
    pub fn new(regulation: &'a Regulation, calendar: &'a WorkingCalendar) -> Self {
        Engine {
            regulation,
            calendar,
        }
    }

    fn channel(&self, kind: ChannelKind) -> Result<&'a Channel, EngineError> {
        self.regulation
            .channels
            .get(&kind)
            .ok_or_else(|| EngineError::NoSuchChannel(self.regulation.code.clone(), kind))
    }

    fn action(&self, st: &RequestState, number: u32) -> Result<&'a Action, EngineError> {
        self.channel(st.channel)?
            .actions
            .iter()
            .find(|a| a.number == number)
            .ok_or(EngineError::NoSuchAction(number))
    }

    /// File a request on `channel` at `now`. The submitter has logged in and signed; the
    /// signature's verdict (from the e-signature crate) is `signature_confirmed`. The actions
    /// the submitter performs in filing (log in, check papers, fill, sign) end at once; then
    /// the system steps run.
    pub fn submit(
        &self,
        channel: ChannelKind,
        signature_confirmed: bool,
        now: NaiveDateTime,
    ) -> Result<RequestState, EngineError> {
        let ch = self.channel(channel)?;
        let first = ch.actions.first().ok_or(EngineError::NoSuchAction(1))?;
        let mut st = RequestState {
            regulation: self.regulation.code.clone(),
            version: self.regulation.version,
            channel,
            status: Status::Submitted,
            current: None,
            current_started: None,
            current_due: None,
            facts: BTreeMap::from([
                (Check::Credentials, true),
                (Check::Signature, signature_confirmed),
            ]),
            outcome: None,
            refusal: None,
            finished: false,
            history: Vec::new(),
            notifications: Vec::new(),
            data: BTreeMap::new(),
        };
        self.start_action(&mut st, first.number, now)?;
        let side = submitter_side(channel);
        let mut steps = 0;
        while let Some(number) = st.current {
            let a = self.action(&st, number)?;
            let by_submitter = side.contains(&a.unit)
                && matches!(performer(a), Performer::Person { .. })
                && done_at_submission(a.operation);
            if !by_submitter || st.finished {
                break;
            }
            steps += 1;
            if steps > ch.actions.len() {
                return Err(EngineError::Runaway(steps));
            }
            self.end_action(
                &mut st,
                Actor {
                    unit: a.unit,
                    role: a.role,
                },
                None,
                now,
            )?;
        }
        self.advance(&mut st, now)?;
        Ok(st)
    }

    /// Whom the request waits for; `None` when it is finished.
    pub fn waiting(&self, st: &RequestState) -> Option<Waiting> {
        let a = self.action(st, st.current?).ok()?;
        let check = a
            .condition
            .and_then(|n| self.condition_check(st.channel, n));
        match performer(a) {
            Performer::Person { unit, role } => Some(Waiting::Person {
                action: a.number,
                unit,
                role,
                operation: a.operation,
                outcomes: decision_outcomes(a),
                establishes: check.filter(|c| !st.facts.contains_key(c)),
            }),
            Performer::Outside { unit } | Performer::System { unit } => Some(Waiting::Outside {
                action: a.number,
                unit,
                operation: a.operation,
                needs: check.filter(|c| !st.facts.contains_key(c)),
            }),
        }
    }

    /// Take one input. On error the state is left exactly as it was.
    pub fn apply(
        &self,
        st: &mut RequestState,
        input: Input,
        now: NaiveDateTime,
    ) -> Result<(), EngineError> {
        if st.finished {
            return Err(EngineError::Finished);
        }
        let mut next = st.clone();
        self.apply_to(&mut next, input, now)?;
        *st = next;
        Ok(())
    }

    fn apply_to(
        &self,
        st: &mut RequestState,
        input: Input,
        now: NaiveDateTime,
    ) -> Result<(), EngineError> {
        let number = st.current.ok_or(EngineError::Finished)?;
        let a = self.action(st, number)?;
        match input {
            Input::Perform {
                by,
                facts,
                outcome,
                grounds,
            } => {
                let Performer::Person { unit, role } = performer(a) else {
                    return Err(wrong_actor(a, &format!("{:?}", by.unit)));
                };
                if !acts_for(by, unit, role) {
                    return Err(wrong_actor(a, &format!("{:?} ({:?})", by.unit, by.role)));
                }
                let allowed = decision_outcomes(a);
                match (outcome, allowed.is_empty()) {
                    (None, false) => {
                        return Err(EngineError::MissingOutcome {
                            action: number,
                            allowed,
                        })
                    }
                    (Some(o), false) if !allowed.contains(&o) => {
                        return Err(EngineError::OutcomeNotAllowed {
                            action: number,
                            outcome: o,
                            allowed,
                        })
                    }
                    (Some(_), true) => {
                        return Err(EngineError::OutcomeNotAllowed {
                            action: number,
                            outcome: outcome.unwrap_or(Outcome::Positive),
                            allowed,
                        })
                    }
                    _ => {}
                }
                self.learn(st, facts, by.unit, now);
                if let Some(o) = outcome {
                    st.outcome = Some(o);
                    st.history.push(HistoryEntry {
                        at: now,
                        event: Event::Decided { outcome: o },
                    });
                    if o == Outcome::Refusal {
                        st.refusal = Some(RefusalRecord {
                            condition: None,
                            kind: Some(RefusalKind::GroundsNotMet),
                            message: grounds_text(grounds),
                        });
                    }
                }
                if let Some(check) = a
                    .condition
                    .and_then(|n| self.condition_check(st.channel, n))
                {
                    if !st.facts.contains_key(&check) {
                        return Err(EngineError::MissingFact {
                            action: number,
                            check,
                        });
                    }
                }
                self.end_action(st, by, outcome, now)?;
            }
            Input::Answer { from, facts } => {
                let unit = match performer(a) {
                    Performer::Outside { unit } | Performer::System { unit } => unit,
                    Performer::Person { .. } => return Err(wrong_actor(a, &format!("{from:?}"))),
                };
                if from != unit {
                    return Err(wrong_actor(a, &format!("{from:?}")));
                }
                self.learn(st, facts, from, now);
                if let Some(check) = a
                    .condition
                    .and_then(|n| self.condition_check(st.channel, n))
                {
                    if !st.facts.contains_key(&check) {
                        return Err(EngineError::MissingFact {
                            action: number,
                            check,
                        });
                    }
                }
                self.end_action(
                    st,
                    Actor {
                        unit: from,
                        role: None,
                    },
                    None,
                    now,
                )?;
            }
            Input::Extend { by, until, reason } => {
                if !self.regulation.general.extension_allowed {
                    return Err(EngineError::ExtensionNotAllowed);
                }
                let provider_turn = matches!(
                    performer(a),
                    Performer::Person {
                        unit: Participant::Provider | Participant::Commission,
                        ..
                    }
                );
                if !provider_turn || by.unit != Participant::Provider {
                    return Err(EngineError::ExtensionOutOfTurn);
                }
                if st.current_due.is_some_and(|d| until <= d) || until <= now {
                    return Err(EngineError::ExtensionNotLater);
                }
                st.current_due = Some(until);
                st.history.push(HistoryEntry {
                    at: now,
                    event: Event::DeadlineExtended {
                        action: number,
                        until,
                        reason: reason.clone(),
                    },
                });
                self.set_status(st, Status::DeadlineExtended, now);
                self.notice(
                    st,
                    NotificationEvent::DeadlineExtended,
                    Status::DeadlineExtended,
                    Some(&reason),
                    now,
                );
                return Ok(());
            }
        }
        self.advance(st, now)
    }

    fn learn(
        &self,
        st: &mut RequestState,
        facts: BTreeMap<Check, bool>,
        from: Participant,
        now: NaiveDateTime,
    ) {
        for (check, holds) in facts {
            st.facts.insert(check, holds);
            st.history.push(HistoryEntry {
                at: now,
                event: Event::FactLearned { check, holds, from },
            });
        }
    }

    /// Run system steps until the request waits for someone or finishes.
    fn advance(&self, st: &mut RequestState, now: NaiveDateTime) -> Result<(), EngineError> {
        let limit = 4 * self.channel(st.channel)?.actions.len() + 4;
        let mut steps = 0;
        while let (false, Some(number)) = (st.finished, st.current) {
            let a = self.action(st, number)?;
            let Performer::System { unit } = performer(a) else {
                if a.operation == Operation::Pay {
                    self.derive_status(st, Status::AwaitingPayment, now);
                }
                return Ok(());
            };
            let check = a
                .condition
                .and_then(|n| self.condition_check(st.channel, n));
            if check.is_some_and(|c| !st.facts.contains_key(&c)) {
                return Ok(()); // waits for an outside answer
            }
            steps += 1;
            if steps > limit {
                return Err(EngineError::Runaway(steps));
            }
            self.end_action(st, Actor { unit, role: None }, None, now)?;
        }
        Ok(())
    }

    fn start_action(
        &self,
        st: &mut RequestState,
        number: u32,
        now: NaiveDateTime,
    ) -> Result<(), EngineError> {
        let a = self.action(st, number)?;
        let hours = self
            .regulation
            .general
            .provider
            .working_hours
            .value()
            .copied();
        let due = match &a.deadline {
            Given::Value(d) => self.calendar.due(now, d, hours).ok().map(|d| d.due),
            Given::Unset { .. } => None,
        };
        st.current = Some(number);
        st.current_started = Some(now);
        st.current_due = due;
        st.history.push(HistoryEntry {
            at: now,
            event: Event::ActionStarted {
                action: number,
                due,
            },
        });
        Ok(())
    }

    /// End the current action: its condition, its status, and the way on. `chosen` is the
    /// person's decision at a branching action that no condition decides.
    fn end_action(
        &self,
        st: &mut RequestState,
        by: Actor,
        chosen: Option<Outcome>,
        now: NaiveDateTime,
    ) -> Result<(), EngineError> {
        let number = st.current.ok_or(EngineError::Finished)?;
        let a = self.action(st, number)?;
        let in_time = st.current_due.map(|due| now <= due);
        st.history.push(HistoryEntry {
            at: now,
            event: Event::ActionEnded {
                action: number,
                by,
                in_time,
            },
        });
        let branches = outcomes(&a.next);
        // A failed condition refuses: along the table's refusal branch when it has one (to
        // the action that forms the refusal), at once otherwise.
        let mut outcome = chosen;
        if let Some(n) = a.condition {
            if let Some(check) = self.condition_check(st.channel, n) {
                let holds = st.facts.get(&check) != Some(&false);
                if !holds {
                    self.record_refusal(st, n, now)?;
                    if !branches.contains(&Outcome::Refusal) {
                        self.set_status(st, Status::Refused, now);
                        self.close(st, now);
                        return Ok(());
                    }
                }
                outcome = Some(if holds {
                    Outcome::Positive
                } else {
                    Outcome::Refusal
                });
            }
        }
        if a.operation == Operation::TakeIntoWork {
            self.derive_status(st, Status::InWork, now);
        }
        if let Some(s) = a.status {
            self.set_status(st, s, now);
        } else if st.status == Status::DeadlineExtended {
            self.set_status(st, Status::InWork, now);
        }
        let target = match &a.next {
            Next::End(_) => Target::End(qyzmet_core::regulation::EndMarker::End),
            Next::To(n) => Target::To(*n),
            Next::Branches(bs) => {
                // A branching system step that no condition decides goes the positive way.
                let outcome = outcome.unwrap_or(Outcome::Positive);
                bs.iter().find(|b| b.on == outcome).map(|b| b.to).ok_or(
                    EngineError::OutcomeNotAllowed {
                        action: number,
                        outcome,
                        allowed: branches.clone(),
                    },
                )?
            }
        };
        match target {
            Target::To(n) => self.start_action(st, n, now),
            Target::End(_) => {
                self.finish(st, now);
                Ok(())
            }
        }
    }

    /// The check of condition `n` of the channel's procedure.
    fn condition_check(&self, channel: ChannelKind, n: u32) -> Option<Check> {
        self.regulation
            .channels
            .get(&channel)?
            .procedure
            .iter()
            .find_map(|s| {
                (s.kind == StepKind::Condition && s.number == Some(n))
                    .then_some(s.check)
                    .flatten()
            })
    }

    /// Record that condition `condition` failed: its refusal kind and message.
    fn record_refusal(
        &self,
        st: &mut RequestState,
        condition: u32,
        now: NaiveDateTime,
    ) -> Result<(), EngineError> {
        let refusal = self.channel(st.channel)?.procedure.iter().find_map(|s| {
            (s.kind == StepKind::Condition && s.number == Some(condition))
                .then(|| s.refusal.clone())
                .flatten()
        });
        st.refusal = Some(RefusalRecord {
            condition: Some(condition),
            kind: refusal.as_ref().map(|r| r.kind),
            message: refusal.map(|r| r.message).unwrap_or_default(),
        });
        st.history.push(HistoryEntry {
            at: now,
            event: Event::Refused {
                condition: Some(condition),
                kind: st.refusal.as_ref().and_then(|r| r.kind),
            },
        });
        st.outcome = Some(Outcome::Refusal);
        Ok(())
    }

    fn finish(&self, st: &mut RequestState, now: NaiveDateTime) {
        let last = match st.outcome {
            Some(Outcome::Refusal) => Status::Refused,
            _ if matches!(
                st.status,
                Status::Completed | Status::Issued | Status::ReadyForPickup
            ) =>
            {
                st.status
            }
            _ => Status::Completed,
        };
        self.set_status(st, last, now);
        self.close(st, now);
    }

    fn close(&self, st: &mut RequestState, now: NaiveDateTime) {
        st.finished = true;
        st.current = None;
        st.current_started = None;
        st.current_due = None;
        st.history.push(HistoryEntry {
            at: now,
            event: Event::Finished { status: st.status },
        });
    }

    /// A status the engine infers (not written in the table): only ever forward.
    fn derive_status(&self, st: &mut RequestState, s: Status, now: NaiveDateTime) {
        if rank(s) > rank(st.status) {
            self.set_status(st, s, now);
        }
    }

    fn set_status(&self, st: &mut RequestState, s: Status, now: NaiveDateTime) {
        if st.status == s {
            return;
        }
        st.history.push(HistoryEntry {
            at: now,
            event: Event::StatusChanged {
                from: st.status,
                to: s,
            },
        });
        st.status = s;
        if s != Status::DeadlineExtended {
            self.notice(st, NotificationEvent::StatusChanged, s, None, now);
        }
    }

    fn notice(
        &self,
        st: &mut RequestState,
        event: NotificationEvent,
        status: Status,
        extra: Option<&str>,
        now: NaiveDateTime,
    ) {
        let template = self
            .regulation
            .notifications
            .iter()
            .find(|n| n.event == event);
        let to_csc = st.channel == ChannelKind::Csc
            || template.is_some_and(|n| n.to.contains(&NotificationRecipient::Csc));
        let name = status_name(status);
        let join = |t: Option<&str>, s: &str| match (t, extra) {
            (Some(t), Some(x)) => format!("{t}. {s}: {x}"),
            (Some(t), None) => format!("{t}. {s}"),
            (None, Some(x)) => format!("{s}: {x}"),
            (None, None) => s.to_string(),
        };
        let t = template.map(|n| &n.text);
        let text = Text::new(
            join(t.map(|t| t.kk.as_str()), &name.kk),
            join(t.map(|t| t.ru.as_str()), &name.ru),
            join(t.map(|t| t.en.as_str()), &name.en),
        );
        st.notifications.push(Notice {
            at: now,
            to_csc,
            status,
            text,
        });
    }
}

fn outcomes(next: &Next) -> Vec<Outcome> {
    match next {
        Next::Branches(bs) => bs.iter().map(|b| b.on).collect(),
        _ => Vec::new(),
    }
}

/// The outcomes a person chooses between at `a`: its branches, unless a condition decides them.
fn decision_outcomes(a: &Action) -> Vec<Outcome> {
    if a.condition.is_some() {
        Vec::new()
    } else {
        outcomes(&a.next)
    }
}

/// Whether `by` may act for `unit` (in `role`): a system unit's person steps are its staff's.
fn acts_for(by: Actor, unit: Participant, role: Option<qyzmet_core::regulation::Role>) -> bool {
    let staff = match unit {
        Participant::AgencyIs | Participant::Commission => Participant::Provider,
        Participant::CscIs | Participant::Courier => Participant::Csc,
        Participant::Portal => Participant::Recipient,
        other => other,
    };
    let unit_ok = by.unit == unit || by.unit == staff;
    let role_ok = match role {
        None => true,
        Some(r) => by.role == Some(r),
    };
    unit_ok && role_ok
}

fn wrong_actor(a: &Action, got: &str) -> EngineError {
    let expected = match performer(a) {
        Performer::Person { unit, role } => format!("{unit:?} ({role:?}) to {:?}", a.operation),
        Performer::Outside { unit } | Performer::System { unit } => {
            format!("an answer from {unit:?}")
        }
    };
    EngineError::WrongActor {
        expected,
        got: got.to_string(),
    }
}

fn grounds_text(grounds: Option<String>) -> Text {
    match grounds {
        Some(g) if !g.trim().is_empty() => Text::new(g.clone(), g.clone(), g),
        _ => Text::new(
            "Қызмет көрсетуге негіздер жоқ",
            "Отсутствуют основания для оказания услуги",
            "The grounds for the service are not met",
        ),
    }
}
