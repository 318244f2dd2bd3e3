//! Logging in and out, for every role: `POST /api/session` with a login (IIN, BIN or staff
//! name) and password gives a bearer token; `GET` says who is logged in; `DELETE` logs out.

use crate::body::Body;
use crate::error::ApiError;
use crate::session::{token_of, Session};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use chrono::{Duration, Utc};
use qyzmet_core::{Lang, Text};
use qyzmet_store::Store;
use serde::{Deserialize, Serialize};

/// How long a session lasts.
pub const SESSION_LIFETIME: Duration = Duration::hours(8);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub login: String,
    pub password: String,
}

#[derive(Serialize)]
pub struct Opened {
    pub token: String,
    pub expires_at: chrono::DateTime<Utc>,
    pub me: Me,
}

#[derive(Serialize)]
pub struct Me {
    pub user_id: String,
    pub login: String,
    pub full_name: String,
    pub roles: Vec<&'static str>,
    pub organisation: Option<String>,
    pub language: Lang,
}

pub fn router(store: Store) -> Router {
    Router::new()
        .route("/api/session", post(login).get(me).delete(logout))
        .with_state(store)
}

fn refused() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "auth.refused",
        Text::new(
            "Авторизациядан бас тартылды: логин немесе құпиясөз қате",
            "В авторизации отказано: неверный логин или пароль",
            "Authorisation refused: wrong login or password",
        ),
    )
}

async fn me_of(store: &Store, session: &Session) -> Me {
    Me {
        user_id: session.user.id.to_string(),
        login: session.user.login.clone(),
        full_name: session.user.full_name.clone(),
        roles: session.user.roles.iter().map(|r| r.as_str()).collect(),
        organisation: session.principal.organisation.clone(),
        language: {
            let _ = store;
            session.user.language
        },
    }
}

async fn login(
    State(store): State<Store>,
    Body(c): Body<Credentials>,
) -> Result<Json<Opened>, ApiError> {
    let today = Utc::now().date_naive();
    // The typed login is normalised (an IIN/BIN of 12 digits, or a lower-case staff name).
    let login = qyzmet_accounts::Login::parse(&c.login, today).map_err(|_| refused())?;
    let user = store.user_by_login(&login.to_string()).await?;
    // Verify even when the login is unknown, so that timing does not tell which logins exist.
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.0.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let password = c.password;
    let ok =
        tokio::task::spawn_blocking(move || qyzmet_accounts::password::verify(&stored, &password))
            .await
            .map_err(ApiError::internal)?;
    let user = match (user, ok) {
        (Some(u), true) => u,
        _ => return Err(refused()),
    };
    let (token, digest) = qyzmet_accounts::token::issue();
    let now = Utc::now();
    let expires_at = now + SESSION_LIFETIME;
    store
        .create_session(&digest, &user.id, now, expires_at)
        .await?;
    let principal = crate::session::principal_of(&store, &user).await?;
    let session = Session { user, principal };
    Ok(Json(Opened {
        token,
        expires_at,
        me: me_of(&store, &session).await,
    }))
}

/// An argon2id hash of a password no one knows: verified against when the login is unknown,
/// so that both paths cost the same.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let (secret, _) = qyzmet_accounts::token::issue();
        qyzmet_accounts::password::hash(&format!("Aa1!{secret}")).unwrap_or_default()
    })
}

async fn me(State(store): State<Store>, session: Session) -> Json<Me> {
    Json(me_of(&store, &session).await)
}

struct Token(String);

impl<S: Send + Sync> FromRequestParts<S> for Token {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        token_of(parts)
            .map(Token)
            .ok_or_else(crate::session::unauthenticated)
    }
}

async fn logout(State(store): State<Store>, Token(token): Token) -> Result<StatusCode, ApiError> {
    store
        .delete_session(&qyzmet_accounts::token::digest(&token))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
