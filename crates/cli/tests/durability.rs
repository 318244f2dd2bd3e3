//! A request the platform acknowledged survives `kill -9` of the process right after the
//! answer: `qyzmet serve` is started, a citizen files a request signed with `qyzmet sign`, the
//! process is killed at once, started again on the same data folder, and the request is there
//! with its number, status and history.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A loopback port free now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Start `qyzmet serve` on `data` at `port` (the same one again after the restart: the NCA's
/// certificates name its OCSP responder there); its address once it is ready.
fn serve(data: &Path, port: u16) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qyzmet"))
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--data",
            data.to_str().unwrap(),
        ])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .strip_prefix("Qyzmet is running on ")
        .unwrap_or_else(|| panic!("unexpected: {first}"))
        .to_string();
    for line in lines.by_ref() {
        if line.unwrap().starts_with("Press Ctrl-C") {
            break;
        }
    }
    // Keep reading its output so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn call(
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
fn log_in(addr: &str, login: &str, password: &str) -> String {
    let (status, opened) = call(
        "POST",
        &format!("{addr}/api/session"),
        None,
        Some(&serde_json::json!({"login": login, "password": password}).to_string()),
    );
    assert_eq!(status, 200, "{opened}");
    opened["token"].as_str().unwrap().to_string()
}

#[test]
fn an_acknowledged_request_survives_kill_9() {
    let data = Path::new(env!("CARGO_TARGET_TMPDIR")).join("durability");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();
    let port = free_port();
    let (mut first, addr) = serve(&data, port);
    let logins = std::fs::read_to_string(data.join("demo-logins.txt")).unwrap();
    let password = logins
        .lines()
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string();
    let citizen = "900312400000";
    let token = log_in(&addr, citizen, &password);
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
        "nonce": "durability-1",
    });
    std::fs::write(data.join("application.json"), app.to_string()).unwrap();
    let mut sign = Command::new(env!("CARGO_BIN_EXE_qyzmet"))
        .args([
            "sign",
            "--key",
            data.join(format!("keys/{citizen}.p12")).to_str().unwrap(),
            data.join("application.json").to_str().unwrap(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(sign.stdin.take().unwrap(), "{password}").unwrap();
    assert!(sign.wait().unwrap().success());
    let cms = std::fs::read(data.join("application.json.p7s")).unwrap();
    let body = serde_json::json!({"cms": STANDARD.encode(cms), "attachments": []}).to_string();
    let (status, filed) = call(
        "POST",
        &format!("{addr}/api/portal/requests"),
        Some(&token),
        Some(&body),
    );
    // Killed the moment the answer came.
    first.kill().unwrap();
    let _ = first.wait();
    assert_eq!(status, 201, "{filed}");
    let number = filed["number"].as_str().unwrap().to_string();
    let id = filed["request_id"].as_str().unwrap().to_string();

    let (mut second, addr) = serve(&data, port);
    let token = log_in(&addr, citizen, &password);
    let (status, request) = call(
        "GET",
        &format!("{addr}/api/portal/requests/{id}"),
        Some(&token),
        None,
    );
    // The same signed filing again is the same request, not a second one.
    let (again, replay) = call(
        "POST",
        &format!("{addr}/api/portal/requests"),
        Some(&token),
        Some(&body),
    );
    second.kill().unwrap();
    let _ = second.wait();
    assert_eq!(status, 200, "{request}");
    assert_eq!(request["number"], number.as_str());
    assert_eq!(request["status"], "received");
    assert!(
        request["history"].as_array().unwrap().len() > 3,
        "{request}"
    );
    assert_eq!(again, 200, "{replay}");
    assert_eq!(replay["duplicate"], true);
    assert_eq!(replay["number"], number.as_str());

    // The gateway's log of both runs, killed twice, is whole: the filing and its answer,
    // signed, chained, the first run's tail sealed by the second on its start.
    let verify = || {
        Command::new(env!("CARGO_BIN_EXE_qyzmet"))
            .args(["gateway", "verify-log"])
            .arg(data.join("gateway-log"))
            .arg("--trust")
            .arg(data.join("nca/issuing.crt"))
            .output()
            .unwrap()
    };
    let o = verify();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.starts_with("sound:"), "{out}");
    let messages: u64 = out
        .split(" messages")
        .next()
        .and_then(|h| h.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(
        messages >= 4,
        "two filings and their answers at least: {out}"
    );
    // One byte changed in the middle of the log is found and named.
    let segment = std::fs::read_dir(data.join("gateway-log"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    let mut bytes = std::fs::read(&segment).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&segment, bytes).unwrap();
    let o = verify();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.starts_with("tampered:") && out.contains("record"),
        "{out}"
    );
}
