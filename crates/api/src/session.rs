//! The person behind a request: `Authorization: Bearer <token>` (or the `qyzmet_session`
//! cookie, for web pages), looked up by the token's digest.

use crate::error::ApiError;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use qyzmet_accounts::{Login, Principal, Role};
use qyzmet_core::Text;
use qyzmet_store::{Store, User};

/// A logged-in person: the stored user and the principal the access policy judges.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub principal: Principal,
}

/// The principal of a stored user: roles as the policy names them, the organisation by code.
pub async fn principal_of(store: &Store, user: &User) -> Result<Principal, ApiError> {
    let today = chrono::Utc::now().date_naive();
    let login = Login::parse(&user.login, today).map_err(ApiError::internal)?;
    let organisation = match &user.organisation {
        Some(id) => Some(store.organisation(id).await?.code),
        None => None,
    };
    let roles = user
        .roles
        .iter()
        .filter_map(|r| serde_json::from_value::<Role>(serde_json::Value::from(r.as_str())).ok())
        .collect();
    Ok(Principal {
        user_id: user.id.to_string(),
        login,
        roles,
        organisation,
    })
}

/// No session, or an expired one: log in.
pub fn unauthenticated() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "auth.required",
        Text::new(
            "Жүйеге кіріңіз (сессия жоқ немесе мерзімі өтті)",
            "Войдите в систему (сессии нет или срок её действия истёк)",
            "Please log in (no session, or it has expired)",
        ),
    )
}

/// The token a request carries, if any.
pub(crate) fn token_of(parts: &Parts) -> Option<String> {
    if let Some(v) = parts.headers.get(header::AUTHORIZATION) {
        return v
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string());
    }
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("qyzmet_session=").map(str::to_string))
}

impl<S> FromRequestParts<S> for Session
where
    Store: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = token_of(parts).ok_or_else(unauthenticated)?;
        let store = Store::from_ref(state);
        let digest = qyzmet_accounts::token::digest(&token);
        let user = store
            .session_user(&digest, chrono::Utc::now())
            .await?
            .ok_or_else(unauthenticated)?;
        let principal = principal_of(&store, &user).await?;
        Ok(Session { user, principal })
    }
}
