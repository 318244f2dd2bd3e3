//! The e-signature commands end to end, as an operator and a relying party use them: the
//! platform (with its NCA) runs, keys are issued, files signed and verified against the live
//! OCSP responder, a revocation shows at once.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run `qyzmet` in `dir`, with `stdin` as its standard input.
fn qyzmet(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qyzmet"))
        .args(args)
        .current_dir(dir)
        .env_remove("QYZMET_KEY_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

struct Platform(Child);

impl Drop for Platform {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start the platform in `dir` on a free port; its NCA is created in `dir/data/nca`.
fn start(dir: &Path) -> Platform {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut child = Command::new(env!("CARGO_BIN_EXE_qyzmet"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data", "data"])
        .args(["--regulations", root.join("regulations").to_str().unwrap()])
        .args(["--calendar", root.join("calendar").to_str().unwrap()])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("Qyzmet is running"), "{first}");
    // Keep draining its output so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Platform(child)
}

fn issue(dir: &Path, out: &str, extra: &[&str]) {
    let mut args = vec![
        "pki",
        "issue",
        "--iin",
        "850101300005",
        "--surname",
        "Сейтқали",
        "--name",
        "Айдар",
        "--key-type",
        "ecdsa-p256",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    let o = qyzmet(dir, &args, "correct horse\n");
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn sign_verify_revoke() {
    let dir = scratch("sign-verify");
    let _platform = start(&dir);
    issue(&dir, "sign.p12", &[]);
    issue(&dir, "auth.p12", &["--purpose", "auth"]);
    std::fs::write(
        dir.join("request.json"),
        br#"{"service":"unemployed-certificate","iin":"850101300005"}"#,
    )
    .unwrap();

    let o = qyzmet(
        &dir,
        &["sign", "--key", "sign.p12", "request.json", "--detached"],
        "correct horse\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "request.json.p7s",
            "--data",
            "request.json",
            "--trust",
            "data/nca/root.crt",
        ];
        args.extend_from_slice(extra);
        qyzmet(&dir, &args, "")
    };

    let o = verify(&["--expect-iin", "850101300005"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("PASSED"), "{}", text(&o));
    let o = verify(&["--json"]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let revocation = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "revocation")
        .unwrap();
    assert_eq!(revocation["result"], "passed", "{revocation}");
    assert!(
        revocation["detail"].as_str().unwrap().contains("OCSP"),
        "{revocation}"
    );

    let o = verify(&["--expect-iin", "900312400000", "--lang", "ru"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("IIN_MISMATCH"), "{}", text(&o));
    assert!(text(&o).contains("ЭЦП не подтверждена"), "{}", text(&o));

    std::fs::write(dir.join("other.json"), b"{}").unwrap();
    let o = qyzmet(
        &dir,
        &[
            "verify",
            "request.json.p7s",
            "--data",
            "other.json",
            "--trust",
            "data/nca/root.crt",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("HASH_FAILURE"), "{}", text(&o));

    let o = qyzmet(
        &dir,
        &[
            "sign",
            "--key",
            "auth.p12",
            "request.json",
            "--out",
            "auth.p7s",
        ],
        "correct horse\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = qyzmet(
        &dir,
        &["verify", "auth.p7s", "--trust", "data/nca/root.crt"],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("NOT_A_SIGNING_CERTIFICATE"),
        "{}",
        text(&o)
    );

    let o = qyzmet(
        &dir,
        &[
            "sign",
            "--key",
            "sign.p12",
            "request.json",
            "--out",
            "x.p7s",
        ],
        "wrong\n",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("does not open with this password"),
        "{}",
        text(&o)
    );
    assert!(!dir.join("x.p7s").exists());

    // Revoke the signer's certificate from the command line beside the running platform: its
    // OCSP responder answers "revoked" at once.
    let list = text(&qyzmet(&dir, &["pki", "list"], ""));
    let serial = list
        .lines()
        // The platform's demo people hold signing keys too: this test's signer is Сейтқали.
        .find(|l| l.contains(" sign ") && l.contains("Сейтқали"))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let o = qyzmet(
        &dir,
        &["pki", "revoke", &serial, "--reason", "key-compromise"],
        "",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = verify(&["--lang", "kk"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("REVOKED"), "{}", text(&o));
    assert!(text(&o).contains("ЭЦҚ расталмады"), "{}", text(&o));
}

#[test]
fn verify_rejects_garbage_and_unknown_issuers() {
    let dir = scratch("verify-garbage");
    let o = qyzmet(&dir, &["pki", "init", "--key-type", "ecdsa-p256"], "");
    assert!(o.status.success(), "{}", text(&o));
    std::fs::write(dir.join("junk.p7s"), b"\x30\x82\x01\x00not a cms").unwrap();
    let o = qyzmet(
        &dir,
        &[
            "verify",
            "junk.p7s",
            "--trust",
            "data/nca/root.crt",
            "--no-revocation",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("FORMAT_FAILURE"), "{}", text(&o));

    // A key from another NCA is from an unknown issuer.
    let other = scratch("verify-garbage-other");
    assert!(
        qyzmet(&other, &["pki", "init", "--key-type", "ecdsa-p256"], "")
            .status
            .success()
    );
    issue(&other, "k.p12", &[]);
    std::fs::write(other.join("f.txt"), b"x").unwrap();
    assert!(qyzmet(
        &other,
        &["sign", "--key", "k.p12", "f.txt"],
        "correct horse\n"
    )
    .status
    .success());
    let sig = other.join("f.txt.p7s");
    let o = qyzmet(
        &dir,
        &[
            "verify",
            sig.to_str().unwrap(),
            "--trust",
            "data/nca/root.crt",
            "--no-revocation",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("NO_CERTIFICATE_CHAIN_FOUND"),
        "{}",
        text(&o)
    );
    let o = qyzmet(&dir, &["verify", "missing.p7s"], "");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
