//! The gateway's operations over HTTP: health, the metadata calls (participants and their
//! services, what a participant may call) and the metrics in Prometheus' text format.

use crate::{Gateway, ParticipantId};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

pub fn router(gateway: Gateway) -> Router {
    Router::new()
        .route("/gateway/health", get(health))
        .route("/gateway/participants", get(participants))
        .route("/gateway/participants/{id}/allowed", get(allowed))
        .route("/gateway/services", get(services))
        .route("/gateway/metrics", get(metrics))
        .with_state(gateway)
}

/// Up when the log's writer answers; lists each participant of this node.
async fn health(State(g): State<Gateway>) -> Response {
    let participants: Vec<_> = g.participants().into_iter().map(|p| p.id).collect();
    match g.log().ping().await {
        Ok(seq) => Json(json!({
            "status": "up",
            "gateway": g.id(),
            "log": { "last_seq": seq },
            "participants": participants.iter().map(|p| json!({ "id": p, "status": "up" })).collect::<Vec<_>>(),
        }))
        .into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "down", "gateway": g.id(), "reason": e })),
        )
            .into_response(),
    }
}

async fn participants(State(g): State<Gateway>) -> Response {
    Json(g.participants()).into_response()
}

async fn services(State(g): State<Gateway>) -> Response {
    Json(g.services()).into_response()
}

async fn allowed(State(g): State<Gateway>, Path(id): Path<String>) -> Response {
    let id = ParticipantId::new(id);
    if !g.participants().iter().any(|p| p.id == id) {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "code": "gateway.unknown_participant", "message": format!("{id} is not a registered participant") })),
        )
            .into_response();
    }
    Json(g.allowed(&id)).into_response()
}

async fn metrics(State(g): State<Gateway>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        g.metrics(),
    )
        .into_response()
}
