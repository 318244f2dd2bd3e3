//! Structured, translated errors.

use crate::lang::lang_of;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use qyzmet_core::{Lang, Text};
use serde_json::{json, Value};

/// An error a person reads: HTTP status, a stable code for programs, a message in three
/// languages, and details (e.g. one entry per wrong form field, each with its own message).
#[derive(Debug, Clone)]
pub struct ApiError(Box<Parts>);

/// What an [`ApiError`] holds (boxed: errors travel through every `Result`).
#[derive(Debug, Clone)]
pub struct Parts {
    pub status: StatusCode,
    pub code: String,
    pub message: Text,
    /// Each detail is an object; a `{kk, ru, en}` object inside it is localized too.
    pub details: Vec<Value>,
}

impl std::ops::Deref for ApiError {
    type Target = Parts;
    fn deref(&self) -> &Parts {
        &self.0
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: impl Into<String>, message: Text) -> Self {
        ApiError(Box::new(Parts {
            status,
            code: code.into(),
            message,
            details: Vec::new(),
        }))
    }

    pub fn bad_request(code: impl Into<String>, message: Text) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unprocessable(code: impl Into<String>, message: Text) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn forbidden(code: impl Into<String>, message: Text) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn conflict(code: impl Into<String>, message: Text) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            Text::new(
                format!("{what} табылмады"),
                format!("{what}: не найдено"),
                format!("{what}: not found"),
            ),
        )
    }

    /// A failure of the platform itself; the detail goes to the log, never to the person.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        eprintln!("internal error: {detail}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            Text::new(
                "Жүйеде қате пайда болды, кейінірек қайталап көріңіз",
                "Внутренняя ошибка системы, повторите попытку позже",
                "The system failed; please try again later",
            ),
        )
    }

    pub fn with_details(mut self, details: Vec<Value>) -> Self {
        self.0.details = details;
        self
    }

    /// The JSON body in `lang`.
    pub fn body(&self, lang: Lang) -> Value {
        let mut body = json!({
            "code": self.code,
            "message": self.message.get(lang),
        });
        if !self.details.is_empty() {
            let details: Vec<Value> = self
                .details
                .iter()
                .map(|d| localize_value(d, lang))
                .collect();
            body["details"] = Value::Array(details);
        }
        body
    }
}

/// Replace every `{kk, ru, en}` object inside `v` by its text in `lang`.
fn localize_value(v: &Value, lang: Lang) -> Value {
    match v {
        Value::Object(m)
            if m.len() == 3 && ["kk", "ru", "en"].iter().all(|k| m.contains_key(*k)) =>
        {
            m.get(lang.code()).cloned().unwrap_or(Value::Null)
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), localize_value(v, lang)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|v| localize_value(v, lang)).collect()),
        other => other.clone(),
    }
}

impl IntoResponse for ApiError {
    /// In English; the [`localize`] layer rewrites it in the person's language.
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body(Lang::En))).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

impl From<qyzmet_store::StoreError> for ApiError {
    fn from(e: qyzmet_store::StoreError) -> Self {
        use qyzmet_store::StoreError as E;
        let text = |en: String, ru: String, kk: String| Text::new(kk, ru, en);
        match &e {
            E::NotFound { what, .. } => ApiError::not_found(what),
            E::Conflict { .. } => ApiError::conflict(
                e.code(),
                Text::new(
                    "Өтінімді басқа біреу өзгертті; қайта жүктеп, қайталаңыз",
                    "Заявку изменил кто-то другой; обновите и повторите",
                    "Someone else changed the request; reload and retry",
                ),
            ),
            E::DuplicateLogin(login) => ApiError::conflict(
                e.code(),
                text(
                    format!("The login {login} is already registered"),
                    format!("Логин {login} уже зарегистрирован"),
                    format!("{login} логині тіркелген"),
                ),
            ),
            E::AlreadyAnswered(_) => ApiError::conflict(
                e.code(),
                Text::new(
                    "Сауалнамаға жауап берілген",
                    "Анкета уже заполнена",
                    "The questionnaire is already answered",
                ),
            ),
            E::TooLarge { name, size, limit } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                e.code(),
                text(
                    format!("The file {name} has {size} bytes; at most {limit} are accepted"),
                    format!("Файл {name} размером {size} байт; допускается не более {limit}"),
                    format!("{name} файлының көлемі {size} байт; {limit} байттан аспауы тиіс"),
                ),
            ),
            _ => ApiError::internal(&e),
        }
    }
}

/// The layer that writes every [`ApiError`] in the language of the request that caused it.
pub async fn localize(request: Request, next: Next) -> Response {
    let lang = lang_of(request.uri().query(), request.headers());
    let response = next.run(request).await;
    match response.extensions().get::<ApiError>() {
        Some(e) if lang != Lang::En => (e.status, Json(e.body(lang))).into_response(),
        _ => response,
    }
}

impl From<ApiError> for qyzmet_gateway::services::Refused {
    fn from(e: ApiError) -> Self {
        let p = *e.0;
        qyzmet_gateway::services::Refused {
            status: p.status.as_u16(),
            code: p.code,
            message: p.message,
            details: p.details,
        }
    }
}

impl From<qyzmet_gateway::services::Refused> for ApiError {
    fn from(r: qyzmet_gateway::services::Refused) -> Self {
        ApiError::new(
            StatusCode::from_u16(r.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
            r.code,
            r.message,
        )
        .with_details(r.details)
    }
}

impl From<qyzmet_gateway::GatewayError> for ApiError {
    /// The road between systems failed: the person may retry; nothing was changed.
    fn from(e: qyzmet_gateway::GatewayError) -> Self {
        eprintln!("gateway: {e}");
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "gateway.unavailable",
            Text::new(
                "Ақпараттық жүйе уақытша қолжетімсіз, кейінірек қайталаңыз",
                "Информационная система временно недоступна, повторите позже",
                "An information system is unavailable for now; please retry later",
            ),
        )
    }
}
