//! The `qyzmet` binary as an operator runs it: processes started on loopback ports, read until
//! they say they are ready, and a client that calls their HTTP API and signs with `qyzmet sign`.

#![allow(dead_code)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A loopback port free now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Start `qyzmet` with `args`; the process and its address once it says it is ready.
pub fn start(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qyzmet"))
        .args(args)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut addr = None;
    for line in lines.by_ref() {
        let line = line.unwrap_or_else(|e| panic!("qyzmet {args:?} stopped: {e}"));
        if let Some(a) = line.strip_prefix("Qyzmet is running on ") {
            addr = Some(a.to_string());
        }
        if line.starts_with("Press Ctrl-C") {
            break;
        }
    }
    let addr = addr.unwrap_or_else(|| panic!("qyzmet {args:?} did not start"));
    // Keep reading its output so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// Start `qyzmet serve` on `data` at `port` (the same one again after a restart: the NCA's
/// certificates name its OCSP responder there), with more flags.
pub fn serve_with(data: &Path, port: u16, flags: &[&str]) -> (Child, String) {
    let addr = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--addr", &addr, "--data", data.to_str().unwrap()];
    args.extend_from_slice(flags);
    start(&args)
}

pub fn serve(data: &Path, port: u16) -> (Child, String) {
    serve_with(data, port, &[])
}

/// Kill -9 and reap.
pub fn kill(child: &mut Child) {
    child.kill().unwrap();
    let _ = child.wait();
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

pub fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, serde_json::Value) {
    let a = agent();
    let mut req = if method == "GET" {
        a.get(url).force_send_body()
    } else {
        a.post(url)
    };
    if let Some(t) = token {
        req = req.header("authorization", &format!("Bearer {t}"));
    }
    let mut r = req
        .header("content-type", "application/json")
        .send(body.unwrap_or(""))
        .unwrap();
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

/// A session token for `login`.
pub fn log_in(addr: &str, login: &str, password: &str) -> String {
    let (status, opened) = call(
        "POST",
        &format!("{addr}/api/session"),
        None,
        Some(&serde_json::json!({"login": login, "password": password}).to_string()),
    );
    assert_eq!(status, 200, "{opened}");
    opened["token"].as_str().unwrap().to_string()
}

/// The demo password, from the login list the first start wrote in `data`.
pub fn demo_password(data: &Path) -> String {
    let logins = std::fs::read_to_string(data.join("demo-logins.txt")).unwrap();
    logins
        .lines()
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string()
}

/// A value of the Prometheus text at `addr`'s `/gateway/metrics`.
pub fn metric(addr: &str, line_prefix: &str) -> Option<f64> {
    let text = agent()
        .get(&format!("{addr}/gateway/metrics"))
        .call()
        .ok()?
        .body_mut()
        .read_to_string()
        .ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(line_prefix))
        .and_then(|n| n.trim().parse().ok())
}

/// Wait up to `secs` for `done`, or fail naming `what`.
pub fn wait_until(what: &str, secs: u64, mut done: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(
            start.elapsed().as_secs() < secs,
            "{what}: not after {secs} s"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// A filing of the unemployed certificate by `citizen` on the portal at `addr`, signed by
/// `qyzmet sign` with their key file in `keys` (the application is written to `work`).
pub fn signed_filing(
    keys: &Path,
    work: &Path,
    addr: &str,
    citizen: &str,
    password: &str,
    nonce: &str,
) -> String {
    let (_, service) = call(
        "GET",
        &format!("{addr}/api/services/unemployed-certificate"),
        None,
        None,
    );
    let app = serde_json::json!({
        "service": "unemployed-certificate",
        "version": service["version"],
        "channel": "portal",
        "recipient": citizen,
        "form": {"applicant_iin": citizen},
        "attachments": [],
        "nonce": nonce,
    });
    let file = work.join(format!("application-{nonce}.json"));
    std::fs::write(&file, app.to_string()).unwrap();
    let mut sign = Command::new(env!("CARGO_BIN_EXE_qyzmet"))
        .args([
            "sign",
            "--key",
            keys.join(format!("{citizen}.p12")).to_str().unwrap(),
            file.to_str().unwrap(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(sign.stdin.take().unwrap(), "{password}").unwrap();
    assert!(sign.wait().unwrap().success());
    let cms = std::fs::read(file.with_extension("json.p7s")).unwrap();
    serde_json::json!({"cms": STANDARD.encode(cms), "attachments": []}).to_string()
}
