//! The NCA served over HTTP on loopback: relying parties (our sources and OpenSSL's client)
//! fetch its CRL and ask its OCSP responder, and see a revocation at once.

use chrono::{Duration, Utc};
use qyzmet_core::id::Iin;
use qyzmet_pki::http::{router, Freshness, NcaService};
use qyzmet_pki::nca::{IssueRequest, Nca, NcaUrls};
use qyzmet_pki::revocation::{
    CertStatus, RevocationReason, RevocationSource, RevocationSourceKind,
};
use qyzmet_pki::sources::{revocation_urls, CombinedSource, CrlSource, OcspSource};
use qyzmet_pki::{Holder, KeyPurpose, KeyType, Role};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("nca-http")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Start the NCA's routes on a free loopback port, in a thread of their own.
fn serve(dir: &Path) -> (SocketAddr, Arc<NcaService>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let urls = NcaUrls {
        crl: Some(format!("http://{addr}/nca/crl")),
        ocsp: Some(format!("http://{addr}/nca/ocsp")),
    };
    let nca = Nca::init(
        dir,
        KeyType::EcdsaP256,
        urls,
        Utc::now() - Duration::days(1),
    )
    .unwrap();
    let service = NcaService::new(nca, Freshness::default());
    let app = router(service.clone());
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    (addr, service)
}

fn holder() -> Holder {
    Holder {
        iin: "850101300005".parse::<Iin>().unwrap(),
        surname: "Ахметов".into(),
        name: "Ерлан".into(),
        patronymic: None,
        role: Role::Individual,
        organisation: None,
    }
}

#[test]
fn crl_and_ocsp_over_http_see_a_revocation() {
    let dir = scratch("revocation");
    let (_, service) = serve(&dir);
    let now = Utc::now();
    let issued = service
        .nca()
        .issue(
            &IssueRequest {
                holder: holder(),
                purpose: KeyPurpose::Signing,
                key_type: KeyType::EcdsaP256,
                not_before: now - Duration::hours(1),
                not_after: now + Duration::days(30),
            },
            now,
        )
        .unwrap();
    let issuer = service.nca().issuing().cert.clone();
    let urls = revocation_urls(&issued.cert);
    let ocsp = OcspSource::http(
        urls.ocsp
            .clone()
            .expect("the certificate names its OCSP responder"),
    );
    let crl = CrlSource::http(urls.crl.clone().expect("the certificate names its CRL"));

    let answer = ocsp.status(&issued.cert, &issuer, Utc::now()).unwrap();
    assert_eq!(answer.status, CertStatus::Good);
    assert_eq!(answer.source, RevocationSourceKind::Ocsp);
    assert_eq!(
        crl.status(&issued.cert, &issuer, Utc::now())
            .unwrap()
            .status,
        CertStatus::Good
    );

    service
        .nca()
        .revoke(
            &issued.cert.serial_hex(),
            RevocationReason::KeyCompromise,
            Utc::now(),
        )
        .unwrap();
    let answer = CombinedSource::http(&urls)
        .status(&issued.cert, &issuer, Utc::now())
        .unwrap();
    assert!(
        matches!(
            answer.status,
            CertStatus::Revoked {
                reason: RevocationReason::KeyCompromise,
                ..
            }
        ),
        "{answer:?}"
    );
    // A fresh CRL source (nothing cached) sees the republished CRL.
    let answer = CrlSource::http(urls.crl.unwrap())
        .status(&issued.cert, &issuer, Utc::now())
        .unwrap();
    assert!(
        matches!(answer.status, CertStatus::Revoked { .. }),
        "{answer:?}"
    );
}

#[test]
fn openssl_asks_the_live_ocsp_responder() {
    let dir = scratch("openssl");
    let (addr, service) = serve(&dir);
    let now = Utc::now();
    let issued = service
        .nca()
        .issue(
            &IssueRequest {
                holder: holder(),
                purpose: KeyPurpose::Signing,
                key_type: KeyType::EcdsaP256,
                not_before: now - Duration::hours(1),
                not_after: now + Duration::days(30),
            },
            now,
        )
        .unwrap();
    std::fs::write(dir.join("holder.pem"), issued.cert.to_pem()).unwrap();
    let ask = || {
        let out = Command::new("openssl")
            .args([
                "ocsp",
                "-url",
                &format!("http://{addr}/nca/ocsp"),
                "-issuer",
                "issuing.crt",
                "-cert",
                "holder.pem",
                "-CAfile",
                "root.crt",
            ])
            .current_dir(&dir)
            .output()
            .unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let out = ask();
    assert!(
        out.contains("Response verify OK") && out.contains("holder.pem: good"),
        "{out}"
    );
    service
        .nca()
        .revoke(
            &issued.cert.serial_hex(),
            RevocationReason::Superseded,
            Utc::now(),
        )
        .unwrap();
    let out = ask();
    assert!(
        out.contains("holder.pem: revoked") && out.contains("superseded"),
        "{out}"
    );

    let crl = ureq::get(&format!("http://{addr}/nca/crl"))
        .call()
        .unwrap()
        .into_body()
        .read_to_vec()
        .unwrap();
    std::fs::write(dir.join("crl.der"), crl).unwrap();
    let out = Command::new("openssl")
        .args([
            "crl",
            "-inform",
            "DER",
            "-in",
            "crl.der",
            "-noout",
            "-text",
            "-CAfile",
            "issuing.crt",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("verify OK"), "{text}");
    assert!(
        text.to_uppercase()
            .contains(&issued.cert.serial_hex().to_uppercase()),
        "{text}"
    );
}
