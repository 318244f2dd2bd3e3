//! A regulation as pages show it: its form's fields as controls carrying the same rules in
//! the browser (`required`, `pattern`, `maxlength`, `type`, `min`/`max`, `accept`) as
//! `core::regulation::form::check_form` applies on the server — the server's check stays the
//! one that counts, the browser's saves a round trip — and its facts (deadline, fee,
//! channels) in words.

use crate::form::{Control, Kind};
use chrono::{Months, NaiveDate, NaiveDateTime};
use qyzmet_core::deadline::Deadline;
use qyzmet_core::regulation::{ChannelKind, Fee, Field, FieldType, Given, Prefill};
use qyzmet_core::{Lang, Text};

/// The HTML pattern of a 12-digit IIN or BIN (the check digit is the server's to check).
pub const ID_PATTERN: &str = "[0-9]{12}";
/// What `form::normalize_phone` takes: +7 or 8, then ten digits, with spaces, dashes and
/// brackets between. Written for the `v` flag browsers compile patterns with.
pub const PHONE_PATTERN: &str = r"(\+7|8)[\s\-\(\)]*([0-9][\s\-\(\)]*){10}";
/// What `form`'s number check takes: a sign, digits, a point or a comma, digits.
pub const NUMBER_PATTERN: &str = r"[+\-]?[0-9]+([.,][0-9]+)?";

/// The control of `field`, with `value` and the server's `error` for it.
///
/// A field asked only `when` another has a value is never `required` in the browser (it may
/// be hidden); the server requires it when it is asked. `attached`: the file a draft already
/// holds for a file field.
pub fn control(
    field: &Field,
    lang: Lang,
    value: &str,
    error: Option<&Text>,
    attached: Option<&str>,
    today: NaiveDate,
) -> Control {
    let kind = match field.kind {
        FieldType::Date => Kind::Input("date"),
        FieldType::Email => Kind::Input("email"),
        FieldType::Phone => Kind::Input("tel"),
        FieldType::Choice => Kind::Radios(
            field
                .choices
                .iter()
                .map(|c| (c.value.clone(), c.label.get(lang).to_string()))
                .collect(),
        ),
        FieldType::File => Kind::File {
            attached: attached.map(str::to_string),
        },
        _ => Kind::Input("text"),
    };
    let mut c = Control::new(&field.name, field.label.get(lang), kind);
    c.hint = field.hint.as_ref().map(|h| h.get(lang).to_string());
    c.error = error.map(|e| e.get(lang).to_string());
    c.value = value.to_string();
    c.required = field.required && field.when.is_none();
    c.mark_optional = !field.required;
    c.when = field
        .when
        .as_ref()
        .map(|w| (w.field.clone(), w.equals.clone()));
    c.minlength = field.min_length;
    c.maxlength = field.max_length;
    match field.kind {
        FieldType::Iin | FieldType::Bin => {
            c.pattern = Some(ID_PATTERN.into());
            c.maxlength = Some(12);
            c.inputmode = Some("numeric");
            c.autocomplete = Some("off");
            // The person's own IIN/BIN comes from their registration: the server refuses
            // any other, so it is not typed.
            c.readonly = matches!(field.prefill, Some(Prefill::Iin | Prefill::Bin));
        }
        FieldType::Phone => {
            c.pattern = Some(field.pattern.clone().unwrap_or(PHONE_PATTERN.into()));
            c.autocomplete = Some("tel");
        }
        FieldType::Email => c.autocomplete = Some("email"),
        FieldType::Number => {
            c.pattern = Some(NUMBER_PATTERN.into());
            c.inputmode = Some("decimal");
        }
        FieldType::Text | FieldType::Address => {
            c.pattern = field.pattern.clone();
            if field.kind == FieldType::Address {
                c.autocomplete = Some("street-address");
            }
        }
        FieldType::Date => {
            if field.not_future {
                c.max = Some(today.to_string());
            }
            // Younger than N full years: born after the day N years ago.
            if let Some(n) = field.age_under {
                c.min = today
                    .checked_sub_months(Months::new(n * 12))
                    .and_then(|d| d.succ_opt())
                    .map(|d| d.to_string());
            }
        }
        FieldType::File => {
            if !field.accept.is_empty() {
                let list: Vec<String> = field.accept.iter().map(|e| format!(".{e}")).collect();
                c.accept = Some(list.join(","));
            }
        }
        FieldType::Choice => {}
    }
    c
}

/// The name of a channel.
pub fn channel_name(channel: ChannelKind) -> Text {
    match channel {
        ChannelKind::Portal => Text::new(
            "«Электрондық үкімет» порталы",
            "Портал «электронного правительства»",
            "The e-government portal",
        ),
        ChannelKind::Agency => Text::new(
            "Көрсетілетін қызметті берушіге жүгіну",
            "Обращение к услугодателю",
            "At the provider's office",
        ),
        ChannelKind::Csc => Text::new(
            "Халыққа қызмет көрсету орталығы",
            "Центр обслуживания населения",
            "A citizen service centre",
        ),
    }
}

fn duration_text(d: std::time::Duration) -> Text {
    let s = d.as_secs();
    let (n, unit) = if s.is_multiple_of(86_400) && s > 0 {
        (s / 86_400, ("тәулік", "сут.", "days"))
    } else if s.is_multiple_of(3600) && s > 0 {
        (s / 3600, ("сағ.", "ч", "h"))
    } else if s.is_multiple_of(60) && s > 0 {
        (s / 60, ("мин", "мин", "min"))
    } else {
        (s, ("сек", "сек", "s"))
    };
    Text::new(
        format!("{n} {}", unit.0),
        format!("{n} {}", unit.1),
        format!("{n} {}", unit.2),
    )
}

/// A deadline in words.
pub fn deadline_text(d: &Deadline) -> Text {
    let not_counted = |exclusive: bool| {
        if exclusive {
            (
                " (қабылдау және беру күндері есептелмейді)",
                " (день приёма и день выдачи не входят в срок)",
                " (the days of intake and issue not counted)",
            )
        } else {
            ("", "", "")
        }
    };
    match d {
        Deadline::Within(t) => {
            let t = duration_text(*t);
            Text::new(
                format!("{} дейін", t.kk),
                format!("до {}", t.ru),
                format!("up to {}", t.en),
            )
        }
        Deadline::Between { min, max } => {
            let (a, b) = (duration_text(*min), duration_text(*max));
            Text::new(
                format!("{} – {}", a.kk, b.kk),
                format!("от {} до {}", a.ru, b.ru),
                format!("{} to {}", a.en, b.en),
            )
        }
        Deadline::WorkingDays { days, exclusive } => {
            let (kk, ru, en) = not_counted(*exclusive);
            Text::new(
                format!("{days} жұмыс күні{kk}"),
                format!("{days} рабочих дн.{ru}"),
                format!("{days} working days{en}"),
            )
        }
        Deadline::CalendarDays { days, exclusive } => {
            let (kk, ru, en) = not_counted(*exclusive);
            Text::new(
                format!("{days} күнтізбелік күн{kk}"),
                format!("{days} календарных дн.{ru}"),
                format!("{days} calendar days{en}"),
            )
        }
        Deadline::SameDay => Text::new("жүгінген күні", "в день обращения", "on the day of application"),
        Deadline::SameDayUntilBeforeClose { hours } => Text::new(
            format!("жүгінген күні (өтінімдер жұмыс аяқталғанға дейін {hours} сағ. бұрын қабылданады)"),
            format!("в день обращения (заявки принимаются не позднее чем за {hours} ч до окончания работы)"),
            format!("on the day of application (requests accepted until {hours} h before closing)"),
        ),
    }
}

/// A value the regulation may leave unset, in words.
pub fn given_text<T>(g: &Given<T>, say: impl Fn(&T) -> Text) -> Text {
    match g {
        Given::Value(v) => say(v),
        Given::Unset { .. } => crate::words::not_stated(),
    }
}

/// A fee in words.
pub fn fee_text(fee: &Fee) -> Text {
    match fee {
        Fee::Free(true) => Text::new("Тегін", "Бесплатно", "Free of charge"),
        Fee::Free(false) => Text::new("Ақылы", "Платно", "Paid"),
        Fee::Mrp(n) => Text::new(
            format!("{n} АЕК"),
            format!("{n} МРП"),
            format!("{n} MCI (monthly calculation index)"),
        ),
        Fee::Tenge(n) => Text::new(
            format!("{n} теңге"),
            format!("{n} тенге"),
            format!("{n} tenge"),
        ),
    }
}

/// A moment on Kazakhstan's clock as pages show it: `dd.mm.yyyy hh:mm` (ISO-like in English).
pub fn local_time(at: NaiveDateTime, lang: Lang) -> String {
    match lang {
        Lang::En => at.format("%Y-%m-%d %H:%M").to_string(),
        _ => at.format("%d.%m.%Y %H:%M").to_string(),
    }
}

/// A UTC instant on Kazakhstan's clock (UTC+5, as the engine counts).
pub fn local_utc(at: chrono::DateTime<chrono::Utc>, lang: Lang) -> String {
    local_time((at + chrono::Duration::hours(5)).naive_utc(), lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(toml_text: &str) -> Field {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn a_fields_rules_become_the_inputs_attributes() {
        let f = field(
            r#"name = "applicant_iin"
type = "iin"
label = { kk = "ЖСН", ru = "ИИН", en = "IIN" }
required = true
origin = "seed"
prefill = "iin""#,
        );
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let html = control(&f, Lang::Ru, "850101300005", None, None, today)
            .render(Lang::Ru)
            .into_string();
        for a in [
            r#"pattern="[0-9]{12}""#,
            r#"maxlength="12""#,
            "required",
            "readonly",
            r#"inputmode="numeric""#,
            ">ИИН<",
        ] {
            assert!(html.contains(a), "{a} in {html}");
        }
    }

    #[test]
    fn a_date_of_birth_under_an_age_is_bounded_both_ways() {
        let f = field(
            r#"name = "child_birth_date"
type = "date"
label = { kk = "Туған күні", ru = "Дата рождения", en = "Date of birth" }
required = true
origin = "seed"
not_future = true
age_under = 7"#,
        );
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let c = control(&f, Lang::En, "", None, None, today);
        assert_eq!(c.max.as_deref(), Some("2026-12-02"));
        assert_eq!(c.min.as_deref(), Some("2019-12-03"));
    }

    #[test]
    fn a_number_field_carries_its_rules_and_the_server_refuses_a_non_number() {
        let f = field(
            r#"name = "area"
type = "number"
label = { kk = "Ауданы", ru = "Площадь", en = "Area" }
required = true
origin = "seed"
min = 1
max = 500"#,
        );
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let html = control(&f, Lang::En, "12,5", None, None, today)
            .render(Lang::En)
            .into_string();
        for a in [
            r#"type="text""#,
            r#"inputmode="decimal""#,
            "required",
            r#"value="12,5""#,
        ] {
            assert!(html.contains(a), "{a} in {html}");
        }
        assert!(
            html.contains(&format!(r#"pattern="{NUMBER_PATTERN}""#)),
            "{html}"
        );
        let form = qyzmet_core::regulation::Form {
            fields: vec![f.clone()],
            rules: Vec::new(),
        };
        let check = |v: &str| {
            let values = [("area".to_string(), v.to_string())].into();
            qyzmet_core::regulation::form::check_form(
                &form,
                &[],
                &values,
                &Default::default(),
                today,
            )
        };
        assert!(check("12,5").is_ok());
        let errors = check("twelve").unwrap_err();
        assert_eq!(errors[0].field, "area");
        assert_eq!(errors[0].code, "form.number");
        assert!(
            errors[0].message.ru.contains("ожидается число"),
            "{errors:?}"
        );
        assert!(
            errors[0].message.en.starts_with("Field “Area”"),
            "{errors:?}"
        );
        assert_eq!(check("501").unwrap_err()[0].code, "form.max");
        // The server's message, at the field.
        let html = control(
            &f,
            Lang::Kk,
            "twelve",
            Some(&errors[0].message),
            None,
            today,
        )
        .render(Lang::Kk)
        .into_string();
        assert!(
            html.contains(r#"aria-invalid="true""#) && html.contains("сан керек"),
            "{html}"
        );
    }

    #[test]
    fn deadlines_read_in_each_language() {
        let d: Deadline = "3 wd, intake and issue days not counted".parse().unwrap();
        let t = deadline_text(&d);
        assert!(t.ru.starts_with("3 рабочих"));
        assert!(t.kk.contains("жұмыс күні"));
        assert_eq!(deadline_text(&"10 min".parse().unwrap()).en, "up to 10 min");
    }
}
