//! The centre's requests as pages: the list (newest first), one request (number, status,
//! deadline, whom it waits for, its timeline) with the centre's own step when the request
//! waits for it (hand-over of the result, the courier's delivery), and the notifications.
//! Every read and act goes through the same functions as the JSON API
//! ([`CscIs::requests`](crate::CscIs::requests), `request`, `perform`, `notifications`):
//! through the gateway to the provider's IS, which refuses a request not filed at this
//! centre with its reason, shown as such and nothing more.

use super::{texts, Pages};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use maud::{html, Markup};
use qyzmet_api::requests::Perform;
use qyzmet_api::ApiError;
use qyzmet_core::regulation::{Check, Participant, Regulation};
use qyzmet_core::Text;
use qyzmet_engine::status_name;
use qyzmet_web::form::{summary, Control, Kind, Problems};
use qyzmet_web::page::{respond, see_other};
use qyzmet_web::regulation::local_utc;
use qyzmet_web::session::Visitor;
use qyzmet_web::timeline::{action_name, parse, status_badge, status_of, timeline, utc_of};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn regulation_of<'a>(p: &'a Pages, req: &Value) -> Option<&'a Regulation> {
    req["service"]
        .as_str()
        .zip(req["version"].as_u64())
        .and_then(|(c, n)| p.catalog.get(c, n as u32))
}

pub(crate) async fn ours(State(p): State<Pages>, v: Visitor) -> Response {
    let s = match p.operator(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let list = match p.csc.requests(s).await {
        Ok(l) => l,
        Err(e) => return p.refused(&v, &e),
    };
    let l = v.lang;
    let rows = list.as_array().cloned().unwrap_or_default();
    let title = texts::requests();
    let body = html! {
        h1 { (title.get(l)) }
        @if rows.is_empty() {
            p { (texts::no_requests().get(l)) " " a href="/csc" { (texts::find_citizen().get(l)) } }
        } @else {
            div.table-scroll {
                table {
                    thead { tr {
                        th scope="col" { (texts::number_word().get(l)) }
                        th scope="col" { (texts::service().get(l)) }
                        th scope="col" { (texts::recipient().get(l)) }
                        th scope="col" { (texts::status().get(l)) }
                        th scope="col" { (texts::due().get(l)) }
                        th scope="col" { (texts::filed_at().get(l)) }
                    } }
                    tbody {
                        @for r in &rows {
                            tr {
                                td { a href={ "/csc/requests/" (r["id"].as_str().unwrap_or_default()) } { (r["number"].as_str().unwrap_or_default()) } }
                                td { (parse::<Text>(&r["service_name"]).map(|t| t.get(l).to_string()).unwrap_or_else(|| r["service"].as_str().unwrap_or_default().to_string())) }
                                td { (r["recipient"].as_str().unwrap_or_default()) }
                                td { (status_badge(status_of(r), l)) }
                                td { (utc_of(&r["deadline"], l)) }
                                td { (utc_of(&r["created_at"], l)) }
                            }
                        }
                    }
                }
            }
        }
    };
    respond(StatusCode::OK, p.layout(&v, &[]).page(title.get(l), body))
}

#[derive(Deserialize, Default)]
pub(crate) struct Shown {
    filed: Option<String>,
    done: Option<String>,
}

pub(crate) async fn request(
    State(p): State<Pages>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<Shown>,
) -> Response {
    let s = match p.operator(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match p.csc.request(s, &id).await {
        Ok(req) => {
            let notice = if q.filed.is_some() {
                Some(texts::filed_notice())
            } else {
                q.done.as_ref().map(|_| texts::step_done())
            };
            request_page(&p, &v, &id, &req, notice, &Problems::default())
        }
        Err(e) => p.refused(&v, &e),
    }
}

/// The step of the centre's people the request waits for: its action and operation, and
/// what the person must establish, if anything.
fn our_step(req: &Value) -> Option<(u64, String, Option<Check>)> {
    let w = &req["waiting"];
    if w["waiting_for"] != "person" || req["finished"] == json!(true) {
        return None;
    }
    let unit = parse::<Participant>(&w["unit"])?;
    if !matches!(
        unit,
        Participant::Csc | Participant::CscIs | Participant::Courier
    ) {
        return None;
    }
    Some((
        w["action"].as_u64()?,
        w["operation"].as_str()?.to_string(),
        parse::<Check>(&w["establishes"]),
    ))
}

fn step_form(
    v: &Visitor,
    id: &str,
    reg: Option<&Regulation>,
    req: &Value,
    problems: &Problems,
) -> Markup {
    let l = v.lang;
    let Some((action, operation, establishes)) = our_step(req) else {
        return html! {};
    };
    let fact = establishes.map(|_| {
        let options = vec![
            ("true".to_string(), texts::fact_holds().get(l).to_string()),
            ("false".to_string(), texts::fact_fails().get(l).to_string()),
        ];
        let mut c = Control::new(
            "fact",
            &action_name(reg, &req["channel"], action, l),
            Kind::Radios(options),
        );
        c.required = true;
        c.error = problems.of("fact").map(|t| t.get(l).to_string());
        c
    });
    html! {
        section #our-step aria-labelledby="our-step-title" {
            h2 #our-step-title { (texts::our_step().get(l)) }
            p { (texts::our_step_lead().get(l)) }
            p { strong { (action_name(reg, &req["channel"], action, l)) } }
            form method="post" action={ "/csc/requests/" (id) "/perform" } {
                input type="hidden" name="csrf" value=(v.csrf);
                input type="hidden" name="operation" value=(operation);
                @if let Some(c) = &fact { (c.render(l)) }
                div.actions { button type="submit" { (texts::done_button().get(l)) } }
            }
        }
    }
}

fn request_page(
    p: &Pages,
    v: &Visitor,
    id: &str,
    req: &Value,
    notice: Option<Text>,
    problems: &Problems,
) -> Response {
    let l = v.lang;
    let reg = regulation_of(p, req);
    let number = req["number"].as_str().unwrap_or_default();
    let finished = req["finished"].as_bool().unwrap_or(false);
    let waiting = req["waiting"]["action"].as_u64();
    let refusal = parse::<Text>(&req["refusal"]["message"]);
    let title = format!(
        "{} {} {number}",
        texts::request_title().get(l),
        texts::number_word().get(l)
    );
    let body = html! {
        (summary(l, problems))
        @if let Some(n) = &notice { div.notice role="status" { p { (n.get(l)) } } }
        h1 { (title) }
        dl.facts {
            dt { (texts::service().get(l)) }
            dd { (reg.map(|r| r.name.get(l).to_string()).unwrap_or_default()) }
            dt { (texts::recipient().get(l)) }
            dd { (req["recipient"].as_str().unwrap_or_default()) }
            dt { (texts::status().get(l)) }
            dd #request-status { (status_badge(status_of(req), l)) }
            dt { (texts::filed_at().get(l)) }
            dd { (utc_of(&req["created_at"], l)) }
            @if !finished {
                dt { (texts::due().get(l)) }
                dd { (utc_of(&req["deadline"], l)) }
            }
            @if let Some(n) = waiting.filter(|_| !finished) {
                dt { (texts::waits_for().get(l)) }
                dd #waits-for { (action_name(reg, &req["channel"], n, l)) }
            }
            @if let Some(why) = &refusal {
                dt { (texts::refusal().get(l)) }
                dd { (why.get(l)) }
            }
        }
        (step_form(v, id, reg, req, problems))
        div.actions {
            a.button.secondary href={ "/csc/requests/" (id) } { (texts::refresh().get(l)) }
        }
        h2 { (texts::timeline().get(l)) }
        (timeline(req, reg, l))
    };
    let status = problems.status();
    respond(status, p.layout(v, &[]).page(&title, body))
}

/// The centre's step, done: the operation the page names and what the operator established.
pub(crate) async fn perform(
    State(p): State<Pages>,
    v: Visitor,
    Path(id): Path<String>,
    Form(posted): Form<BTreeMap<String, String>>,
) -> Response {
    let s = match p.operator(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let req = match p.csc.request(s, &id).await {
        Ok(r) => r,
        Err(e) => return p.refused(&v, &e),
    };
    let mut problems = Problems::default();
    let mut facts = serde_json::Map::new();
    if let Some((_, _, Some(check))) = our_step(&req) {
        match posted.get("fact").map(String::as_str) {
            Some(f @ ("true" | "false")) => {
                facts.insert(
                    json!(check).as_str().unwrap_or_default().into(),
                    json!(f == "true"),
                );
            }
            _ => problems.add("fact", texts::fact_required()),
        }
    }
    if problems.is_empty() {
        let step = serde_json::from_value::<Perform>(json!({
            "operation": posted.get("operation").cloned().unwrap_or_default(),
            "facts": facts,
        }));
        let done = match step {
            Ok(step) => p.csc.perform(s, &id, step).await,
            Err(e) => Err(ApiError::bad_request(
                "request.unreadable",
                Text::new(
                    format!("Қадам танылмады: {e}"),
                    format!("Шаг не распознан: {e}"),
                    format!("The step was not understood: {e}"),
                ),
            )),
        };
        match done {
            Ok(_) => return see_other(&format!("/csc/requests/{id}?done=1")),
            Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN => {
                problems.add("", e.message.clone())
            }
            Err(e) => return p.refused(&v, &e),
        }
    }
    request_page(&p, &v, &id, &req, None, &problems)
}

pub(crate) async fn notifications(State(p): State<Pages>, v: Visitor) -> Response {
    let s = match p.operator(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let list = match p.csc.notifications(s).await {
        Ok(l) => l,
        Err(e) => return p.refused(&v, &e),
    };
    let l = v.lang;
    let title = texts::notifications();
    let body = html! {
        h1 { (title.get(l)) }
        @if list.is_empty() { p { (texts::no_notifications().get(l)) } }
        ul.services #notifications {
            @for n in &list {
                li {
                    time { (local_utc(n.created_at, l)) } " — "
                    (n.text.get(l))
                    @if let Some(st) = n.status { " (" (status_name(st).get(l)) ")" }
                    @if let Some(r) = &n.request { " " a href={ "/csc/requests/" (r.0) } { (texts::request_title().get(l)) } }
                }
            }
        }
    };
    respond(StatusCode::OK, p.layout(&v, &[]).page(title.get(l), body))
}
