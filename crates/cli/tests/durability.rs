//! A request the platform acknowledged survives `kill -9` of the process right after the
//! answer: `qyzmet serve` is started, a citizen files a request signed with `qyzmet sign`, the
//! process is killed at once, started again on the same data folder, and the request is there
//! with its number, status and history.

mod common;

use common::{agent, call, demo_password, free_port, log_in, serve, serve_with};
use std::path::Path;
use std::process::Command;

/// A filing on the embedded platform: the keys are in its data folder.
fn signed_filing(data: &Path, addr: &str, citizen: &str, password: &str, nonce: &str) -> String {
    common::signed_filing(&data.join("keys"), data, addr, citizen, password, nonce)
}

#[test]
fn an_acknowledged_request_survives_kill_9() {
    let data = Path::new(env!("CARGO_TARGET_TMPDIR")).join("durability");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();
    let port = free_port();
    let (mut first, addr) = serve(&data, port);
    let password = demo_password(&data);
    let citizen = "900312400000";
    let token = log_in(&addr, citizen, &password);
    let body = signed_filing(&data, &addr, citizen, &password, "durability-1");
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

#[test]
fn notices_killed_mid_stream_are_each_delivered_once_after_the_restart() {
    let data = Path::new(env!("CARGO_TARGET_TMPDIR")).join("durability-notices");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();
    let port = free_port();
    let (mut first, addr) = serve(&data, port);
    let password = demo_password(&data);
    let citizen = "850101300005";
    let token = log_in(&addr, citizen, &password);
    let bodies: Vec<String> = (0..12)
        .map(|i| signed_filing(&data, &addr, citizen, &password, &format!("mid-stream-{i}")))
        .collect();
    for body in &bodies {
        let (status, filed) = call(
            "POST",
            &format!("{addr}/api/portal/requests"),
            Some(&token),
            Some(body),
        );
        assert_eq!(status, 201, "{filed}");
    }
    // Killed while the relay is sending their notices.
    first.kill().unwrap();
    let _ = first.wait();

    let (mut second, addr) = serve(&data, port);
    let depth = || {
        let a = agent();
        let mut r = a.get(&format!("{addr}/gateway/metrics")).call().unwrap();
        let text = r.body_mut().read_to_string().unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix("qyzmet_gateway_outbox_depth "))
            .and_then(|n| n.parse::<i64>().ok())
    };
    let start = std::time::Instant::now();
    while depth() != Some(0) {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "the outbox never drained"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let token = log_in(&addr, citizen, &password);
    let (_, shown) = call(
        "GET",
        &format!("{addr}/api/portal/notifications"),
        Some(&token),
        None,
    );
    let shown = shown.as_array().unwrap().len() as i64;
    second.kill().unwrap();
    let _ = second.wait();
    assert!(shown >= 12, "{shown}");

    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = rt
        .block_on(qyzmet_store::Store::open(&format!(
            "sqlite://{}",
            data.join("qyzmet.db").display()
        )))
        .unwrap();
    assert_eq!(
        rt.block_on(store.notices_pending()).unwrap(),
        0,
        "nothing left on its way"
    );
    assert_eq!(
        rt.block_on(store.inbox_len()).unwrap(),
        shown,
        "each notice the cabinet shows arrived once"
    );
}

/// `qyzmet pki revoke` of a system's certificate beside the running server: the gateway reads
/// the NCA's next CRL and refuses that system's messages, without a restart.
#[test]
fn a_system_certificate_revoked_beside_the_running_server_is_refused() {
    let data = Path::new(env!("CARGO_TARGET_TMPDIR")).join("revocation");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();
    let port = free_port();
    let (mut server, addr) = serve_with(&data, port, &["--crl-seconds", "1"]);
    let password = demo_password(&data);
    let citizen = "900312400000";
    let token = log_in(&addr, citizen, &password);
    let file = |nonce: &str| {
        call(
            "POST",
            &format!("{addr}/api/portal/requests"),
            Some(&token),
            Some(&signed_filing(&data, &addr, citizen, &password, nonce)),
        )
    };
    let (status, filed) = file("before");
    assert_eq!(status, 201, "{filed}");

    // The portal's system certificate, as the NCA lists it.
    let qyzmet = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_qyzmet"))
            .args(["pki", "--dir", data.join("nca").to_str().unwrap()])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let list = qyzmet(&["list"]);
    let serial = list
        .lines()
        .find(|l| l.contains("CN=portal") && l.contains("good"))
        .unwrap_or_else(|| panic!("no portal certificate in:\n{list}"))
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    qyzmet(&["revoke", &serial, "--reason", "key-compromise"]);

    let start = std::time::Instant::now();
    let refused = loop {
        let (status, answer) = file(&format!("after-{}", start.elapsed().as_millis()));
        if status != 201 {
            break answer;
        }
        assert!(
            start.elapsed().as_secs() < 30,
            "the revoked portal is still trusted"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    // The citizen is told the system is unavailable (it is the portal's fault, not theirs);
    // the gateway counts the refusal by its reason.
    assert_eq!(refused["code"], "gateway.unavailable", "{refused}");
    let metrics = agent()
        .get(&format!("{addr}/gateway/metrics"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    server.kill().unwrap();
    let _ = server.wait();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("qyzmet_gateway_refusals_total{reason=\"gateway.revoked\"}")),
        "{metrics}"
    );
}
