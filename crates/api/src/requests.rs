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
    serde_json::from_value(req.state.clone()).map_err(ApiError::internal)
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
