//! The cabinet as pages: my requests, one request (number, status, deadline, whom it waits
//! for, its timeline, "refresh"), the signed result to view and download, the questionnaire
//! after completion, and notifications. Every read goes through the cabinet's functions
//! (`agency.read` through the gateway; notices from the portal's own copies): another
//! person's request id is refused by the provider's IS with its reason, shown as such.

use super::{signed_in, texts, Pages};
use crate::cabinet::{awaits_payment, PayWith};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use maud::{html, Markup};
use qyzmet_api::ApiError;
use qyzmet_core::regulation::{Outcome, Regulation};
use qyzmet_core::Text;
use qyzmet_engine::status_name;
use qyzmet_registries::payment::{CardDecline, Invoice, InvoiceState, Payer};
use qyzmet_web::form::{summary, Control, Kind, Problems};
use qyzmet_web::page::{respond, see_other};
use qyzmet_web::regulation::local_utc;
use qyzmet_web::session::Visitor;
use qyzmet_web::timeline::{
    action_name, outcome_name, parse, status_badge, status_of, timeline, utc_of,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

pub(crate) async fn mine(State(p): State<Pages>, v: Visitor) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let list = match p.cabinet.requests(s).await {
        Ok(l) => l,
        Err(e) => return p.refused(&v, &e),
    };
    let l = v.lang;
    let rows = list.as_array().cloned().unwrap_or_default();
    let title = texts::my_requests();
    let body = html! {
        h1 { (title.get(l)) }
        @if rows.is_empty() {
            p { (texts::no_requests().get(l)) " " a href="/portal" { (texts::catalogue().get(l)) } }
        } @else {
            div.table-scroll {
                table {
                    thead { tr {
                        th scope="col" { (texts::number_word().get(l)) }
                        th scope="col" { (texts::service().get(l)) }
                        th scope="col" { (texts::status().get(l)) }
                        th scope="col" { (texts::due().get(l)) }
                        th scope="col" { (texts::filed_at().get(l)) }
                    } }
                    tbody {
                        @for r in &rows {
                            tr {
                                td { a href={ "/portal/requests/" (r["id"].as_str().unwrap_or_default()) } { (r["number"].as_str().unwrap_or_default()) } }
                                td { (parse::<Text>(&r["service_name"]).map(|t| t.get(l).to_string()).unwrap_or_else(|| r["service"].as_str().unwrap_or_default().to_string())) }
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

/// What the request page shows beside the request: a notice just after filing or paying,
/// and the invoice while the request waits for its payment.
#[derive(Deserialize, Default)]
pub(crate) struct Shown {
    filed: Option<String>,
    paid: Option<String>,
    #[serde(skip)]
    invoice: Option<Invoice>,
}

pub(crate) async fn request(
    State(p): State<Pages>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<Shown>,
) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match p.cabinet.invoice(s, &id).await {
        Ok((req, invoice)) => {
            let shown = Shown { invoice, ..q };
            let card = CardForm::default();
            request_page(&p, &v, &id, &req, &shown, &card, &Problems::default())
        }
        Err(e) => p.refused(&v, &e),
    }
}

fn request_page(
    p: &Pages,
    v: &Visitor,
    id: &str,
    req: &Value,
    shown: &Shown,
    card: &CardForm,
    problems: &Problems,
) -> Response {
    let l = v.lang;
    let reg = req["service"]
        .as_str()
        .zip(req["version"].as_u64())
        .and_then(|(c, n)| p.portal.catalog().get(c, n as u32));
    let number = req["number"].as_str().unwrap_or_default();
    let finished = req["finished"].as_bool().unwrap_or(false);
    let waiting = req["waiting"]["action"].as_u64();
    let refusal = parse::<Text>(&req["refusal"]["message"]);
    let title = format!(
        "{} {} {number}",
        texts::request_title().get(l),
        texts::number_word().get(l)
    );
    let questionnaire = reg.filter(|_| finished && !req["answered"].as_bool().unwrap_or(true));
    let body = html! {
        (summary(l, problems))
        @if shown.filed.is_some() { div.notice role="status" { p { (texts::filed_notice().get(l)) } } }
        @if shown.paid.is_some() { div.notice role="status" { p { (texts::paid_notice().get(l)) } } }
        h1 { (title) }
        dl.facts {
            dt { (texts::service().get(l)) }
            dd { (reg.map(|r| r.name.get(l).to_string()).unwrap_or_default()) }
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
                dd { (action_name(reg, &req["channel"], n, l)) }
            }
            @if let Some(why) = &refusal {
                dt { (texts::refusal().get(l)) }
                dd { (why.get(l)) }
            }
        }
        div.actions {
            a.button.secondary href={ "/portal/requests/" (id) } { (texts::refresh().get(l)) }
            @if req["has_result"].as_bool().unwrap_or(false) {
                a.button href={ "/portal/requests/" (id) "/result" } { (texts::view_result().get(l)) }
            }
        }
        @if awaits_payment(req) {
            (payment_section(v, id, req, reg, shown.invoice.as_ref(), card, problems))
        }
        @if let Some(r) = questionnaire {
            (questionnaire_form(v, id, r, problems))
        } @else if finished && req["answered"].as_bool().unwrap_or(false) {
            p.notice { (texts::answered().get(l)) }
        }
        h2 { (texts::timeline().get(l)) }
        (timeline(req, reg, l))
    };
    let status = problems.status();
    respond(status, p.layout(v, &[]).page(&title, body))
}

fn questionnaire_form(v: &Visitor, id: &str, r: &Regulation, problems: &Problems) -> Markup {
    let l = v.lang;
    let q = &r.questionnaire;
    let options: Vec<(String, String)> = q
        .answers
        .iter()
        .map(|a| (a.value.clone(), a.label.get(l).to_string()))
        .collect();
    html! {
        h2 { (texts::questionnaire().get(l)) }
        p { (texts::questionnaire_lead().get(l)) }
        form method="post" action={ "/portal/requests/" (id) "/questionnaire" } {
            input type="hidden" name="csrf" value=(v.csrf);
            @for question in &q.questions {
                @let mut c = Control::new(&question.code, question.text.get(l), Kind::Radios(options.clone()));
                @let c = { c.required = true; c.error = problems.of(&question.code).map(|t| t.get(l).to_string()); c };
                (c.render(l))
            }
            div.actions { button type="submit" { (texts::answer_button().get(l)) } }
        }
    }
}

pub(crate) async fn questionnaire(
    State(p): State<Pages>,
    v: Visitor,
    Path(id): Path<String>,
    Form(mut answers): Form<BTreeMap<String, String>>,
) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    answers.remove(qyzmet_web::csrf::FIELD);
    let req = match p.cabinet.request(s, &id).await {
        Ok(r) => r,
        Err(e) => return p.refused(&v, &e),
    };
    let reg = req["service"]
        .as_str()
        .zip(req["version"].as_u64())
        .and_then(|(c, n)| p.portal.catalog().get(c, n as u32));
    let mut problems = Problems::default();
    for q in reg
        .map(|r| r.questionnaire.questions.as_slice())
        .unwrap_or_default()
    {
        if !answers.contains_key(&q.code) {
            problems.add(q.code.clone(), texts::answer_required());
        }
    }
    if problems.is_empty() {
        match p.cabinet.answer(s, &id, answers).await {
            Ok(()) => return see_other(&format!("/portal/requests/{id}")),
            Err(e) if e.status.is_client_error() => problems.add("", e.message.clone()),
            Err(e) => return p.refused(&v, &e),
        }
    }
    request_page(
        &p,
        &v,
        &id,
        &req,
        &Shown::default(),
        &CardForm::default(),
        &problems,
    )
}

/// The card form as typed (shown again with its problems).
#[derive(Deserialize, Default)]
pub(crate) struct CardForm {
    #[serde(default)]
    card_number: String,
    #[serde(default)]
    card_expiry: String,
    /// The invoice is paid; tell the provider (no card).
    #[serde(default)]
    paid: Option<String>,
}

/// `1234 5678` grouped by thousands with no-break spaces, and the tenge sign.
fn tenge(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    format!("{out}\u{a0}₸")
}

/// A rate in thousandths of an МРП, as a number of МРП (`0.5`, `1`, `2.25`).
fn rate(thousandths: u64) -> String {
    let whole = thousandths / 1000;
    let part = thousandths % 1000;
    if part == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{}", format!("{part:03}").trim_end_matches('0'))
    }
}

/// The invoice (amount, what for, to whom) and the card form.
fn payment_section(
    v: &Visitor,
    id: &str,
    req: &Value,
    reg: Option<&Regulation>,
    invoice: Option<&Invoice>,
    card: &CardForm,
    problems: &Problems,
) -> Markup {
    let l = v.lang;
    let Some(inv) = invoice else {
        return html! {
            section.invoice aria-labelledby="invoice-title" {
                h2 #invoice-title { (texts::invoice_title().get(l)) }
                p { (texts::invoice_pending().get(l)) }
            }
        };
    };
    let payer = match inv.payer {
        Payer::Iin(i) => i.to_string(),
        Payer::Bin(b) => b.to_string(),
    };
    let last_attempt = match &inv.state {
        InvoiceState::Declined { reason, .. } => Some(
            CardDecline::from_code(reason)
                .map(|d| d.text().get(l).to_string())
                .unwrap_or_else(|| reason.clone()),
        ),
        _ => None,
    };
    let service = reg.map(|r| r.name.get(l).to_string()).unwrap_or_default();
    let number = req["number"].as_str().unwrap_or_default();
    let mut n = Control::new(
        "card_number",
        texts::card_number().get(l),
        Kind::Input("text"),
    );
    n.hint = Some(texts::card_number_hint().get(l).to_string());
    n.error = problems.of("card_number").map(|t| t.get(l).to_string());
    n.value = card.card_number.clone();
    n.required = true;
    n.pattern = Some("[0-9 \\-]{13,23}".into());
    n.maxlength = Some(23);
    n.autocomplete = Some("cc-number");
    n.inputmode = Some("numeric");
    let mut e = Control::new(
        "card_expiry",
        texts::card_expiry().get(l),
        Kind::Input("text"),
    );
    e.hint = Some(texts::card_expiry_hint().get(l).to_string());
    e.error = problems.of("card_expiry").map(|t| t.get(l).to_string());
    e.value = card.card_expiry.clone();
    e.required = true;
    e.maxlength = Some(7);
    e.autocomplete = Some("cc-exp");
    e.inputmode = Some("numeric");
    html! {
        section.invoice aria-labelledby="invoice-title" {
            h2 #invoice-title { (texts::invoice_title().get(l)) }
            p { (texts::invoice_lead().get(l)) }
            dl.facts #invoice {
                dt { (texts::amount().get(l)) }
                dd #invoice-amount {
                    strong { (tenge(inv.amount_tenge)) }
                    " (" (texts::amount_basis().get(l)) ": " (rate(inv.rate_thousandths)) " " (texts::mrp().get(l))
                    " × " (tenge(inv.mrp_tenge)) ", " (inv.mrp_year) ")"
                }
                dt { (texts::purpose().get(l)) }
                dd { (texts::purpose_text().get(l)) " «" (service) "», " (texts::request_title().get(l)) " " (texts::number_word().get(l)) " " (number) }
                dt { (texts::payee().get(l)) }
                dd { (reg.map(|r| r.general.provider.name.get(l).to_string()).unwrap_or_default()) }
                dt { (texts::payer().get(l)) }
                dd { (payer) }
                dt { (texts::invoice_number().get(l)) }
                dd { (inv.invoice_id) }
                @if let Some(why) = &last_attempt {
                    dt { (texts::last_attempt().get(l)) }
                    dd { (why) }
                }
            }
            @if inv.confirmed() {
                p.notice { (texts::paid_not_told().get(l)) }
                form method="post" action={ "/portal/requests/" (id) "/pay" } {
                    input type="hidden" name="csrf" value=(v.csrf);
                    input type="hidden" name="paid" value="1";
                    div.actions { button type="submit" { (texts::tell_paid().get(l)) } }
                }
            } @else {
            h3 { (texts::pay_by_card().get(l)) }
            form method="post" action={ "/portal/requests/" (id) "/pay" } {
                input type="hidden" name="csrf" value=(v.csrf);
                (n.render(l))
                (e.render(l))
                p.hint { (texts::card_note().get(l)) }
                div.actions { button type="submit" { (texts::pay_button().get(l)) " " (tenge(inv.amount_tenge)) } }
            }
            }
        }
    }
}

/// `MM/YY` (or `MM/YYYY`, spaces allowed): the month and the four-digit year.
fn expiry(text: &str) -> Option<(u32, i32)> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (m, y) = t.split_once('/')?;
    let month: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !all_digits(m) || !all_digits(y) {
        return None;
    }
    let year: i32 = match y.len() {
        2 => 2000 + y.parse::<i32>().ok()?,
        4 => y.parse().ok()?,
        _ => return None,
    };
    Some((month, year))
}

/// The card form checked as typed; what to pay with, or the problems at its fields.
fn card_of(card: &CardForm) -> Result<PayWith, Problems> {
    let mut problems = Problems::default();
    let number: String = card
        .card_number
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if number.is_empty() {
        problems.add("card_number", texts::card_number_required());
    } else if !(13..=19).contains(&number.len()) || !number.chars().all(|c| c.is_ascii_digit()) {
        problems.add("card_number", texts::card_number_digits());
    }
    let exp = expiry(&card.card_expiry);
    if card.card_expiry.trim().is_empty() {
        problems.add("card_expiry", texts::card_expiry_required());
    } else if exp.is_none() {
        problems.add("card_expiry", texts::card_expiry_format());
    }
    match exp {
        Some((expiry_month, expiry_year)) if problems.is_empty() => Ok(PayWith::Card {
            number,
            expiry_month,
            expiry_year,
        }),
        _ => Err(problems),
    }
}

/// Pay the request's invoice by card, through the cabinet's [`Cabinet::pay`] as the JSON API
/// pays: a paid request moves on (back to its page, with a notice); a card refused or
/// declined is shown at its field and in the summary, and changes nothing.
///
/// [`Cabinet::pay`]: crate::cabinet::Cabinet::pay
pub(crate) async fn pay(
    State(p): State<Pages>,
    v: Visitor,
    Path(id): Path<String>,
    Form(card): Form<CardForm>,
) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let with = match card.paid {
        Some(_) => Ok(PayWith::AlreadyPaid),
        None => card_of(&card),
    };
    let problems = match with {
        Ok(with) => match p.cabinet.pay(s, &id, with).await {
            Ok(_) => return see_other(&format!("/portal/requests/{id}?paid=1")),
            Err(e) if matches!(e.status.as_u16(), 409 | 422) => {
                let mut problems = Problems::default();
                let at_field = e
                    .details
                    .iter()
                    .find_map(|d| d["field"].as_str().map(str::to_string));
                problems.add(at_field.unwrap_or_default(), e.message.clone());
                problems
            }
            Err(e) => return p.refused(&v, &e),
        },
        Err(problems) => problems,
    };
    match p.cabinet.invoice(s, &id).await {
        Ok((req, invoice)) => {
            let shown = Shown {
                invoice,
                ..Shown::default()
            };
            request_page(&p, &v, &id, &req, &shown, &card, &problems)
        }
        Err(e) => p.refused(&v, &e),
    }
}

async fn read_result(p: &Pages, v: &Visitor, id: &str) -> Result<Value, Response> {
    let s = signed_in(v)?;
    p.cabinet.result(s, id).await.map_err(|e| p.refused(v, &e))
}

pub(crate) async fn result(State(p): State<Pages>, v: Visitor, Path(id): Path<String>) -> Response {
    let res = match read_result(&p, &v, &id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let l = v.lang;
    let doc = &res["document"];
    let text = |k: &str| parse::<Text>(&doc[k]).map(|t| t.get(l).to_string());
    let title = texts::result_title();
    let signed_at = parse::<DateTime<Utc>>(&res["signed_at"])
        .map(|t| local_utc(t, l))
        .unwrap_or_default();
    let body = html! {
        h1 { (title.get(l)) }
        dl.facts {
            @if let Some(n) = text("result_name") { dt { (texts::result().get(l)) } dd { (n) } }
            dt { (texts::request_title().get(l)) } dd { (res["number"].as_str().unwrap_or_default()) }
            @if let Some(n) = text("service_name") { dt { (texts::service().get(l)) } dd { (n) } }
            @if let Some(n) = text("provider_name") { dt { (texts::provider().get(l)) } dd { (n) } }
            dt { (texts::recipient().get(l)) } dd { (doc["recipient"].as_str().unwrap_or_default()) }
            @if let Some(o) = parse::<Outcome>(&doc["outcome"]) { dt { (texts::outcome().get(l)) } dd { (outcome_name(o).get(l)) } }
            @if let Some(g) = text("grounds") { dt { (texts::grounds().get(l)) } dd { (g) } }
            dt { (texts::signed_by().get(l)) } dd { (res["signer"].as_str().unwrap_or_default()) }
            dt { (texts::signed_at().get(l)) } dd { (signed_at) }
        }
        ul {
            li { a href={ "/portal/requests/" (id) "/result.p7s" } download { (texts::download_cms().get(l)) } }
            li { a href={ "/portal/requests/" (id) "/result.json" } download { (texts::download_json().get(l)) } }
        }
        p { a href={ "/portal/requests/" (id) } { (texts::request_title().get(l)) " " (res["number"].as_str().unwrap_or_default()) } }
    };
    respond(StatusCode::OK, p.layout(&v, &[]).page(title.get(l), body))
}

fn download(bytes: Vec<u8>, content_type: &'static str, file: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let safe: String = file
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

pub(crate) async fn result_cms(
    State(p): State<Pages>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    match read_result(&p, &v, &id).await {
        Ok(res) => match STANDARD.decode(res["cms"].as_str().unwrap_or_default()) {
            Ok(der) => download(
                der,
                "application/pkcs7-signature",
                &format!("{}.p7s", res["number"].as_str().unwrap_or("result")),
            ),
            Err(e) => p.refused(&v, &ApiError::internal(e)),
        },
        Err(r) => r,
    }
}

pub(crate) async fn result_json(
    State(p): State<Pages>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    match read_result(&p, &v, &id).await {
        Ok(res) => {
            let bytes = serde_json::to_vec_pretty(&res["document"]).unwrap_or_default();
            download(
                bytes,
                "application/json",
                &format!("{}.json", res["number"].as_str().unwrap_or("result")),
            )
        }
        Err(r) => r,
    }
}

pub(crate) async fn notifications(State(p): State<Pages>, v: Visitor) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let list = match p.cabinet.notifications(s).await {
        Ok(l) => l,
        Err(e) => return p.refused(&v, &e),
    };
    let l = v.lang;
    let title = texts::notifications();
    let body = html! {
        h1 { (title.get(l)) }
        @if list.is_empty() { p { (texts::no_notifications().get(l)) } }
        ul.services {
            @for n in &list {
                li class=[(!n.read).then_some("unread")] {
                    @if !n.read { span.status { (texts::unread().get(l)) } " " }
                    time { (local_utc(n.created_at, l)) } " — "
                    (n.text.get(l))
                    @if let Some(st) = n.status { " (" (status_name(st).get(l)) ")" }
                    @if let Some(r) = &n.request { " " a href={ "/portal/requests/" (r.0) } { (texts::request_title().get(l)) } }
                    @if !n.read {
                        form method="post" action={ "/portal/notifications/" (n.id) "/read" } {
                            input type="hidden" name="csrf" value=(v.csrf);
                            button.secondary type="submit" { (texts::mark_read().get(l)) }
                        }
                    }
                }
            }
        }
    };
    respond(StatusCode::OK, p.layout(&v, &[]).page(title.get(l), body))
}

pub(crate) async fn mark_read(State(p): State<Pages>, v: Visitor, Path(id): Path<i64>) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match p.cabinet.mark_read(s, id).await {
        Ok(()) => see_other("/portal/notifications"),
        Err(e) => p.refused(&v, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_rates_in_words() {
        assert_eq!(tenge(4325), "4\u{a0}325\u{a0}₸");
        assert_eq!(tenge(999), "999\u{a0}₸");
        assert_eq!(tenge(1_234_567), "1\u{a0}234\u{a0}567\u{a0}₸");
        assert_eq!(rate(1000), "1");
        assert_eq!(rate(500), "0.5");
        assert_eq!(rate(2250), "2.25");
    }

    #[test]
    fn the_card_as_typed() {
        assert_eq!(expiry("09/28"), Some((9, 2028)));
        assert_eq!(expiry(" 12 / 2030 "), Some((12, 2030)));
        assert_eq!(expiry("13/28"), None);
        assert_eq!(expiry("0928"), None);
        assert_eq!(expiry("09/2"), None);
        let card = |n: &str, e: &str| CardForm {
            card_number: n.into(),
            card_expiry: e.into(),
            paid: None,
        };
        match card_of(&card("4242 4242-4242 4242", "09/28")) {
            Ok(PayWith::Card {
                number,
                expiry_month,
                expiry_year,
            }) => assert_eq!(
                (number.as_str(), expiry_month, expiry_year),
                ("4242424242424242", 9, 2028)
            ),
            other => panic!("{other:?}"),
        }
        let Err(p) = card_of(&card("", "")) else {
            panic!()
        };
        assert_eq!(p.of("card_number"), Some(&texts::card_number_required()));
        assert_eq!(p.of("card_expiry"), Some(&texts::card_expiry_required()));
        let Err(p) = card_of(&card("4242 abcd", "9-28")) else {
            panic!()
        };
        assert_eq!(p.of("card_number"), Some(&texts::card_number_digits()));
        assert_eq!(p.of("card_expiry"), Some(&texts::card_expiry_format()));
    }
}
