//! Cross-site request forgery: every POST of a page must carry, in its hidden `csrf` field,
//! the token of the browser's session — which a page of another site cannot read.
//!
//! The token is derived from a secret only this browser holds in an HttpOnly cookie: the
//! session token once logged in, before that a random pre-session value (so that the log-in
//! and registration forms are protected too). Nothing is stored on the server: the token is
//! `SHA-256("qyzmet csrf" ‖ secret)`, and a forger knows neither. The [`guard`] layer gives
//! each request its token ([`Csrf`], for the forms) and refuses every POST, PUT, PATCH and
//! DELETE whose field is missing or wrong, before any handler runs, with a translated page.

use crate::page::{Layout, Site};
use crate::{cookies, lang, words};
use axum::body::{to_bytes, Body};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The hidden field's name.
pub const FIELD: &str = "csrf";
/// The cookie of the pre-session secret.
pub const PRESESSION_COOKIE: &str = "qyzmet_presession";
/// The session cookie the platform's `Session` reads (crates/api/src/session.rs).
pub const SESSION_COOKIE: &str = "qyzmet_session";
/// The largest form body the guard reads (the platform's body limit: a filing with scans).
pub const MAX_FORM_BYTES: usize = 40 * 1024 * 1024;

/// The token of this request's browser, for the hidden field of its forms.
#[derive(Debug, Clone)]
pub struct Csrf(pub String);

/// The token for a browser holding `secret`.
pub fn token_for(secret: &str) -> String {
    let d = Sha256::new()
        .chain_update(b"qyzmet csrf\0")
        .chain_update(secret.as_bytes())
        .finalize();
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Equal without telling, by its timing, how much of a guess was right.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The field `csrf` of a url-encoded or multipart body.
async fn field_of(content_type: &str, body: &[u8]) -> Option<String> {
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return form_urlencoded::parse(body)
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| v.into_owned());
    }
    if content_type.starts_with("multipart/form-data") {
        let req = Request::builder()
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_vec()))
            .ok()?;
        let mut parts = Multipart::from_request(req, &()).await.ok()?;
        while let Ok(Some(part)) = parts.next_field().await {
            if part.name() == Some(FIELD) {
                return part.text().await.ok();
            }
        }
    }
    None
}

/// The layer: gives every request its [`Csrf`] token and refuses a state-changing request
/// without it.
pub async fn guard(State(site): State<Arc<Site>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let known =
        cookies::get(headers, SESSION_COOKIE).or_else(|| cookies::get(headers, PRESESSION_COOKIE));
    let minted = known.is_none().then(|| qyzmet_accounts::token::issue().0);
    let secret = known.clone().or(minted.clone()).unwrap_or_default();
    let expected = token_for(&secret);
    let secure = cookies::over_https(headers);
    let changes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let mut request = request;
    if changes {
        let lang = lang::of(request.uri().query(), request.headers());
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let (parts, body) = request.into_parts();
        let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
            return refuse(&site, lang, StatusCode::PAYLOAD_TOO_LARGE);
        };
        let sent = field_of(&content_type, &bytes).await;
        if known.is_none() || !sent.is_some_and(|s| same(&s, &expected)) {
            return refuse(&site, lang, StatusCode::FORBIDDEN);
        }
        request = Request::from_parts(parts, Body::from(bytes));
    }
    request.extensions_mut().insert(Csrf(expected));
    let mut response = next.run(request).await;
    if let Some(secret) = minted {
        let cookie = cookies::set(
            PRESESSION_COOKIE,
            &secret,
            cookies::Flags {
                max_age: None,
                http_only: true,
                secure,
            },
        );
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

fn refuse(site: &Site, lang: qyzmet_core::Lang, status: StatusCode) -> Response {
    let layout = Layout {
        site,
        lang,
        path: &site.home,
        nav: Vec::new(),
        user: None,
        scripts: &[],
    };
    layout.error(
        status,
        words::csrf_title().get(lang),
        words::csrf_refused().get(lang),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::post;
    use axum::Router;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    fn app() -> Router {
        let site = Arc::new(Site {
            name: qyzmet_core::Text::new("Портал", "Портал", "Portal"),
            home: "/portal".into(),
        });
        Router::new()
            .route("/f", post(|| async { "done" }))
            .layer(axum::middleware::from_fn_with_state(site, guard))
    }

    async fn send(cookie: &str, content_type: &str, body: &str) -> (StatusCode, String) {
        let r = app()
            .oneshot(
                Request::post("/f?lang=ru")
                    .header(header::COOKIE, cookie)
                    .header(header::CONTENT_TYPE, content_type)
                    .body(Body::from(body.to_string()))
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = r.status();
        let text =
            String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        (status, text)
    }

    const FORM: &str = "application/x-www-form-urlencoded";

    #[tokio::test]
    async fn the_sessions_token_passes() {
        let t = token_for("s3cret");
        let (status, text) = send("qyzmet_session=s3cret", FORM, &format!("a=1&csrf={t}")).await;
        assert_eq!((status, text.as_str()), (StatusCode::OK, "done"));
    }

    #[tokio::test]
    async fn a_missing_or_foreign_token_is_refused_in_the_persons_language() {
        let other = token_for("someone-else");
        for body in ["a=1".to_string(), format!("csrf={other}")] {
            let (status, text) = send("qyzmet_session=s3cret", FORM, &body).await;
            assert_eq!(status, StatusCode::FORBIDDEN);
            assert!(text.contains("Форма не принята"), "{text}");
        }
        // Without any cookie there is no secret to match, whatever is sent.
        let (status, _) = send("", FORM, &format!("csrf={}", token_for(""))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    #[tokio::test]
    async fn multipart_forms_carry_it_too() {
        let t = token_for("pre");
        let body = format!(
            "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{t}\r\n--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--b--\r\n"
        );
        let (status, _) = send(
            "qyzmet_presession=pre",
            "multipart/form-data; boundary=b",
            &body,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
}
