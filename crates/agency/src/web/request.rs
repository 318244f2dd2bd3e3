//! One request as its provider's staff work on it: the recipient, the form's values under
//! the regulation's labels, the attachments (downloaded through a page route behind the same
//! access check as the API's), the timeline with each action's deadline kept or missed, and
//! only the actions the request waits for now — take into work, decide (positive, or a
//! motivated refusal on the regulation's grounds), extend the deadline where the regulation
//! allows, another person step, sign the result. Every act goes through the function the
//! JSON API's handler calls ([`crate::api`]); their refusals are shown at the fields or as a
//! page in the visitor's language.

use super::{signed_in, texts, Pages};
use crate::api::{self, Decision, Extension, Opened};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Utc};
use maud::{html, Markup};
use qyzmet_api::{ApiError, Session};
use qyzmet_core::regulation::{
    ChannelKind, Check, FieldType, Operation, Outcome, Participant, RefusalKind, Regulation, Role,
    StepKind,
};
use qyzmet_core::{Lang, Text};
use qyzmet_engine::{status_name, Event, HistoryEntry, Waiting};
use qyzmet_web::form::{summary, Control, Kind, Problems};
use qyzmet_web::page::{respond, see_other};
use qyzmet_web::regulation::{channel_name, local_time, local_utc};
use qyzmet_web::session::Visitor;
use qyzmet_web::signing::{self, Content, SigningForm};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// What the visitor entered in the forms of a request page, shown again with its problems.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct Entered {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    ground: String,
    #[serde(default)]
    details: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    operation: String,
    #[serde(default)]
    holds: String,
}

#[derive(Deserialize, Default)]
pub(crate) struct Done {
    done: Option<String>,
}

fn regulation<'a>(p: &'a Pages, o: &Opened) -> Result<&'a Regulation, ApiError> {
    p.agency
        .regulation(&o.req.summary.regulation, o.req.summary.version)
}

/// Open request `id` for the visitor, with its regulation, or the page that says why not.
async fn opened<'a>(
    p: &'a Pages,
    v: &Visitor,
    id: &str,
) -> Result<(Opened, &'a Regulation), Response> {
    let s = signed_in(v)?;
    let o = api::open(&p.agency, &s.principal, id)
        .await
        .map_err(|e| p.refused(v, &e))?;
    let reg = regulation(p, &o).map_err(|e| p.refused(v, &e))?;
    Ok((o, reg))
}

pub(crate) async fn request(
    State(p): State<Pages>,
    v: Visitor,
    Path(id): Path<String>,
    Query(d): Query<Done>,
) -> Response {
    let (o, reg) = match opened(&p, &v, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let notice = d.done.as_deref().and_then(texts::done);
    page(
        &p,
        &v,
        &o,
        reg,
        &Problems::default(),
        &Entered::default(),
        notice,
    )
}

/// The name of action `n` of the channel, as the regulation writes it.
fn action_name(reg: &Regulation, channel: ChannelKind, n: u32, lang: Lang) -> String {
    reg.channels
        .get(&channel)
        .and_then(|c| c.actions.iter().find(|a| a.number == n))
        .map(|a| format!("{n}. {}", a.action.get(lang)))
        .unwrap_or_else(|| n.to_string())
}

fn outcome_name(o: Outcome) -> Text {
    match o {
        Outcome::Positive => texts::outcome_positive(),
        Outcome::Refusal => texts::outcome_refusal(),
        Outcome::Interim => texts::outcome_interim(),
    }
}

fn outcome_code(o: Outcome) -> &'static str {
    match o {
        Outcome::Positive => "positive",
        Outcome::Refusal => "refusal",
        Outcome::Interim => "interim",
    }
}

fn role_name(r: Option<Role>) -> Text {
    match r {
        Some(Role::Signer) => texts::role_signer(),
        Some(Role::Head) => texts::role_head(),
        Some(Role::Operator) => texts::role_operator(),
        Some(Role::Employee) | None => texts::role_employee(),
    }
}

/// The grounds a motivated refusal may state, by the regulation: where the decision checks a
/// condition, that condition's refusal; else the refusals of the conditions a provider
/// decides (documents not compliant, grounds not met) of the request's channel, then of the
/// regulation's other channels; and where it names none, the grounds not met in the words
/// the engine itself uses. Value and text.
fn refusal_grounds(
    reg: &Regulation,
    channel: ChannelKind,
    establishes: Option<Check>,
) -> Vec<(String, Text)> {
    let conditions = |c: ChannelKind| {
        reg.channels
            .get(&c)
            .into_iter()
            .flat_map(|ch| ch.procedure.iter())
            .filter(|s| s.kind == StepKind::Condition)
            .filter_map(move |s| Some((c, s.number?, s.check?, s.refusal.as_ref()?)))
    };
    let mut out: Vec<(String, Text)> = Vec::new();
    let add = |out: &mut Vec<(String, Text)>, c: ChannelKind, n: u32, m: &Text| {
        if !out.iter().any(|(_, t)| t.ru == m.ru) {
            out.push((format!("{}-{n}", c.key()), m.clone()));
        }
    };
    if let Some(check) = establishes {
        for (c, n, _, r) in conditions(channel).filter(|x| x.2 == check) {
            add(&mut out, c, n, &r.message);
        }
    }
    if out.is_empty() {
        let decided = |k: RefusalKind| {
            matches!(
                k,
                RefusalKind::DocumentsNotCompliant | RefusalKind::GroundsNotMet
            )
        };
        let others = reg.channels.keys().copied().filter(|c| *c != channel);
        for c in std::iter::once(channel).chain(others) {
            for (c, n, _, r) in conditions(c).filter(|x| decided(x.3.kind)) {
                add(&mut out, c, n, &r.message);
            }
            if !out.is_empty() {
                break;
            }
        }
    }
    if out.is_empty() {
        out.push(("grounds-not-met".into(), texts::grounds_not_met()));
    }
    out
}

/// The outcomes the decision chooses between: the action's branches, or, where a condition
/// decides, whether it holds (positive) or not (refusal).
fn outcomes_of(w: &Waiting) -> Vec<Outcome> {
    match w {
        Waiting::Person { outcomes, .. } if !outcomes.is_empty() => outcomes.clone(),
        _ => vec![Outcome::Positive, Outcome::Refusal],
    }
}

/// Whether `unit` is the provider's own staff's step (as the API's `staff_unit` counts).
fn providers(unit: Participant) -> bool {
    api::staff_unit(unit) == Participant::Provider
}

fn fact_text(reg: &Regulation, channel: ChannelKind, check: Check) -> Option<Text> {
    reg.channels
        .get(&channel)?
        .procedure
        .iter()
        .find(|s| s.kind == StepKind::Condition && s.check == Some(check))
        .map(|s| s.text.clone())
}

fn operation_code(o: Operation) -> String {
    serde_json::to_value(o)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn hidden_csrf(v: &Visitor) -> Markup {
    html! { input type="hidden" name="csrf" value=(v.csrf); }
}

/// The forms of what the request waits for now, for this visitor.
fn actions(
    v: &Visitor,
    s: &Session,
    o: &Opened,
    reg: &Regulation,
    problems: &Problems,
    e: &Entered,
) -> Markup {
    let l = v.lang;
    let id = o.req.summary.id.to_string();
    let channel = o.st.channel;
    let Some(w) = &o.waiting else {
        return html! { p #no-actions { (texts::nothing_waits().get(l)) } };
    };
    let Waiting::Person {
        action,
        unit,
        role,
        operation,
        establishes,
        ..
    } = w
    else {
        return html! { p #no-actions { (texts::waits_outside().get(l)) } };
    };
    if !providers(*unit) {
        return html! { p #no-actions { (texts::waits_elsewhere().get(l)) } };
    }
    let may = api::acting_role(&s.principal, *role).is_ok();
    let may_extend = reg.general.extension_allowed
        && matches!(unit, Participant::Provider | Participant::Commission)
        && (s.principal.has(qyzmet_accounts::Role::Employee)
            || s.principal.has(qyzmet_accounts::Role::Head));
    let step = html! {
        @if !may {
            p.notice #no-actions { (texts::for_role().get(l)) " " strong { (role_name(*role).get(l)) } }
        } @else {
            @match operation {
                Operation::TakeIntoWork => {
                    form #take method="post" action={ "/agency/requests/" (id) "/take" } {
                        (hidden_csrf(v))
                        div.actions { button type="submit" { (texts::take().get(l)) } }
                    }
                }
                Operation::Decide => { (decide_form(v, &id, reg, channel, w, *establishes, problems, e)) }
                Operation::SignResult => {
                    div.actions { a.button #to-sign href={ "/agency/requests/" (id) "/sign" } { (texts::sign_result().get(l)) } }
                }
                other => { (perform_form(v, &id, reg, channel, *other, *establishes, *action, problems, e)) }
            }
        }
    };
    html! {
        (step)
        @if may_extend { (extend_form(v, &id, o, problems, e)) }
    }
}

#[allow(clippy::too_many_arguments)]
fn decide_form(
    v: &Visitor,
    id: &str,
    reg: &Regulation,
    channel: ChannelKind,
    w: &Waiting,
    establishes: Option<Check>,
    problems: &Problems,
    e: &Entered,
) -> Markup {
    let l = v.lang;
    let options = outcomes_of(w)
        .into_iter()
        .map(|o| {
            (
                outcome_code(o).to_string(),
                outcome_name(o).get(l).to_string(),
            )
        })
        .collect();
    let mut outcome = Control::new("outcome", texts::decision().get(l), Kind::Radios(options));
    outcome.required = true;
    outcome.value = e.outcome.clone();
    outcome.error = problems.of("outcome").map(|t| t.get(l).to_string());
    let grounds = refusal_grounds(reg, channel, establishes)
        .into_iter()
        .map(|(value, t)| (value, t.get(l).to_string()))
        .collect();
    let mut ground = Control::new("ground", texts::grounds().get(l), Kind::Radios(grounds));
    ground.hint = Some(texts::grounds_hint().get(l).into());
    ground.value = e.ground.clone();
    ground.error = problems.of("ground").map(|t| t.get(l).to_string());
    ground.when = Some(("outcome".into(), "refusal".into()));
    let mut details = Control::new("details", texts::details().get(l), Kind::Input("text"));
    details.mark_optional = true;
    details.maxlength = Some(1000);
    details.value = e.details.clone();
    details.when = Some(("outcome".into(), "refusal".into()));
    html! {
        form #decide method="post" action={ "/agency/requests/" (id) "/decide" } {
            (hidden_csrf(v))
            (outcome.render(l))
            (ground.render(l))
            (details.render(l))
            div.actions { button type="submit" { (texts::decide().get(l)) } }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn perform_form(
    v: &Visitor,
    id: &str,
    reg: &Regulation,
    channel: ChannelKind,
    operation: Operation,
    establishes: Option<Check>,
    action: u32,
    problems: &Problems,
    e: &Entered,
) -> Markup {
    let l = v.lang;
    let fact = establishes.map(|check| {
        let label = fact_text(reg, channel, check)
            .map(|t| t.get(l).to_string())
            .unwrap_or_else(|| texts::condition_holds().get(l).to_string());
        let mut c = Control::new(
            "holds",
            &label,
            Kind::Radios(vec![
                ("yes".into(), texts::yes().get(l).into()),
                ("no".into(), texts::no().get(l).into()),
            ]),
        );
        c.required = true;
        c.value = e.holds.clone();
        c.error = problems.of("holds").map(|t| t.get(l).to_string());
        c
    });
    html! {
        form #perform method="post" action={ "/agency/requests/" (id) "/perform" } {
            (hidden_csrf(v))
            input type="hidden" name="operation" value=(operation_code(operation));
            @if let Some(c) = &fact { (c.render(l)) }
            div.actions { button type="submit" { (texts::done_step().get(l)) ": " (action_name(reg, channel, action, l)) } }
        }
    }
}

/// The time of day a new deadline falls at: the current deadline's (the provider's closing
/// time, as the engine counted it), else the end of the day.
fn due_time(o: &Opened) -> NaiveTime {
    o.st.current_due
        .map(|d| d.time())
        .unwrap_or_else(|| NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default())
}

fn extend_form(v: &Visitor, id: &str, o: &Opened, problems: &Problems, e: &Entered) -> Markup {
    let l = v.lang;
    let suggested =
        o.st.current_due
            .map(|d| (d.date() + chrono::Duration::days(1)).to_string())
            .unwrap_or_default();
    let mut until = Control::new("until", texts::new_deadline().get(l), Kind::Input("date"));
    until.hint = Some(
        texts::new_deadline_hint(&due_time(o).format("%H:%M").to_string())
            .get(l)
            .into(),
    );
    until.required = true;
    until.value = if e.until.is_empty() {
        suggested
    } else {
        e.until.clone()
    };
    until.error = problems.of("until").map(|t| t.get(l).to_string());
    let mut reason = Control::new("reason", texts::reason().get(l), Kind::Input("text"));
    reason.required = true;
    reason.maxlength = Some(1000);
    reason.value = e.reason.clone();
    reason.error = problems.of("reason").map(|t| t.get(l).to_string());
    html! {
        h3 { (texts::extend_title().get(l)) }
        form #extend method="post" action={ "/agency/requests/" (id) "/extend" } {
            (hidden_csrf(v))
            (until.render(l))
            (reason.render(l))
            div.actions { button.secondary type="submit" { (texts::extend().get(l)) } }
        }
    }
}

/// One line of the timeline: when, what, and for an action's end whether its deadline was
/// kept.
fn event_line(e: &HistoryEntry, reg: &Regulation, channel: ChannelKind, lang: Lang) -> Markup {
    let action = |n: u32| action_name(reg, channel, n, lang);
    let text = match &e.event {
        Event::StatusChanged { from, to } => format!(
            "{}: {} → {}",
            texts::ev_status().get(lang),
            status_name(*from).get(lang),
            status_name(*to).get(lang)
        ),
        Event::ActionStarted { action: n, due } => match due {
            Some(d) => format!(
                "{}: {} ({} {})",
                texts::ev_started().get(lang),
                action(*n),
                texts::due_by().get(lang),
                local_time(*d, lang)
            ),
            None => format!("{}: {}", texts::ev_started().get(lang), action(*n)),
        },
        Event::ActionEnded { action: n, .. } => {
            format!("{}: {}", texts::ev_ended().get(lang), action(*n))
        }
        Event::FactLearned { check, holds, .. } => format!(
            "{}: {} — {}",
            texts::ev_fact().get(lang),
            fact_text(reg, channel, *check)
                .map(|t| t.get(lang).to_string())
                .unwrap_or_else(|| format!("{check:?}")),
            if *holds { texts::yes() } else { texts::no() }.get(lang)
        ),
        Event::Decided { outcome } => format!(
            "{}: {}",
            texts::ev_decided().get(lang),
            outcome_name(*outcome).get(lang)
        ),
        Event::DeadlineExtended { until, reason, .. } => format!(
            "{}: {} ({reason})",
            texts::ev_extended().get(lang),
            local_time(*until, lang)
        ),
        Event::Refused { .. } => texts::ev_refused().get(lang).to_string(),
        Event::Finished { status } => format!(
            "{}: {}",
            texts::ev_finished().get(lang),
            status_name(*status).get(lang)
        ),
    };
    let kept = match &e.event {
        Event::ActionEnded { in_time, .. } => *in_time,
        _ => None,
    };
    html! {
        li {
            time { (local_time(e.at, lang)) }
            (text)
            @match kept {
                Some(true) => { " — " span.deadline-kept { (texts::kept().get(lang)) } }
                Some(false) => { " — " strong.field-error.deadline-missed { (texts::missed().get(lang)) } }
                None => {}
            }
        }
    }
}

/// The form's values under the regulation's labels (a choice by its label, a file by its
/// name).
fn form_values(reg: &Regulation, o: &Opened, lang: Lang) -> Vec<(String, String)> {
    let form =
        o.st.data
            .get("application")
            .map(|a| &a["form"])
            .and_then(Value::as_object);
    let Some(form) = form else {
        return Vec::new();
    };
    let fields = reg
        .form
        .value()
        .map(|f| f.fields.as_slice())
        .unwrap_or_default();
    let mut out = Vec::new();
    for f in fields {
        let Some(value) = form.get(&f.name).and_then(Value::as_str) else {
            continue;
        };
        let shown = match f.kind {
            FieldType::Choice => f
                .choices
                .iter()
                .find(|c| c.value == value)
                .map(|c| c.label.get(lang).to_string())
                .unwrap_or_else(|| value.to_string()),
            _ => value.to_string(),
        };
        out.push((f.label.get(lang).to_string(), shown));
    }
    // What the form holds beyond the regulation's fields is shown under its own key.
    for (k, value) in form {
        if !fields.iter().any(|f| &f.name == k) {
            out.push((k.clone(), value.as_str().unwrap_or_default().to_string()));
        }
    }
    out
}

/// The attachments, each with what the application declared it as (a document of the
/// regulation's list, or a file field), by its SHA-256.
fn attachments(reg: &Regulation, o: &Opened, lang: Lang) -> Vec<(String, String, u64, String)> {
    let declared: Vec<Value> =
        o.st.data
            .get("application")
            .and_then(|a| a["attachments"].as_array().cloned())
            .unwrap_or_default();
    let label = |key: &str| -> Option<String> {
        let doc = reg
            .attachments
            .value()
            .and_then(|l| l.iter().find(|a| a.code == key))
            .map(|a| a.name.get(lang).to_string());
        doc.or_else(|| {
            reg.form
                .value()
                .and_then(|f| f.fields.iter().find(|x| x.name == key))
                .map(|x| x.label.get(lang).to_string())
        })
    };
    o.attachments
        .iter()
        .map(|a| {
            let what = declared
                .iter()
                .find(|d| d["sha256"].as_str() == Some(a.sha256.as_str()))
                .and_then(|d| d["key"].as_str().and_then(label))
                .unwrap_or_default();
            (what, a.name.clone(), a.size, a.id.0.clone())
        })
        .collect()
}

fn page(
    p: &Pages,
    v: &Visitor,
    o: &Opened,
    reg: &Regulation,
    problems: &Problems,
    e: &Entered,
    notice: Option<Text>,
) -> Response {
    let Some(s) = v.session.as_ref() else {
        return super::to_login(v);
    };
    let l = v.lang;
    let sm = &o.req.summary;
    let id = sm.id.to_string();
    let channel = o.st.channel;
    let now = Utc::now();
    let title = format!("{} {}", texts::request_title().get(l), sm.number);
    let waiting = o.waiting.as_ref().map(|w| match w {
        Waiting::Person { action, .. } | Waiting::Outside { action, .. } => *action,
    });
    let body = html! {
        (summary(l, problems))
        @if let Some(n) = &notice { div.notice role="status" #done { p { (n.get(l)) } } }
        span.caption { (reg.name.get(l)) }
        h1 { (title) }
        dl.facts {
            dt { (texts::status().get(l)) }
            dd #request-status { span.status { (status_name(sm.status).get(l)) } }
            dt { (texts::channel().get(l)) }
            dd { (channel_name(channel).get(l)) }
            dt { (texts::received().get(l)) }
            dd { (local_utc(sm.created_at, l)) }
            @if let Some(d) = sm.deadline.filter(|_| !o.st.finished) {
                dt { (texts::deadline().get(l)) }
                dd #request-deadline {
                    (local_utc(d, l)) " — "
                    @if d < now {
                        strong.field-error { (texts::overdue_by((now - d).num_seconds()).get(l)) }
                    } @else {
                        (texts::left((d - now).num_seconds()).get(l))
                    }
                }
            }
            @if let Some(n) = waiting {
                dt { (texts::waits_for().get(l)) }
                dd #request-waits { (action_name(reg, channel, n, l)) }
            }
            @if let Some(o) = o.st.outcome {
                dt { (texts::decision().get(l)) }
                dd { (outcome_name(o).get(l)) }
            }
            @if let Some(r) = &o.st.refusal {
                dt { (texts::grounds().get(l)) }
                dd #request-refusal { (r.message.get(l)) }
            }
        }
        h2 { (texts::recipient().get(l)) }
        dl.facts #recipient {
            dt { (texts::recipient_id().get(l)) }
            dd { (sm.recipient.to_string()) }
        }
        h2 { (texts::application().get(l)) }
        dl.facts #form-values {
            @for (label, value) in form_values(reg, o, l) {
                dt { (label) }
                dd { (value) }
            }
        }
        h2 { (texts::attachments().get(l)) }
        @let files = attachments(reg, o, l);
        @if files.is_empty() {
            p { (texts::no_attachments().get(l)) }
        } @else {
            ul.services #attachments {
                @for (what, name, size, aid) in &files {
                    li {
                        @if !what.is_empty() { (what) ": " }
                        a href={ "/agency/requests/" (id) "/attachments/" (aid) } download { (name) }
                        " (" (size.div_ceil(1024)) " KB)"
                    }
                }
            }
        }
        section #actions aria-labelledby="actions-title" {
            h2 #actions-title { (texts::actions().get(l)) }
            (actions(v, s, o, reg, problems, e))
        }
        h2 { (texts::timeline().get(l)) }
        ol.timeline #timeline {
            @for h in &o.st.history {
                (event_line(h, reg, channel, l))
            }
        }
        p { a href="/agency" { (texts::back_to_queue().get(l)) } }
    };
    let status = problems.status();
    respond(status, p.layout(v, &["portal.js"]).page(&title, body))
}

/// After an act: back to the request with its notice, or the page again with the refusal
/// at its field (`field_of` the error's code) or, for a failure, the refusal page.
async fn after(
    p: &Pages,
    v: &Visitor,
    id: &str,
    done: Result<qyzmet_store::Request, ApiError>,
    what: &str,
    field_of: impl Fn(&str) -> &'static str,
    e: &Entered,
) -> Response {
    match done {
        Ok(_) => see_other(&format!("/agency/requests/{id}?done={what}")),
        Err(err) if shown_at_fields(&err) => {
            // The request as it is now, with why the act was not taken.
            let (o, reg) = match opened(p, v, id).await {
                Ok(x) => x,
                Err(_) => return p.refused(v, &err),
            };
            let mut problems = Problems::default();
            problems.add(field_of(&err.code), err.message.clone());
            page(p, v, &o, reg, &problems, e, None)
        }
        Err(err) => p.refused(v, &err),
    }
}

/// A refusal of what was entered (shown on the page again), not of the visitor (a page
/// of its own: no session, not theirs, not found).
fn shown_at_fields(e: &ApiError) -> bool {
    e.status.is_client_error()
        && ![
            StatusCode::UNAUTHORIZED,
            StatusCode::FORBIDDEN,
            StatusCode::NOT_FOUND,
        ]
        .contains(&e.status)
}

fn nowhere(_: &str) -> &'static str {
    ""
}

pub(crate) async fn take(State(p): State<Pages>, v: Visitor, Path(id): Path<String>) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let done = api::take_into_work(&p.agency, s, &id).await;
    after(&p, &v, &id, done, "taken", nowhere, &Entered::default()).await
}

pub(crate) async fn decide(
    State(p): State<Pages>,
    v: Visitor,
    Path(id): Path<String>,
    Form(e): Form<Entered>,
) -> Response {
    let (o, reg) = match opened(&p, &v, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(s) = v.session.as_ref() else {
        return super::to_login(&v);
    };
    let l = v.lang;
    let mut problems = Problems::default();
    let outcome = match e.outcome.as_str() {
        "positive" => Some(Outcome::Positive),
        "refusal" => Some(Outcome::Refusal),
        "interim" => Some(Outcome::Interim),
        _ => None,
    };
    if outcome.is_none() {
        problems.add("outcome", texts::decision_required());
    }
    let establishes = match &o.waiting {
        Some(Waiting::Person { establishes, .. }) => *establishes,
        _ => None,
    };
    let mut grounds = None;
    if outcome == Some(Outcome::Refusal) {
        let chosen = refusal_grounds(reg, o.st.channel, establishes)
            .into_iter()
            .find(|(value, _)| *value == e.ground);
        match chosen {
            // The grounds as the refusal states them, in the language of the page that
            // decided, with the employee's explanation.
            Some((_, t)) => {
                let details = e.details.trim();
                grounds = Some(if details.is_empty() {
                    t.get(l).to_string()
                } else {
                    format!("{}: {details}", t.get(l))
                });
            }
            None => problems.add("ground", api::grounds_required().message.clone()),
        }
    }
    let Some(outcome) = outcome.filter(|_| problems.is_empty()) else {
        return page(&p, &v, &o, reg, &problems, &e, None);
    };
    let d = Decision {
        outcome,
        grounds,
        facts: BTreeMap::new(),
    };
    let done = api::decide_on(&p.agency, s, &id, d).await;
    let field = |code: &str| match code {
        "decision.grounds_required" => "ground",
        c if c.starts_with("engine.outcome") || c == "engine.missing_outcome" => "outcome",
        _ => "",
    };
    after(&p, &v, &id, done, "decided", field, &e).await
}

pub(crate) async fn extend(
    State(p): State<Pages>,
    v: Visitor,
    Path(id): Path<String>,
    Form(e): Form<Entered>,
) -> Response {
    let (o, reg) = match opened(&p, &v, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(s) = v.session.as_ref() else {
        return super::to_login(&v);
    };
    let mut problems = Problems::default();
    let until = NaiveDate::parse_from_str(e.until.trim(), "%Y-%m-%d")
        .ok()
        .map(|d| NaiveDateTime::new(d, due_time(&o)));
    if until.is_none() {
        problems.add("until", texts::date_required());
    }
    if e.reason.trim().is_empty() {
        problems.add("reason", api::reason_required().message.clone());
    }
    let Some(until) = until.filter(|_| problems.is_empty()) else {
        return page(&p, &v, &o, reg, &problems, &e, None);
    };
    let x = Extension {
        until,
        reason: e.reason.trim().to_string(),
    };
    let done = api::extend_deadline(&p.agency, s, &id, x).await;
    let field = |code: &str| match code {
        "extension.reason_required" => "reason",
        "engine.extension_not_later" => "until",
        _ => "",
    };
    after(&p, &v, &id, done, "extended", field, &e).await
}

pub(crate) async fn perform(
    State(p): State<Pages>,
    v: Visitor,
    Path(id): Path<String>,
    Form(e): Form<Entered>,
) -> Response {
    let (o, reg) = match opened(&p, &v, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(s) = v.session.as_ref() else {
        return super::to_login(&v);
    };
    let Ok(operation) = serde_json::from_value::<Operation>(Value::String(e.operation.clone()))
    else {
        return p.refused(&v, &api::out_of_turn());
    };
    let mut facts = BTreeMap::new();
    if let Some(Waiting::Person {
        establishes: Some(check),
        ..
    }) = &o.waiting
    {
        match e.holds.as_str() {
            "yes" => {
                facts.insert(*check, true);
            }
            "no" => {
                facts.insert(*check, false);
            }
            _ => {
                let mut problems = Problems::default();
                problems.add("holds", texts::answer_required());
                return page(&p, &v, &o, reg, &problems, &e, None);
            }
        }
    }
    let done = api::perform_other(&p.agency, s, &id, operation, facts).await;
    after(&p, &v, &id, done, "performed", nowhere, &e).await
}

pub(crate) async fn attachment(
    State(p): State<Pages>,
    v: Visitor,
    Path((id, aid)): Path<(String, String)>,
) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    // Provider staff only, as the request page; then the API's own check of the request.
    let found = match api::staff_org(&s.principal) {
        Ok(_) => api::attachment_of(&p.agency, &s.principal, &id, &aid).await,
        Err(e) => Err(e),
    };
    let a = match found {
        Ok(a) => a,
        Err(e) => return p.refused(&v, &e),
    };
    let mut r = a.content.into_response();
    let h = r.headers_mut();
    if let Ok(t) = HeaderValue::from_str(&a.info.media_type) {
        h.insert(header::CONTENT_TYPE, t);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let safe: String = a
        .info
        .name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect();
    if let Ok(d) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, d);
    }
    r
}

#[derive(Deserialize)]
pub(crate) struct Signed {
    #[serde(default)]
    cms: String,
}

/// The result document and its signing form, for the staff member who may sign it now.
async fn sign_form(p: &Pages, v: &Visitor, id: &str, problems: &Problems) -> Response {
    let (o, _) = match opened(p, v, id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(s) = v.session.as_ref() else {
        return super::to_login(v);
    };
    let to_sign = match api::result_to_sign(&p.agency, &s.principal, id).await {
        Ok(t) => t,
        Err(e) => return p.refused(v, &e),
    };
    if !to_sign.awaiting {
        return p.refused(v, &api::out_of_turn());
    }
    if let Some(Waiting::Person { role, .. }) = &o.waiting {
        if let Err(e) = api::acting_role(&s.principal, *role) {
            return p.refused(v, &e);
        }
    }
    let Some(iin) = s.user.iin else {
        return p.refused(v, &api::no_iin());
    };
    let l = v.lang;
    let d = &to_sign.document;
    let iin = iin.to_string();
    let action = format!("/agency/requests/{id}/sign");
    let form = SigningForm {
        action: &action,
        csrf: &v.csrf,
        signer: &iin,
        content: Content::Bytes(&to_sign.bytes),
        button: texts::sign_button(),
    };
    let title = texts::sign_title();
    let body = html! {
        (summary(l, problems))
        span.caption { (texts::request_title().get(l)) " " (o.req.summary.number) }
        h1 { (title.get(l)) }
        p { (texts::sign_lead().get(l)) }
        dl.facts #result-document {
            @if let Some(n) = &d.result_name { dt { (texts::result().get(l)) } dd { (n.get(l)) } }
            dt { (texts::number().get(l)) } dd { (d.number) }
            dt { (texts::service().get(l)) } dd { (d.service_name.get(l)) }
            dt { (texts::provider().get(l)) } dd { (d.provider_name.get(l)) }
            dt { (texts::recipient_id().get(l)) } dd { (d.recipient) }
            dt { (texts::decision().get(l)) } dd { (outcome_name(d.outcome).get(l)) }
            @if let Some(g) = &d.grounds { dt { (texts::grounds().get(l)) } dd { (g.get(l)) } }
            dt { (texts::signer().get(l)) } dd { (s.user.full_name) " (" (iin) ")" }
        }
        details {
            summary { (texts::signed_bytes().get(l)) }
            pre.document { (String::from_utf8_lossy(&to_sign.bytes)) }
        }
        (signing::form(l, &form))
        p { a href={ "/agency/requests/" (id) } { (texts::request_title().get(l)) " " (o.req.summary.number) } }
    };
    let status = problems.status();
    respond(status, p.layout(v, &["portal.js"]).page(title.get(l), body))
}

pub(crate) async fn sign_page(
    State(p): State<Pages>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    sign_form(&p, &v, &id, &Problems::default()).await
}

pub(crate) async fn sign(
    State(p): State<Pages>,
    v: Visitor,
    Path(id): Path<String>,
    Form(signed): Form<Signed>,
) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    if signed.cms.is_empty() {
        let mut problems = Problems::default();
        problems.add("", signing::needs_script());
        return sign_form(&p, &v, &id, &problems).await;
    }
    match api::sign_result_with(&p.agency, s, &id, &signed.cms).await {
        Ok(_) => see_other(&format!("/agency/requests/{id}?done=signed")),
        Err(e) if shown_at_fields(&e) => {
            let mut problems = Problems::default();
            problems.add("", e.message.clone());
            sign_form(&p, &v, &id, &problems).await
        }
        Err(e) => p.refused(&v, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qyzmet_core::regulation::Catalog;

    fn regulation(code: &str) -> Regulation {
        let path = format!(
            "{}/../../regulations/{code}.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let (catalog, problems) = Catalog::from_sources(&[(path, text)]);
        assert!(problems.is_empty(), "{problems:?}");
        catalog.latest(code).unwrap().clone()
    }

    #[test]
    fn a_decision_that_checks_a_condition_offers_that_conditions_refusal() {
        let reg = regulation("phc-attachment");
        let grounds = refusal_grounds(&reg, ChannelKind::Portal, Some(Check::Grounds));
        assert_eq!(grounds.len(), 1, "{grounds:?}");
        assert_eq!(grounds[0].0, "portal-3");
        assert!(grounds[0].1.ru.contains("нарушениями"), "{grounds:?}");
    }

    #[test]
    fn a_regulation_that_names_no_grounds_offers_the_engines_own() {
        let reg = regulation("disabled-children-home-schooling");
        let grounds = refusal_grounds(&reg, ChannelKind::Portal, None);
        assert_eq!(grounds.len(), 1, "{grounds:?}");
        assert_eq!(grounds[0].1.ru, texts::grounds_not_met().ru);
    }

    #[test]
    fn a_decision_offers_its_channels_documents_and_grounds_refusals() {
        // The archival certificate's agency channel checks the documents at its decision;
        // the state database's refusal is the IS's to make, never offered.
        let reg = regulation("archival-certificate");
        let grounds = refusal_grounds(&reg, ChannelKind::Agency, None);
        assert_eq!(grounds.len(), 1, "{grounds:?}");
        assert_eq!(grounds[0].0, "agency-2");
    }

    #[test]
    fn time_left_and_overdue_read_in_each_language() {
        assert_eq!(
            texts::left(2 * 86_400 + 3 * 3600 + 60).ru,
            "осталось 2 дн. 3 ч 1 мин"
        );
        assert_eq!(texts::overdue_by(5 * 60).en, "overdue by 5 min");
        assert_eq!(texts::left(3600).kk, "1 сағ. 0 мин қалды");
    }
}
