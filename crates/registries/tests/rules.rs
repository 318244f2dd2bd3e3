//! Each participant's rules from the right side and the wrong side, on the demo world.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use qyzmet_core::id::{Bin, Iin};
use qyzmet_registries::attachment::*;
use qyzmet_registries::demo::{self, iin_of, who, ABSENT_IIN};
use qyzmet_registries::gbd_fl::*;
use qyzmet_registries::gbd_ul::*;
use qyzmet_registries::kindergarten::*;
use qyzmet_registries::notary::*;
use qyzmet_registries::payment::*;
use qyzmet_registries::schedule::*;
use qyzmet_registries::*;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// Monday, 23 November 2026, 10:00.
fn now() -> NaiveDateTime {
    at(2026, 11, 23, 10, 0)
}

fn world() -> Registries {
    Registries::demo(42)
}

// ── generation ──────────────────────────────────────────────────────────

#[test]
fn same_seed_same_world_other_seed_other_people() {
    assert_eq!(Registries::demo(42), Registries::demo(42));
    assert_eq!(
        Registries::demo(42).snapshot(),
        Registries::demo(42).snapshot()
    );
    assert_ne!(Registries::demo(42).gbd_fl, Registries::demo(43).gbd_fl);
}

#[test]
fn every_generated_iin_and_bin_is_valid_and_consistent() {
    for seed in [0, 1, 42, u64::MAX] {
        let w = Registries::demo(seed);
        assert!(w.gbd_fl.len() > 450, "{}", w.gbd_fl.len());
        w.gbd_fl.check().unwrap();
        for p in w.gbd_fl.people() {
            let text = p.iin.to_string();
            let parsed = Iin::parse(&text, demo::DEMO_AS_OF).unwrap();
            assert_eq!(parsed.birth_date(), p.birth_date);
            assert_eq!(parsed.sex(), p.sex);
            if let Some(phone) = &p.phone {
                assert!(phone.len() == 12 && phone.starts_with("+7"), "{phone}");
            }
        }
        assert!(w.gbd_ul.len() >= 32);
        for o in w.gbd_ul.organisations() {
            assert_eq!(Bin::parse(&o.bin.to_string()).unwrap(), o.bin);
            assert!(w.gbd_fl.get(&o.head_iin).is_some(), "head of {}", o.bin);
        }
    }
}

#[test]
fn generated_people_cover_what_the_services_need() {
    let w = world();
    let as_of = demo::DEMO_AS_OF;
    let young_in_aiyrtau = w
        .gbd_fl
        .people()
        .filter(|p| p.address.district.as_deref() == Some("Айыртауский район"))
        .filter(|p| qyzmet_registries::common::age_on(p.birth_date, as_of) < 7)
        .count();
    assert!(young_in_aiyrtau >= 10, "{young_in_aiyrtau}");
    assert!(w
        .gbd_fl
        .people()
        .any(|p| p.disability && p.father.is_some()));
    assert!(
        w.gbd_fl
            .people()
            .filter(|p| p.registered_unemployed)
            .count()
            >= 5
    );
    assert!(w.gbd_fl.people().any(|p| p
        .name_kk
        .patronymic
        .as_deref()
        .is_some_and(|s| s.ends_with("қызы"))));
    assert!(w.gbd_fl.people().any(|p| p.address.locality == "Алматы"));
}

#[test]
fn demo_tables_are_pinned() {
    let iins: Vec<String> = demo::citizen_iins().iter().map(|i| i.to_string()).collect();
    assert_eq!(
        iins,
        [
            "850101300005",
            "870621400012",
            "240210600139",
            "900312400000",
            "880715300128",
            "210520500211",
            "160901600306",
            "180310500423",
            "791103300510",
            "820418400634",
            "220214600731",
            "581205400815",
            "950830300911",
            "700422301049"
        ]
    );
    let bins: Vec<String> = demo::organisations()
        .iter()
        .map(|o| o.bin.to_string())
        .collect();
    assert_eq!(
        bins,
        [
            "050140012342",
            "050240023450",
            "120240034560",
            "190640045672",
            "100940000111",
            "130840000222",
            "110340000337",
            "150540000443",
            "080540001014",
            "080540001051",
            "091040001096",
            "160440000779"
        ]
    );
    let w = world();
    for i in demo::citizen_iins() {
        assert!(w.gbd_fl.get(&i).is_some());
    }
    assert!(w.gbd_fl.get(&ABSENT_IIN.parse().unwrap()).is_none());
}

// ── ГБД ФЛ / ЮЛ ─────────────────────────────────────────────────────────

#[test]
fn gbd_fl_found_not_found_invalid_children() {
    let w = world();
    let ask = |iin: &str| {
        w.gbd_fl
            .handle(&GbdFlRequest::Person { iin: iin.into() }, now())
    };
    match ask(&iin_of(who::ZHUMABAEVA_AIGERIM)) {
        GbdFlResponse::Person { person } => {
            assert_eq!(person.name_ru.to_string(), "Жумабаева Айгерим Нурлановна");
            assert_eq!(person.name_kk.to_string(), "Жұмабаева Айгерім Нұрланқызы");
            assert!(person.registered_unemployed);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        ask(ABSENT_IIN),
        GbdFlResponse::Error(GbdFlError::NotFound { .. })
    ));
    match ask("850101300006") {
        GbdFlResponse::Error(GbdFlError::InvalidIin(e)) => assert_eq!(e.code, "iin.checksum"),
        other => panic!("{other:?}"),
    }
    // Born after the day of the question.
    let future = Iin::generate(day(2027, 1, 1), qyzmet_core::id::Sex::Male, 1).unwrap();
    match ask(&future.to_string()) {
        GbdFlResponse::Error(GbdFlError::InvalidIin(e)) => assert_eq!(e.code, "iin.future"),
        other => panic!("{other:?}"),
    }
    match w.gbd_fl.handle(
        &GbdFlRequest::Children {
            parent_iin: iin_of(who::ZHUMABAEVA_AIGERIM),
        },
        now(),
    ) {
        GbdFlResponse::Children { children, .. } => {
            assert_eq!(children.len(), 3);
            assert!(children.iter().any(|c| c.disability));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn gbd_ul_found_not_found_invalid() {
    let w = world();
    let ask = |bin: &str| {
        w.gbd_ul
            .handle(&GbdUlRequest::Organisation { bin: bin.into() }, now())
    };
    match ask("190640045672") {
        GbdUlResponse::Organisation { organisation } => {
            assert_eq!(organisation.name.ru, "ТОО «Сарыарка Медиа»");
            assert_eq!(
                organisation.head_iin.to_string(),
                iin_of(who::SULEIMENOV_MARAT)
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        ask("080440000008"),
        GbdUlResponse::Error(GbdUlError::NotFound { .. })
    ));
    match ask("080470000008") {
        GbdUlResponse::Error(e) => assert_eq!(e.code(), "gbd_ul.invalid_bin"),
        other => panic!("{other:?}"),
    }
}

// ── payment gateway ─────────────────────────────────────────────────────

fn issue(id: &str, rate: u64) -> PaymentRequest {
    PaymentRequest::Issue {
        invoice_id: id.into(),
        request_number: "AP-000001".into(),
        payer: iin_of(who::SMIRNOVA_ELENA),
        purpose: "apostille".into(),
        rate_thousandths: rate,
    }
}

fn pay(id: &str, r: &str) -> PaymentRequest {
    PaymentRequest::Pay {
        invoice_id: id.into(),
        payment_ref: r.into(),
    }
}

#[test]
fn payment_amount_idempotence_and_never_twice() {
    let mut g = PaymentGateway::new();
    let PaymentResponse::Issued { invoice, repeated } = g.handle(&issue("INV-1", 500), now())
    else {
        panic!()
    };
    assert!(!repeated);
    // 0.5 МРП of 2026 (4 325 ₸) = 2 162.5 → 2 163 ₸.
    assert_eq!((invoice.mrp_tenge, invoice.amount_tenge), (4_325, 2_163));
    assert!(matches!(
        g.handle(&issue("INV-1", 500), now()),
        PaymentResponse::Issued { repeated: true, .. }
    ));
    assert!(matches!(
        g.handle(&issue("INV-1", 1000), now()),
        PaymentResponse::Error(PaymentError::InvoiceConflict { .. })
    ));
    let status = |g: &mut PaymentGateway| match g.handle(
        &PaymentRequest::Status {
            invoice_id: "INV-1".into(),
        },
        now(),
    ) {
        PaymentResponse::Status { confirmed, .. } => confirmed,
        other => panic!("{other:?}"),
    };
    assert!(!status(&mut g));
    // A declined attempt leaves it unpaid; it may be paid after.
    assert!(matches!(
        g.handle(
            &PaymentRequest::Decline {
                invoice_id: "INV-1".into(),
                reason: "insufficient funds".into()
            },
            now()
        ),
        PaymentResponse::Declined { .. }
    ));
    assert!(!status(&mut g));
    assert!(matches!(
        g.handle(&pay("INV-1", "BANK-77"), now()),
        PaymentResponse::Confirmed {
            repeated: false,
            ..
        }
    ));
    assert!(status(&mut g));
    // The same payment message again: the same confirmation.
    assert!(matches!(
        g.handle(&pay("INV-1", "BANK-77"), now()),
        PaymentResponse::Confirmed { repeated: true, .. }
    ));
    // Another payment of a paid invoice: refused.
    let before = g.clone();
    match g.handle(&pay("INV-1", "BANK-78"), now()) {
        PaymentResponse::Error(e) => assert_eq!(e.code(), "payment.already_paid"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        g.handle(
            &PaymentRequest::Decline {
                invoice_id: "INV-1".into(),
                reason: "x".into()
            },
            now()
        ),
        PaymentResponse::Error(PaymentError::AlreadyPaid { .. })
    ));
    assert_eq!(g, before, "refusals change nothing");
}

#[test]
fn payment_bad_input() {
    let mut g = PaymentGateway::new();
    let code = |r: PaymentResponse| match r {
        PaymentResponse::Error(e) => e.code(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        code(g.handle(&pay("nope", "B"), now())),
        "payment.unknown_invoice"
    );
    assert_eq!(
        code(g.handle(&issue("INV-2", 0), now())),
        "payment.bad_rate"
    );
    assert_eq!(code(g.handle(&issue("", 500), now())), "payment.bad_text");
    assert_eq!(
        code(g.handle(&issue("INV-3", 500), at(2031, 1, 5, 10, 0))),
        "payment.no_mrp_for_year"
    );
    let bad_payer = PaymentRequest::Issue {
        invoice_id: "INV-4".into(),
        request_number: "R".into(),
        payer: "12345".into(),
        purpose: "p".into(),
        rate_thousandths: 500,
    };
    assert_eq!(code(g.handle(&bad_payer, now())), "payment.invalid_payer");
    // An organisation pays by BIN; 2025's МРП in 2025.
    let by_bin = PaymentRequest::Issue {
        invoice_id: "INV-5".into(),
        request_number: "R".into(),
        payer: "190640045672".into(),
        purpose: "mass media registration".into(),
        rate_thousandths: 2_000,
    };
    match g.handle(&by_bin, at(2025, 6, 2, 9, 0)) {
        PaymentResponse::Issued { invoice, .. } => {
            assert!(matches!(invoice.payer, Payer::Bin(_)));
            assert_eq!(invoice.amount_tenge, 7_864);
        }
        other => panic!("{other:?}"),
    }
}

// ── notary ──────────────────────────────────────────────────────────────

fn check(principal: usize, service: Option<&str>, at_day: Option<NaiveDate>) -> NotaryResponse {
    let mut w = world();
    w.notary.handle(
        &NotaryRequest::Check {
            principal_iin: iin_of(principal),
            representative_iin: iin_of(who::KASYMOV_DANIYAR),
            number: None,
            service: service.map(str::to_string),
            at: at_day,
        },
        now(),
    )
}

#[test]
fn power_of_attorney_valid_revoked_expired_scope_none() {
    assert!(matches!(
        check(who::SMIRNOVA_ELENA, Some("archive-apostille"), None),
        NotaryResponse::Valid { .. }
    ));
    assert!(matches!(
        check(who::SMIRNOVA_ELENA, Some("mass-media-registration"), None),
        NotaryResponse::NotValid(NotValid::OutOfScope { .. })
    ));
    assert!(matches!(
        check(who::SMIRNOVA_ELENA, None, Some(day(2026, 2, 9))),
        NotaryResponse::NotValid(NotValid::NotYetNotarised { .. })
    ));
    assert!(matches!(
        check(who::AKHMETOV_ERLAN, None, None),
        NotaryResponse::NotValid(NotValid::Revoked { .. })
    ));
    // Before it was revoked it was valid.
    assert!(matches!(
        check(who::AKHMETOV_ERLAN, None, Some(day(2026, 2, 28))),
        NotaryResponse::Valid { .. }
    ));
    assert!(matches!(
        check(who::SULEIMENOV_MARAT, None, None),
        NotaryResponse::NotValid(NotValid::Expired { .. })
    ));
    assert!(matches!(
        check(who::SULEIMENOV_MARAT, None, Some(day(2025, 1, 15))),
        NotaryResponse::Valid { .. }
    ));
    assert!(matches!(
        check(who::IVANOV_SERGEY, None, None),
        NotaryResponse::NotValid(NotValid::NoneRegistered)
    ));
}

#[test]
fn power_of_attorney_register_and_revoke() {
    let mut n = Notary::new();
    let reg = |number: &str, p: usize, r: usize, from: NaiveDate, to: NaiveDate| {
        NotaryRequest::Register {
            number: number.into(),
            principal_iin: iin_of(p),
            representative_iin: iin_of(r),
            scope: Scope::All,
            notarised_on: from,
            valid_until: to,
        }
    };
    let (a, b) = (who::IVANOV_SERGEY, who::IVANOVA_OLGA);
    assert!(matches!(
        n.handle(&reg("N-1", a, b, day(2026, 11, 1), day(2027, 11, 1)), now()),
        NotaryResponse::Registered { .. }
    ));
    let code = |r: NotaryResponse| match r {
        NotaryResponse::Error(e) => e.code(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        code(n.handle(&reg("N-1", a, b, day(2026, 11, 1), day(2027, 11, 1)), now())),
        "notary.duplicate_number"
    );
    assert_eq!(
        code(n.handle(&reg("N-2", a, a, day(2026, 11, 1), day(2027, 11, 1)), now())),
        "notary.same_person"
    );
    assert_eq!(
        code(n.handle(&reg("N-3", a, b, day(2026, 11, 1), day(2026, 10, 1)), now())),
        "notary.bad_period"
    );
    assert_eq!(
        code(n.handle(&reg("N-4", a, b, day(2026, 12, 1), day(2027, 10, 1)), now())),
        "notary.notarised_in_future"
    );
    let check = |n: &mut Notary| {
        n.handle(
            &NotaryRequest::Check {
                principal_iin: iin_of(a),
                representative_iin: iin_of(b),
                number: Some("N-1".into()),
                service: None,
                at: None,
            },
            now(),
        )
    };
    assert!(matches!(check(&mut n), NotaryResponse::Valid { .. }));
    assert!(matches!(
        n.handle(
            &NotaryRequest::Revoke {
                number: "N-1".into()
            },
            now()
        ),
        NotaryResponse::Revoked { .. }
    ));
    assert!(matches!(
        check(&mut n),
        NotaryResponse::NotValid(NotValid::Revoked { .. })
    ));
    assert_eq!(
        code(n.handle(
            &NotaryRequest::Revoke {
                number: "N-1".into()
            },
            now()
        )),
        "notary.already_revoked"
    );
}

// ── kindergarten register ───────────────────────────────────────────────

fn register(child: usize, parent: usize, preferred: Option<usize>) -> KindergartenRequest {
    let iin: Iin = iin_of(child).parse().unwrap();
    KindergartenRequest::Register {
        child_iin: iin.to_string(),
        child_birth_date: iin.birth_date(),
        parent_iin: iin_of(parent),
        preferred_kindergarten: preferred.map(|i| demo::organisation_bin(i).to_string()),
    }
}

const BALAPAN: usize = 4;
const AIGOLEK: usize = 5;

#[test]
fn kindergarten_place_gives_a_referral_with_five_days() {
    let mut k = world().kindergarten_register;
    // Alikhan (5 on the day) → pre-school group; «Балапан» is full there, «Айгөлек» has one place.
    match k.handle(
        &register(who::ZHUMABAEV_ALIKHAN, who::ZHUMABAEVA_AIGERIM, None),
        now(),
    ) {
        KindergartenResponse::Referral { referral } => {
            assert_eq!(
                referral.kindergarten,
                demo::organisation_bin(AIGOLEK).to_string()
            );
            assert_eq!(referral.group, AgeGroup::PreSchool);
            assert_eq!(referral.register_by, day(2026, 11, 28));
        }
        other => panic!("{other:?}"),
    }
    match k.handle(
        &register(who::ZHUMABAEV_ALIKHAN, who::ZHUMABAEVA_AIGERIM, None),
        now(),
    ) {
        KindergartenResponse::Error(e) => assert_eq!(e.code(), "kindergarten.already_registered"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn kindergarten_refuses_a_child_of_seven_and_wrong_data() {
    let mut k = world().kindergarten_register;
    let before = k.clone();
    let code = |r: KindergartenResponse| match r {
        KindergartenResponse::Error(e) => e.code(),
        other => panic!("{other:?}"),
    };
    // Sanzhar, born 2018-03-10, is 8.
    match k.handle(
        &register(who::ZHUMABAEV_SANZHAR, who::ZHUMABAEVA_AIGERIM, None),
        now(),
    ) {
        KindergartenResponse::Error(KindergartenError::ChildTooOld { age, .. }) => {
            assert_eq!(age, 8)
        }
        other => panic!("{other:?}"),
    }
    // The day before a seventh birthday is still under 7; the birthday is not.
    let seven = Iin::generate(day(2019, 11, 23), qyzmet_core::id::Sex::Female, 5).unwrap();
    let req = KindergartenRequest::Register {
        child_iin: seven.to_string(),
        child_birth_date: seven.birth_date(),
        parent_iin: iin_of(who::IVANOVA_OLGA),
        preferred_kindergarten: None,
    };
    assert_eq!(code(k.handle(&req, now())), "kindergarten.child_too_old");
    assert!(!matches!(
        k.clone().handle(&req, at(2026, 11, 22, 23, 59)),
        KindergartenResponse::Error(KindergartenError::ChildTooOld { .. })
    ));
    let mismatch = KindergartenRequest::Register {
        child_iin: iin_of(who::ZHUMABAEV_ALIKHAN),
        child_birth_date: day(2021, 5, 21),
        parent_iin: iin_of(who::ZHUMABAEVA_AIGERIM),
        preferred_kindergarten: None,
    };
    assert_eq!(
        code(k.handle(&mismatch, now())),
        "kindergarten.birth_date_mismatch"
    );
    let alikhan: Iin = iin_of(who::ZHUMABAEV_ALIKHAN).parse().unwrap();
    let unknown = KindergartenRequest::Register {
        child_iin: alikhan.to_string(),
        child_birth_date: alikhan.birth_date(),
        parent_iin: iin_of(who::ZHUMABAEVA_AIGERIM),
        preferred_kindergarten: Some("080440000008".into()),
    };
    assert_eq!(
        code(k.handle(&unknown, now())),
        "kindergarten.unknown_kindergarten"
    );
    assert_eq!(k, before, "refusals change nothing");
}

#[test]
fn kindergarten_queue_then_place_released_gives_a_referral() {
    let mut k = world().kindergarten_register;
    // Maria (4 on the day) → senior group; «Айгөлек» has no senior place.
    let ticket = match k.handle(
        &register(who::IVANOVA_MARIA, who::IVANOVA_OLGA, Some(AIGOLEK)),
        now(),
    ) {
        KindergartenResponse::Queued {
            ticket,
            group,
            position,
        } => {
            assert_eq!((group, position), (AgeGroup::Senior, 1));
            ticket
        }
        other => panic!("{other:?}"),
    };
    match k.handle(
        &KindergartenRequest::Status {
            child_iin: iin_of(who::IVANOVA_MARIA),
        },
        now(),
    ) {
        KindergartenResponse::Status(ChildStatus::Queued {
            ticket: t,
            position,
            ..
        }) => {
            assert_eq!((t, position), (ticket, 1));
        }
        other => panic!("{other:?}"),
    }
    // A pre-school place released at «Айгөлек» is not hers.
    let released = |k: &mut KindergartenRegister, i: usize, group: AgeGroup, when| match k.handle(
        &KindergartenRequest::ReleasePlace {
            kindergarten: demo::organisation_bin(i).to_string(),
            group,
        },
        when,
    ) {
        KindergartenResponse::PlaceReleased { referral } => referral,
        other => panic!("{other:?}"),
    };
    assert_eq!(released(&mut k, AIGOLEK, AgeGroup::PreSchool, now()), None);
    // Nor a senior place in another kindergarten than the one she prefers.
    assert_eq!(released(&mut k, BALAPAN, AgeGroup::Senior, now()), None);
    let later = at(2026, 12, 1, 9, 0);
    let referral = released(&mut k, AIGOLEK, AgeGroup::Senior, later).expect("her referral");
    assert_eq!(referral.child.to_string(), iin_of(who::IVANOVA_MARIA));
    assert_eq!(referral.register_by, day(2026, 12, 6));
    assert!(k.queue().is_empty());
    assert!(matches!(
        k.handle(
            &KindergartenRequest::Enrol {
                referral_number: referral.number.clone()
            },
            later
        ),
        KindergartenResponse::Enrolled { .. }
    ));
    match k.handle(
        &KindergartenRequest::Status {
            child_iin: iin_of(who::IVANOVA_MARIA),
        },
        later,
    ) {
        KindergartenResponse::Status(ChildStatus::Enrolled { .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn kindergarten_referral_not_registered_in_time_lapses_to_the_queue() {
    let mut k = world().kindergarten_register;
    // Alikhan takes «Айгөлек»'s last pre-school place; a second pre-school child queues for it.
    let KindergartenResponse::Referral { referral } = k.handle(
        &register(
            who::ZHUMABAEV_ALIKHAN,
            who::ZHUMABAEVA_AIGERIM,
            Some(AIGOLEK),
        ),
        now(),
    ) else {
        panic!()
    };
    let other = Iin::generate(day(2021, 1, 15), qyzmet_core::id::Sex::Male, 77).unwrap();
    let queued = KindergartenRequest::Register {
        child_iin: other.to_string(),
        child_birth_date: other.birth_date(),
        parent_iin: iin_of(who::IVANOV_SERGEY),
        preferred_kindergarten: None,
    };
    assert!(matches!(
        k.handle(&queued, now()),
        KindergartenResponse::Queued { position: 1, .. }
    ));
    // On the fifth day nothing lapses; on the sixth registering is refused and the sweep lapses it.
    match k.handle(&KindergartenRequest::Sweep, at(2026, 11, 28, 23, 0)) {
        KindergartenResponse::Swept { lapsed, .. } => assert!(lapsed.is_empty()),
        other => panic!("{other:?}"),
    }
    let late = at(2026, 11, 29, 9, 0);
    match k.handle(
        &KindergartenRequest::Enrol {
            referral_number: referral.number.clone(),
        },
        late,
    ) {
        KindergartenResponse::Error(e) => assert_eq!(e.code(), "kindergarten.referral_expired"),
        other => panic!("{other:?}"),
    }
    match k.handle(&KindergartenRequest::Sweep, late) {
        KindergartenResponse::Swept { lapsed, referred } => {
            assert_eq!(lapsed.len(), 1);
            assert_eq!(referred.len(), 1);
            assert_eq!(referred[0].child, other);
        }
        other => panic!("{other:?}"),
    }
    // Alikhan may apply again.
    assert!(matches!(
        k.handle(
            &register(
                who::ZHUMABAEV_ALIKHAN,
                who::ZHUMABAEVA_AIGERIM,
                Some(AIGOLEK)
            ),
            late
        ),
        KindergartenResponse::Queued { .. }
    ));
}

// ── doctors' schedules ──────────────────────────────────────────────────

fn book(doctor: &str, d: NaiveDate, t: NaiveTime, patient: usize) -> ScheduleRequest {
    ScheduleRequest::Book {
        doctor: doctor.into(),
        date: d,
        time: t,
        patient_iin: iin_of(patient),
    }
}

fn free(
    s: &mut DoctorSchedules,
    doctor: &str,
    d: NaiveDate,
    when: NaiveDateTime,
) -> Vec<NaiveTime> {
    match s.handle(
        &ScheduleRequest::FreeSlots {
            doctor: doctor.into(),
            date: d,
        },
        when,
    ) {
        ScheduleResponse::FreeSlots { slots, .. } => slots,
        other => panic!("{other:?}"),
    }
}

#[test]
fn doctor_slots_free_taken_cancelled() {
    let mut s = world().doctor_schedule;
    let friday = at(2026, 11, 20, 12, 0);
    let monday = day(2026, 11, 23);
    // 08:00–14:00 in 15-minute slots.
    assert_eq!(free(&mut s, "D-1-1", monday, friday).len(), 24);
    let code = |r: ScheduleResponse| match r {
        ScheduleResponse::Error(e) => e.code(),
        other => panic!("{other:?}"),
    };
    let ScheduleResponse::Booked { appointment } = s.handle(
        &book("D-1-1", monday, hm(9, 0), who::AKHMETOV_ERLAN),
        friday,
    ) else {
        panic!()
    };
    assert_eq!(free(&mut s, "D-1-1", monday, friday).len(), 23);
    assert!(!free(&mut s, "D-1-1", monday, friday).contains(&hm(9, 0)));
    let before = s.clone();
    assert_eq!(
        code(s.handle(
            &book("D-1-1", monday, hm(9, 0), who::SULEIMENOV_MARAT),
            friday
        )),
        "schedule.slot_taken"
    );
    assert_eq!(
        code(s.handle(
            &book("D-1-1", monday, hm(9, 5), who::SULEIMENOV_MARAT),
            friday
        )),
        "schedule.not_a_slot"
    );
    assert_eq!(
        code(s.handle(
            &book("D-1-1", monday, hm(14, 0), who::SULEIMENOV_MARAT),
            friday
        )),
        "schedule.not_a_slot"
    );
    assert_eq!(
        code(s.handle(
            &book("D-1-1", day(2026, 11, 21), hm(9, 0), who::SULEIMENOV_MARAT),
            friday
        )),
        "schedule.not_working_day"
    );
    assert_eq!(
        code(s.handle(
            &book("D-1-1", day(2026, 11, 20), hm(9, 0), who::SULEIMENOV_MARAT),
            friday
        )),
        "schedule.slot_passed"
    );
    assert_eq!(
        code(s.handle(
            &book("D-9-9", monday, hm(9, 0), who::SULEIMENOV_MARAT),
            friday
        )),
        "schedule.unknown_doctor"
    );
    let cancel = |patient: usize| ScheduleRequest::Cancel {
        appointment: appointment.id.clone(),
        patient_iin: iin_of(patient),
    };
    assert_eq!(
        code(s.handle(&cancel(who::SULEIMENOV_MARAT), friday)),
        "schedule.not_your_appointment"
    );
    assert_eq!(s, before, "refusals change nothing");
    assert!(matches!(
        s.handle(&cancel(who::AKHMETOV_ERLAN), friday),
        ScheduleResponse::Cancelled { .. }
    ));
    assert_eq!(
        code(s.handle(&cancel(who::AKHMETOV_ERLAN), friday)),
        "schedule.already_cancelled"
    );
    assert_eq!(free(&mut s, "D-1-1", monday, friday).len(), 24);
    assert!(matches!(
        s.handle(
            &book("D-1-1", monday, hm(9, 0), who::SULEIMENOV_MARAT),
            friday
        ),
        ScheduleResponse::Booked { .. }
    ));
    // Only slots after now are offered: at 10:07 on Monday, 10:15 is the first.
    assert_eq!(
        free(&mut s, "D-1-1", monday, at(2026, 11, 23, 10, 7))[0],
        hm(10, 15)
    );
    // A day off of the clinic.
    let mut clinics = s.clinics().to_vec();
    clinics[0].days_off.insert(monday);
    let mut s2 = DoctorSchedules::new(clinics, s.doctors().to_vec());
    assert_eq!(
        code(s2.handle(
            &book("D-1-1", monday, hm(9, 0), who::AKHMETOV_ERLAN),
            friday
        )),
        "schedule.not_working_day"
    );
}

#[test]
fn home_calls_until_two_hours_before_closing() {
    let mut s = world().doctor_schedule;
    let clinic1 = demo::organisation_bin(8).to_string();
    let clinic4 = demo::organisation_bin(9).to_string();
    let call = |clinic: &str| ScheduleRequest::HomeCall {
        clinic: clinic.into(),
        patient_iin: iin_of(who::AKHMETOV_ERLAN),
        address: "г. Астана, пр. Мангилик Ел, 55, кв. 12".into(),
        phone: "+77011000000".into(),
    };
    // Weekdays 08:00–20:00: accepted until 18:00.
    match s.handle(&call(&clinic1), at(2026, 11, 23, 18, 0)) {
        ScheduleResponse::HomeCallAccepted { call } => {
            assert_eq!(call.visit_date, day(2026, 11, 23))
        }
        other => panic!("{other:?}"),
    }
    match s.handle(&call(&clinic1), at(2026, 11, 23, 18, 1)) {
        ScheduleResponse::Error(ScheduleError::OutsideIntakeHours { accepted_until, .. }) => {
            assert_eq!(accepted_until, Some(hm(18, 0)))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        s.handle(&call(&clinic1), at(2026, 11, 23, 7, 30)),
        ScheduleResponse::Error(_)
    ));
    // Saturday 09:00–14:00 at clinic No. 1: until 12:00; clinic No. 4 is closed.
    assert!(matches!(
        s.handle(&call(&clinic1), at(2026, 11, 28, 11, 59)),
        ScheduleResponse::HomeCallAccepted { .. }
    ));
    assert!(matches!(
        s.handle(&call(&clinic1), at(2026, 11, 28, 12, 30)),
        ScheduleResponse::Error(_)
    ));
    match s.handle(&call(&clinic4), at(2026, 11, 28, 10, 0)) {
        ScheduleResponse::Error(ScheduleError::OutsideIntakeHours { accepted_until, .. }) => {
            assert_eq!(accepted_until, None)
        }
        other => panic!("{other:?}"),
    }
    let bad_phone = ScheduleRequest::HomeCall {
        clinic: clinic1.clone(),
        patient_iin: iin_of(who::AKHMETOV_ERLAN),
        address: "x".into(),
        phone: "87011000000".into(),
    };
    assert!(matches!(
        s.handle(&bad_phone, now()),
        ScheduleResponse::Error(ScheduleError::BadPhone)
    ));
}

// ── attachment ──────────────────────────────────────────────────────────

#[test]
fn attachment_once_a_year_unless_moving() {
    let mut a = world().attachment_register;
    let clinic = |i: usize| demo::organisation_bin(i).to_string();
    let attach = |who: usize, to: usize, moved: bool| AttachmentRequest::Attach {
        iin: iin_of(who),
        organisation: clinic(to),
        moved,
    };
    let code = |r: AttachmentResponse| match r {
        AttachmentResponse::Error(e) => e.code(),
        other => panic!("{other:?}"),
    };
    // Attached 2025-03-03: a change is allowed.
    match a.handle(&attach(who::AKHMETOV_ERLAN, 10, false), now()) {
        AttachmentResponse::Attached {
            attachment,
            previous,
        } => {
            assert_eq!(attachment.reason, AttachmentReason::AfterAYear);
            assert_eq!(previous.unwrap().organisation, clinic(8));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        code(a.handle(&attach(who::AKHMETOV_ERLAN, 10, false), now())),
        "attachment.already_attached"
    );
    // Attached 2026-06-01: too soon, unless moving.
    match a.handle(&attach(who::SULEIMENOV_MARAT, 8, false), now()) {
        AttachmentResponse::Error(AttachmentError::TooSoon { allowed_from, .. }) => {
            assert_eq!(allowed_from, day(2027, 6, 1))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        a.handle(&attach(who::SULEIMENOV_MARAT, 8, true), now()),
        AttachmentResponse::Attached {
            attachment: Attachment {
                reason: AttachmentReason::Moved,
                ..
            },
            ..
        }
    ));
    // Not attached anywhere yet → first attachment.
    assert!(matches!(
        a.handle(
            &AttachmentRequest::Query {
                iin: iin_of(who::SMIRNOVA_ELENA)
            },
            now()
        ),
        AttachmentResponse::NotAttached { .. }
    ));
    assert!(matches!(
        a.handle(&attach(who::SMIRNOVA_ELENA, 11, false), now()),
        AttachmentResponse::Attached { previous: None, .. }
    ));
    let unknown = AttachmentRequest::Attach {
        iin: iin_of(who::SMIRNOVA_ELENA),
        organisation: "nope".into(),
        moved: false,
    };
    assert_eq!(
        code(a.handle(&unknown, now())),
        "attachment.unknown_organisation"
    );
}
