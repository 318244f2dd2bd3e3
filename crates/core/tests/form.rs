//! The check of a filled form, from the right side (sound forms of shipped regulations pass, and
//! so do values synthesized for every field of every shipped form) and from the wrong side (each
//! rule broken by one value gives exactly its code on that field, in three languages), and
//! arbitrary input never panics.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use qyzmet_core::id::{Bin, Iin, Sex};
use qyzmet_core::regulation::form::{is_asked, is_email, normalize_phone, parse_date};
use qyzmet_core::regulation::{
    check_form, Attachment, Catalog, FieldError, FieldType, FileFacts, Form, FormValues, Origin,
    Regulation, SeedMarker,
};
use qyzmet_core::{Lang, Text};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

type Files = BTreeMap<String, FileFacts>;

/// Monday 3 March 2025.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 3).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A valid IIN of someone born on `birth`, from the first serial at or after `serial` issued.
fn iin(birth: NaiveDate, serial: u16) -> String {
    (serial..)
        .find_map(|s| Iin::generate(birth, Sex::Female, s))
        .unwrap()
        .to_string()
}

/// A valid BIN: a resident head office registered in April 2015, its check digit found by trial.
fn bin(serial: u32) -> String {
    (serial..)
        .flat_map(|s| (0..10).map(move |k| format!("150440{:05}{k}", s % 100_000)))
        .find(|b| Bin::parse(b).is_ok())
        .unwrap()
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
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
        sources.push((
            "sound.toml".into(),
            include_str!("fixtures/sound.toml").into(),
        ));
        let (catalog, ds) = Catalog::from_sources(&sources);
        assert!(ds.is_empty(), "{ds:#?}");
        assert!(catalog.len() >= 13);
        catalog
    })
}

fn regulation(code: &str) -> &'static Regulation {
    catalog().latest(code).unwrap()
}

fn form_of(r: &Regulation) -> &Form {
    r.form.value().expect("the regulation gives a form")
}

fn attachments_of(r: &Regulation) -> &[Attachment] {
    r.attachments.value().map_or(&[], Vec::as_slice)
}

fn values(pairs: &[(&str, &str)]) -> FormValues {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn file(name: &str, size: u64) -> FileFacts {
    FileFacts {
        name: name.into(),
        size,
    }
}

fn assert_trilingual(t: &Text) {
    for lang in Lang::ALL {
        assert!(!t.get(lang).trim().is_empty(), "empty {lang}: {t:?}");
    }
    assert!(t.kk != t.ru && t.ru != t.en && t.kk != t.en, "{t:?}");
}

/// The single problem of `result`, which must be `code` on `field`, told in three languages.
#[track_caller]
fn only(result: Result<(), Vec<FieldError>>, field: &str, code: &str) -> FieldError {
    let errors = result.expect_err("a problem was expected");
    assert_eq!(errors.len(), 1, "one problem expected: {errors:#?}");
    let e = errors.into_iter().next().unwrap();
    assert_eq!((e.field.as_str(), e.code), (field, code), "{e:#?}");
    assert_trilingual(&e.message);
    e
}

// ── Shipped regulations ──────────────────────────────────────────────────────────────────────

fn kindergarten() -> FormValues {
    values(&[
        ("head_of_department", "Сейітова Гүлнар Маратқызы"),
        ("applicant_iin", &iin(date(1992, 5, 14), 1)),
        ("applicant_name", "Әлиева Айгерім Серікқызы"),
        (
            "applicant_address",
            "Астана қ., Мәңгілік Ел даңғылы, 8, 12 пәтер",
        ),
        ("applicant_phone", "+7 (701) 234-56-78"),
        ("child_relation", "daughter"),
        ("child_name", "Әлиева Аружан Ерланқызы"),
        ("child_birth_date", "2021-06-01"),
        ("attached_documents", "туу туралы куәлік"),
        ("email", "aigerim.alieva@mail.kz"),
    ])
}

fn check_kindergarten(v: &FormValues) -> Result<(), Vec<FieldError>> {
    let r = regulation("kindergarten-registration");
    check_form(form_of(r), attachments_of(r), v, &Files::new(), today())
}

#[test]
fn a_sound_kindergarten_form_passes() {
    assert_eq!(check_kindergarten(&kindergarten()), Ok(()));
    // Optional fields may stay empty; blanks count as empty; the domestic phone form is taken.
    let mut v = kindergarten();
    v.remove("head_of_department");
    v.insert("email".into(), "  ".into());
    v.insert("applicant_phone".into(), "8 701 234 56 78".into());
    assert_eq!(check_kindergarten(&v), Ok(()));
}

#[test]
fn an_iin_error_names_the_field_and_reuses_the_identifier_message() {
    let mut v = kindergarten();
    v.insert("applicant_iin".into(), "12345".into());
    let e = only(check_kindergarten(&v), "applicant_iin", "form.iin");
    let id = Iin::parse("12345", today()).unwrap_err();
    assert_eq!(
        e.message.ru,
        format!("Поле «ИИН заявителя»: {}", id.message(Lang::Ru))
    );
    assert!(e.message.ru.contains("должен состоять из 12 цифр"));
    assert!(e
        .message
        .kk
        .starts_with("«Өтініш берушінің ЖСН» өрісі: ЖСН:"));
    assert!(e.message.en.starts_with("Field “Applicant's IIN”: IIN:"));
}

#[test]
fn the_kindergarten_child_must_be_under_seven_today() {
    let mut v = kindergarten();
    v.insert("child_birth_date".into(), "2018-03-03".into()); // seven today
    only(check_kindergarten(&v), "child_birth_date", "form.age");
    v.insert("child_birth_date".into(), "2018-03-04".into()); // seven tomorrow
    assert_eq!(check_kindergarten(&v), Ok(()));
    v.insert("child_birth_date".into(), "2025-03-04".into());
    only(
        check_kindergarten(&v),
        "child_birth_date",
        "form.future_date",
    );
    v.insert("child_birth_date".into(), "2025-03-03".into()); // born today
    assert_eq!(check_kindergarten(&v), Ok(()));
}

#[test]
fn a_cross_rule_gives_its_own_message_and_is_skipped_on_invalid_values() {
    let r = regulation("disabled-children-home-schooling");
    let all_documents: Files = attachments_of(r)
        .iter()
        .map(|a| (a.code.clone(), file(&format!("{}.pdf", a.code), 2048)))
        .collect();
    let parent = iin(date(1988, 2, 1), 10);
    let check =
        |v: &FormValues, f: &Files| check_form(form_of(r), attachments_of(r), v, f, today());
    let sound = values(&[
        ("applicant_iin", &parent),
        ("child_iin", &iin(date(2014, 9, 30), 20)),
    ]);
    assert_eq!(check(&sound, &all_documents), Ok(()));

    let same = values(&[("applicant_iin", &parent), ("child_iin", &parent)]);
    let e = only(check(&same, &all_documents), "child_iin", "form.rule");
    assert_eq!(e.message, form_of(r).rules[0].message);

    let invalid = values(&[("applicant_iin", "1"), ("child_iin", "1")]);
    let errors = check(&invalid, &all_documents).unwrap_err();
    let codes: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
    assert_eq!(
        codes,
        [("applicant_iin", "form.iin"), ("child_iin", "form.iin")]
    );

    let mut missing = all_documents.clone();
    missing.remove("bank-account");
    only(
        check(&sound, &missing),
        "attachments.bank-account",
        "form.attachment_missing",
    );
}

#[test]
fn when_asks_a_field_only_while_the_other_equals_and_ignores_it_otherwise() {
    let r = regulation("typical-fully-automated");
    let check = |v: &FormValues| check_form(form_of(r), &[], v, &Files::new(), today());
    let person = iin(date(1990, 1, 1), 5);
    let individual = values(&[("applicant_kind", "individual"), ("applicant_iin", &person)]);
    assert_eq!(check(&individual), Ok(()));
    // A BIN left over from choosing "legal entity" first is not asked, so it is ignored.
    let mut leftover = individual.clone();
    leftover.insert("applicant_bin".into(), "not a BIN".into());
    assert_eq!(check(&leftover), Ok(()));
    only(
        check(&values(&[("applicant_kind", "legal_entity")])),
        "applicant_bin",
        "form.required",
    );
    only(check(&values(&[])), "applicant_kind", "form.required");

    // A chain: poa_number is asked only when poa_certification is asked and is "notarised".
    let r = regulation("archival-certificate");
    let form = form_of(r);
    let poa_number = form.fields.iter().find(|f| f.name == "poa_number").unwrap();
    let chain = values(&[
        ("by_representative", "no"),
        ("poa_certification", "notarised"),
    ]);
    assert!(!is_asked(form, poa_number, &chain));
    let files = Files::from([("documents".into(), file("scan.pdf", 1000))]);
    let check = |v: &FormValues| check_form(form, &[], v, &files, today());
    let mut v = chain.clone();
    v.insert("applicant_iin".into(), person.clone());
    assert_eq!(check(&v), Ok(()));
    v.insert("by_representative".into(), "yes".into());
    v.insert("representative_iin".into(), iin(date(1970, 7, 7), 3));
    v.insert("poa_date".into(), "2024-01-15".into());
    only(check(&v), "poa_number", "form.required");
    // Not sent at all, a required file is `form.required`.
    only(
        check_form(form, &[], &v, &Files::new(), today()).map_err(|mut e| {
            e.retain(|e| e.field == "documents");
            e
        }),
        "documents",
        "form.required",
    );
}

#[test]
fn a_phone_pattern_replaces_the_kazakh_number_check() {
    let r = regulation("doctor-home-call");
    let check = |phone: &str| {
        let v = values(&[
            ("applicant_iin", &iin(date(1960, 12, 31), 1)),
            ("visit_address", "Астана, Сарайшық көшесі, 5"),
            ("contact_phone", phone),
        ]);
        check_form(form_of(r), &[], &v, &Files::new(), today())
    };
    assert_eq!(check("+77012345678"), Ok(()));
    let e = only(check("8 701 234 56 78"), "contact_phone", "form.phone");
    // The field's hint tells the person what is expected.
    assert!(e.message.ru.contains("В формате +7XXXXXXXXXX"), "{e:#?}");
}

// ── Every rule, on a form that has them all ──────────────────────────────────────────────────

const TEST_FORM: &str = r#"
[[fields]]
name = "applicant_iin"
type = "iin"
label = { kk = "ЖСН", ru = "ИИН", en = "IIN" }
required = true
origin = "seed"

[[fields]]
name = "company_bin"
type = "bin"
label = { kk = "БСН", ru = "БИН", en = "BIN" }
required = false
origin = "seed"

[[fields]]
name = "birth_date"
type = "date"
label = { kk = "Туған күні", ru = "Дата рождения", en = "Date of birth" }
required = true
origin = "seed"
not_future = true
age_under = 18

[[fields]]
name = "start_date"
type = "date"
label = { kk = "Басталуы", ru = "Начало", en = "Start" }
required = false
origin = "seed"

[[fields]]
name = "end_date"
type = "date"
label = { kk = "Аяқталуы", ru = "Окончание", en = "End" }
required = false
origin = "seed"

[[fields]]
name = "decision_date"
type = "date"
label = { kk = "Шешім күні", ru = "Дата решения", en = "Date of the decision" }
required = false
origin = "seed"

[[fields]]
name = "phone"
type = "phone"
label = { kk = "Телефон", ru = "Телефон", en = "Phone" }
required = false
origin = "seed"

[[fields]]
name = "office_phone"
type = "phone"
label = { kk = "Қызметтік телефон", ru = "Рабочий телефон", en = "Office phone" }
required = false
origin = "seed"
pattern = '\+7 7172 [0-9]{6}'

[[fields]]
name = "email"
type = "email"
label = { kk = "Электрондық пошта", ru = "Электронная почта", en = "E-mail" }
required = false
origin = "seed"

[[fields]]
name = "children"
type = "number"
label = { kk = "Балалар саны", ru = "Число детей", en = "Number of children" }
required = false
origin = "seed"
min = 0
max = 20

[[fields]]
name = "full_name"
type = "text"
label = { kk = "Аты", ru = "Имя", en = "Name" }
required = false
origin = "seed"
min_length = 3
max_length = 10

[[fields]]
name = "code"
type = "text"
label = { kk = "Код", ru = "Код", en = "Code" }
required = false
origin = "seed"
pattern = "[A-Z]{2}-[0-9]{3}"

[[fields]]
name = "channel"
type = "choice"
label = { kk = "Жеткізу тәсілі", ru = "Способ доставки", en = "Delivery" }
required = true
origin = "seed"
choices = [
  { value = "post", label = { kk = "пошта", ru = "почта", en = "post" } },
  { value = "email", label = { kk = "электрондық пошта", ru = "электронная почта", en = "e-mail" } },
]

[[fields]]
name = "postal_address"
type = "address"
label = { kk = "Пошта мекенжайы", ru = "Почтовый адрес", en = "Postal address" }
required = true
origin = "seed"
max_length = 40
when = { field = "channel", equals = "post" }

[[fields]]
name = "scan"
type = "file"
label = { kk = "Скан", ru = "Скан", en = "Scan" }
required = true
origin = "seed"
max_size_kb = 100
accept = ["pdf", "jpg"]

[[fields]]
name = "spouse_iin"
type = "iin"
label = { kk = "Жұбайының ЖСН", ru = "ИИН супруга", en = "Spouse's IIN" }
required = false
origin = "seed"

[[rules]]
field = "start_date"
rule = "not_after"
other = "end_date"
message = { kk = "Басталуы аяқталуынан кейін емес", ru = "Начало не позже окончания", en = "The start is not after the end" }

[[rules]]
field = "decision_date"
rule = "not_before"
other = "start_date"
message = { kk = "Шешім басталуынан бұрын емес", ru = "Решение не раньше начала", en = "The decision is not before the start" }

[[rules]]
field = "spouse_iin"
rule = "differs_from"
other = "applicant_iin"
message = { kk = "Жұбайының ЖСН басқа", ru = "ИИН супруга другой", en = "The spouse's IIN differs" }
"#;

fn test_form() -> &'static Form {
    static FORM: OnceLock<Form> = OnceLock::new();
    FORM.get_or_init(|| toml::from_str(TEST_FORM).unwrap())
}

fn test_attachments() -> Vec<Attachment> {
    let a = |code: &str, required| Attachment {
        code: code.into(),
        name: Text::new(
            format!("{code} құжаты"),
            format!("документ {code}"),
            format!("document {code}"),
        ),
        required,
        origin: Origin::Seed(SeedMarker::Seed),
    };
    vec![a("id-card", true), a("extra", false)]
}

fn sound_values() -> FormValues {
    values(&[
        ("applicant_iin", &iin(date(2010, 4, 1), 1)),
        ("company_bin", &bin(123)),
        ("birth_date", "2010-04-01"),
        ("start_date", "2025-01-10"),
        ("end_date", "2025-02-10"),
        ("decision_date", "2025-01-20"),
        ("phone", "8 (701) 234-56-78"),
        ("office_phone", "+7 7172 123456"),
        ("email", "aigerim.s@mail.kz"),
        ("children", "2"),
        ("full_name", "Әлия Нұр"),
        ("code", "AB-123"),
        ("channel", "post"),
        ("postal_address", "Астана, Абай даңғылы, 1"),
        ("scan", "scan.pdf"),
        ("spouse_iin", &iin(date(1985, 8, 8), 1)),
    ])
}

fn sound_files() -> Files {
    Files::from([
        ("scan".into(), file("scan.pdf", 100 * 1024)),
        ("id-card".into(), file("id.jpg", 5000)),
    ])
}

fn check_test(v: &FormValues, f: &Files) -> Result<(), Vec<FieldError>> {
    check_form(test_form(), &test_attachments(), v, f, today())
}

fn with(field: &str, value: &str) -> FormValues {
    let mut v = sound_values();
    v.insert(field.into(), value.into());
    v
}

#[test]
fn the_test_form_passes_when_sound_and_at_its_limits() {
    assert_eq!(check_test(&sound_values(), &sound_files()), Ok(()));
    for (field, value) in [
        ("birth_date", "2007-03-04"), // 18 tomorrow
        ("birth_date", "2025-03-03"), // born today
        ("phone", "+77012345678"),
        ("phone", " +7 701 234 5678 "),
        ("children", "0"),
        ("children", "20"),
        ("children", "2,5"),
        ("children", "+3.0"),
        ("full_name", "Әли"),        // three letters, six bytes
        ("full_name", "Айгерім Ай"), // ten letters
        ("email", "a.b+tag@пошта.қаз"),
        ("end_date", "2025-01-10"), // equal dates satisfy not_after
        ("decision_date", "2025-01-10"),
        ("postal_address", &"а".repeat(40)),
    ] {
        assert_eq!(
            check_test(&with(field, value), &sound_files()),
            Ok(()),
            "{field} = {value:?}"
        );
    }
}

#[test]
fn each_rule_broken_by_one_value_gives_its_code_on_that_field() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (field, value, code, field the problem is on)
        ("applicant_iin", "", "form.required", "applicant_iin"),
        ("applicant_iin", " \t ", "form.required", "applicant_iin"),
        ("applicant_iin", "12345", "form.iin", "applicant_iin"),
        ("applicant_iin", "100401900012", "form.iin", "applicant_iin"),
        ("company_bin", "123456789012", "form.bin", "company_bin"),
        ("company_bin", "15044000123", "form.bin", "company_bin"),
        ("birth_date", "2010-4-1", "form.date", "birth_date"),
        ("birth_date", "2010-02-30", "form.date", "birth_date"),
        ("birth_date", "01.04.2010", "form.date", "birth_date"),
        ("birth_date", "+2010-04-01", "form.date", "birth_date"),
        ("birth_date", "2025-03-04", "form.future_date", "birth_date"),
        ("birth_date", "2007-03-03", "form.age", "birth_date"),
        ("birth_date", "1950-01-01", "form.age", "birth_date"),
        ("phone", "+7 701 234", "form.phone", "phone"),
        ("phone", "7012345678", "form.phone", "phone"),
        ("phone", "+7 701 234 56 7a", "form.phone", "phone"),
        ("office_phone", "+77172123456", "form.phone", "office_phone"),
        ("email", "aigerim@", "form.email", "email"),
        ("email", "aigerim.mail.kz", "form.email", "email"),
        ("email", "a..b@mail.kz", "form.email", "email"),
        ("email", "a@mail", "form.email", "email"),
        ("email", "a@b@mail.kz", "form.email", "email"),
        ("email", "a b@mail.kz", "form.email", "email"),
        ("children", "two", "form.number", "children"),
        ("children", "1e3", "form.number", "children"),
        ("children", "NaN", "form.number", "children"),
        ("children", "inf", "form.number", "children"),
        ("children", "1.", "form.number", "children"),
        ("children", "-1", "form.min", "children"),
        ("children", "20.5", "form.max", "children"),
        ("full_name", "Әл", "form.min_length", "full_name"),
        (
            "full_name",
            "Әлия Нұрланқызы",
            "form.max_length",
            "full_name",
        ),
        ("code", "ab-123", "form.pattern", "code"),
        ("code", "AB-1234", "form.pattern", "code"),
        ("channel", "fax", "form.choice", "channel"),
        ("postal_address", "", "form.required", "postal_address"),
        (
            "postal_address",
            &"а".repeat(41),
            "form.max_length",
            "postal_address",
        ),
        ("end_date", "2025-01-09", "form.rule", "start_date"),
        ("decision_date", "2025-01-09", "form.rule", "decision_date"),
        ("nickname", "Әлия", "form.unknown_field", "nickname"),
    ];
    for (field, value, code, on) in cases {
        let e = only(check_test(&with(field, value), &sound_files()), on, code);
        if *code != "form.rule" && *code != "form.unknown_field" {
            let label = &test_form()
                .fields
                .iter()
                .find(|f| f.name == *on)
                .unwrap()
                .label;
            assert!(e.message.ru.starts_with(&format!("Поле «{}»: ", label.ru)));
            assert!(e.message.kk.starts_with(&format!("«{}» өрісі: ", label.kk)));
            assert!(e.message.en.starts_with(&format!("Field “{}”: ", label.en)));
        }
    }
    let spouse = sound_values()["applicant_iin"].clone();
    let e = only(
        check_test(&with("spouse_iin", &spouse), &sound_files()),
        "spouse_iin",
        "form.rule",
    );
    assert_eq!(e.message, test_form().rules[2].message);
}

#[test]
fn file_rules() {
    let with_scan = |name: &str, size: u64| {
        let mut f = sound_files();
        f.insert("scan".into(), file(name, size));
        check_test(&sound_values(), &f)
    };
    assert_eq!(with_scan("SCAN.PDF", 1), Ok(()));
    assert_eq!(with_scan("scan.v2.jpg", 102_400), Ok(()));
    only(with_scan("scan.exe", 10), "scan", "form.file_type");
    only(with_scan("pdf", 10), "scan", "form.file_type");
    only(with_scan("scan.pdf", 102_401), "scan", "form.file_size");

    let mut f = sound_files();
    f.remove("scan");
    only(check_test(&sound_values(), &f), "scan", "form.file_missing");
    let mut v = sound_values();
    v.remove("scan");
    only(check_test(&v, &f), "scan", "form.required");
    // The file alone fills the field; its name in the values is optional.
    assert_eq!(check_test(&v, &sound_files()), Ok(()));

    let mut f = sound_files();
    f.remove("id-card");
    only(
        check_test(&sound_values(), &f),
        "attachments.id-card",
        "form.attachment_missing",
    );
    let mut f = sound_files();
    f.insert("selfie".into(), file("me.jpg", 10));
    only(
        check_test(&sound_values(), &f),
        "selfie",
        "form.unknown_field",
    );
}

#[test]
fn a_field_not_asked_is_ignored_whatever_its_value() {
    let mut v = with("channel", "email");
    v.insert("postal_address".into(), "x".repeat(1000));
    assert_eq!(check_test(&v, &sound_files()), Ok(()));
    v.remove("postal_address");
    assert_eq!(check_test(&v, &sound_files()), Ok(()));
}

#[test]
fn every_problem_is_reported_in_field_order() {
    let mut v = with("full_name", "Ә");
    v.insert("applicant_iin".into(), "abc".into());
    v.insert("end_date".into(), "2025-01-01".into());
    v.insert("aaa_unknown".into(), "x".into());
    v.remove("channel");
    let mut f = sound_files();
    f.remove("id-card");
    let errors = check_test(&v, &f).unwrap_err();
    let got: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
    assert_eq!(
        got,
        [
            ("applicant_iin", "form.iin"),
            ("start_date", "form.rule"),
            ("full_name", "form.min_length"),
            ("channel", "form.required"),
            ("attachments.id-card", "form.attachment_missing"),
            ("aaa_unknown", "form.unknown_field"),
        ]
    );
    for e in &errors {
        assert_trilingual(&e.message);
    }
}

#[test]
fn a_pattern_that_does_not_compile_matches_nothing() {
    let form: Form = toml::from_str(
        r#"
[[fields]]
name = "code"
type = "text"
label = { kk = "Код", ru = "Код", en = "Code" }
required = true
origin = "seed"
pattern = "("
"#,
    )
    .unwrap();
    let v = values(&[("code", "(")]);
    only(
        check_form(&form, &[], &v, &Files::new(), today()),
        "code",
        "form.pattern",
    );
}

#[test]
fn a_person_born_on_29_february_is_a_year_older_on_28_february() {
    let form: Form = toml::from_str(
        r#"
[[fields]]
name = "birth"
type = "date"
label = { kk = "Туған күні", ru = "Дата рождения", en = "Date of birth" }
required = true
origin = "seed"
age_under = 1
"#,
    )
    .unwrap();
    let v = values(&[("birth", "2024-02-29")]);
    let on = |d| check_form(&form, &[], &v, &Files::new(), d);
    assert_eq!(on(date(2025, 2, 27)), Ok(()));
    only(on(date(2025, 2, 28)), "birth", "form.age");
}

#[test]
fn helpers() {
    assert_eq!(
        normalize_phone("8 (701) 234-56-78").as_deref(),
        Some("+77012345678")
    );
    assert_eq!(
        normalize_phone("+7 701 2345678").as_deref(),
        Some("+77012345678")
    );
    assert_eq!(normalize_phone("+8 701 2345678"), None);
    assert_eq!(normalize_phone("+7 701 234567٨"), None);
    assert!(is_email("a@b.kz") && !is_email("a@-b.kz") && !is_email(".a@b.kz"));
    assert!(!is_email("a@b.k2") && !is_email("a@b..kz") && !is_email("@b.kz"));
    assert_eq!(parse_date("2024-02-29"), Some(date(2024, 2, 29)));
    assert_eq!(parse_date("2023-02-29"), None);
    assert_eq!(parse_date("２０２４-02-29"), None);
    assert_eq!(parse_date("2024-٠2-29"), None);
}

// ── Every shipped form can be filled ─────────────────────────────────────────────────────────

/// One string matching `pattern` (with its own `^…$` dropped: the check anchors anyway) and
/// within the length limits, drawn deterministically.
fn from_pattern(pattern: &str, min: usize, max: usize) -> String {
    let bare = pattern.strip_prefix('^').unwrap_or(pattern);
    let bare = bare.strip_suffix('$').unwrap_or(bare);
    let strategy = proptest::string::string_regex(bare).unwrap();
    let mut runner = TestRunner::deterministic();
    (0..1000)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .find(|s| (min..=max).contains(&s.chars().count()) && s.trim() == s)
        .unwrap_or_else(|| panic!("nothing of length {min}..={max} matches `{pattern}`"))
}

/// Values meant valid for every field of `form` on `today`, distinct per field (for
/// `differs_from`), and every document of the list attached.
fn synthesize(form: &Form, attachments: &[Attachment], today: NaiveDate) -> (FormValues, Files) {
    let mut values = FormValues::new();
    let mut files = Files::new();
    for (i, f) in form.fields.iter().enumerate() {
        let (min, max) = (
            f.min_length.unwrap_or(0) as usize,
            f.max_length.map_or(usize::MAX, |m| m as usize),
        );
        let text = |base: String| -> String {
            match &f.pattern {
                Some(p) => from_pattern(p, min, max),
                None => {
                    let mut s: String = base.chars().take(max).collect();
                    while s.chars().count() < min {
                        s.push('ә');
                    }
                    s
                }
            }
        };
        let serial = u16::try_from(i).unwrap() * 7;
        let value = match f.kind {
            FieldType::Iin => iin(date(1990, 1, 1) + Duration::days(i as i64), serial),
            FieldType::Bin => bin(u32::from(serial)),
            FieldType::Date => today.to_string(),
            FieldType::Phone => text(format!("+7 (701) 234-56-{i:02}")),
            FieldType::Email => text(format!("user{i}@example.kz")),
            FieldType::Number => f.min.or(f.max).unwrap_or(1.0).to_string(),
            FieldType::Text | FieldType::Address => text(format!("Әлия Нұрланқызы, {i}")),
            FieldType::Choice => {
                // The value another field waits for, so that as many fields as can be are asked.
                let wanted = form
                    .fields
                    .iter()
                    .filter_map(|g| g.when.as_ref())
                    .find(|w| w.field == f.name)
                    .map(|w| w.equals.clone());
                wanted.unwrap_or_else(|| f.choices[0].value.clone())
            }
            FieldType::File => {
                let ext = f.accept.first().map_or("pdf", String::as_str);
                let name = format!("file{i}.{}", ext.to_uppercase());
                let size = u64::from(f.max_size_kb.unwrap_or(1)) * 1024;
                files.insert(f.name.clone(), file(&name, size));
                name
            }
        };
        values.insert(f.name.clone(), value);
    }
    for a in attachments {
        files.insert(a.code.clone(), file(&format!("{}.pdf", a.code), 1));
    }
    (values, files)
}

#[test]
fn values_synthesized_as_valid_pass_every_shipped_form() {
    let mut forms = 0;
    for r in catalog().all() {
        let Some(form) = r.form.value() else {
            continue;
        };
        forms += 1;
        for today in [today(), date(2024, 2, 29), date(2031, 12, 31)] {
            let (values, files) = synthesize(form, attachments_of(r), today);
            assert_eq!(
                check_form(form, attachments_of(r), &values, &files, today),
                Ok(()),
                "{} on {today}: {values:#?}",
                r.code
            );
        }
    }
    assert!(forms >= 12, "only {forms} forms");
    let (values, files) = synthesize(test_form(), &test_attachments(), today());
    assert_eq!(check_test(&values, &files), Ok(()), "{values:#?}");
}

// ── Nothing panics ───────────────────────────────────────────────────────────────────────────

fn any_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{12}",
        "[0-9 +()-]{0,16}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "[+-]?[0-9]{0,25}([.,][0-9]{0,3})?",
        "[a-z.]{0,5}@[a-zа-я.-]{0,8}",
        prop::sample::select(vec![
            "yes",
            "no",
            "notarised",
            "individual",
            "legal_entity",
            "post",
            "daughter",
        ])
        .prop_map(String::from),
    ]
}

proptest! {
    #[test]
    fn arbitrary_values_never_panic(
        picks in prop::collection::vec((any::<u8>(), any_value()), 0..24),
        sent in prop::collection::vec((any::<u8>(), any::<String>(), any::<u64>()), 0..4),
        days in -800_000i64..800_000,
    ) {
        let today = date(2000, 1, 1) + Duration::days(days);
        let forms = catalog()
            .all()
            .filter_map(|r| Some((r.form.value()?, attachments_of(r).to_vec())))
            .chain([(test_form(), test_attachments())]);
        for (form, attachments) in forms {
            let names: Vec<String> = form
                .fields
                .iter()
                .map(|f| f.name.clone())
                .chain(attachments.iter().map(|a| a.code.clone()))
                .chain(["unknown".to_string()])
                .collect();
            let pick = |k: u8| names[usize::from(k) % names.len()].clone();
            let values: FormValues = picks.iter().map(|(k, v)| (pick(*k), v.clone())).collect();
            let files: Files = sent
                .iter()
                .map(|(k, name, size)| (pick(*k), file(name, *size)))
                .collect();
            if let Err(errors) = check_form(form, &attachments, &values, &files, today) {
                for e in errors {
                    prop_assert!(!e.field.is_empty());
                    prop_assert!(e.code.starts_with("form."));
                    prop_assert!(e.message.missing().is_empty());
                }
            }
        }
    }
}
