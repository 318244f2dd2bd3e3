//! Filing a request: the regulation's form (and its list of documents), checked on the
//! server by `core::regulation::form` as the provider's IS will check it again; the review;
//! and the submission of what the browser signed (portal.js with sign.js) — through the
//! cabinet's own [`Cabinet::file`](crate::cabinet::Cabinet::file), as the JSON API files.

use super::drafts::{Draft, DraftFile};
use super::{signed_in, slots, texts, Pages};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::Utc;
use maud::html;
use qyzmet_api::requests::SignedFiling;
use qyzmet_api::{ApiError, Session};
use qyzmet_core::regulation::form::{check_form, is_asked, FileFacts, FormValues};
use qyzmet_core::regulation::{
    Attachment, ChannelKind, Field, FieldType, Form as RegForm, Prefill, Regulation,
};
use qyzmet_core::{Lang, Text};
use qyzmet_gateway::services::{FilingAnswer, Upload};
use qyzmet_web::form::{summary, Control, Kind, Problems};
use qyzmet_web::page::{respond, see_other};
use qyzmet_web::regulation::control;
use qyzmet_web::session::Visitor;
use qyzmet_web::signing::{self, Content, SigningForm};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

fn today() -> chrono::NaiveDate {
    (Utc::now() + chrono::Duration::hours(5)).date_naive()
}

fn fields(r: &Regulation) -> &[Field] {
    r.form
        .value()
        .map(|f| f.fields.as_slice())
        .unwrap_or_default()
}

fn documents(r: &Regulation) -> &[Attachment] {
    r.attachments.value().map(Vec::as_slice).unwrap_or_default()
}

/// The files' key for a document of the regulation's list (as `check_form` names it).
fn document_key(a: &Attachment) -> String {
    format!("attachments.{}", a.code)
}

/// What the regulation's form is checked against, and the facts of the draft's files.
fn checked(r: &Regulation, d: &Draft) -> Problems {
    let form = definition(r);
    let (values, files) = as_filed(d);
    let mut problems = Problems::default();
    if let Err(errors) = check_form(&form, documents(r), &values, &files, today()) {
        for e in errors {
            problems.add(e.field, e.message);
        }
    }
    problems
}

/// The draft as the application states it: values (file fields: the file's name), and the
/// files by the key the application declares them under (a document: its code).
fn as_filed(d: &Draft) -> (FormValues, BTreeMap<String, FileFacts>) {
    let mut values = d.values.clone();
    let mut files = BTreeMap::new();
    for (key, f) in &d.files {
        match key.strip_prefix("attachments.") {
            Some(code) => {
                files.insert(code.to_string(), facts(f));
            }
            None => {
                values.insert(key.clone(), f.name.clone());
                files.insert(key.clone(), facts(f));
            }
        }
    }
    (values, files)
}

fn facts(f: &DraftFile) -> FileFacts {
    FileFacts {
        name: f.name.clone(),
        size: f.content.len() as u64,
    }
}

/// The form's definition, or none.
fn definition(r: &Regulation) -> std::borrow::Cow<'_, RegForm> {
    match r.form.value() {
        Some(f) => std::borrow::Cow::Borrowed(f),
        None => std::borrow::Cow::Owned(RegForm {
            fields: Vec::new(),
            rules: Vec::new(),
        }),
    }
}

/// The files the application declares and the filing carries: the documents, and the file
/// fields the form asks (a file left in a field no longer asked is not sent).
fn sent_files<'a>(r: &Regulation, d: &'a Draft) -> Vec<(String, &'a DraftFile)> {
    let (values, _) = as_filed(d);
    let form = definition(r);
    d.files
        .iter()
        .filter_map(|(k, f)| match k.strip_prefix("attachments.") {
            Some(code) => Some((code.to_string(), f)),
            None => fields(r)
                .iter()
                .find(|x| &x.name == k && x.kind == FieldType::File)
                .filter(|x| is_asked(&form, x, &values))
                .map(|_| (k.clone(), f)),
        })
        .collect()
}

/// The control of a document of the regulation's list.
fn document_control(a: &Attachment, lang: Lang, d: &Draft, problems: &Problems) -> Control {
    let key = document_key(a);
    let attached = d.files.get(&key).map(|x| x.name.clone());
    let mut c = Control::new(&key, a.name.get(lang), Kind::File { attached });
    c.required = a.required;
    c.mark_optional = !a.required;
    c.error = problems.of(&key).map(|t| t.get(lang).to_string());
    c.accept = Some(".pdf,.jpg,.jpeg,.png".into());
    c
}

fn portal_service<'a>(p: &'a Pages, code: &str) -> Option<&'a Regulation> {
    p.portal
        .catalog()
        .latest(code)
        .filter(|r| r.channels.contains_key(&ChannelKind::Portal))
}

/// A value the form takes from the person's registration.
fn prefilled(field: &Field, s: &Session) -> Option<String> {
    match field.prefill? {
        Prefill::Iin | Prefill::Bin => s.principal.login.identifier(),
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
    let today = today();
    let action = format!("/portal/services/{}/apply", r.code);
    let first_slot_field = offer.and_then(|o| o.first(r));
    let body = html! {
        (summary(l, problems))
        span.caption { (r.name.get(l)) }
        h1 { (texts::form_title().get(l)) }
        form method="post" enctype="multipart/form-data" action={ "/portal/services/" (r.code) "/apply" } {
            input type="hidden" name="csrf" value=(v.csrf);
            @if let Some(id) = id { input type="hidden" name="draft" value=(id); }
            @for f in fields(r) {
                @if let Some(o) = offer.filter(|o| o.has(&f.name)) {
                    @if first_slot_field.as_deref() == Some(f.name.as_str()) {
                        (slots::chooser(v, o, &d.values, today, problems))
                    }
                } @else {
                @let value = d.values.get(&f.name).map(String::as_str).unwrap_or_default();
                @let attached = d.files.get(&f.name).map(|x| x.name.as_str());
                (control(f, l, value, problems.of(&f.name), attached, today).render(l))
                }
            }
            @if !documents(r).is_empty() {
                h2 { (texts::attachments().get(l)) }
                @for a in documents(r) {
                    (document_control(a, l, d, problems).render(l))
                }
            }
            div.actions { button type="submit" { (texts::continue_button().get(l)) } }
        }
        @if offer.is_some() { (slots::choice_form(&action, id)) }
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
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
    mut parts: Multipart,
) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(r) = portal_service(&p, &code) else {
        return not_found(&p, &v);
    };
    let owner = s.user.id.to_string();
    let mut id = None;
    let mut values = BTreeMap::new();
    let mut files = BTreeMap::new();
    let known = |name: &str| {
        fields(r).iter().any(|f| f.name == name)
            || documents(r).iter().any(|a| document_key(a) == name)
    };
    loop {
        let part = match parts.next_field().await {
            Ok(Some(part)) => part,
            Ok(None) => break,
            Err(e) => {
                let e = ApiError::bad_request("request.unreadable", unreadable(&e.body_text()));
                return p.refused(&v, &e);
            }
        };
        let name = part.name().unwrap_or_default().to_string();
        let file_name = part.file_name().map(str::to_string);
        let media_type = part
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_string();
        let Ok(bytes) = part.bytes().await else {
            let e = ApiError::bad_request("request.unreadable", unreadable("part"));
            return p.refused(&v, &e);
        };
        if name == "draft" {
            id = Some(String::from_utf8_lossy(&bytes).into_owned());
        } else if !known(&name) {
            continue;
        } else if let Some(file_name) = file_name {
            // A file input left empty sends a part with no name and no bytes.
            if !file_name.is_empty() && !bytes.is_empty() {
                files.insert(
                    name,
                    DraftFile {
                        name: base_name(&file_name),
                        media_type,
                        content: bytes.to_vec(),
                    },
                );
            }
        } else {
            let text = String::from_utf8_lossy(&bytes).trim().to_string();
            if !text.is_empty() {
                values.insert(name, text);
            }
        }
    }
    let mut d = match &id {
        Some(i) => match p.drafts.get(i, &owner) {
            Some(d) => d,
            None => return draft_gone(&p, &v),
        },
        None => Draft::new(&owner, &r.code, r.version),
    };
    // The person's own IIN/BIN is not theirs to change.
    for f in fields(r) {
        if matches!(f.prefill, Some(Prefill::Iin | Prefill::Bin)) {
            if let Some(own) = prefilled(f, s) {
                values.insert(f.name.clone(), own);
            }
        }
    }
    d.values = values;
    d.files.extend(files);
    let mut problems = checked(r, &d);
    slots::check(&p, r, &d.values, &mut problems).await;
    let id = p.drafts.put(id, d.clone());
    if problems.is_empty() {
        see_other(&format!("/portal/drafts/{id}"))
    } else {
        let offer = slots::offer(&p, r, &d.values).await;
        form_page(&p, &v, r, Some(&id), &d, &problems, offer.as_ref())
    }
}

fn unreadable(why: &str) -> Text {
    Text::new(
        format!("Нысанды оқу мүмкін болмады: {why}"),
        format!("Не удалось прочитать форму: {why}"),
        format!("The form could not be read: {why}"),
    )
}

/// The file's own name, without a path some browsers send.
fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\']).next().unwrap_or(name).to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The application without its nonce, as portal.js completes and signs it: the values of
/// the fields the form asks, and the files with their SHA-256 and size.
fn application(r: &Regulation, d: &Draft, recipient: &str) -> serde_json::Value {
    let (values, _) = as_filed(d);
    let form_def = definition(r);
    let form: BTreeMap<&String, &String> = values
        .iter()
        .filter(|(k, _)| {
            fields(r)
                .iter()
                .find(|f| &f.name == *k)
                .is_some_and(|f| is_asked(&form_def, f, &values))
        })
        .collect();
    let attachments: Vec<serde_json::Value> = sent_files(r, d)
        .into_iter()
        .map(|(key, f)| {
            json!({
                "key": key,
                "name": f.name,
                "sha256": hex(&Sha256::digest(&f.content)),
                "size": f.content.len(),
            })
        })
        .collect();
    json!({
        "service": r.code,
        "version": r.version,
        "channel": "portal",
        "recipient": recipient,
        "form": form,
        "attachments": attachments,
    })
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
    let recipient = s.principal.login.identifier().unwrap_or_default();
    let app = application(r, d, &recipient);
    let shown = |f: &Field| -> String {
        if f.kind == FieldType::File {
            return d
                .files
                .get(&f.name)
                .map(|x| format!("{} ({} KB)", x.name, x.content.len().div_ceil(1024)))
                .unwrap_or_default();
        }
        let value = d.values.get(&f.name).cloned().unwrap_or_default();
        f.choices
            .iter()
            .find(|c| c.value == value)
            .map(|c| c.label.get(l).to_string())
            .unwrap_or(value)
    };
    let (values, _) = as_filed(d);
    let form_def = definition(r);
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
        dl.facts {
            @for f in fields(r).iter().filter(|f| is_asked(&form_def, f, &values)) {
                dt { (f.label.get(l)) }
                dd {
                    @let value = shown(f);
                    @if value.is_empty() { span.hint { (texts::not_filled().get(l)) } } @else { (value) }
                }
            }
            @for a in documents(r) {
                dt { (a.name.get(l)) }
                dd {
                    @if let Some(f) = d.files.get(&document_key(a)) { (f.name) } @else { span.hint { (texts::not_filled().get(l)) } }
                }
            }
        }
        p { a href=(edit) { (texts::change().get(l)) } }
        h2 { (texts::sign_title().get(l)) }
        p { (texts::sign_lead().get(l)) }
        (signing::form(l, &signing))
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
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
    review_page(&p, &v, s, &id, r, &d, &Problems::default())
}

#[derive(Deserialize)]
pub(crate) struct Signed {
    #[serde(default)]
    cms: String,
}

/// The problems of a refused filing: its message, then each detail's (a form's fields).
fn refusal_problems(e: &ApiError) -> Problems {
    let mut problems = Problems::default();
    problems.add("", e.message.clone());
    for d in &e.details {
        if let Ok(t) = serde_json::from_value::<Text>(d["message"].clone()) {
            problems.add("", t);
        }
    }
    problems
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
        return review_page(&p, &v, s, &id, r, &d, &problems);
    }
    let attachments = sent_files(r, &d)
        .into_iter()
        .map(|(key, f)| Upload {
            key,
            name: f.name.clone(),
            media_type: f.media_type.clone(),
            content: STANDARD.encode(&f.content),
        })
        .collect();
    let filing = SignedFiling {
        cms: signed.cms,
        attachments,
    };
    match p.cabinet.file(s, filing).await {
        Ok(FilingAnswer::Filed { request_id, .. }) => {
            p.drafts.remove(&id);
            see_other(&format!("/portal/requests/{request_id}?filed=1"))
        }
        Ok(FilingAnswer::Refused(refused)) => {
            let e: ApiError = refused.into();
            review_page(&p, &v, s, &id, r, &d, &refusal_problems(&e))
        }
        Err(e) if e.status.is_client_error() => {
            review_page(&p, &v, s, &id, r, &d, &refusal_problems(&e))
        }
        Err(e) => p.refused(&v, &e),
    }
}
