//! `sign.js` run in Node against key files of the project's test NCA: what it signs passes
//! the project's verifier (with the NCA's CRL) and `openssl cms -verify`, an RSA signature
//! is byte for byte the one `qyzmet_pki::cms::sign` makes, an ECDSA one has the same signed
//! attributes, and each bad key file gives its stable error code.
//!
//! Node >= 20 is required (`node` on PATH): without it these tests fail, they do not skip.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use qyzmet_core::id::{Bin, Iin};
use qyzmet_pki::cms;
use qyzmet_pki::nca::{IssueRequest, IssuedKey, Nca, NcaUrls};
use qyzmet_pki::verify::{CheckResult, Indication, Reason};
use qyzmet_pki::{
    CrlSource, Expectation, Holder, KeyPurpose, KeyType, Organisation, Role, ValidationReport,
    Verifier,
};
use qyzmet_web::SIGN_JS;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

const DRIVER: &str = include_str!("sign_driver.mjs");
/// A password outside ASCII: the MAC's KDF takes it as BMPString, PBKDF2 as UTF-8.
const PASSWORD: &str = "Құпия сөз-1";
const CITIZEN_IIN: &str = "850101300005";
const EMPLOYEE_IIN: &str = "900312400000";
const EMPLOYEE_BIN: &str = "080440000008";

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("sign_js")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `node`, checked to be there and recent enough; a failure that says what is missing.
fn node() -> &'static str {
    let out = Command::new("node")
        .arg("--version")
        .output()
        .unwrap_or_else(|e| {
            panic!("these tests run sign.js in Node.js >= 20: `node` is needed on PATH ({e})")
        });
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    assert!(
        out.status.success() && major >= 20,
        "these tests run sign.js in Node.js >= 20 (it needs globalThis.crypto.subtle); found `{version}`"
    );
    "node"
}

/// Run the driver on `tasks` in `dir`, with the module exactly as the crate embeds it.
fn run_js(dir: &Path, tasks: Vec<Value>) -> Vec<Value> {
    std::fs::write(dir.join("sign.mjs"), SIGN_JS).unwrap();
    std::fs::write(dir.join("sign_driver.mjs"), DRIVER).unwrap();
    let job = dir.join("job.json");
    std::fs::write(&job, json!({ "tasks": tasks }).to_string()).unwrap();
    let out = Command::new(node())
        .arg(dir.join("sign_driver.mjs"))
        .arg(dir.join("sign.mjs"))
        .arg(&job)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the driver failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = serde_json::from_str(&stdout).expect("the driver prints JSON");
    assert_eq!(results.len(), tasks.len());
    results
}

fn ok(result: &Value) -> &Value {
    assert_eq!(result["ok"], true, "{result:#}");
    result
}

/// The error code of a failed task, checked to be a documented SignError.
fn code(result: &Value) -> &str {
    assert_eq!(result["ok"], false, "expected an error: {result:#}");
    assert_eq!(result["isSignError"], true, "{result:#}");
    assert_eq!(result["name"], "SignError", "{result:#}");
    assert_eq!(result["documented"], true, "not in ERROR_CODES: {result:#}");
    result["code"].as_str().expect("a code")
}

fn openssl(args: &[&str], dir: &Path) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command line runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn citizen() -> Holder {
    Holder {
        iin: CITIZEN_IIN.parse::<Iin>().unwrap(),
        surname: "Сейтқали".into(),
        name: "Айдар".into(),
        patronymic: Some("Нұрланұлы".into()),
        role: Role::Individual,
        organisation: None,
    }
}

fn employee() -> Holder {
    Holder {
        iin: EMPLOYEE_IIN.parse::<Iin>().unwrap(),
        surname: "Иванова".into(),
        name: "Мария".into(),
        patronymic: None,
        role: Role::Employee,
        organisation: Some(Organisation {
            bin: EMPLOYEE_BIN.parse::<Bin>().unwrap(),
            name: "ГУ «Отдел занятости»".into(),
        }),
    }
}

/// An NCA in `dir/nca` (its root.crt and issuing.crt there, for openssl) and a key it issued
/// to `holder`, valid from the NCA's start, with its key file written to `dir/holder.p12`.
fn nca_and_key(
    dir: &Path,
    nca_type: KeyType,
    holder: Holder,
    purpose: KeyPurpose,
    key_type: KeyType,
) -> (Nca, IssuedKey) {
    let now = Utc::now();
    let mut nca = Nca::init(&dir.join("nca"), nca_type, NcaUrls::default(), now).unwrap();
    let issued = nca
        .issue(
            &IssueRequest {
                holder,
                purpose,
                key_type,
                not_before: (now - Duration::days(1)).max(nca.issuing().cert.not_before()),
                not_after: (now + Duration::days(365)).min(nca.issuing().cert.not_after()),
            },
            now,
        )
        .unwrap();
    std::fs::write(dir.join("holder.p12"), issued.to_pkcs12(PASSWORD).unwrap()).unwrap();
    (nca, issued)
}

/// A verifier trusting only the NCA's root (the issuing CA must come inside the message),
/// with the NCA's current CRL as its revocation source.
fn verifier(nca: &mut Nca) -> Verifier {
    let crl = nca.publish_crl(Utc::now(), Duration::days(1)).unwrap();
    Verifier::new(vec![nca.root().clone()]).with_revocation(Arc::new(CrlSource::from_der(crl)))
}

fn expect_citizen() -> Expectation {
    Expectation {
        iin: Some(CITIZEN_IIN.parse().unwrap()),
        roles: vec![Role::Individual],
        max_signing_age: Some(Duration::minutes(10)),
        ..Expectation::default()
    }
}

fn assert_passed(report: &ValidationReport) {
    assert!(report.passed(), "{report}");
    assert_eq!(report.format, Some("CAdES-BES"), "{report}");
    let revocation = report.check("revocation").expect("a revocation check");
    assert_eq!(revocation.result, CheckResult::Passed, "{report}");
}

fn sign_task(dir: &Path, out: &str, content: &str, detached: bool) -> Value {
    json!({
        "p12": dir.join("holder.p12"),
        "password": PASSWORD,
        "content": dir.join(content),
        "out": dir.join(out),
        "detached": detached,
    })
}

/// A request as the portal would have the citizen sign it.
const REQUEST: &str = r#"{"service":"kindergarten-queue","applicant":"850101300005","child":"Әлия","ru":"Заявление"}"#;

#[test]
fn rsa_key_file_signs_attached_and_detached_for_the_verifier_and_openssl() {
    let dir = scratch("rsa");
    let (mut nca, issued) = nca_and_key(
        &dir,
        KeyType::Rsa2048,
        citizen(),
        KeyPurpose::Signing,
        KeyType::Rsa2048,
    );
    std::fs::write(dir.join("request.json"), REQUEST).unwrap();
    let mut attached = sign_task(&dir, "attached.p7s", "request.json", false);
    attached["bench"] = json!(20);
    let results = run_js(
        &dir,
        vec![
            attached,
            sign_task(&dir, "detached.p7s", "request.json", true),
        ],
    );

    // What openKeyFile read of the key file.
    let kf = &ok(&results[0])["keyFile"];
    assert_eq!(kf["certificateHex"], hex(&issued.cert.der));
    assert_eq!(
        kf["chain"], 2,
        "the issuing CA and the root, as the NCA packs them"
    );
    assert_eq!(kf["subject"]["iin"], CITIZEN_IIN);
    assert_eq!(kf["subject"]["bin"], Value::Null);
    assert_eq!(kf["subject"]["commonName"], "Сейтқали Айдар");
    assert_eq!(kf["subject"]["surname"], "Сейтқали");
    assert_eq!(kf["subject"]["givenName"], "Нұрланұлы");
    assert_eq!(kf["subject"]["serialNumber"], format!("IIN{CITIZEN_IIN}"));
    assert_eq!(kf["subject"]["country"], "KZ");
    assert_eq!(
        kf["issuer"]["commonName"],
        json!(nca.issuing().cert.common_name())
    );
    assert_eq!(kf["serialNumber"], issued.cert.serial_hex());
    assert_eq!(
        kf["notAfter"],
        issued
            .cert
            .not_after()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    );
    assert_eq!(kf["algorithm"], "RSA-SHA256");
    assert_eq!(kf["purpose"], "signing");
    assert_eq!(kf["roles"], json!(["individual"]));
    assert_eq!(
        kf["privateKey"],
        json!({"type": "private", "extractable": false, "usages": ["sign"],
               "algorithm": "RSASSA-PKCS1-v1_5"})
    );
    eprintln!(
        "node, RSA-2048: openKeyFile {:.1} ms, first signCms {:.1} ms, then {:.2} ms per signature",
        results[0]["openMs"].as_f64().unwrap(),
        results[0]["signMs"].as_f64().unwrap(),
        results[0]["benchMs"].as_f64().unwrap(),
    );

    let verifier = verifier(&mut nca);
    let iin: Iin = CITIZEN_IIN.parse().unwrap();

    // Attached: the content is inside, the signer is the citizen.
    let signed = std::fs::read(dir.join("attached.p7s")).unwrap();
    let message = cms::parse(&signed).unwrap();
    assert_eq!(message.content.as_deref(), Some(REQUEST.as_bytes()));
    assert_eq!(
        message.certificates.len(),
        2,
        "the signer's and the issuing CA's"
    );
    let report = verifier.verify(&signed, None, &expect_citizen(), Utc::now());
    assert_passed(&report);
    assert_eq!(report.detached, Some(false));
    let signer = report.signer.as_ref().unwrap();
    assert_eq!(signer.iin.as_deref(), Some(CITIZEN_IIN));
    assert_eq!(signer.roles, vec![Role::Individual]);
    assert_eq!(signer.algorithm, Some("RSA-SHA256"));
    // The next message of this signer is read as a known layout, from the cache.
    let again = verifier.verify(&signed, None, &expect_citizen(), Utc::now());
    assert_passed(&again);
    assert!(again.cache_hit, "{again}");
    // The verifier does hold the signer to the expectation.
    let other = Expectation {
        iin: Some(EMPLOYEE_IIN.parse().unwrap()),
        ..Expectation::default()
    };
    let report = verifier.verify(&signed, None, &other, Utc::now());
    assert_eq!(report.reason, Some(Reason::IinMismatch), "{report}");
    assert_eq!(
        verifier
            .verify(&signed, None, &Expectation::iin(iin), Utc::now())
            .indication,
        Indication::Passed
    );

    // Detached: no content inside; it verifies with the request only.
    let detached = std::fs::read(dir.join("detached.p7s")).unwrap();
    assert_eq!(cms::parse(&detached).unwrap().content, None);
    let report = verifier.verify(
        &detached,
        Some(REQUEST.as_bytes()),
        &expect_citizen(),
        Utc::now(),
    );
    assert_passed(&report);
    assert_eq!(report.detached, Some(true));
    assert_eq!(
        report.signer.as_ref().unwrap().iin.as_deref(),
        Some(CITIZEN_IIN)
    );
    let tampered = REQUEST.replace("Әлия", "Әлихан");
    let report = verifier.verify(
        &detached,
        Some(tampered.as_bytes()),
        &expect_citizen(),
        Utc::now(),
    );
    assert_eq!(report.indication, Indication::Failed, "{report}");
    assert_eq!(report.reason, Some(Reason::HashFailure), "{report}");
    let report = verifier.verify(&detached, None, &expect_citizen(), Utc::now());
    assert_eq!(report.reason, Some(Reason::SignedDataNotFound), "{report}");

    // OpenSSL's view: both verify up to the NCA's root, and give back the request.
    let ca = dir.join("nca");
    let (root, issuing) = (ca.join("root.crt"), ca.join("issuing.crt"));
    let (root, issuing) = (root.to_str().unwrap(), issuing.to_str().unwrap());
    let (passed, out) = openssl(
        &[
            "cms",
            "-verify",
            "-inform",
            "DER",
            "-in",
            "attached.p7s",
            "-CAfile",
            root,
            "-certfile",
            issuing,
            "-purpose",
            "any",
            "-out",
            "attached.out",
        ],
        &dir,
    );
    assert!(passed && out.contains("Verification successful"), "{out}");
    assert_eq!(
        std::fs::read(dir.join("attached.out")).unwrap(),
        REQUEST.as_bytes()
    );
    let (passed, out) = openssl(
        &[
            "cms",
            "-verify",
            "-inform",
            "DER",
            "-in",
            "detached.p7s",
            "-content",
            "request.json",
            "-binary",
            "-CAfile",
            root,
            "-certfile",
            issuing,
            "-purpose",
            "any",
            "-out",
            "detached.out",
        ],
        &dir,
    );
    assert!(passed && out.contains("Verification successful"), "{out}");
    std::fs::write(dir.join("tampered.json"), &tampered).unwrap();
    let (passed, out) = openssl(
        &[
            "cms",
            "-verify",
            "-inform",
            "DER",
            "-in",
            "detached.p7s",
            "-content",
            "tampered.json",
            "-binary",
            "-CAfile",
            root,
            "-purpose",
            "any",
        ],
        &dir,
    );
    assert!(!passed, "openssl refuses other content: {out}");
}

/// The signing time both sides are given: whole seconds, a minute ago.
fn signing_time() -> DateTime<Utc> {
    (Utc::now() - Duration::minutes(1)).trunc_subsecs(0)
}

#[test]
fn rsa_signature_is_byte_for_byte_the_rust_signers() {
    let dir = scratch("rsa_same_bytes");
    let (_nca, issued) = nca_and_key(
        &dir,
        KeyType::Rsa2048,
        citizen(),
        KeyPurpose::Signing,
        KeyType::Rsa2048,
    );
    // Bytes that are not text, and a length that needs a long DER length.
    let content: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 256) as u8).collect();
    std::fs::write(dir.join("content.bin"), &content).unwrap();
    let t = signing_time();
    let task = |out: &str, detached: bool, with_chain: bool| {
        let mut task = sign_task(&dir, out, "content.bin", detached);
        task["signingTime"] = json!(t.to_rfc3339());
        task["withChain"] = json!(with_chain);
        task
    };
    let results = run_js(
        &dir,
        vec![
            task("attached.p7s", false, true),
            task("detached.p7s", true, true),
            task("alone.p7s", false, false),
        ],
    );
    results.iter().for_each(|r| {
        ok(r);
    });
    // PKCS#1 v1.5 signatures are deterministic: the same key, content and time give the same
    // message, if every byte around the signature is written the same way.
    let issuing = &issued.chain[..1];
    for (file, detached, chain) in [
        ("attached.p7s", false, issuing),
        ("detached.p7s", true, issuing),
        ("alone.p7s", false, &[][..]),
    ] {
        let js = std::fs::read(dir.join(file)).unwrap();
        let rust = cms::sign(&content, &issued.key, &issued.cert, chain, detached, t).unwrap();
        assert_eq!(
            hex(&js),
            hex(&rust),
            "{file}: sign.js and qyzmet_pki::cms::sign differ"
        );
    }
}

#[test]
fn ecdsa_p256_key_file_of_an_employee() {
    let dir = scratch("ecdsa");
    let (mut nca, issued) = nca_and_key(
        &dir,
        KeyType::EcdsaP256,
        employee(),
        KeyPurpose::Signing,
        KeyType::EcdsaP256,
    );
    std::fs::write(dir.join("request.json"), REQUEST).unwrap();
    let t = signing_time();
    let mut timed = sign_task(&dir, "timed.p7s", "request.json", false);
    timed["signingTime"] = json!(t.to_rfc3339());
    let mut attached = sign_task(&dir, "attached.p7s", "request.json", false);
    attached["bench"] = json!(20);
    let results = run_js(
        &dir,
        vec![
            attached,
            sign_task(&dir, "detached.p7s", "request.json", true),
            timed,
        ],
    );
    let kf = &ok(&results[0])["keyFile"];
    assert_eq!(kf["algorithm"], "ECDSA-P256-SHA256");
    assert_eq!(kf["privateKey"]["algorithm"], "ECDSA");
    assert_eq!(kf["subject"]["iin"], EMPLOYEE_IIN);
    assert_eq!(kf["subject"]["bin"], EMPLOYEE_BIN);
    assert_eq!(kf["subject"]["organisation"], "ГУ «Отдел занятости»");
    assert_eq!(kf["roles"], json!(["employee"]));
    eprintln!(
        "node, ECDSA P-256: openKeyFile {:.1} ms, first signCms {:.1} ms, then {:.2} ms per signature",
        results[0]["openMs"].as_f64().unwrap(),
        results[0]["signMs"].as_f64().unwrap(),
        results[0]["benchMs"].as_f64().unwrap(),
    );

    let verifier = verifier(&mut nca);
    let expect = Expectation {
        iin: Some(EMPLOYEE_IIN.parse().unwrap()),
        bin: Some(EMPLOYEE_BIN.parse().unwrap()),
        roles: vec![Role::Employee],
        max_signing_age: Some(Duration::minutes(10)),
    };
    let signed = std::fs::read(dir.join("attached.p7s")).unwrap();
    let report = verifier.verify(&signed, None, &expect, Utc::now());
    assert_passed(&report);
    let signer = report.signer.as_ref().unwrap();
    assert_eq!(signer.iin.as_deref(), Some(EMPLOYEE_IIN));
    assert_eq!(signer.bin.as_deref(), Some(EMPLOYEE_BIN));
    assert_eq!(signer.algorithm, Some("ECDSA-P256-SHA256"));
    assert_eq!(
        cms::parse(&signed).unwrap().content.as_deref(),
        Some(REQUEST.as_bytes())
    );
    let detached = std::fs::read(dir.join("detached.p7s")).unwrap();
    let report = verifier.verify(&detached, Some(REQUEST.as_bytes()), &expect, Utc::now());
    assert_passed(&report);
    assert_eq!(report.detached, Some(true));

    // ECDSA signatures are randomised: all but the signature value is what Rust writes, and
    // the signature value is DER (SEQUENCE of two INTEGERs), not WebCrypto's r || s.
    let js = cms::parse(&std::fs::read(dir.join("timed.p7s")).unwrap()).unwrap();
    let rust = cms::parse(
        &cms::sign(
            REQUEST.as_bytes(),
            &issued.key,
            &issued.cert,
            &issued.chain[..1],
            false,
            t,
        )
        .unwrap(),
    )
    .unwrap();
    let (j, r) = (&js.signers[0], &rust.signers[0]);
    assert_eq!(j.signed_attrs_der, r.signed_attrs_der);
    assert_eq!(j.digest_algorithm, r.digest_algorithm);
    assert_eq!(j.signature_algorithm, r.signature_algorithm);
    assert_eq!(j.sid, r.sid);
    let ders = |m: &cms::SignedMessage| {
        m.certificates
            .iter()
            .map(|c| c.der.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ders(&js), ders(&rust));
    assert_eq!(j.signature[0], 0x30, "a DER SEQUENCE");
    assert_ne!(j.signature.len(), 64, "not the raw r || s");

    // OpenSSL agrees.
    let ca = dir.join("nca");
    let (passed, out) = openssl(
        &[
            "cms",
            "-verify",
            "-inform",
            "DER",
            "-in",
            "attached.p7s",
            "-CAfile",
            ca.join("root.crt").to_str().unwrap(),
            "-certfile",
            ca.join("issuing.crt").to_str().unwrap(),
            "-purpose",
            "any",
            "-out",
            "attached.out",
        ],
        &dir,
    );
    assert!(passed && out.contains("Verification successful"), "{out}");
    assert_eq!(
        std::fs::read(dir.join("attached.out")).unwrap(),
        REQUEST.as_bytes()
    );
}

#[test]
fn bad_key_files_give_their_stable_codes() {
    let dir = scratch("errors");
    let (mut nca, issued) = nca_and_key(
        &dir,
        KeyType::Rsa2048,
        citizen(),
        KeyPurpose::Signing,
        KeyType::Rsa2048,
    );
    let auth = nca
        .issue(
            &IssueRequest {
                holder: citizen(),
                purpose: KeyPurpose::Authentication,
                key_type: KeyType::Rsa2048,
                not_before: nca.issuing().cert.not_before(),
                not_after: Utc::now() + Duration::days(30),
            },
            Utc::now(),
        )
        .unwrap();
    std::fs::write(dir.join("auth.p12"), auth.to_pkcs12(PASSWORD).unwrap()).unwrap();
    let p12 = std::fs::read(dir.join("holder.p12")).unwrap();
    std::fs::write(dir.join("garbage.p12"), b"this is not a key file at all").unwrap();
    std::fs::write(dir.join("empty.p12"), b"").unwrap();
    std::fs::write(dir.join("truncated.p12"), &p12[..p12.len() / 2]).unwrap();
    std::fs::write(dir.join("cert.pem"), issued.cert.to_pem()).unwrap();
    std::fs::write(dir.join("cert.der"), &issued.cert.der).unwrap();
    std::fs::write(dir.join("key.pem"), issued.key.to_pkcs8_pem().unwrap()).unwrap();
    std::fs::write(dir.join("request.json"), REQUEST).unwrap();
    // Key files written another way, by the openssl command line.
    let issuing = dir.join("nca").join("issuing.crt");
    let issuing = issuing.to_str().unwrap();
    let pass = format!("pass:{PASSWORD}");
    let export = |out: &str, extra: &[&str]| {
        let mut args = vec!["pkcs12", "-export", "-passout", &pass, "-out", out];
        args.extend_from_slice(extra);
        let (done, text) = openssl(&args, &dir);
        assert!(done, "openssl pkcs12 -export {extra:?}: {text}");
    };
    // SHA-1 MAC, AES-128, the CA in the file too: opens, and signs.
    export(
        "sha1.p12",
        &[
            "-inkey",
            "key.pem",
            "-in",
            "cert.pem",
            "-certfile",
            issuing,
            "-macalg",
            "sha1",
            "-keypbe",
            "AES-128-CBC",
            "-certpbe",
            "AES-128-CBC",
        ],
    );
    // Certificates not encrypted (plain data bag), key with AES-256.
    export(
        "plain-certs.p12",
        &["-inkey", "key.pem", "-in", "cert.pem", "-certpbe", "NONE"],
    );
    // Legacy 3DES: WebCrypto has no 3DES.
    export(
        "3des.p12",
        &[
            "-inkey",
            "key.pem",
            "-in",
            "cert.pem",
            "-keypbe",
            "PBE-SHA1-3DES",
            "-certpbe",
            "PBE-SHA1-3DES",
        ],
    );
    export("no-key.p12", &["-nokeys", "-in", "cert.pem"]);
    export("no-cert.p12", &["-inkey", "key.pem", "-nocerts"]);
    // The key with only the CA's certificate.
    export(
        "mismatch.p12",
        &["-inkey", "key.pem", "-nocerts", "-certfile", issuing],
    );

    let open = |file: &str, password: &str| json!({ "p12": dir.join(file), "password": password });
    let mut sign_sha1 = sign_task(&dir, "sha1.p7s", "request.json", false);
    sign_sha1["p12"] = json!(dir.join("sha1.p12"));
    let mut sign_auth = sign_task(&dir, "auth.p7s", "request.json", false);
    sign_auth["p12"] = json!(dir.join("auth.p12"));
    let mut string_content = sign_task(&dir, "never.p7s", "request.json", false);
    string_content["contentAsString"] = json!(true);
    let tasks = vec![
        open("holder.p12", "wrong password"),
        open("holder.p12", ""),
        open("holder.p12", "құпия сөз-1"),
        open("garbage.p12", PASSWORD),
        open("empty.p12", PASSWORD),
        open("truncated.p12", PASSWORD),
        open("cert.pem", PASSWORD),
        open("cert.der", PASSWORD),
        open("3des.p12", PASSWORD),
        open("no-key.p12", PASSWORD),
        open("no-cert.p12", PASSWORD),
        open("mismatch.p12", PASSWORD),
        open("3des.p12", "wrong password"),
        string_content,
        sign_sha1,
        open("plain-certs.p12", PASSWORD),
        sign_auth,
    ];
    let results = run_js(&dir, tasks);
    let codes: Vec<&str> = results[..14].iter().map(code).collect();
    assert_eq!(
        codes,
        [
            "keyfile.wrong_password",
            "keyfile.wrong_password",
            "keyfile.wrong_password", // a password differing only in case
            "keyfile.not_pkcs12",
            "keyfile.not_pkcs12",
            "keyfile.not_pkcs12",
            "keyfile.not_pkcs12",
            "keyfile.not_pkcs12", // a certificate is DER, but no PFX
            "keyfile.unsupported_algorithm",
            "keyfile.no_key",
            "keyfile.no_certificate",
            "keyfile.key_mismatch",
            "keyfile.wrong_password", // the MAC is checked before the 3DES is met
            "sign.bad_input",
        ]
    );

    // The openssl-made files that WebCrypto can open do open.
    let sha1 = &ok(&results[14])["keyFile"];
    assert_eq!(sha1["subject"]["iin"], CITIZEN_IIN);
    assert_eq!(sha1["certificateHex"], hex(&issued.cert.der));
    assert_eq!(sha1["chain"], 1);
    let plain = &ok(&results[15])["keyFile"];
    assert_eq!(plain["certificateHex"], hex(&issued.cert.der));
    assert_eq!(plain["chain"], 0);
    let verifier = verifier(&mut nca);
    let signed = std::fs::read(dir.join("sha1.p7s")).unwrap();
    assert_passed(&verifier.verify(&signed, None, &expect_citizen(), Utc::now()));

    // An authentication key opens and signs, says what it is, and the verifier refuses it.
    let auth_kf = &ok(&results[16])["keyFile"];
    assert_eq!(auth_kf["purpose"], "authentication");
    let signed = std::fs::read(dir.join("auth.p7s")).unwrap();
    let report = verifier.verify(&signed, None, &expect_citizen(), Utc::now());
    assert_eq!(
        report.reason,
        Some(Reason::NotASigningCertificate),
        "{report}"
    );
}
