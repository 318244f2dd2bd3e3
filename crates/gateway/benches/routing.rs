//! Signed, logged messages routed end to end between two participants on the embedded
//! gateway: throughput and the latency the gateway adds (signing, checking, logging), against
//! the same calls made straight to the recipient's door.
//!
//! `cargo bench -p qyzmet-gateway --bench routing`

use async_trait::async_trait;
use chrono::{Duration, Utc};
use qyzmet_gateway::log::LogConfig;
use qyzmet_gateway::{Endpoint, Envelope, Gateway, GatewayConfig, ParticipantId, SystemKey};
use qyzmet_pki::nca::{Nca, NcaUrls};
use qyzmet_pki::{KeyType, Organisation};
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Answers every question at once: what is measured is the road, not the recipient.
struct Echo;

#[async_trait]
impl Endpoint for Echo {
    async fn receive(&self, m: Envelope) -> Result<Option<Envelope>, String> {
        let body = json!({ "found": true, "iin": m.body["iin"] });
        Ok(Some(m.reply(body)))
    }
}

fn key(nca: &mut Nca, name: &str) -> SystemKey {
    let now = Utc::now();
    let owner = Organisation {
        bin: "080440000008".parse().unwrap(),
        name: "bench".into(),
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

fn percentile(sorted: &[std::time::Duration], p: f64) -> std::time::Duration {
    sorted[((sorted.len() as f64 - 1.0) * p) as usize]
}

/// `clients` tasks each sending `count` requests from `a` to `b` through `gw`, one after
/// another; the round trip of each.
async fn requests(
    gw: &Gateway,
    a: &ParticipantId,
    b: &ParticipantId,
    clients: usize,
    count: usize,
) -> Vec<std::time::Duration> {
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let (gw, a, b) = (gw.clone(), a.clone(), b.clone());
            tokio::spawn(async move {
                let mut lat = Vec::with_capacity(count);
                for i in 0..count {
                    let m = Envelope::request(&a, &b, "query", body(c * count + i));
                    let t = Instant::now();
                    gw.request(m).await.unwrap();
                    lat.push(t.elapsed());
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all
}

fn body(i: usize) -> serde_json::Value {
    // About the size of a state-database question with its context.
    json!({ "iin": format!("{:012}", 850101300005u64 + i as u64), "purpose": "the provider checks the applicant", "request": "AGENCY-2026-000123", "padding": "x".repeat(300) })
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("gateway-bench")
        .join(uuid::Uuid::new_v4().simple().to_string());
    std::fs::create_dir_all(&dir).unwrap();
    let mut nca = Nca::init(
        &dir.join("nca"),
        KeyType::EcdsaP256,
        NcaUrls::default(),
        Utc::now() - Duration::days(1),
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let gw = Gateway::open(GatewayConfig::new(
        key(&mut nca, "gateway"),
        vec![nca.issuing().cert.clone()],
        LogConfig::new(dir.join("log")),
    ))
    .unwrap();
    let (a, b) = (ParticipantId::new("agency"), ParticipantId::new("gbd-fl"));
    gw.register(key(&mut nca, "agency"), Arc::new(Echo))
        .unwrap();
    gw.register(key(&mut nca, "gbd-fl"), Arc::new(Echo))
        .unwrap();
    gw.grant(&a, &b, "query");

    let clients = 64;
    let per_client = 1_500;
    // Baseline: the same envelopes handed straight to the door (no gateway).
    let direct = rt.block_on(async {
        let mut lat = Vec::new();
        for i in 0..20_000 {
            let m = Envelope::request(&a, &b, "query", body(i));
            let t = Instant::now();
            let r = Echo.receive(m).await.unwrap();
            std::hint::black_box(r);
            lat.push(t.elapsed());
        }
        lat.sort();
        percentile(&lat, 0.5)
    });

    for (label, concurrency, count) in [("max", clients, per_client), ("one at a time", 1, 5_000)] {
        let started = Instant::now();
        let mut lat = rt.block_on(requests(&gw, &a, &b, concurrency, count));
        let took = started.elapsed();
        lat.sort();
        let calls = lat.len() as f64;
        println!(
            "{label}: {} requests + {} responses, each signed, verified and logged: {:.0} messages/s ({:.0} round trips/s), {concurrency} clients; round trip p50 {:.2} ms, p99 {:.2} ms (straight to the door: p50 {:.4} ms)",
            lat.len(),
            lat.len(),
            2.0 * calls / took.as_secs_f64(),
            calls / took.as_secs_f64(),
            percentile(&lat, 0.5).as_secs_f64() * 1e3,
            percentile(&lat, 0.99).as_secs_f64() * 1e3,
            direct.as_secs_f64() * 1e3,
        );
    }
    // Paced at the goal: 8,000 messages/s (4,000 round trips), for 5 s.
    let lat = rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(1));
        let start = Instant::now();
        let mut sent = 0usize;
        while start.elapsed() < std::time::Duration::from_secs(5) {
            tick.tick().await;
            let due = (start.elapsed().as_secs_f64() * 4_000.0) as usize;
            while sent < due {
                let (gw, a, b, tx) = (gw.clone(), a.clone(), b.clone(), tx.clone());
                let m = Envelope::request(&a, &b, "query", body(sent));
                tokio::spawn(async move {
                    let t = Instant::now();
                    gw.request(m).await.unwrap();
                    let _ = tx.send(t.elapsed());
                });
                sent += 1;
            }
        }
        drop(tx);
        let mut lat = Vec::new();
        while let Some(l) = rx.recv().await {
            lat.push(l);
        }
        lat
    });
    let mut lat = lat;
    lat.sort();
    println!(
        "paced: 8,000 messages/s (4,000 round trips/s) for 5 s: round trip p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms — per message about half",
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().unwrap().as_secs_f64() * 1e3,
    );
    over_nats(&rt, &mut nca, &dir);
    let size: u64 = qyzmet_gateway::log::segments(&dir.join("log"))
        .unwrap()
        .iter()
        .map(|s| std::fs::metadata(s).unwrap().len())
        .sum();
    let records = gw.log().last_seq();
    println!(
        "log: {records} records in {:.1} MiB, {:.0} bytes per message",
        size as f64 / 1048576.0,
        size as f64 / records as f64
    );
}

/// The same between two gateway nodes joined by NATS (both in this process, over loopback):
/// requests by request-reply, and notices through JetStream.
fn over_nats(rt: &tokio::runtime::Runtime, nca: &mut Nca, dir: &std::path::Path) {
    let url =
        std::env::var("QYZMET_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let issuers = vec![nca.issuing().cert.clone()];
    let open = |k: SystemKey, log: &str| {
        Gateway::open(GatewayConfig::new(
            k,
            issuers.clone(),
            LogConfig::new(dir.join(log)),
        ))
        .unwrap()
    };
    let a = open(key(nca, "gateway-a"), "log-a");
    let b = open(key(nca, "gateway-b"), "log-b");
    let (agency, gbd) = (ParticipantId::new("agency"), ParticipantId::new("gbd-fl"));
    let agency_key = key(nca, "agency");
    let gbd_key = key(nca, "gbd-fl");
    a.register_remote(&gbd, &gbd_key.cert().clone()).unwrap();
    b.register_remote(&agency, &agency_key.cert().clone())
        .unwrap();
    a.register(agency_key, Arc::new(Echo)).unwrap();
    b.register(gbd_key, Arc::new(Echo)).unwrap();
    b.grant(&agency, &gbd, "query");
    b.grant(&agency, &gbd, "notice");
    let prefix = format!("qyzmet-bench-{}", uuid::Uuid::new_v4().simple());
    let (road_a, road_b) = rt.block_on(async {
        let Ok(road_a) = qyzmet_gateway::nats::Nats::connect(&url, &prefix).await else {
            println!("over NATS: not measured, no NATS at {url}");
            return (None, None);
        };
        let road_b = qyzmet_gateway::nats::Nats::connect(&url, &prefix)
            .await
            .unwrap();
        (Some(road_a), Some(road_b))
    });
    let (Some(road_a), Some(road_b)) = (road_a, road_b) else {
        return;
    };
    a.attach(Arc::new(road_a.clone()));
    let serving = rt.block_on(road_b.serve(b.clone(), gbd.clone())).unwrap();
    let (clients, count) = (64usize, 500usize);
    let started = Instant::now();
    let mut lat = rt.block_on(requests(&a, &agency, &gbd, clients, count));
    let took = started.elapsed();
    lat.sort();
    println!(
        "over NATS, requests: {} round trips between two nodes, {clients} clients: {:.0} messages/s, round trip p50 {:.2} ms, p99 {:.2} ms",
        lat.len(),
        2.0 * lat.len() as f64 / took.as_secs_f64(),
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
    );
    // Notices: stored by JetStream before they count as sent, then taken by node B.
    let n = 20_000usize;
    let before = b.log().last_seq();
    let started = Instant::now();
    rt.block_on(async {
        let tasks: Vec<_> = (0..clients)
            .map(|c| {
                let (a, agency, gbd) = (a.clone(), agency.clone(), gbd.clone());
                tokio::spawn(async move {
                    for i in 0..n / clients {
                        let m = Envelope::notification(&agency, &gbd, "notice", body(c * n + i));
                        a.deliver(m).await.unwrap();
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    let sent = started.elapsed();
    // Wait until node B has logged every notice (one record each; seals come on top).
    rt.block_on(async {
        while b.log().last_seq() < before + (n / clients * clients) as u64 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    });
    let all = started.elapsed();
    println!(
        "over NATS, notices: {} published to JetStream in {:.2} s ({:.0}/s), all taken by the receiving node in {:.2} s ({:.0} messages/s end to end)",
        n / clients * clients,
        sent.as_secs_f64(),
        (n / clients * clients) as f64 / sent.as_secs_f64(),
        all.as_secs_f64(),
        (n / clients * clients) as f64 / all.as_secs_f64(),
    );
    serving.abort();
    let _ = rt.block_on(road_a.delete_stream());
}
