//! Messages as JSON (round trips, shapes, unknown fields), snapshots, and arbitrary requests
//! that must never panic.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use proptest::prelude::*;
use qyzmet_core::regulation::Participant;
use qyzmet_registries::attachment::AttachmentRequest;
use qyzmet_registries::demo::{self, iin_of, who, ABSENT_IIN};
use qyzmet_registries::gbd_fl::{GbdFl, GbdFlRequest};
use qyzmet_registries::gbd_ul::GbdUlRequest;
use qyzmet_registries::kindergarten::{AgeGroup, KindergartenRequest};
use qyzmet_registries::notary::{NotaryRequest, Scope};
use qyzmet_registries::payment::PaymentRequest;
use qyzmet_registries::schedule::{ScheduleRequest, Speciality};
use qyzmet_registries::*;

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// One request of every kind, each meant to succeed on the demo world in this order.
fn sample_requests() -> Vec<RegistryRequest> {
    use RegistryRequest as R;
    let alikhan: qyzmet_core::id::Iin = iin_of(who::ZHUMABAEV_ALIKHAN).parse().unwrap();
    vec![
        R::GbdFl(GbdFlRequest::Person {
            iin: iin_of(who::AKHMETOV_ERLAN),
        }),
        R::GbdFl(GbdFlRequest::Children {
            parent_iin: iin_of(who::ZHUMABAEVA_AIGERIM),
        }),
        R::GbdFl(GbdFlRequest::Person {
            iin: ABSENT_IIN.into(),
        }),
        R::GbdUl(GbdUlRequest::Organisation {
            bin: "190640045672".into(),
        }),
        R::PaymentGateway(PaymentRequest::Issue {
            invoice_id: "INV-1".into(),
            request_number: "AP-1".into(),
            payer: iin_of(who::SMIRNOVA_ELENA),
            purpose: "apostille".into(),
            rate_thousandths: 500,
        }),
        R::PaymentGateway(PaymentRequest::Pay {
            invoice_id: "INV-1".into(),
            payment_ref: "B-1".into(),
        }),
        R::PaymentGateway(PaymentRequest::Status {
            invoice_id: "INV-1".into(),
        }),
        R::PaymentGateway(PaymentRequest::Pay {
            invoice_id: "INV-1".into(),
            payment_ref: "B-2".into(),
        }),
        R::Notary(NotaryRequest::Check {
            principal_iin: iin_of(who::SMIRNOVA_ELENA),
            representative_iin: iin_of(who::KASYMOV_DANIYAR),
            number: Some("НД-2026-0001".into()),
            service: Some("archive-apostille".into()),
            at: None,
        }),
        R::Notary(NotaryRequest::Register {
            number: "N-9".into(),
            principal_iin: iin_of(who::IVANOV_SERGEY),
            representative_iin: iin_of(who::IVANOVA_OLGA),
            scope: Scope::Services {
                codes: vec!["archival-certificate".into()],
            },
            notarised_on: day(2026, 11, 20),
            valid_until: day(2027, 11, 19),
        }),
        R::Notary(NotaryRequest::Revoke {
            number: "N-9".into(),
        }),
        R::Notary(NotaryRequest::Get {
            number: "N-9".into(),
        }),
        R::KindergartenRegister(KindergartenRequest::Register {
            child_iin: alikhan.to_string(),
            child_birth_date: alikhan.birth_date(),
            parent_iin: iin_of(who::ZHUMABAEVA_AIGERIM),
            preferred_kindergarten: None,
        }),
        R::KindergartenRegister(KindergartenRequest::Status {
            child_iin: alikhan.to_string(),
        }),
        R::KindergartenRegister(KindergartenRequest::Kindergartens),
        R::KindergartenRegister(KindergartenRequest::ReleasePlace {
            kindergarten: demo::organisation_bin(4).to_string(),
            group: AgeGroup::Nursery,
        }),
        R::KindergartenRegister(KindergartenRequest::Sweep),
        R::DoctorSchedule(ScheduleRequest::Clinics),
        R::DoctorSchedule(ScheduleRequest::Doctors {
            clinic: None,
            speciality: Some(Speciality::Paediatrician),
        }),
        R::DoctorSchedule(ScheduleRequest::FreeSlots {
            doctor: "D-2-3".into(),
            date: day(2026, 11, 24),
        }),
        R::DoctorSchedule(ScheduleRequest::Book {
            doctor: "D-2-3".into(),
            date: day(2026, 11, 24),
            time: NaiveTime::from_hms_opt(9, 20, 0).unwrap(),
            patient_iin: iin_of(who::AKHMETOVA_AIYM),
        }),
        R::DoctorSchedule(ScheduleRequest::Appointments {
            patient_iin: iin_of(who::AKHMETOVA_AIYM),
        }),
        R::DoctorSchedule(ScheduleRequest::HomeCall {
            clinic: demo::organisation_bin(8).to_string(),
            patient_iin: iin_of(who::AKHMETOV_ERLAN),
            address: "г. Астана, пр. Мангилик Ел, 55, кв. 12".into(),
            phone: "+77011000000".into(),
        }),
        R::AttachmentRegister(AttachmentRequest::Organisations),
        R::AttachmentRegister(AttachmentRequest::Query {
            iin: iin_of(who::AKHMETOV_ERLAN),
        }),
        R::AttachmentRegister(AttachmentRequest::Attach {
            iin: iin_of(who::SMIRNOVA_ELENA),
            organisation: demo::organisation_bin(11).to_string(),
            moved: false,
        }),
    ]
}

#[test]
fn requests_and_responses_round_trip_through_json() {
    let mut w = Registries::demo(7);
    for request in sample_requests() {
        let json = serde_json::to_string(&request).unwrap();
        let back: RegistryRequest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, request, "{json}");
        let response = w.handle(&request, now());
        let json = serde_json::to_string(&response).unwrap();
        let back: RegistryResponse = serde_json::from_str(&json).unwrap();
        assert_eq!(back, response, "{json}");
    }
}

#[test]
fn the_samples_answer_as_expected() {
    let mut w = Registries::demo(7);
    let codes: Vec<Option<&str>> = sample_requests()
        .iter()
        .map(|r| w.handle(r, now()).error_code())
        .collect();
    let errors: Vec<(usize, &str)> = codes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|c| (i, c)))
        .collect();
    // Only the absent person and the second payment are refused.
    assert_eq!(
        errors,
        [(2, "gbd_fl.not_found"), (7, "payment.already_paid")]
    );
}

#[test]
fn message_shapes_are_plain_json() {
    let request = RegistryRequest::GbdFl(GbdFlRequest::Person {
        iin: "850101300005".into(),
    });
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        serde_json::json!({"participant": "gbd_fl", "request": {"query": "person", "iin": "850101300005"}})
    );
    assert_eq!(request.participant(), Participant::GbdFl);
    // The participant names are the core's.
    for r in sample_requests() {
        let v = serde_json::to_value(&r).unwrap();
        let name = v["participant"].clone();
        let p: Participant = serde_json::from_value(name).unwrap();
        assert_eq!(p, r.participant());
    }
    let mut w = Registries::demo(7);
    let answer = serde_json::to_value(w.handle(
        &RegistryRequest::GbdFl(GbdFlRequest::Person {
            iin: ABSENT_IIN.into(),
        }),
        now(),
    ))
    .unwrap();
    assert_eq!(answer["response"]["answer"], "error");
    assert_eq!(answer["response"]["error"], "not_found");
    assert_eq!(answer["response"]["iin"], ABSENT_IIN);
}

#[test]
fn unknown_fields_and_unknown_participants_are_refused() {
    for bad in [
        r#"{"participant":"gbd_fl","request":{"query":"person","iin":"850101300005","extra":1}}"#,
        r#"{"participant":"gbd_xx","request":{"query":"person","iin":"850101300005"}}"#,
        r#"{"participant":"gbd_fl","request":{"query":"everyone"}}"#,
        r#"{"participant":"payment_gateway","request":{"operation":"pay","invoice_id":"x"}}"#,
        r#"{"participant":"doctor_schedule","request":{"operation":"book","doctor":"D-1-1","date":"2026-13-01","time":"09:00:00","patient_iin":"850101300005"}}"#,
        r#"not json"#,
    ] {
        assert!(
            serde_json::from_str::<RegistryRequest>(bad).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn snapshots_restore_the_same_state() {
    let mut w = Registries::demo(7);
    for r in sample_requests() {
        w.handle(&r, now());
    }
    let restored = Registries::restore(&w.snapshot()).unwrap();
    assert_eq!(restored, w);
    // The restored world goes on answering the same.
    let mut a = restored;
    let r = &sample_requests()[7];
    assert_eq!(a.handle(r, now()), w.handle(r, now()));
    // Each participant on its own.
    assert_eq!(GbdFl::restore(&w.gbd_fl.snapshot()).unwrap(), w.gbd_fl);
    use qyzmet_registries::{
        attachment::AttachmentRegister, gbd_ul::GbdUl, kindergarten::KindergartenRegister,
        notary::Notary, payment::PaymentGateway, schedule::DoctorSchedules,
    };
    assert_eq!(GbdUl::restore(&w.gbd_ul.snapshot()).unwrap(), w.gbd_ul);
    assert_eq!(
        PaymentGateway::restore(&w.payment_gateway.snapshot()).unwrap(),
        w.payment_gateway
    );
    assert_eq!(Notary::restore(&w.notary.snapshot()).unwrap(), w.notary);
    assert_eq!(
        KindergartenRegister::restore(&w.kindergarten_register.snapshot()).unwrap(),
        w.kindergarten_register
    );
    assert_eq!(
        DoctorSchedules::restore(&w.doctor_schedule.snapshot()).unwrap(),
        w.doctor_schedule
    );
    assert_eq!(
        AttachmentRegister::restore(&w.attachment_register.snapshot()).unwrap(),
        w.attachment_register
    );
}

#[test]
fn damaged_snapshots_are_errors() {
    let w = Registries::demo(7);
    let snap = w.snapshot();
    assert!(matches!(
        Registries::restore(&snap.replacen("\"format\":1", "\"format\":2", 1)),
        Err(SnapshotError::Format { found: 2, .. })
    ));
    assert!(matches!(
        Registries::restore("{}"),
        Err(SnapshotError::Json { .. })
    ));
    assert!(matches!(
        Registries::restore(&snap[..snap.len() / 2]),
        Err(SnapshotError::Json { .. })
    ));
    // A birth date that is not the IIN's.
    let damaged = snap.replacen(
        "\"birth_date\":\"1985-01-01\"",
        "\"birth_date\":\"1985-01-02\"",
        1,
    );
    assert_ne!(damaged, snap);
    assert!(matches!(
        Registries::restore(&damaged),
        Err(SnapshotError::Inconsistent { .. })
    ));
    // A child that does not name its parent.
    let mut fl: serde_json::Value = serde_json::from_str(&w.gbd_fl.snapshot()).unwrap();
    fl["people"][iin_of(who::ZHUMABAEV_ALIKHAN)]["mother"] = serde_json::Value::Null;
    fl["people"][iin_of(who::ZHUMABAEV_ALIKHAN)]["father"] = serde_json::Value::Null;
    assert!(matches!(
        GbdFl::restore(&fl.to_string()),
        Err(SnapshotError::Inconsistent { .. })
    ));
}

// ── arbitrary requests ──────────────────────────────────────────────────

fn any_text() -> impl Strategy<Value = String> {
    let known: Vec<String> = demo::citizen_iins()
        .iter()
        .map(|i| i.to_string())
        .chain(demo::organisations().iter().map(|o| o.bin.to_string()))
        .chain(
            [
                ABSENT_IIN,
                "D-1-1",
                "D-4-3",
                "INV-1",
                "НД-2026-0001",
                "НП-000001",
                "ЗП-000001",
                "",
                " ",
                "+77011000000",
                "000000000000",
                "999999999999",
            ]
            .map(String::from),
        )
        .collect();
    prop_oneof![
        3 => proptest::sample::select(known),
        1 => "[0-9]{12}",
        1 => ".{0,60}",
        1 => "\\PC{0,600}",
    ]
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        3 => (-4000i64..4000).prop_map(|d| day(2026, 11, 23) + chrono::Duration::days(d)),
        1 => Just(NaiveDate::MIN),
        1 => Just(NaiveDate::MAX),
        1 => (i32::MIN..i32::MAX).prop_filter_map("a date", NaiveDate::from_num_days_from_ce_opt),
    ]
}

fn any_time() -> impl Strategy<Value = NaiveTime> {
    (0u32..86_400).prop_map(|s| NaiveTime::from_num_seconds_from_midnight_opt(s, 0).unwrap())
}

fn any_now() -> impl Strategy<Value = NaiveDateTime> {
    (any_date(), any_time()).prop_map(|(d, t)| d.and_time(t))
}

fn any_group() -> impl Strategy<Value = AgeGroup> {
    proptest::sample::select(AgeGroup::ALL.to_vec())
}

fn any_request() -> impl Strategy<Value = RegistryRequest> {
    use RegistryRequest as R;
    let t = any_text;
    prop_oneof![
        t().prop_map(|iin| R::GbdFl(GbdFlRequest::Person { iin })),
        t().prop_map(|parent_iin| R::GbdFl(GbdFlRequest::Children { parent_iin })),
        t().prop_map(|bin| R::GbdUl(GbdUlRequest::Organisation { bin })),
        (t(), t(), t(), t(), any::<u64>()).prop_map(|(a, b, c, d, rate)| R::PaymentGateway(
            PaymentRequest::Issue {
                invoice_id: a,
                request_number: b,
                payer: c,
                purpose: d,
                rate_thousandths: rate % 20_000_000,
            }
        )),
        (t(), t()).prop_map(
            |(invoice_id, payment_ref)| R::PaymentGateway(PaymentRequest::Pay {
                invoice_id,
                payment_ref
            })
        ),
        (t(), t()).prop_map(
            |(invoice_id, reason)| R::PaymentGateway(PaymentRequest::Decline {
                invoice_id,
                reason
            })
        ),
        t().prop_map(|invoice_id| R::PaymentGateway(PaymentRequest::Status { invoice_id })),
        (
            t(),
            t(),
            t(),
            any_date(),
            any_date(),
            proptest::option::of(proptest::collection::vec(t(), 0..3))
        )
            .prop_map(|(number, p, r, from, to, codes)| R::Notary(
                NotaryRequest::Register {
                    number,
                    principal_iin: p,
                    representative_iin: r,
                    scope: codes.map_or(Scope::All, |codes| Scope::Services { codes }),
                    notarised_on: from,
                    valid_until: to,
                }
            )),
        t().prop_map(|number| R::Notary(NotaryRequest::Revoke { number })),
        t().prop_map(|number| R::Notary(NotaryRequest::Get { number })),
        (
            t(),
            t(),
            proptest::option::of(t()),
            proptest::option::of(t()),
            proptest::option::of(any_date())
        )
            .prop_map(
                |(p, r, number, service, at)| R::Notary(NotaryRequest::Check {
                    principal_iin: p,
                    representative_iin: r,
                    number,
                    service,
                    at,
                })
            ),
        (t(), any_date(), t(), proptest::option::of(t())).prop_map(|(c, b, p, k)| {
            R::KindergartenRegister(KindergartenRequest::Register {
                child_iin: c,
                child_birth_date: b,
                parent_iin: p,
                preferred_kindergarten: k,
            })
        }),
        t().prop_map(
            |child_iin| R::KindergartenRegister(KindergartenRequest::Status { child_iin })
        ),
        Just(R::KindergartenRegister(KindergartenRequest::Kindergartens)),
        Just(R::KindergartenRegister(KindergartenRequest::Sweep)),
        (t(), any_group()).prop_map(|(kindergarten, group)| R::KindergartenRegister(
            KindergartenRequest::ReleasePlace {
                kindergarten,
                group
            }
        )),
        t().prop_map(
            |referral_number| R::KindergartenRegister(KindergartenRequest::Enrol {
                referral_number
            })
        ),
        Just(R::DoctorSchedule(ScheduleRequest::Clinics)),
        proptest::option::of(t()).prop_map(|clinic| R::DoctorSchedule(ScheduleRequest::Doctors {
            clinic,
            speciality: None
        })),
        (t(), any_date()).prop_map(|(doctor, date)| R::DoctorSchedule(
            ScheduleRequest::FreeSlots { doctor, date }
        )),
        (t(), any_date(), any_time(), t()).prop_map(|(doctor, date, time, patient_iin)| {
            R::DoctorSchedule(ScheduleRequest::Book {
                doctor,
                date,
                time,
                patient_iin,
            })
        }),
        (t(), t()).prop_map(|(appointment, patient_iin)| R::DoctorSchedule(
            ScheduleRequest::Cancel {
                appointment,
                patient_iin
            }
        )),
        t().prop_map(
            |patient_iin| R::DoctorSchedule(ScheduleRequest::Appointments { patient_iin })
        ),
        (t(), t(), t(), t()).prop_map(|(clinic, patient_iin, address, phone)| {
            R::DoctorSchedule(ScheduleRequest::HomeCall {
                clinic,
                patient_iin,
                address,
                phone,
            })
        }),
        Just(R::AttachmentRegister(AttachmentRequest::Organisations)),
        t().prop_map(|iin| R::AttachmentRegister(AttachmentRequest::Query { iin })),
        (t(), t(), any::<bool>()).prop_map(|(iin, organisation, moved)| R::AttachmentRegister(
            AttachmentRequest::Attach {
                iin,
                organisation,
                moved
            }
        )),
    ]
}

fn small_world() -> Registries {
    demo::build(3, 8, 2, demo::DEMO_AS_OF)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Sequences of arbitrary requests at arbitrary times never panic, every answer is JSON that
    /// reads back, and the state still snapshots and restores.
    #[test]
    fn arbitrary_requests_never_panic(
        steps in proptest::collection::vec((any_request(), any_now()), 1..12)
    ) {
        let mut w = small_world();
        for (request, now) in &steps {
            let response = w.handle(request, *now);
            let json = serde_json::to_string(&response).unwrap();
            let back: RegistryResponse = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &response);
        }
        prop_assert_eq!(Registries::restore(&w.snapshot()).unwrap(), w);
    }

    /// Arbitrary text as a request is an error of JSON, never a panic.
    #[test]
    fn arbitrary_json_never_panics(text in "\\PC{0,300}", now in any_now()) {
        if let Ok(request) = serde_json::from_str::<RegistryRequest>(&text) {
            small_world().handle(&request, now);
        }
    }

    /// Mutated sample messages: read or refused, never a panic.
    #[test]
    fn mutated_samples_never_panic(i in 0usize..26, cut in 0usize..400, insert in "\\PC{0,5}") {
        let samples = sample_requests();
        let json = serde_json::to_string(&samples[i % samples.len()]).unwrap();
        let mut chars: Vec<char> = json.chars().collect();
        let at = cut.min(chars.len());
        chars.splice(at..at, insert.chars());
        let text: String = chars.into_iter().collect();
        if let Ok(request) = serde_json::from_str::<RegistryRequest>(&text) {
            small_world().handle(&request, now());
        }
    }
}
