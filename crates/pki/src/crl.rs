//! Certificate revocation lists (RFC 5280 §5): the NCA publishes one, relying parties read it.
//!
//! [`build`] writes a v2 CRL signed by the issuing CA with CRLNumber and AuthorityKeyIdentifier
//! extensions and a reasonCode on each entry (left out for `unspecified`, as RFC 5280 §5.3.1
//! recommends). [`Crl::parse`] reads DER or PEM, [`Crl::verify_signature`] checks it against the
//! issuer's certificate and [`Crl::status_of`] looks a serial number up.

use crate::algorithm::by_oids;
use crate::cert::{hex, key_id, to_chrono, to_x509_time, Cert};
use crate::error::{PkiError, Result};
use crate::key::SigningKey;
use crate::revocation::{CertStatus, RevocationReason, Revoked};
use chrono::{DateTime, Utc};
use const_oid::AssociatedOid;
use der::asn1::{BitString, OctetString, Uint};
use der::{Decode, Encode};
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, CrlNumber, CrlReason};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::Version;

/// The serial number as an unsigned big-endian magnitude: leading zero bytes stripped, so that
/// `00 80` (the DER of a positive 0x80) and `80` name the same certificate.
pub fn normalize_serial(serial: &[u8]) -> &[u8] {
    let start = serial
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(serial.len().saturating_sub(1));
    &serial[start..]
}

pub(crate) fn crl_reason(reason: RevocationReason) -> CrlReason {
    match reason {
        RevocationReason::Unspecified => CrlReason::Unspecified,
        RevocationReason::KeyCompromise => CrlReason::KeyCompromise,
        RevocationReason::CaCompromise => CrlReason::CaCompromise,
        RevocationReason::AffiliationChanged => CrlReason::AffiliationChanged,
        RevocationReason::Superseded => CrlReason::Superseded,
        RevocationReason::CessationOfOperation => CrlReason::CessationOfOperation,
        RevocationReason::CertificateHold => CrlReason::CertificateHold,
        RevocationReason::PrivilegeWithdrawn => CrlReason::PrivilegeWithdrawn,
    }
}

/// The platform's reason for a wire reason. `removeFromCRL` (delta CRLs only) and
/// `aACompromise` (attribute certificates) have no counterpart and read as `unspecified`.
pub(crate) fn from_crl_reason(reason: CrlReason) -> RevocationReason {
    match reason {
        CrlReason::KeyCompromise => RevocationReason::KeyCompromise,
        CrlReason::CaCompromise => RevocationReason::CaCompromise,
        CrlReason::AffiliationChanged => RevocationReason::AffiliationChanged,
        CrlReason::Superseded => RevocationReason::Superseded,
        CrlReason::CessationOfOperation => RevocationReason::CessationOfOperation,
        CrlReason::CertificateHold => RevocationReason::CertificateHold,
        CrlReason::PrivilegeWithdrawn => RevocationReason::PrivilegeWithdrawn,
        _ => RevocationReason::Unspecified,
    }
}

fn crypto(e: impl ToString) -> PkiError {
    PkiError::Crypto(e.to_string())
}

fn extension<T: AssociatedOid + Encode>(value: &T) -> Result<Extension> {
    Ok(Extension {
        extn_id: T::OID,
        critical: false,
        extn_value: OctetString::new(value.to_der().map_err(crypto)?).map_err(crypto)?,
    })
}

/// Build a v2 CRL (DER) listing `revoked`, signed by the CA `issuer` with `key`.
pub fn build(
    issuer: &Cert,
    key: &SigningKey,
    revoked: &[Revoked],
    this_update: DateTime<Utc>,
    next_update: DateTime<Utc>,
    crl_number: u64,
) -> Result<Vec<u8>> {
    if next_update <= this_update {
        return Err(PkiError::Refused(
            "the CRL's next update must come after this update".into(),
        ));
    }
    let issuer_spki = issuer.spki_der()?;
    if key.public_key_der()? != issuer_spki {
        return Err(PkiError::Refused(
            "the CRL signing key is not the key of the issuer's certificate".into(),
        ));
    }
    let mut entries = Vec::with_capacity(revoked.len());
    for r in revoked {
        let serial = SerialNumber::new(normalize_serial(&r.serial))
            .map_err(|e| PkiError::Refused(format!("serial number {}: {e}", hex(&r.serial))))?;
        let extensions = match r.reason {
            RevocationReason::Unspecified => None,
            reason => Some(vec![extension(&crl_reason(reason))?]),
        };
        entries.push(RevokedCert {
            serial_number: serial,
            revocation_date: to_x509_time(r.at)?,
            crl_entry_extensions: extensions,
        });
    }
    let aki = issuer
        .subject_key_id()
        .map_or_else(|| key_id(&issuer_spki), Ok)?;
    let crl_extensions = vec![
        extension(&AuthorityKeyIdentifier {
            key_identifier: Some(OctetString::new(aki).map_err(crypto)?),
            authority_cert_issuer: None,
            authority_cert_serial_number: None,
        })?,
        extension(&CrlNumber(
            Uint::new(&crl_number.to_be_bytes()).map_err(crypto)?,
        ))?,
    ];
    let algorithm = key.algorithm();
    let tbs = TbsCertList {
        version: Version::V2,
        signature: algorithm.signature_algorithm(),
        issuer: issuer.subject().clone(),
        this_update: to_x509_time(this_update)?,
        next_update: Some(to_x509_time(next_update)?),
        revoked_certificates: (!entries.is_empty()).then_some(entries),
        crl_extensions: Some(crl_extensions),
    };
    let tbs_der = tbs.to_der().map_err(crypto)?;
    let signature = key.sign(&tbs_der)?;
    let list = CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm: algorithm.signature_algorithm(),
        signature: BitString::from_bytes(&signature).map_err(crypto)?,
    };
    list.to_der().map_err(crypto)
}

/// A parsed CRL with its DER and its entries.
#[derive(Clone)]
pub struct Crl {
    pub der: Vec<u8>,
    pub list: CertificateList,
    entries: Vec<Revoked>,
}

impl std::fmt::Debug for Crl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Crl({} #{:?}, {} entries)",
            self.issuer(),
            self.number(),
            self.entries.len()
        )
    }
}

impl Crl {
    /// Parse a CRL from DER or PEM (`-----BEGIN X509 CRL-----`).
    pub fn parse(bytes: &[u8]) -> Result<Crl> {
        let trimmed = bytes.trim_ascii_start();
        let der = if trimmed.starts_with(b"-----BEGIN") {
            openssl::x509::X509Crl::from_pem(trimmed)
                .map_err(|e| PkiError::malformed("CRL PEM", e))?
                .to_der()?
        } else {
            bytes.to_vec()
        };
        let list = CertificateList::from_der(&der).map_err(|e| PkiError::malformed("CRL", e))?;
        let mut entries = Vec::new();
        for rc in list.tbs_cert_list.revoked_certificates.iter().flatten() {
            let mut reason = RevocationReason::Unspecified;
            for ext in rc.crl_entry_extensions.iter().flatten() {
                if ext.extn_id == CrlReason::OID {
                    let r = CrlReason::from_der(ext.extn_value.as_bytes())
                        .map_err(|e| PkiError::malformed("CRL entry reason code", e))?;
                    reason = from_crl_reason(r);
                } else if ext.critical {
                    return Err(PkiError::malformed(
                        "CRL entry",
                        format!("unsupported critical extension {}", ext.extn_id),
                    ));
                }
            }
            entries.push(Revoked {
                serial: normalize_serial(rc.serial_number.as_bytes()).to_vec(),
                at: to_chrono(rc.revocation_date),
                reason,
            });
        }
        for ext in list.tbs_cert_list.crl_extensions.iter().flatten() {
            let known = ext.extn_id == CrlNumber::OID || ext.extn_id == AuthorityKeyIdentifier::OID;
            if ext.critical && !known {
                // A delta CRL indicator or an issuing distribution point changes what the list
                // means; a reader that does not understand them must not use the list.
                return Err(PkiError::malformed(
                    "CRL",
                    format!("unsupported critical extension {}", ext.extn_id),
                ));
            }
        }
        Ok(Crl { der, list, entries })
    }

    pub fn tbs(&self) -> &TbsCertList {
        &self.list.tbs_cert_list
    }

    pub fn issuer(&self) -> &Name {
        &self.tbs().issuer
    }

    pub fn this_update(&self) -> DateTime<Utc> {
        to_chrono(self.tbs().this_update)
    }

    pub fn next_update(&self) -> Option<DateTime<Utc>> {
        self.tbs().next_update.map(to_chrono)
    }

    fn extension<T: AssociatedOid + for<'a> Decode<'a>>(&self) -> Option<T> {
        self.tbs()
            .crl_extensions
            .as_ref()?
            .iter()
            .find(|e| e.extn_id == T::OID)
            .and_then(|e| T::from_der(e.extn_value.as_bytes()).ok())
    }

    /// The CRLNumber; `None` when absent or beyond 64 bits.
    pub fn number(&self) -> Option<u64> {
        let n = self.extension::<CrlNumber>()?;
        let bytes = normalize_serial(n.0.as_bytes());
        if bytes.len() > 8 {
            return None;
        }
        Some(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// The issuer's key identifier from AuthorityKeyIdentifier.
    pub fn authority_key_id(&self) -> Option<Vec<u8>> {
        self.extension::<AuthorityKeyIdentifier>()?
            .key_identifier
            .map(|k| k.as_bytes().to_vec())
    }

    /// The revoked certificates (serials normalised by [`normalize_serial`]).
    pub fn entries(&self) -> &[Revoked] {
        &self.entries
    }

    /// Whether the CRL's next update has passed (a CRL without one never goes stale).
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        self.next_update().is_some_and(|n| n < now)
    }

    /// Whether `issuer`'s key signed this CRL. `Ok(false)` for a bad signature or when the CRL
    /// names another issuer; `Err` for an algorithm the platform does not implement.
    pub fn verify_signature(&self, issuer: &Cert) -> Result<bool> {
        if self.issuer() != issuer.subject() {
            return Ok(false);
        }
        if self.tbs().signature != self.list.signature_algorithm {
            return Ok(false);
        }
        let algorithm = by_oids(&self.list.signature_algorithm.oid, None)?;
        let tbs = self
            .tbs()
            .to_der()
            .map_err(|e| PkiError::malformed("CRL", e))?;
        let Some(signature) = self.list.signature.as_bytes() else {
            return Ok(false);
        };
        algorithm.verify(&issuer.verifying_key()?, &tbs, signature)
    }

    /// The status of the certificate with serial number `serial` as this CRL tells it: revoked
    /// (with time and reason) when listed, good otherwise. A CRL cannot say "unknown".
    pub fn status_of(&self, serial: &[u8]) -> CertStatus {
        let serial = normalize_serial(serial);
        match self.entries.iter().find(|r| r.serial == serial) {
            Some(r) => CertStatus::Revoked {
                at: r.at,
                reason: r.reason,
            },
            None => CertStatus::Good,
        }
    }

    /// Everything a relying party checks before using the CRL for `issuer`'s certificates at
    /// `now`: it names the issuer, the issuer signed it, it is not stale.
    pub fn check(&self, issuer: &Cert, now: DateTime<Utc>) -> Result<(), String> {
        if self.issuer() != issuer.subject() {
            return Err(format!(
                "the CRL is issued by {}, not by {}",
                self.issuer(),
                issuer.subject()
            ));
        }
        match self.verify_signature(issuer) {
            Ok(true) => {}
            Ok(false) => {
                return Err("the CRL's signature does not verify with the issuer's key".into())
            }
            Err(e) => return Err(format!("the CRL's signature cannot be checked: {e}")),
        }
        if let Some(next) = self.next_update().filter(|n| *n < now) {
            return Err(format!(
                "CRL is stale: next update was {}",
                next.to_rfc3339()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::{build as build_cert, CertificateRequest, Issuer, RevocationUrls, Usage};
    use crate::key::KeyType;
    use crate::profile::{KeyPurpose, Role};
    use chrono::{Duration, TimeZone};
    use std::str::FromStr;

    fn ca(kind: KeyType) -> (Cert, SigningKey) {
        let key = SigningKey::generate(kind).unwrap();
        let now = Utc::now();
        let cert = build_cert(
            CertificateRequest {
                subject: Name::from_str("CN=Test CA,O=Qyzmet,C=KZ").unwrap(),
                public_key_der: key.public_key_der().unwrap(),
                not_before: now - Duration::days(1),
                not_after: now + Duration::days(365),
                usage: Usage::Authority { path_len: Some(0) },
                urls: RevocationUrls::default(),
            },
            Issuer {
                cert: None,
                key: &key,
            },
        )
        .unwrap();
        (cert, key)
    }

    fn holder(ca: &Cert, ca_key: &SigningKey) -> Cert {
        let key = SigningKey::generate(KeyType::EcdsaP256).unwrap();
        let now = Utc::now();
        build_cert(
            CertificateRequest {
                subject: Name::from_str("CN=Holder,SERIALNUMBER=IIN900101300123,C=KZ").unwrap(),
                public_key_der: key.public_key_der().unwrap(),
                not_before: now - Duration::days(1),
                not_after: now + Duration::days(30),
                usage: Usage::Holder {
                    role: Role::Individual,
                    purpose: KeyPurpose::Signing,
                },
                urls: RevocationUrls::default(),
            },
            Issuer {
                cert: Some(ca),
                key: ca_key,
            },
        )
        .unwrap()
    }

    #[test]
    fn round_trip_ecdsa_and_rsa() {
        for kind in [KeyType::EcdsaP256, KeyType::Rsa2048] {
            let (ca, key) = ca(kind);
            let revoked_holder = holder(&ca, &key);
            let good_holder = holder(&ca, &key);
            let at = Utc.with_ymd_and_hms(2025, 3, 1, 10, 0, 0).unwrap();
            let revoked = vec![
                Revoked {
                    serial: revoked_holder.tbs().serial_number.as_bytes().to_vec(),
                    at,
                    reason: RevocationReason::KeyCompromise,
                },
                Revoked {
                    serial: vec![0x00, 0x80],
                    at,
                    reason: RevocationReason::Unspecified,
                },
            ];
            let this = Utc.with_ymd_and_hms(2025, 3, 2, 0, 0, 0).unwrap();
            let der = build(&ca, &key, &revoked, this, this + Duration::days(1), 42).unwrap();
            let crl = Crl::parse(&der).unwrap();
            assert_eq!(crl.issuer(), ca.subject());
            assert_eq!(crl.this_update(), this);
            assert_eq!(crl.next_update(), Some(this + Duration::days(1)));
            assert_eq!(crl.number(), Some(42));
            assert_eq!(crl.authority_key_id(), ca.subject_key_id());
            assert!(crl.verify_signature(&ca).unwrap());
            assert_eq!(
                crl.status_of(revoked_holder.tbs().serial_number.as_bytes()),
                CertStatus::Revoked {
                    at,
                    reason: RevocationReason::KeyCompromise
                }
            );
            assert_eq!(
                crl.status_of(&[0x80]),
                CertStatus::Revoked {
                    at,
                    reason: RevocationReason::Unspecified
                }
            );
            assert_eq!(
                crl.status_of(good_holder.tbs().serial_number.as_bytes()),
                CertStatus::Good
            );
            // The unspecified entry carries no reasonCode.
            let entries = crl.tbs().revoked_certificates.as_ref().unwrap();
            assert!(entries[1].crl_entry_extensions.is_none());
            assert!(crl.check(&ca, this).is_ok());
            let err = crl.check(&ca, this + Duration::days(2)).unwrap_err();
            assert!(err.starts_with("CRL is stale: next update was"), "{err}");
            // PEM too.
            let pem = openssl::x509::X509Crl::from_der(&der)
                .unwrap()
                .to_pem()
                .unwrap();
            assert_eq!(Crl::parse(&pem).unwrap().der, der);
        }
    }

    #[test]
    fn empty_crl_and_wrong_issuer() {
        let (ca1, key1) = ca(KeyType::EcdsaP256);
        let (ca2, _) = ca(KeyType::EcdsaP256);
        let now = Utc::now();
        let der = build(&ca1, &key1, &[], now, now + Duration::hours(1), 1).unwrap();
        let crl = Crl::parse(&der).unwrap();
        assert!(crl.entries().is_empty());
        assert!(crl.tbs().revoked_certificates.is_none());
        // Same name, other key: the signature fails.
        assert!(!crl.verify_signature(&ca2).unwrap());
        assert!(crl.check(&ca2, now).unwrap_err().contains("signature"));
        // Signing with a key that is not the CA's is refused.
        assert!(build(&ca2, &key1, &[], now, now + Duration::hours(1), 1).is_err());
        assert!(build(&ca1, &key1, &[], now, now, 1).is_err());
    }

    #[test]
    fn tampered_crl_fails() {
        let (ca, key) = ca(KeyType::EcdsaP256);
        let now = Utc.with_ymd_and_hms(2025, 3, 2, 0, 0, 0).unwrap();
        let revoked = [Revoked {
            serial: vec![0x11, 0x22, 0x33],
            at: now,
            reason: RevocationReason::Superseded,
        }];
        let der = build(&ca, &key, &revoked, now, now + Duration::days(1), 7).unwrap();
        // Change the serial 11 22 33 into 11 22 34.
        let pos = der
            .windows(3)
            .position(|w| w == [0x11, 0x22, 0x33])
            .unwrap();
        let mut bad = der.clone();
        bad[pos + 2] = 0x34;
        let crl = Crl::parse(&bad).unwrap();
        assert!(!crl.verify_signature(&ca).unwrap());
        assert!(Crl::parse(&der[..der.len() - 1]).is_err());
        assert!(Crl::parse(b"-----BEGIN X509 CRL-----\nnope\n-----END X509 CRL-----\n").is_err());
    }

    #[test]
    fn normalize() {
        assert_eq!(normalize_serial(&[0, 0, 1]), &[1]);
        assert_eq!(normalize_serial(&[0]), &[0]);
        assert_eq!(normalize_serial(&[]), &[] as &[u8]);
    }
}
