//! The format-logical control of a filled request form: the values a person typed, checked
//! against the rules of the regulation's [`Form`], before anything is signed or sent.
//!
//! The validator ([`super::validate`]) proves the rules themselves sound; this module applies
//! them to values. It is pure: the day comes in as `today`, files as their name and size.
//!
//! Conventions, so that every channel (portal, agency, CSC) judges a form the same way:
//! - A value is trimmed of surrounding whitespace before it is checked; a blank value is no value.
//! - A field with `when` is asked only while the field it depends on is asked and equals the
//!   value. A value given for a field that is not asked is **ignored**, not an error: a person who
//!   fills a dependent field and then changes their mind about the other one should not be
//!   stopped by an answer the form no longer shows. Ignored values take part in no rule.
//! - Every problem is reported, not just the first, ordered by the form's fields (a cross rule's
//!   problem comes with its `field`), then the regulation's attachments, then unknown names.

use super::model::{Attachment, CrossRuleKind, Field, FieldType, Form};
use crate::id::{Bin, IdError, Iin};
use crate::{Lang, Text};
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// What a person filled: field name → value as text (dates `YYYY-MM-DD`, numbers in decimal, a
/// choice's `value`, a file field's value is the attached file's name).
pub type FormValues = BTreeMap<String, String>;

/// An attached file as the check sees it: the content is not its business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    pub name: String,
    /// In bytes.
    pub size: u64,
}

/// One problem with one field (or with the attachments: field = `attachments.<code>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    /// Stable, for machines and tests: `form.required`, `form.iin`, … (see [`check_form`]).
    pub code: &'static str,
    /// For the person, naming the field by its label in each language.
    pub message: Text,
}

/// Check `values` against the form's rules on `today` (the core has no clock).
///
/// `files`: the attached files by field name (for `file` fields) or by attachment code (for the
/// regulation's `attachments` list). Returns every problem found, in field order, or Ok.
///
/// Codes: `form.unknown_field`, `form.required`, `form.iin`, `form.bin`, `form.date`,
/// `form.future_date`, `form.age`, `form.phone`, `form.email`, `form.number`, `form.min`,
/// `form.max`, `form.min_length`, `form.max_length`, `form.pattern`, `form.choice`,
/// `form.file_missing` (a file field names a file that is not attached), `form.file_type`,
/// `form.file_size`, `form.attachment_missing`, `form.rule` (a cross rule, with its own message).
pub fn check_form(
    form: &Form,
    attachments: &[Attachment],
    values: &FormValues,
    files: &BTreeMap<String, FileFacts>,
    today: NaiveDate,
) -> Result<(), Vec<FieldError>> {
    // One bucket per field, so that cross-rule problems land in field order.
    let mut buckets: Vec<Vec<FieldError>> = vec![Vec::new(); form.fields.len()];
    // Asked fields whose value passed its own checks: the only ones cross rules look at.
    let mut sound: BTreeMap<&str, &str> = BTreeMap::new();
    for (field, bucket) in form.fields.iter().zip(&mut buckets) {
        if !is_asked(form, field, values) {
            continue;
        }
        let value = values
            .get(&field.name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty());
        if field.kind == FieldType::File {
            check_file(field, value, files.get(&field.name), bucket);
        } else if let Some(v) = value {
            check_value(field, v, today, bucket);
        } else if field.required {
            bucket.push(on(
                field,
                "form.required",
                [
                    "толтыру міндетті",
                    "обязательно для заполнения",
                    "this field is required",
                ]
                .map(String::from),
            ));
        }
        if let (Some(v), true) = (value, bucket.is_empty()) {
            sound.insert(&field.name, v);
        }
    }
    for rule in &form.rules {
        let Some(i) = form.fields.iter().position(|f| f.name == rule.field) else {
            continue;
        };
        let (Some(a), Some(b)) = (
            sound.get(rule.field.as_str()),
            sound.get(rule.other.as_str()),
        ) else {
            continue;
        };
        let broken = match rule.rule {
            CrossRuleKind::DiffersFrom => a == b,
            CrossRuleKind::NotAfter | CrossRuleKind::NotBefore => {
                let (Some(a), Some(b)) = (parse_date(a), parse_date(b)) else {
                    continue;
                };
                if rule.rule == CrossRuleKind::NotAfter {
                    a > b
                } else {
                    a < b
                }
            }
        };
        if broken {
            buckets[i].push(FieldError {
                field: rule.field.clone(),
                code: "form.rule",
                message: rule.message.clone(),
            });
        }
    }
    let mut errors: Vec<FieldError> = buckets.into_iter().flatten().collect();
    for a in attachments {
        if a.required && !files.contains_key(&a.code) {
            let n = &a.name;
            errors.push(FieldError {
                field: format!("attachments.{}", a.code),
                code: "form.attachment_missing",
                message: Text::new(
                    format!("«{}» міндетті құжаты қоса берілмеген", n.kk),
                    format!("Не приложен обязательный документ «{}»", n.ru),
                    format!("The required document “{}” is not attached", n.en),
                ),
            });
        }
    }
    let field_named = |name: &str| form.fields.iter().find(|f| f.name == name);
    for name in values.keys().filter(|k| field_named(k).is_none()) {
        errors.push(FieldError {
            field: name.clone(),
            code: "form.unknown_field",
            message: Text::new(
                format!("Өтініш нысанында «{name}» өрісі жоқ"),
                format!("В форме заявления нет поля «{name}»"),
                format!("The request form has no field “{name}”"),
            ),
        });
    }
    // A file must go somewhere: a file field of the form, or a document of the list.
    for (key, file) in files {
        let file_field = field_named(key).is_some_and(|f| f.kind == FieldType::File);
        if !file_field && !attachments.iter().any(|a| &a.code == key) {
            let f = &file.name;
            errors.push(FieldError {
                field: key.clone(),
                code: "form.unknown_field",
                message: Text::new(
                    format!("«{f}» файлы тіркелген «{key}» өрісі не құжаты жоқ"),
                    format!("Нет поля или документа «{key}», к которому приложен файл «{f}»"),
                    format!("There is no field or document “{key}” for the attached file “{f}”"),
                ),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Whether the form asks `field` given the other values: every `when` up its chain holds. A
/// chain that loops (which no sound form has) is never asked, rather than looping here.
pub fn is_asked(form: &Form, field: &Field, values: &FormValues) -> bool {
    let mut current = field;
    for _ in 0..=form.fields.len() {
        let Some(when) = &current.when else {
            return true;
        };
        if values.get(&when.field).map(|v| v.trim()) != Some(when.equals.as_str()) {
            return false;
        }
        match form.fields.iter().find(|f| f.name == when.field) {
            Some(f) => current = f,
            None => return false,
        }
    }
    false
}

/// A date written exactly `YYYY-MM-DD` that exists. Stricter than chrono's `%Y-%m-%d`, which
/// takes one-digit months and signed years: the form has one way to write a date.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// A Kazakh phone number as `+7XXXXXXXXXX`, from `+7…` or the domestic `8…`, with any spaces,
/// dashes and brackets people type removed; `None` if it is not one.
pub fn normalize_phone(text: &str) -> Option<String> {
    let s: String = text
        .chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '(' | ')')))
        .collect();
    let rest = s.strip_prefix("+7").or_else(|| s.strip_prefix('8'))?;
    (rest.len() == 10 && rest.bytes().all(|b| b.is_ascii_digit())).then(|| format!("+7{rest}"))
}

/// A sane e-mail address: `local@domain`, the local part of the unquoted characters RFC 5322
/// allows (no leading, trailing or double dot), a domain of at least two labels of letters,
/// digits and hyphens (letters of any script, for `.қаз`) ending in an alphabetic top level.
/// Whether the mailbox exists only a sent letter can tell.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let local_ok = (1..=64).contains(&local.len())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = text.len() <= 254
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.chars().count())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    local_ok && domain_ok
}

/// A decimal number: optional sign, digits, optionally a point or a comma (as Kazakh and Russian
/// write it) and more digits. No exponents, `inf` or `NaN`, which `f64::from_str` would take.
fn parse_number(text: &str) -> Option<f64> {
    let s = text.replace(',', ".");
    let body = s.strip_prefix(['-', '+']).unwrap_or(&s);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(int) && digits(frac)) {
        return None;
    }
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// The whole value matches `pattern`. The validator has compiled it already; one that does not
/// compile matches nothing rather than failing the request.
fn matches_pattern(pattern: &str, value: &str) -> bool {
    regex::Regex::new(&format!("^(?:{pattern})$")).is_ok_and(|re| re.is_match(value))
}

/// Full years of someone born on `birth`, on `today`. The k-th birthday is `birth` plus 12·k
/// months, so someone born on 29 February is a year older on 28 February of a common year.
fn full_years(birth: NaiveDate, today: NaiveDate) -> u32 {
    let birthday = |k: u32| birth.checked_add_months(Months::new(k.saturating_mul(12)));
    if birth > today {
        return 0;
    }
    let mut k = u32::try_from(today.year() - birth.year()).unwrap_or(0);
    while k > 0 && birthday(k).is_none_or(|b| b > today) {
        k -= 1;
    }
    while birthday(k + 1).is_some_and(|b| b <= today) {
        k += 1;
    }
    k
}

/// A problem on `field`, its message in kk/ru/en prefixed with the field's label.
fn on(field: &Field, code: &'static str, [kk, ru, en]: [String; 3]) -> FieldError {
    let l = &field.label;
    FieldError {
        field: field.name.clone(),
        code,
        message: Text::new(
            format!("«{}» өрісі: {kk}", l.kk),
            format!("Поле «{}»: {ru}", l.ru),
            format!("Field “{}”: {en}", l.en),
        ),
    }
}

/// The identifier's own message (already in the three languages), behind the field's label.
fn id_error(field: &Field, code: &'static str, e: &IdError) -> FieldError {
    on(field, code, Lang::ALL.map(|lang| e.message(lang)))
}

/// What a pattern expects, for the person: the field's hint if it has one, else the pattern.
fn expected(field: &Field) -> [String; 3] {
    match (&field.hint, &field.pattern) {
        (Some(h), _) => [h.kk.clone(), h.ru.clone(), h.en.clone()],
        (None, p) => {
            let p = p.as_deref().unwrap_or_default();
            [
                format!("үлгі: {p}"),
                format!("шаблон: {p}"),
                format!("pattern: {p}"),
            ]
        }
    }
}

/// Dates as the person reads them: `dd.mm.yyyy` in Kazakh and Russian, ISO in English (as the
/// identifiers' messages do).
fn dates(d: NaiveDate) -> [String; 3] {
    let local = d.format("%d.%m.%Y").to_string();
    [local.clone(), local, d.to_string()]
}

fn check_value(field: &Field, v: &str, today: NaiveDate, out: &mut Vec<FieldError>) {
    let textual = matches!(
        field.kind,
        FieldType::Text | FieldType::Address | FieldType::Phone | FieldType::Email
    );
    match field.kind {
        FieldType::Iin => {
            if let Err(e) = Iin::parse(v, today) {
                out.push(id_error(field, "form.iin", &e));
            }
        }
        FieldType::Bin => {
            if let Err(e) = Bin::parse(v) {
                out.push(id_error(field, "form.bin", &e));
            }
        }
        FieldType::Date => check_date(field, v, today, out),
        FieldType::Phone => {
            let ok = match &field.pattern {
                Some(p) => matches_pattern(p, v),
                None => normalize_phone(v).is_some(),
            };
            if !ok {
                let [kk, ru, en] = match &field.pattern {
                    Some(_) => expected(field),
                    None => [
                        "+7XXXXXXXXXX (8XXXXXXXXXX, бос орын, сызықша және жақша да қабылданады)",
                        "+7XXXXXXXXXX (можно 8XXXXXXXXXX, с пробелами, дефисами и скобками)",
                        "+7XXXXXXXXXX (8XXXXXXXXXX, spaces, dashes and brackets are accepted too)",
                    ]
                    .map(String::from),
                };
                out.push(on(
                    field,
                    "form.phone",
                    [
                        format!("телефон нөмірі күтілетін пішімде емес: {kk}"),
                        format!("номер телефона не в ожидаемом формате: {ru}"),
                        format!("the phone number is not in the expected form: {en}"),
                    ],
                ));
            }
        }
        FieldType::Email => {
            if !is_email(v) {
                out.push(on(
                    field,
                    "form.email",
                    [
                        "name@example.kz түріндегі электрондық пошта мекенжайы керек",
                        "ожидается адрес электронной почты вида name@example.kz",
                        "an e-mail address like name@example.kz is expected",
                    ]
                    .map(String::from),
                ));
            }
        }
        FieldType::Number => check_number(field, v, out),
        FieldType::Choice => {
            if !field.choices.iter().any(|c| c.value == v) {
                let list = |lang: Lang| {
                    let labels: Vec<&str> =
                        field.choices.iter().map(|c| c.label.get(lang)).collect();
                    labels.join(", ")
                };
                out.push(on(
                    field,
                    "form.choice",
                    [
                        format!(
                            "«{v}» тізімде жоқ; мыналардың бірін таңдаңыз: {}",
                            list(Lang::Kk)
                        ),
                        format!(
                            "значения «{v}» нет в списке; выберите одно из: {}",
                            list(Lang::Ru)
                        ),
                        format!(
                            "“{v}” is not in the list; choose one of: {}",
                            list(Lang::En)
                        ),
                    ],
                ));
            }
        }
        FieldType::Text | FieldType::Address | FieldType::File => {}
    }
    if textual {
        check_text(field, v, out);
    }
}

fn check_date(field: &Field, v: &str, today: NaiveDate, out: &mut Vec<FieldError>) {
    let Some(d) = parse_date(v) else {
        out.push(on(
            field,
            "form.date",
            [
                "ЖЖЖЖ-АА-КК пішіміндегі дұрыс күн керек (мысалы, 2024-05-31)",
                "ожидается существующая дата в формате ГГГГ-ММ-ДД (например, 2024-05-31)",
                "a real date as YYYY-MM-DD is expected (e.g. 2024-05-31)",
            ]
            .map(String::from),
        ));
        return;
    };
    let ([dk, dr, de], [tk, tr, te]) = (dates(d), dates(today));
    if field.not_future && d > today {
        out.push(on(
            field,
            "form.future_date",
            [
                format!("{dk} — болашақ күн; {tk} күнінен кейін болмауы тиіс"),
                format!("{dr} — дата в будущем; она не должна быть позже {tr}"),
                format!("{de} is in the future; it must not be after {te}"),
            ],
        ));
    }
    if let Some(n) = field.age_under {
        let age = full_years(d, today);
        if age >= n {
            out.push(on(
                field,
                "form.age",
                [
                    format!("{dk} туған адам {tk} күні {age} толық жаста; {n} жасқа толмаған болуы керек"),
                    format!("родившемуся {dr} на {tr} полных лет: {age}; допускается меньше {n}"),
                    format!("born {de}, the person is {age} full years old on {te}; under {n} is required"),
                ],
            ));
        }
    }
}

fn check_number(field: &Field, v: &str, out: &mut Vec<FieldError>) {
    let Some(x) = parse_number(v) else {
        out.push(on(
            field,
            "form.number",
            [
                "сан керек (мысалы, 12 немесе 12,5)",
                "ожидается число (например, 12 или 12,5)",
                "a number is expected (e.g. 12 or 12.5)",
            ]
            .map(String::from),
        ));
        return;
    };
    if let Some(min) = field.min.filter(|min| x < *min) {
        out.push(on(
            field,
            "form.min",
            [
                format!("{v} мәні ең аз рұқсат етілген {min} мәнінен кіші"),
                format!("значение {v} меньше допустимого минимума {min}"),
                format!("{v} is below the minimum {min}"),
            ],
        ));
    }
    if let Some(max) = field.max.filter(|max| x > *max) {
        out.push(on(
            field,
            "form.max",
            [
                format!("{v} мәні ең көп рұқсат етілген {max} мәнінен үлкен"),
                format!("значение {v} больше допустимого максимума {max}"),
                format!("{v} is above the maximum {max}"),
            ],
        ));
    }
}

/// Lengths in characters, not bytes: «Әлия» is four letters, whatever UTF-8 makes of it.
fn check_text(field: &Field, v: &str, out: &mut Vec<FieldError>) {
    let n = v.chars().count();
    if let Some(min) = field.min_length.filter(|min| n < *min as usize) {
        out.push(on(
            field,
            "form.min_length",
            [
                format!("{n} таңба енгізілген, кемінде {min} таңба керек"),
                format!("введено символов: {n}, требуется не меньше {min}"),
                format!("characters given: {n}, at least {min} required"),
            ],
        ));
    }
    if let Some(max) = field.max_length.filter(|max| n > *max as usize) {
        out.push(on(
            field,
            "form.max_length",
            [
                format!("{n} таңба енгізілген, ең көбі {max} таңба болуы мүмкін"),
                format!("введено символов: {n}, допускается не больше {max}"),
                format!("characters given: {n}, at most {max} allowed"),
            ],
        ));
    }
    // A phone's pattern replaces the Kazakh-number check and is reported as `form.phone`.
    if let (Some(p), false) = (&field.pattern, field.kind == FieldType::Phone) {
        if !matches_pattern(p, v) {
            let [kk, ru, en] = expected(field);
            out.push(on(
                field,
                "form.pattern",
                [
                    format!("мән талап етілген пішімге сәйкес емес ({kk})"),
                    format!("значение не соответствует требуемому формату ({ru})"),
                    format!("the value does not have the required form ({en})"),
                ],
            ));
        }
    }
}

/// A file field is filled by its file in `files`; its value only names it. A name without the
/// file is `form.file_missing`, neither is `form.required` when the field is.
fn check_file(
    field: &Field,
    value: Option<&str>,
    file: Option<&FileFacts>,
    out: &mut Vec<FieldError>,
) {
    let Some(file) = file else {
        if let Some(v) = value {
            out.push(on(
                field,
                "form.file_missing",
                [
                    format!("«{v}» файлы қоса берілмеген"),
                    format!("файл «{v}» не приложен"),
                    format!("the file “{v}” is not attached"),
                ],
            ));
        } else if field.required {
            out.push(on(
                field,
                "form.required",
                [
                    "файлды қоса беру міндетті",
                    "приложите файл",
                    "a file is required",
                ]
                .map(String::from),
            ));
        }
        return;
    };
    let f = &file.name;
    let ext = f.rsplit_once('.').map(|(_, e)| e.to_lowercase());
    let accepted = field.accept.is_empty()
        || ext.is_some_and(|e| field.accept.iter().any(|a| a.to_lowercase() == e));
    if !accepted {
        let list = field.accept.join(", ");
        out.push(on(
            field,
            "form.file_type",
            [
                format!("«{f}» файлының түрі рұқсат етілмеген; рұқсат етілгендері: {list}"),
                format!("файл «{f}» недопустимого типа; допускаются: {list}"),
                format!("the file “{f}” is not of an accepted type; accepted: {list}"),
            ],
        ));
    }
    if let Some(max) = field.max_size_kb {
        if file.size > u64::from(max) * 1024 {
            let kb = file.size.div_ceil(1024);
            out.push(on(
                field,
                "form.file_size",
                [
                    format!("«{f}» файлының көлемі {kb} КБ, ең көбі {max} КБ болуы мүмкін"),
                    format!("файл «{f}» занимает {kb} КБ, допускается не больше {max} КБ"),
                    format!("the file “{f}” is {kb} KB, at most {max} KB allowed"),
                ],
            ));
        }
    }
}
