//! Every shipped regulation runs, on every channel, from submission to its end: with a positive
//! decision, with a motivated refusal, and with each condition the action table checks failing
//! into its own refusal and message. No service is named in the engine; this test proves the
//! definition files are enough.

use chrono::{NaiveDate, NaiveDateTime};
use qyzmet_core::calendar::WorkingCalendar;
use qyzmet_core::regulation::{
    Catalog, ChannelKind, Check, Outcome, Participant, Regulation, Status, StepKind,
};
use qyzmet_engine::{Actor, Engine, Event, Input, RequestState, Waiting};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

fn sources(dir: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(dir);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    out
}

fn world() -> &'static (Catalog, WorkingCalendar) {
    static WORLD: OnceLock<(Catalog, WorkingCalendar)> = OnceLock::new();
    WORLD.get_or_init(|| {
        let (catalog, ds) = Catalog::from_sources(&sources("regulations"));
        assert!(ds.is_empty(), "{ds:?}");
        let calendar = WorkingCalendar::from_sources(&sources("calendar")).unwrap();
        (catalog, calendar)
    })
}

/// Monday 3 March 2025, 10:00 — a working day.
fn start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 3, 3)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

/// How the simulated people and systems answer.
#[derive(Clone, Copy)]
struct Script {
    decision: Outcome,
    /// A check that comes out false (its condition fails), if any.
    failing: Option<Check>,
}

/// Run a request to its end, answering whatever it waits for by `script`.
fn run(engine: &Engine, channel: ChannelKind, script: Script) -> RequestState {
    let mut now = start();
    let signature_ok = script.failing != Some(Check::Signature);
    let mut st = engine.submit(channel, signature_ok, now).unwrap();
    for _ in 0..200 {
        let Some(waiting) = engine.waiting(&st) else {
            break;
        };
        now += chrono::Duration::minutes(1);
        let facts = |check: Option<Check>| -> BTreeMap<Check, bool> {
            check
                .map(|c| BTreeMap::from([(c, script.failing != Some(c))]))
                .unwrap_or_default()
        };
        let input = match waiting {
            Waiting::Person {
                unit,
                role,
                outcomes,
                establishes,
                ..
            } => Input::Perform {
                by: Actor {
                    unit: staff(unit),
                    role,
                },
                facts: facts(establishes),
                outcome: if outcomes.is_empty() {
                    None
                } else if outcomes.contains(&script.decision) {
                    Some(script.decision)
                } else {
                    Some(outcomes[0])
                },
                grounds: None,
            },
            Waiting::Outside { unit, needs, .. } => Input::Answer {
                from: unit,
                facts: facts(needs),
            },
        };
        engine
            .apply(&mut st, input, now)
            .unwrap_or_else(|e| panic!("{} {channel}: {e}", st.regulation));
    }
    assert!(
        st.finished,
        "{} {channel} did not finish: waits for {:?}",
        st.regulation,
        engine.waiting(&st)
    );
    st
}

fn staff(unit: Participant) -> Participant {
    match unit {
        Participant::AgencyIs | Participant::Commission => Participant::Provider,
        Participant::CscIs | Participant::Courier => Participant::Csc,
        Participant::Portal => Participant::Recipient,
        u => u,
    }
}

fn channels(r: &Regulation) -> Vec<ChannelKind> {
    r.channels.keys().copied().collect()
}

#[test]
fn every_service_completes_on_every_channel() {
    let (catalog, calendar) = world();
    let mut runs = 0;
    for r in catalog.all() {
        let engine = Engine::new(r, calendar);
        for ch in channels(r) {
            let st = run(
                &engine,
                ch,
                Script {
                    decision: Outcome::Positive,
                    failing: None,
                },
            );
            assert!(
                matches!(
                    st.status,
                    Status::Completed | Status::Issued | Status::ReadyForPickup
                ),
                "{} {ch}: ended {:?}",
                r.code,
                st.status
            );
            assert!(st.refusal.is_none());
            // Every action that started also ended, and each end says whether it was in time.
            let started: Vec<u32> = st
                .history
                .iter()
                .filter_map(|h| match h.event {
                    Event::ActionStarted { action, .. } => Some(action),
                    _ => None,
                })
                .collect();
            let ended: Vec<u32> = st
                .history
                .iter()
                .filter_map(|h| match h.event {
                    Event::ActionEnded { action, .. } => Some(action),
                    _ => None,
                })
                .collect();
            assert_eq!(started, ended, "{} {ch}", r.code);
            assert!(
                !st.notifications.is_empty(),
                "{} {ch}: the recipient hears of the result",
                r.code
            );
            if ch == ChannelKind::Csc {
                assert!(
                    st.notifications.iter().all(|n| n.to_csc),
                    "{} csc: notices go to the CSC too",
                    r.code
                );
            }
            runs += 1;
        }
    }
    assert!(runs >= 25, "only {runs} service-channel runs");
}

#[test]
fn a_motivated_refusal_ends_refused_on_every_channel_with_a_decision() {
    let (catalog, calendar) = world();
    for r in catalog.all() {
        let engine = Engine::new(r, calendar);
        for ch in channels(r) {
            // A person's decision between branches that no condition decides.
            let decides = r.channels[&ch].actions.iter().any(|a| {
                use qyzmet_core::regulation::Operation::*;
                a.condition.is_none()
                    && matches!(qyzmet_engine::performer(a), qyzmet_engine::Performer::Person { .. })
                    && !matches!(a.operation, Authenticate | CheckDocuments | FillForm | SignRequest)
                    && matches!(&a.next, qyzmet_core::regulation::Next::Branches(bs) if bs.iter().any(|b| b.on == Outcome::Refusal))
            });
            if !decides {
                continue;
            }
            let st = run(
                &engine,
                ch,
                Script {
                    decision: Outcome::Refusal,
                    failing: None,
                },
            );
            assert_eq!(st.status, Status::Refused, "{} {ch}", r.code);
            assert!(st.refusal.as_ref().unwrap().message.missing().is_empty());
        }
    }
}

#[test]
fn each_checked_condition_refuses_with_its_own_message() {
    let (catalog, calendar) = world();
    let mut checked = 0;
    for r in catalog.all() {
        let engine = Engine::new(r, calendar);
        for (ch, channel) in &r.channels {
            for step in channel
                .procedure
                .iter()
                .filter(|s| s.kind == StepKind::Condition)
            {
                let (Some(n), Some(check), Some(refusal)) =
                    (step.number, step.check, &step.refusal)
                else {
                    continue;
                };
                if !channel.actions.iter().any(|a| a.condition == Some(n))
                    || check == Check::Credentials
                {
                    continue; // checked outside the table: the login refuses before a request exists
                }
                let st = run(
                    &engine,
                    *ch,
                    Script {
                        decision: Outcome::Positive,
                        failing: Some(check),
                    },
                );
                assert_eq!(st.status, Status::Refused, "{} {ch} condition {n}", r.code);
                let got = st.refusal.as_ref().unwrap();
                assert_eq!(got.condition, Some(n), "{} {ch}", r.code);
                assert_eq!(got.message, refusal.message, "{} {ch}", r.code);
                assert!(st.notifications.last().unwrap().status == Status::Refused);
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 20,
        "only {checked} conditions are checked in action tables"
    );
}
