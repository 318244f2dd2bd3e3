//! Signed submissions through the portal's API into registration («поступившие»), on the
//! embedded database, over real HTTP on loopback: the whole road — session, gateway, CMS
//! verification with revocation (OCSP of the test NCA, cached per signer), format-logical
//! control, engine, one SQLite transaction.
//!
//! The citizens sign on their own machines; here their applications are signed before the
//! clock starts, so the figures are the platform's. Client and server share the 2 cores.
//!
//! ```text
//! cargo bench -p qyzmet-platform --bench submissions
//! QYZMET_BENCH_TOTAL=20000 QYZMET_BENCH_CLIENTS=32 QYZMET_BENCH_RATE=1000 QYZMET_BENCH_SECONDS=10
//! ```

#[path = "../tests/common/mod.rs"]
mod common;

use common::*;

/// The allocator `qyzmet` runs with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Signed filings, each with its citizen's session token. Each citizen's key file is opened
/// once, and the signing is shared between the cores: it is preparation, not measured.
fn prepare(server: &Server, count: usize) -> Vec<(String, String)> {
    let citizens: Vec<(Client, qyzmet_pki::p12::KeyFile)> = server
        .report
        .with_role("recipient")
        .map(|a| a.login.clone())
        .collect::<Vec<_>>()
        .iter()
        .map(|l| {
            let c = Client::login(server, l);
            let p12 = std::fs::read(c.key.as_ref().unwrap()).unwrap();
            let key = qyzmet_pki::p12::open(&p12, &c.password).unwrap();
            (c, key)
        })
        .collect();
    let version = server
        .platform
        .catalog
        .latest("unemployed-certificate")
        .unwrap()
        .version;
    let filing = |i: usize| {
        let (c, key) = &citizens[i % citizens.len()];
        let mut app: serde_json::Value = serde_json::from_slice(&application(
            "unemployed-certificate",
            "portal",
            &c.login,
            json!({ "applicant_iin": c.login }),
            &[],
        ))
        .unwrap();
        app["version"] = json!(version);
        let cms = sign_with_key(key, &serde_json::to_vec(&app).unwrap());
        let body = json!({"cms": cms, "attachments": []});
        (c.token.clone().unwrap(), body.to_string())
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|s| {
        let parts: Vec<_> = (0..cores)
            .map(|k| s.spawn(move || (k..count).step_by(cores).map(filing).collect::<Vec<_>>()))
            .collect();
        let parts: Vec<Vec<_>> = parts.into_iter().map(|p| p.join().unwrap()).collect();
        // Back in order: filing i from part i % cores.
        let mut parts: Vec<_> = parts.into_iter().map(Vec::into_iter).collect();
        (0..count)
            .map(|i| parts[i % cores].next().unwrap())
            .collect()
    })
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn submit(agent: &ureq::Agent, url: &str, token: &str, body: &str) {
    let mut r = agent
        .post(url)
        .header("authorization", &format!("Bearer {token}"))
        .header("content-type", "application/json")
        .send(body)
        .expect("the platform answers");
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap_or_default();
    assert_eq!(status, 201, "{text}");
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

/// As fast as `clients` concurrent clients can go: throughput and latency.
fn closed_loop(
    url: &str,
    work: Arc<Vec<(String, String)>>,
    clients: usize,
) -> (f64, Vec<Duration>) {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (work, next, url) = (work.clone(), next.clone(), url.to_string());
            std::thread::spawn(move || {
                let a = agent();
                let mut lat = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((token, body)) = work.get(i) else {
                        break;
                    };
                    let t = Instant::now();
                    submit(&a, &url, token, body);
                    lat.push(t.elapsed());
                }
                lat
            })
        })
        .collect();
    let mut lat: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let rate = lat.len() as f64 / started.elapsed().as_secs_f64();
    lat.sort();
    (rate, lat)
}

/// At a fixed `rate`: each submission's latency counted from when it was due to be sent, so
/// that a stall shows in the figures instead of slowing the load.
fn open_loop(
    url: &str,
    work: Arc<Vec<(String, String)>>,
    clients: usize,
    rate: f64,
) -> Vec<Duration> {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now() + Duration::from_millis(50);
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (work, next, url) = (work.clone(), next.clone(), url.to_string());
            std::thread::spawn(move || {
                let a = agent();
                let mut lat = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((token, body)) = work.get(i) else {
                        break;
                    };
                    let due = start + Duration::from_secs_f64(i as f64 / rate);
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    submit(&a, &url, token, body);
                    lat.push(due.elapsed());
                }
                lat
            })
        })
        .collect();
    let mut lat: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    lat.sort();
    lat
}

/// The CPU time this process has used, user and system, in seconds (Linux: `/proc/self/stat`,
/// in clock ticks of 1/100 s; 0 elsewhere). Less disturbed than the throughput by what else the
/// machine runs.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command name, which is in parentheses and may hold spaces: fields 3 on.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are the 14th and 15th fields: the 12th and 13th after the name.
    (ticks(11) + ticks(12)) / 100.0
}

/// Notices waiting in the outbox now, and how long until none is (given up after two minutes).
fn drain(server: &Server) -> (i64, Duration) {
    let store = &server.platform.store;
    let pending = || server.runtime.block_on(store.notices_pending()).unwrap();
    let (first, started) = (pending(), Instant::now());
    while pending() > 0 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(20));
    }
    (first, started.elapsed())
}

fn main() {
    let total = env("QYZMET_BENCH_TOTAL", 20_000);
    let clients = env("QYZMET_BENCH_CLIENTS", 32);
    let rate = env("QYZMET_BENCH_RATE", 1000) as f64;
    let seconds = env("QYZMET_BENCH_SECONDS", 10);
    // The relay as `serve` runs it, not the tests' quick one.
    let server = start_with(None, Some(qyzmet_agency::outbox::OutboxConfig::default()));
    let url = format!("{}/api/portal/requests", server.base);
    eprintln!(
        "signing {} applications…",
        total + (rate as usize) * seconds + 200
    );
    let warm = Arc::new(prepare(&server, 200));
    let max = Arc::new(prepare(&server, total));
    let paced = Arc::new(prepare(&server, rate as usize * seconds));
    // Warm up: every signer's certificate and revocation status known to the verifier.
    closed_loop(&url, warm, 8);

    let cpu = cpu_seconds();
    let (throughput, lat) = closed_loop(&url, max, clients);
    let cpu = cpu_seconds() - cpu;
    println!(
        "max: {total} signed submissions registered, {clients} clients: {throughput:.0}/s, p50 {:.2?}, p99 {:.2?}, CPU {:.0} µs each (server and clients)",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        cpu * 1e6 / total as f64
    );
    // The notices of those filings go out through the outbox after the answer: wait until the
    // relay has caught up, so that the paced run does not carry their backlog, and report it.
    let (pending, drained) = drain(&server);
    println!(
        "outbox: {pending} notices undelivered when the last filing was answered, all delivered {drained:.2?} later"
    );
    let lat = open_loop(&url, paced, clients, rate);
    println!(
        "paced: {rate:.0}/s for {seconds} s: p50 {:.2?}, p99 {:.2?}, max {:.2?}",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat[lat.len() - 1]
    );
    let registered = server.runtime.block_on(async {
        server
            .platform
            .store
            .request_states(Some("aiyrtau-employment"), None)
            .await
            .unwrap()
            .len()
    });
    let db = server.data.join("qyzmet.db");
    let bytes: u64 = ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", db.display())).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "storage: {registered} requests in {:.1} MiB (database + WAL): {} bytes per request",
        bytes as f64 / 1048576.0,
        bytes / registered.max(1) as u64
    );
    let log: u64 = qyzmet_gateway::log::segments(&server.data.join("gateway-log"))
        .unwrap()
        .iter()
        .filter_map(|s| std::fs::metadata(s).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "gateway log: {:.1} MiB, {} bytes per request (the filing, its answer and its notices, signed)",
        log as f64 / 1048576.0,
        log / registered.max(1) as u64
    );
}
