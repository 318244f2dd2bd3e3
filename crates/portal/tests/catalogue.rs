//! The catalogue API over the real router, with a regulation loaded from the validator's fixture.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use qyzmet_core::regulation::Catalog;
use qyzmet_portal::{router, Portal};
use tower::ServiceExt;

const SOUND: &str = include_str!("../../core/tests/fixtures/sound.toml");

fn portal() -> axum::Router {
    let (catalog, ds) = Catalog::from_sources(&[("sound.toml", SOUND)]);
    assert!(ds.is_empty());
    router(Portal::new(catalog))
}

async fn get(uri: &str, lang: Option<&str>) -> (StatusCode, serde_json::Value) {
    let mut req = Request::get(uri);
    if let Some(l) = lang {
        req = req.header("accept-language", l);
    }
    let res = portal()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn lists_the_services() {
    let (status, body) = get("/api/services", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body[0]["code"], "test-certificate");
    assert_eq!(body[0]["name"]["kk"], "Сынақ анықтамасы");
    assert_eq!(body[0]["channels"], serde_json::json!(["portal"]));
}

#[tokio::test]
async fn shows_one_service_with_its_action_table() {
    let (status, body) = get("/api/services/test-certificate", None).await;
    assert_eq!(status, StatusCode::OK);
    let actions = &body["channels"]["portal"]["actions"];
    assert_eq!(actions[0]["deadline"], "1 min");
    assert_eq!(actions[1]["next"][0]["on"], "positive");
}

#[tokio::test]
async fn unknown_service_is_a_translated_404() {
    let (status, body) = get("/api/services/no-such", Some("ru-RU,ru;q=0.9")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "service.not_found");
    assert_eq!(body["message"], "Услуги «no-such» нет в каталоге");
    let (_, body) = get("/api/services/test-certificate?version=9", Some("kk")).await;
    assert_eq!(
        body["message"],
        "«test-certificate» v9 қызметі каталогта жоқ"
    );
    let (_, body) = get("/api/services/no-such", None).await;
    assert_eq!(
        body["message"],
        "There is no service `no-such` in the catalogue"
    );
}

#[tokio::test]
async fn health_counts_the_regulations() {
    let (status, body) = get("/health", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["regulations"], 1);
}
