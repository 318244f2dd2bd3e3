//! Reading a request as every participant shows it, behind the one access check.

use crate::error::ApiError;
use chrono::Utc;
use qyzmet_accounts::{Denied, Principal, RequestScope};
use qyzmet_core::{Lang, Text};
use qyzmet_engine::{RequestState, Waiting};
use qyzmet_store::{Request, RequestId, Store};
use serde_json::{json, Value};

/// An access refusal as an API error.
pub fn denied(d: Denied) -> ApiError {
    ApiError::forbidden(
        d.code(),
        Text::new(
            d.message(Lang::Kk),
            d.message(Lang::Ru),
            d.message(Lang::En),
        ),
    )
}

/// The code of the CSC a request was filed at.
pub async fn csc_code(store: &Store, req: &Request) -> Result<Option<String>, ApiError> {
    Ok(match &req.summary.csc {
        Some(id) => Some(store.organisation(id).await?.code),
        None => None,
    })
}

/// Load request `id` if `p` may read it. Someone else's request is refused, not hidden, so
/// that the person learns why; an unknown id is not found.
pub async fn readable(store: &Store, p: &Principal, id: &str) -> Result<Request, ApiError> {
    let req = store.load_request(&RequestId(id.to_string())).await?;
    let csc = csc_code(store, &req).await?;
    let recipient = req.summary.recipient.to_string();
    p.can_read(&RequestScope {
        recipient: &recipient,
        provider: &req.summary.provider_code,
        csc: csc.as_deref(),
    })
    .map_err(denied)?;
    Ok(req)
}

/// The engine state kept with a request.
pub fn state_of(req: &Request) -> Result<RequestState, ApiError> {
    // Read from the stored value in place: a clone of the whole state (its history) each time
    // the engine looks would cost more than the reading.
    use serde::Deserialize;
    RequestState::deserialize(&req.state).map_err(ApiError::internal)
}

/// A request as people see it: the summary, the signed application, whom it waits for, the
/// decision or refusal, and its history.
pub fn view(req: &Request, st: &RequestState, waiting: Option<Waiting>) -> Value {
    let s = &req.summary;
    json!({
        "id": s.id,
        "number": s.number,
        "service": s.regulation,
        "version": s.version,
        "channel": s.channel,
        "recipient": s.recipient.to_string(),
        "provider": s.provider_code,
        "status": s.status,
        "deadline": s.deadline,
        "overdue": s.overdue_at(Utc::now()),
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "revision": s.revision,
        "application": st.data.get("application"),
        "current_action": st.current,
        "waiting": waiting,
        "outcome": st.outcome,
        "refusal": st.refusal,
        "finished": st.finished,
        "history": st.history,
    })
}

/// Request `id` as `p` may see it: with whom it waits for, by its pinned regulation.
pub async fn shown(
    store: &Store,
    catalog: &qyzmet_core::regulation::Catalog,
    calendar: &qyzmet_core::calendar::WorkingCalendar,
    p: &Principal,
    id: &str,
) -> Result<(Request, Value), ApiError> {
    let req = readable(store, p, id).await?;
    let st = state_of(&req)?;
    let waiting = catalog
        .get(&req.summary.regulation, req.summary.version)
        .and_then(|reg| qyzmet_engine::Engine::new(reg, calendar).waiting(&st));
    let v = view(&req, &st, waiting);
    Ok((req, v))
}

/// A filing's answer as every API gives it: 201 for a new request, 200 for a replay of one
/// registered before, the refusal as its error.
pub fn filed(
    answer: qyzmet_gateway::services::FilingAnswer,
) -> Result<(axum::http::StatusCode, axum::Json<Value>), ApiError> {
    use qyzmet_gateway::services::FilingAnswer;
    match answer {
        FilingAnswer::Refused(r) => Err(r.into()),
        FilingAnswer::Filed {
            request_id,
            number,
            status,
            duplicate,
        } => Ok((
            if duplicate {
                axum::http::StatusCode::OK
            } else {
                axum::http::StatusCode::CREATED
            },
            axum::Json(json!({
                "request_id": request_id,
                "number": number,
                "status": status,
                "duplicate": duplicate,
            })),
        )),
    }
}

/// Notifications as every API lists them.
pub fn notices(list: &[qyzmet_store::Notification]) -> Value {
    json!(list
        .iter()
        .map(|n| json!({
            "id": n.id,
            "request": n.request,
            "status": n.status,
            "text": n.text,
            "created_at": n.created_at,
            "read": n.read,
        }))
        .collect::<Vec<_>>())
}

/// A signed filing as a client sends it: the CMS with the application attached, and the
/// files the application declares.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedFiling {
    /// CMS SignedData, base64 DER.
    pub cms: String,
    #[serde(default)]
    pub attachments: Vec<qyzmet_gateway::services::Upload>,
}

/// A person step the request waits for, by its operation, with what the person established.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Perform {
    pub operation: qyzmet_core::regulation::Operation,
    #[serde(default)]
    pub facts: std::collections::BTreeMap<qyzmet_core::regulation::Check, bool>,
}

/// Read from the provider's IS through the gateway, for the person `from` vouches for.
pub async fn read_through(
    gateway: &qyzmet_gateway::Gateway,
    from: &str,
    p: &Principal,
    read: qyzmet_gateway::services::Read,
) -> Result<Value, ApiError> {
    use qyzmet_gateway::services::{ReadAnswer, ReadRequest, AGENCY, READ};
    let asked = ReadRequest {
        on_behalf_of: p.clone(),
        read,
    };
    match gateway.call(from, AGENCY, READ, &asked).await? {
        ReadAnswer::Found { found } => Ok(found),
        ReadAnswer::Refused(r) => Err(r.into()),
    }
}

/// Act on request `id` at the provider's IS through the gateway, as `p`; the new status.
pub async fn act_through(
    gateway: &qyzmet_gateway::Gateway,
    from: &str,
    p: &Principal,
    id: &str,
    act: qyzmet_gateway::services::Act,
) -> Result<axum::Json<Value>, ApiError> {
    use qyzmet_gateway::services::{ActAnswer, ActRequest, ACT, AGENCY};
    let asked = ActRequest {
        request_id: id.to_string(),
        by: p.clone(),
        act,
    };
    match gateway.call(from, AGENCY, ACT, &asked).await? {
        ActAnswer::Done { status } => Ok(axum::Json(json!({ "status": status }))),
        ActAnswer::Refused(r) => Err(r.into()),
    }
}
