//! Filing a request from pages, as every workplace that files does it (the citizen on the
//! portal, an operator at a CSC): the regulation's form and list of documents as controls,
//! the posted multipart form read into a [`Draft`]'s values and files, the server's check
//! (`core::regulation::form::check_form`, as the provider's IS checks it again), the review
//! list, the application the browser completes with a nonce and signs, and the
//! [`SignedFiling`] the participant sends on with the signature — the body of its JSON API's
//! filing, so that a page files through the same code as the API.

use crate::drafts::{Draft, DraftFile};
use crate::form::{Control, Kind, Problems};
use crate::regulation::control;
use axum::extract::Multipart;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::NaiveDate;
use maud::{html, Markup};
use qyzmet_api::requests::SignedFiling;
use qyzmet_api::ApiError;
use qyzmet_core::regulation::form::{check_form, is_asked, FileFacts, FormValues};
use qyzmet_core::regulation::{
    Attachment, ChannelKind, Field, FieldType, Form as RegForm, Regulation,
};
use qyzmet_core::{Lang, Text};
use qyzmet_gateway::services::Upload;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Today on Kazakhstan's clock (UTC+5), the day the form's dates are checked against.
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(5)).date_naive()
}

/// The regulation's form fields (none when it states no form).
pub fn fields(r: &Regulation) -> &[Field] {
    r.form
        .value()
        .map(|f| f.fields.as_slice())
        .unwrap_or_default()
}

/// The regulation's list of documents to attach.
pub fn documents(r: &Regulation) -> &[Attachment] {
    r.attachments.value().map(Vec::as_slice).unwrap_or_default()
}

/// The files' key for a document of the regulation's list (as `check_form` names it).
pub fn document_key(a: &Attachment) -> String {
    format!("attachments.{}", a.code)
}

/// The form's definition, or an empty one.
fn definition(r: &Regulation) -> Cow<'_, RegForm> {
    match r.form.value() {
        Some(f) => Cow::Borrowed(f),
        None => Cow::Owned(RegForm {
            fields: Vec::new(),
            rules: Vec::new(),
        }),
    }
}

/// The draft's problems by the server's check of the regulation's form, on `today`.
pub fn check(r: &Regulation, d: &Draft, today: NaiveDate) -> Problems {
    let form = definition(r);
    let (values, files) = as_filed(d);
    let mut problems = Problems::default();
    if let Err(errors) = check_form(&form, documents(r), &values, &files, today) {
        for e in errors {
            problems.add(e.field, e.message);
        }
    }
    problems
}

/// The draft as the application states it: values (file fields: the file's name), and the
/// files by the key the application declares them under (a document: its code).
pub fn as_filed(d: &Draft) -> (FormValues, BTreeMap<String, FileFacts>) {
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

/// The files the application declares and the filing carries: the documents, and the file
/// fields the form asks (a file left in a field no longer asked is not sent).
pub fn sent_files<'a>(r: &Regulation, d: &'a Draft) -> Vec<(String, &'a DraftFile)> {
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
pub fn document_control(a: &Attachment, lang: Lang, d: &Draft, problems: &Problems) -> Control {
    let key = document_key(a);
    let attached = d.files.get(&key).map(|x| x.name.clone());
    let mut c = Control::new(&key, a.name.get(lang), Kind::File { attached });
    c.required = a.required;
    c.mark_optional = !a.required;
    c.error = problems.of(&key).map(|t| t.get(lang).to_string());
    c.accept = Some(".pdf,.jpg,.jpeg,.png".into());
    c
}

/// The form's controls: each field with its value, error and attached file, then the
/// documents under `documents_heading`.
pub fn controls(
    r: &Regulation,
    d: &Draft,
    problems: &Problems,
    lang: Lang,
    documents_heading: &Text,
) -> Markup {
    let l = lang;
    let today = today();
    html! {
        @for f in fields(r) {
            @let value = d.values.get(&f.name).map(String::as_str).unwrap_or_default();
            @let attached = d.files.get(&f.name).map(|x| x.name.as_str());
            (control(f, l, value, problems.of(&f.name), attached, today).render(l))
        }
        @if !documents(r).is_empty() {
            h2 { (documents_heading.get(l)) }
            @for a in documents(r) {
                (document_control(a, l, d, problems).render(l))
            }
        }
    }
}

/// A multipart form as posted: the draft it corrects, the regulation's fields' values (the
/// empty ones left out) and the files chosen (a file input left empty sends none).
#[derive(Debug, Default)]
pub struct Posted {
    pub draft: Option<String>,
    pub values: BTreeMap<String, String>,
    pub files: BTreeMap<String, DraftFile>,
}

impl Posted {
    /// Into `d`: the values as posted, the files added to those it holds.
    pub fn into_draft(self, d: &mut Draft) {
        d.values = self.values;
        d.files.extend(self.files);
    }
}

/// Read the posted form of `r`'s fields and documents; parts it does not name are skipped.
pub async fn read(r: &Regulation, mut parts: Multipart) -> Result<Posted, ApiError> {
    let mut posted = Posted::default();
    let known = |name: &str| {
        fields(r).iter().any(|f| f.name == name)
            || documents(r).iter().any(|a| document_key(a) == name)
    };
    loop {
        let part = match parts.next_field().await {
            Ok(Some(part)) => part,
            Ok(None) => break,
            Err(e) => {
                return Err(ApiError::bad_request(
                    "request.unreadable",
                    unreadable(&e.body_text()),
                ))
            }
        };
        let name = part.name().unwrap_or_default().to_string();
        let file_name = part.file_name().map(str::to_string);
        let media_type = part
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_string();
        let Ok(bytes) = part.bytes().await else {
            return Err(ApiError::bad_request(
                "request.unreadable",
                unreadable("part"),
            ));
        };
        if name == "draft" {
            posted.draft = Some(String::from_utf8_lossy(&bytes).into_owned());
        } else if !known(&name) {
            continue;
        } else if let Some(file_name) = file_name {
            // A file input left empty sends a part with no name and no bytes.
            if !file_name.is_empty() && !bytes.is_empty() {
                posted.files.insert(
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
                posted.values.insert(name, text);
            }
        }
    }
    Ok(posted)
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
/// the fields the form asks, and the files with their SHA-256 and size, for `recipient` on
/// `channel`.
pub fn application(
    r: &Regulation,
    d: &Draft,
    channel: ChannelKind,
    recipient: &str,
) -> serde_json::Value {
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
        "channel": channel,
        "recipient": recipient,
        "form": form,
        "attachments": attachments,
    })
}

/// What the participant files: the browser's CMS over the application and the files it
/// declares.
pub fn signed_filing(r: &Regulation, d: &Draft, cms: String) -> SignedFiling {
    let attachments = sent_files(r, d)
        .into_iter()
        .map(|(key, f)| Upload {
            key,
            name: f.name.clone(),
            media_type: f.media_type.clone(),
            content: STANDARD.encode(&f.content),
        })
        .collect();
    SignedFiling { cms, attachments }
}

/// The review: each field the form asks with its value as the person reads it (a choice's
/// label, a file's name and size), and each document; `not_filled` for what is empty.
pub fn review(r: &Regulation, d: &Draft, lang: Lang, not_filled: &Text) -> Markup {
    let l = lang;
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
    html! {
        dl.facts {
            @for f in fields(r).iter().filter(|f| is_asked(&form_def, f, &values)) {
                dt { (f.label.get(l)) }
                dd {
                    @let value = shown(f);
                    @if value.is_empty() { span.hint { (not_filled.get(l)) } } @else { (value) }
                }
            }
            @for a in documents(r) {
                dt { (a.name.get(l)) }
                dd {
                    @if let Some(f) = d.files.get(&document_key(a)) { (f.name) } @else { span.hint { (not_filled.get(l)) } }
                }
            }
        }
    }
}

/// The problems of a refused filing: its message, then each detail's (a form's fields).
pub fn refusal_problems(e: &ApiError) -> Problems {
    let mut problems = Problems::default();
    problems.add("", e.message.clone());
    for d in &e.details {
        if let Ok(t) = serde_json::from_value::<Text>(d["message"].clone()) {
            problems.add("", t);
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regulation() -> Regulation {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../regulations");
        let path = dir.join("archival-certificate.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let (catalog, problems) =
            qyzmet_core::regulation::Catalog::from_sources(&[(path.display().to_string(), text)]);
        assert!(problems.is_empty(), "{problems:?}");
        catalog.latest("archival-certificate").unwrap().clone()
    }

    #[test]
    fn the_application_names_what_is_asked_and_each_file_by_its_digest() {
        let r = regulation();
        let mut d = Draft::new("u", &r.code, r.version);
        d.values.insert("by_representative".into(), "no".into());
        d.values
            .insert("representative_iin".into(), "850101300005".into());
        d.files.insert(
            "attachments.x".into(),
            DraftFile {
                name: "a.pdf".into(),
                media_type: "application/pdf".into(),
                content: b"abc".to_vec(),
            },
        );
        let app = application(&r, &d, ChannelKind::Csc, "900312400000");
        assert_eq!(app["channel"], "csc");
        assert_eq!(app["recipient"], "900312400000");
        assert_eq!(app["form"]["by_representative"], "no");
        assert!(
            app["form"].get("representative_iin").is_none(),
            "not asked without a representative: {app}"
        );
        assert_eq!(
            app["attachments"][0]["sha256"],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let filing = signed_filing(&r, &d, "cms".into());
        assert_eq!(filing.attachments[0].key, "x");
        assert_eq!(filing.attachments[0].content, "YWJj");
        // The server's check: a representative's IIN is required once one acts.
        d.values.insert("by_representative".into(), "yes".into());
        d.values.remove("representative_iin");
        let problems = check(&r, &d, today());
        assert!(problems.of("representative_iin").is_some(), "{problems:?}");
    }
}
