//! CMS signatures end to end: an in-memory CA (root → issuing CA → holders), signing, the
//! verification report for every failure the regulations name, the cache, bad input, and
//! interoperability with the `openssl cms` command line.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use qyzmet_core::id::{Bin, Iin, Sex};
use qyzmet_core::Lang;
use qyzmet_pki::cert::{self, CertificateRequest, Issuer, RevocationUrls, Usage};
use qyzmet_pki::cms;
use qyzmet_pki::revocation::{
    CertStatus, RevocationAnswer, RevocationReason, RevocationSource, RevocationSourceKind,
};
use qyzmet_pki::verify::{CheckResult, Indication, Reason};
use qyzmet_pki::{
    Cert, Expectation, Holder, KeyPurpose, KeyType, Organisation, Role, SignatureRefusal,
    SigningKey, ValidationReport, Verifier,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use x509_cert::name::Name;

struct Ca {
    root: Cert,
    ca_key: SigningKey,
    ca: Cert,
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap()
}

fn make_ca(kind: KeyType) -> Ca {
    let root_key = SigningKey::generate(kind).unwrap();
    let now = Utc::now();
    let root = cert::build(
        CertificateRequest {
            subject: Name::from_str("CN=Test NCA Root,O=Qyzmet,C=KZ").unwrap(),
            public_key_der: root_key.public_key_der().unwrap(),
            not_before: now - Duration::days(3650),
            not_after: now + Duration::days(3650),
            usage: Usage::Authority { path_len: Some(1) },
            urls: RevocationUrls::default(),
        },
        Issuer {
            cert: None,
            key: &root_key,
        },
    )
    .unwrap();
    let ca_key = SigningKey::generate(kind).unwrap();
    let ca = cert::build(
        CertificateRequest {
            subject: Name::from_str("CN=Test NCA Issuing,O=Qyzmet,C=KZ").unwrap(),
            public_key_der: ca_key.public_key_der().unwrap(),
            not_before: now - Duration::days(3000),
            not_after: now + Duration::days(3000),
            usage: Usage::Authority { path_len: Some(0) },
            urls: RevocationUrls::default(),
        },
        Issuer {
            cert: Some(&root),
            key: &root_key,
        },
    )
    .unwrap();
    Ca { root, ca_key, ca }
}

fn rsa_ca() -> &'static Ca {
    static CA: OnceLock<Ca> = OnceLock::new();
    CA.get_or_init(|| make_ca(KeyType::Rsa2048))
}

fn ec_ca() -> &'static Ca {
    static CA: OnceLock<Ca> = OnceLock::new();
    CA.get_or_init(|| make_ca(KeyType::EcdsaP256))
}

fn iin(serial: u16) -> Iin {
    let born = NaiveDate::from_ymd_opt(1990, 5, 17).unwrap();
    (serial..serial + 20)
        .find_map(|s| Iin::generate(born, Sex::Female, s))
        .unwrap()
}

fn other_bin() -> Bin {
    (0..10)
        .find_map(|d| Bin::parse(&format!("08044000012{d}")).ok())
        .unwrap()
}

struct Person {
    key: SigningKey,
    cert: Cert,
}

struct PersonSpec {
    kind: KeyType,
    purpose: KeyPurpose,
    role: Role,
    iin: Iin,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
}

impl Default for PersonSpec {
    fn default() -> Self {
        PersonSpec {
            kind: KeyType::Rsa2048,
            purpose: KeyPurpose::Signing,
            role: Role::Individual,
            iin: iin(1),
            not_before: Utc::now() - Duration::days(1000),
            not_after: Utc::now() + Duration::days(365),
        }
    }
}

fn person(ca: &Ca, spec: PersonSpec) -> Person {
    let organisation = spec.role.is_organisational().then(|| Organisation {
        bin: Bin::parse("080440000008").unwrap(),
        name: "ТОО «Тест»".into(),
    });
    let holder = Holder {
        iin: spec.iin,
        surname: "Әбенова".into(),
        name: "Айгерім".into(),
        patronymic: Some("Серікқызы".into()),
        role: spec.role,
        organisation,
    };
    let key = SigningKey::generate(spec.kind).unwrap();
    let cert = cert::build(
        CertificateRequest {
            subject: holder.subject(),
            public_key_der: key.public_key_der().unwrap(),
            not_before: spec.not_before,
            not_after: spec.not_after,
            usage: Usage::Holder {
                role: spec.role,
                purpose: spec.purpose,
            },
            urls: RevocationUrls::default(),
        },
        Issuer {
            cert: Some(&ca.ca),
            key: &ca.ca_key,
        },
    )
    .unwrap();
    Person { key, cert }
}

fn rsa_signer() -> &'static Person {
    static P: OnceLock<Person> = OnceLock::new();
    P.get_or_init(|| person(rsa_ca(), PersonSpec::default()))
}

/// Answers from a map of serial → status; counts its calls; can be made to fail.
#[derive(Default)]
struct MapSource {
    statuses: Mutex<HashMap<String, CertStatus>>,
    calls: AtomicUsize,
    unavailable: bool,
    next_update: Option<Duration>,
}

impl MapSource {
    fn good() -> Self {
        MapSource {
            next_update: Some(Duration::hours(12)),
            ..Default::default()
        }
    }
    fn revoke(&self, cert: &Cert, at: DateTime<Utc>, reason: RevocationReason) {
        self.statuses
            .lock()
            .unwrap()
            .insert(cert.serial_hex(), CertStatus::Revoked { at, reason });
    }
}

impl RevocationSource for MapSource {
    fn status(
        &self,
        cert: &Cert,
        _issuer: &Cert,
        now: DateTime<Utc>,
    ) -> Result<RevocationAnswer, String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.unavailable {
            return Err("connection refused".into());
        }
        let status = self
            .statuses
            .lock()
            .unwrap()
            .get(&cert.serial_hex())
            .copied()
            .unwrap_or(CertStatus::Good);
        Ok(RevocationAnswer {
            status,
            source: RevocationSourceKind::Crl,
            produced_at: now - Duration::minutes(10),
            next_update: self.next_update.map(|d| now + d),
        })
    }
}

fn verifier(ca: &Ca, source: Arc<MapSource>) -> Verifier {
    Verifier::new(vec![ca.root.clone()]).with_revocation(source)
}

fn sign(p: &Person, ca: &Ca, data: &[u8], detached: bool, at: DateTime<Utc>) -> Vec<u8> {
    cms::sign(
        data,
        &p.key,
        &p.cert,
        std::slice::from_ref(&ca.ca),
        detached,
        at,
    )
    .unwrap()
}

fn assert_result(report: &ValidationReport, indication: Indication, reason: Option<Reason>) {
    assert_eq!(
        (report.indication, report.reason),
        (indication, reason),
        "{report}"
    );
}

fn check_result(report: &ValidationReport, name: &str) -> CheckResult {
    report
        .check(name)
        .unwrap_or_else(|| panic!("no check {name}: {report}"))
        .result
}

const REQUEST: &[u8] = b"{\"service\":\"kindergarten-registration\",\"iin\":\"...\"}";

fn round_trip(ca: &Ca, p: &Person, detached: bool) {
    let now = Utc::now();
    let der = sign(p, ca, REQUEST, detached, now - Duration::minutes(1));
    let v = verifier(ca, Arc::new(MapSource::good()));
    let data = detached.then_some(REQUEST);
    let expect = Expectation {
        iin: Some(iin(1)),
        roles: vec![Role::Individual],
        ..Default::default()
    };
    let report = v.verify(&der, data, &expect, now);
    assert_result(&report, Indication::Passed, None);
    assert!(report.refusal().is_none());
    assert_eq!(report.format, Some("CAdES-BES"));
    assert_eq!(report.detached, Some(detached));
    for name in [
        "format",
        "message-digest",
        "signature-value",
        "signing-certificate-attribute",
        "signing-time",
        "chain",
        "chain-link",
        "signer-validity",
        "revocation",
        "key-usage",
        "role",
        "iin",
    ] {
        assert_eq!(check_result(&report, name), CheckResult::Passed, "{report}");
    }
    assert_eq!(check_result(&report, "bin"), CheckResult::Skipped);
    assert_eq!(
        report
            .checks
            .iter()
            .filter(|c| c.name == "chain-link")
            .count(),
        2
    );
    let signer = report.signer.as_ref().unwrap();
    assert_eq!(signer.iin.as_deref(), Some(iin(1).to_string().as_str()));
    assert_eq!(signer.common_name.as_deref(), Some("Әбенова Айгерім"));
    assert_eq!(signer.roles, vec![Role::Individual]);
    assert_eq!(signer.serial, p.cert.serial_hex());
    assert_eq!(
        signer.signing_time.map(|t| t.timestamp()),
        Some((now - Duration::minutes(1)).timestamp())
    );
    let rev = report.revocation.as_ref().unwrap();
    assert_eq!(rev.status, "good");
    // JSON and text both render.
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["indication"], "passed");
    assert_eq!(json["checks"][0]["name"], "format");
    assert!(report.to_string().contains("Signature: PASSED"));

    // The parsed message.
    let msg = cms::parse(&der).unwrap();
    assert_eq!(msg.content.is_none(), detached);
    assert_eq!(msg.certificates.len(), 2);
    let s = &msg.signers[0];
    assert_eq!(
        s.signed_attrs.message_digest.as_deref(),
        Some(p.key.algorithm().digest(REQUEST).unwrap().as_slice())
    );
    assert_eq!(
        s.signed_attrs
            .signing_certificate_v2
            .as_ref()
            .unwrap()
            .cert_hash,
        cms::cert_hash(&p.cert)
    );
}

#[test]
fn rsa_attached_and_detached_round_trips() {
    round_trip(rsa_ca(), rsa_signer(), false);
    round_trip(rsa_ca(), rsa_signer(), true);
}

#[test]
fn ecdsa_attached_and_detached_round_trips() {
    let ca = ec_ca();
    let p = person(
        ca,
        PersonSpec {
            kind: KeyType::EcdsaP256,
            ..Default::default()
        },
    );
    round_trip(ca, &p, false);
    round_trip(ca, &p, true);
}

#[test]
fn a_signature_over_other_bytes_is_a_hash_failure() {
    let (ca, p) = (rsa_ca(), rsa_signer());
    let now = Utc::now();
    let der = sign(p, ca, REQUEST, true, now);
    let v = verifier(ca, Arc::new(MapSource::good()));
    let report = v.verify(&der, Some(b"another request"), &Expectation::none(), now);
    assert_result(&report, Indication::Failed, Some(Reason::HashFailure));
    assert_eq!(
        check_result(&report, "signature-value"),
        CheckResult::Passed
    );
    assert_eq!(report.refusal(), Some(SignatureRefusal::BrokenSignature));

    // Attached content checked against other given bytes.
    let der = sign(p, ca, REQUEST, false, now);
    let report = v.verify(&der, Some(b"another request"), &Expectation::none(), now);
    assert_result(&report, Indication::Failed, Some(Reason::HashFailure));

    // Detached, and no data at all.
    let der = sign(p, ca, REQUEST, true, now);
    let report = v.verify(&der, None, &Expectation::none(), now);
    assert_result(
        &report,
        Indication::Indeterminate,
        Some(Reason::SignedDataNotFound),
    );
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap()
}

#[test]
fn a_tampered_signature_value_is_a_crypto_failure() {
    let (ca, p) = (rsa_ca(), rsa_signer());
    let now = Utc::now();
    let mut der = sign(p, ca, REQUEST, false, now);
    let sig = cms::parse(&der).unwrap().signers[0].signature.clone();
    let at = find(&der, &sig) + sig.len() / 2;
    der[at] ^= 0x01;
    let report =
        verifier(ca, Arc::new(MapSource::good())).verify(&der, None, &Expectation::none(), now);
    assert_result(&report, Indication::Failed, Some(Reason::SigCryptoFailure));
    assert_eq!(check_result(&report, "message-digest"), CheckResult::Passed);
    assert_eq!(report.refusal(), Some(SignatureRefusal::BrokenSignature));
}

#[test]
fn a_tampered_signed_attribute_breaks_the_signature() {
    let (ca, p) = (rsa_ca(), rsa_signer());
    let now = Utc::now();
    // Change the signing time's last digit inside the signed attributes.
    let mut der = sign(
        p,
        ca,
        REQUEST,
        false,
        Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap(),
    );
    let at = find(&der, b"250301090000Z") + 11;
    der[at] = b'1';
    let report =
        verifier(ca, Arc::new(MapSource::good())).verify(&der, None, &Expectation::none(), now);
    assert_result(&report, Indication::Failed, Some(Reason::SigCryptoFailure));
}

#[test]
fn an_unknown_ca_gives_no_chain() {
    let p = rsa_signer();
    let now = Utc::now();
    let der = sign(p, rsa_ca(), REQUEST, false, now);
    let other = ec_ca();
    let report =
        verifier(other, Arc::new(MapSource::good())).verify(&der, None, &Expectation::none(), now);
    assert_result(
        &report,
        Indication::Indeterminate,
        Some(Reason::NoCertificateChainFound),
    );
    // The signature itself is fine; revocation cannot be asked without an issuer.
    assert_eq!(
        check_result(&report, "signature-value"),
        CheckResult::Passed
    );
    assert_eq!(check_result(&report, "revocation"), CheckResult::Skipped);
    assert_eq!(report.refusal(), Some(SignatureRefusal::UnknownIssuer));

    // Without the issuing CA in the message, but given to the verifier: found.
    let der = cms::sign(REQUEST, &p.key, &p.cert, &[], false, now).unwrap();
    let v = verifier(rsa_ca(), Arc::new(MapSource::good()));
    let report = v.verify(&der, None, &Expectation::none(), now);
    assert_result(
        &report,
        Indication::Indeterminate,
        Some(Reason::NoCertificateChainFound),
    );
    let v = v.with_intermediates(vec![rsa_ca().ca.clone()]);
    let report = v.verify(&der, None, &Expectation::none(), now);
    assert_result(&report, Indication::Passed, None);
}

#[test]
fn expired_and_not_yet_valid_signers() {
    let ca = rsa_ca();
    let now = Utc::now();
    let expired = person(
        ca,
        PersonSpec {
            not_before: now - Duration::days(400),
            not_after: now - Duration::days(35),
            ..Default::default()
        },
    );
    let v = verifier(ca, Arc::new(MapSource::good()));
    let der = sign(&expired, ca, REQUEST, false, now - Duration::days(1));
    let report = v.verify(&der, None, &Expectation::none(), now);
    assert_result(&report, Indication::Failed, Some(Reason::Expired));
    assert_eq!(report.refusal(), Some(SignatureRefusal::Expired));
    assert_eq!(
        report.refusal().unwrap().message(Lang::Ru),
        "ЭЦП не подтверждена: срок действия регистрационного свидетельства истёк"
    );
    // Signed while valid (a month before expiry), checked today: the signature stands.
    let der = sign(&expired, ca, REQUEST, false, now - Duration::days(40));
    let report = v.verify(&der, None, &Expectation::none(), now);
    assert_result(&report, Indication::Passed, None);
    // ... unless the request must be fresh.
    let fresh = Expectation {
        max_signing_age: Some(Duration::days(1)),
        ..Default::default()
    };
    let report = v.verify(&der, None, &fresh, now);
    assert_result(
        &report,
        Indication::Failed,
        Some(Reason::SigningTimeInvalid),
    );

    let future = person(
        ca,
        PersonSpec {
            not_before: now + Duration::days(2),
            not_after: now + Duration::days(400),
            ..Default::default()
        },
    );
    let der = sign(&future, ca, REQUEST, false, now);
    let report = v.verify(&der, None, &Expectation::none(), now);
    assert_result(&report, Indication::Failed, Some(Reason::NotYetValid));
    assert_eq!(report.refusal(), Some(SignatureRefusal::NotYetValid));

    // A signing time in the future.
    let p = rsa_signer();
    let der = sign(p, ca, REQUEST, false, now + Duration::hours(1));
    let report = v.verify(&der, None, &Expectation::none(), now);
    assert_result(
        &report,
        Indication::Failed,
        Some(Reason::SigningTimeInvalid),
    );
    // Within the clock skew it is fine.
    let der = sign(p, ca, REQUEST, false, now + Duration::minutes(2));
    let report = v.verify(&der, None, &Expectation::none(), now);
    assert_result(&report, Indication::Passed, None);
}

#[test]
fn revoked_signers() {
    let ca = rsa_ca();
    let now = Utc::now();
    let signed_at = now - Duration::days(3);
    let check = |reason: RevocationReason, revoked_at: DateTime<Utc>| {
        let p = person(ca, PersonSpec::default());
        let source = Arc::new(MapSource::good());
        source.revoke(&p.cert, revoked_at, reason);
        let der = sign(&p, ca, REQUEST, false, signed_at);
        verifier(ca, source).verify(&der, None, &Expectation::none(), now)
    };
    // Revoked before the signing time: failed.
    let report = check(RevocationReason::Superseded, signed_at - Duration::hours(1));
    assert_result(&report, Indication::Failed, Some(Reason::Revoked));
    assert_eq!(report.refusal(), Some(SignatureRefusal::Revoked));
    let rev = report.revocation.as_ref().unwrap();
    assert_eq!(rev.status, "revoked");
    assert_eq!(rev.reason, Some(RevocationReason::Superseded));
    // Revoked after the signing time, not for a compromise: passed, and said so.
    let report = check(
        RevocationReason::AffiliationChanged,
        signed_at + Duration::days(1),
    );
    assert_result(&report, Indication::Passed, None);
    assert!(report
        .check("revocation")
        .unwrap()
        .detail
        .contains("after the signing time"));
    // Revoked after the signing time for a key compromise: failed.
    let report = check(
        RevocationReason::KeyCompromise,
        signed_at + Duration::days(1),
    );
    assert_result(&report, Indication::Failed, Some(Reason::Revoked));
}

#[test]
fn revocation_unavailable_missing_or_disabled() {
    let (ca, p) = (rsa_ca(), rsa_signer());
    let now = Utc::now();
    let der = sign(p, ca, REQUEST, false, now);
    let down = Arc::new(MapSource {
        unavailable: true,
        ..Default::default()
    });
    let v = verifier(ca, down.clone());
    let report = v.verify(&der, None, &Expectation::none(), now);
    assert_result(
        &report,
        Indication::Indeterminate,
        Some(Reason::RevocationUnknown),
    );
    assert_eq!(report.refusal(), Some(SignatureRefusal::RevocationUnknown));
    // An error is not cached: asked again.
    v.verify(&der, None, &Expectation::none(), now);
    assert_eq!(down.calls.load(Ordering::SeqCst), 2);

    let report = Verifier::new(vec![ca.root.clone()]).verify(&der, None, &Expectation::none(), now);
    assert_result(
        &report,
        Indication::Indeterminate,
        Some(Reason::RevocationUnknown),
    );

    let report = Verifier::new(vec![ca.root.clone()])
        .without_revocation_check()
        .verify(&der, None, &Expectation::none(), now);
    assert_result(&report, Indication::Passed, None);
    assert_eq!(check_result(&report, "revocation"), CheckResult::Skipped);

    // A source that does not know the certificate.
    let source = Arc::new(MapSource::good());
    source
        .statuses
        .lock()
        .unwrap()
        .insert(p.cert.serial_hex(), CertStatus::Unknown);
    let report = verifier(ca, source).verify(&der, None, &Expectation::none(), now);
    assert_result(
        &report,
        Indication::Indeterminate,
        Some(Reason::RevocationUnknown),
    );
}

#[test]
fn an_authentication_certificate_does_not_sign() {
    let ca = rsa_ca();
    let now = Utc::now();
    let auth = person(
        ca,
        PersonSpec {
            purpose: KeyPurpose::Authentication,
            ..Default::default()
        },
    );
    let der = sign(&auth, ca, REQUEST, false, now);
    let report =
        verifier(ca, Arc::new(MapSource::good())).verify(&der, None, &Expectation::none(), now);
    assert_result(
        &report,
        Indication::Failed,
        Some(Reason::NotASigningCertificate),
    );
    assert_eq!(
        report.refusal(),
        Some(SignatureRefusal::NotASigningCertificate)
    );
}

#[test]
fn iin_bin_and_role_expectations() {
    let ca = rsa_ca();
    let now = Utc::now();
    let v = verifier(ca, Arc::new(MapSource::good()));
    let der = sign(rsa_signer(), ca, REQUEST, false, now);
    let report = v.verify(&der, None, &Expectation::iin(iin(500)), now);
    assert_result(&report, Indication::Failed, Some(Reason::IinMismatch));
    assert_eq!(report.refusal(), Some(SignatureRefusal::AnotherIin));
    assert_eq!(
        report.refusal().unwrap().message(Lang::Kk),
        "ЭЦҚ расталмады: тіркеу куәлігіндегі ЖСН өтініш берушінің ЖСН-імен сәйкес келмейді"
    );
    // An individual's certificate has no BIN.
    let expect = Expectation {
        bin: Some(Bin::parse("080440000008").unwrap()),
        ..Default::default()
    };
    let report = v.verify(&der, None, &expect, now);
    assert_result(&report, Indication::Failed, Some(Reason::BinMismatch));

    let head = person(
        ca,
        PersonSpec {
            role: Role::FirstHead,
            ..Default::default()
        },
    );
    let der = sign(&head, ca, REQUEST, false, now);
    let expect = Expectation {
        iin: Some(iin(1)),
        bin: Some(Bin::parse("080440000008").unwrap()),
        roles: vec![Role::FirstHead, Role::Signer],
        ..Default::default()
    };
    let report = v.verify(&der, None, &expect, now);
    assert_result(&report, Indication::Passed, None);
    assert_eq!(
        report.signer.as_ref().unwrap().bin.as_deref(),
        Some("080440000008")
    );
    let report = v.verify(
        &der,
        None,
        &Expectation {
            bin: Some(other_bin()),
            ..expect.clone()
        },
        now,
    );
    assert_result(&report, Indication::Failed, Some(Reason::BinMismatch));
    assert_eq!(report.refusal(), Some(SignatureRefusal::AnotherBin));
    let report = v.verify(
        &der,
        None,
        &Expectation {
            roles: vec![Role::Employee],
            ..expect
        },
        now,
    );
    assert_result(&report, Indication::Failed, Some(Reason::RoleMismatch));
}

#[test]
fn the_cache_makes_a_known_signer_cost_one_signature_check() {
    let (ca, p) = (rsa_ca(), rsa_signer());
    let now = Utc::now();
    let source = Arc::new(MapSource::good());
    let v = verifier(ca, source.clone());
    let first = v.verify(
        &sign(p, ca, REQUEST, true, now),
        Some(REQUEST),
        &Expectation::none(),
        now,
    );
    assert_result(&first, Indication::Passed, None);
    assert!(!first.cache_hit);
    let other = b"a second request by the same signer";
    let second = v.verify(
        &sign(p, ca, other, true, now),
        Some(other),
        &Expectation::none(),
        now,
    );
    assert_result(&second, Indication::Passed, None);
    assert!(second.cache_hit);
    assert!(second.revocation.as_ref().unwrap().cached);
    assert_eq!(source.calls.load(Ordering::SeqCst), 1);
    let stats = v.cache_stats();
    assert_eq!(
        (
            stats.hits,
            stats.misses,
            stats.chain_builds,
            stats.revocation_fetches
        ),
        (1, 1, 1, 1)
    );
    // A cache hit still checks the bytes and the signature.
    let report = v.verify(
        &sign(p, ca, other, true, now),
        Some(REQUEST),
        &Expectation::none(),
        now,
    );
    assert_result(&report, Indication::Failed, Some(Reason::HashFailure));

    // The revocation answer expires with its next update.
    let later = now + Duration::hours(13);
    let report = v.verify(
        &sign(p, ca, other, true, now),
        Some(other),
        &Expectation::none(),
        later,
    );
    assert_result(&report, Indication::Passed, None);
    assert_eq!(source.calls.load(Ordering::SeqCst), 2);
    assert_eq!(v.cache_stats().chain_builds, 1);

    // Without next_update: the default TTL.
    let no_bound = Arc::new(MapSource::default());
    let v = verifier(ca, no_bound.clone()).with_revocation_ttl(Duration::minutes(5));
    let der = sign(p, ca, REQUEST, false, now);
    v.verify(&der, None, &Expectation::none(), now);
    v.verify(&der, None, &Expectation::none(), now + Duration::minutes(4));
    assert_eq!(no_bound.calls.load(Ordering::SeqCst), 1);
    v.verify(&der, None, &Expectation::none(), now + Duration::minutes(6));
    assert_eq!(no_bound.calls.load(Ordering::SeqCst), 2);
}

#[test]
fn verifying_from_the_cache_alone_never_asks_the_source() {
    let (ca, p) = (rsa_ca(), rsa_signer());
    let now = Utc::now();
    let source = Arc::new(MapSource::good());
    let v = verifier(ca, source.clone());
    let der = sign(p, ca, REQUEST, false, now);
    // An unknown signer: nothing is done, the source is not asked.
    assert!(v
        .verify_cached(&der, None, &Expectation::none(), now)
        .is_none());
    assert_eq!(source.calls.load(Ordering::SeqCst), 0);
    assert_eq!(v.cache_stats().entries, 0);
    assert_result(
        &v.verify(&der, None, &Expectation::none(), now),
        Indication::Passed,
        None,
    );
    // Known: the same report as the full verification, with no question asked.
    let other = b"the same signer's next request";
    let next = sign(p, ca, other, false, now);
    let cached = v
        .verify_cached(&next, None, &Expectation::iin(iin(1)), now)
        .expect("a known signer's message is checked from the cache");
    let full = v.verify(&next, None, &Expectation::iin(iin(1)), now);
    assert_eq!(cached, full);
    assert!(cached.cache_hit);
    assert_eq!(source.calls.load(Ordering::SeqCst), 1);
    // Still every check: another IIN expected, or the bytes tampered with.
    let report = v
        .verify_cached(&next, None, &Expectation::iin(iin(500)), now)
        .unwrap();
    assert_result(&report, Indication::Failed, Some(Reason::IinMismatch));
    let mut forged = next.clone();
    let at = find(&forged, other);
    forged[at] ^= 1;
    let report = v
        .verify_cached(&forged, None, &Expectation::none(), now)
        .unwrap();
    assert_result(&report, Indication::Failed, Some(Reason::HashFailure));
    // Once the kept revocation answer is past its next update, the source must be asked
    // again, so the cache alone does not answer.
    let later = now + Duration::hours(13);
    assert!(v
        .verify_cached(&next, None, &Expectation::none(), later)
        .is_none());
    assert_eq!(source.calls.load(Ordering::SeqCst), 1);
    assert_result(
        &v.verify(&next, None, &Expectation::none(), later),
        Indication::Passed,
        None,
    );
    assert_eq!(source.calls.load(Ordering::SeqCst), 2);
    assert!(v
        .verify_cached(&next, None, &Expectation::none(), later)
        .is_some());
}

#[test]
fn the_cache_is_bounded() {
    let ca = ec_ca();
    let now = Utc::now();
    let v = verifier(ca, Arc::new(MapSource::good())).with_cache_capacity(2);
    let people: Vec<Person> = (0..3)
        .map(|_| {
            person(
                ca,
                PersonSpec {
                    kind: KeyType::EcdsaP256,
                    ..Default::default()
                },
            )
        })
        .collect();
    for p in &people {
        let report = v.verify(
            &sign(p, ca, REQUEST, false, now),
            None,
            &Expectation::none(),
            now,
        );
        assert_result(&report, Indication::Passed, None);
    }
    assert_eq!(v.cache_stats().entries, 2);
    // The first was evicted; the last is still there.
    let report = v.verify(
        &sign(&people[2], ca, REQUEST, false, now),
        None,
        &Expectation::none(),
        now,
    );
    assert!(report.cache_hit);
    let report = v.verify(
        &sign(&people[0], ca, REQUEST, false, now),
        None,
        &Expectation::none(),
        now,
    );
    assert!(!report.cache_hit);
}

fn valid_cms() -> &'static Vec<u8> {
    static DER: OnceLock<Vec<u8>> = OnceLock::new();
    DER.get_or_init(|| sign(rsa_signer(), rsa_ca(), REQUEST, false, t0()))
}

#[test]
fn every_prefix_of_a_valid_cms_is_malformed() {
    let der = valid_cms();
    let v = Verifier::new(vec![rsa_ca().root.clone()]).without_revocation_check();
    for n in 0..der.len() {
        let prefix = &der[..n];
        match cms::parse(prefix) {
            Err(qyzmet_pki::PkiError::Malformed { .. }) => {}
            other => panic!("prefix of {n} bytes: {other:?}"),
        }
        let report = v.verify(prefix, None, &Expectation::none(), t0());
        assert_result(&report, Indication::Failed, Some(Reason::FormatFailure));
        assert_eq!(report.refusal(), Some(SignatureRefusal::Malformed));
    }
    // Trailing garbage too.
    let mut long = der.clone();
    long.push(0);
    assert!(cms::parse(&long).is_err());
    assert!(cms::parse(b"").is_err());
    assert!(cms::parse(b"-----BEGIN CMS-----").is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = cms::parse(&bytes);
        let v = Verifier::new(vec![rsa_ca().root.clone()]).without_revocation_check();
        let report = v.verify(&bytes, None, &Expectation::none(), t0());
        prop_assert_ne!(report.indication, Indication::Passed);
    }

    #[test]
    fn random_byte_flips_never_panic(flips in proptest::collection::vec((any::<usize>(), 1u8..=255), 1..4)) {
        let mut der = valid_cms().clone();
        for (at, x) in flips {
            let at = at % der.len();
            der[at] ^= x;
        }
        let _ = cms::parse(&der);
        let v = Verifier::new(vec![rsa_ca().root.clone()]).without_revocation_check();
        let report = v.verify(&der, None, &Expectation::none(), t0());
        // A flip may land where nothing is signed (the unsigned digest algorithm list);
        // then it may still pass, but the content and the signed attributes are intact.
        if report.passed() {
            let msg = cms::parse(&der).unwrap();
            prop_assert_eq!(msg.content.as_deref(), Some(REQUEST));
        }
    }
}

/// Reports compare whole but for `cache_hit` (and whether the revocation answer was cached),
/// which say how the verifier worked, not what it found.
fn same_report(warm: &ValidationReport, cold: &ValidationReport) -> bool {
    let mut cold = cold.clone();
    cold.cache_hit = warm.cache_hit;
    if let (Some(w), Some(c)) = (&warm.revocation, &mut cold.revocation) {
        c.cached = w.cached;
    }
    *warm == cold
}

/// A verifier that knows the signer of [`valid_cms`]: its next messages are read quickly.
fn warm_verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(|| {
        let v = Verifier::new(vec![rsa_ca().root.clone()])
            .with_intermediates(vec![rsa_ca().ca.clone()])
            .without_revocation_check();
        let report = v.verify(valid_cms(), None, &Expectation::none(), t0());
        assert_result(&report, Indication::Passed, None);
        v
    })
}

#[test]
fn a_known_signer_gets_the_same_report_as_a_new_one() {
    let (ca, p) = (rsa_ca(), rsa_signer());
    let now = Utc::now();
    let source = Arc::new(MapSource::good());
    let warm = verifier(ca, source.clone());
    let expect = Expectation {
        iin: Some(iin(1)),
        roles: vec![Role::Individual],
        ..Default::default()
    };
    warm.verify(
        &sign(p, ca, REQUEST, true, now),
        Some(REQUEST),
        &expect,
        now,
    );
    let other = b"another request, signed a minute later".as_slice();
    type Case<'a> = (Vec<u8>, Option<&'a [u8]>, Expectation);
    let cases: Vec<Case> = vec![
        // Detached and attached, over other bytes, at other times.
        (
            sign(p, ca, other, true, now - Duration::minutes(1)),
            Some(other),
            expect.clone(),
        ),
        (
            sign(p, ca, other, false, now - Duration::days(2)),
            None,
            expect.clone(),
        ),
        // Over other bytes than the given ones, or none given.
        (sign(p, ca, other, true, now), Some(REQUEST), expect.clone()),
        (sign(p, ca, other, true, now), None, expect.clone()),
        // Too old for the request, or in the future.
        (
            sign(p, ca, other, true, now - Duration::days(2)),
            Some(other),
            Expectation {
                max_signing_age: Some(Duration::days(1)),
                ..expect.clone()
            },
        ),
        (
            sign(p, ca, other, true, now + Duration::hours(1)),
            Some(other),
            expect.clone(),
        ),
        // Another IIN, role or BIN expected.
        (
            sign(p, ca, other, true, now),
            Some(other),
            Expectation::iin(iin(500)),
        ),
        (
            sign(p, ca, other, true, now),
            Some(other),
            Expectation {
                roles: vec![Role::Employee],
                bin: Some(other_bin()),
                ..Default::default()
            },
        ),
    ];
    for (der, data, expect) in &cases {
        let hits = warm.cache_stats().hits;
        let report = warm.verify(der, *data, expect, now);
        assert!(report.cache_hit, "{report}");
        assert_eq!(warm.cache_stats().hits, hits + 1);
        let cold = verifier(ca, Arc::new(MapSource::good())).verify(der, *data, expect, now);
        assert!(!cold.cache_hit);
        assert!(
            same_report(&report, &cold),
            "known:\n{report}\nnew:\n{cold}"
        );
    }
    // Without the issuing CA in the message: another layout, read in full; the chain the
    // verifier knows still stands (a new verifier would need the CA as an intermediate).
    let der = cms::sign(other, &p.key, &p.cert, &[], true, now).unwrap();
    let report = warm.verify(&der, Some(other), &expect, now);
    assert_result(&report, Indication::Passed, None);
    assert!(report.cache_hit);
    let cold = verifier(ca, Arc::new(MapSource::good()))
        .with_intermediates(vec![ca.ca.clone()])
        .verify(&der, Some(other), &expect, now);
    assert!(
        same_report(&report, &cold),
        "known:\n{report}\nnew:\n{cold}"
    );
    // A tampered signature value, and a tampered signing time.
    let mut der = sign(p, ca, other, false, t0());
    let sig = cms::parse(&der).unwrap().signers[0].signature.clone();
    let at = find(&der, &sig) + 7;
    der[at] ^= 0x40;
    let mut der2 = sign(p, ca, other, false, t0());
    let at = find(&der2, b"250301090000Z") + 11;
    der2[at] = b'1';
    for der in [der, der2] {
        let report = warm.verify(&der, None, &expect, now);
        assert_result(&report, Indication::Failed, Some(Reason::SigCryptoFailure));
        let cold = verifier(ca, Arc::new(MapSource::good())).verify(&der, None, &expect, now);
        assert!(
            same_report(&report, &cold),
            "known:\n{report}\nnew:\n{cold}"
        );
    }
    // The revocation answer was asked once.
    assert_eq!(source.calls.load(Ordering::SeqCst), 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// However a known signer's message is damaged, the verifier that knows the signer (and
    /// may read the message without the full parser) says what a new verifier says.
    #[test]
    fn a_known_signers_damaged_message_gets_the_same_report(
        flips in proptest::collection::vec((any::<usize>(), 1u8..=255), 1..4),
        in_signed_attrs in any::<bool>(),
    ) {
        let mut der = valid_cms().clone();
        // Half the time, aim at the signed attributes, which the quick reading parses.
        let msg = cms::parse(&der).unwrap();
        let attrs = msg.signers[0].signed_attrs_der.as_ref().unwrap();
        let start = find(&der, &attrs[1..]);
        let (from, len) = if in_signed_attrs { (start, attrs.len() - 1) } else { (0, der.len()) };
        for (at, x) in flips {
            der[from + at % len] ^= x;
        }
        let warm = warm_verifier().verify(&der, None, &Expectation::none(), t0());
        // The known verifier keeps the signer's chain, whatever the message carries: both
        // are given the issuing CA, so as not to depend on the carried copy.
        let v = Verifier::new(vec![rsa_ca().root.clone()])
            .with_intermediates(vec![rsa_ca().ca.clone()])
            .without_revocation_check();
        let cold = v.verify(&der, None, &Expectation::none(), t0());
        prop_assert!(same_report(&warm, &cold), "known:\n{}\nnew:\n{}", warm, cold);
    }
}

#[test]
fn refusal_messages_in_three_languages() {
    let mut codes = std::collections::HashSet::new();
    for r in SignatureRefusal::ALL {
        assert!(codes.insert(r.code()));
        assert!(r.message(Lang::Kk).starts_with("ЭЦҚ расталмады: "));
        assert!(r.message(Lang::Ru).starts_with("ЭЦП не подтверждена: "));
        assert!(r
            .message(Lang::En)
            .starts_with("E-signature not confirmed: "));
    }
    assert_eq!(
        SignatureRefusal::Expired.message(Lang::Kk),
        "ЭЦҚ расталмады: тіркеу куәлігінің қолданылу мерзімі өтті"
    );
    assert_eq!(
        SignatureRefusal::Expired.message(Lang::En),
        "E-signature not confirmed: the certificate has expired"
    );
}

// ---- interoperability with the openssl command line ----

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("signatures-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn openssl(args: &[&str]) -> std::process::Output {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn write_pki(dir: &std::path::Path, ca: &Ca, p: &Person) {
    std::fs::write(dir.join("root.pem"), ca.root.to_pem()).unwrap();
    std::fs::write(dir.join("ca.pem"), ca.ca.to_pem()).unwrap();
    std::fs::write(dir.join("cert.pem"), p.cert.to_pem()).unwrap();
    std::fs::write(dir.join("key.pem"), p.key.to_pkcs8_pem().unwrap()).unwrap();
    std::fs::write(dir.join("data.bin"), REQUEST).unwrap();
}

fn openssl_signed_verifies_here(ca: &Ca, p: &Person, name: &str) {
    let dir = tmp(name);
    write_pki(&dir, ca, p);
    let path = |f: &str| dir.join(f).to_string_lossy().into_owned();
    let v = verifier(ca, Arc::new(MapSource::good()));
    let expect = Expectation::iin(iin(1));
    for (detached, cades) in [(false, false), (true, false), (false, true)] {
        let out = path("out.p7s");
        let mut args = vec![
            "cms", "-sign", "-binary", "-md", "sha256", "-outform", "DER",
        ];
        if !detached {
            args.push("-nodetach");
        }
        if cades {
            args.push("-cades");
        }
        let (data, signer, key, certfile) = (
            path("data.bin"),
            path("cert.pem"),
            path("key.pem"),
            path("ca.pem"),
        );
        args.extend([
            "-in",
            &data,
            "-signer",
            &signer,
            "-inkey",
            &key,
            "-certfile",
            &certfile,
            "-out",
            &out,
        ]);
        openssl(&args);
        let der = std::fs::read(&out).unwrap();
        let report = v.verify(&der, detached.then_some(REQUEST), &expect, Utc::now());
        assert_result(&report, Indication::Passed, None);
        let ess = check_result(&report, "signing-certificate-attribute");
        assert_eq!(
            ess,
            if cades {
                CheckResult::Passed
            } else {
                CheckResult::Skipped
            }
        );
        // And over other bytes it fails.
        let report = v.verify(&der, Some(b"other"), &expect, Utc::now());
        assert_result(&report, Indication::Failed, Some(Reason::HashFailure));
    }
}

fn ours_verify_in_openssl(ca: &Ca, p: &Person, name: &str) {
    let dir = tmp(name);
    write_pki(&dir, ca, p);
    let path = |f: &str| dir.join(f).to_string_lossy().into_owned();
    for detached in [false, true] {
        let der = sign(p, ca, REQUEST, detached, Utc::now());
        std::fs::write(dir.join("ours.p7s"), &der).unwrap();
        let (input, root, data, out) = (
            path("ours.p7s"),
            path("root.pem"),
            path("data.bin"),
            path("verified.bin"),
        );
        let mut args = vec![
            "cms", "-verify", "-binary", "-inform", "DER", "-in", &input, "-CAfile", &root, "-out",
            &out,
        ];
        if detached {
            args.extend(["-content", &data]);
        }
        openssl(&args);
        assert_eq!(std::fs::read(dir.join("verified.bin")).unwrap(), REQUEST);
        // openssl refuses other bytes.
        std::fs::write(dir.join("other.bin"), b"other").unwrap();
        if detached {
            let other = path("other.bin");
            let st = Command::new("openssl")
                .args([
                    "cms", "-verify", "-binary", "-inform", "DER", "-in", &input, "-CAfile", &root,
                    "-content", &other, "-out", &out,
                ])
                .output()
                .unwrap();
            assert!(!st.status.success());
        }
    }
}

#[test]
fn openssl_cms_sign_verifies_in_qyzmet() {
    openssl_signed_verifies_here(rsa_ca(), rsa_signer(), "rsa-in");
    let ca = ec_ca();
    let p = person(
        ca,
        PersonSpec {
            kind: KeyType::EcdsaP256,
            ..Default::default()
        },
    );
    openssl_signed_verifies_here(ca, &p, "ec-in");
}

#[test]
fn qyzmet_cms_verifies_in_openssl() {
    ours_verify_in_openssl(rsa_ca(), rsa_signer(), "rsa-out");
    let ca = ec_ca();
    let p = person(
        ca,
        PersonSpec {
            kind: KeyType::EcdsaP256,
            ..Default::default()
        },
    );
    ours_verify_in_openssl(ca, &p, "ec-out");
}
