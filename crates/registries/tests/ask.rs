//! From a waiting request's question to a message and from the answer to a fact: every outside
//! action of every shipped regulation is asked and answered on the demo world, and each rule is
//! tried from the wrong side.

use chrono::{NaiveDate, NaiveDateTime};
use qyzmet_core::regulation::{Catalog, Check, Operation, Participant, Regulation, StepKind};
use qyzmet_registries::ask::{self, fields, AskError, Expected, NotNeeded};
use qyzmet_registries::demo::{iin_of, organisation_bin, who, ABSENT_IIN};
use qyzmet_registries::kindergarten::{AgeGroup, KindergartenRequest};
use qyzmet_registries::payment::PaymentRequest;
use qyzmet_registries::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Monday, 23 November 2026, 10:00.
fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

fn catalog() -> Catalog {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../regulations");
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            sources.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    let (catalog, diagnostics) = Catalog::from_sources(&sources);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert!(catalog.len() >= 12);
    catalog
}

fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn bin(i: usize) -> String {
    organisation_bin(i).to_string()
}

const MEDIA_COMPANY: usize = 3;
const BALAPAN: usize = 4;
const CLINIC_9: usize = 10;

/// A plausible request of each shipped service by a demo citizen: (recipient, form).
fn request_of(code: &str) -> (String, BTreeMap<String, String>) {
    let smirnova = iin_of(who::SMIRNOVA_ELENA);
    let kasymov = iin_of(who::KASYMOV_DANIYAR);
    let akhmetov = iin_of(who::AKHMETOV_ERLAN);
    let suleimenov = iin_of(who::SULEIMENOV_MARAT);
    let media = bin(MEDIA_COMPANY);
    match code {
        "archival-certificate" | "archive-apostille" => (
            smirnova.clone(),
            form(&[
                ("applicant_iin", &smirnova),
                ("documents", "archive-request.pdf"),
                ("by_representative", "yes"),
                ("representative_iin", &kasymov),
                ("poa_certification", "notarised"),
                ("poa_number", "НД-2026-0001"),
                ("poa_date", "2026-02-10"),
            ]),
        ),
        "doctor-appointment" => (
            akhmetov.clone(),
            form(&[
                ("applicant_iin", &akhmetov),
                ("doctor", "D-1-1"),
                ("appointment_date", "2026-11-24"),
                ("appointment_time", "09:00"),
            ]),
        ),
        "doctor-home-call" => (
            akhmetov.clone(),
            form(&[
                ("applicant_iin", &akhmetov),
                ("visit_address", "г. Астана, пр. Мангилик Ел, д. 55, кв. 12"),
                ("contact_phone", "+77011000000"),
            ]),
        ),
        "mass-media-registration" => (
            media.clone(),
            form(&[
                ("applicant_iin", &suleimenov),
                ("applicant_bin", &media),
                ("documents", "charter.pdf"),
            ]),
        ),
        "phc-attachment" => (
            akhmetov.clone(),
            form(&[
                ("applicant_iin", &akhmetov),
                ("phc_organisation", &bin(CLINIC_9)),
            ]),
        ),
        "typical-fully-automated" => (
            akhmetov.clone(),
            form(&[
                ("applicant_kind", "individual"),
                ("applicant_iin", &akhmetov),
            ]),
        ),
        "typical-partially-automated" => (
            media.clone(),
            form(&[
                ("applicant_kind", "legal_entity"),
                ("applicant_bin", &media),
            ]),
        ),
        other => panic!("no plausible request written for {other}: add one"),
    }
}

/// An action the engine waits at for an outside system, with the check it needs (as the
/// engine reads it: the procedure's condition that the action checks).
struct Outside {
    code: String,
    channel: &'static str,
    action: u32,
    unit: Participant,
    operation: Operation,
    needs: Option<Check>,
}

fn outside_actions(r: &Regulation) -> Vec<Outside> {
    let mut out = Vec::new();
    for (kind, ch) in &r.channels {
        for a in &ch.actions {
            if !matches!(
                a.operation,
                Operation::QueryRegistry | Operation::Pay | Operation::ChooseSlot
            ) {
                continue;
            }
            let needs = a.condition.and_then(|n| {
                ch.procedure.iter().find_map(|s| {
                    (s.kind == StepKind::Condition && s.number == Some(n))
                        .then_some(s.check)
                        .flatten()
                })
            });
            out.push(Outside {
                code: r.code.clone(),
                channel: kind.key(),
                action: a.number,
                unit: a.unit,
                operation: a.operation,
                needs,
            });
        }
    }
    out
}

/// Whom each shipped outside action reaches; `None`: it cannot be asked here.
const EXPECTED: &[(&str, &str, u32, Option<Participant>)] = {
    use Participant::*;
    &[
        ("archival-certificate", "agency", 3, Some(GbdFl)),
        ("archival-certificate", "csc", 3, Some(GbdFl)),
        ("archive-apostille", "portal", 4, Some(PaymentGateway)),
        ("archive-apostille", "agency", 3, Some(GbdFl)),
        ("archive-apostille", "csc", 3, Some(GbdFl)),
        ("doctor-appointment", "portal", 6, Some(DoctorSchedule)),
        ("doctor-appointment", "agency", 3, Some(GbdFl)),
        ("doctor-appointment", "agency", 8, Some(DoctorSchedule)),
        ("doctor-home-call", "agency", 3, Some(GbdFl)),
        ("mass-media-registration", "portal", 4, Some(PaymentGateway)),
        // The recipient is the media company: its BIN goes to ГБД ЮЛ.
        ("mass-media-registration", "agency", 3, Some(GbdUl)),
        ("phc-attachment", "agency", 3, Some(GbdFl)),
        ("typical-fully-automated", "portal", 2, Some(GbdFl)),
        // The certification authority's IS: the PKI's, not a registry.
        ("typical-fully-automated", "portal", 5, None),
        // The template's "IS 2" checked for `state_database`: ГБД by the check.
        ("typical-fully-automated", "portal", 9, Some(GbdFl)),
        ("typical-partially-automated", "portal", 2, Some(GbdUl)),
        ("typical-partially-automated", "portal", 5, None),
        (
            "typical-partially-automated",
            "portal",
            9,
            Some(PaymentGateway),
        ),
        // The template's "IS 3", queried without a check: no participant to name.
        ("typical-partially-automated", "portal", 11, None),
    ]
};

#[test]
fn every_outside_action_of_every_shipped_regulation_is_asked_and_answered() {
    let catalog = catalog();
    let mut seen = Vec::new();
    for r in catalog.all() {
        for o in outside_actions(r) {
            let expected = EXPECTED
                .iter()
                .find(|e| e.0 == o.code && e.1 == o.channel && e.2 == o.action)
                .unwrap_or_else(|| {
                    panic!(
                        "{} {} action {} ({:?} {:?} {:?}) is not in EXPECTED: decide whom it asks",
                        o.code, o.channel, o.action, o.unit, o.operation, o.needs
                    )
                })
                .3;
            seen.push((o.code.clone(), o.channel, o.action));
            let (recipient, form) = request_of(&o.code);
            // Every field the plausible form fills is a field of the regulation's form.
            let names: Vec<&str> = r
                .form
                .value()
                .map(|f| f.fields.iter().map(|f| f.name.as_str()).collect())
                .unwrap_or_default();
            for k in form.keys() {
                assert!(names.contains(&k.as_str()), "{}: no field {k}", o.code);
            }
            let number = format!("KZ-{}-{}-{}", o.code, o.channel, o.action);
            let q = Question {
                service: &o.code,
                request_number: &number,
                recipient: &recipient,
                unit: o.unit,
                operation: o.operation,
                needs: o.needs,
                form: &form,
                fee_tenge: None,
            };
            let at = format!("{} {} action {}", o.code, o.channel, o.action);
            let Some(participant) = expected else {
                let e = ask(&q, now()).unwrap_err();
                assert!(matches!(e, AskError::NoRegistry { .. }), "{at}: {e:?}");
                assert!(e.message().missing().is_empty(), "{at}");
                continue;
            };
            let mut world = Registries::demo(1);
            if participant == Participant::PaymentGateway {
                // The recipient was billed and the bank confirmed the payment.
                let issued = world.handle(&ask::invoice(&q, 500), now());
                assert_eq!(issued.error_code(), None, "{at}: {issued:?}");
                let paid = world.handle(
                    &RegistryRequest::PaymentGateway(PaymentRequest::Pay {
                        invoice_id: ask::invoice_id(&number),
                        payment_ref: "BANK-0001".into(),
                    }),
                    now(),
                );
                assert_eq!(paid.error_code(), None, "{at}: {paid:?}");
            }
            let request = ask(&q, now()).unwrap_or_else(|e| panic!("{at}: {e}"));
            assert_eq!(request.participant(), participant, "{at}");
            let answer = world.handle(&request, now());
            assert_eq!(answer.error_code(), None, "{at}: {answer:?}");
            let a = facts(&q, &answer);
            let want: BTreeMap<Check, bool> = o.needs.map(|c| (c, true)).into_iter().collect();
            assert_eq!(a.facts, want, "{at}: {a:?}");
            assert_eq!(a.reason, None, "{at}");
            assert!(!a.interim, "{at}");
            assert!(a.data.is_object(), "{at}");
        }
    }
    // EXPECTED names no action the regulations do not have.
    for e in EXPECTED {
        assert!(
            seen.iter().any(|s| s.0 == e.0 && s.1 == e.1 && s.2 == e.2),
            "{e:?} is no outside action of the shipped regulations"
        );
    }
    assert_eq!(seen.len(), EXPECTED.len());
}

#[test]
fn the_field_names_the_rules_read_are_the_regulations() {
    let catalog = catalog();
    let all: Vec<String> = catalog
        .all()
        .filter_map(|r| r.form.value())
        .flat_map(|f| f.fields.iter().map(|f| f.name.clone()))
        .collect();
    for name in [
        fields::CHILD_IIN,
        fields::CHILD_BIRTH_DATE,
        fields::BY_REPRESENTATIVE,
        fields::REPRESENTATIVE_IIN,
        fields::POA_CERTIFICATION,
        fields::POA_NUMBER,
        fields::DOCTOR,
        fields::APPOINTMENT_DATE,
        fields::APPOINTMENT_TIME,
        fields::PHC_ORGANISATION,
    ] {
        assert!(all.iter().any(|n| n == name), "{name}");
    }
    // The one the rules read that no shipped form has (documented at the constant).
    assert!(!all.iter().any(|n| n == fields::PREFERRED_KINDERGARTEN));
}

// ── the rules from the wrong side ─────────────────────────────────────────

fn question<'a>(
    recipient: &'a str,
    unit: Participant,
    operation: Operation,
    needs: Option<Check>,
    form: &'a BTreeMap<String, String>,
) -> Question<'a> {
    Question {
        service: "archive-apostille",
        request_number: "KZ-2026-000042",
        recipient,
        unit,
        operation,
        needs,
        form,
        fee_tenge: None,
    }
}

fn complete(t: &qyzmet_core::Text) {
    assert!(t.missing().is_empty(), "{t:?}");
}

#[test]
fn a_recipient_absent_from_gbd_fl_is_not_found_with_a_reason() {
    let f = form(&[]);
    let q = question(
        ABSENT_IIN,
        Participant::Provider,
        Operation::QueryRegistry,
        Some(Check::StateDatabase),
        &f,
    );
    let a = Registries::demo(1).answer(&q, now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::StateDatabase, false)]));
    let reason = a.reason.unwrap();
    complete(&reason);
    assert!(reason.ru.contains(ABSENT_IIN) && reason.ru.contains("ГБД ФЛ"));

    // A valid BIN that ГБД ЮЛ does not hold.
    let absent_bin = qyzmet_registries::gbd_ul::make_bin(
        2001,
        1,
        qyzmet_core::id::EntityKind::ResidentLegalEntity,
        qyzmet_core::id::BinAttribute::HeadOffice,
        99_990,
    )
    .or_else(|| {
        qyzmet_registries::gbd_ul::make_bin(
            2001,
            1,
            qyzmet_core::id::EntityKind::ResidentLegalEntity,
            qyzmet_core::id::BinAttribute::HeadOffice,
            99_991,
        )
    })
    .unwrap()
    .to_string();
    let q = question(
        &absent_bin,
        Participant::GbdFl,
        Operation::QueryRegistry,
        Some(Check::StateDatabase),
        &f,
    );
    assert_eq!(
        ask(&q, now()).unwrap().participant(),
        Participant::GbdUl,
        "a BIN goes to ГБД ЮЛ"
    );
    let a = Registries::demo(1).answer(&q, now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::StateDatabase, false)]));
    assert!(a.reason.unwrap().ru.contains("ГБД ЮЛ"));

    // Without a check the look-up is still made, for the record, and establishes nothing.
    let akhmetov = iin_of(who::AKHMETOV_ERLAN);
    let q = question(
        &akhmetov,
        Participant::GbdFl,
        Operation::QueryRegistry,
        None,
        &f,
    );
    let a = Registries::demo(1).answer(&q, now()).unwrap();
    assert!(a.facts.is_empty() && a.reason.is_none());
    assert_eq!(a.data["response"]["person"]["iin"], akhmetov.as_str());
}

#[test]
fn a_child_in_the_form_is_looked_up_as_the_recipients() {
    let mother = iin_of(who::ZHUMABAEVA_AIGERIM);
    let tomiris = iin_of(who::ZHUMABAEVA_TOMIRIS);
    // The home-schooling form: the applicant and the child's IIN.
    let f = form(&[("applicant_iin", &mother), ("child_iin", &tomiris)]);
    let q = question(
        &mother,
        Participant::GbdFl,
        Operation::QueryRegistry,
        Some(Check::StateDatabase),
        &f,
    );
    let request = ask(&q, now()).unwrap();
    assert!(matches!(
        request,
        RegistryRequest::GbdFl(gbd_fl::GbdFlRequest::Children { .. })
    ));
    let a = Registries::demo(1).answer(&q, now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::StateDatabase, true)]));
    // Only the child concerned is recorded, with the disability the service asks about.
    let children = a.data["response"]["children"].as_array().unwrap();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0]["iin"], tomiris.as_str());
    assert_eq!(children[0]["disability"], true);

    // Another family's child.
    let aiym = iin_of(who::AKHMETOVA_AIYM);
    let f = form(&[("applicant_iin", &mother), ("child_iin", &aiym)]);
    let q = question(
        &mother,
        Participant::GbdFl,
        Operation::QueryRegistry,
        Some(Check::StateDatabase),
        &f,
    );
    let a = Registries::demo(1).answer(&q, now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::StateDatabase, false)]));
    assert!(a.reason.unwrap().ru.contains(&aiym));
    assert_eq!(a.data["response"]["children"].as_array().unwrap().len(), 0);

    // The kindergarten form names the child by birth date only.
    let f = form(&[
        ("applicant_iin", &mother),
        ("child_birth_date", "2021-05-20"),
    ]);
    let q = question(
        &mother,
        Participant::GbdFl,
        Operation::QueryRegistry,
        Some(Check::StateDatabase),
        &f,
    );
    let a = Registries::demo(1).answer(&q, now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::StateDatabase, true)]));
    assert_eq!(
        a.data["response"]["children"][0]["iin"],
        iin_of(who::ZHUMABAEV_ALIKHAN).as_str()
    );
}

#[test]
fn an_unpaid_invoice_is_no_payment() {
    let f = form(&[]);
    let recipient = iin_of(who::SMIRNOVA_ELENA);
    let q = question(
        &recipient,
        Participant::PaymentGateway,
        Operation::Pay,
        Some(Check::Payment),
        &f,
    );
    let mut world = Registries::demo(1);
    // Not even billed.
    let a = world.answer(&q, now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::Payment, false)]));
    assert!(a.reason.unwrap().ru.contains("KZ-2026-000042"));
    // Billed, not paid.
    assert_eq!(
        world.handle(&ask::invoice(&q, 500), now()).error_code(),
        None
    );
    let a = world.answer(&q, now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::Payment, false)]));
    complete(a.reason.as_ref().unwrap());
    assert_eq!(a.data["response"]["confirmed"], false);
    // The bank declined.
    world.handle(
        &RegistryRequest::PaymentGateway(PaymentRequest::Decline {
            invoice_id: ask::invoice_id(q.request_number),
            reason: "insufficient funds".into(),
        }),
        now(),
    );
    let a = world.answer(&q, now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::Payment, false)]));
    assert!(a.reason.unwrap().en.contains("insufficient funds"));
    // Paid: 0.5 МРП of 2026 = 2 163 ₸ (4 325 × 0.5, rounded half up).
    world.handle(
        &RegistryRequest::PaymentGateway(PaymentRequest::Pay {
            invoice_id: ask::invoice_id(q.request_number),
            payment_ref: "BANK-77".into(),
        }),
        now(),
    );
    let a = world.answer(&q, now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::Payment, true)]));
    // Paid, but less than the fee the service states.
    let q_fee = Question {
        fee_tenge: Some(4_325),
        ..q
    };
    let a = world.answer(&q_fee, now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::Payment, false)]));
    assert!(a.reason.unwrap().ru.contains("2163"));
    // A free service needs no message.
    let free = Question {
        fee_tenge: Some(0),
        ..q
    };
    assert_eq!(
        ask(&free, now()),
        Err(AskError::NotNeeded(NotNeeded::FreeService))
    );
    assert_eq!(
        ask::settled(&free).unwrap().facts,
        BTreeMap::from([(Check::Payment, true)])
    );
}

#[test]
fn a_revoked_or_expired_power_of_attorney_is_not_confirmed() {
    let kasymov = iin_of(who::KASYMOV_DANIYAR);
    let poa = |principal: &str, service: &'static str, f: &BTreeMap<String, String>| {
        let q = Question {
            service,
            request_number: "KZ-1",
            recipient: principal,
            unit: Participant::Csc,
            operation: Operation::QueryRegistry,
            needs: Some(Check::PowerOfAttorney),
            form: f,
            fee_tenge: None,
        };
        if let Ok(request) = ask(&q, now()) {
            assert_eq!(request.participant(), Participant::Notary);
        }
        Registries::demo(1).answer(&q, now()).unwrap()
    };
    let by_kasymov = form(&[
        ("by_representative", "yes"),
        ("representative_iin", &kasymov),
    ]);
    let ok = poa(
        &iin_of(who::SMIRNOVA_ELENA),
        "archive-apostille",
        &by_kasymov,
    );
    assert_eq!(ok.facts, BTreeMap::from([(Check::PowerOfAttorney, true)]));

    let revoked = poa(
        &iin_of(who::AKHMETOV_ERLAN),
        "archive-apostille",
        &by_kasymov,
    );
    assert_eq!(
        revoked.facts,
        BTreeMap::from([(Check::PowerOfAttorney, false)])
    );
    let r = revoked.reason.unwrap();
    complete(&r);
    assert!(r.ru.contains("отозвана") && r.ru.contains("НД-2025-0417"));

    let expired = poa(
        &iin_of(who::SULEIMENOV_MARAT),
        "archive-apostille",
        &by_kasymov,
    );
    assert_eq!(
        expired.facts,
        BTreeMap::from([(Check::PowerOfAttorney, false)])
    );
    assert!(expired.reason.unwrap().en.contains("2025-01-15"));

    // Valid, but not for this service.
    let scope = poa(
        &iin_of(who::SMIRNOVA_ELENA),
        "mass-media-registration",
        &by_kasymov,
    );
    assert_eq!(
        scope.facts,
        BTreeMap::from([(Check::PowerOfAttorney, false)])
    );

    // No representative: nothing to ask, the fact holds.
    let alone = form(&[("by_representative", "no")]);
    let a = poa(&iin_of(who::AKHMETOV_ERLAN), "archive-apostille", &alone);
    assert_eq!(a.facts, BTreeMap::from([(Check::PowerOfAttorney, true)]));
    let q = Question {
        service: "archive-apostille",
        request_number: "KZ-1",
        recipient: "850101300005",
        unit: Participant::Notary,
        operation: Operation::QueryRegistry,
        needs: Some(Check::PowerOfAttorney),
        form: &alone,
        fee_tenge: None,
    };
    assert_eq!(
        ask(&q, now()),
        Err(AskError::NotNeeded(NotNeeded::NoRepresentative))
    );
    // A power certified otherwise is not in ЕНИС.
    let other = form(&[
        ("by_representative", "yes"),
        ("representative_iin", &kasymov),
        ("poa_certification", "other"),
    ]);
    assert_eq!(
        ask(&Question { form: &other, ..q }, now()),
        Err(AskError::NotNotarised)
    );
    // «yes» without the representative's IIN.
    let yes = form(&[("by_representative", "yes")]);
    let e = ask(&Question { form: &yes, ..q }, now()).unwrap_err();
    assert!(matches!(&e, AskError::MissingField { field, .. } if field == "representative_iin"));
}

#[test]
fn a_full_kindergarten_gives_a_queue_ticket_an_interim_result() {
    let mother = iin_of(who::ZHUMABAEVA_AIGERIM);
    let alikhan = iin_of(who::ZHUMABAEV_ALIKHAN);
    let balapan = bin(BALAPAN);
    let f = form(&[
        ("child_iin", &alikhan),
        ("child_birth_date", "2021-05-20"),
        ("preferred_kindergarten", &balapan),
    ]);
    let q = question(
        &mother,
        Participant::KindergartenRegister,
        Operation::ChooseSlot,
        Some(Check::Availability),
        &f,
    );
    let mut world = Registries::demo(1);
    let a = world.answer(&q, now()).unwrap();
    // «Балапан» has no pre-school place: a ticket, neither a place nor a refusal.
    assert!(a.interim);
    assert!(a.facts.is_empty() && a.reason.is_none());
    assert_eq!(a.data["response"]["answer"], "queued");

    // Asked again while queued: still interim.
    let a = world.answer(&q, now()).unwrap();
    assert!(a.interim && a.facts.is_empty());

    // A place is released and goes to the queue: asked again, the referral gives the place.
    let released = world.handle(
        &RegistryRequest::KindergartenRegister(KindergartenRequest::ReleasePlace {
            kindergarten: balapan.clone(),
            group: AgeGroup::PreSchool,
        }),
        now(),
    );
    assert_eq!(released.error_code(), None);
    let a = world.answer(&q, now()).unwrap();
    assert!(!a.interim);
    assert_eq!(a.facts, BTreeMap::from([(Check::Availability, true)]));

    // Without a preference, the free place at «Айгөлек» is given at once.
    let maria = iin_of(who::IVANOVA_MARIA);
    let f = form(&[("child_iin", &maria)]); // the birth date is read from the IIN
    let mut world = Registries::demo(1);
    let a = world
        .answer(
            &question(
                &iin_of(who::IVANOVA_OLGA),
                Participant::KindergartenRegister,
                Operation::QueryRegistry,
                Some(Check::Availability),
                &f,
            ),
            now(),
        )
        .unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::Availability, true)]));
    assert_eq!(a.data["response"]["answer"], "referral");

    // Seven or older: a refusal with its reason.
    let sanzhar = iin_of(who::ZHUMABAEV_SANZHAR);
    let f = form(&[("child_iin", &sanzhar)]);
    let a = Registries::demo(1)
        .answer(
            &question(
                &mother,
                Participant::KindergartenRegister,
                Operation::ChooseSlot,
                Some(Check::Availability),
                &f,
            ),
            now(),
        )
        .unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::Availability, false)]));
    assert!(a.reason.unwrap().ru.contains("до 7 лет"));

    // The kindergarten regulation's own form has no child IIN: the register cannot be asked.
    let f = form(&[
        ("applicant_iin", &mother),
        ("child_name", "Жумабаев Алихан Ержанович"),
        ("child_birth_date", "2021-05-20"),
    ]);
    let e = ask(
        &question(
            &mother,
            Participant::KindergartenRegister,
            Operation::ChooseSlot,
            Some(Check::Availability),
            &f,
        ),
        now(),
    )
    .unwrap_err();
    assert_eq!(
        e,
        AskError::MissingField {
            field: "child_iin".into(),
            participant: Participant::KindergartenRegister
        }
    );
}

fn book<'a>(who: &'a str, f: &'a BTreeMap<String, String>) -> Question<'a> {
    question(
        who,
        Participant::DoctorSchedule,
        Operation::ChooseSlot,
        Some(Check::Availability),
        f,
    )
}

#[test]
fn a_taken_slot_is_not_available() {
    let f = form(&[
        ("doctor", "D-1-1"),
        ("appointment_date", "2026-11-24"),
        ("appointment_time", "09:00"),
    ]);
    let akhmetov = iin_of(who::AKHMETOV_ERLAN);
    let dinara = iin_of(who::AKHMETOVA_DINARA);
    let mut world = Registries::demo(1);
    let q = |who| book(who, &f);
    let a = world.answer(&q(&akhmetov), now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::Availability, true)]));
    assert_eq!(a.data["response"]["appointment"]["doctor"], "D-1-1");
    let a = world.answer(&q(&dinara), now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::Availability, false)]));
    let r = a.reason.unwrap();
    complete(&r);
    assert!(r.ru.contains("2026-11-24 09:00") && r.ru.contains("занято"));
    // Without a check (the doctor-appointment regulation's choice of time): the booking is
    // still tried and recorded, and establishes nothing.
    let a = world
        .answer(
            &Question {
                needs: None,
                ..q(&dinara)
            },
            now(),
        )
        .unwrap();
    assert!(a.facts.is_empty() && a.reason.is_none());
    assert_eq!(a.data["response"]["error"], "slot_taken");
    // Sunday is no working day.
    let sunday = form(&[
        ("doctor", "D-1-1"),
        ("appointment_date", "2026-11-29"),
        ("appointment_time", "09:00"),
    ]);
    let a = world
        .answer(
            &question(
                &dinara,
                Participant::DoctorSchedule,
                Operation::ChooseSlot,
                Some(Check::Availability),
                &sunday,
            ),
            now(),
        )
        .unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::Availability, false)]));
}

#[test]
fn a_missing_or_wrong_form_field_is_a_clear_error() {
    let akhmetov = iin_of(who::AKHMETOV_ERLAN);
    let f = form(&[("doctor", "D-1-1"), ("appointment_date", "2026-11-24")]);
    let e = ask(
        &question(
            &akhmetov,
            Participant::DoctorSchedule,
            Operation::ChooseSlot,
            None,
            &f,
        ),
        now(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "ask.missing_field");
    let m = e.message();
    complete(&m);
    for text in [&m.kk, &m.ru, &m.en] {
        assert!(text.contains("«appointment_time»"), "{text}");
    }
    assert!(m.ru.contains("График приёма врачей"));
    assert!(m.kk.contains("Дәрігерлердің қабылдау кестесі"));

    // A blank value counts as missing.
    let f = form(&[
        ("doctor", "D-1-1"),
        ("appointment_date", "2026-11-24"),
        ("appointment_time", "  "),
    ]);
    let e = ask(
        &question(
            &akhmetov,
            Participant::DoctorSchedule,
            Operation::ChooseSlot,
            None,
            &f,
        ),
        now(),
    )
    .unwrap_err();
    assert!(matches!(e, AskError::MissingField { .. }));

    let f = form(&[
        ("doctor", "D-1-1"),
        ("appointment_date", "2026-11-24"),
        ("appointment_time", "9 am"),
    ]);
    let e = ask(
        &question(
            &akhmetov,
            Participant::DoctorSchedule,
            Operation::ChooseSlot,
            None,
            &f,
        ),
        now(),
    )
    .unwrap_err();
    assert_eq!(
        e,
        AskError::BadField {
            field: "appointment_time".into(),
            value: "9 am".into(),
            expected: Expected::Time
        }
    );
    complete(&e.message());
    assert!(e.message().ru.contains("ЧЧ:ММ"));

    // The attachment register without the organisation.
    let e = ask(
        &question(
            &akhmetov,
            Participant::AttachmentRegister,
            Operation::ChooseSlot,
            Some(Check::Availability),
            &form(&[]),
        ),
        now(),
    )
    .unwrap_err();
    assert!(matches!(&e, AskError::MissingField { field, .. } if field == "phc_organisation"));
    complete(&e.message());
}

#[test]
fn attachment_to_the_chosen_clinic_and_its_one_year_rule() {
    let akhmetov = iin_of(who::AKHMETOV_ERLAN);
    let suleimenov = iin_of(who::SULEIMENOV_MARAT);
    let f = form(&[("phc_organisation", &bin(CLINIC_9))]);
    let mut world = Registries::demo(1);
    let attach = |who| {
        question(
            who,
            Participant::AttachmentRegister,
            Operation::ChooseSlot,
            Some(Check::Availability),
            &f,
        )
    };
    let a = world.answer(&attach(&akhmetov), now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::Availability, true)]));
    // Asked again: already attached there, which is what was asked.
    let a = world.answer(&attach(&akhmetov), now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::Availability, true)]));
    // Attached on 2026-06-01: too soon to change.
    let a = world.answer(&attach(&suleimenov), now()).unwrap();
    assert_eq!(a.facts, BTreeMap::from([(Check::Availability, false)]));
    assert!(a.reason.unwrap().ru.contains("2027-06-01"));
    // A look-up without a check only reads where the person is attached.
    let q = question(
        &suleimenov,
        Participant::AttachmentRegister,
        Operation::QueryRegistry,
        None,
        &f,
    );
    assert!(matches!(
        ask(&q, now()).unwrap(),
        RegistryRequest::AttachmentRegister(attachment::AttachmentRequest::Query { .. })
    ));
}

#[test]
fn questions_no_participant_can_answer() {
    let f = form(&[]);
    let akhmetov = iin_of(who::AKHMETOV_ERLAN);
    // The certification authority is not a registry.
    let e = ask(
        &question(
            &akhmetov,
            Participant::Nca,
            Operation::QueryRegistry,
            None,
            &f,
        ),
        now(),
    )
    .unwrap_err();
    assert!(matches!(e, AskError::NoRegistry { .. }));
    complete(&e.message());
    // A state database cannot say whether the fee is paid.
    let e = ask(
        &question(
            &akhmetov,
            Participant::GbdFl,
            Operation::QueryRegistry,
            Some(Check::Payment),
            &f,
        ),
        now(),
    )
    .unwrap_err();
    assert!(matches!(e, AskError::CannotEstablish { .. }));
    complete(&e.message());
    // Availability asked of the provider names no register.
    let e = ask(
        &question(
            &akhmetov,
            Participant::Provider,
            Operation::QueryRegistry,
            Some(Check::Availability),
            &f,
        ),
        now(),
    )
    .unwrap_err();
    assert!(matches!(e, AskError::NoRegistry { .. }));
    // An answer that does not answer the question establishes nothing.
    let q = question(
        &akhmetov,
        Participant::PaymentGateway,
        Operation::Pay,
        Some(Check::Payment),
        &f,
    );
    let mut world = Registries::demo(1);
    let other = world.handle(
        &RegistryRequest::GbdFl(gbd_fl::GbdFlRequest::Person {
            iin: akhmetov.clone(),
        }),
        now(),
    );
    let a = facts(&q, &other);
    assert!(a.facts.is_empty() && a.reason.is_none());
}
