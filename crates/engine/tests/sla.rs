//! SLA figures computed from histories of real requests: shipped regulations run by the engine,
//! with people acting in time, days late, never, or after an extension.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use qyzmet_core::calendar::WorkingCalendar;
use qyzmet_core::regulation::{
    Catalog, ChannelKind, Check, Given, Outcome, Participant, Role, Status,
};
use qyzmet_engine::{
    breach, Actor, Breach, Engine, Event, Input, RequestState, Sla, StatusKey, Waiting,
};
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

/// A shipped service whose portal flow has a 10-working-day decision and allows extensions.
const SERVICE: &str = "disabled-children-home-schooling";

fn engine(code: &str) -> Engine<'static> {
    let (catalog, calendar) = world();
    let r = catalog
        .all()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("no shipped regulation {code}"));
    Engine::new(r, calendar)
}

/// Monday 3 March 2025, 10:00 — a working day.
fn start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 3, 3)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

/// How the simulated people and systems answer. Everyone acts a minute after being asked (or
/// at the due, if sooner), except at the *watched* action: the first person's action whose deadline is more than a
/// day away (the decision).
#[derive(Clone, Copy)]
struct Plan {
    decision: Outcome,
    /// Perform the watched action this long after its due.
    late_by: Option<Duration>,
    /// First extend the watched action's deadline to this long after its due.
    extend_by: Option<Duration>,
    /// Leave the request waiting at the watched action.
    stop: bool,
}

const IN_TIME: Plan = Plan {
    decision: Outcome::Positive,
    late_by: None,
    extend_by: None,
    stop: false,
};

/// The watched action as the request reached it: its number and the due it started with.
#[derive(Debug, Clone, Copy)]
struct Watched {
    action: u32,
    due: NaiveDateTime,
}

/// Run a request by `plan`, answering whatever it waits for.
fn run(engine: &Engine, channel: ChannelKind, plan: Plan) -> (RequestState, Option<Watched>) {
    let mut now = start();
    let mut st = engine.submit(channel, true, now).unwrap();
    let mut watched: Option<Watched> = None;
    for _ in 0..200 {
        let Some(waiting) = engine.waiting(&st) else {
            break;
        };
        // A minute later, or at the due when that is sooner (some steps have 15 seconds).
        let step = st.current_due.map_or(Duration::minutes(1), |d| {
            (d - now).clamp(Duration::zero(), Duration::minutes(1))
        });
        now += step;
        let facts = |check: Option<Check>| -> BTreeMap<Check, bool> {
            check
                .map(|c| BTreeMap::from([(c, true)]))
                .unwrap_or_default()
        };
        let input = match waiting {
            Waiting::Person {
                action,
                unit,
                role,
                outcomes,
                establishes,
                ..
            } => {
                let long = matches!(
                    (st.current_started, st.current_due),
                    (Some(s), Some(d)) if d - s > Duration::days(1)
                );
                if long && watched.is_none() {
                    let due = st.current_due.unwrap();
                    watched = Some(Watched { action, due });
                    if let Some(by) = plan.extend_by {
                        engine
                            .apply(
                                &mut st,
                                Input::Extend {
                                    by: Actor {
                                        unit: Participant::Provider,
                                        role: Some(Role::Head),
                                    },
                                    until: due + by,
                                    reason: "запрос в ГБД ФЛ".into(),
                                },
                                now,
                            )
                            .unwrap();
                    }
                    if plan.stop {
                        return (st, watched);
                    }
                    if let Some(late) = plan.late_by {
                        now = due + late;
                    }
                }
                Input::Perform {
                    by: Actor {
                        unit: staff(unit),
                        role,
                    },
                    facts: facts(establishes),
                    outcome: if outcomes.is_empty() {
                        None
                    } else if outcomes.contains(&plan.decision) {
                        Some(plan.decision)
                    } else {
                        Some(outcomes[0])
                    },
                    grounds: None,
                }
            }
            Waiting::Outside { unit, needs, .. } => Input::Answer {
                from: unit,
                facts: facts(needs),
            },
        };
        engine
            .apply(&mut st, input, now)
            .unwrap_or_else(|e| panic!("{}: {e}", st.regulation));
    }
    assert!(st.finished, "{} did not finish", st.regulation);
    (st, watched)
}

fn staff(unit: Participant) -> Participant {
    match unit {
        Participant::AgencyIs | Participant::Commission => Participant::Provider,
        Participant::CscIs | Participant::Courier => Participant::Csc,
        Participant::Portal => Participant::Recipient,
        u => u,
    }
}

/// The actions that ended late, by the history.
fn late_actions(st: &RequestState) -> Vec<u32> {
    st.history
        .iter()
        .filter_map(|h| match h.event {
            Event::ActionEnded {
                action,
                in_time: Some(false),
                ..
            } => Some(action),
            _ => None,
        })
        .collect()
}

fn sla_of(states: &[&RequestState], now: NaiveDateTime) -> Sla {
    let mut sla = Sla::default();
    for st in states {
        sla.add(st, now);
    }
    sla
}

/// Long after everything in these tests.
fn later() -> NaiveDateTime {
    start() + Duration::days(365)
}

#[test]
fn a_request_finished_in_time_counts_every_ended_action_in_time() {
    let e = engine(SERVICE);
    let (st, watched) = run(&e, ChannelKind::Portal, IN_TIME);
    assert_eq!(watched.unwrap().action, 5, "the commission's decision");
    let sla = sla_of(&[&st], later());
    assert_eq!(sla.requests, 1);
    assert_eq!(sla.finished, 1);
    assert_eq!(sla.overdue_now, 0);
    assert_eq!(sla.extended, 0);
    assert_eq!(sla.in_status(Status::Completed), 1);
    // The portal table has 12 actions, all with a deadline, all run on the positive path.
    let r = world().0.all().find(|r| r.code == SERVICE).unwrap();
    let table = &r.channels[&ChannelKind::Portal].actions;
    assert_eq!(table.len(), 12);
    assert!(table.iter().all(|a| matches!(a.deadline, Given::Value(_))));
    assert_eq!(sla.actions.len(), 12);
    assert_eq!(sla.ended_in_time(), 12);
    assert_eq!(sla.ended_late(), 0);
    for ((ch, n), a) in &sla.actions {
        assert_eq!(*ch, ChannelKind::Portal);
        assert_eq!(
            (a.ended_in_time, a.ended(), a.open()),
            (1, 1, 0),
            "action {n}"
        );
        assert_eq!(a.timed, 1);
    }
    // People act a minute after being asked; system steps take no time.
    let decision = &sla.actions[&(ChannelKind::Portal, 5)];
    assert_eq!(
        (decision.mean_seconds, decision.max_seconds),
        (Some(60), Some(60))
    );
    let routing = &sla.actions[&(ChannelKind::Portal, 2)];
    assert_eq!(routing.max_seconds, Some(0));
    assert_eq!(breach(&st, later()), None);
}

#[test]
fn every_shipped_service_run_in_time_has_nothing_late_or_overdue() {
    let (catalog, calendar) = world();
    let mut all = Sla::default();
    let mut runs = 0;
    let mut ends = 0;
    for r in catalog.all() {
        let e = Engine::new(r, calendar);
        for ch in r.channels.keys().copied() {
            let (st, _) = run(&e, ch, IN_TIME);
            ends += st
                .history
                .iter()
                .filter(|h| matches!(h.event, Event::ActionEnded { .. }))
                .count() as u64;
            all.add(&st, later());
            runs += 1;
        }
    }
    assert!(runs >= 25, "only {runs} runs");
    assert_eq!(all.requests, runs);
    assert_eq!(all.finished, runs);
    assert_eq!(all.overdue_now, 0);
    assert_eq!(all.ended_late(), 0);
    let ended: u64 = all.actions.values().map(|a| a.ended()).sum();
    assert_eq!(ended, ends);
    assert!(all.ended_in_time() > 0);
    assert!(all.actions.values().all(|a| a.open() == 0));
}

#[test]
fn a_person_acting_days_after_the_deadline_counts_that_action_late() {
    let e = engine(SERVICE);
    let plan = Plan {
        late_by: Some(Duration::days(3)),
        ..IN_TIME
    };
    let (st, watched) = run(&e, ChannelKind::Portal, plan);
    let watched = watched.unwrap();
    let late = late_actions(&st);
    assert_eq!(late, vec![watched.action], "only the decision is late");
    let sla = sla_of(&[&st], later());
    let a = &sla.actions[&(ChannelKind::Portal, late[0])];
    assert_eq!((a.ended_in_time, a.ended_late), (0, 1));
    assert_eq!(sla.ended_late(), 1);
    assert_eq!(sla.ended_in_time(), 11);
    assert_eq!(sla.overdue_now, 0, "finished: nothing is overdue now");
    // Its duration runs from its start to the act, three days after the due.
    let started = st
        .history
        .iter()
        .rev()
        .find_map(|h| match h.event {
            Event::ActionStarted { action, .. } if action == late[0] => Some(h.at),
            _ => None,
        })
        .unwrap();
    let took = (watched.due + Duration::days(3) - started).num_seconds();
    assert!(took > 10 * 86_400, "10 working days and 3 more: {took}");
    assert_eq!((a.mean_seconds, a.max_seconds), (Some(took), Some(took)));
}

#[test]
fn an_unfinished_request_past_its_due_is_overdue_now_and_breached() {
    let e = engine(SERVICE);
    let plan = Plan {
        stop: true,
        ..IN_TIME
    };
    let (st, watched) = run(&e, ChannelKind::Portal, plan);
    let Watched { action, due } = watched.unwrap();
    assert!(!st.finished);
    assert_eq!(st.current, Some(action));
    assert_eq!(st.current_due, Some(due), "history and state agree");

    let before = due - Duration::minutes(1);
    assert_eq!(breach(&st, before), None);
    assert_eq!(
        breach(&st, due),
        None,
        "acting at the due instant is in time"
    );
    let sla = sla_of(&[&st], before);
    assert_eq!(sla.overdue_now, 0);
    let a = &sla.actions[&(ChannelKind::Portal, action)];
    assert_eq!((a.open_in_time, a.open_overdue, a.ended()), (1, 0, 0));

    let after = due + Duration::hours(2);
    assert_eq!(
        breach(&st, after),
        Some(Breach {
            action,
            due,
            overdue_by_seconds: 7200
        })
    );
    let sla = sla_of(&[&st], after);
    assert_eq!(sla.overdue_now, 1);
    assert_eq!(sla.finished, 0);
    let a = &sla.actions[&(ChannelKind::Portal, action)];
    assert_eq!((a.open_in_time, a.open_overdue), (0, 1));
    // The actions before it ended in time: 4 of them, nothing late.
    assert_eq!(
        (sla.ended_in_time(), sla.ended_late()),
        (action as u64 - 1, 0)
    );
}

#[test]
fn an_extension_moves_the_due_so_the_same_late_act_is_in_time() {
    let e = engine(SERVICE);
    let plan = Plan {
        late_by: Some(Duration::days(3)),
        extend_by: Some(Duration::days(5)),
        ..IN_TIME
    };
    let (st, watched) = run(&e, ChannelKind::Portal, plan);
    let watched = watched.unwrap();
    assert!(late_actions(&st).is_empty());
    let sla = sla_of(&[&st], later());
    assert_eq!(sla.extended, 1);
    assert_eq!(sla.ended_late(), 0);
    assert_eq!(sla.ended_in_time(), 12);
    assert_eq!(
        sla.actions[&(ChannelKind::Portal, watched.action)].ended_in_time,
        1
    );

    // Left waiting after the extension: the old due no longer breaches, the new one does.
    let plan = Plan { stop: true, ..plan };
    let (open, _) = run(&e, ChannelKind::Portal, plan);
    let until = watched.due + Duration::days(5);
    assert_eq!(open.current_due, Some(until));
    assert_eq!(open.status, Status::DeadlineExtended);
    assert_eq!(breach(&open, watched.due + Duration::hours(1)), None);
    let at = until + Duration::minutes(30);
    assert_eq!(
        breach(&open, at),
        Some(Breach {
            action: watched.action,
            due: until,
            overdue_by_seconds: 1800
        })
    );
    let sla = sla_of(&[&open], watched.due + Duration::hours(1));
    assert_eq!((sla.extended, sla.overdue_now), (1, 0));
    assert_eq!(sla.in_status(Status::DeadlineExtended), 1);
}

/// Five requests of the same service in different states.
fn mixed() -> Vec<RequestState> {
    let e = engine(SERVICE);
    let p = ChannelKind::Portal;
    vec![
        run(&e, p, IN_TIME).0,
        run(
            &e,
            p,
            Plan {
                late_by: Some(Duration::days(3)),
                ..IN_TIME
            },
        )
        .0,
        run(
            &e,
            p,
            Plan {
                decision: Outcome::Refusal,
                ..IN_TIME
            },
        )
        .0,
        run(
            &e,
            p,
            Plan {
                stop: true,
                ..IN_TIME
            },
        )
        .0,
        run(
            &e,
            p,
            Plan {
                stop: true,
                extend_by: Some(Duration::days(5)),
                ..IN_TIME
            },
        )
        .0,
    ]
}

#[test]
fn by_status_counts_requests_by_their_current_status() {
    let states = mixed();
    let refs: Vec<&RequestState> = states.iter().collect();
    let sla = sla_of(&refs, later());
    assert_eq!(sla.requests, 5);
    assert_eq!(sla.in_status(Status::Completed), 2);
    assert_eq!(sla.in_status(Status::Refused), 1);
    assert_eq!(sla.in_status(Status::InWork), 1);
    assert_eq!(sla.in_status(Status::DeadlineExtended), 1);
    assert_eq!(sla.in_status(Status::Issued), 0);
    assert_eq!(sla.by_status.values().sum::<u64>(), 5);
    // In lifecycle order.
    let order: Vec<Status> = sla.by_status.keys().map(|k| k.0).collect();
    assert_eq!(
        order,
        vec![
            Status::InWork,
            Status::DeadlineExtended,
            Status::Completed,
            Status::Refused
        ]
    );
    assert_eq!((sla.finished, sla.extended, sla.overdue_now), (3, 1, 2));
}

#[test]
fn merging_two_slas_equals_adding_all_to_one() {
    let states = mixed();
    let now = later();
    let all: Vec<&RequestState> = states.iter().collect();
    let one = sla_of(&all, now);
    let mut left = sla_of(&all[..2], now);
    let right = sla_of(&all[2..], now);
    assert_ne!(left, one);
    left.merge(&right);
    assert_eq!(left, one);
    assert_eq!(one.requests, 5);
    // The decision: three ended (in time, late, refusal in time), two open and overdue; its
    // mean is over the three that ended.
    let d = &one.actions[&(ChannelKind::Portal, 5)];
    assert_eq!((d.ended_in_time, d.ended_late, d.open_overdue), (2, 1, 2));
    assert_eq!(d.timed, 3);
    assert_eq!(
        d.mean_seconds,
        Some((d.total_seconds as f64 / 3.0).round() as i64)
    );
    // An empty one changes nothing.
    let mut same = one.clone();
    same.merge(&Sla::default());
    assert_eq!(same, one);
}

#[test]
fn sla_serializes_to_json_and_back() {
    let states = mixed();
    let all: Vec<&RequestState> = states.iter().collect();
    let sla = sla_of(&all, later());
    let json = serde_json::to_string(&sla).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["requests"], 5);
    assert_eq!(v["by_status"]["completed"], 2);
    assert_eq!(v["by_status"]["deadline_extended"], 1);
    let actions = v["actions"].as_array().unwrap();
    assert_eq!(actions.len(), sla.actions.len());
    assert_eq!(actions[0]["channel"], "portal");
    assert_eq!(actions[0]["action"], 1);
    let decision = actions.iter().find(|a| a["action"] == 5).unwrap();
    assert_eq!(decision["ended_late"], 1);
    assert_eq!(decision["open_overdue"], 2);
    let back: Sla = serde_json::from_str(&json).unwrap();
    assert_eq!(back, sla);
    assert_eq!(
        back.by_status.get(&StatusKey(Status::Refused)).copied(),
        Some(1)
    );

    let b = Breach {
        action: 5,
        due: start(),
        overdue_by_seconds: 60,
    };
    let json = serde_json::to_string(&b).unwrap();
    assert_eq!(
        json,
        r#"{"action":5,"due":"2025-03-03T10:00:00","overdue_by_seconds":60}"#
    );
}
