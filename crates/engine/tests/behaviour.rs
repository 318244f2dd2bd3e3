//! The engine's rules on a small regulation (the validator's fixture): who may act, decisions,
//! deadlines kept and missed, extensions, and the wrong inputs that change nothing.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use qyzmet_core::calendar::WorkingCalendar;
use qyzmet_core::regulation::{load, ChannelKind, Outcome, Participant, Regulation, Role, Status};
use qyzmet_engine::{Actor, Engine, EngineError, Event, Input, RequestState, Waiting};
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn world() -> &'static (Regulation, WorkingCalendar) {
    static WORLD: OnceLock<(Regulation, WorkingCalendar)> = OnceLock::new();
    WORLD.get_or_init(|| {
        let text = include_str!("../../core/tests/fixtures/sound.toml");
        let regulation = load("sound.toml", text).unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../calendar");
        let sources: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| {
                (
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect();
        (regulation, WorkingCalendar::from_sources(&sources).unwrap())
    })
}

fn engine() -> Engine<'static> {
    let (r, c) = world();
    Engine::new(r, c)
}

/// Friday 27 December 2024, 10:00.
fn friday() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 12, 27)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

fn employee() -> Actor {
    Actor {
        unit: Participant::Provider,
        role: Some(Role::Employee),
    }
}

fn decide(outcome: Outcome) -> Input {
    Input::Perform {
        by: employee(),
        facts: BTreeMap::new(),
        outcome: Some(outcome),
        grounds: Some("Доход выше порога".into()),
    }
}

fn submitted() -> RequestState {
    engine()
        .submit(ChannelKind::Portal, true, friday())
        .unwrap()
}

#[test]
fn a_signed_request_waits_for_the_providers_decision_with_a_working_day_deadline() {
    let st = submitted();
    assert_eq!(st.status, Status::Submitted);
    match engine().waiting(&st).unwrap() {
        Waiting::Person {
            action,
            unit,
            role,
            outcomes,
            ..
        } => {
            assert_eq!(
                (action, unit, role),
                (2, Participant::Provider, Some(Role::Employee))
            );
            assert_eq!(outcomes, vec![Outcome::Positive, Outcome::Refusal]);
        }
        other => panic!("{other:?}"),
    }
    // 3 working days from Friday 27 Dec 2024: Mon 30, Tue 31 Dec, then 1–2 Jan are holidays:
    // Fri 3 Jan 2025 was a day off by decree (worked on Sun 5 Jan): the third is Sun 5 Jan.
    let due = st.current_due.unwrap();
    assert_eq!(
        due.date(),
        NaiveDate::from_ymd_opt(2025, 1, 5).unwrap(),
        "{due}"
    );
    assert_eq!(
        due.time().to_string(),
        "18:00:00",
        "the provider closes at 18:00"
    );
}

#[test]
fn the_decision_completes_the_request_and_tells_the_recipient() {
    let mut st = submitted();
    let later = friday() + Duration::hours(2);
    engine()
        .apply(&mut st, decide(Outcome::Positive), later)
        .unwrap();
    assert!(st.finished);
    assert_eq!(st.status, Status::Completed);
    let ends: Vec<(u32, Option<bool>)> = st
        .history
        .iter()
        .filter_map(|h| match h.event {
            Event::ActionEnded {
                action, in_time, ..
            } => Some((action, in_time)),
            _ => None,
        })
        .collect();
    assert_eq!(
        ends,
        vec![(1, Some(true)), (2, Some(true)), (3, Some(true))]
    );
    let last = st.notifications.last().unwrap();
    assert_eq!(last.status, Status::Completed);
    assert!(
        last.text.ru.contains("Исполнение завершено"),
        "{:?}",
        last.text
    );
    assert!(
        last.text.kk.contains("Өтінім мәртебесі өзгерді"),
        "the regulation's own notice: {:?}",
        last.text
    );
}

#[test]
fn a_motivated_refusal_keeps_its_grounds() {
    let mut st = submitted();
    engine()
        .apply(
            &mut st,
            decide(Outcome::Refusal),
            friday() + Duration::hours(1),
        )
        .unwrap();
    assert_eq!(st.status, Status::Refused);
    assert_eq!(st.refusal.as_ref().unwrap().message.ru, "Доход выше порога");
}

#[test]
fn a_late_decision_is_recorded_as_late() {
    let mut st = submitted();
    let late = NaiveDate::from_ymd_opt(2025, 1, 6)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    engine()
        .apply(&mut st, decide(Outcome::Positive), late)
        .unwrap();
    let decision = st.history.iter().find_map(|h| match h.event {
        Event::ActionEnded {
            action: 2, in_time, ..
        } => Some(in_time),
        _ => None,
    });
    assert_eq!(decision, Some(Some(false)));
}

#[test]
fn an_unconfirmed_signature_refuses_with_the_regulations_message() {
    let st = engine()
        .submit(ChannelKind::Portal, false, friday())
        .unwrap();
    assert!(st.finished);
    assert_eq!(st.status, Status::Refused);
    assert_eq!(
        st.refusal.as_ref().unwrap().message.ru,
        "ЭЦП не подтверждена"
    );
}

#[test]
fn wrong_inputs_change_nothing() {
    let e = engine();
    let st = submitted();
    let cases: Vec<(Input, &str)> = vec![
        (
            Input::Perform {
                by: Actor {
                    unit: Participant::Recipient,
                    role: None,
                },
                facts: BTreeMap::new(),
                outcome: Some(Outcome::Positive),
                grounds: None,
            },
            "engine.wrong_actor",
        ),
        (
            Input::Perform {
                by: Actor {
                    unit: Participant::Provider,
                    role: Some(Role::Head),
                },
                facts: BTreeMap::new(),
                outcome: Some(Outcome::Positive),
                grounds: None,
            },
            "engine.wrong_actor",
        ),
        (
            Input::Perform {
                by: employee(),
                facts: BTreeMap::new(),
                outcome: None,
                grounds: None,
            },
            "engine.missing_outcome",
        ),
        (decide(Outcome::Interim), "engine.outcome_not_allowed"),
        (
            Input::Answer {
                from: Participant::GbdFl,
                facts: BTreeMap::new(),
            },
            "engine.wrong_actor",
        ),
        (
            Input::Extend {
                by: employee(),
                until: friday() - Duration::days(1),
                reason: "x".into(),
            },
            "engine.extension_not_later",
        ),
        (
            Input::Extend {
                by: Actor {
                    unit: Participant::Recipient,
                    role: None,
                },
                until: friday() + Duration::days(30),
                reason: "x".into(),
            },
            "engine.extension_out_of_turn",
        ),
    ];
    for (input, code) in cases {
        let mut copy = st.clone();
        let err = e
            .apply(&mut copy, input.clone(), friday() + Duration::hours(1))
            .unwrap_err();
        assert_eq!(err.code(), code, "{input:?}: {err}");
        assert_eq!(copy, st, "{input:?} changed the request");
    }
    let mut done = st.clone();
    e.apply(
        &mut done,
        decide(Outcome::Positive),
        friday() + Duration::hours(1),
    )
    .unwrap();
    let before = done.clone();
    assert_eq!(
        e.apply(&mut done, decide(Outcome::Positive), friday()),
        Err(EngineError::Finished)
    );
    assert_eq!(done, before, "a decided request cannot be decided twice");
}

#[test]
fn the_provider_extends_the_deadline_with_a_reason_and_the_recipient_hears_of_it() {
    let mut st = submitted();
    let until = NaiveDate::from_ymd_opt(2025, 1, 20)
        .unwrap()
        .and_hms_opt(18, 0, 0)
        .unwrap();
    engine()
        .apply(
            &mut st,
            Input::Extend {
                by: employee(),
                until,
                reason: "запрос в ГБД ФЛ".into(),
            },
            friday() + Duration::hours(3),
        )
        .unwrap();
    assert_eq!(st.status, Status::DeadlineExtended);
    assert_eq!(st.current_due, Some(until));
    let notice = st.notifications.last().unwrap();
    assert_eq!(notice.status, Status::DeadlineExtended);
    assert!(
        notice.text.ru.contains("запрос в ГБД ФЛ"),
        "{:?}",
        notice.text
    );
    // Deciding after the original deadline but before the extended one is in time.
    let jan_10 = NaiveDate::from_ymd_opt(2025, 1, 10)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    engine()
        .apply(&mut st, decide(Outcome::Positive), jan_10)
        .unwrap();
    let decision = st.history.iter().find_map(|h| match h.event {
        Event::ActionEnded {
            action: 2, in_time, ..
        } => Some(in_time),
        _ => None,
    });
    assert_eq!(decision, Some(Some(true)));
    assert_eq!(st.status, Status::Completed);
}

#[test]
fn extension_is_refused_where_the_regulation_does_not_allow_it() {
    let text = include_str!("../../core/tests/fixtures/sound.toml")
        .replace("extension_allowed = true", "extension_allowed = false");
    let r = load("x.toml", &text).unwrap();
    let e = Engine::new(&r, &world().1);
    let mut st = e.submit(ChannelKind::Portal, true, friday()).unwrap();
    let err = e
        .apply(
            &mut st,
            Input::Extend {
                by: employee(),
                until: friday() + Duration::days(30),
                reason: "x".into(),
            },
            friday(),
        )
        .unwrap_err();
    assert_eq!(err, EngineError::ExtensionNotAllowed);
}

#[test]
fn a_channel_the_regulation_does_not_name_is_an_error() {
    assert!(matches!(
        engine().submit(ChannelKind::Csc, true, friday()),
        Err(EngineError::NoSuchChannel(..))
    ));
}

#[test]
fn the_state_serializes_for_storage() {
    let st = submitted();
    let json = serde_json::to_string(&st).unwrap();
    let back: RequestState = serde_json::from_str(&json).unwrap();
    assert_eq!(back, st);
}
