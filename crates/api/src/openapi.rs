//! The OpenAPI document of the platform's HTTP API, served at `/api/openapi.json`. It is
//! written by hand beside the routes; a test walks every route the platform serves and
//! proves the document names it.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

/// The document, as JSON text.
pub const DOCUMENT: &str = include_str!("openapi.json");

/// `GET /api/openapi.json`.
pub fn router() -> Router {
    Router::new().route(
        "/api/openapi.json",
        get(|| async { ([(header::CONTENT_TYPE, "application/json")], DOCUMENT).into_response() }),
    )
}
