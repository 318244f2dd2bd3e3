//! The person's language: `?lang=kk|ru|en`, then `Accept-Language`, then English.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use qyzmet_core::Lang;
use std::convert::Infallible;

/// The language of a request, from its query string and headers.
pub fn lang_of(query: Option<&str>, headers: &HeaderMap) -> Lang {
    let from_query = query.and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| v.parse::<Lang>().ok())
    });
    from_query
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    v.split(',')
                        .filter_map(|part| part.split(';').next())
                        .find_map(|tag| tag.trim().split('-').next()?.parse::<Lang>().ok())
                })
        })
        .unwrap_or(Lang::En)
}

/// The request's language, as an extractor.
#[derive(Debug, Clone, Copy)]
pub struct Language(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for Language {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Language(lang_of(parts.uri.query(), &parts.headers)))
    }
}
