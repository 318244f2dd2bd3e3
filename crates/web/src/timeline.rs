//! A request as the workplaces' pages show it (the JSON view the provider's IS reads out
//! through `agency.read`): its status as a badge, its times on Kazakhstan's clock, the name
//! of the action it waits for as its regulation writes it, and its history as a timeline.

use crate::regulation::{local_time, local_utc};
use chrono::{DateTime, Utc};
use maud::{html, Markup};
use qyzmet_core::regulation::{ChannelKind, Outcome, Regulation, Status};
use qyzmet_core::{Lang, Text};
use qyzmet_engine::{status_name, Event, HistoryEntry};
use serde_json::Value;

/// A value of the view, typed.
pub fn parse<T: serde::de::DeserializeOwned>(v: &Value) -> Option<T> {
    serde_json::from_value(v.clone()).ok()
}

/// The view's status.
pub fn status_of(v: &Value) -> Option<Status> {
    parse(&v["status"])
}

/// A UTC instant of the view on Kazakhstan's clock; empty when there is none.
pub fn utc_of(v: &Value, lang: Lang) -> String {
    parse::<DateTime<Utc>>(v)
        .map(|t| local_utc(t, lang))
        .unwrap_or_default()
}

/// A status as a badge.
pub fn status_badge(s: Option<Status>, lang: Lang) -> Markup {
    html! { @if let Some(s) = s { span.status { (status_name(s).get(lang)) } } }
}

/// The name of action `n` of the request's channel, as the regulation writes it.
pub fn action_name(reg: Option<&Regulation>, channel: &Value, n: u64, lang: Lang) -> String {
    let channel = parse::<ChannelKind>(channel);
    reg.zip(channel)
        .and_then(|(r, c)| r.channels.get(&c))
        .and_then(|c| c.actions.iter().find(|a| u64::from(a.number) == n))
        .map(|a| format!("{n}. {}", a.action.get(lang)))
        .unwrap_or_else(|| n.to_string())
}

/// A decision's outcome in words.
pub fn outcome_name(o: Outcome) -> Text {
    match o {
        Outcome::Positive => Text::new("Оң нәтиже", "Положительный результат", "Positive"),
        Outcome::Refusal => Text::new(
            "Дәлелді бас тарту",
            "Мотивированный отказ",
            "Motivated refusal",
        ),
        Outcome::Interim => Text::new("Аралық нәтиже", "Промежуточный результат", "Interim result"),
    }
}

/// One line of the timeline: when, and what happened.
pub fn event_line(
    e: &HistoryEntry,
    reg: Option<&Regulation>,
    channel: &Value,
    lang: Lang,
) -> (String, String) {
    let action = |n: u32| action_name(reg, channel, u64::from(n), lang);
    let t = |kk: &'static str, ru: &'static str, en: &'static str| Text::new(kk, ru, en);
    let text = match &e.event {
        Event::StatusChanged { from, to } => format!(
            "{}: {} → {}",
            t("Мәртебе өзгерді", "Статус изменён", "Status changed").get(lang),
            status_name(*from).get(lang),
            status_name(*to).get(lang)
        ),
        Event::ActionStarted { action: n, .. } => {
            format!(
                "{}: {}",
                t("Басталды", "Начато", "Started").get(lang),
                action(*n)
            )
        }
        Event::ActionEnded { action: n, .. } => {
            format!(
                "{}: {}",
                t("Аяқталды", "Завершено", "Done").get(lang),
                action(*n)
            )
        }
        Event::FactLearned { holds, .. } => format!(
            "{}: {}",
            t("Тексерілді", "Проверено", "Checked").get(lang),
            if *holds {
                t("расталды", "подтверждено", "confirmed")
            } else {
                t("расталмады", "не подтверждено", "not confirmed")
            }
            .get(lang)
        ),
        Event::Decided { outcome } => format!(
            "{}: {}",
            t("Шешім қабылданды", "Принято решение", "Decided").get(lang),
            outcome_name(*outcome).get(lang)
        ),
        Event::DeadlineExtended { until, reason, .. } => format!(
            "{}: {} ({reason})",
            t("Мерзімі ұзартылды", "Срок продлён", "Deadline extended").get(lang),
            local_time(*until, lang)
        ),
        Event::Refused { .. } => t("Бас тартылды", "Отказано", "Refused")
            .get(lang)
            .to_string(),
        Event::Finished { status } => format!(
            "{}: {}",
            t("Аяқталды", "Завершено", "Finished").get(lang),
            status_name(*status).get(lang)
        ),
    };
    (local_time(e.at, lang), text)
}

/// The request's history as an ordered list.
pub fn timeline(req: &Value, reg: Option<&Regulation>, lang: Lang) -> Markup {
    let history: Vec<HistoryEntry> = parse(&req["history"]).unwrap_or_default();
    html! {
        ol.timeline {
            @for e in &history {
                @let (at, text) = event_line(e, reg, &req["channel"], lang);
                li { time { (at) } (text) }
            }
        }
    }
}
