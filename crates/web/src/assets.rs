//! The files pages load, compiled in and served under `/assets/{name}` with their content
//! types. Each answer carries an ETag (its SHA-256), and `Cache-Control: no-cache`, so a
//! browser keeps a copy and asks only whether it changed.
//!
//! The route is merged once per node: a second participant's pages on the same node share
//! these (`router` must not be merged twice into one router).

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// One served file.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
}

/// The kit's style sheet: readable on a phone, WCAG 2.1 AA contrast, a visible focus.
pub const SITE_CSS: &str = include_str!("../assets/site.css");
/// The portal's module: signs an application in the browser with `sign.js` and sends it;
/// shows only the fields a form asks.
pub const PORTAL_JS: &str = include_str!("../assets/portal.js");

/// Every asset.
pub const ALL: &[Asset] = &[
    Asset {
        name: "site.css",
        content_type: "text/css; charset=utf-8",
        body: SITE_CSS,
    },
    Asset {
        name: "sign.js",
        content_type: "text/javascript; charset=utf-8",
        body: crate::SIGN_JS,
    },
    Asset {
        name: "portal.js",
        content_type: "text/javascript; charset=utf-8",
        body: PORTAL_JS,
    },
];

fn etags() -> &'static Vec<String> {
    static TAGS: OnceLock<Vec<String>> = OnceLock::new();
    TAGS.get_or_init(|| {
        ALL.iter()
            .map(|a| {
                let d = Sha256::digest(a.body.as_bytes());
                let hex: String = d[..12].iter().map(|b| format!("{b:02x}")).collect();
                format!("\"{hex}\"")
            })
            .collect()
    })
}

/// The address of asset `name`.
pub fn href(name: &str) -> String {
    format!("/assets/{name}")
}

/// `GET /assets/{name}`.
pub fn router() -> Router {
    Router::new().route("/assets/{name}", get(serve))
}

async fn serve(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(i) = ALL.iter().position(|a| a.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (asset, tag) = (&ALL[i], &etags()[i]);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let mut r = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        asset.body.into_response()
    };
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(tag) {
        h.insert(header::ETAG, v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    async fn get(path: &str, tag: Option<&str>) -> Response {
        let mut req = Request::get(path);
        if let Some(t) = tag {
            req = req.header(header::IF_NONE_MATCH, t);
        }
        router()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn each_asset_with_its_type_and_a_revalidation() {
        for (name, kind) in [
            ("site.css", "text/css"),
            ("sign.js", "text/javascript"),
            ("portal.js", "text/javascript"),
        ] {
            let r = get(&href(name), None).await;
            assert_eq!(r.status(), StatusCode::OK);
            let ct = r.headers()[header::CONTENT_TYPE].to_str().unwrap();
            assert!(ct.starts_with(kind), "{name}: {ct}");
            let tag = r.headers()[header::ETAG].to_str().unwrap().to_string();
            assert_eq!(
                get(&href(name), Some(&tag)).await.status(),
                StatusCode::NOT_MODIFIED
            );
        }
        assert_eq!(
            get("/assets/none.js", None).await.status(),
            StatusCode::NOT_FOUND
        );
    }
}
