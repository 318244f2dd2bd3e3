//! CRLs, OCSP and the revocation sources: round trips, refusals, OpenSSL's view of what we
//! publish, and the HTTP transport against a local server.

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use qyzmet_pki::cert::{build, CertificateRequest, Issuer, RevocationUrls, Usage};
use qyzmet_pki::crl::{self, Crl};
use qyzmet_pki::ocsp::{self, CertIdHash, ResponderContext};
use qyzmet_pki::revocation::{
    CertStatus, RevocationReason, RevocationSource, RevocationSourceKind, Revoked,
};
use qyzmet_pki::sources::{self, CombinedSource, CrlSource, HttpFetch, OcspSource, Transport};
use qyzmet_pki::{Cert, KeyPurpose, KeyType, Role, SigningKey};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use x509_cert::name::Name;

struct Pki {
    root: Cert,
    ca: Cert,
    ca_key: SigningKey,
    responder: Cert,
    responder_key: SigningKey,
    holder: Cert,
    revoked: Cert,
    revoked_at: DateTime<Utc>,
}

fn issue(
    subject: &str,
    usage: Usage<'_>,
    issuer: Option<&Cert>,
    issuer_key: &SigningKey,
    key: &SigningKey,
    urls: RevocationUrls,
) -> Cert {
    let now = Utc::now();
    build(
        CertificateRequest {
            subject: Name::from_str(subject).unwrap(),
            public_key_der: key.public_key_der().unwrap(),
            not_before: now - Duration::days(1),
            not_after: now + Duration::days(365),
            usage,
            urls,
        },
        Issuer {
            cert: issuer,
            key: issuer_key,
        },
    )
    .unwrap()
}

fn make_pki(kind: KeyType) -> Pki {
    let root_key = SigningKey::generate(kind).unwrap();
    let root = issue(
        "CN=Qyzmet Test Root,O=Qyzmet,C=KZ",
        Usage::Authority { path_len: Some(1) },
        None,
        &root_key,
        &root_key,
        RevocationUrls::default(),
    );
    let ca_key = SigningKey::generate(kind).unwrap();
    let ca = issue(
        "CN=Qyzmet Test NCA,O=Qyzmet,C=KZ",
        Usage::Authority { path_len: Some(0) },
        Some(&root),
        &root_key,
        &ca_key,
        RevocationUrls::default(),
    );
    let responder_key = SigningKey::generate(kind).unwrap();
    let responder = issue(
        "CN=Qyzmet Test NCA OCSP,O=Qyzmet,C=KZ",
        Usage::OcspResponder,
        Some(&ca),
        &ca_key,
        &responder_key,
        RevocationUrls::default(),
    );
    let urls = RevocationUrls {
        crl: Some("http://127.0.0.1:1/crl".into()),
        ocsp: Some("http://127.0.0.1:1/ocsp".into()),
    };
    let signing = || Usage::Holder {
        role: Role::Individual,
        purpose: KeyPurpose::Signing,
    };
    let holder_key = SigningKey::generate(KeyType::EcdsaP256).unwrap();
    let holder = issue(
        "CN=Ivanov Ivan,SERIALNUMBER=IIN900101300123,C=KZ",
        signing(),
        Some(&ca),
        &ca_key,
        &holder_key,
        urls.clone(),
    );
    let revoked = issue(
        "CN=Sidorov Petr,SERIALNUMBER=IIN850505400456,C=KZ",
        signing(),
        Some(&ca),
        &ca_key,
        &SigningKey::generate(KeyType::EcdsaP256).unwrap(),
        urls,
    );
    Pki {
        root,
        ca,
        ca_key,
        responder,
        responder_key,
        holder,
        revoked,
        revoked_at: DateTime::parse_from_rfc3339("2025-02-03T04:05:06Z")
            .unwrap()
            .into(),
    }
}

/// One RSA PKI and one ECDSA PKI for the whole test binary (RSA keys are slow to make).
fn rsa() -> &'static Pki {
    static P: OnceLock<Pki> = OnceLock::new();
    P.get_or_init(|| make_pki(KeyType::Rsa2048))
}

fn ec() -> &'static Pki {
    static P: OnceLock<Pki> = OnceLock::new();
    P.get_or_init(|| make_pki(KeyType::EcdsaP256))
}

impl Pki {
    fn revoked_list(&self) -> Vec<Revoked> {
        vec![Revoked {
            serial: self.revoked.tbs().serial_number.as_bytes().to_vec(),
            at: self.revoked_at,
            reason: RevocationReason::KeyCompromise,
        }]
    }

    fn crl(&self, this_update: DateTime<Utc>, next_update: DateTime<Utc>) -> Vec<u8> {
        crl::build(
            &self.ca,
            &self.ca_key,
            &self.revoked_list(),
            this_update,
            next_update,
            3,
        )
        .unwrap()
    }

    fn lookup(&self) -> impl Fn(&[u8]) -> CertStatus + '_ {
        move |serial: &[u8]| {
            if serial == self.revoked.tbs().serial_number.as_bytes() {
                CertStatus::Revoked {
                    at: self.revoked_at,
                    reason: RevocationReason::KeyCompromise,
                }
            } else if serial == self.holder.tbs().serial_number.as_bytes()
                || serial == self.responder.tbs().serial_number.as_bytes()
            {
                CertStatus::Good
            } else {
                CertStatus::Unknown
            }
        }
    }

    fn ctx(&self) -> ResponderContext<'_> {
        ResponderContext {
            issuer: &self.ca,
            responder: &self.responder,
            key: &self.responder_key,
            validity: Duration::hours(1),
        }
    }

    fn respond(&self, request: &[u8]) -> Vec<u8> {
        ocsp::respond(request, &self.ctx(), &self.lookup(), Utc::now())
    }
}

// ---------------------------------------------------------------------------------------------
// CRL

#[test]
fn crl_round_trip() {
    for p in [rsa(), ec()] {
        let now = Utc::now();
        let crl = Crl::parse(&p.crl(now, now + Duration::days(1))).unwrap();
        assert!(crl.verify_signature(&p.ca).unwrap());
        assert!(!crl.verify_signature(&p.root).unwrap());
        assert_eq!(crl.number(), Some(3));
        assert_eq!(crl.entries().len(), 1);
        assert_eq!(
            crl.status_of(p.revoked.tbs().serial_number.as_bytes()),
            CertStatus::Revoked {
                at: p.revoked_at,
                reason: RevocationReason::KeyCompromise
            }
        );
        assert_eq!(
            crl.status_of(p.holder.tbs().serial_number.as_bytes()),
            CertStatus::Good
        );
    }
}

#[test]
fn every_reason_survives_the_round_trip() {
    let p = ec();
    let now = Utc::now();
    let revoked: Vec<Revoked> = RevocationReason::ALL
        .iter()
        .enumerate()
        .map(|(i, reason)| Revoked {
            serial: vec![0x10, i as u8 + 1],
            at: p.revoked_at,
            reason: *reason,
        })
        .collect();
    let der = crl::build(&p.ca, &p.ca_key, &revoked, now, now + Duration::days(1), 9).unwrap();
    let crl = Crl::parse(&der).unwrap();
    assert_eq!(crl.entries(), revoked.as_slice());
}

#[test]
fn tampered_crl_is_refused() {
    let p = ec();
    let now = Utc::now();
    let der = p.crl(now, now + Duration::days(1));
    // Flip a bit of the revocation entry's serial number.
    let serial = p.revoked.tbs().serial_number.as_bytes();
    let pos = der.windows(serial.len()).position(|w| w == serial).unwrap();
    let mut bad = der.clone();
    bad[pos + serial.len() - 1] ^= 1;
    let crl = Crl::parse(&bad).unwrap();
    assert!(!crl.verify_signature(&p.ca).unwrap());
    let source = CrlSource::from_der(bad);
    let err = source.status(&p.holder, &p.ca, now).unwrap_err();
    assert!(err.contains("signature does not verify"), "{err}");
}

#[test]
fn stale_crl_is_refused() {
    let p = ec();
    let now = Utc::now();
    let source = CrlSource::from_der(p.crl(now - Duration::days(2), now - Duration::days(1)));
    let err = source.status(&p.holder, &p.ca, now).unwrap_err();
    assert!(err.starts_with("CRL is stale: next update was"), "{err}");
}

#[test]
fn crl_source_answers_and_caches_until_next_update() {
    let p = ec();
    let now = Utc::now();
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let this_update = now - Duration::minutes(1);
    let der = p.crl(this_update, now + Duration::hours(1));
    let source = CrlSource::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(der.clone())
    });
    let a = source.status(&p.revoked, &p.ca, now).unwrap();
    assert_eq!(a.source, RevocationSourceKind::Crl);
    assert!(matches!(
        a.status,
        CertStatus::Revoked {
            reason: RevocationReason::KeyCompromise,
            ..
        }
    ));
    assert_eq!(a.produced_at.timestamp(), this_update.timestamp());
    let b = source.status(&p.holder, &p.ca, now).unwrap();
    assert_eq!(b.status, CertStatus::Good);
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    // After its next update the CRL is fetched again; the same old one is then stale.
    let err = source
        .status(&p.holder, &p.ca, now + Duration::hours(2))
        .unwrap_err();
    assert!(err.starts_with("CRL is stale"), "{err}");
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    // A certificate of another CA is not answered from this CA's CRL: here the CA certificate
    // (issued by the root) ...
    let err = source.status(&p.ca, &p.ca, now).unwrap_err();
    assert!(err.contains("is issued by"), "{err}");
    // ... and here another CA of the same name, whose key did not sign this CRL.
    let err = source.status(&rsa().holder, &rsa().ca, now).unwrap_err();
    assert!(err.contains("signature does not verify"), "{err}");
    // Garbage in the fetch.
    let err = CrlSource::from_der(b"not a CRL".to_vec())
        .status(&p.holder, &p.ca, now)
        .unwrap_err();
    assert!(err.starts_with("malformed CRL"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// OCSP through the sources, with an in-process transport

struct Fake {
    pki: &'static Pki,
    ocsp_up: bool,
    gets: AtomicUsize,
    posts: AtomicUsize,
    last_content_type: Mutex<String>,
}

impl Fake {
    fn new(pki: &'static Pki, ocsp_up: bool) -> Arc<Fake> {
        Arc::new(Fake {
            pki,
            ocsp_up,
            gets: AtomicUsize::new(0),
            posts: AtomicUsize::new(0),
            last_content_type: Mutex::new(String::new()),
        })
    }
}

impl Transport for Fake {
    fn get(&self, _url: &str, _max: u64) -> Result<Vec<u8>, String> {
        self.gets.fetch_add(1, Ordering::SeqCst);
        let now = Utc::now();
        Ok(self.pki.crl(now, now + Duration::hours(1)))
    }
    fn post(&self, _url: &str, ct: &str, body: &[u8], _max: u64) -> Result<Vec<u8>, String> {
        self.posts.fetch_add(1, Ordering::SeqCst);
        *self.last_content_type.lock().unwrap() = ct.to_string();
        if !self.ocsp_up {
            return Err("connection refused".into());
        }
        Ok(self.pki.respond(body))
    }
}

#[test]
fn ocsp_source_good_revoked_unknown() {
    let p = ec();
    let now = Utc::now();
    let fake = Fake::new(p, true);
    for hash in [CertIdHash::Sha1, CertIdHash::Sha256] {
        let source = OcspSource::with_transport("http://nca/ocsp", fake.clone()).with_hash(hash);
        let a = source.status(&p.holder, &p.ca, now).unwrap();
        assert_eq!(
            (a.status, a.source),
            (CertStatus::Good, RevocationSourceKind::Ocsp)
        );
        assert!(a.next_update.is_some());
        let a = source.status(&p.revoked, &p.ca, now).unwrap();
        assert_eq!(
            a.status,
            CertStatus::Revoked {
                at: p.revoked_at,
                reason: RevocationReason::KeyCompromise
            }
        );
        // The CA certificate is not one the CA issued to itself in its registry: unknown.
        let a = source.status(&p.ca, &p.ca, now).unwrap();
        assert_eq!(a.status, CertStatus::Unknown);
    }
    assert_eq!(
        *fake.last_content_type.lock().unwrap(),
        "application/ocsp-request"
    );
    // Asking this responder about another CA's certificate: unauthorized.
    let source = OcspSource::with_transport("http://nca/ocsp", fake.clone());
    let err = source.status(&rsa().holder, &rsa().ca, now).unwrap_err();
    assert_eq!(err, "the OCSP responder answered unauthorized");
}

#[test]
fn combined_source_prefers_ocsp_and_falls_back_to_the_crl() {
    let p = ec();
    let now = Utc::now();
    let up = Fake::new(p, true);
    let combined = CombinedSource::new(
        Some(OcspSource::with_transport("http://nca/ocsp", up.clone())),
        Some(CrlSource::with_transport("http://nca/crl", up.clone())),
    );
    let a = combined.status(&p.revoked, &p.ca, now).unwrap();
    assert_eq!(a.source, RevocationSourceKind::Ocsp);
    assert_eq!(up.gets.load(Ordering::SeqCst), 0);

    let down = Fake::new(p, false);
    let combined = CombinedSource::new(
        Some(OcspSource::with_transport("http://nca/ocsp", down.clone())),
        Some(CrlSource::with_transport("http://nca/crl", down.clone())),
    );
    let a = combined.status(&p.revoked, &p.ca, now).unwrap();
    assert_eq!(a.source, RevocationSourceKind::Crl);
    assert!(matches!(a.status, CertStatus::Revoked { .. }));
    assert_eq!(down.posts.load(Ordering::SeqCst), 1);
    assert_eq!(down.gets.load(Ordering::SeqCst), 1);

    // Both failing: the reasons of both.
    let combined = CombinedSource::new(
        Some(OcspSource::with_transport("http://nca/ocsp", down.clone())),
        Some(CrlSource::from_der(
            p.crl(now - Duration::days(2), now - Duration::days(1)),
        )),
    );
    let err = combined.status(&p.holder, &p.ca, now).unwrap_err();
    assert!(
        err.starts_with(
            "OCSP: the OCSP responder cannot be reached: connection refused; CRL: CRL is stale"
        ),
        "{err}"
    );
    let err = CombinedSource::default()
        .status(&p.holder, &p.ca, now)
        .unwrap_err();
    assert_eq!(err, "no revocation source is configured");
}

#[test]
fn urls_from_the_certificate() {
    let urls = sources::revocation_urls(&ec().holder);
    assert_eq!(urls.crl.as_deref(), Some("http://127.0.0.1:1/crl"));
    assert_eq!(urls.ocsp.as_deref(), Some("http://127.0.0.1:1/ocsp"));
    let none = sources::revocation_urls(&ec().ca);
    assert!(none.crl.is_none() && none.ocsp.is_none());
}

// ---------------------------------------------------------------------------------------------
// The HTTP transport against a local server

/// A one-thread HTTP/1.1 server: GET answers `get_body`, POST answers `on_post(body)`.
fn serve(get_body: Vec<u8>, on_post: impl Fn(&str, &[u8]) -> Vec<u8> + Send + 'static) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let header_end = loop {
                let n = match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break None,
                    Ok(n) => n,
                };
                buf.extend_from_slice(&chunk[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break Some(i + 4);
                }
            };
            let Some(header_end) = header_end else {
                continue;
            };
            let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
            let length = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            while buf.len() < header_end + length {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let content_type = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-type")
                        .then(|| v.trim().to_string())
                })
                .unwrap_or_default();
            let body = if head.starts_with("POST") {
                on_post(&content_type, &buf[header_end..])
            } else {
                get_body.clone()
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{addr}")
}

#[test]
fn http_sources_against_a_local_server() {
    let p = ec();
    let now = Utc::now();
    let url = serve(p.crl(now, now + Duration::hours(1)), move |ct, body| {
        if ct == "application/ocsp-request" {
            p.respond(body)
        } else {
            b"wrong content type".to_vec()
        }
    });
    let crl = CrlSource::http(format!("{url}/crl"));
    assert_eq!(
        crl.status(&p.holder, &p.ca, now).unwrap().status,
        CertStatus::Good
    );
    let ocsp = OcspSource::http(format!("{url}/ocsp"));
    let a = ocsp.status(&p.revoked, &p.ca, now).unwrap();
    assert!(matches!(a.status, CertStatus::Revoked { .. }));
    // The size limit.
    let err = HttpFetch::default()
        .get(&format!("{url}/crl"), 16)
        .unwrap_err();
    assert!(err.contains("larger than 16 bytes"), "{err}");
    // Only http://.
    let err = HttpFetch::default()
        .get("https://example.invalid/crl", 16)
        .unwrap_err();
    assert!(err.contains("only http://"), "{err}");
    // Nobody listening.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let err = CombinedSource::new(
        Some(OcspSource::http(format!("http://{closed}/ocsp"))),
        Some(CrlSource::http(format!("http://{closed}/crl"))),
    )
    .status(&p.holder, &p.ca, now)
    .unwrap_err();
    assert!(
        err.contains("cannot be reached") && err.contains("cannot be fetched"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// OpenSSL's view

fn openssl_available() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn workdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("revocation-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_pki(dir: &Path, p: &Pki) {
    std::fs::write(dir.join("root.pem"), p.root.to_pem()).unwrap();
    std::fs::write(dir.join("ca.pem"), p.ca.to_pem()).unwrap();
    let mut chain = p.ca.to_pem();
    chain.extend(p.root.to_pem());
    std::fs::write(dir.join("chain.pem"), chain).unwrap();
    std::fs::write(dir.join("holder.pem"), p.holder.to_pem()).unwrap();
    std::fs::write(dir.join("revoked.pem"), p.revoked.to_pem()).unwrap();
    std::fs::write(dir.join("responder.pem"), p.responder.to_pem()).unwrap();
}

fn openssl(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn upper_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[test]
fn openssl_reads_our_crl() {
    if !openssl_available() {
        eprintln!("openssl not found: skipped");
        return;
    }
    for (name, p) in [("rsa", rsa()), ("ec", ec())] {
        let dir = workdir(&format!("crl-{name}"));
        write_pki(&dir, p);
        let now = Utc::now();
        std::fs::write(dir.join("crl.der"), p.crl(now, now + Duration::days(1))).unwrap();
        let (ok, text) = openssl(
            &dir,
            &[
                "crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text", "-CAfile", "ca.pem",
            ],
        );
        assert!(ok, "{text}");
        assert!(text.contains("verify OK"), "{text}");
        assert!(
            text.contains(&upper_hex(p.revoked.tbs().serial_number.as_bytes())),
            "{text}"
        );
        assert!(text.contains("Key Compromise"), "{text}");
        assert!(text.contains("X509v3 CRL Number"), "{text}");
        assert!(text.contains("X509v3 Authority Key Identifier"), "{text}");
        // And a tampered one does not verify.
        let mut bad = p.crl(now, now + Duration::days(1));
        let n = bad.len();
        bad[n - 5] ^= 0x01;
        std::fs::write(dir.join("bad.der"), bad).unwrap();
        let (_, text) = openssl(
            &dir,
            &[
                "crl", "-inform", "DER", "-in", "bad.der", "-noout", "-CAfile", "ca.pem",
            ],
        );
        assert!(!text.contains("verify OK"), "{text}");
    }
}

#[test]
fn openssl_reads_our_ocsp_answers() {
    if !openssl_available() {
        eprintln!("openssl not found: skipped");
        return;
    }
    for (name, p) in [("rsa", rsa()), ("ec", ec())] {
        let dir = workdir(&format!("ocsp-{name}"));
        write_pki(&dir, p);
        for (who, cert, expected) in [
            ("holder", &p.holder, "good"),
            ("revoked", &p.revoked, "revoked"),
        ] {
            let req = ocsp::request(cert, &p.ca, Some(b"qyzmet-nonce-123")).unwrap();
            std::fs::write(dir.join("req.der"), &req).unwrap();
            std::fs::write(dir.join("resp.der"), p.respond(&req)).unwrap();
            // With the request: the nonce is checked too.
            let (ok, text) = openssl(
                &dir,
                &[
                    "ocsp",
                    "-reqin",
                    "req.der",
                    "-respin",
                    "resp.der",
                    "-issuer",
                    "ca.pem",
                    "-CAfile",
                    "root.pem",
                    "-verify_other",
                    "ca.pem",
                    "-resp_text",
                ],
            );
            assert!(ok, "{text}");
            assert!(text.contains("Response verify OK"), "{text}");
            assert!(text.contains(&format!("Cert Status: {expected}")), "{text}");
            assert!(!text.contains("WARNING"), "{text}");
            // By certificate: OpenSSL matches the certID and prints the status.
            let pem = format!("{who}.pem");
            let (ok, text) = openssl(
                &dir,
                &[
                    "ocsp",
                    "-respin",
                    "resp.der",
                    "-issuer",
                    "ca.pem",
                    "-cert",
                    &pem,
                    "-no_nonce",
                    "-CAfile",
                    "chain.pem",
                ],
            );
            assert!(ok, "{text}");
            assert!(text.contains("Response verify OK"), "{text}");
            assert!(text.contains(&format!("{pem}: {expected}")), "{text}");
            if expected == "revoked" {
                assert!(text.contains("Reason: keyCompromise"), "{text}");
            }
            // Trusting the responder directly.
            let (ok, text) = openssl(
                &dir,
                &[
                    "ocsp",
                    "-respin",
                    "resp.der",
                    "-issuer",
                    "ca.pem",
                    "-cert",
                    &pem,
                    "-no_nonce",
                    "-VAfile",
                    "responder.pem",
                ],
            );
            assert!(ok && text.contains("Response verify OK"), "{text}");
        }
    }
}

#[test]
fn we_answer_openssl_requests() {
    if !openssl_available() {
        eprintln!("openssl not found: skipped");
        return;
    }
    for (name, p) in [("rsa", rsa()), ("ec", ec())] {
        let dir = workdir(&format!("oreq-{name}"));
        write_pki(&dir, p);
        for digest in ["-sha1", "-sha256"] {
            // Without a nonce.
            let (ok, text) = openssl(
                &dir,
                &[
                    "ocsp",
                    "-issuer",
                    "ca.pem",
                    digest,
                    "-cert",
                    "revoked.pem",
                    "-reqout",
                    "req.der",
                    "-no_nonce",
                ],
            );
            assert!(ok, "{text}");
            let req = std::fs::read(dir.join("req.der")).unwrap();
            let resp = p.respond(&req);
            let a = ocsp::check_response(&resp, &p.revoked, &p.ca, None, Utc::now()).unwrap();
            assert!(matches!(a.status, CertStatus::Revoked { .. }), "{digest}");
            // With OpenSSL's nonce, checked by OpenSSL.
            let (ok, text) = openssl(
                &dir,
                &[
                    "ocsp",
                    "-issuer",
                    "ca.pem",
                    digest,
                    "-cert",
                    "holder.pem",
                    "-cert",
                    "revoked.pem",
                    "-reqout",
                    "req2.der",
                ],
            );
            assert!(ok, "{text}");
            let req = std::fs::read(dir.join("req2.der")).unwrap();
            std::fs::write(dir.join("resp2.der"), p.respond(&req)).unwrap();
            let (ok, text) = openssl(
                &dir,
                &[
                    "ocsp",
                    "-reqin",
                    "req2.der",
                    "-respin",
                    "resp2.der",
                    "-issuer",
                    "ca.pem",
                    "-CAfile",
                    "chain.pem",
                    "-resp_text",
                ],
            );
            assert!(ok, "{text}");
            assert!(text.contains("Response verify OK"), "{text}");
            assert!(
                text.contains("Cert Status: good") && text.contains("Cert Status: revoked"),
                "{text}"
            );
            assert!(text.contains("OCSP Nonce"), "{text}");
            assert!(!text.contains("WARNING"), "{text}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Never a panic

fn valid_request() -> &'static [u8] {
    static R: OnceLock<Vec<u8>> = OnceLock::new();
    R.get_or_init(|| ocsp::request(&ec().holder, &ec().ca, Some(b"nonce")).unwrap())
}

fn valid_crl() -> &'static [u8] {
    static C: OnceLock<Vec<u8>> = OnceLock::new();
    C.get_or_init(|| {
        let now = Utc::now();
        ec().crl(now, now + Duration::days(1))
    })
}

fn valid_response() -> &'static [u8] {
    static R: OnceLock<Vec<u8>> = OnceLock::new();
    R.get_or_init(|| ec().respond(valid_request()))
}

fn mutate(base: &[u8], edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut v = base.to_vec();
    for (i, b) in edits {
        let n = v.len();
        v[i % n] = *b;
    }
    v.truncate(v.len() - cut % v.len());
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn respond_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let resp = ec().respond(&bytes);
        prop_assert!(!resp.is_empty());
    }

    #[test]
    fn respond_to_mutated_requests_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        cut in any::<usize>(),
    ) {
        let req = mutate(valid_request(), &edits, cut);
        let resp = ec().respond(&req);
        prop_assert!(!resp.is_empty());
    }

    #[test]
    fn crl_parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Crl::parse(&bytes);
    }

    #[test]
    fn mutated_crls_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        cut in any::<usize>(),
    ) {
        let der = mutate(valid_crl(), &edits, cut);
        if let Ok(crl) = Crl::parse(&der) {
            let _ = crl.verify_signature(&ec().ca);
            let _ = crl.check(&ec().ca, Utc::now());
            let _ = crl.status_of(&[1, 2, 3]);
            let _ = crl.number();
        }
    }

    #[test]
    fn check_response_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        cut in any::<usize>(),
    ) {
        let der = mutate(valid_response(), &edits, cut);
        let _ = ocsp::check_response(&der, &ec().holder, &ec().ca, Some(b"nonce"), Utc::now());
    }
}
