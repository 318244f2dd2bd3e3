//! The test NCA: its hierarchy, the profile of what it issues, key files, persistence, and
//! OpenSSL's view of all of it.

use chrono::{Duration, TimeZone, Utc};
use qyzmet_core::id::{Bin, Iin};
use qyzmet_pki::nca::{IssueRequest, Nca, NcaUrls};
use qyzmet_pki::revocation::{CertStatus, RevocationReason};
use qyzmet_pki::{p12, Holder, KeyPurpose, KeyType, Organisation, PkiError, Role};
use std::path::{Path, PathBuf};
use std::process::Command;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("nca")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).unwrap()
}

fn urls() -> NcaUrls {
    NcaUrls {
        crl: Some("http://127.0.0.1:8080/nca/crl".into()),
        ocsp: Some("http://127.0.0.1:8080/nca/ocsp".into()),
    }
}

fn citizen() -> Holder {
    Holder {
        iin: "850101300005".parse::<Iin>().unwrap(),
        surname: "Сейтқали".into(),
        name: "Айдар".into(),
        patronymic: Some("Нұрланұлы".into()),
        role: Role::Individual,
        organisation: None,
    }
}

fn employee() -> Holder {
    Holder {
        iin: "900312400000".parse::<Iin>().unwrap(),
        surname: "Иванова".into(),
        name: "Мария".into(),
        patronymic: None,
        role: Role::Employee,
        organisation: Some(Organisation {
            bin: "080440000008".parse::<Bin>().unwrap(),
            name: "ГУ «Отдел занятости»".into(),
        }),
    }
}

fn request(holder: Holder, purpose: KeyPurpose, key_type: KeyType) -> IssueRequest {
    IssueRequest {
        holder,
        purpose,
        key_type,
        not_before: now(),
        not_after: now() + Duration::days(365),
    }
}

fn openssl(args: &[&str], dir: &Path) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn hierarchy_is_signed_root_to_leaf() {
    let dir = scratch("hierarchy");
    let nca = Nca::init(&dir, KeyType::EcdsaP256, urls(), now()).unwrap();
    let root = nca.root();
    assert!(root.is_ca());
    assert!(root.is_signed_by(&root.verifying_key().unwrap()).unwrap());
    assert!(nca
        .issuing()
        .cert
        .is_signed_by(&root.verifying_key().unwrap())
        .unwrap());
    let ocsp = &nca.ocsp_responder().cert;
    assert!(ocsp
        .is_signed_by(&nca.issuing().cert.verifying_key().unwrap())
        .unwrap());
    assert!(!ocsp.is_signed_by(&root.verifying_key().unwrap()).unwrap());
}

#[test]
fn issues_in_the_ncas_profile() {
    let dir = scratch("profile");
    let mut nca = Nca::init(&dir, KeyType::Rsa2048, urls(), now()).unwrap();
    let sign = nca
        .issue(
            &request(citizen(), KeyPurpose::Signing, KeyType::Rsa2048),
            now(),
        )
        .unwrap();
    assert_eq!(sign.cert.iin().as_deref(), Some("850101300005"));
    assert_eq!(sign.cert.bin(), None);
    assert_eq!(sign.cert.common_name().as_deref(), Some("Сейтқали Айдар"));
    assert_eq!(sign.cert.roles(), vec![Role::Individual]);
    assert!(sign.cert.is_signing());
    assert!(sign
        .cert
        .is_signed_by(&nca.issuing().cert.verifying_key().unwrap())
        .unwrap());

    let auth = nca
        .issue(
            &request(citizen(), KeyPurpose::Authentication, KeyType::EcdsaP256),
            now(),
        )
        .unwrap();
    assert!(
        !auth.cert.is_signing(),
        "an authentication key cannot sign requests"
    );
    assert_ne!(
        auth.cert.spki_der().unwrap(),
        sign.cert.spki_der().unwrap(),
        "two keys"
    );

    let emp = nca
        .issue(
            &request(employee(), KeyPurpose::Signing, KeyType::EcdsaP256),
            now(),
        )
        .unwrap();
    assert_eq!(emp.cert.bin().as_deref(), Some("080440000008"));
    assert_eq!(emp.cert.roles(), vec![Role::Employee]);
}

#[test]
fn refuses_holders_that_break_the_profile() {
    let dir = scratch("refusals");
    let mut nca = Nca::init(&dir, KeyType::EcdsaP256, urls(), now()).unwrap();
    let mut no_org = employee();
    no_org.organisation = None;
    let err = nca
        .issue(
            &request(no_org, KeyPurpose::Signing, KeyType::EcdsaP256),
            now(),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("acts for an organisation"),
        "{err}"
    );
    let mut with_org = citizen();
    with_org.organisation = employee().organisation;
    assert!(nca
        .issue(
            &request(with_org, KeyPurpose::Signing, KeyType::EcdsaP256),
            now()
        )
        .is_err());
    let mut nameless = citizen();
    nameless.surname = " ".into();
    assert!(nca
        .issue(
            &request(nameless, KeyPurpose::Signing, KeyType::EcdsaP256),
            now()
        )
        .is_err());
    let mut too_long = request(citizen(), KeyPurpose::Signing, KeyType::EcdsaP256);
    too_long.not_after = now() + Duration::days(365 * 30);
    assert!(matches!(
        nca.issue(&too_long, now()),
        Err(PkiError::Refused(_))
    ));
    assert!(
        nca.records().is_empty(),
        "nothing issued by refused requests"
    );
}

#[test]
fn state_survives_a_restart() {
    let dir = scratch("restart");
    let serial = {
        let mut nca = Nca::init(&dir, KeyType::EcdsaP256, urls(), now()).unwrap();
        let a = nca
            .issue(
                &request(citizen(), KeyPurpose::Signing, KeyType::EcdsaP256),
                now(),
            )
            .unwrap();
        let b = nca
            .issue(
                &request(employee(), KeyPurpose::Signing, KeyType::EcdsaP256),
                now(),
            )
            .unwrap();
        nca.revoke(
            &b.cert.serial_hex(),
            RevocationReason::KeyCompromise,
            now() + Duration::hours(1),
        )
        .unwrap();
        assert_eq!(nca.next_crl_number().unwrap(), 1);
        (a.cert.serial_hex(), b.cert.serial_hex())
    };
    let mut nca = Nca::open(&dir).unwrap();
    assert_eq!(nca.records().len(), 2);
    let good = nca.certificate(&serial.0).unwrap();
    assert_eq!(
        nca.status(good.tbs().serial_number.as_bytes()),
        CertStatus::Good
    );
    let revoked = nca.certificate(&serial.1).unwrap();
    assert_eq!(
        nca.status(revoked.tbs().serial_number.as_bytes()),
        CertStatus::Revoked {
            at: now() + Duration::hours(1),
            reason: RevocationReason::KeyCompromise
        }
    );
    assert_eq!(nca.revoked().len(), 1);
    assert_eq!(nca.next_crl_number().unwrap(), 2, "CRL numbers only grow");
    assert_eq!(nca.status(&[1, 2, 3]), CertStatus::Unknown);
    assert!(matches!(
        nca.revoke(&serial.1, RevocationReason::Superseded, now()),
        Err(PkiError::AlreadyRevoked(_))
    ));
    assert!(matches!(
        nca.revoke("00ff", RevocationReason::Superseded, now()),
        Err(PkiError::UnknownCertificate(_))
    ));
    assert!(
        Nca::init(&dir, KeyType::EcdsaP256, urls(), now()).is_err(),
        "no second NCA over the first"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("issuing.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "CA keys are readable by their owner only");
    }
}

#[test]
fn opening_a_folder_without_an_nca_says_so() {
    let dir = scratch("empty");
    let err = Nca::open(&dir).err().expect("no NCA");
    assert!(err.to_string().contains("qyzmet pki init"), "{err}");
    std::fs::write(dir.join("registry.json"), b"{not json").unwrap();
    let err = Nca::open(&dir).err().expect("damaged");
    assert!(err.to_string().contains("damaged"), "{err}");
}

#[test]
fn key_files_open_with_their_password_only() {
    let dir = scratch("p12");
    let mut nca = Nca::init(&dir, KeyType::Rsa2048, urls(), now()).unwrap();
    let issued = nca
        .issue(
            &request(citizen(), KeyPurpose::Signing, KeyType::Rsa2048),
            now(),
        )
        .unwrap();
    let der = issued.to_pkcs12("Qwerty123").unwrap();
    let file = p12::open(&der, "Qwerty123").unwrap();
    assert_eq!(file.cert.der, issued.cert.der);
    assert_eq!(
        file.key.public_key_der().unwrap(),
        issued.key.public_key_der().unwrap()
    );
    assert_eq!(file.chain.len(), 2);
    assert!(matches!(
        p12::open(&der, "qwerty123"),
        Err(PkiError::WrongPassword)
    ));
    assert!(matches!(
        p12::open(&der[..der.len() / 2], "Qwerty123"),
        Err(PkiError::Malformed { .. })
    ));
    assert!(matches!(
        p12::open(b"not a key file", "x"),
        Err(PkiError::Malformed { .. })
    ));
    assert!(issued.to_pkcs12("").is_err(), "a key file needs a password");
}

#[test]
fn openssl_reads_what_the_nca_issues() {
    let dir = scratch("openssl");
    let mut nca = Nca::init(&dir, KeyType::Rsa2048, urls(), now()).unwrap();
    let issued = nca
        .issue(
            &IssueRequest {
                not_before: Utc::now() - Duration::days(1),
                not_after: Utc::now() + Duration::days(30),
                ..request(employee(), KeyPurpose::Signing, KeyType::Rsa2048)
            },
            now(),
        )
        .unwrap();
    std::fs::write(dir.join("holder.pem"), issued.cert.to_pem()).unwrap();
    std::fs::write(dir.join("holder.p12"), issued.to_pkcs12("secret").unwrap()).unwrap();
    let (ok, out) = openssl(
        &[
            "verify",
            "-CAfile",
            "root.crt",
            "-untrusted",
            "issuing.crt",
            "holder.pem",
        ],
        &dir,
    );
    assert!(ok && out.contains("holder.pem: OK"), "{out}");
    let (ok, out) = openssl(
        &[
            "x509",
            "-in",
            "holder.pem",
            "-noout",
            "-subject",
            "-ext",
            "keyUsage,extendedKeyUsage",
            "-nameopt",
            "RFC2253",
        ],
        &dir,
    );
    assert!(ok, "{out}");
    assert!(out.contains("serialNumber=IIN900312400000"), "{out}");
    assert!(out.contains("OU=BIN080440000008"), "{out}");
    assert!(out.contains("C=KZ"), "{out}");
    assert!(out.contains("Non Repudiation"), "{out}");
    assert!(out.contains("1.2.398.3.3.4.1.2.5"), "{out}");
    let (ok, out) = openssl(
        &[
            "pkcs12",
            "-in",
            "holder.p12",
            "-passin",
            "pass:secret",
            "-nokeys",
            "-info",
        ],
        &dir,
    );
    assert!(ok, "{out}");
    assert!(
        out.contains("PBES2") || out.contains("AES-256"),
        "modern encryption: {out}"
    );
    let (ok, _) = openssl(
        &[
            "pkcs12",
            "-in",
            "holder.p12",
            "-passin",
            "pass:wrong",
            "-nokeys",
        ],
        &dir,
    );
    assert!(!ok, "OpenSSL refuses the wrong password too");
}

/// The processes of a deployment split by role issue their keys from one NCA folder at the same
/// moment: each open NCA changes the registry under the folder's lock, from what is on disk, so
/// that no issue is lost (without the lock, each would write back the registry it read).
#[test]
fn ncas_opened_side_by_side_lose_none_of_each_others_issues() {
    let dir = scratch("side-by-side");
    Nca::init(&dir, KeyType::EcdsaP256, urls(), now()).unwrap();
    let each = 6;
    let serials: Vec<String> = std::thread::scope(|s| {
        let issuers: Vec<_> = (0..3)
            .map(|_| {
                let dir = dir.clone();
                s.spawn(move || {
                    let mut nca = Nca::open(&dir).unwrap();
                    (0..each)
                        .map(|_| {
                            nca.issue(
                                &request(citizen(), KeyPurpose::Signing, KeyType::EcdsaP256),
                                now(),
                            )
                            .unwrap()
                            .cert
                            .serial_hex()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        issuers
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let nca = Nca::open(&dir).unwrap();
    let kept: std::collections::BTreeSet<_> =
        nca.records().iter().map(|r| r.serial.clone()).collect();
    assert_eq!(serials.len(), 3 * each);
    for serial in &serials {
        assert!(kept.contains(serial), "{serial} was lost");
    }
}
