//! The citizens' portal (ПЭП).
//!
//! The public service catalogue (every sound regulation, its channels, form and results, as
//! JSON) is here; the citizen's registration, filings and personal cabinet are in [`cabinet`].
//! The portal reaches the provider's IS, the state databases and the payment gateway only
//! through the gateway.

pub mod cabinet;
pub mod web;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use qyzmet_core::regulation::{Catalog, Regulation};
use qyzmet_core::{Lang, Text};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What the portal serves from.
#[derive(Clone)]
pub struct Portal {
    catalog: Arc<Catalog>,
}

impl Portal {
    pub fn new(catalog: Catalog) -> Self {
        Portal {
            catalog: Arc::new(catalog),
        }
    }

    /// The sound regulations the portal offers.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }
}

/// The portal's routes.
pub fn router(portal: Portal) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/api/services", get(services))
        .route("/api/services/{code}", get(service))
        .with_state(portal)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    regulations: usize,
}

async fn health(State(p): State<Portal>) -> Json<Health> {
    Json(Health {
        status: "ok",
        regulations: p.catalog.len(),
    })
}

/// A line of the catalogue.
#[derive(Serialize)]
struct ServiceSummary<'a> {
    code: &'a str,
    version: u32,
    name: &'a Text,
    provider: &'a Text,
    automation: qyzmet_core::regulation::Automation,
    kind: qyzmet_core::regulation::ServiceKind,
    channels: Vec<qyzmet_core::regulation::ChannelKind>,
}

async fn services(State(p): State<Portal>) -> Response {
    let list: Vec<ServiceSummary> = p
        .catalog
        .all()
        .map(|r: &Regulation| ServiceSummary {
            code: &r.code,
            version: r.version,
            name: &r.name,
            provider: &r.general.provider.name,
            automation: r.general.automation,
            kind: r.general.kind,
            channels: r.channels.keys().copied().collect(),
        })
        .collect();
    Json(list).into_response()
}

#[derive(Deserialize)]
struct VersionQuery {
    version: Option<u32>,
}

async fn service(
    State(p): State<Portal>,
    Path(code): Path<String>,
    Query(q): Query<VersionQuery>,
    headers: HeaderMap,
) -> Response {
    let found = match q.version {
        Some(v) => p.catalog.get(&code, v),
        None => p.catalog.latest(&code),
    };
    match found {
        Some(r) => Json(r).into_response(),
        None => ApiError::not_found(&code, q.version).render(preferred_lang(&headers)),
    }
}

/// The person's language from `Accept-Language`; Kazakh, Russian or English, English otherwise.
pub fn preferred_lang(headers: &HeaderMap) -> Lang {
    qyzmet_api::accepted(headers).unwrap_or(Lang::En)
}

/// A structured, translated error.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: Text,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    fn not_found(code: &str, version: Option<u32>) -> Self {
        let v = version.map(|v| format!(" v{v}")).unwrap_or_default();
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "service.not_found",
            message: Text::new(
                format!("«{code}»{v} қызметі каталогта жоқ"),
                format!("Услуги «{code}»{v} нет в каталоге"),
                format!("There is no service `{code}`{v} in the catalogue"),
            ),
        }
    }

    fn render(&self, lang: Lang) -> Response {
        let body = ErrorBody {
            code: self.code,
            message: self.message.get(lang),
        };
        (self.status, Json(body)).into_response()
    }
}
