//! Filing for the citizen: the regulation's form (and its list of documents) on the
//! citizen's behalf — their IIN, name and address from ГБД ФЛ, a representative under a
//! power of attorney where the regulation asks it — checked on the server by
//! `core::regulation::form` as the provider's IS checks it again; the review; and the
//! submission of what the browser signed with the OPERATOR's own key (portal.js with
//! sign.js), through [`CscIs::file`](crate::CscIs::file), as `POST /api/csc/requests` files.
//! The draft, the form's controls, its reading and check, the application and the review
//! are the kit's (`qyzmet_web::drafts`, `qyzmet_web::filing`), as the portal's are.

use super::citizen::name_of;
use super::{texts, Pages};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use maud::html;
use qyzmet_api::{ApiError, Session};
use qyzmet_core::regulation::{ChannelKind, Field, Prefill, Regulation};
use qyzmet_gateway::services::FilingAnswer;
use qyzmet_registries::gbd_fl::Person;
use qyzmet_web::drafts::Draft;
use qyzmet_web::filing::{self, fields};
use qyzmet_web::form::{summary, Problems};
use qyzmet_web::page::{respond, see_other};
use qyzmet_web::session::Visitor;
use qyzmet_web::signing::{self, Content, SigningForm};
use serde::Deserialize;

/// The service `code` if the centre files it (its latest version has a CSC channel).
fn csc_service<'a>(p: &'a Pages, code: &str) -> Option<&'a Regulation> {
    p.catalog
        .latest(code)
        .filter(|r| r.channels.contains_key(&ChannelKind::Csc))
}

/// A value the form takes from what ГБД ФЛ holds of the citizen.
fn prefilled(field: &Field, person: &Person) -> Option<String> {
    match field.prefill? {
        // A person of ГБД ФЛ has an IIN, never a BIN: a BIN field stays empty for them.
        Prefill::Iin => Some(person.iin.to_string()),
        Prefill::Bin => None,
        Prefill::FullName => Some(person.name_ru.to_string()),
        Prefill::Address => Some(person.address.to_string()),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct DraftQuery {
    draft: Option<String>,
}

fn draft_gone(p: &Pages, v: &Visitor) -> Response {
    let nf = qyzmet_web::words::not_found();
    p.layout(v, &[]).error(
        StatusCode::NOT_FOUND,
        nf.get(v.lang),
        texts::draft_gone().get(v.lang),
    )
}

/// The operator's draft `id` for this citizen, if it is one.
fn draft_of(p: &Pages, s: &Session, id: &str, iin: &str) -> Option<Draft> {
    p.drafts
        .get(id, &s.user.id.to_string())
        .filter(|d| d.recipient.as_deref() == Some(iin))
}

/// The operator, the service and the citizen of a form's address, or the page saying why not.
async fn context<'a>(
    p: &'a Pages,
    v: &'a Visitor,
    iin: &str,
    code: &str,
) -> Result<(&'a Session, &'a Regulation, Person), Response> {
    let s = p.operator(v)?;
    let r = csc_service(p, code).ok_or_else(|| p.not_found(v))?;
    let person = p.csc.citizen(s, iin).await.map_err(|e| p.refused(v, &e))?;
    Ok((s, r, person))
}

pub(crate) async fn form(
    State(p): State<Pages>,
    v: Visitor,
    Path((iin, code)): Path<(String, String)>,
    Query(q): Query<DraftQuery>,
) -> Response {
    let (s, r, person) = match context(&p, &v, &iin, &code).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let draft = match &q.draft {
        Some(id) => match draft_of(&p, s, id, &iin) {
            Some(d) => Some((id.clone(), d)),
            None => return draft_gone(&p, &v),
        },
        None => None,
    };
    let d = match &draft {
        Some((_, d)) => d.clone(),
        None => {
            let mut d = Draft::new(&s.user.id.to_string(), &r.code, r.version);
            d.recipient = Some(person.iin.to_string());
            for f in fields(r) {
                if let Some(value) = prefilled(f, &person) {
                    d.values.insert(f.name.clone(), value);
                }
            }
            d
        }
    };
    form_page(
        &p,
        &v,
        r,
        &person,
        draft.as_ref().map(|(id, _)| id.as_str()),
        &d,
        &Problems::default(),
    )
}

fn form_page(
    p: &Pages,
    v: &Visitor,
    r: &Regulation,
    person: &Person,
    id: Option<&str>,
    d: &Draft,
    problems: &Problems,
) -> Response {
    let l = v.lang;
    let body = html! {
        (summary(l, problems))
        span.caption { (r.name.get(l)) }
        h1 { (texts::form_title().get(l)) }
        p.lead #citizen-name { (name_of(person, l)) ", " (texts::iin_short().get(l)) " " (person.iin) }
        p { (texts::form_lead().get(l)) }
        form method="post" enctype="multipart/form-data" action={ "/csc/citizens/" (person.iin) "/services/" (r.code) "/apply" } {
            input type="hidden" name="csrf" value=(v.csrf);
            @if let Some(id) = id { input type="hidden" name="draft" value=(id); }
            (filing::controls(r, d, problems, l, &texts::attachments()))
            div.actions { button type="submit" { (texts::continue_button().get(l)) } }
        }
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
    Path((iin, code)): Path<(String, String)>,
    parts: Multipart,
) -> Response {
    let (s, r, person) = match context(&p, &v, &iin, &code).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let posted = match filing::read(r, parts).await {
        Ok(posted) => posted,
        Err(e) => return p.refused(&v, &e),
    };
    let id = posted.draft.clone();
    let mut d = match &id {
        Some(i) => match draft_of(&p, s, i, &iin) {
            Some(d) => d,
            None => return draft_gone(&p, &v),
        },
        None => {
            let mut d = Draft::new(&s.user.id.to_string(), &r.code, r.version);
            d.recipient = Some(person.iin.to_string());
            d
        }
    };
    posted.into_draft(&mut d);
    // The citizen's IIN is the one found in ГБД ФЛ, not the operator's to change.
    for f in fields(r) {
        if matches!(f.prefill, Some(Prefill::Iin | Prefill::Bin)) {
            match prefilled(f, &person) {
                Some(own) => d.values.insert(f.name.clone(), own),
                None => d.values.remove(&f.name),
            };
        }
    }
    let problems = filing::check(r, &d, filing::today());
    let id = p.drafts.put(id, d.clone());
    if problems.is_empty() {
        see_other(&format!("/csc/drafts/{id}"))
    } else {
        form_page(&p, &v, r, &person, Some(&id), &d, &problems)
    }
}

fn review_page(
    p: &Pages,
    v: &Visitor,
    s: &Session,
    id: &str,
    r: &Regulation,
    d: &Draft,
    problems: &Problems,
) -> Response {
    let l = v.lang;
    let Some(operator_iin) = s.user.iin.as_ref().map(ToString::to_string) else {
        return p.refused(v, &crate::no_iin());
    };
    let recipient = d.recipient.clone().unwrap_or_default();
    let app = filing::application(r, d, ChannelKind::Csc, &recipient);
    let edit = format!(
        "/csc/citizens/{recipient}/services/{}/apply?draft={id}",
        r.code
    );
    let action = format!("/csc/drafts/{id}");
    let signing = SigningForm {
        action: &action,
        csrf: &v.csrf,
        signer: &operator_iin,
        content: Content::Application(&app),
        button: texts::sign_button(),
    };
    let body = html! {
        (summary(l, problems))
        span.caption { (r.name.get(l)) }
        h1 { (texts::review_title().get(l)) }
        dl.facts {
            dt { (texts::recipient().get(l)) }
            dd #recipient { (recipient) }
        }
        (filing::review(r, d, l, &texts::not_filled()))
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

/// The operator's draft `id` and its regulation, or the page saying why not.
#[allow(clippy::result_large_err)]
fn drafted<'a>(
    p: &'a Pages,
    v: &'a Visitor,
    id: &str,
) -> Result<(&'a Session, Draft, &'a Regulation), Response> {
    let s = p.operator(v)?;
    let d = p
        .drafts
        .get(id, &s.user.id.to_string())
        .filter(|d| d.recipient.is_some())
        .ok_or_else(|| draft_gone(p, v))?;
    let r = p
        .catalog
        .get(&d.service, d.version)
        .ok_or_else(|| p.not_found(v))?;
    Ok((s, d, r))
}

pub(crate) async fn review(State(p): State<Pages>, v: Visitor, Path(id): Path<String>) -> Response {
    match drafted(&p, &v, &id) {
        Ok((s, d, r)) => review_page(&p, &v, s, &id, r, &d, &Problems::default()),
        Err(r) => r,
    }
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
    let (s, d, r) = match drafted(&p, &v, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if signed.cms.is_empty() {
        let mut problems = Problems::default();
        problems.add("", signing::needs_script());
        return review_page(&p, &v, s, &id, r, &d, &problems);
    }
    let filing = filing::signed_filing(r, &d, signed.cms);
    match p.csc.file(s, filing).await {
        Ok(FilingAnswer::Filed { request_id, .. }) => {
            p.drafts.remove(&id);
            see_other(&format!("/csc/requests/{request_id}?filed=1"))
        }
        Ok(FilingAnswer::Refused(refused)) => {
            let e: ApiError = refused.into();
            review_page(&p, &v, s, &id, r, &d, &filing::refusal_problems(&e))
        }
        Err(e) if e.status.is_client_error() => {
            review_page(&p, &v, s, &id, r, &d, &filing::refusal_problems(&e))
        }
        Err(e) => p.refused(&v, &e),
    }
}
