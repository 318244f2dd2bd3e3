//! Who is looking at a page, and logging in and out from a page.
//!
//! Logging in goes through the platform's own session API (`qyzmet_api::sessions`, the path
//! of `POST /api/session`: the login normalised, argon2 verified even for unknown logins,
//! the token's digest stored), called in-process; a page only carries its token in the
//! `qyzmet_session` cookie, which the platform's `Session` already reads.

use crate::csrf::{Csrf, SESSION_COOKIE};
use crate::{cookies, lang};
use axum::body::Body;
use axum::extract::{FromRef, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method};
use axum::response::Response;
use qyzmet_api::{ApiError, Session};
use qyzmet_core::Lang;
use qyzmet_store::Store;
use std::convert::Infallible;
use tower::ServiceExt;

/// The person at a page: their language, their session if logged in, the CSRF token for
/// the page's forms, the page's address, and whether it came over https.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub lang: Lang,
    pub session: Option<Session>,
    pub csrf: String,
    /// Path and query of the page.
    pub path: String,
    pub secure: bool,
}

impl<S> FromRequestParts<S> for Visitor
where
    Store: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // An expired or unknown session is no session: the page offers to log in.
        let session = Session::from_request_parts(parts, state).await.ok();
        Ok(Visitor {
            lang: lang::of(parts.uri.query(), &parts.headers),
            session,
            csrf: parts
                .extensions
                .get::<Csrf>()
                .map(|c| c.0.clone())
                .unwrap_or_default(),
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into()),
            secure: cookies::over_https(&parts.headers),
        })
    }
}

/// A session opened from a page: its token and how long it lasts.
pub struct Opened {
    pub token: String,
    pub seconds: i64,
}

async fn call(store: &Store, request: Request) -> Result<Response, ApiError> {
    qyzmet_api::sessions::router(store.clone())
        .oneshot(request)
        .await
        .map_err(ApiError::internal)
}

fn refused_by(response: &Response) -> Option<ApiError> {
    response.extensions().get::<ApiError>().cloned()
}

/// Log in with a login (IIN, BIN or staff name) and password.
pub async fn log_in(store: &Store, login: &str, password: &str) -> Result<Opened, ApiError> {
    let body = serde_json::json!({ "login": login, "password": password }).to_string();
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .map_err(ApiError::internal)?;
    let response = call(store, request).await?;
    if let Some(e) = refused_by(&response) {
        return Err(e);
    }
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .map_err(ApiError::internal)?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(ApiError::internal)?;
    let token = v["token"]
        .as_str()
        .ok_or_else(|| ApiError::internal("the session API gave no token"))?
        .to_string();
    Ok(Opened {
        token,
        seconds: qyzmet_api::sessions::SESSION_LIFETIME.num_seconds(),
    })
}

/// Close the session of the request's cookie, if any.
pub async fn log_out(store: &Store, headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let Some(token) = cookies::get(headers, SESSION_COOKIE) else {
        return Ok(());
    };
    let request = Request::builder()
        .method(Method::DELETE)
        .uri("/api/session")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .map_err(ApiError::internal)?;
    let response = call(store, request).await?;
    match refused_by(&response) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The `Set-Cookie` of a session opened from a page (HttpOnly, SameSite=Lax, Secure over
/// https), or of its end (`None`).
pub fn cookie(opened: Option<&Opened>, secure: bool) -> HeaderValue {
    let (value, max_age) = match opened {
        Some(o) => (o.token.as_str(), o.seconds),
        None => ("", 0),
    };
    cookies::set(
        SESSION_COOKIE,
        value,
        cookies::Flags {
            max_age: Some(max_age),
            http_only: true,
            secure,
        },
    )
}

/// Where to go after logging in: only a page of this site (`/…`, not `//…`), else `home`.
pub fn next_or<'a>(next: Option<&'a str>, home: &'a str) -> &'a str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => home,
    }
}
