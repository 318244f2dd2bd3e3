//! Filing at the provider (the regulation's `agency` channel): a citizen came in person and
//! the provider's employee files for them, signed with the EMPLOYEE's own key in the browser.
//! The services of the employee's own organisation whose regulation has an agency channel;
//! the citizen's IIN (the number's rules, then ГБД ФЛ through the gateway, as a CSC finds
//! them — `qyzmet_web::citizen`); the regulation's form, checked on the server; the review;
//! and the submission through [`api::file_at_provider`], the function of
//! `POST /api/agency/requests`. The draft, the form's controls, its check, the application
//! and the review are the kit's (`qyzmet_web::drafts`, `qyzmet_web::filing`), as the CSC's are.

use super::{signed_in, texts, Pages};
use crate::api;
use crate::AGENCY;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use maud::html;
use qyzmet_api::{ApiError, Session};
use qyzmet_core::regulation::{ChannelKind, Regulation};
use qyzmet_gateway::services::FilingAnswer;
use qyzmet_registries::gbd_fl::Person;
use qyzmet_web::citizen::{self, name_of};
use qyzmet_web::drafts::Draft;
use qyzmet_web::filing;
use qyzmet_web::form::{summary, Problems};
use qyzmet_web::page::{respond, see_other};
use qyzmet_web::session::Visitor;
use qyzmet_web::signing::{self, Content, SigningForm};
use serde::Deserialize;

/// The visitor's session and organisation if they are provider staff who may file (as the
/// API's `can_submit` allows); the log-in without a session; a refusal for anyone else.
#[allow(clippy::result_large_err)]
fn staff<'a>(p: &Pages, v: &'a Visitor) -> Result<(&'a Session, &'a str), Response> {
    let s = signed_in(v)?;
    let org = api::staff_org(&s.principal).map_err(|e| p.refused(v, &e))?;
    Ok((s, org))
}

/// The services `org` provides at its own office: the latest version of each regulation of
/// its with an agency channel.
fn services<'a>(p: &'a Pages, org: &str) -> Vec<&'a Regulation> {
    let catalog = &p.agency.inner.catalog;
    catalog
        .all()
        .filter(|r| r.channels.contains_key(&ChannelKind::Agency))
        .filter(|r| r.general.provider.code == org)
        .filter(|r| catalog.latest(&r.code).map(|x| x.version) == Some(r.version))
        .collect()
}

fn service<'a>(p: &'a Pages, org: &str, code: &str) -> Option<&'a Regulation> {
    p.agency
        .inner
        .catalog
        .latest(code)
        .filter(|r| r.channels.contains_key(&ChannelKind::Agency))
        .filter(|r| r.general.provider.code == org)
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

/// `GET /agency/file`: the services to file.
pub(crate) async fn services_page(State(p): State<Pages>, v: Visitor) -> Response {
    let (_, org) = match staff(&p, &v) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let l = v.lang;
    let title = texts::file_title();
    let list = services(&p, org);
    let body = html! {
        h1 { (title.get(l)) }
        p.lead { (texts::file_lead().get(l)) }
        @if list.is_empty() {
            p #no-services { (texts::no_services().get(l)) }
        } @else {
            ul.services #services {
                @for r in &list {
                    li { a href={ "/agency/file/" (r.code) } { (r.name.get(l)) } }
                }
            }
        }
    };
    respond(StatusCode::OK, p.layout(&v, &[]).page(title.get(l), body))
}

#[derive(Deserialize, Default)]
pub(crate) struct Find {
    iin: Option<String>,
}

/// `GET /agency/file/{code}`: the citizen's IIN, found in ГБД ФЛ, then on to the form.
pub(crate) async fn citizen_page(
    State(p): State<Pages>,
    v: Visitor,
    Path(code): Path<String>,
    Query(q): Query<Find>,
) -> Response {
    let (_, org) = match staff(&p, &v) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(r) = service(&p, org, &code) else {
        return not_found(&p, &v);
    };
    let l = v.lang;
    let typed = q
        .iin
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    let mut problems = Problems::default();
    if q.iin.is_some() {
        if typed.is_empty() {
            problems.add("iin", texts::iin_required());
        } else {
            match citizen::find(&p.agency.inner.gateway, AGENCY, &typed).await {
                Ok(person) => {
                    return see_other(&format!("/agency/file/{}/citizens/{}", r.code, person.iin))
                }
                Err(e) if e.status.is_client_error() => problems.add("iin", e.message.clone()),
                Err(e) => return p.refused(&v, &e),
            }
        }
    }
    let title = texts::citizen_title();
    let body = html! {
        (summary(l, &problems))
        span.caption { (r.name.get(l)) }
        h1 { (title.get(l)) }
        p.lead { (texts::citizen_lead().get(l)) }
        form method="get" action={ "/agency/file/" (r.code) } {
            (citizen::iin_control(l, &texts::iin(), &texts::iin_hint(), &typed, &problems))
            div.actions { button type="submit" { (texts::continue_button().get(l)) } }
        }
    };
    respond(
        problems.status(),
        p.layout(&v, &[]).page(title.get(l), body),
    )
}

#[derive(Deserialize, Default)]
pub(crate) struct DraftQuery {
    draft: Option<String>,
}

/// The employee's draft `id` for this citizen, if it is one.
fn draft_of(p: &Pages, s: &Session, id: &str, iin: &str) -> Option<Draft> {
    p.drafts
        .get(id, &s.user.id.to_string())
        .filter(|d| d.recipient.as_deref() == Some(iin))
}

/// The employee, the service and the citizen of a form's address, or the page saying why not.
async fn context<'a>(
    p: &'a Pages,
    v: &'a Visitor,
    code: &str,
    iin: &str,
) -> Result<(&'a Session, &'a Regulation, Person), Response> {
    let (s, org) = staff(p, v)?;
    let r = service(p, org, code).ok_or_else(|| not_found(p, v))?;
    let person = citizen::find(&p.agency.inner.gateway, AGENCY, iin)
        .await
        .map_err(|e| p.refused(v, &e))?;
    Ok((s, r, person))
}

/// `GET /agency/file/{code}/citizens/{iin}`: the regulation's form for the citizen.
pub(crate) async fn form(
    State(p): State<Pages>,
    v: Visitor,
    Path((code, iin)): Path<(String, String)>,
    Query(q): Query<DraftQuery>,
) -> Response {
    let (s, r, person) = match context(&p, &v, &code, &iin).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (id, d) = match &q.draft {
        Some(id) => match draft_of(&p, s, id, &iin) {
            Some(d) => (Some(id.as_str()), d),
            None => return draft_gone(&p, &v),
        },
        None => (None, citizen::draft_for(&s.user.id.to_string(), r, &person)),
    };
    form_page(&p, &v, r, &person, id, &d, &Problems::default())
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
        p.lead #citizen-name { (name_of(person, l)) ", " (texts::recipient_id().get(l)) " " (person.iin) }
        p { (texts::form_lead().get(l)) }
        form method="post" enctype="multipart/form-data" action={ "/agency/file/" (r.code) "/citizens/" (person.iin) } {
            input type="hidden" name="csrf" value=(v.csrf);
            @if let Some(id) = id { input type="hidden" name="draft" value=(id); }
            (filing::controls(r, d, problems, l, &texts::scans()))
            div.actions { button type="submit" { (texts::continue_button().get(l)) } }
        }
    };
    respond(
        problems.status(),
        p.layout(v, &["portal.js"])
            .page(texts::form_title().get(l), body),
    )
}

/// `POST /agency/file/{code}/citizens/{iin}`: the form as posted, checked; on to the review.
pub(crate) async fn fill(
    State(p): State<Pages>,
    v: Visitor,
    Path((code, iin)): Path<(String, String)>,
    parts: Multipart,
) -> Response {
    let (s, r, person) = match context(&p, &v, &code, &iin).await {
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
    citizen::keep_iin(r, &mut d, &person);
    let problems = filing::check(r, &d, filing::today());
    let id = p.drafts.put(id, d.clone());
    if problems.is_empty() {
        see_other(&format!("/agency/file/drafts/{id}"))
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
    let Some(employee_iin) = s.user.iin.as_ref().map(ToString::to_string) else {
        return p.refused(v, &api::no_iin());
    };
    let recipient = d.recipient.clone().unwrap_or_default();
    let app = filing::application(r, d, ChannelKind::Agency, &recipient);
    let edit = format!("/agency/file/{}/citizens/{recipient}?draft={id}", r.code);
    let action = format!("/agency/file/drafts/{id}");
    let signing = SigningForm {
        action: &action,
        csrf: &v.csrf,
        signer: &employee_iin,
        content: Content::Application(&app),
        button: texts::sign_button(),
    };
    let body = html! {
        (summary(l, problems))
        span.caption { (r.name.get(l)) }
        h1 { (texts::review_title().get(l)) }
        dl.facts {
            dt { (texts::recipient_id().get(l)) }
            dd #recipient { (recipient) }
        }
        (filing::review(r, d, l, &texts::not_filled()))
        p { a href=(edit) { (texts::change().get(l)) } }
        h2 { (texts::file_sign_title().get(l)) }
        p { (texts::file_sign_lead().get(l)) }
        (signing::form(l, &signing))
    };
    respond(
        problems.status(),
        p.layout(v, &["portal.js"])
            .page(texts::review_title().get(l), body),
    )
}

/// The employee's draft `id` and its regulation, or the page saying why not.
#[allow(clippy::result_large_err)]
fn drafted<'a>(
    p: &'a Pages,
    v: &'a Visitor,
    id: &str,
) -> Result<(&'a Session, Draft, &'a Regulation), Response> {
    let (s, org) = staff(p, v)?;
    let d = p
        .drafts
        .get(id, &s.user.id.to_string())
        .filter(|d| d.recipient.is_some())
        .ok_or_else(|| draft_gone(p, v))?;
    let r = p
        .agency
        .inner
        .catalog
        .get(&d.service, d.version)
        .filter(|r| r.general.provider.code == org)
        .ok_or_else(|| not_found(p, v))?;
    Ok((s, d, r))
}

/// `GET /agency/file/drafts/{id}`: the review and the employee's signature.
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

/// `POST /agency/file/drafts/{id}`: what the browser signed, filed as the API files it.
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
    let body = filing::signed_filing(r, &d, signed.cms);
    match api::file_at_provider(&p.agency, s, body).await {
        Ok(FilingAnswer::Filed { request_id, .. }) => {
            p.drafts.remove(&id);
            see_other(&format!("/agency/requests/{request_id}?done=filed"))
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
