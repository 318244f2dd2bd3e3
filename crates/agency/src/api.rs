//! The employee's workplace over HTTP, and the SLA view for monitors.
//!
//! Each handler reads its input and calls a function the workplace's pages ([`crate::web`])
//! call too (`queue_of`, `open`, `attachment_of`, `take_into_work`, `decide_on`,
//! `extend_deadline`, `perform_other`, `result_to_sign`, `sign_result_with`), so that a page
//! and the JSON API check and do exactly the same.
//!
//! | route | who | what |
//! |---|---|---|
//! | `GET  /api/agency/queue` | provider staff | the organisation's requests, earliest deadline (overdue) first |
//! | `POST /api/agency/requests` | employee | file a request at the provider, signed with the employee's key |
//! | `GET  /api/agency/requests/{id}` | provider staff | the request: form, state, whom it waits for, history |
//! | `GET  /api/agency/requests/{id}/attachments/{aid}` | provider staff | an attached scan |
//! | `POST /api/agency/requests/{id}/take` | employee | take into work |
//! | `POST /api/agency/requests/{id}/decide` | employee | positive / interim / motivated refusal with grounds |
//! | `POST /api/agency/requests/{id}/extend` | employee, head | a later deadline, with the reason |
//! | `POST /api/agency/requests/{id}/perform` | staff | another person step the request waits for |
//! | `GET  /api/agency/requests/{id}/result` | staff | the result document to sign |
//! | `POST /api/agency/requests/{id}/sign-result` | signer | the result signed with the signer's own key |
//! | `GET  /api/sla` | monitor, head | SLA per service and provider |
//! | `GET  /api/gateway/stopped` | administrator | notices whose delivery stopped |
//! | `POST /api/gateway/stopped/{id}/resend` | administrator | put one back on its way |

use crate::drive::state_of;
use crate::{local, AgencyIs};
use axum::extract::{FromRef, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::{NaiveDateTime, Utc};
use qyzmet_accounts::policy::StaffAct;
use qyzmet_accounts::{Denied, Principal, RequestScope, Role as AccountRole};
use qyzmet_api::requests::{Perform, SignedFiling};
use qyzmet_api::{ApiError, Body, Session};
use qyzmet_core::regulation::{Check, Operation, Outcome, Participant, Regulation, Role};
use qyzmet_core::Text;
use qyzmet_engine::{Actor, Engine, Input, RequestState, Waiting};
use qyzmet_gateway::services::{Filing, FilingAnswer};
use qyzmet_pki::verify::Expectation;
use qyzmet_store::{
    AttachmentId, NewSignature, Party, QueueFilter, Request, SignaturePurpose, Store,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

impl FromRef<AgencyIs> for Store {
    fn from_ref(a: &AgencyIs) -> Store {
        a.inner.store.clone()
    }
}

pub fn router(agency: AgencyIs) -> Router {
    Router::new()
        .route("/api/agency/queue", get(queue))
        .route("/api/agency/requests", post(file))
        .route("/api/agency/requests/{id}", get(show))
        .route(
            "/api/agency/requests/{id}/attachments/{aid}",
            get(attachment),
        )
        .route("/api/agency/requests/{id}/take", post(take))
        .route("/api/agency/requests/{id}/decide", post(decide))
        .route("/api/agency/requests/{id}/extend", post(extend))
        .route("/api/agency/requests/{id}/perform", post(perform_route))
        .route("/api/agency/requests/{id}/result", get(result_draft))
        .route("/api/agency/requests/{id}/sign-result", post(sign_result))
        .route("/api/sla", get(crate::sweep::sla))
        .route("/api/gateway/stopped", get(crate::outbox::stopped))
        .route(
            "/api/gateway/stopped/{id}/resend",
            post(crate::outbox::resend),
        )
        .with_state(agency)
}

pub(crate) fn out_of_turn() -> ApiError {
    ApiError::conflict(
        "request.out_of_turn",
        Text::new(
            "Өтінім қазір бұл әрекетті күтпейді",
            "Заявка сейчас не ожидает этого действия",
            "The request is not waiting for this action now",
        ),
    )
}

fn not_staff() -> ApiError {
    denied(Denied::Role)
}

/// The provider staff's organisation, or a refusal.
pub(crate) fn staff_org(p: &Principal) -> Result<&str, ApiError> {
    let staff = [
        AccountRole::Employee,
        AccountRole::Signer,
        AccountRole::Head,
    ]
    .iter()
    .any(|r| p.has(*r));
    match (&p.organisation, staff) {
        (Some(o), true) => Ok(o),
        _ => Err(not_staff()),
    }
}

pub(crate) use qyzmet_api::denied;

pub(crate) async fn readable(
    agency: &AgencyIs,
    p: &Principal,
    id: &str,
) -> Result<Request, ApiError> {
    qyzmet_api::readable(&agency.inner.store, p, id).await
}

async fn csc_code(agency: &AgencyIs, req: &Request) -> Result<Option<String>, ApiError> {
    qyzmet_api::requests::csc_code(&agency.inner.store, req).await
}

fn scope<'a>(req: &'a Request, csc: Option<&'a str>, recipient: &'a str) -> RequestScope<'a> {
    RequestScope {
        recipient,
        provider: &req.summary.provider_code,
        csc,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueQuery {
    status: Option<String>,
    overdue: Option<bool>,
    lang: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct QueueItem {
    pub(crate) id: String,
    pub(crate) number: String,
    pub(crate) service: String,
    /// The regulation's version the request is pinned to (for its name on the pages).
    #[serde(skip)]
    pub(crate) version: u32,
    pub(crate) channel: qyzmet_core::regulation::ChannelKind,
    pub(crate) recipient: String,
    pub(crate) status: qyzmet_core::regulation::Status,
    pub(crate) deadline: Option<chrono::DateTime<Utc>>,
    /// Seconds until the current action's deadline; negative when overdue.
    pub(crate) time_left_seconds: Option<i64>,
    pub(crate) overdue: bool,
    pub(crate) received_at: chrono::DateTime<Utc>,
}

async fn queue(
    State(agency): State<AgencyIs>,
    session: Session,
    Query(q): Query<QueueQuery>,
) -> Result<Json<Vec<QueueItem>>, ApiError> {
    let _ = q.lang;
    Ok(Json(
        queue_of(
            &agency,
            &session.principal,
            q.status.as_deref(),
            q.overdue == Some(true),
        )
        .await?,
    ))
}

/// The queue of `p`'s organisation, earliest deadline (overdue) first: only `status` when
/// given, only the overdue when asked. The JSON API and the workplace's page both list this.
pub(crate) async fn queue_of(
    agency: &AgencyIs,
    p: &Principal,
    status: Option<&str>,
    overdue: bool,
) -> Result<Vec<QueueItem>, ApiError> {
    let org = staff_org(p)?;
    let now = Utc::now();
    let mut filter = QueueFilter::default();
    if let Some(s) = status {
        let status = serde_json::from_value(Value::String(s.to_string())).map_err(|_| {
            ApiError::bad_request(
                "queue.status",
                Text::new(
                    format!("Белгісіз мәртебе: {s}"),
                    format!("Неизвестный статус: {s}"),
                    format!("Unknown status: {s}"),
                ),
            )
        })?;
        filter.statuses.push(status);
    }
    if overdue {
        filter.overdue_at = Some(now);
    }
    let list = agency
        .inner
        .store
        .requests_for_provider(org, &filter)
        .await?;
    Ok(list
        .into_iter()
        .map(|r| QueueItem {
            id: r.id.to_string(),
            number: r.number.clone(),
            service: r.regulation.clone(),
            version: r.version,
            channel: r.channel,
            recipient: r.recipient.to_string(),
            status: r.status,
            deadline: r.deadline,
            time_left_seconds: r.deadline.map(|d| (d - now).num_seconds()),
            overdue: r.overdue_at(now),
            received_at: r.created_at,
        })
        .collect())
}

use qyzmet_api::view;

/// A request as provider staff see it: the stored request, its engine state, whom it waits
/// for (by its pinned regulation) and its attachments.
pub(crate) struct Opened {
    pub(crate) req: Request,
    pub(crate) st: RequestState,
    pub(crate) waiting: Option<Waiting>,
    pub(crate) attachments: Vec<qyzmet_store::AttachmentInfo>,
}

/// Open request `id` for `p`, who must be provider staff allowed to read it.
pub(crate) async fn open(agency: &AgencyIs, p: &Principal, id: &str) -> Result<Opened, ApiError> {
    staff_org(p)?;
    let req = readable(agency, p, id).await?;
    let st = state_of(&req)?;
    let waiting = agency
        .inner
        .catalog
        .get(&req.summary.regulation, req.summary.version)
        .and_then(|reg| Engine::new(reg, &agency.inner.calendar).waiting(&st));
    let attachments = agency.inner.store.attachments(&req.summary.id).await?;
    Ok(Opened {
        req,
        st,
        waiting,
        attachments,
    })
}

async fn show(
    State(agency): State<AgencyIs>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let o = open(&agency, &session.principal, &id).await?;
    let mut v = view(&o.req, &o.st, o.waiting);
    v["attachments"] = json!(o
        .attachments
        .iter()
        .map(|a| json!({"id": a.id, "name": a.name, "media_type": a.media_type, "size": a.size, "sha256": a.sha256}))
        .collect::<Vec<_>>());
    Ok(Json(v))
}

/// Attachment `aid` of request `id`, if `p` may read the request.
pub(crate) async fn attachment_of(
    agency: &AgencyIs,
    p: &Principal,
    id: &str,
    aid: &str,
) -> Result<qyzmet_store::Attachment, ApiError> {
    let req = readable(agency, p, id).await?;
    let a = agency
        .inner
        .store
        .attachment(&AttachmentId(aid.to_string()))
        .await?;
    if a.info.request != req.summary.id {
        return Err(ApiError::not_found("attachment"));
    }
    Ok(a)
}

async fn attachment(
    State(agency): State<AgencyIs>,
    session: Session,
    Path((id, aid)): Path<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let a = attachment_of(&agency, &session.principal, &id, &aid).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, a.info.media_type.clone())],
        a.content,
    )
        .into_response())
}

async fn file(
    State(agency): State<AgencyIs>,
    session: Session,
    Body(body): Body<SignedFiling>,
) -> Result<(StatusCode, Json<FilingAnswer>), ApiError> {
    let answer = file_at_provider(&agency, &session, body).await?;
    let code = match &answer {
        FilingAnswer::Filed {
            duplicate: false, ..
        } => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    Ok((code, Json(answer)))
}

/// File at the provider (the `agency` channel) what `session`'s staff member signed with
/// their own key for a citizen who came in person: only staff of the service's provider may
/// (`Principal::can_submit`), the signer being the one logged in. `POST /api/agency/requests`
/// and the filing pages both call it.
pub(crate) async fn file_at_provider(
    agency: &AgencyIs,
    session: &Session,
    body: SignedFiling,
) -> Result<FilingAnswer, ApiError> {
    let p = &session.principal;
    let der = STANDARD.decode(body.cms.as_bytes()).unwrap_or_default();
    let app = crate::filing::read_application(&der)?;
    p.can_submit(
        qyzmet_core::regulation::ChannelKind::Agency,
        &app.recipient,
        &agency
            .regulation(&app.service, app.version)?
            .general
            .provider
            .code,
    )
    .map_err(denied)?;
    let iin = session.user.iin.as_ref().ok_or_else(no_iin)?;
    agency
        .file(Filing {
            channel: qyzmet_core::regulation::ChannelKind::Agency,
            cms: body.cms,
            attachments: body.attachments,
            submitted_by: session.user.id.to_string(),
            signer_iin: iin.to_string(),
            csc: None,
        })
        .await
}

pub(crate) fn no_iin() -> ApiError {
    ApiError::forbidden(
        "auth.no_iin",
        Text::new(
            "Қызметкердің ЖСН-ы тіркелмеген, ол қол қоя алмайды",
            "У сотрудника не указан ИИН, он не может подписывать",
            "The employee has no IIN on record and cannot sign",
        ),
    )
}

/// The role in which `p` may act for a step of `role` (`None`: any of the unit's staff).
pub(crate) fn acting_role(p: &Principal, role: Option<Role>) -> Result<Option<Role>, ApiError> {
    let holds = |r: Role| {
        let a = match r {
            Role::Employee => AccountRole::Employee,
            Role::Signer => AccountRole::Signer,
            Role::Head => AccountRole::Head,
            Role::Operator => AccountRole::Operator,
        };
        p.has(a)
    };
    match role {
        None => Ok(None),
        Some(r) if holds(r) => Ok(Some(r)),
        // A head may do what the provider's employees do.
        Some(Role::Employee) if p.has(AccountRole::Head) => Ok(Some(Role::Employee)),
        Some(_) => Err(denied(Denied::Role)),
    }
}

/// The staff unit that performs a unit's person steps.
pub(crate) fn staff_unit(unit: Participant) -> Participant {
    match unit {
        Participant::AgencyIs | Participant::Commission => Participant::Provider,
        Participant::CscIs | Participant::Courier => Participant::Csc,
        other => other,
    }
}

/// Perform the person step the request waits for, if it is `operation`, as `p`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn perform(
    agency: &AgencyIs,
    req: &Request,
    st: &RequestState,
    reg: &Regulation,
    p: &Principal,
    operation: Operation,
    facts: BTreeMap<Check, bool>,
    outcome: Option<Outcome>,
    grounds: Option<String>,
) -> Result<Request, ApiError> {
    let engine = Engine::new(reg, &agency.inner.calendar);
    let Some(Waiting::Person {
        unit,
        role,
        operation: waited,
        ..
    }) = engine.waiting(st)
    else {
        return Err(out_of_turn());
    };
    if waited != operation {
        return Err(out_of_turn());
    }
    let unit = staff_unit(unit);
    let staff_of_unit = match unit {
        Participant::Provider => staff_org(p).is_ok(),
        Participant::Csc => p.has(AccountRole::Operator),
        _ => false,
    };
    if !staff_of_unit {
        return Err(denied(Denied::Role));
    }
    // A CSC's people are its operators, whatever the table calls them.
    let role = if unit == Participant::Csc {
        role
    } else {
        acting_role(p, role)?
    };
    agency
        .apply(
            req,
            Input::Perform {
                by: Actor { unit, role },
                facts,
                outcome,
                grounds,
            },
            Vec::new(),
        )
        .await
}

/// Load a request `session` may act on as provider staff with `act`.
async fn actionable(
    agency: &AgencyIs,
    session: &Session,
    id: &str,
    act: StaffAct,
) -> Result<(Request, RequestState), ApiError> {
    let req = readable(agency, &session.principal, id).await?;
    let csc = csc_code(agency, &req).await?;
    let recipient = req.summary.recipient.to_string();
    session
        .principal
        .can_act(&scope(&req, csc.as_deref(), &recipient), act)
        .map_err(denied)?;
    let st = state_of(&req)?;
    Ok((req, st))
}

/// Do the person step `operation` the request waits for, as `session`'s provider staff
/// member, and run the request on as far as it goes.
pub(crate) async fn staff_step(
    agency: &AgencyIs,
    session: &Session,
    id: &str,
    operation: Operation,
    facts: BTreeMap<Check, bool>,
    outcome: Option<Outcome>,
    grounds: Option<String>,
) -> Result<Request, ApiError> {
    let (req, st) = actionable(agency, session, id, StaffAct::Process).await?;
    let reg = agency.regulation(&req.summary.regulation, req.summary.version)?;
    let req = perform(
        agency,
        &req,
        &st,
        reg,
        &session.principal,
        operation,
        facts,
        outcome,
        grounds,
    )
    .await?;
    agency.drive(req).await
}

fn respond(agency: &AgencyIs, req: &Request) -> Result<Json<Value>, ApiError> {
    let st = state_of(req)?;
    let reg = agency.regulation(&req.summary.regulation, req.summary.version)?;
    let waiting = Engine::new(reg, &agency.inner.calendar).waiting(&st);
    Ok(Json(view(req, &st, waiting)))
}

async fn take(
    State(agency): State<AgencyIs>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let req = take_into_work(&agency, &session, &id).await?;
    respond(&agency, &req)
}

/// Take request `id` into work.
pub(crate) async fn take_into_work(
    agency: &AgencyIs,
    session: &Session,
    id: &str,
) -> Result<Request, ApiError> {
    staff_step(
        agency,
        session,
        id,
        Operation::TakeIntoWork,
        BTreeMap::new(),
        None,
        None,
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Decision {
    pub(crate) outcome: Outcome,
    /// The grounds of a motivated refusal (required for one).
    #[serde(default)]
    pub(crate) grounds: Option<String>,
    /// What the employee established, when the decision checks a condition.
    #[serde(default)]
    pub(crate) facts: BTreeMap<Check, bool>,
}

async fn decide(
    State(agency): State<AgencyIs>,
    session: Session,
    Path(id): Path<String>,
    Body(d): Body<Decision>,
) -> Result<Json<Value>, ApiError> {
    let req = decide_on(&agency, &session, &id, d).await?;
    respond(&agency, &req)
}

/// A motivated refusal without its grounds.
pub(crate) fn grounds_required() -> ApiError {
    ApiError::unprocessable(
        "decision.grounds_required",
        Text::new(
            "Дәлелді бас тартуда негіздеме жазылуы керек",
            "Мотивированный отказ должен содержать обоснование",
            "A motivated refusal must state its grounds",
        ),
    )
}

/// Decide request `id`: positive, interim, or a motivated refusal with its grounds.
pub(crate) async fn decide_on(
    agency: &AgencyIs,
    session: &Session,
    id: &str,
    d: Decision,
) -> Result<Request, ApiError> {
    if d.outcome == Outcome::Refusal && d.grounds.as_deref().is_none_or(|g| g.trim().is_empty()) {
        return Err(grounds_required());
    }
    // A decision that a condition makes (the grounds hold or not) is said as that fact.
    let (req, st) = actionable(agency, session, id, StaffAct::Process).await?;
    let reg = agency.regulation(&req.summary.regulation, req.summary.version)?;
    let engine = Engine::new(reg, &agency.inner.calendar);
    let mut facts = d.facts;
    let mut outcome = Some(d.outcome);
    if let Some(Waiting::Person {
        establishes: Some(check),
        outcomes,
        ..
    }) = engine.waiting(&st)
    {
        if outcomes.is_empty() {
            facts.entry(check).or_insert(d.outcome != Outcome::Refusal);
            outcome = None;
        }
    }
    let req = perform(
        agency,
        &req,
        &st,
        reg,
        &session.principal,
        Operation::Decide,
        facts,
        outcome,
        d.grounds.clone(),
    )
    .await?;
    // A refusal by a condition carries the regulation's message; the employee's grounds are
    // kept beside it.
    agency.drive(req).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Extension {
    /// The new deadline, on Kazakhstan's clock (`YYYY-MM-DDTHH:MM:SS`).
    pub(crate) until: NaiveDateTime,
    pub(crate) reason: String,
}

async fn extend(
    State(agency): State<AgencyIs>,
    session: Session,
    Path(id): Path<String>,
    Body(x): Body<Extension>,
) -> Result<Json<Value>, ApiError> {
    let req = extend_deadline(&agency, &session, &id, x).await?;
    respond(&agency, &req)
}

/// An extension without its reason.
pub(crate) fn reason_required() -> ApiError {
    ApiError::unprocessable(
        "extension.reason_required",
        Text::new(
            "Мерзімді ұзарту себебін жазыңыз",
            "Укажите причину продления срока",
            "State the reason for the extension",
        ),
    )
}

/// Extend request `id`'s current deadline, with the reason.
pub(crate) async fn extend_deadline(
    agency: &AgencyIs,
    session: &Session,
    id: &str,
    x: Extension,
) -> Result<Request, ApiError> {
    if x.reason.trim().is_empty() {
        return Err(reason_required());
    }
    let (req, _) = actionable(agency, session, id, StaffAct::Extend).await?;
    agency
        .apply(
            &req,
            Input::Extend {
                by: Actor {
                    unit: Participant::Provider,
                    role: None,
                },
                until: x.until,
                reason: x.reason,
            },
            Vec::new(),
        )
        .await
}

async fn perform_route(
    State(agency): State<AgencyIs>,
    session: Session,
    Path(id): Path<String>,
    Body(b): Body<Perform>,
) -> Result<Json<Value>, ApiError> {
    let req = perform_other(&agency, &session, &id, b.operation, b.facts).await?;
    respond(&agency, &req)
}

/// Another person step than taking, deciding and signing, by its operation.
pub(crate) async fn perform_other(
    agency: &AgencyIs,
    session: &Session,
    id: &str,
    operation: Operation,
    facts: BTreeMap<Check, bool>,
) -> Result<Request, ApiError> {
    if matches!(
        operation,
        Operation::SignResult | Operation::Decide | Operation::TakeIntoWork
    ) {
        return Err(out_of_turn());
    }
    staff_step(agency, session, id, operation, facts, None, None).await
}

/// Whether the request waits for its result to be signed.
pub(crate) fn waits_for_signature(engine: &Engine, st: &RequestState) -> bool {
    matches!(
        engine.waiting(st),
        Some(Waiting::Person {
            operation: Operation::SignResult,
            ..
        })
    )
}

/// The result document of a request, the exact bytes its signer signs, and whether the
/// request waits for that signature now.
pub(crate) struct ToSign {
    pub(crate) document: crate::result::ResultDocument,
    pub(crate) bytes: Vec<u8>,
    pub(crate) awaiting: bool,
}

/// The result of request `id` to sign, for provider staff `p`.
pub(crate) async fn result_to_sign(
    agency: &AgencyIs,
    p: &Principal,
    id: &str,
) -> Result<ToSign, ApiError> {
    staff_org(p)?;
    let req = readable(agency, p, id).await?;
    let st = state_of(&req)?;
    let reg = agency.regulation(&req.summary.regulation, req.summary.version)?;
    Ok(ToSign {
        document: crate::result::document(reg, &req.summary, &st),
        bytes: crate::result::draft(reg, &req.summary, &st),
        awaiting: waits_for_signature(&Engine::new(reg, &agency.inner.calendar), &st),
    })
}

async fn result_draft(
    State(agency): State<AgencyIs>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let t = result_to_sign(&agency, &session.principal, &id).await?;
    Ok(Json(json!({
        "document": t.document,
        "to_sign": STANDARD.encode(&t.bytes),
        "awaiting_signature": t.awaiting,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignedResult {
    /// CMS over the result document's bytes (attached or detached), base64 DER.
    cms: String,
}

async fn sign_result(
    State(agency): State<AgencyIs>,
    session: Session,
    Path(id): Path<String>,
    Body(b): Body<SignedResult>,
) -> Result<Json<Value>, ApiError> {
    let req = sign_result_with(&agency, &session, &id, &b.cms).await?;
    respond(&agency, &req)
}

/// The result of request `id` signed by `session`'s staff member with their own key: `cms`
/// (base64 DER) must be over exactly the result draft's bytes, by the person logged in.
pub(crate) async fn sign_result_with(
    agency: &AgencyIs,
    session: &Session,
    id: &str,
    cms: &str,
) -> Result<Request, ApiError> {
    let (req, st) = actionable(agency, session, id, StaffAct::SignResult).await?;
    let reg = agency.regulation(&req.summary.regulation, req.summary.version)?;
    let engine = Engine::new(reg, &agency.inner.calendar);
    if !waits_for_signature(&engine, &st) {
        return Err(out_of_turn());
    }
    let iin = session.user.iin.ok_or_else(no_iin)?;
    let der = STANDARD.decode(cms.as_bytes()).map_err(|_| {
        ApiError::bad_request(
            "signature.not_base64",
            Text::new(
                "Қолтаңба base64 (DER) түрінде болуы керек",
                "Подпись должна быть в base64 (DER)",
                "The signature must be base64 DER",
            ),
        )
    })?;
    let draft = crate::result::draft(reg, &req.summary, &st);
    let expect = Expectation {
        iin: Some(iin),
        roles: vec![
            qyzmet_pki::Role::Employee,
            qyzmet_pki::Role::Signer,
            qyzmet_pki::Role::FirstHead,
        ],
        max_signing_age: Some(crate::MAX_SIGNING_AGE),
        ..Expectation::default()
    };
    let now = Utc::now();
    let report = agency.verify(&der, Some(&draft), expect, now).await?;
    if let Some(why) = report.refusal() {
        return Err(crate::filing::signature_refused(None, st.channel, why));
    }
    let Some(Waiting::Person { unit, role, .. }) = engine.waiting(&st) else {
        return Err(out_of_turn());
    };
    let role = acting_role(&session.principal, role)?;
    let signature = NewSignature {
        purpose: SignaturePurpose::Result,
        signer: Party::Iin(iin),
        signer_user: Some(session.user.id.clone()),
        cms: der,
        signed_at: report
            .signer
            .as_ref()
            .and_then(|s| s.signing_time)
            .unwrap_or(now),
    };
    let req = agency
        .apply(
            &req,
            Input::Perform {
                by: Actor {
                    unit: staff_unit(unit),
                    role,
                },
                facts: BTreeMap::new(),
                outcome: None,
                grounds: None,
            },
            vec![signature],
        )
        .await?;
    let _ = local(now);
    agency.drive(req).await
}
