//! X.509 certificates: building them in the NCA's profile and reading what the checks need.

use crate::algorithm::{by_oids, SignatureAlgorithm, VerifyingKey};
use crate::error::{PkiError, Result};
use crate::key::SigningKey;
use crate::profile::{self, KeyPurpose, Role, CLIENT_AUTH, EMAIL_PROTECTION, OCSP_SIGNING};
use chrono::{DateTime, TimeZone, Utc};
use const_oid::{AssociatedOid, ObjectIdentifier};
use der::asn1::{BitString, GeneralizedTime, Ia5String, OctetString, UtcTime};
use der::flagset::FlagSet;
use der::{Decode, Encode};
use openssl::hash::{hash, MessageDigest};
use std::time::Duration;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AccessDescription, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints,
    CrlDistributionPoints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate, TbsCertificate, Version};

const OCSP_ACCESS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");

/// A parsed certificate with its DER, and what the checks read from it.
#[derive(Clone)]
pub struct Cert {
    pub der: Vec<u8>,
    pub x509: Certificate,
}

impl std::fmt::Debug for Cert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cert({} #{})", self.subject_string(), self.serial_hex())
    }
}

impl Cert {
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let x509 = Certificate::from_der(der).map_err(|e| PkiError::malformed("certificate", e))?;
        Ok(Cert {
            der: der.to_vec(),
            x509,
        })
    }

    pub fn from_pem(pem: &[u8]) -> Result<Self> {
        let x = openssl::x509::X509::from_pem(pem)
            .map_err(|e| PkiError::malformed("certificate PEM", e))?;
        Self::from_der(&x.to_der()?)
    }

    pub fn to_pem(&self) -> Vec<u8> {
        let x = openssl::x509::X509::from_der(&self.der).expect("own DER parses");
        x.to_pem().expect("PEM encodes")
    }

    pub fn tbs(&self) -> &TbsCertificate {
        &self.x509.tbs_certificate
    }

    /// The serial number as lower-case hex, the form the CLI and the registry use.
    pub fn serial_hex(&self) -> String {
        hex(self.tbs().serial_number.as_bytes())
    }

    pub fn subject(&self) -> &Name {
        &self.tbs().subject
    }

    pub fn issuer(&self) -> &Name {
        &self.tbs().issuer
    }

    pub fn subject_string(&self) -> String {
        self.subject().to_string()
    }

    /// The IIN in `SERIALNUMBER=IIN…`.
    pub fn iin(&self) -> Option<String> {
        profile::name_attribute(self.subject(), profile::SERIAL_NUMBER)
            .and_then(|s| s.strip_prefix("IIN").map(str::to_string))
    }

    /// The BIN in `OU=BIN…`.
    pub fn bin(&self) -> Option<String> {
        profile::name_attribute(self.subject(), profile::ORGANIZATIONAL_UNIT)
            .and_then(|s| s.strip_prefix("BIN").map(str::to_string))
    }

    pub fn common_name(&self) -> Option<String> {
        profile::name_attribute(self.subject(), profile::CN)
    }

    pub fn not_before(&self) -> DateTime<Utc> {
        to_chrono(self.tbs().validity.not_before)
    }

    pub fn not_after(&self) -> DateTime<Utc> {
        to_chrono(self.tbs().validity.not_after)
    }

    pub fn spki_der(&self) -> Result<Vec<u8>> {
        self.tbs()
            .subject_public_key_info
            .to_der()
            .map_err(|e| PkiError::malformed("public key", e))
    }

    pub fn verifying_key(&self) -> Result<VerifyingKey> {
        VerifyingKey::from_spki_der(&self.spki_der()?)
    }

    fn extension<T: AssociatedOid + for<'a> Decode<'a>>(&self) -> Option<T> {
        self.tbs()
            .extensions
            .as_ref()?
            .iter()
            .find(|e| e.extn_id == T::OID)
            .and_then(|e| T::from_der(e.extn_value.as_bytes()).ok())
    }

    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.extension::<KeyUsage>()
    }

    pub fn extended_key_usage(&self) -> Vec<ObjectIdentifier> {
        self.extension::<ExtendedKeyUsage>()
            .map(|e| e.0)
            .unwrap_or_default()
    }

    /// The NCA roles the certificate carries.
    pub fn roles(&self) -> Vec<Role> {
        self.extended_key_usage()
            .iter()
            .filter_map(Role::from_oid)
            .collect()
    }

    pub fn is_ca(&self) -> bool {
        self.extension::<BasicConstraints>().is_some_and(|b| b.ca)
    }

    /// A signing certificate: digitalSignature and nonRepudiation.
    pub fn is_signing(&self) -> bool {
        self.key_usage().is_some_and(|ku| {
            ku.0.contains(KeyUsages::DigitalSignature) && ku.0.contains(KeyUsages::NonRepudiation)
        })
    }

    pub fn subject_key_id(&self) -> Option<Vec<u8>> {
        self.extension::<SubjectKeyIdentifier>()
            .map(|s| s.0.as_bytes().to_vec())
    }

    pub fn authority_key_id(&self) -> Option<Vec<u8>> {
        self.extension::<AuthorityKeyIdentifier>()
            .and_then(|a| a.key_identifier)
            .map(|k| k.as_bytes().to_vec())
    }

    /// The signature algorithm of the certificate's own signature.
    pub fn signature_algorithm(&self) -> Result<&'static dyn SignatureAlgorithm> {
        by_oids(&self.x509.signature_algorithm.oid, None)
    }

    /// Whether `issuer` signed this certificate.
    pub fn is_signed_by(&self, issuer: &VerifyingKey) -> Result<bool> {
        let tbs = self
            .tbs()
            .to_der()
            .map_err(|e| PkiError::malformed("certificate", e))?;
        let sig = self.x509.signature.raw_bytes();
        self.signature_algorithm()?.verify(issuer, &tbs, sig)
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn to_chrono(t: Time) -> DateTime<Utc> {
    let d = t.to_unix_duration();
    Utc.timestamp_opt(d.as_secs() as i64, 0)
        .single()
        .unwrap_or_default()
}

/// X.509 time: UTCTime until 2049, GeneralizedTime after, as RFC 5280 asks.
pub fn to_x509_time(t: DateTime<Utc>) -> Result<Time> {
    let secs =
        u64::try_from(t.timestamp()).map_err(|_| PkiError::Refused("a time before 1970".into()))?;
    let d = Duration::from_secs(secs);
    let dt = der::DateTime::from_unix_duration(d).map_err(|e| PkiError::Refused(e.to_string()))?;
    if dt.year() < 2050 {
        Ok(Time::UtcTime(
            UtcTime::from_date_time(dt).map_err(|e| PkiError::Refused(e.to_string()))?,
        ))
    } else {
        Ok(Time::GeneralTime(GeneralizedTime::from_date_time(dt)))
    }
}

pub(crate) fn key_id(spki_der: &[u8]) -> Result<Vec<u8>> {
    // Method 1 of RFC 5280 4.2.1.2, over the whole SPKI for simplicity: unique and stable.
    Ok(hash(MessageDigest::sha1(), spki_der)?.to_vec())
}

pub(crate) fn random_serial() -> Result<Vec<u8>> {
    let mut bytes = [0u8; 16];
    openssl::rand::rand_bytes(&mut bytes)?;
    bytes[0] &= 0x7f; // positive
    bytes[0] |= 0x10; // no leading zero byte, so the hex form has a fixed length
    Ok(bytes.to_vec())
}

fn ext<T: AssociatedOid + Encode>(critical: bool, value: &T) -> Result<Extension> {
    Ok(Extension {
        extn_id: T::OID,
        critical,
        extn_value: OctetString::new(
            value
                .to_der()
                .map_err(|e| PkiError::Crypto(e.to_string()))?,
        )
        .map_err(|e| PkiError::Crypto(e.to_string()))?,
    })
}

/// What a new certificate is for.
pub enum Usage<'a> {
    /// A certification authority (root or issuing), with the path length below it.
    Authority { path_len: Option<u8> },
    /// A person's key in a role, for authentication or signing.
    Holder { role: Role, purpose: KeyPurpose },
    /// The OCSP responder's key.
    OcspResponder,
    /// Extra EKUs (e.g. an information system's), with the key's purpose.
    Custom {
        purpose: KeyPurpose,
        ekus: &'a [ObjectIdentifier],
    },
}

/// Where relying parties find revocation data.
#[derive(Debug, Clone, Default)]
pub struct RevocationUrls {
    pub crl: Option<String>,
    pub ocsp: Option<String>,
}

/// Everything a certificate needs besides the issuer.
pub struct CertificateRequest<'a> {
    pub subject: Name,
    pub public_key_der: Vec<u8>,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub usage: Usage<'a>,
    pub urls: RevocationUrls,
}

/// The issuer: its certificate (none for a self-signed root) and key.
pub struct Issuer<'a> {
    pub cert: Option<&'a Cert>,
    pub key: &'a SigningKey,
}

/// Build and sign a certificate.
pub fn build(req: CertificateRequest<'_>, issuer: Issuer<'_>) -> Result<Cert> {
    if req.not_after <= req.not_before {
        return Err(PkiError::Refused(
            "the validity period ends before it begins".into(),
        ));
    }
    let spki = spki::SubjectPublicKeyInfoOwned::from_der(&req.public_key_der)
        .map_err(|e| PkiError::malformed("public key", e))?;
    let ski = key_id(&req.public_key_der)?;
    let (issuer_name, aki) = match issuer.cert {
        Some(c) => (
            c.subject().clone(),
            c.subject_key_id().unwrap_or(key_id(&c.spki_der()?)?),
        ),
        None => (req.subject.clone(), ski.clone()),
    };
    let os = |b: Vec<u8>| OctetString::new(b).map_err(|e| PkiError::Crypto(e.to_string()));
    let mut extensions = vec![
        ext(false, &SubjectKeyIdentifier(os(ski)?))?,
        ext(
            false,
            &AuthorityKeyIdentifier {
                key_identifier: Some(os(aki)?),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            },
        )?,
    ];
    let (basic, usages, ekus): (BasicConstraints, FlagSet<KeyUsages>, Vec<ObjectIdentifier>) =
        match req.usage {
            Usage::Authority { path_len } => (
                BasicConstraints {
                    ca: true,
                    path_len_constraint: path_len,
                },
                KeyUsages::KeyCertSign | KeyUsages::CRLSign | KeyUsages::DigitalSignature,
                vec![],
            ),
            Usage::Holder { role, purpose } => {
                let (ku, std_eku) = purpose_usages(purpose);
                (no_ca(), ku, vec![std_eku, role.oid()])
            }
            Usage::OcspResponder => (
                no_ca(),
                KeyUsages::DigitalSignature.into(),
                vec![OCSP_SIGNING],
            ),
            Usage::Custom { purpose, ekus } => (no_ca(), purpose_usages(purpose).0, ekus.to_vec()),
        };
    extensions.push(ext(true, &basic)?);
    extensions.push(ext(true, &KeyUsage(usages))?);
    if !ekus.is_empty() {
        extensions.push(ext(false, &ExtendedKeyUsage(ekus))?);
    }
    if let Some(url) = req.urls.crl {
        let uri = Ia5String::new(&url).map_err(|e| PkiError::Refused(e.to_string()))?;
        extensions.push(ext(
            false,
            &CrlDistributionPoints(vec![DistributionPoint {
                distribution_point: Some(DistributionPointName::FullName(vec![
                    GeneralName::UniformResourceIdentifier(uri),
                ])),
                reasons: None,
                crl_issuer: None,
            }]),
        )?);
    }
    if let Some(url) = req.urls.ocsp {
        let uri = Ia5String::new(&url).map_err(|e| PkiError::Refused(e.to_string()))?;
        extensions.push(ext(
            false,
            &AuthorityInfoAccessSyntax(vec![AccessDescription {
                access_method: OCSP_ACCESS,
                access_location: GeneralName::UniformResourceIdentifier(uri),
            }]),
        )?);
    }
    let algorithm = issuer.key.algorithm();
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: SerialNumber::new(&random_serial()?)
            .map_err(|e| PkiError::Crypto(e.to_string()))?,
        signature: algorithm.signature_algorithm(),
        issuer: issuer_name,
        validity: Validity {
            not_before: to_x509_time(req.not_before)?,
            not_after: to_x509_time(req.not_after)?,
        },
        subject: req.subject,
        subject_public_key_info: spki,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    };
    let tbs_der = tbs.to_der().map_err(|e| PkiError::Crypto(e.to_string()))?;
    let signature = issuer.key.sign(&tbs_der)?;
    let x509 = Certificate {
        tbs_certificate: tbs,
        signature_algorithm: algorithm.signature_algorithm(),
        signature: BitString::from_bytes(&signature)
            .map_err(|e| PkiError::Crypto(e.to_string()))?,
    };
    let der = x509.to_der().map_err(|e| PkiError::Crypto(e.to_string()))?;
    Ok(Cert { der, x509 })
}

fn no_ca() -> BasicConstraints {
    BasicConstraints {
        ca: false,
        path_len_constraint: None,
    }
}

fn purpose_usages(purpose: KeyPurpose) -> (FlagSet<KeyUsages>, ObjectIdentifier) {
    match purpose {
        KeyPurpose::Authentication => (
            KeyUsages::DigitalSignature | KeyUsages::KeyEncipherment,
            CLIENT_AUTH,
        ),
        KeyPurpose::Signing => (
            KeyUsages::DigitalSignature | KeyUsages::NonRepudiation,
            EMAIL_PROTECTION,
        ),
    }
}
