//! The validator, from the right side (a sound file and every shipped regulation load) and from
//! the wrong side (each kind of unsoundness is caught, with its file and line).

use qyzmet_core::regulation::{load, parse, Catalog, Diagnostic};

const SOUND: &str = include_str!("fixtures/sound.toml");

/// The fixture with `from` replaced by `to` (which must occur exactly once).
fn mutate(from: &str, to: &str) -> String {
    assert_eq!(
        SOUND.matches(from).count(),
        1,
        "fixture must contain `{from}` once"
    );
    SOUND.replacen(from, to, 1)
}

fn problems(text: &str) -> Vec<Diagnostic> {
    match load("bad.toml", text) {
        Ok(_) => Vec::new(),
        Err(ds) => ds,
    }
}

/// Asserts one problem mentions `needle`, and that it is reported on the line holding `at`.
fn assert_caught(text: &str, needle: &str, at: &str) {
    let ds = problems(text);
    let hit = ds
        .iter()
        .find(|d| d.message.contains(needle))
        .unwrap_or_else(|| panic!("no problem mentions `{needle}`: {ds:#?}"));
    let line = text
        .lines()
        .position(|l| l.contains(at))
        .map(|i| i + 1)
        .expect("marker present");
    assert_eq!(
        hit.line, line,
        "`{needle}` reported at {hit}; expected line {line}"
    );
    assert_eq!(hit.file, "bad.toml");
}

#[test]
fn the_fixture_is_sound() {
    let r = load("sound.toml", SOUND).unwrap_or_else(|ds| panic!("{ds:#?}"));
    assert_eq!(r.code, "test-certificate");
    assert_eq!(r.channels.len(), 1);
}

#[test]
fn dangling_next_action() {
    let text = mutate("next = 2\n", "next = 7\n");
    assert_caught(&text, "leads to action 7", "next = 7");
}

#[test]
fn dangling_branch_target() {
    let text = mutate(
        "{ on = \"refusal\", to = 3 }",
        "{ on = \"refusal\", to = 9 }",
    );
    assert_caught(&text, "leads to action 9", "to = 9");
}

#[test]
fn unreachable_action() {
    // Action 2 now skips action 3's only entry; add a fourth row nobody leads to.
    let text = format!(
        "{SOUND}\n[[channels.portal.actions]]\nnumber = 4\nunit = \"portal\"\noperation = \"notify\"\naction = {{ kk = \"a\", ru = \"a\", en = \"a\" }}\ncompletion = {{ kk = \"a\", ru = \"a\", en = \"a\" }}\ndeadline = \"1 min\"\nnext = \"end\"\n"
    );
    let ds = problems(&text);
    assert!(
        ds.iter()
            .any(|d| d.message.contains("action 4 is unreachable")),
        "{ds:#?}"
    );
}

#[test]
fn cycle_without_exit() {
    let text = mutate(
        "status = \"completed\"\nnext = \"end\"",
        "status = \"completed\"\nnext = 2",
    );
    let ds = problems(&text);
    assert!(
        ds.iter()
            .any(|d| d.message.contains("cycle without an exit")),
        "{ds:#?}"
    );
    assert!(
        ds.iter()
            .any(|d| d.message.contains("no action ends the flow")),
        "{ds:#?}"
    );
}

#[test]
fn a_cycle_with_an_exit_is_sound() {
    // Refusal loops back to action 1 (e.g. re-sign), positive goes on to the end.
    let text = mutate(
        "{ on = \"refusal\", to = 3 }",
        "{ on = \"refusal\", to = 1 }",
    );
    assert!(problems(&text).is_empty(), "{:#?}", problems(&text));
}

#[test]
fn action_numbered_twice() {
    let text = mutate(
        "number = 3\nunit = \"portal\"",
        "number = 2\nunit = \"portal\"",
    );
    assert!(problems(&text)
        .iter()
        .any(|d| d.message.contains("action 2 is numbered twice")));
}

#[test]
fn condition_without_refusal() {
    let text = mutate(
        "refusal = { process = 2, kind = \"signature_not_confirmed\", message = { kk = \"ЭЦҚ расталмады\", ru = \"ЭЦП не подтверждена\", en = \"E-signature not confirmed\" } }\n",
        "",
    );
    // Reported at the `[[channels.portal.procedure]]` header of the condition.
    let ds = problems(&text);
    let hit = ds
        .iter()
        .find(|d| d.message.contains("condition 1 has no refusal"))
        .expect("caught");
    let kind_line = text
        .lines()
        .position(|l| l.contains("kind = \"condition\""))
        .unwrap()
        + 1;
    assert_eq!(hit.line, kind_line - 1, "{hit}");
}

#[test]
fn refusal_to_a_missing_process() {
    let text = mutate("refusal = { process = 2,", "refusal = { process = 5,");
    assert_caught(
        &text,
        "process 5, which the procedure does not list",
        "process = 5",
    );
}

#[test]
fn action_checking_a_missing_condition() {
    let text = mutate("condition = 1\n", "condition = 4\n");
    assert_caught(
        &text,
        "condition 4, which the procedure does not list",
        "condition = 4",
    );
}

#[test]
fn deadline_that_does_not_parse() {
    let text = mutate("deadline = \"30 s..1 min\"", "deadline = \"half a minute\"");
    let ds = problems(&text);
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert!(
        ds[0].message.contains("`half a minute` does not parse"),
        "{ds:#?}"
    );
    let line = text
        .lines()
        .position(|l| l.contains("half a minute"))
        .unwrap()
        + 1;
    assert_eq!(ds[0].line, line);
}

#[test]
fn form_rule_on_a_missing_field() {
    let text = format!(
        "{SOUND}\n[[form.rules]]\nfield = \"birth_date\"\nrule = \"not_after\"\nother = \"application_date\"\nmessage = {{ kk = \"a\", ru = \"a\", en = \"a\" }}\n"
    );
    assert_caught(
        &text,
        "field `application_date`, which the form does not have",
        "other = \"application_date\"",
    );
}

#[test]
fn conditional_field_on_a_missing_field() {
    let text = mutate(
        "age_under = 7\n",
        "age_under = 7\nwhen = { field = \"ghost\", equals = \"x\" }\n",
    );
    assert_caught(&text, "depends on `ghost`", "ghost");
}

#[test]
fn rule_that_does_not_fit_the_field_type() {
    let text = mutate("prefill = \"iin\"\n", "prefill = \"iin\"\nage_under = 3\n");
    assert_caught(
        &text,
        "`age_under` does not apply to a Iin field",
        "age_under = 3",
    );
}

#[test]
fn pattern_that_is_not_a_regular_expression() {
    let text = format!(
        "{SOUND}\n[[form.fields]]\nname = \"phone\"\ntype = \"phone\"\nlabel = {{ kk = \"Телефон\", ru = \"Телефон\", en = \"Phone\" }}\nrequired = true\norigin = \"seed\"\npattern = \"\\\\+7[0-9{{10}}\"\n"
    );
    assert_caught(&text, "is not a regular expression", "pattern = ");
    let good = text.replace("[0-9{10}", "[0-9]{10}");
    assert!(problems(&good).is_empty(), "{:#?}", problems(&good));
}

#[test]
fn missing_translation() {
    let text = mutate("en = \"Test certificate\"", "en = \"\"");
    assert_caught(&text, "missing English translation", "en = \"\"");
    let text = mutate(
        "kk = \"Шешім\", ru = \"Решение\", en = \"Decision\" }\ncompletion",
        "ru = \"Решение\", en = \"Decision\" }\ncompletion",
    );
    assert_caught(
        &text,
        "missing Kazakh translation",
        "action = { ru = \"Решение\"",
    );
}

#[test]
fn unset_needs_a_reason() {
    let text = mutate(
        "bin = { unset = \"not in the seed\" }",
        "bin = { unset = \" \" }",
    );
    assert_caught(&text, "must say why", "bin = { unset");
}

#[test]
fn unknown_key_is_an_error_with_its_line() {
    let text = mutate("extension_allowed = true", "extension_alowed = true");
    let d = parse("bad.toml", &text).unwrap_err();
    assert!(d.message.contains("extension_alowed"), "{d}");
    assert_eq!(
        d.line,
        text.lines()
            .position(|l| l.contains("extension_alowed"))
            .unwrap()
            + 1
    );
}

#[test]
fn syntax_error_is_located() {
    let text = mutate("version = 1", "version = = 1");
    let d = parse("bad.toml", &text).unwrap_err();
    assert_eq!(
        d.line,
        text.lines().position(|l| l.contains("= = 1")).unwrap() + 1,
        "{d}"
    );
}

#[test]
fn wrong_signer_for_the_channel() {
    let text = mutate("signer = \"recipient\"", "signer = \"operator\"");
    assert_caught(&text, "signed by the Recipient", "signer = \"operator\"");
}

#[test]
fn channel_without_a_refusal_result() {
    let text = mutate("kind = \"refusal\"\nname", "kind = \"interim\"\nname");
    assert!(problems(&text)
        .iter()
        .any(|d| d.message.contains("portal channel gives no Refusal result")));
}

#[test]
fn duplicate_code_and_version() {
    let (catalog, ds) = Catalog::from_sources(&[("a.toml", SOUND), ("b.toml", SOUND)]);
    assert_eq!(catalog.len(), 1);
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(ds[0].file, "b.toml");
    assert!(ds[0]
        .message
        .contains("duplicate regulation `test-certificate` version 1"));
    assert!(ds[0].message.contains("a.toml"));
    // A new edition is fine, and the newest is what `latest` gives.
    let v2 = SOUND.replacen("version = 1", "version = 2", 1);
    let (catalog, ds) = Catalog::from_sources(&[("a.toml", SOUND), ("b.toml", v2.as_str())]);
    assert!(ds.is_empty());
    assert_eq!(catalog.latest("test-certificate").unwrap().version, 2);
    assert_eq!(catalog.get("test-certificate", 1).unwrap().version, 1);
}

#[test]
fn shipped_regulations_are_all_sound() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../regulations");
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("regulations/ exists") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            sources.push((path.display().to_string(), text));
        }
    }
    let (catalog, ds) = Catalog::from_sources(&sources);
    assert!(
        ds.is_empty(),
        "{}",
        ds.iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Ten services of the seeds and the typical regulation's template.
    assert!(catalog.len() >= 11, "only {} regulations", catalog.len());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Arbitrary text never panics the parser or the validator.
    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        let _ = load("any.toml", &text);
    }

    /// Damage a sound file anywhere (cut a slice out, or splice text in): the loader answers
    /// with located diagnostics or a regulation, never a panic, and every line it names exists.
    #[test]
    fn damaged_fixture_never_panics(start in 0usize..SOUND.len(), len in 0usize..64, insert in "[\\[\\]{}=\"a-z0-9 ,.\n]{0,12}") {
        let mut cut = start;
        while !SOUND.is_char_boundary(cut) { cut -= 1; }
        let mut end = (cut + len).min(SOUND.len());
        while !SOUND.is_char_boundary(end) { end -= 1; }
        let text = format!("{}{}{}", &SOUND[..cut], insert, &SOUND[end..]);
        if let Err(ds) = load("damaged.toml", &text) {
            let lines = text.lines().count().max(1);
            for d in ds {
                proptest::prop_assert!(d.line <= lines + 1, "{d} beyond {lines} lines");
            }
        }
    }
}
