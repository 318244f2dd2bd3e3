//! The validator: a definition runs only when it is sound.
//!
//! It catches what a paper regulation typed from a PDF gets wrong: dangling or unreachable
//! actions, cycles without an exit, conditions without a refusal, rules on fields that do not
//! exist, missing translations, results no channel gives.

use super::locate::Path;
use super::model::*;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// One unsound place in a regulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: Path,
    pub message: String,
}

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn report(&mut self, path: Path, message: impl Into<String>) {
        self.problems.push(Problem {
            path,
            message: message.into(),
        });
    }
}

/// Every problem of a parsed regulation; empty when it is sound.
pub fn validate(r: &Regulation) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    let root = Path::root();
    check_code(&mut c, &root.key("code"), &r.code, "regulation code");
    if r.version == 0 {
        c.report(root.key("version"), "version starts at 1");
    }
    check_general(&mut c, r);
    if r.channels.is_empty() {
        c.report(
            root.key("channels"),
            "a regulation names at least one channel",
        );
    }
    for (kind, channel) in &r.channels {
        check_channel(
            &mut c,
            &root.key("channels").key(kind.key()),
            *kind,
            channel,
        );
    }
    if let Given::Value(form) = &r.form {
        check_form(&mut c, &root.key("form"), form);
    }
    if let Given::Value(attachments) = &r.attachments {
        let mut codes = BTreeSet::new();
        for (i, a) in attachments.iter().enumerate() {
            let p = root.key("attachments").index(i);
            check_code(&mut c, &p.key("code"), &a.code, "attachment code");
            if !codes.insert(&a.code) {
                c.report(
                    p.key("code"),
                    format!("attachment `{}` is listed twice", a.code),
                );
            }
        }
    }
    check_results(&mut c, r);
    check_questionnaire(&mut c, &r.questionnaire);
    check_unset_reasons(&mut c, r);
    check_translations(&mut c, r);
    c.problems
}

/// Codes are lower-case words of letters and digits joined by `-` or `_`.
fn check_code(c: &mut Checker, path: &Path, code: &str, what: &str) {
    let ok = !code.is_empty()
        && code
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' || ch == '_')
        && code
            .chars()
            .next()
            .is_some_and(|ch| ch.is_ascii_alphanumeric());
    if !ok {
        c.report(
            path.clone(),
            format!("{what} `{code}` must be lower-case letters, digits, `-` or `_`"),
        );
    }
}

fn check_general(c: &mut Checker, r: &Regulation) {
    let p = Path::root().key("general");
    check_code(
        c,
        &p.key("provider").key("code"),
        &r.general.provider.code,
        "provider code",
    );
    if let Given::Value(bin) = &r.general.provider.bin {
        if let Err(e) = bin.parse::<crate::id::Bin>() {
            c.report(p.key("provider").key("bin"), format!("provider BIN: {e}"));
        }
    }
    if let Given::Value(hours) = &r.general.provider.working_hours {
        if hours.opens >= hours.closes {
            c.report(
                p.key("provider").key("working_hours"),
                "the provider must open before it closes",
            );
        }
    }
    if let Given::Value(Fee::Mrp(x)) = &r.general.fee {
        if !x.is_finite() || *x <= 0.0 {
            c.report(p.key("fee"), "a fee in МРП must be a positive number");
        }
    }
    if let Given::Value(Fee::Free(false)) = &r.general.fee {
        c.report(
            p.key("fee"),
            "write a paid fee as `{ mrp = N }` or `{ tenge = N }`, not `{ free = false }`",
        );
    }
    if let Given::Value(Fee::Tenge(0)) = &r.general.fee {
        c.report(p.key("fee"), "a fee of 0 tenge is `{ free = true }`");
    }
}

fn expected_signer(kind: ChannelKind) -> Signer {
    match kind {
        ChannelKind::Portal => Signer::Recipient,
        ChannelKind::Agency => Signer::Employee,
        ChannelKind::Csc => Signer::Operator,
    }
}

fn check_channel(c: &mut Checker, p: &Path, kind: ChannelKind, ch: &Channel) {
    if ch.login.is_empty() {
        c.report(p.key("login"), "say how the acting person logs in");
    }
    if ch.signer != expected_signer(kind) {
        c.report(
            p.key("signer"),
            format!(
                "on the {kind} channel the request is signed by the {:?} with their own key",
                expected_signer(kind)
            ),
        );
    }
    let conditions = check_procedure(c, &p.key("procedure"), &ch.procedure);
    check_actions(c, &p.key("actions"), &ch.actions, &conditions);
}

/// Checks section 2's list; returns the numbers of its conditions.
fn check_procedure(c: &mut Checker, p: &Path, steps: &[Step]) -> BTreeSet<u32> {
    if steps.is_empty() {
        c.report(p.clone(), "the procedure lists no processes");
    }
    let mut numbers: BTreeMap<(StepKind, u32), usize> = BTreeMap::new();
    for (i, s) in steps.iter().enumerate() {
        let sp = p.index(i);
        match (s.kind, s.number) {
            (StepKind::Step, Some(_)) => c.report(
                sp.key("number"),
                "an unnumbered step has no number; make it a process or a condition",
            ),
            (StepKind::Process | StepKind::Condition, None) => {
                c.report(sp.clone(), format!("{} without a number", s.kind))
            }
            (kind, Some(n)) => {
                if let Some(first) = numbers.insert((kind, n), i) {
                    c.report(
                        sp.key("number"),
                        format!("{kind} {n} is numbered twice (first at item {first})"),
                    );
                }
            }
            _ => {}
        }
    }
    let processes: BTreeSet<u32> = numbers
        .keys()
        .filter(|(k, _)| *k == StepKind::Process)
        .map(|(_, n)| *n)
        .collect();
    for (i, s) in steps.iter().enumerate() {
        let sp = p.index(i);
        if s.kind == StepKind::Condition {
            if s.check.is_none() {
                c.report(sp.clone(), "a condition says what it checks (`check`)");
            }
            match &s.refusal {
                None => c.report(
                    sp.clone(),
                    format!(
                        "condition {} has no refusal: say which process forms the refusal and its message",
                        s.number.unwrap_or(0)
                    ),
                ),
                Some(r) if !processes.contains(&r.process) => c.report(
                    sp.key("refusal").key("process"),
                    format!("refusal refers to process {}, which the procedure does not list", r.process),
                ),
                Some(_) => {}
            }
        } else {
            if s.check.is_some() {
                c.report(
                    sp.key("check"),
                    format!("only a condition checks; this is a {}", s.kind),
                );
            }
            if s.refusal.is_some() {
                c.report(
                    sp.key("refusal"),
                    format!("only a condition has a refusal; this is a {}", s.kind),
                );
            }
        }
    }
    numbers
        .keys()
        .filter(|(k, _)| *k == StepKind::Condition)
        .map(|(_, n)| *n)
        .collect()
}

fn targets(next: &Next) -> Vec<Target> {
    match next {
        Next::End(m) => vec![Target::End(*m)],
        Next::To(n) => vec![Target::To(*n)],
        Next::Branches(bs) => bs.iter().map(|b| b.to).collect(),
    }
}

fn check_actions(c: &mut Checker, p: &Path, actions: &[Action], conditions: &BTreeSet<u32>) {
    if actions.is_empty() {
        c.report(p.clone(), "the action table is empty");
        return;
    }
    let mut index: BTreeMap<u32, usize> = BTreeMap::new();
    for (i, a) in actions.iter().enumerate() {
        if let Some(first) = index.insert(a.number, i) {
            c.report(
                p.index(i).key("number"),
                format!(
                    "action {} is numbered twice (first at row {first})",
                    a.number
                ),
            );
            index.insert(a.number, first);
        }
    }
    for (i, a) in actions.iter().enumerate() {
        let ap = p.index(i);
        if let Some(cond) = a.condition {
            if !conditions.contains(&cond) {
                c.report(
                    ap.key("condition"),
                    format!(
                        "action {} checks condition {cond}, which the procedure does not list",
                        a.number
                    ),
                );
            }
        }
        if let Next::Branches(bs) = &a.next {
            if bs.len() < 2 {
                c.report(
                    ap.key("next"),
                    "branches need at least two outcomes; otherwise write the number",
                );
            }
            let mut seen = BTreeSet::new();
            for (j, b) in bs.iter().enumerate() {
                if !seen.insert(format!("{:?}", b.on)) {
                    c.report(
                        ap.key("next").index(j),
                        format!("outcome {:?} branches twice", b.on),
                    );
                }
            }
        }
        for t in targets(&a.next) {
            if let Target::To(n) = t {
                if !index.contains_key(&n) {
                    c.report(
                        ap.key("next"),
                        format!(
                            "action {} leads to action {n}, which the table does not have",
                            a.number
                        ),
                    );
                } else if n == a.number {
                    c.report(ap.key("next"), format!("action {n} leads to itself"));
                }
            }
        }
    }
    check_flow_graph(c, p, actions, &index);
}

/// Every action is reachable from the first row, and from every action an end is reachable
/// (a cycle with no way out would hold a request forever).
fn check_flow_graph(c: &mut Checker, p: &Path, actions: &[Action], index: &BTreeMap<u32, usize>) {
    let edges = |a: &Action| -> Vec<usize> {
        targets(&a.next)
            .into_iter()
            .filter_map(|t| match t {
                Target::To(n) => index.get(&n).copied(),
                Target::End(_) => None,
            })
            .collect()
    };
    let mut reached = vec![false; actions.len()];
    let mut queue = VecDeque::from([0usize]);
    reached[0] = true;
    while let Some(i) = queue.pop_front() {
        for j in edges(&actions[i]) {
            if !reached[j] {
                reached[j] = true;
                queue.push_back(j);
            }
        }
    }
    for (i, a) in actions.iter().enumerate() {
        if !reached[i] {
            c.report(
                p.index(i),
                format!(
                    "action {} is unreachable from action {} (the table's first row)",
                    a.number, actions[0].number
                ),
            );
        }
    }
    // Reverse reachability from the actions that end the flow.
    let mut can_end: Vec<bool> = actions
        .iter()
        .map(|a| targets(&a.next).iter().any(|t| matches!(t, Target::End(_))))
        .collect();
    if !can_end.iter().any(|e| *e) {
        c.report(p.clone(), "no action ends the flow (`next = \"end\"`)");
    }
    loop {
        let mut changed = false;
        for (i, a) in actions.iter().enumerate() {
            if !can_end[i] && edges(a).iter().any(|j| can_end[*j]) {
                can_end[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (i, a) in actions.iter().enumerate() {
        if !can_end[i] && reached[i] {
            c.report(
                p.index(i).key("next"),
                format!(
                    "from action {} the flow never ends: a cycle without an exit",
                    a.number
                ),
            );
        }
    }
}

fn check_form(c: &mut Checker, p: &Path, form: &Form) {
    let mut names: BTreeMap<&str, &Field> = BTreeMap::new();
    for (i, f) in form.fields.iter().enumerate() {
        let fp = p.key("fields").index(i);
        check_code(c, &fp.key("name"), &f.name, "field name");
        if names.insert(f.name.as_str(), f).is_some() {
            c.report(
                fp.key("name"),
                format!("field `{}` is defined twice", f.name),
            );
        }
        check_field_rules(c, &fp, f);
    }
    for (i, f) in form.fields.iter().enumerate() {
        if let Some(when) = &f.when {
            let fp = p.key("fields").index(i).key("when");
            match names.get(when.field.as_str()) {
                None => c.report(
                    fp.key("field"),
                    format!(
                        "field `{}` depends on `{}`, which the form does not have",
                        f.name, when.field
                    ),
                ),
                Some(other) if other.name == f.name => {
                    c.report(fp.key("field"), "a field cannot depend on itself")
                }
                Some(other)
                    if other.kind == FieldType::Choice
                        && !other.choices.iter().any(|ch| ch.value == when.equals) =>
                {
                    c.report(
                        fp.key("equals"),
                        format!("`{}` has no choice `{}`", other.name, when.equals),
                    )
                }
                _ => {}
            }
        }
    }
    for (i, rule) in form.rules.iter().enumerate() {
        let rp = p.key("rules").index(i);
        for (key, name) in [("field", &rule.field), ("other", &rule.other)] {
            if !names.contains_key(name.as_str()) {
                c.report(
                    rp.key(key),
                    format!("the rule refers to field `{name}`, which the form does not have"),
                );
            }
        }
        let dates = matches!(
            rule.rule,
            CrossRuleKind::NotAfter | CrossRuleKind::NotBefore
        );
        if dates {
            for name in [&rule.field, &rule.other] {
                if names
                    .get(name.as_str())
                    .is_some_and(|f| f.kind != FieldType::Date)
                {
                    c.report(
                        rp.key("rule"),
                        format!("`{name}` is not a date: the rule compares dates"),
                    );
                }
            }
        }
    }
}

/// Rules that fit the field's type, and limits that can be met.
fn check_field_rules(c: &mut Checker, fp: &Path, f: &Field) {
    use FieldType::*;
    let textual = matches!(f.kind, Text | Phone | Email | Address);
    let misplaced = |applies: bool, set: bool| set && !applies;
    let rules: [(&str, bool, bool); 9] = [
        ("min_length", textual, f.min_length.is_some()),
        ("max_length", textual, f.max_length.is_some()),
        ("pattern", textual, f.pattern.is_some()),
        ("min", f.kind == Number, f.min.is_some()),
        ("max", f.kind == Number, f.max.is_some()),
        ("not_future", f.kind == Date, f.not_future),
        ("age_under", f.kind == Date, f.age_under.is_some()),
        ("max_size_kb", f.kind == File, f.max_size_kb.is_some()),
        ("accept", f.kind == File, !f.accept.is_empty()),
    ];
    for (key, applies, set) in rules {
        if misplaced(applies, set) {
            c.report(
                fp.key(key),
                format!("`{key}` does not apply to a {:?} field", f.kind),
            );
        }
    }
    if let Some(pattern) = &f.pattern {
        if let Err(e) = regex::Regex::new(&format!("^(?:{pattern})$")) {
            let reason = e.to_string();
            let last = reason.lines().last().unwrap_or_default().trim().to_string();
            c.report(
                fp.key("pattern"),
                format!("pattern `{pattern}` is not a regular expression: {last}"),
            );
        }
    }
    if let (Some(lo), Some(hi)) = (f.min_length, f.max_length) {
        if lo > hi {
            c.report(
                fp.key("min_length"),
                format!("min_length {lo} exceeds max_length {hi}"),
            );
        }
    }
    if let (Some(lo), Some(hi)) = (f.min, f.max) {
        if lo > hi {
            c.report(fp.key("min"), format!("min {lo} exceeds max {hi}"));
        }
    }
    if f.kind == Choice && f.choices.len() < 2 {
        c.report(
            fp.key("choices"),
            "a choice field offers at least two choices",
        );
    }
    if f.kind != Choice && !f.choices.is_empty() {
        c.report(
            fp.key("choices"),
            format!("only a choice field has choices; this is {:?}", f.kind),
        );
    }
    let mut values = BTreeSet::new();
    for (j, ch) in f.choices.iter().enumerate() {
        if !values.insert(&ch.value) {
            c.report(
                fp.key("choices").index(j),
                format!("choice `{}` is listed twice", ch.value),
            );
        }
    }
    if f.kind == File && f.max_size_kb.is_none() {
        c.report(fp.clone(), "a file field sets `max_size_kb`");
    }
    if let Some(prefill) = f.prefill {
        let fits = matches!(
            (prefill, f.kind),
            (Prefill::Iin, Iin)
                | (Prefill::Bin, Bin)
                | (Prefill::FullName, Text)
                | (Prefill::Address, Address)
        );
        if !fits {
            c.report(
                fp.key("prefill"),
                format!("{prefill:?} cannot fill a {:?} field", f.kind),
            );
        }
    }
}

fn check_results(c: &mut Checker, r: &Regulation) {
    let p = Path::root().key("results");
    let mut codes = BTreeSet::new();
    for (i, res) in r.results.iter().enumerate() {
        let rp = p.index(i);
        check_code(c, &rp.key("code"), &res.code, "result code");
        if !codes.insert(&res.code) {
            c.report(
                rp.key("code"),
                format!("result `{}` is defined twice", res.code),
            );
        }
        if res.channels.is_empty() {
            c.report(
                rp.key("channels"),
                "say on which channels this result is given",
            );
        }
        for ch in &res.channels {
            if !r.channels.contains_key(ch) {
                c.report(
                    rp.key("channels"),
                    format!("the regulation has no {ch} channel"),
                );
            }
        }
        if res.delivery.is_empty() {
            c.report(
                rp.key("delivery"),
                "say how the result reaches the recipient",
            );
        }
    }
    for kind in r.channels.keys() {
        for wanted in [ResultKind::Positive, ResultKind::Refusal] {
            if !r
                .results
                .iter()
                .any(|res| res.kind == wanted && res.channels.contains(kind))
            {
                c.report(
                    p.clone(),
                    format!("the {kind} channel gives no {wanted:?} result"),
                );
            }
        }
    }
}

fn check_questionnaire(c: &mut Checker, q: &Questionnaire) {
    let p = Path::root().key("questionnaire");
    if q.questions.is_empty() {
        c.report(
            p.key("questions"),
            "the questionnaire asks at least one question",
        );
    }
    if q.answers.len() < 2 {
        c.report(
            p.key("answers"),
            "the questionnaire offers at least two answers",
        );
    }
    let mut codes = BTreeSet::new();
    for (i, question) in q.questions.iter().enumerate() {
        if !codes.insert(&question.code) {
            c.report(
                p.key("questions").index(i).key("code"),
                format!("question `{}` twice", question.code),
            );
        }
    }
}

/// An explicit `unset` must say why.
fn check_unset_reasons(c: &mut Checker, r: &Regulation) {
    walk_values(&to_value(r), &Path::root(), &mut |path, v| {
        if let Some(t) = v.as_table() {
            if let (1, Some(toml::Value::String(reason))) = (t.len(), t.get("unset")) {
                if reason.trim().is_empty() {
                    c.report(path.clone(), "`unset` must say why the value is not given");
                }
            }
        }
    });
}

/// Every text a person reads exists in Kazakh, Russian and English.
fn check_translations(c: &mut Checker, r: &Regulation) {
    walk_values(&to_value(r), &Path::root(), &mut |path, v| {
        if let Some(t) = v.as_table() {
            if t.len() == 3 && ["kk", "ru", "en"].iter().all(|k| t.contains_key(*k)) {
                for lang in ["kk", "ru", "en"] {
                    if t[lang].as_str().is_some_and(|s| s.trim().is_empty()) {
                        let name = match lang {
                            "kk" => "Kazakh",
                            "ru" => "Russian",
                            _ => "English",
                        };
                        c.report(path.key(lang), format!("missing {name} translation"));
                    }
                }
            }
        }
    });
}

fn to_value(r: &Regulation) -> toml::Value {
    toml::Value::try_from(r).expect("a parsed regulation serializes back")
}

fn walk_values(v: &toml::Value, path: &Path, f: &mut dyn FnMut(&Path, &toml::Value)) {
    f(path, v);
    match v {
        toml::Value::Table(t) => {
            for (k, child) in t {
                walk_values(child, &path.key(k), f);
            }
        }
        toml::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk_values(child, &path.index(i), f);
            }
        }
        _ => {}
    }
}
