//! Two gateway nodes joined by NATS (it MUST be running on 127.0.0.1:4222, as on the
//! development machine and in CI; override with `QYZMET_TEST_NATS_URL`): a request crosses
//! and is answered; notices sent while the receiving node is down, or killed mid-stream,
//! all arrive, each taking effect once; a forged message is refused by the receiving node.

use async_trait::async_trait;
use chrono::{Duration, Utc};
use qyzmet_gateway::log::LogConfig;
use qyzmet_gateway::nats::Nats;
use qyzmet_gateway::{Endpoint, Envelope, Gateway, GatewayConfig, ParticipantId, SystemKey};
use qyzmet_pki::nca::{Nca, NcaUrls};
use qyzmet_pki::{KeyType, Organisation};
use serde_json::json;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

fn url() -> String {
    std::env::var("QYZMET_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

fn tmp() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("qyzmet-gateway-nats")
        .join(uuid::Uuid::new_v4().simple().to_string());
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn key(nca: &mut Nca, name: &str) -> SystemKey {
    let now = Utc::now();
    let owner = Organisation {
        bin: "080440000008".parse().unwrap(),
        name: "Qyzmet".into(),
    };
    let k = nca
        .issue_system(
            name,
            &owner,
            KeyType::EcdsaP256,
            (now - Duration::hours(1), now + Duration::days(1)),
            now,
        )
        .unwrap();
    SystemKey::new(ParticipantId::new(name), k.key, k.cert).unwrap()
}

/// Answers who has an IIN.
struct Registry;

#[async_trait]
impl Endpoint for Registry {
    async fn receive(&self, m: Envelope) -> Result<Option<Envelope>, String> {
        // What it was sent to pad the question with comes back (large answers).
        Ok(Some(m.reply(
            json!({ "found": m.body["iin"] == "850101300005", "pad": m.body["pad"] }),
        )))
    }
}

/// A receiver that takes each notice id once and counts what came again.
#[derive(Default)]
struct Cabinet {
    taken: Mutex<Vec<String>>,
    seen: Mutex<HashSet<String>>,
    again: Mutex<usize>,
}

#[async_trait]
impl Endpoint for Cabinet {
    async fn receive(&self, m: Envelope) -> Result<Option<Envelope>, String> {
        if self.seen.lock().unwrap().insert(m.message_id.clone()) {
            self.taken.lock().unwrap().push(m.body["n"].to_string());
        } else {
            *self.again.lock().unwrap() += 1;
        }
        Ok(None)
    }
}

struct Nodes {
    a: Gateway,
    b: Gateway,
    agency: ParticipantId,
    portal: ParticipantId,
    gbd: ParticipantId,
    cabinet: Arc<Cabinet>,
    road_a: Nats,
    road_b: Nats,
}

/// A test NCA in `dir`, made a day ago.
fn an_nca(dir: &std::path::Path) -> Nca {
    Nca::init(
        dir,
        KeyType::EcdsaP256,
        NcaUrls::default(),
        Utc::now() - Duration::days(1),
    )
    .unwrap()
}

async fn nodes() -> Nodes {
    let dir = tmp();
    let mut nca = an_nca(&dir.join("nca"));
    let issuers = vec![nca.issuing().cert.clone()];
    let open = |k: SystemKey, log: &str| {
        Gateway::open(GatewayConfig::new(
            k,
            issuers.clone(),
            LogConfig::new(dir.join(log)),
        ))
        .unwrap()
    };
    let a = open(key(&mut nca, "gateway-a"), "log-a");
    let b = open(key(&mut nca, "gateway-b"), "log-b");
    let (agency, portal, gbd) = (
        ParticipantId::new("agency"),
        ParticipantId::new("portal"),
        ParticipantId::new("gbd-fl"),
    );
    let agency_key = key(&mut nca, "agency");
    let agency_cert = agency_key.cert().clone();
    a.register(agency_key, Arc::new(Registry)).unwrap();
    let cabinet = Arc::new(Cabinet::default());
    let portal_key = key(&mut nca, "portal");
    let gbd_key = key(&mut nca, "gbd-fl");
    a.register_remote(&portal, &portal_key.cert().clone())
        .unwrap();
    a.register_remote(&gbd, &gbd_key.cert().clone()).unwrap();
    b.register(portal_key, cabinet.clone()).unwrap();
    b.register(gbd_key, Arc::new(Registry)).unwrap();
    b.register_remote(&agency, &agency_cert).unwrap();
    // Rights are the receiving node's to check.
    b.grant(&agency, &gbd, "query");
    b.grant(&agency, &portal, "portal.notice");
    let prefix = format!("qyzmet-test-{}", uuid::Uuid::new_v4().simple());
    let road_a = Nats::connect(&url(), &prefix)
        .await
        .expect("NATS must be running");
    let road_b = Nats::connect(&url(), &prefix).await.unwrap();
    a.attach(Arc::new(road_a.clone()));
    Nodes {
        a,
        b,
        agency,
        portal,
        gbd,
        cabinet,
        road_a,
        road_b,
    }
}

/// Notice `i` of one request: they must arrive in the order sent.
fn notice(n: &Nodes, i: usize) -> Envelope {
    let mut m = Envelope::notification(&n.agency, &n.portal, "portal.notice", json!({ "n": i }));
    m.correlation_id = Some("request-1".into());
    m
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "timed out: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_crosses_nodes_and_a_refusal_comes_back() {
    let n = nodes().await;
    let serving = n.road_b.serve(n.b.clone(), n.gbd.clone()).await.unwrap();
    let found: serde_json::Value =
        n.a.call(
            "agency",
            "gbd-fl",
            "query",
            &json!({ "iin": "850101300005" }),
        )
        .await
        .unwrap();
    assert_eq!(found["found"], true);
    // Not granted on the receiving node: refused there, and the refusal comes back.
    let err =
        n.a.request(Envelope::request(
            &n.agency,
            &n.gbd,
            "everything",
            json!({}),
        ))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("gateway.not_granted"), "{err}");
    serving.abort();
    n.road_a.delete_stream().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_sent_while_the_receiver_is_down_or_killed_mid_stream_arrive_once_in_order() {
    let n = nodes().await;
    // The portal's node is down: the road keeps what is sent.
    for i in 0..50 {
        n.a.deliver(notice(&n, i)).await.unwrap();
    }
    let serving = n.road_b.serve(n.b.clone(), n.portal.clone()).await.unwrap();
    wait_for("the first notices", || {
        n.cabinet.taken.lock().unwrap().len() >= 10
    })
    .await;
    // Killed mid-stream, while more are sent; then started again.
    serving.abort();
    for i in 50..100 {
        n.a.deliver(notice(&n, i)).await.unwrap();
    }
    // The same notice sent again by its sender (it did not learn it arrived): taken once.
    let mut again = notice(&n, 100);
    n.a.deliver(again.clone()).await.unwrap();
    again.message_date = Utc::now();
    n.a.deliver(again).await.unwrap();
    let serving = n.road_b.serve(n.b.clone(), n.portal.clone()).await.unwrap();
    wait_for("every notice", || {
        n.cabinet.taken.lock().unwrap().len() >= 101
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let taken = n.cabinet.taken.lock().unwrap().clone();
    let expected: Vec<String> = (0..=100).map(|i| i.to_string()).collect();
    assert_eq!(taken, expected, "each once, in the order sent");
    assert!(
        *n.cabinet.again.lock().unwrap() >= 1,
        "the repeated notice came again and took no effect"
    );
    serving.abort();
    n.road_a.delete_stream().await.unwrap();
}

/// Notices of many requests travel in lanes side by side; each request's keep their order,
/// through a receiver killed mid-stream too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_requests_notices_keep_their_order_across_lanes() {
    let n = nodes().await;
    let send = |r: usize, i: usize| {
        let mut m = Envelope::notification(
            &n.agency,
            &n.portal,
            "portal.notice",
            json!({ "n": format!("{r}-{i}") }),
        );
        m.correlation_id = Some(format!("request-{r}"));
        m
    };
    let serving = n.road_b.serve(n.b.clone(), n.portal.clone()).await.unwrap();
    for i in 0..20 {
        for r in 0..8 {
            n.a.deliver(send(r, i)).await.unwrap();
        }
        if i == 10 {
            serving.abort();
        }
    }
    let serving = n.road_b.serve(n.b.clone(), n.portal.clone()).await.unwrap();
    wait_for("every notice", || {
        n.cabinet.taken.lock().unwrap().len() >= 160
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let taken = n.cabinet.taken.lock().unwrap().clone();
    assert_eq!(taken.len(), 160, "each once");
    for r in 0..8 {
        let of_r: Vec<String> = taken
            .iter()
            .filter_map(|t| {
                t.trim_matches('"')
                    .strip_prefix(&format!("{r}-"))
                    .map(String::from)
            })
            .collect();
        let expected: Vec<String> = (0..20).map(|i| i.to_string()).collect();
        assert_eq!(of_r, expected, "request {r} in the order sent");
    }
    serving.abort();
    n.road_a.delete_stream().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_message_on_the_road_is_refused_by_the_receiving_node() {
    let n = nodes().await;
    let serving = n.road_b.serve(n.b.clone(), n.gbd.clone()).await.unwrap();
    // Someone on the road, without the agency's key, sends in its name.
    let m = Envelope::request(&n.agency, &n.gbd, "query", json!({ "iin": "850101300005" }));
    let bytes = serde_json::to_vec(&m).unwrap();
    let forged = qyzmet_gateway::Sealed::single(bytes, vec![0x30, 0x06, 2, 1, 1, 2, 1, 1]);
    let err = qyzmet_gateway::Transport::request(&n.road_a, &n.gbd, &forged)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("gateway.forged"), "{err}");
    serving.abort();
    n.road_a.delete_stream().await.unwrap();
}

/// The directory is not trusted: a node admits from it only a certificate the NCA issued to
/// the participant it names, the entries there before it starts and those announced after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_directory_admits_only_certificates_the_nca_issued_to_their_names() {
    let dir = tmp();
    let mut nca = an_nca(&dir.join("nca"));
    let mut rogue = an_nca(&dir.join("rogue"));
    let node = Gateway::open(GatewayConfig::new(
        key(&mut nca, "gateway-c"),
        vec![nca.issuing().cert.clone()],
        LogConfig::new(dir.join("log")),
    ))
    .unwrap();
    let prefix = format!("qyzmet-test-{}", uuid::Uuid::new_v4().simple());
    let road = Nats::connect(&url(), &prefix)
        .await
        .expect("NATS must be running");
    let id = |name: &str| ParticipantId::new(name);
    let agency = key(&mut nca, "agency");
    road.announce(&id("agency"), agency.cert()).await.unwrap();
    // The portal's certificate under the CSC's name, and a certificate of another CA.
    let portal = key(&mut nca, "portal");
    road.announce(&id("csc"), portal.cert()).await.unwrap();
    let forged = key(&mut rogue, "notary");
    road.announce(&id("notary"), forged.cert()).await.unwrap();

    let following = road.follow_directory(node.clone()).await.unwrap();
    let known = |name: &str| node.trust().certificate(&id(name)).is_some();
    assert!(known("agency"), "an entry there before the node started");
    assert!(!known("csc"), "a certificate that names another system");
    assert!(!known("notary"), "a certificate the NCA did not issue");
    // A node that starts later is admitted as it announces itself.
    road.announce(&id("portal"), portal.cert()).await.unwrap();
    wait_for("the portal admitted", || known("portal")).await;
    following.abort();
    road.delete_stream().await.unwrap();
}

/// Messages larger than NATS carries in one (1 MiB by default) cross in pieces: a 3 MiB
/// question and its 3 MiB answer, and a 3 MiB notice, each whole and taken once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_larger_than_nats_carries_cross_in_pieces() {
    let n = nodes().await;
    let serving = n.road_b.serve(n.b.clone(), n.gbd.clone()).await.unwrap();
    let pad = "з".repeat(1_600_000); // 3.2 MB of UTF-8
                                     // Small messages still go in one piece: the server's limit is known.
    assert!(
        n.road_a.max_payload() >= 1024 * 1024,
        "{}",
        n.road_a.max_payload()
    );
    assert!(
        n.road_a.max_payload() < pad.len(),
        "the test needs a message above the limit"
    );
    let found: serde_json::Value =
        n.a.call(
            "agency",
            "gbd-fl",
            "query",
            &json!({ "iin": "850101300005", "pad": pad }),
        )
        .await
        .unwrap();
    assert_eq!(found["found"], true);
    assert_eq!(found["pad"].as_str(), Some(pad.as_str()));
    serving.abort();

    let serving = n.road_b.serve(n.b.clone(), n.portal.clone()).await.unwrap();
    let mut big = notice(&n, 7);
    big.body["pad"] = json!(pad);
    n.a.deliver(big).await.unwrap();
    wait_for("the large notice", || {
        !n.cabinet.taken.lock().unwrap().is_empty()
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(*n.cabinet.taken.lock().unwrap(), vec!["7".to_string()]);
    serving.abort();
    n.road_a.delete_stream().await.unwrap();
}

/// A lane whose subscription breaks (here: its consumer removed on the server, then made
/// again, as after a server's loss of state) subscribes again by itself: what was sent in
/// between arrives, without restarting the node.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lane_whose_subscription_breaks_subscribes_again() {
    use async_nats::jetstream::{self, consumer};
    let n = nodes().await;
    let serving = n.road_b.serve(n.b.clone(), n.portal.clone()).await.unwrap();
    n.a.deliver(notice(&n, 0)).await.unwrap();
    wait_for("the first notice", || {
        n.cabinet.taken.lock().unwrap().len() == 1
    })
    .await;
    let js = jetstream::new(async_nats::connect(url()).await.unwrap());
    let stream = js.get_stream(n.road_b.stream()).await.unwrap();
    let lanes = qyzmet_gateway::nats::LANES;
    for lane in 0..lanes {
        stream
            .delete_consumer(&format!("deliver-portal-{lane}"))
            .await
            .unwrap();
    }
    for i in 1..20 {
        n.a.deliver(notice(&n, i)).await.unwrap();
    }
    for lane in 0..lanes {
        let name = format!("deliver-portal-{lane}");
        stream
            .create_consumer(consumer::pull::Config {
                durable_name: Some(name),
                filter_subject: format!("{}.msg.portal.{lane}", n.road_b.prefix()),
                ack_policy: consumer::AckPolicy::Explicit,
                max_ack_pending: 1,
                ..Default::default()
            })
            .await
            .unwrap();
    }
    wait_for("the notices sent while the lanes were broken", || {
        n.cabinet.taken.lock().unwrap().len() == 20
    })
    .await;
    serving.abort();
    n.road_a.delete_stream().await.unwrap();
}
