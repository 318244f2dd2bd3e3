//! The citizen service centre's IS (ИС ЦОН) and the operator's workplace.
//!
//! | route | what |
//! |---|---|
//! | `GET  /api/csc/citizens/{iin}` | the citizen as the state database (ГБД ФЛ) knows them |
//! | `POST /api/csc/requests` | file a request for a citizen, signed with the operator's key |
//! | `GET  /api/csc/requests` | the requests this CSC filed, newest first |
//! | `GET  /api/csc/requests/{id}` | one of them: status, deadline, whom it waits for, history |
//! | `POST /api/csc/requests/{id}/perform` | the CSC's step it waits for (courier delivery, hand-over) |
//! | `GET  /api/csc/notifications` | status notices of the CSC's requests |
//!
//! The operator's workplace as pages (`web`, on the web kit) is under `/csc`:
//!
//! | route | page |
//! |---|---|
//! | `GET, POST /csc/login`, `POST /csc/logout` | the operator logs in with their staff login |
//! | `GET /csc?iin=` | find the citizen in ГБД ФЛ; the services with a CSC channel |
//! | `GET, POST /csc/citizens/{iin}/services/{code}/apply` | the regulation's form, for the citizen |
//! | `GET, POST /csc/drafts/{id}` | review, then sign with the operator's own key in the browser |
//! | `GET /csc/requests` | the requests this CSC filed, newest first |
//! | `GET /csc/requests/{id}`, `POST …/perform` | a request; the CSC's step it waits for |
//! | `GET /csc/notifications` | status notices of the CSC's requests |
//!
//! The JSON handlers and the pages call the same functions of [`CscIs`] (`citizen`, `file`,
//! `requests`, `request`, `perform`, `notifications`). Every call to another system — the
//! state database, the provider's IS — goes through the gateway. Must never: import another
//! participant's code (only the message contracts and the web kit).

pub mod web;

use axum::extract::{FromRef, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use qyzmet_accounts::{Denied, Principal, Role as AccountRole};
use qyzmet_api::requests::{act_through, read_through, Perform, SignedFiling};
use qyzmet_api::{denied, ApiError, Body, Session};
use qyzmet_core::regulation::ChannelKind;
use qyzmet_core::Text;
use qyzmet_gateway::services::{Act, Filing, FilingAnswer, Read, AGENCY, CSC, CSC_NOTICE, FILE};
use qyzmet_gateway::Gateway;
use qyzmet_registries::gbd_fl::Person;
use qyzmet_store::{Notification, Store};
use serde_json::{json, Value};

/// The CSC's IS.
/// Its own database (operators, sessions, the notices that reached it) and the gateway.
#[derive(Clone)]
pub struct CscIs {
    store: Store,
    gateway: Gateway,
}

impl FromRef<CscIs> for Store {
    fn from_ref(c: &CscIs) -> Store {
        c.store.clone()
    }
}

impl CscIs {
    pub fn new(store: Store, gateway: Gateway) -> Self {
        CscIs { store, gateway }
    }
}

pub fn router(csc: CscIs) -> Router {
    Router::new()
        .route("/api/csc/citizens/{iin}", get(citizen))
        .route("/api/csc/requests", post(file).get(ours))
        .route("/api/csc/requests/{id}", get(show))
        .route("/api/csc/requests/{id}/perform", post(perform))
        .route("/api/csc/notifications", get(notifications))
        .with_state(csc)
}

/// The operator's CSC, or a refusal.
pub fn operator(p: &Principal) -> Result<&str, ApiError> {
    match (&p.organisation, p.has(AccountRole::Operator)) {
        (Some(o), true) => Ok(o),
        _ => Err(denied(Denied::Role)),
    }
}

impl CscIs {
    /// The citizen as ГБД ФЛ knows them, asked through the gateway for an operator. An IIN
    /// that breaks the number's rules (length, date, check digit) is refused here with the
    /// core's reason; one the database does not hold is not found.
    pub async fn citizen(&self, session: &Session, iin: &str) -> Result<Person, ApiError> {
        operator(&session.principal)?;
        qyzmet_web::citizen::find(&self.gateway, CSC, iin).await
    }

    /// File a request for a citizen, signed with the operator's own key, through the gateway
    /// to the provider's IS (the CSC's code goes with it, so that its notices come here).
    pub async fn file(
        &self,
        session: &Session,
        signed: SignedFiling,
    ) -> Result<FilingAnswer, ApiError> {
        let org = operator(&session.principal)?.to_string();
        session
            .principal
            .can_submit(ChannelKind::Csc, "", "")
            .map_err(denied)?;
        let iin = session.user.iin.as_ref().ok_or_else(no_iin)?;
        let filing = Filing {
            channel: ChannelKind::Csc,
            cms: signed.cms,
            attachments: signed.attachments,
            submitted_by: session.user.id.to_string(),
            signer_iin: iin.to_string(),
            csc: Some(org),
        };
        Ok(self.gateway.call(CSC, AGENCY, FILE, &filing).await?)
    }

    /// The requests this CSC filed, newest first (as the provider's IS lists them).
    pub async fn requests(&self, session: &Session) -> Result<Value, ApiError> {
        operator(&session.principal)?;
        read_through(&self.gateway, CSC, &session.principal, Read::Requests).await
    }

    /// One of them: status, deadline, whom it waits for, history — or why it is refused.
    pub async fn request(&self, session: &Session, id: &str) -> Result<Value, ApiError> {
        operator(&session.principal)?;
        let read = Read::Request {
            request_id: id.to_string(),
        };
        read_through(&self.gateway, CSC, &session.principal, read).await
    }

    /// The CSC's step the request waits for (courier delivery, hand-over), through the
    /// gateway's `agency.act`; the request's new status.
    pub async fn perform(
        &self,
        session: &Session,
        id: &str,
        step: Perform,
    ) -> Result<Value, ApiError> {
        operator(&session.principal)?;
        let act = Act::Perform {
            operation: step.operation,
            facts: step.facts,
        };
        let Json(status) = act_through(&self.gateway, CSC, &session.principal, id, act).await?;
        Ok(status)
    }

    /// The status notices that reached this CSC, newest first.
    pub async fn notifications(&self, session: &Session) -> Result<Vec<Notification>, ApiError> {
        let csc = operator(&session.principal)?;
        Ok(self.store.received_notices(CSC_NOTICE, csc).await?)
    }
}

async fn citizen(
    State(c): State<CscIs>,
    session: Session,
    Path(iin): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(c.citizen(&session, &iin).await?)))
}

pub(crate) fn no_iin() -> ApiError {
    ApiError::forbidden(
        "auth.no_iin",
        Text::new(
            "Оператордың ЖСН-ы тіркелмеген, ол қол қоя алмайды",
            "У оператора не указан ИИН, он не может подписывать",
            "The operator has no IIN on record and cannot sign",
        ),
    )
}

async fn file(
    State(c): State<CscIs>,
    session: Session,
    Body(b): Body<SignedFiling>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    qyzmet_api::requests::filed(c.file(&session, b).await?)
}

async fn ours(State(c): State<CscIs>, session: Session) -> Result<Json<Value>, ApiError> {
    Ok(Json(c.requests(&session).await?))
}

async fn show(
    State(c): State<CscIs>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(c.request(&session, &id).await?))
}

async fn perform(
    State(c): State<CscIs>,
    session: Session,
    Path(id): Path<String>,
    Body(b): Body<Perform>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(c.perform(&session, &id, b).await?))
}

async fn notifications(State(c): State<CscIs>, session: Session) -> Result<Json<Value>, ApiError> {
    let list = c.notifications(&session).await?;
    Ok(Json(qyzmet_api::requests::notices(&list)))
}
