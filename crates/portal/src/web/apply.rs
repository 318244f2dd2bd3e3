//! Filing a request: the regulation's form (and its list of documents), checked on the
//! server by `core::regulation::form` as the provider's IS will check it again; the review;
//! and the submission of what the browser signed (portal.js with sign.js) — through the
//! cabinet's own [`Cabinet::file`](crate::cabinet::Cabinet::file), as the JSON API files.
//! The draft, the form's controls, its reading and check, the application and the review
//! are the kit's (`qyzmet_web::drafts`, `qyzmet_web::filing`), as a CSC's pages file too.

use super::{signed_in, slots, texts, Pages};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use maud::html;
use qyzmet_api::{ApiError, Session};
use qyzmet_core::regulation::{ChannelKind, Field, Prefill, Regulation};
use qyzmet_gateway::services::FilingAnswer;
use qyzmet_web::drafts::Draft;
use qyzmet_web::filing::{self, fields};
use qyzmet_web::form::{summary, Problems};
use qyzmet_web::page::{respond, see_other};
use qyzmet_web::session::Visitor;
use qyzmet_web::signing::{self, Content, SigningForm};
use serde::Deserialize;
use std::collections::BTreeMap;

fn portal_service<'a>(p: &'a Pages, code: &str) -> Option<&'a Regulation> {
    p.portal
        .catalog()
        .latest(code)
        .filter(|r| r.channels.contains_key(&ChannelKind::Portal))
}

/// A value the form takes from the person's registration.
fn prefilled(field: &Field, s: &Session) -> Option<String> {
    match field.prefill? {
        // Each from a login of its kind: a citizen's IIN is no BIN (the form's BIN field
        // stays empty for a person, as the provider's IS wants it: the recipient's or none).
        Prefill::Iin => match &s.principal.login {
            qyzmet_accounts::Login::Iin(i) => Some(i.to_string()),
            _ => None,
        },
        Prefill::Bin => match &s.principal.login {
            qyzmet_accounts::Login::Bin(b) => Some(b.to_string()),
            _ => None,
        },
        Prefill::FullName => Some(s.user.full_name.clone()),
        Prefill::Address => None,
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct DraftQuery {
    draft: Option<String>,
    /// The doctor and the day of a slot choice (`slots`).
    #[serde(flatten)]
    chosen: BTreeMap<String, String>,
}

fn not_found(p: &Pages, v: &Visitor) -> Response {
    let nf = qyzmet_web::words::not_found();
    p.layout(v, &[])
        .error(StatusCode::NOT_FOUND, nf.get(v.lang), nf.get(v.lang))
}

fn draft_gone(p: &Pages, v: &Visitor) -> Response {
    let nf = qyzmet_web::words::not_found();
    p.layout(v, &[]).error(
        StatusCode::NOT_FOUND,
        nf.get(v.lang),
        texts::draft_gone().get(v.lang),
    )
}

pub(crate) async fn form(
    State(p): State<Pages>,
    v: Visitor,
    Path(code): Path<String>,
    Query(q): Query<DraftQuery>,
) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(r) = portal_service(&p, &code) else {
        return not_found(&p, &v);
    };
    let draft = match &q.draft {
        Some(id) => match p.drafts.get(id, &s.user.id.to_string()) {
            Some(d) => Some((id.clone(), d)),
            None => return draft_gone(&p, &v),
        },
        None => None,
    };
    let mut d = draft
        .as_ref()
        .map(|(_, d)| d.clone())
        .unwrap_or_else(|| Draft::new(&s.user.id.to_string(), &r.code, r.version));
    if draft.is_none() {
        for f in fields(r) {
            if let Some(value) = prefilled(f, s) {
                d.values.insert(f.name.clone(), value);
            }
        }
    }
    slots::take_query(r, &mut d.values, &q.chosen);
    let offer = slots::offer(&p, r, &d.values).await;
    let id = draft.map(|(id, _)| id);
    form_page(
        &p,
        &v,
        r,
        id.as_deref(),
        &d,
        &Problems::default(),
        offer.as_ref(),
    )
}

fn form_page(
    p: &Pages,
    v: &Visitor,
    r: &Regulation,
    id: Option<&str>,
    d: &Draft,
    problems: &Problems,
    offer: Option<&slots::Offer>,
) -> Response {
    let l = v.lang;
    let action = format!("/portal/services/{}/apply", r.code);
    let body = html! {
        (summary(l, problems))
        span.caption { (r.name.get(l)) }
        h1 { (texts::form_title().get(l)) }
        form method="post" enctype="multipart/form-data" action={ "/portal/services/" (r.code) "/apply" } {
            input type="hidden" name="csrf" value=(v.csrf);
            @if let Some(id) = id { input type="hidden" name="draft" value=(id); }
            @if let Some(o) = offer {
                (slots::controls(v, r, o, d, problems))
            } @else {
                (filing::controls(r, d, problems, l, &texts::attachments()))
            }
            div.actions { button type="submit" { (texts::continue_button().get(l)) } }
        }
        @if offer.is_some() { (slots::choice_form(&action, id)) }
    };
    let status = problems.status();
    respond(
        status,
        p.layout(v, &["portal.js"])
            .page(texts::form_title().get(l), body),
    )
}

/// The form as posted: the regulation's fields and files, the draft it corrects.
pub(crate) async fn fill(
    State(p): State<Pages>,
    v: Visitor,
    Path(code): Path<String>,
    parts: Multipart,
) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(r) = portal_service(&p, &code) else {
        return not_found(&p, &v);
    };
    let owner = s.user.id.to_string();
    let posted = match filing::read(r, parts).await {
        Ok(posted) => posted,
        Err(e) => return p.refused(&v, &e),
    };
    let id = posted.draft.clone();
    let mut d = match &id {
        Some(i) => match p.drafts.get(i, &owner) {
            Some(d) => d,
            None => return draft_gone(&p, &v),
        },
        None => Draft::new(&owner, &r.code, r.version),
    };
    posted.into_draft(&mut d);
    // The person's own IIN/BIN is not theirs to change.
    for f in fields(r) {
        if matches!(f.prefill, Some(Prefill::Iin | Prefill::Bin)) {
            match prefilled(f, s) {
                Some(own) => d.values.insert(f.name.clone(), own),
                None => d.values.remove(&f.name),
            };
        }
    }
    let mut problems = filing::check(r, &d, filing::today());
    slots::check(&p, r, &d.values, &mut problems).await;
    let id = p.drafts.put(id, d.clone());
    if problems.is_empty() {
        see_other(&format!("/portal/drafts/{id}"))
    } else {
        let offer = slots::offer(&p, r, &d.values).await;
        form_page(&p, &v, r, Some(&id), &d, &problems, offer.as_ref())
    }
}

async fn review_page(
    p: &Pages,
    v: &Visitor,
    s: &Session,
    id: &str,
    r: &Regulation,
    d: &Draft,
    problems: &Problems,
) -> Response {
    let l = v.lang;
    // Where a doctor's slot was chosen, the review says the doctor by name.
    let offer = slots::offer(p, r, &d.values).await;
    let recipient = s.principal.login.identifier().unwrap_or_default();
    let app = filing::application(r, d, ChannelKind::Portal, &recipient);
    let edit = format!("/portal/services/{}/apply?draft={id}", r.code);
    let action = format!("/portal/drafts/{id}");
    let signing = SigningForm {
        action: &action,
        csrf: &v.csrf,
        signer: &recipient,
        content: Content::Application(&app),
        button: texts::sign_button(),
    };
    let body = html! {
        (summary(l, problems))
        span.caption { (r.name.get(l)) }
        h1 { (texts::review_title().get(l)) }
        (filing::review(r, d, l, &texts::not_filled()))
        @if let Some(o) = &offer { (slots::chosen(o, &d.values, l)) }
        p { a href=(edit) { (texts::change().get(l)) } }
        h2 { (texts::sign_title().get(l)) }
        p { (texts::sign_lead().get(l)) }
        (signing::form(l, &signing))
    };
    let status = problems.status();
    respond(
        status,
        p.layout(v, &["portal.js"])
            .page(texts::review_title().get(l), body),
    )
}

pub(crate) async fn review(State(p): State<Pages>, v: Visitor, Path(id): Path<String>) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(d) = p.drafts.get(&id, &s.user.id.to_string()) else {
        return draft_gone(&p, &v);
    };
    let Some(r) = p.portal.catalog().get(&d.service, d.version) else {
        return not_found(&p, &v);
    };
    review_page(&p, &v, s, &id, r, &d, &Problems::default()).await
}

#[derive(Deserialize)]
pub(crate) struct Signed {
    #[serde(default)]
    cms: String,
}

pub(crate) async fn submit(
    State(p): State<Pages>,
    v: Visitor,
    Path(id): Path<String>,
    Form(signed): Form<Signed>,
) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(d) = p.drafts.get(&id, &s.user.id.to_string()) else {
        return draft_gone(&p, &v);
    };
    let Some(r) = p.portal.catalog().get(&d.service, d.version) else {
        return not_found(&p, &v);
    };
    // A slot chosen in the form may have been taken since: said at its field, nothing filed.
    let mut taken = Problems::default();
    slots::check(&p, r, &d.values, &mut taken).await;
    if !taken.is_empty() {
        let offer = slots::offer(&p, r, &d.values).await;
        return form_page(&p, &v, r, Some(&id), &d, &taken, offer.as_ref());
    }
    if signed.cms.is_empty() {
        let mut problems = Problems::default();
        problems.add("", signing::needs_script());
        return review_page(&p, &v, s, &id, r, &d, &problems).await;
    }
    let filing = filing::signed_filing(r, &d, signed.cms);
    match p.cabinet.file(s, filing).await {
        Ok(FilingAnswer::Filed { request_id, .. }) => {
            p.drafts.remove(&id);
            see_other(&format!("/portal/requests/{request_id}?filed=1"))
        }
        Ok(FilingAnswer::Refused(refused)) => {
            let e: ApiError = refused.into();
            let problems = filing::refusal_problems(&e);
            review_page(&p, &v, s, &id, r, &d, &problems).await
        }
        Err(e) if e.status.is_client_error() => {
            let problems = filing::refusal_problems(&e);
            review_page(&p, &v, s, &id, r, &d, &problems).await
        }
        Err(e) => p.refused(&v, &e),
    }
}
