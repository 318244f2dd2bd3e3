//! The road between participants: what is granted goes through, everything else is refused
//! with its reason and never reaches the recipient.

use async_trait::async_trait;
use qyzmet_gateway::{Endpoint, Envelope, Gateway, GatewayError, MessageKind, ParticipantId};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A state database that answers who has an IIN, and counts what reached it.
#[derive(Default)]
struct Registry {
    received: AtomicUsize,
}

#[async_trait]
impl Endpoint for Registry {
    async fn receive(&self, m: Envelope) -> Result<Option<Envelope>, String> {
        self.received.fetch_add(1, Ordering::SeqCst);
        match m.body["iin"].as_str() {
            Some("850101300005") => Ok(Some(
                m.reply(json!({ "found": true, "surname": "Ахметов" })),
            )),
            Some(_) => Ok(Some(m.reply(json!({ "found": false })))),
            None => Err("the request names no IIN".into()),
        }
    }
}

struct Silent;

#[async_trait]
impl Endpoint for Silent {
    async fn receive(&self, _: Envelope) -> Result<Option<Envelope>, String> {
        Ok(None)
    }
}

fn setup() -> (Gateway, Arc<Registry>, ParticipantId, ParticipantId) {
    let gw = Gateway::new();
    let agency = ParticipantId::new("agency:aiyrtau-employment");
    let gbd = ParticipantId::new("gbd-fl");
    let registry = Arc::new(Registry::default());
    gw.register(agency.clone(), Arc::new(Silent));
    gw.register(gbd.clone(), registry.clone());
    gw.grant(&agency, &gbd, "gbd-fl.person");
    (gw, registry, agency, gbd)
}

#[tokio::test]
async fn a_granted_request_is_answered_and_correlated() {
    let (gw, registry, agency, gbd) = setup();
    let req = Envelope::request(
        &agency,
        &gbd,
        "gbd-fl.person",
        json!({ "iin": "850101300005" }),
    );
    let res = gw.request(req.clone()).await.unwrap();
    assert_eq!(res.kind, MessageKind::Response);
    assert_eq!(res.correlation_id.as_deref(), Some(req.message_id.as_str()));
    assert_eq!((res.sender.clone(), res.recipient.clone()), (gbd, agency));
    assert_eq!(res.body["surname"], "Ахметов");
    assert_eq!(registry.received.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn rights_are_denied_by_default() {
    let (gw, registry, agency, gbd) = setup();
    let portal = ParticipantId::new("portal");
    gw.register(portal.clone(), Arc::new(Silent));
    let cases = [
        (
            Envelope::request(&portal, &gbd, "gbd-fl.person", json!({ "iin": "1" })),
            "may not call",
        ),
        (
            Envelope::request(&agency, &gbd, "gbd-fl.everyone", json!({})),
            "may not call",
        ),
        (
            Envelope::request(
                &ParticipantId::new("intruder"),
                &gbd,
                "gbd-fl.person",
                json!({}),
            ),
            "not a registered participant",
        ),
        (
            Envelope::request(&agency, &ParticipantId::new("nowhere"), "x", json!({})),
            "not a registered participant",
        ),
    ];
    for (m, why) in cases {
        let err = gw.request(m).await.unwrap_err();
        assert!(err.to_string().contains(why), "{err}");
    }
    assert_eq!(
        registry.received.load(Ordering::SeqCst),
        0,
        "nothing refused reached the registry"
    );
}

#[tokio::test]
async fn a_refusal_and_a_missing_answer_are_errors() {
    let (gw, _, agency, gbd) = setup();
    let err = gw
        .request(Envelope::request(&agency, &gbd, "gbd-fl.person", json!({})))
        .await
        .unwrap_err();
    assert!(
        matches!(err, GatewayError::Refused { ref reason, .. } if reason.contains("no IIN")),
        "{err}"
    );
    gw.grant(&gbd, &agency, "agency.notice");
    let err = gw
        .request(Envelope::request(&gbd, &agency, "agency.notice", json!({})))
        .await
        .unwrap_err();
    assert_eq!(err, GatewayError::NoResponse(agency.clone()));
    gw.deliver(Envelope::notification(
        &gbd,
        &agency,
        "agency.notice",
        json!({}),
    ))
    .await
    .unwrap();
}

#[tokio::test]
async fn an_oversized_message_is_refused() {
    let (gw, registry, agency, gbd) = setup();
    let big = "x".repeat(qyzmet_gateway::MAX_MESSAGE_BYTES + 1);
    let err = gw
        .request(Envelope::request(
            &agency,
            &gbd,
            "gbd-fl.person",
            json!({ "iin": big }),
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, GatewayError::TooLarge { .. }), "{err}");
    assert_eq!(registry.received.load(Ordering::SeqCst), 0);
}
