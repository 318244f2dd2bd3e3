//! The language of a page: `?lang=` (the switch's links), then the `lang` cookie (the choice
//! remembered), then `Accept-Language`, then Kazakh, the state language.

use crate::cookies;
use axum::extract::Request;
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;
use qyzmet_core::Lang;

/// The cookie that remembers the chosen language.
pub const COOKIE: &str = "lang";

/// A year: the choice outlives sessions.
const REMEMBERED_SECONDS: i64 = 365 * 24 * 3600;

fn from_query(query: Option<&str>) -> Option<Lang> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| v.parse().ok())
}

/// The page's language.
pub fn of(query: Option<&str>, headers: &HeaderMap) -> Lang {
    from_query(query)
        .or_else(|| cookies::get(headers, COOKIE).and_then(|v| v.parse().ok()))
        .or_else(|| qyzmet_api::accepted(headers))
        .unwrap_or(Lang::Kk)
}

/// The layer that remembers a language chosen with `?lang=` in the cookie.
pub async fn remember(request: Request, next: Next) -> Response {
    let chosen = from_query(request.uri().query());
    let secure = cookies::over_https(request.headers());
    let mut response = next.run(request).await;
    if let Some(lang) = chosen {
        let cookie = cookies::set(
            COOKIE,
            lang.code(),
            cookies::Flags {
                max_age: Some(REMEMBERED_SECONDS),
                http_only: false,
                secure,
            },
        );
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The address of the page at `path_and_query` in `lang`: the same page, `lang=` replaced.
pub fn switch_to(path_and_query: &str, lang: Lang) -> String {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k != "lang") {
        out.append_pair(&k, &v);
    }
    out.append_pair("lang", lang.code());
    format!("{path}?{}", out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn query_then_cookie_then_header_then_kazakh() {
        let mut h = HeaderMap::new();
        assert_eq!(of(None, &h), Lang::Kk);
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-GB,en"),
        );
        assert_eq!(of(None, &h), Lang::En);
        h.insert(header::COOKIE, HeaderValue::from_static("lang=ru"));
        assert_eq!(of(None, &h), Lang::Ru);
        assert_eq!(of(Some("a=1&lang=kk"), &h), Lang::Kk);
    }

    #[test]
    fn the_switch_keeps_the_page_and_its_query() {
        assert_eq!(
            switch_to("/portal/requests?page=2&lang=kk", Lang::En),
            "/portal/requests?page=2&lang=en"
        );
        assert_eq!(switch_to("/portal", Lang::Ru), "/portal?lang=ru");
    }
}
