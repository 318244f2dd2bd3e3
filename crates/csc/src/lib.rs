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
//! Every call to another system — the state database, the provider's IS — goes through the
//! gateway. Must never: import another participant's code (only the message contracts).

use axum::extract::{FromRef, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use qyzmet_accounts::{Denied, Principal, Role as AccountRole};
use qyzmet_api::requests::{act_through, read_through, Perform, SignedFiling};
use qyzmet_api::{denied, ApiError, Body, Session};
use qyzmet_core::regulation::ChannelKind;
use qyzmet_core::Text;
use qyzmet_gateway::services::{
    registry_participant, Act, Filing, FilingAnswer, Read, AGENCY, CSC, CSC_NOTICE, FILE, QUERY,
};
use qyzmet_gateway::Gateway;
use qyzmet_registries::gbd_fl::{GbdFlRequest, GbdFlResponse};
use qyzmet_registries::{RegistryRequest, RegistryResponse};
use qyzmet_store::Store;
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
fn operator(p: &Principal) -> Result<&str, ApiError> {
    match (&p.organisation, p.has(AccountRole::Operator)) {
        (Some(o), true) => Ok(o),
        _ => Err(denied(Denied::Role)),
    }
}

async fn citizen(
    State(c): State<CscIs>,
    session: Session,
    Path(iin): Path<String>,
) -> Result<Json<Value>, ApiError> {
    operator(&session.principal)?;
    let request = RegistryRequest::GbdFl(GbdFlRequest::Person { iin: iin.clone() });
    let to = registry_participant(request.participant());
    let answer: RegistryResponse = c.gateway.call(CSC, &to, QUERY, &request).await?;
    match answer {
        RegistryResponse::GbdFl(GbdFlResponse::Person { person }) => Ok(Json(json!(person))),
        RegistryResponse::GbdFl(GbdFlResponse::Error(e)) => Err(ApiError::new(
            if e.code() == "gbd_fl.not_found" {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            },
            e.code(),
            Text::new(
                format!("{iin}: жеке тұлғалардың мемлекеттік деректер базасында табылмады"),
                format!("{iin}: не найден в государственной базе данных физических лиц"),
                format!("{iin}: not found in the state database of individuals ({e})"),
            ),
        )),
        _ => Err(ApiError::internal("an answer of another kind from ГБД ФЛ")),
    }
}

fn no_iin() -> ApiError {
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
    let org = operator(&session.principal)?.to_string();
    session
        .principal
        .can_submit(ChannelKind::Csc, "", "")
        .map_err(denied)?;
    let iin = session.user.iin.ok_or_else(no_iin)?;
    let filing = Filing {
        channel: ChannelKind::Csc,
        cms: b.cms,
        attachments: b.attachments,
        submitted_by: session.user.id.to_string(),
        signer_iin: iin.to_string(),
        csc: Some(org),
    };
    let answer: FilingAnswer = c.gateway.call(CSC, AGENCY, FILE, &filing).await?;
    qyzmet_api::requests::filed(answer)
}

async fn ours(State(c): State<CscIs>, session: Session) -> Result<Json<Value>, ApiError> {
    operator(&session.principal)?;
    let found = read_through(&c.gateway, CSC, &session.principal, Read::Requests).await?;
    Ok(Json(found))
}

async fn show(
    State(c): State<CscIs>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    operator(&session.principal)?;
    let read = Read::Request { request_id: id };
    Ok(Json(
        read_through(&c.gateway, CSC, &session.principal, read).await?,
    ))
}

async fn perform(
    State(c): State<CscIs>,
    session: Session,
    Path(id): Path<String>,
    Body(b): Body<Perform>,
) -> Result<Json<Value>, ApiError> {
    operator(&session.principal)?;
    let act = Act::Perform {
        operation: b.operation,
        facts: b.facts,
    };
    act_through(&c.gateway, CSC, &session.principal, &id, act).await
}

async fn notifications(State(c): State<CscIs>, session: Session) -> Result<Json<Value>, ApiError> {
    let csc = operator(&session.principal)?;
    let list = c.store.received_notices(CSC_NOTICE, csc).await?;
    Ok(Json(qyzmet_api::requests::notices(&list)))
}
