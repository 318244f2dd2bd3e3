//! JSON bodies: malformed JSON, a wrong type, a missing or unknown field is a translated error
//! that names what is wrong (the types deny unknown fields).

use crate::error::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::Json;
use qyzmet_core::Text;
use serde::de::DeserializeOwned;

/// A JSON body of type `T`.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(rejection) => Err(rejected(rejection)),
        }
    }
}

fn rejected(r: JsonRejection) -> ApiError {
    let why = r.body_text();
    let (code, text) = match &r {
        JsonRejection::MissingJsonContentType(_) => (
            "request.content_type",
            Text::new(
                "Сұраным JSON болуы тиіс (Content-Type: application/json)",
                "Запрос должен быть в формате JSON (Content-Type: application/json)",
                "The request must be JSON (Content-Type: application/json)",
            ),
        ),
        JsonRejection::JsonSyntaxError(_) => (
            "request.malformed_json",
            Text::new(
                format!("JSON қате жазылған: {why}"),
                format!("JSON составлен с ошибкой: {why}"),
                format!("The JSON is malformed: {why}"),
            ),
        ),
        JsonRejection::JsonDataError(_) => (
            "request.invalid_fields",
            Text::new(
                format!("Сұраным өрістері дұрыс емес: {why}"),
                format!("Поля запроса неверны: {why}"),
                format!("The request's fields are wrong: {why}"),
            ),
        ),
        _ => (
            "request.unreadable",
            Text::new(
                format!("Сұранымды оқу мүмкін емес: {why}"),
                format!("Запрос не прочитан: {why}"),
                format!("The request cannot be read: {why}"),
            ),
        ),
    };
    let status = match &r {
        JsonRejection::MissingJsonContentType(_) => axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
        JsonRejection::JsonDataError(_) => axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        JsonRejection::BytesRejection(_) => axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        _ => axum::http::StatusCode::BAD_REQUEST,
    };
    ApiError::new(status, code, text)
}
