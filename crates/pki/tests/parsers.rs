//! Certificates and key files from the wrong side: arbitrary or damaged bytes get an error,
//! never a panic.

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use qyzmet_pki::cert::{self, CertificateRequest, Issuer, RevocationUrls, Usage};
use qyzmet_pki::{p12, Cert, KeyPurpose, KeyType, Role, SigningKey};
use std::sync::OnceLock;

/// A real certificate and key file to damage.
fn samples() -> &'static (Vec<u8>, Vec<u8>) {
    static SAMPLES: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let key = SigningKey::generate(KeyType::EcdsaP256).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let cert = cert::build(
            CertificateRequest {
                subject: qyzmet_pki::Holder {
                    iin: "850101300005".parse().unwrap(),
                    surname: "Әлиев".into(),
                    name: "Нұр".into(),
                    patronymic: None,
                    role: Role::Individual,
                    organisation: None,
                }
                .subject(),
                public_key_der: key.public_key_der().unwrap(),
                not_before: now,
                not_after: now + Duration::days(10),
                usage: Usage::Holder {
                    role: Role::Individual,
                    purpose: KeyPurpose::Signing,
                },
                urls: RevocationUrls::default(),
            },
            Issuer {
                cert: None,
                key: &key,
            },
        )
        .unwrap();
        let p12 = p12::export(&key, &cert, &[], "pw", "sample").unwrap();
        (cert.der, p12)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn certificate_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = Cert::from_der(&bytes);
        let _ = Cert::from_pem(&bytes);
    }

    #[test]
    fn damaged_certificates_are_errors_or_still_certificates(at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let (der, _) = samples();
        let mut flipped = der.clone();
        let i = at.index(flipped.len());
        flipped[i] = byte;
        if let Ok(c) = Cert::from_der(&flipped) {
            // Whatever still parses is read without panics.
            let _ = (c.iin(), c.roles(), c.is_signing(), c.serial_hex(), c.not_after());
        }
        let truncated = &der[..cut.index(der.len())];
        prop_assert!(Cert::from_der(truncated).is_err());
    }

    #[test]
    fn key_file_parser_never_panics(at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let (_, p12) = samples();
        let mut flipped = p12.clone();
        let i = at.index(flipped.len());
        flipped[i] ^= byte | 1;
        let _ = p12::open(&flipped, "pw");
        prop_assert!(p12::open(&p12[..cut.index(p12.len())], "pw").is_err());
    }
}
