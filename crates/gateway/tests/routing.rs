//! The road between participants: what is granted, signed by a trusted system and new goes
//! through, logged; everything else is refused with its reason, logged, and never reaches
//! the recipient.

use async_trait::async_trait;
use chrono::{Duration, Utc};
use qyzmet_gateway::log::{self, LogConfig, RecordKind, Refusal};
use qyzmet_gateway::{
    Endpoint, Envelope, Gateway, GatewayConfig, GatewayError, MessageKind, ParticipantId, Sealed,
    SystemKey,
};
use qyzmet_pki::nca::{IssueRequest, Nca, NcaUrls};
use qyzmet_pki::{Holder, KeyPurpose, KeyType, Organisation, Role};
use serde_json::json;
use std::path::PathBuf;
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

struct World {
    gw: Gateway,
    registry: Arc<Registry>,
    agency: ParticipantId,
    gbd: ParticipantId,
    nca: Nca,
    dir: PathBuf,
}

fn owner() -> Organisation {
    Organisation {
        bin: "080440000008".parse().unwrap(),
        name: "Qyzmet test".into(),
    }
}

fn system_key(nca: &mut Nca, name: &str) -> SystemKey {
    let now = Utc::now();
    let k = nca
        .issue_system(
            name,
            &owner(),
            KeyType::EcdsaP256,
            (now - Duration::days(1), now + Duration::days(30)),
            now,
        )
        .unwrap();
    SystemKey::new(ParticipantId::new(name), k.key, k.cert).unwrap()
}

fn tmp() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("qyzmet-gateway")
        .join(uuid::Uuid::new_v4().simple().to_string());
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn setup_with(log: impl FnOnce(PathBuf) -> LogConfig) -> World {
    let dir = tmp();
    let now = Utc::now() - Duration::days(2);
    let mut nca = Nca::init(
        &dir.join("nca"),
        KeyType::EcdsaP256,
        NcaUrls::default(),
        now,
    )
    .unwrap();
    let config = GatewayConfig::new(
        system_key(&mut nca, "gateway"),
        vec![nca.issuing().cert.clone()],
        log(dir.join("log")),
    );
    let gw = Gateway::open(config).unwrap();
    let agency = ParticipantId::new("agency:aiyrtau-employment");
    let gbd = ParticipantId::new("gbd-fl");
    let registry = Arc::new(Registry::default());
    gw.register(system_key(&mut nca, &agency.0), Arc::new(Silent))
        .unwrap();
    gw.register(system_key(&mut nca, &gbd.0), registry.clone())
        .unwrap();
    gw.grant(&agency, &gbd, "gbd-fl.person");
    World {
        gw,
        registry,
        agency,
        gbd,
        nca,
        dir,
    }
}

fn setup() -> World {
    setup_with(LogConfig::new)
}

fn refusals(w: &World) -> Vec<Refusal> {
    log::records(&w.dir.join("log"))
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == RecordKind::Refusal)
        .map(|r| serde_json::from_slice(&r.payload).unwrap())
        .collect()
}

fn trusted(w: &World) -> Vec<qyzmet_pki::Cert> {
    vec![w.nca.issuing().cert.clone()]
}

#[tokio::test]
async fn a_granted_request_is_answered_bound_and_logged() {
    let w = setup();
    let req = Envelope::request(
        &w.agency,
        &w.gbd,
        "gbd-fl.person",
        json!({ "iin": "850101300005" }),
    );
    let res = w.gw.request(req.clone()).await.unwrap();
    assert_eq!(res.kind, MessageKind::Response);
    assert_eq!(res.status, Some(200));
    assert_eq!(res.correlation_id.as_deref(), Some(req.message_id.as_str()));
    assert_eq!(
        (res.sender.clone(), res.recipient.clone()),
        (w.gbd.clone(), w.agency.clone())
    );
    assert_eq!(res.body["surname"], "Ахметов");
    assert_eq!(w.registry.received.load(Ordering::SeqCst), 1);

    // Both messages are in the log, signed, the response bound to the request's hash.
    w.gw.log().seal().await.unwrap();
    let records = log::records(&w.dir.join("log")).unwrap();
    let messages: Vec<Sealed> = records
        .iter()
        .filter(|r| r.kind == RecordKind::Message)
        .map(|r| Sealed::decode(&r.payload).unwrap())
        .collect();
    assert_eq!(messages.len(), 2);
    let logged: Envelope = serde_json::from_slice(&messages[1].bytes).unwrap();
    assert_eq!(logged.request_hash, Some(messages[0].hash_hex()));
    let report = log::verify(&w.dir.join("log"), &trusted(&w)).unwrap();
    assert_eq!(
        (report.messages, report.refusals, report.unsealed),
        (2, 0, 0)
    );
    assert!(report.seals >= 1);
}

#[tokio::test]
async fn rights_are_denied_by_default() {
    let w = setup();
    let portal = ParticipantId::new("portal");
    let mut nca = w.nca;
    w.gw.register(system_key(&mut nca, "portal"), Arc::new(Silent))
        .unwrap();
    let cases = [
        (
            Envelope::request(&portal, &w.gbd, "gbd-fl.person", json!({ "iin": "1" })),
            "may not call",
        ),
        (
            Envelope::request(&w.agency, &w.gbd, "gbd-fl.everyone", json!({})),
            "may not call",
        ),
        (
            Envelope::request(
                &ParticipantId::new("intruder"),
                &w.gbd,
                "gbd-fl.person",
                json!({}),
            ),
            "not a registered participant",
        ),
        (
            Envelope::request(&w.agency, &ParticipantId::new("nowhere"), "x", json!({})),
            "not a registered participant",
        ),
    ];
    for (m, why) in cases {
        let err = w.gw.request(m).await.unwrap_err();
        assert!(err.to_string().contains(why), "{err}");
    }
    assert_eq!(
        w.registry.received.load(Ordering::SeqCst),
        0,
        "nothing refused reached the registry"
    );
    let w = World { nca, ..w };
    let codes: Vec<String> = refusals(&w).into_iter().map(|r| r.code).collect();
    assert_eq!(
        codes,
        [
            "gateway.not_granted",
            "gateway.not_granted",
            "gateway.unknown_recipient"
        ],
        "the intruder's message never left"
    );
}

/// A message signed by `key` but not through the gateway's sending side.
fn signed_by(key: &SystemKey, m: &Envelope) -> Sealed {
    let bytes = serde_json::to_vec(m).unwrap();
    let signature = key.sign(&qyzmet_gateway::wire::leaf(&bytes)).unwrap();
    Sealed::single(bytes, signature)
}

#[tokio::test]
async fn forged_unregistered_replayed_and_revoked_messages_are_refused_and_logged() {
    let mut w = setup();
    let ask = || {
        Envelope::request(
            &w.agency,
            &w.gbd,
            "gbd-fl.person",
            json!({ "iin": "850101300005" }),
        )
    };

    // Forged: the bytes altered after signing (the IIN changed), or another key's signature.
    let mut sealed = w.gw.seal(&ask()).await.unwrap();
    let text = String::from_utf8(sealed.bytes.clone())
        .unwrap()
        .replace("850101300005", "900312400000");
    sealed.bytes = text.into_bytes();
    let err = w.gw.receive(sealed).await.unwrap_err();
    assert_eq!(err.code(), "gateway.forged", "{err}");
    let stranger = system_key(&mut w.nca, &w.agency.0);
    let err =
        w.gw.receive(signed_by(&stranger, &ask()))
            .await
            .unwrap_err();
    assert_eq!(
        err.code(),
        "gateway.forged",
        "a key the registry does not hold for it: {err}"
    );

    // From a system that never registered, though its key is the NCA's.
    let rogue = system_key(&mut w.nca, "rogue-is");
    let from_rogue = Envelope::request(
        rogue.participant(),
        &w.gbd,
        "gbd-fl.person",
        json!({ "iin": "1" }),
    );
    let err =
        w.gw.receive(signed_by(&rogue, &from_rogue))
            .await
            .unwrap_err();
    assert_eq!(err.code(), "gateway.unknown_sender", "{err}");

    // Replayed: the same signed message twice.
    let sealed = w.gw.seal(&ask()).await.unwrap();
    w.gw.receive(sealed.clone()).await.unwrap();
    let err = w.gw.receive(sealed).await.unwrap_err();
    assert_eq!(err.code(), "gateway.replayed", "{err}");

    // Dated long ago: outside the window, whatever its id.
    let mut old = ask();
    old.message_date = Utc::now() - Duration::hours(1);
    let err = w.gw.request(old).await.unwrap_err();
    assert_eq!(err.code(), "gateway.out_of_window", "{err}");

    // Not an envelope at all.
    let err =
        w.gw.receive(Sealed::single(b"{not json".to_vec(), vec![]))
            .await
            .unwrap_err();
    assert_eq!(err.code(), "gateway.malformed");

    // Revoked: the agency's certificate is withdrawn; its next message is refused.
    let serial = w.gw.trust().certificate(&w.agency).unwrap().serial_hex();
    w.gw.trust().revoke(&serial);
    let err = w.gw.request(ask()).await.unwrap_err();
    assert_eq!(err.code(), "gateway.revoked", "{err}");

    assert_eq!(
        w.registry.received.load(Ordering::SeqCst),
        1,
        "only the one good message reached the registry"
    );
    let codes: Vec<String> = refusals(&w).into_iter().map(|r| r.code).collect();
    assert_eq!(
        codes,
        [
            "gateway.forged",
            "gateway.forged",
            "gateway.unknown_sender",
            "gateway.replayed",
            "gateway.out_of_window",
            "gateway.malformed",
            "gateway.revoked"
        ]
    );
    let text = w.gw.metrics();
    assert!(
        text.contains("qyzmet_gateway_refusals_total{reason=\"gateway.forged\"} 2"),
        "{text}"
    );
}

#[tokio::test]
async fn only_a_system_certificate_of_the_nca_joins() {
    let mut w = setup();
    let now = Utc::now();
    let person = w
        .nca
        .issue(
            &IssueRequest {
                holder: Holder {
                    iin: "850101300005".parse().unwrap(),
                    surname: "portal".into(),
                    name: "x".into(),
                    patronymic: None,
                    role: Role::Individual,
                    organisation: None,
                },
                purpose: KeyPurpose::Signing,
                key_type: KeyType::EcdsaP256,
                not_before: now - Duration::days(1),
                not_after: now + Duration::days(1),
            },
            now,
        )
        .unwrap();
    let err =
        w.gw.trust()
            .admit(&ParticipantId::new("portal x"), &person.cert, now)
            .unwrap_err();
    assert!(err.to_string().contains("legal entity"), "{err}");

    // A system key from another CA.
    let other_dir = tmp();
    let mut other = Nca::init(
        &other_dir,
        KeyType::EcdsaP256,
        NcaUrls::default(),
        now - Duration::days(2),
    )
    .unwrap();
    let foreign = system_key(&mut other, "portal");
    let err = w.gw.register(foreign, Arc::new(Silent)).unwrap_err();
    assert!(err.to_string().contains("no issuer of the NCA"), "{err}");
}

#[tokio::test]
async fn a_refusal_and_a_missing_answer_are_errors() {
    let w = setup();
    let err =
        w.gw.request(Envelope::request(
            &w.agency,
            &w.gbd,
            "gbd-fl.person",
            json!({}),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(err, GatewayError::Refused { ref reason, .. } if reason.contains("no IIN")),
        "{err}"
    );
    w.gw.grant(&w.gbd, &w.agency, "agency.notice");
    let err =
        w.gw.request(Envelope::request(
            &w.gbd,
            &w.agency,
            "agency.notice",
            json!({}),
        ))
        .await
        .unwrap_err();
    assert_eq!(err, GatewayError::NoResponse(w.agency.clone()));
    w.gw.deliver(Envelope::notification(
        &w.gbd,
        &w.agency,
        "agency.notice",
        json!({}),
    ))
    .await
    .unwrap();
}

#[tokio::test]
async fn an_oversized_message_is_refused() {
    let w = setup();
    let big = "x".repeat(qyzmet_gateway::MAX_MESSAGE_BYTES + 1);
    let err =
        w.gw.request(Envelope::request(
            &w.agency,
            &w.gbd,
            "gbd-fl.person",
            json!({ "iin": big }),
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, GatewayError::TooLarge { .. }), "{err}");
    // Arriving from outside, already signed: refused on receipt and logged.
    let err =
        w.gw.receive(Sealed::single(
            vec![b' '; qyzmet_gateway::MAX_MESSAGE_BYTES + 1],
            vec![],
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "gateway.too_large");
    assert_eq!(w.registry.received.load(Ordering::SeqCst), 0);
    assert_eq!(refusals(&w).len(), 1);
}

#[tokio::test]
async fn metadata_health_and_metrics_over_http() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let w = setup();
    w.gw.request(Envelope::request(
        &w.agency,
        &w.gbd,
        "gbd-fl.person",
        json!({ "iin": "1" }),
    ))
    .await
    .unwrap();
    let app = qyzmet_gateway::http::router(w.gw.clone());
    let get = |uri: &str| {
        let app = app.clone();
        let uri = uri.to_string();
        async move {
            let res = app
                .oneshot(
                    axum::http::Request::get(uri)
                        .body(axum::body::Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            let status = res.status();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            (status, String::from_utf8(body.to_vec()).unwrap())
        }
    };
    let (s, health) = get("/gateway/health").await;
    assert_eq!(s, 200, "{health}");
    assert!(
        health.contains("\"status\":\"up\"") && health.contains("gbd-fl"),
        "{health}"
    );
    let (_, participants) = get("/gateway/participants").await;
    let p: serde_json::Value = serde_json::from_str(&participants).unwrap();
    let gbd = p
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "gbd-fl")
        .unwrap();
    assert_eq!(gbd["services"], json!(["gbd-fl.person"]));
    let (_, allowed) = get("/gateway/participants/agency:aiyrtau-employment/allowed").await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&allowed).unwrap(),
        json!([{ "recipient": "gbd-fl", "service": "gbd-fl.person" }])
    );
    let (_, services) = get("/gateway/services").await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&services).unwrap(),
        json!([{ "recipient": "gbd-fl", "service": "gbd-fl.person" }])
    );
    let (s, _) = get("/gateway/participants/nobody/allowed").await;
    assert_eq!(s, 404);
    let (_, metrics) = get("/gateway/metrics").await;
    assert!(metrics.contains("qyzmet_gateway_messages_total{sender=\"agency:aiyrtau-employment\",recipient=\"gbd-fl\",service=\"gbd-fl.person\",kind=\"request\",state=\"delivered\"} 1"), "{metrics}");
    assert!(metrics.contains("qyzmet_gateway_log_records"), "{metrics}");
}

#[tokio::test]
async fn one_signature_covers_a_batch_and_no_member_can_be_altered_or_moved() {
    use qyzmet_gateway::wire::{leaf, tree};
    let mut w = setup();
    // A system's key, kept on disk: the gateway signs with one copy, the test with another.
    let keys = w.dir.join("keys");
    system_key(&mut w.nca, "agency:batch").save(&keys).unwrap();
    let id = ParticipantId::new("agency:batch");
    w.gw.register(SystemKey::load(&keys, &id).unwrap(), Arc::new(Silent))
        .unwrap();
    w.gw.grant(&id, &w.gbd, "gbd-fl.person");
    let signer = SystemKey::load(&keys, &id).unwrap();
    let batch: Vec<Vec<u8>> = (0..5)
        .map(|i| {
            let m = Envelope::request(
                &id,
                &w.gbd,
                "gbd-fl.person",
                json!({ "iin": format!("85010130000{i}") }),
            );
            serde_json::to_vec(&m).unwrap()
        })
        .collect();
    let leaves: Vec<[u8; 32]> = batch.iter().map(|b| leaf(b)).collect();
    let (root, paths) = tree(&leaves);
    let signature = signer.sign(&root).unwrap();
    let member = |i: usize| Sealed {
        bytes: batch[i].clone(),
        signature: signature.clone(),
        index: i as u32,
        batch: 5,
        path: paths[i].clone(),
    };
    w.gw.receive(member(0)).await.unwrap();
    w.gw.receive(member(4)).await.unwrap();
    // Altered after signing: its path no longer leads to the signed root.
    let mut altered = member(2);
    altered.bytes = String::from_utf8(altered.bytes)
        .unwrap()
        .replace("850101300002", "900312400000")
        .into_bytes();
    assert_eq!(
        w.gw.receive(altered).await.unwrap_err().code(),
        "gateway.forged"
    );
    // Moved to another place in the batch.
    let mut moved = member(3);
    moved.index = 1;
    assert_eq!(
        w.gw.receive(moved).await.unwrap_err().code(),
        "gateway.forged"
    );
    // Claimed to be in a batch of another size, where its path leads elsewhere.
    let mut resized = member(4);
    resized.batch = 8;
    assert_eq!(
        w.gw.receive(resized).await.unwrap_err().code(),
        "gateway.forged"
    );
    assert_eq!(w.registry.received.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_notice_that_waited_on_the_road_is_still_taken_but_a_late_request_is_not() {
    let w = setup();
    w.gw.grant(&w.gbd, &w.agency, "agency.notice");
    let mut late = Envelope::notification(&w.gbd, &w.agency, "agency.notice", json!({}));
    late.message_date = Utc::now() - Duration::hours(3);
    w.gw.deliver(late.clone()).await.unwrap();
    // The same signed notice twice inside the window is a replay.
    let fresh = Envelope::notification(&w.gbd, &w.agency, "agency.notice", json!({}));
    let sealed = w.gw.seal(&fresh).await.unwrap();
    w.gw.receive(sealed.clone()).await.unwrap();
    assert_eq!(
        w.gw.receive(sealed.clone()).await.unwrap_err().code(),
        "gateway.replayed"
    );
    // The durable road bringing it again (its node did not acknowledge it) is no replay: the
    // recipient's inbox takes it once. A request is never brought again.
    w.gw.receive_again(sealed).await.unwrap();
    let request = Envelope::request(&w.agency, &w.gbd, "gbd-fl.person", json!({ "iin": "1" }));
    let sealed = w.gw.seal(&request).await.unwrap();
    w.gw.receive(sealed.clone()).await.unwrap();
    assert_eq!(
        w.gw.receive_again(sealed).await.unwrap_err().code(),
        "gateway.replayed"
    );
    let mut old = Envelope::request(&w.agency, &w.gbd, "gbd-fl.person", json!({ "iin": "1" }));
    old.message_date = Utc::now() - Duration::hours(3);
    assert_eq!(
        w.gw.request(old).await.unwrap_err().code(),
        "gateway.out_of_window"
    );
}

/// The NCA revokes a system's certificate while the gateway runs: from the next CRL the gateway
/// fetches, that system's messages are refused. A CRL that fails its check changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_system_the_nca_revokes_is_refused_from_its_next_crl() {
    use qyzmet_gateway::revocations::{apply_crl, follow};
    let mut w = setup();
    let ask = || {
        Envelope::request(
            &w.agency,
            &w.gbd,
            "gbd-fl.person",
            json!({ "iin": "850101300005" }),
        )
    };
    w.gw.request(ask()).await.unwrap();
    let issuer = w.nca.issuing().cert.clone();
    let now = Utc::now();
    // Another CA's CRL, and a stale one of the NCA's: refused, nothing distrusted.
    let mut other = Nca::init(
        &w.dir.join("other-nca"),
        KeyType::EcdsaP256,
        NcaUrls::default(),
        now - Duration::days(1),
    )
    .unwrap();
    let foreign = other.publish_crl(now, Duration::hours(1)).unwrap();
    assert!(apply_crl(&w.gw, &issuer, &foreign, now).is_err());
    let stale = w
        .nca
        .publish_crl(now - Duration::hours(3), Duration::hours(1))
        .unwrap();
    assert!(apply_crl(&w.gw, &issuer, &stale, now).is_err());
    w.gw.request(ask()).await.unwrap();

    // Revoked at the NCA; the gateway follows its CRL.
    let serial = w.gw.trust().certificate(&w.agency).unwrap().serial_hex();
    w.nca
        .revoke(
            &serial,
            qyzmet_pki::revocation::RevocationReason::KeyCompromise,
            now,
        )
        .unwrap();
    let crl = w.nca.publish_crl(now, Duration::hours(1)).unwrap();
    let following = follow(
        w.gw.clone(),
        issuer.clone(),
        move || Ok(crl.clone()),
        std::time::Duration::from_millis(20),
    );
    let start = std::time::Instant::now();
    let err = loop {
        match w.gw.request(ask()).await {
            Err(e) => break e,
            Ok(_) => {
                assert!(start.elapsed().as_secs() < 20, "still trusted");
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
    };
    assert_eq!(err.code(), "gateway.revoked", "{err}");
    following.abort();
    // The other system is still trusted.
    let back = Envelope::notification(&w.gbd, &w.agency, "agency.notice", json!({}));
    w.gw.grant(&w.gbd, &w.agency, "agency.notice");
    w.gw.deliver(back).await.unwrap();
}

#[tokio::test]
async fn a_root_this_node_signed_is_vouched_for_only_as_it_was_signed() {
    let mut w = setup();
    let ask = || {
        Envelope::request(
            &w.agency,
            &w.gbd,
            "gbd-fl.person",
            json!({ "iin": "850101300005" }),
        )
    };
    // Sealed here: vouched for, and delivered.
    let sealed = w.gw.seal(&ask()).await.unwrap();
    let root = sealed.root().unwrap();
    w.gw.receive(sealed).await.unwrap();

    // The same root under another key's signature is not what was vouched for.
    let stranger = system_key(&mut w.nca, &w.agency.0);
    let mut other = w.gw.seal(&ask()).await.unwrap();
    other.signature = stranger.sign(&other.root().unwrap()).unwrap();
    let err = w.gw.receive(other).await.unwrap_err();
    assert_eq!(err.code(), "gateway.forged", "{err}");

    // Vouching with a certificate the gateway does not trust for the participant does nothing.
    let mut forged = w.gw.seal(&ask()).await.unwrap();
    forged.signature = stranger.sign(&forged.root().unwrap()).unwrap();
    w.gw.trust()
        .vouch(&w.agency, &stranger.cert().serial_hex(), &forged);
    let err = w.gw.receive(forged).await.unwrap_err();
    assert_eq!(err.code(), "gateway.forged", "{err}");

    // A vouched root does not spare the certificate's own checks: once it is revoked, a
    // message already signed (and vouched for) is refused.
    let signed = w.gw.seal(&ask()).await.unwrap();
    assert_ne!(signed.root(), Some(root));
    let serial = w.gw.trust().certificate(&w.agency).unwrap().serial_hex();
    w.gw.trust().revoke(&serial);
    let err = w.gw.receive(signed).await.unwrap_err();
    assert_eq!(err.code(), "gateway.revoked", "{err}");
    assert_eq!(w.registry.received.load(Ordering::SeqCst), 1);
}
