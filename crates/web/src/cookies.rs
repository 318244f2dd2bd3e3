//! Cookies: reading one by name, and writing one with the flags a page's cookies need.
//!
//! Every cookie the kit writes is `Path=/` and `SameSite=Lax` (sent when a person follows a
//! link from elsewhere, e.g. a notice's e-mail, but not on another site's POST); the session
//! and CSRF cookies are also `HttpOnly` (no script reads them). `Secure` is added when the
//! page is served over https, which behind the reverse proxy that terminates TLS is what
//! `X-Forwarded-Proto` / `Forwarded` say: a cookie marked Secure is then never sent in clear.

use axum::http::{header, HeaderMap, HeaderValue};

/// The value of cookie `name` in the request, if it has one.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Whether the browser reached this page over https (the proxy in front says so).
pub fn over_https(headers: &HeaderMap) -> bool {
    let said = |h: header::HeaderName| {
        headers
            .get(h)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
    };
    said(header::HeaderName::from_static("x-forwarded-proto")).is_some_and(|p| p == "https")
        || said(header::FORWARDED).is_some_and(|f| f.contains("proto=https"))
}

/// How a cookie is written.
#[derive(Debug, Clone, Copy)]
pub struct Flags {
    /// Seconds it lives; `Some(0)` deletes it, `None` lasts the browser's session.
    pub max_age: Option<i64>,
    pub http_only: bool,
    pub secure: bool,
}

/// A `Set-Cookie` value. `value` must be cookie-safe (the kit writes tokens and language
/// codes only).
pub fn set(name: &str, value: &str, flags: Flags) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; SameSite=Lax");
    if let Some(age) = flags.max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if flags.http_only {
        s.push_str("; HttpOnly");
    }
    if flags.secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_named_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; lang=ru; b=2"),
        );
        assert_eq!(get(&h, "lang").as_deref(), Some("ru"));
        assert_eq!(get(&h, "lan"), None);
    }

    #[test]
    fn secure_only_over_https() {
        let mut h = HeaderMap::new();
        assert!(!over_https(&h));
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(over_https(&h));
        let v = set(
            "s",
            "t",
            Flags {
                max_age: Some(60),
                http_only: true,
                secure: true,
            },
        );
        assert_eq!(
            v.to_str().unwrap(),
            "s=t; Path=/; SameSite=Lax; Max-Age=60; HttpOnly; Secure"
        );
    }
}
