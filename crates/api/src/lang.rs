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
    from_query.or_else(|| accepted(headers)).unwrap_or(Lang::En)
}

/// The first of Kazakh, Russian and English that `Accept-Language` names, if any.
pub fn accepted(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .filter_map(|part| part.split(';').next())
                .find_map(|tag| tag.trim().split('-').next()?.parse::<Lang>().ok())
        })
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

#[cfg(test)]
mod accepted_tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, value.parse().unwrap());
        h
    }

    #[test]
    fn the_first_of_our_languages_the_browser_names() {
        assert_eq!(accepted(&with("kk-KZ,ru;q=0.8")), Some(Lang::Kk));
        assert_eq!(accepted(&with("de-DE, ru;q=0.5, en")), Some(Lang::Ru));
        assert_eq!(accepted(&with("fr, de")), None);
        assert_eq!(accepted(&HeaderMap::new()), None);
        assert_eq!(lang_of(Some("lang=kk"), &with("ru")), Lang::Kk);
        assert_eq!(lang_of(None, &with("fr")), Lang::En);
    }
}
