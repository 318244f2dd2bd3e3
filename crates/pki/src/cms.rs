//! CMS SignedData (RFC 5652) in the CAdES-BES form (ETSI EN 319 122-1): signing and parsing.
//!
//! [`sign`] writes a DER `ContentInfo(SignedData)` with one signer, identified by issuer and
//! serial number, and the signed attributes CAdES-BES asks for: content type, message digest,
//! signing time and signing-certificate-v2 (the SHA-256 of the signer's certificate with its
//! issuer and serial). The content is either inside (attached) or kept apart (detached).
//!
//! [`parse`] reads any DER CMS SignedData — ours, or `openssl cms -sign` output (which writes
//! `rsaEncryption` as the signature algorithm and no signing-certificate-v2 unless `-cades`) —
//! into a [`SignedMessage`]. Bad input gives [`PkiError::Malformed`] with a reason and never
//! panics. BER with indefinite lengths (`openssl cms -stream`) is not read.
//!
//! The algorithms are looked up through [`crate::algorithm::by_oids`], so another line (GOST
//! 34.10-2015 with Streebog) needs no change here.

use crate::algorithm::{by_oids, SignatureAlgorithm, SHA256};
use crate::cert::{self, Cert};
use crate::error::{PkiError, Result};
use crate::key::SigningKey;
use chrono::{DateTime, Utc};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use const_oid::ObjectIdentifier;
use der::asn1::AnyRef;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence, Tag, Tagged};
use openssl::hash::{hash, MessageDigest};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Time;

/// `id-data`: the content is plain bytes.
pub const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
/// `id-signedData`.
pub const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// Signed attribute `contentType`.
pub const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
/// Signed attribute `messageDigest`.
pub const ID_MESSAGE_DIGEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
/// Signed attribute `signingTime`.
pub const ID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
/// Signed attribute `id-aa-signingCertificateV2` (RFC 5035).
pub const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }`
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct IssuerSerial {
    pub issuer: Vec<GeneralName>,
    pub serial_number: SerialNumber,
}

/// `ESSCertIDv2` (RFC 5035). The hash algorithm defaults to SHA-256 and is then omitted.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct EssCertIdV2 {
    #[asn1(optional = "true")]
    pub hash_algorithm: Option<AlgorithmIdentifierOwned>,
    pub cert_hash: OctetString,
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }`
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct SigningCertificateV2 {
    pub certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    pub policies: Option<Vec<Any>>,
}

/// The signer's certificate as the signing-certificate-v2 attribute names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningCertificateRef {
    /// The hash algorithm (SHA-256 when the attribute leaves it out).
    pub hash_algorithm: ObjectIdentifier,
    pub cert_hash: Vec<u8>,
    /// The issuer's name, when `issuerSerial` names it as a directory name.
    pub issuer: Option<Name>,
    /// The serial number's bytes, when `issuerSerial` is present.
    pub serial: Option<Vec<u8>>,
}

/// How the signer names its certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignerId {
    IssuerAndSerial { issuer: Name, serial: Vec<u8> },
    SubjectKeyId(Vec<u8>),
}

impl SignerId {
    /// Whether `cert` is the certificate this identifier names.
    pub fn matches(&self, cert: &Cert) -> bool {
        match self {
            SignerId::IssuerAndSerial { issuer, serial } => {
                cert.tbs().serial_number.as_bytes() == serial.as_slice()
                    && same_name(cert.issuer(), issuer)
            }
            SignerId::SubjectKeyId(id) => cert.subject_key_id().as_deref() == Some(id.as_slice()),
        }
    }
}

/// Names compare by their DER.
pub(crate) fn same_name(a: &Name, b: &Name) -> bool {
    match (a.to_der(), b.to_der()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The signed attributes the checks read. Others are kept only inside `signed_attrs_der`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignedAttributes {
    pub content_type: Option<ObjectIdentifier>,
    pub message_digest: Option<Vec<u8>>,
    pub signing_time: Option<DateTime<Utc>>,
    pub signing_certificate_v2: Option<SigningCertificateRef>,
}

/// One signer of a SignedData.
#[derive(Clone, Debug)]
pub struct Signer {
    pub sid: SignerId,
    pub digest_algorithm: AlgorithmIdentifierOwned,
    pub signature_algorithm: AlgorithmIdentifierOwned,
    pub signature: Vec<u8>,
    /// The signed attributes as the signature covers them (DER, tagged as a SET), if any.
    pub signed_attrs_der: Option<Vec<u8>>,
    pub signed_attrs: SignedAttributes,
}

impl Signer {
    /// The algorithm named by the signature and digest algorithm identifiers.
    pub fn algorithm(&self) -> Result<&'static dyn SignatureAlgorithm> {
        by_oids(
            &self.signature_algorithm.oid,
            Some(&self.digest_algorithm.oid),
        )
    }

    /// The bytes the signature value is over: the signed attributes, or, when there are none,
    /// the content itself (RFC 5652 §5.4).
    pub fn signed_bytes<'a>(&'a self, content: &'a [u8]) -> &'a [u8] {
        self.signed_attrs_der.as_deref().unwrap_or(content)
    }
}

/// A parsed CMS SignedData.
#[derive(Clone, Debug)]
pub struct SignedMessage {
    /// `eContentType` of the encapsulated content (`id-data` for ours).
    pub content_type: ObjectIdentifier,
    /// The content, when attached.
    pub content: Option<Vec<u8>>,
    /// The certificates the message carries, in its order.
    pub certificates: Vec<Cert>,
    pub signers: Vec<Signer>,
}

impl SignedMessage {
    pub fn is_detached(&self) -> bool {
        self.content.is_none()
    }

    /// The certificate named by a signer identifier, among the message's certificates.
    pub fn find_certificate(&self, sid: &SignerId) -> Option<&Cert> {
        self.certificates.iter().find(|c| sid.matches(c))
    }
}

fn malformed(reason: impl ToString) -> PkiError {
    PkiError::malformed("CMS", reason)
}

fn any_of<T: Encode>(value: &T) -> Result<Any> {
    value
        .to_der()
        .and_then(|d| Any::from_der(&d))
        .map_err(|e| PkiError::Crypto(e.to_string()))
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute> {
    let values = SetOfVec::try_from(vec![value]).map_err(|e| PkiError::Crypto(e.to_string()))?;
    Ok(Attribute { oid, values })
}

/// The SHA-256 of a certificate's DER, as signing-certificate-v2 holds it.
pub fn cert_hash(cert: &Cert) -> Vec<u8> {
    hash(MessageDigest::sha256(), &cert.der)
        .map(|d| d.to_vec())
        .unwrap_or_default()
}

/// Sign `data` with `key`, whose certificate is `cert`; `chain` holds the certificates to
/// carry beside it (issuing CAs; the root is not needed). The result is DER.
pub fn sign(
    data: &[u8],
    key: &SigningKey,
    cert: &Cert,
    chain: &[Cert],
    detached: bool,
    signing_time: DateTime<Utc>,
) -> Result<Vec<u8>> {
    if key.public_key_der()? != cert.spki_der()? {
        return Err(PkiError::Refused(
            "the key does not belong to the signer's certificate".into(),
        ));
    }
    let algorithm = key.algorithm();
    let digest = algorithm.digest(data)?;
    let os = |b: Vec<u8>| OctetString::new(b).map_err(|e| PkiError::Crypto(e.to_string()));

    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: None, // SHA-256, the DEFAULT
            cert_hash: os(cert_hash(cert))?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(cert.issuer().clone())],
                serial_number: cert.tbs().serial_number.clone(),
            }),
        }],
        policies: None,
    };
    let attrs = vec![
        attribute(ID_CONTENT_TYPE, any_of(&ID_DATA)?)?,
        attribute(ID_MESSAGE_DIGEST, any_of(&os(digest)?)?)?,
        attribute(ID_SIGNING_TIME, any_of(&cert::to_x509_time(signing_time)?)?)?,
        attribute(ID_SIGNING_CERTIFICATE_V2, any_of(&ess)?)?,
    ];
    let signed_attrs: SetOfVec<Attribute> =
        SetOfVec::try_from(attrs).map_err(|e| PkiError::Crypto(e.to_string()))?;
    let signed_attrs_der = signed_attrs
        .to_der()
        .map_err(|e| PkiError::Crypto(e.to_string()))?;
    let signature = key.sign(&signed_attrs_der)?;

    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.issuer().clone(),
            serial_number: cert.tbs().serial_number.clone(),
        }),
        digest_alg: algorithm.digest_algorithm(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: algorithm.signature_algorithm(),
        signature: os(signature)?,
        unsigned_attrs: None,
    };

    let mut certs: Vec<CertificateChoices> = Vec::new();
    let mut seen: Vec<&[u8]> = Vec::new();
    for c in std::iter::once(cert).chain(chain) {
        if !seen.contains(&c.der.as_slice()) {
            seen.push(&c.der);
            certs.push(CertificateChoices::Certificate(c.x509.clone()));
        }
    }
    let econtent = if detached {
        None
    } else {
        Some(any_of(&os(data.to_vec())?)?)
    };
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![algorithm.digest_algorithm()])
            .map_err(|e| PkiError::Crypto(e.to_string()))?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent,
        },
        certificates: Some(
            CertificateSet::try_from(certs).map_err(|e| PkiError::Crypto(e.to_string()))?,
        ),
        crls: None,
        signer_infos: SignerInfos::try_from(vec![signer_info])
            .map_err(|e| PkiError::Crypto(e.to_string()))?,
    };
    let content_info = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: any_of(&signed_data)?,
    };
    content_info
        .to_der()
        .map_err(|e| PkiError::Crypto(e.to_string()))
}

/// A SignedData read without decoding its certificates: each is kept as its DER, as written.
/// The verifier uses it to decode only what its cache does not already know.
#[derive(Clone, Debug)]
pub struct RawSignedMessage<'a> {
    pub content_type: ObjectIdentifier,
    pub content: Option<&'a [u8]>,
    pub certificates: Vec<&'a [u8]>,
    pub signers: Vec<Signer>,
}

impl RawSignedMessage<'_> {
    pub fn is_detached(&self) -> bool {
        self.content.is_none()
    }

    /// The DER of the certificate a signer identifier names, found without decoding the
    /// certificates (but for a subject-key-identifier, which needs the extensions).
    pub fn find_certificate(&self, sid: &SignerId) -> Option<&[u8]> {
        self.certificates.iter().copied().find(|raw| match sid {
            SignerId::IssuerAndSerial { issuer, serial } => {
                let Some((raw_issuer, raw_serial)) = issuer_and_serial(raw) else {
                    return false;
                };
                raw_serial == serial.as_slice()
                    && issuer.to_der().is_ok_and(|d| d.as_slice() == raw_issuer)
            }
            SignerId::SubjectKeyId(_) => Cert::from_der(raw).is_ok_and(|c| sid.matches(&c)),
        })
    }
}

/// The DER elements inside `bytes`, one after the other.
fn tlvs(bytes: &[u8]) -> der::Result<Vec<AnyRef<'_>>> {
    let mut reader = der::SliceReader::new(bytes)?;
    let mut out = Vec::new();
    while !der::Reader::is_finished(&reader) {
        out.push(AnyRef::decode(&mut reader)?);
    }
    Ok(out)
}

/// The only element of `bytes`, which must have tag `tag`.
fn single<'a>(bytes: &'a [u8], tag: Tag, what: &str) -> Result<AnyRef<'a>> {
    let any = AnyRef::from_der(bytes).map_err(|e| malformed(format!("{what}: {e}")))?;
    if any.tag() != tag {
        return Err(malformed(format!("{what}: unexpected tag {}", any.tag())));
    }
    Ok(any)
}

fn context(number: der::TagNumber) -> Tag {
    Tag::ContextSpecific {
        constructed: true,
        number,
    }
}

/// A certificate's issuer name (DER) and serial number (as `SerialNumber::as_bytes`), read
/// without decoding the rest.
fn issuer_and_serial(cert_der: &[u8]) -> Option<(&[u8], Vec<u8>)> {
    let cert = AnyRef::from_der(cert_der).ok()?;
    let tbs = *tlvs(cert.value()).ok()?.first()?;
    let fields = tlvs(tbs.value()).ok()?;
    let skip = usize::from(fields.first()?.tag() == context(der::TagNumber::N0));
    let serial = fields.get(skip)?;
    let serial = <SerialNumber>::from_der(&serial.to_der().ok()?)
        .ok()?
        .as_bytes()
        .to_vec();
    let issuer = fields.get(skip + 2)?;
    // The slice of the original bytes: the issuer's header and value.
    let value = issuer.value();
    let end = value.as_ptr() as usize - cert_der.as_ptr() as usize + value.len();
    let start = end.checked_sub(usize::try_from(issuer.encoded_len().ok()?).ok()?)?;
    Some((cert_der.get(start..end)?, serial))
}

/// Parse a DER CMS `ContentInfo(SignedData)`, decoding its certificates.
pub fn parse(der: &[u8]) -> Result<SignedMessage> {
    let raw = parse_raw(der)?;
    let certificates = raw
        .certificates
        .iter()
        .map(|c| Cert::from_der(c))
        .collect::<Result<Vec<_>>>()?;
    Ok(SignedMessage {
        content_type: raw.content_type,
        content: raw.content.map(<[u8]>::to_vec),
        certificates,
        signers: raw.signers,
    })
}

/// Parse a DER CMS `ContentInfo(SignedData)`, keeping its certificates as DER.
pub fn parse_raw(der: &[u8]) -> Result<RawSignedMessage<'_>> {
    let ci = single(der, Tag::Sequence, "ContentInfo")?;
    let parts = tlvs(ci.value()).map_err(|e| malformed(format!("ContentInfo: {e}")))?;
    let [oid, content] = parts.as_slice() else {
        return Err(malformed("ContentInfo: not two fields"));
    };
    let oid: ObjectIdentifier = oid
        .decode_as()
        .map_err(|e| malformed(format!("ContentInfo: {e}")))?;
    if oid != ID_SIGNED_DATA {
        return Err(malformed(format!("content type {oid} is not signed data")));
    }
    if content.tag() != context(der::TagNumber::N0) {
        return Err(malformed("ContentInfo: no [0] content"));
    }
    let sd = single(content.value(), Tag::Sequence, "SignedData")?;
    let fields = tlvs(sd.value()).map_err(|e| malformed(format!("SignedData: {e}")))?;
    if fields.len() < 4 {
        return Err(malformed("SignedData: too few fields"));
    }
    let version: CmsVersion = fields[0]
        .decode_as()
        .map_err(|e| malformed(format!("SignedData version: {e}")))?;
    let _ = version;
    if fields[1].tag() != Tag::Set {
        return Err(malformed("SignedData: digest algorithms are not a SET"));
    }
    let encap = EncapsulatedContentInfo::from_der(
        &fields[2]
            .to_der()
            .map_err(|e| malformed(format!("encapsulated content: {e}")))?,
    )
    .map_err(|e| malformed(format!("encapsulated content: {e}")))?;
    let content = match &encap.econtent {
        None => None,
        Some(_) => {
            // The content's bytes, borrowed from the input: [0] { OCTET STRING }.
            let inner = tlvs(fields[2].value())
                .ok()
                .and_then(|f| f.get(1).copied())
                .ok_or_else(|| malformed("eContent"))?;
            let os = single(inner.value(), Tag::OctetString, "eContent")?;
            Some(os.value())
        }
    };
    let mut certificates = Vec::new();
    let mut next = 3;
    if fields[next].tag() == context(der::TagNumber::N0) {
        for c in tlvs(fields[next].value()).map_err(|e| malformed(format!("certificates: {e}")))? {
            // Attribute and other certificate formats are carried but not used.
            if c.tag() == Tag::Sequence {
                let value = c.value();
                let end = value.as_ptr() as usize - der.as_ptr() as usize + value.len();
                let len = c
                    .encoded_len()
                    .ok()
                    .and_then(|l| usize::try_from(l).ok())
                    .ok_or_else(|| malformed("certificate length"))?;
                let start = end
                    .checked_sub(len)
                    .ok_or_else(|| malformed("certificate length"))?;
                certificates.push(
                    der.get(start..end)
                        .ok_or_else(|| malformed("certificate"))?,
                );
            }
        }
        next += 1;
    }
    if fields
        .get(next)
        .is_some_and(|f| f.tag() == context(der::TagNumber::N1))
    {
        next += 1;
    }
    let infos = match fields.get(next) {
        Some(f) if f.tag() == Tag::Set && next + 1 == fields.len() => f,
        _ => return Err(malformed("SignedData: no signer infos at the end")),
    };
    let mut signers = Vec::new();
    for info in tlvs(infos.value()).map_err(|e| malformed(format!("signer info: {e}")))? {
        let info_der = info
            .to_der()
            .map_err(|e| malformed(format!("signer info: {e}")))?;
        let si =
            SignerInfo::from_der(&info_der).map_err(|e| malformed(format!("signer info: {e}")))?;
        let parts = tlvs(info.value()).map_err(|e| malformed(format!("signer info: {e}")))?;
        let raw = match parts
            .iter()
            .find(|p| p.tag() == context(der::TagNumber::N0))
        {
            None => None,
            Some(a) => Some(
                AnyRef::new(Tag::Set, a.value())
                    .and_then(|s| s.to_der())
                    .map_err(|e| malformed(format!("signed attributes: {e}")))?,
            ),
        };
        signers.push(parse_signer(&si, raw)?);
    }
    if signers.is_empty() {
        return Err(malformed("no signer"));
    }
    Ok(RawSignedMessage {
        content_type: encap.econtent_type,
        content,
        certificates,
        signers,
    })
}

fn parse_signer(si: &SignerInfo, signed_attrs_der: Option<Vec<u8>>) -> Result<Signer> {
    let sid = match &si.sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => SignerId::IssuerAndSerial {
            issuer: ias.issuer.clone(),
            serial: ias.serial_number.as_bytes().to_vec(),
        },
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            SignerId::SubjectKeyId(ski.0.as_bytes().to_vec())
        }
    };
    let mut attrs = SignedAttributes::default();
    if let Some(list) = &si.signed_attrs {
        let mut seen = Vec::new();
        for attr in list.iter() {
            if seen.contains(&attr.oid) {
                return Err(malformed(format!("signed attribute {} twice", attr.oid)));
            }
            seen.push(attr.oid);
            let known = [
                ID_CONTENT_TYPE,
                ID_MESSAGE_DIGEST,
                ID_SIGNING_TIME,
                ID_SIGNING_CERTIFICATE_V2,
            ];
            if !known.contains(&attr.oid) {
                continue;
            }
            if attr.values.len() != 1 {
                return Err(malformed(format!(
                    "signed attribute {} has {} values, not one",
                    attr.oid,
                    attr.values.len()
                )));
            }
            let value = attr
                .values
                .get(0)
                .ok_or_else(|| malformed("empty attribute"))?
                .to_der()
                .map_err(|e| malformed(format!("attribute: {e}")))?;
            let bad = |what: &str, e: der::Error| malformed(format!("{what}: {e}"));
            match attr.oid {
                ID_CONTENT_TYPE => {
                    attrs.content_type = Some(
                        ObjectIdentifier::from_der(&value).map_err(|e| bad("content type", e))?,
                    )
                }
                ID_MESSAGE_DIGEST => {
                    attrs.message_digest = Some(
                        OctetString::from_der(&value)
                            .map_err(|e| bad("message digest", e))?
                            .as_bytes()
                            .to_vec(),
                    )
                }
                ID_SIGNING_TIME => {
                    let t = Time::from_der(&value).map_err(|e| bad("signing time", e))?;
                    attrs.signing_time = Some(cert::to_chrono(t));
                }
                _ => {
                    let v2 = SigningCertificateV2::from_der(&value)
                        .map_err(|e| bad("signing certificate v2", e))?;
                    let first = v2
                        .certs
                        .first()
                        .ok_or_else(|| malformed("signing certificate v2 names no certificate"))?;
                    let issuer = first.issuer_serial.as_ref().and_then(|is| {
                        is.issuer.iter().find_map(|g| match g {
                            GeneralName::DirectoryName(n) => Some(n.clone()),
                            _ => None,
                        })
                    });
                    attrs.signing_certificate_v2 = Some(SigningCertificateRef {
                        hash_algorithm: first
                            .hash_algorithm
                            .as_ref()
                            .map(|a| a.oid)
                            .unwrap_or(SHA256),
                        cert_hash: first.cert_hash.as_bytes().to_vec(),
                        issuer,
                        serial: first
                            .issuer_serial
                            .as_ref()
                            .map(|is| is.serial_number.as_bytes().to_vec()),
                    });
                }
            }
        }
    }
    if si.signed_attrs.is_some() != signed_attrs_der.is_some() {
        return Err(malformed("signed attributes could not be read"));
    }
    Ok(Signer {
        sid,
        digest_algorithm: si.digest_alg.clone(),
        signature_algorithm: si.signature_algorithm.clone(),
        signature: si.signature.as_bytes().to_vec(),
        signed_attrs_der,
        signed_attrs: attrs,
    })
}

/// One DER element found by [`read_tlv`]: its tag byte, its whole encoding and its value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub whole: &'a [u8],
    pub value: &'a [u8],
}

/// The first DER element of `input` and what follows it, read by hand. Stricter than the
/// `der` crate (which decides whether a message is well-formed): a one-byte tag, and a
/// definite length in its shortest form below 16 MiB. Anything else gives `None`, and the
/// caller falls back to the full parser.
pub(crate) fn read_tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = match first {
        0..=0x7f => (usize::from(first), rest),
        0x81 => {
            let (&b, rest) = rest.split_first()?;
            (b >= 0x80).then_some((usize::from(b), rest))?
        }
        0x82 => {
            let (b, rest) = rest.split_first_chunk::<2>()?;
            let len = usize::from(u16::from_be_bytes(*b));
            (len >= 0x100).then_some((len, rest))?
        }
        0x83 => {
            let (b, rest) = rest.split_first_chunk::<3>()?;
            let len = usize::from(b[0]) << 16 | usize::from(b[1]) << 8 | usize::from(b[2]);
            (len >= 0x1_0000).then_some((len, rest))?
        }
        _ => return None,
    };
    let header = input.len() - rest.len();
    let value = rest.get(..len)?;
    Some((
        Tlv {
            tag,
            whole: &input[..header + len],
            value,
        },
        &rest[len..],
    ))
}

/// The element of `input` with tag `tag`, and what follows it.
fn expect_tlv(input: &[u8], tag: u8) -> Option<(Tlv<'_>, &[u8])> {
    read_tlv(input).filter(|(t, _)| t.tag == tag)
}

/// The bytes of `whole` from the start of `from` to the end of `to`, both inside it.
fn span<'a>(whole: &'a [u8], from: &[u8], to: &[u8]) -> Option<&'a [u8]> {
    let base = whole.as_ptr() as usize;
    let start = (from.as_ptr() as usize).checked_sub(base)?;
    let end = (to.as_ptr() as usize).checked_sub(base)? + to.len();
    whole.get(start..end)
}

/// The DER of the `id-data` object identifier.
const ID_DATA_DER: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
];
/// The DER of the `id-signedData` object identifier.
const ID_SIGNED_DATA_DER: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
];
/// The DER of the `messageDigest` attribute's object identifier.
pub(crate) const ID_MESSAGE_DIGEST_DER: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04,
];
/// The DER of the `signingTime` attribute's object identifier.
pub(crate) const ID_SIGNING_TIME_DER: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05,
];

/// A single-signer `ContentInfo(SignedData)` of `id-data` cut into its parts by walking the
/// DER by hand, without decoding anything: the parts a signer writes the same way in each
/// message (to be compared as bytes with a message of the same signer that [`parse_raw`]
/// read), and those that change (the content, the signed attributes, the signature).
///
/// `None` for anything outside this common shape (attached content in pieces, CRLs in the
/// message, unsigned attributes, several signers, another content type, lengths of 16 MiB
/// or more, …): such messages are read by [`parse_raw`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct QuickMessage<'a> {
    /// SignedData's `version` and `digestAlgorithms`, as written.
    pub signed_data_head: &'a [u8],
    /// The encapsulated content, when attached.
    pub content: Option<&'a [u8]>,
    /// The `[0] certificates` element, as written.
    pub certificates: &'a [u8],
    /// SignerInfo's `version`, `sid` and `digestAlgorithm`, as written.
    pub signer_head: &'a [u8],
    /// The `[0] signedAttrs` element, as written (tag `0xA0`).
    pub signed_attrs: Tlv<'a>,
    /// SignerInfo's `signatureAlgorithm`, as written.
    pub signature_algorithm: &'a [u8],
    /// The signature value.
    pub signature: &'a [u8],
}

impl<'a> QuickMessage<'a> {
    pub(crate) fn read(der: &'a [u8]) -> Option<Self> {
        // ContentInfo ::= SEQUENCE { contentType, [0] EXPLICIT SignedData }, and nothing after.
        let (ci, rest) = expect_tlv(der, 0x30)?;
        if !rest.is_empty() {
            return None;
        }
        let body = ci.value.strip_prefix(ID_SIGNED_DATA_DER)?;
        let (explicit, rest) = expect_tlv(body, 0xa0)?;
        if !rest.is_empty() {
            return None;
        }
        let (sd, rest) = expect_tlv(explicit.value, 0x30)?;
        if !rest.is_empty() {
            return None;
        }
        let (version, rest) = expect_tlv(sd.value, 0x02)?;
        let (digest_algorithms, rest) = expect_tlv(rest, 0x31)?;
        let signed_data_head = span(sd.value, version.whole, digest_algorithms.whole)?;
        // EncapsulatedContentInfo ::= SEQUENCE { id-data, [0] EXPLICIT OCTET STRING OPTIONAL }
        let (encap, rest) = expect_tlv(rest, 0x30)?;
        let after_type = encap.value.strip_prefix(ID_DATA_DER)?;
        let content = if after_type.is_empty() {
            None
        } else {
            let (explicit, tail) = expect_tlv(after_type, 0xa0)?;
            let (octets, inner_tail) = expect_tlv(explicit.value, 0x04)?;
            if !tail.is_empty() || !inner_tail.is_empty() {
                return None;
            }
            Some(octets.value)
        };
        let (certificates, rest) = expect_tlv(rest, 0xa0)?;
        let (infos, rest) = expect_tlv(rest, 0x31)?;
        if !rest.is_empty() {
            return None;
        }
        let (info, rest) = expect_tlv(infos.value, 0x30)?;
        if !rest.is_empty() {
            return None;
        }
        // SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, [0] signedAttrs,
        //                           signatureAlgorithm, signature, [1] unsignedAttrs OPTIONAL }
        let (version, rest) = expect_tlv(info.value, 0x02)?;
        let (_sid, rest) = read_tlv(rest)?;
        let (digest_algorithm, rest) = expect_tlv(rest, 0x30)?;
        let signer_head = span(info.value, version.whole, digest_algorithm.whole)?;
        let (signed_attrs, rest) = expect_tlv(rest, 0xa0)?;
        let (signature_algorithm, rest) = expect_tlv(rest, 0x30)?;
        let (signature, rest) = expect_tlv(rest, 0x04)?;
        if !rest.is_empty() {
            return None;
        }
        Some(QuickMessage {
            signed_data_head,
            content,
            certificates: certificates.whole,
            signer_head,
            signed_attrs,
            signature_algorithm: signature_algorithm.whole,
            signature: signature.value,
        })
    }

    /// The signed attributes as the signature covers them: re-tagged as a SET (RFC 5652
    /// §5.4), in two pieces to hash one after the other.
    pub(crate) fn signed_attrs_as_set(&self) -> [&'a [u8]; 2] {
        [&[0x31], &self.signed_attrs.whole[1..]]
    }
}

/// An attribute `SEQUENCE { type, SET { value } }` with a single value: the DER of its type
/// (`06 …`) and of its value.
pub(crate) fn single_valued_attribute(attribute: Tlv<'_>) -> Option<(&[u8], Tlv<'_>)> {
    if attribute.tag != 0x30 {
        return None;
    }
    let (oid, rest) = expect_tlv(attribute.value, 0x06)?;
    let (values, rest) = expect_tlv(rest, 0x31)?;
    let (value, tail) = read_tlv(values.value)?;
    (rest.is_empty() && tail.is_empty()).then_some((oid.whole, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::{build, CertificateRequest, Issuer, RevocationUrls, Usage};
    use crate::key::KeyType;
    use std::str::FromStr;

    fn self_signed(key: &SigningKey) -> Cert {
        let now = Utc::now();
        build(
            CertificateRequest {
                subject: Name::from_str("CN=Unit,C=KZ").unwrap(),
                public_key_der: key.public_key_der().unwrap(),
                not_before: now - chrono::Duration::days(1),
                not_after: now + chrono::Duration::days(1),
                usage: Usage::Authority { path_len: None },
                urls: RevocationUrls::default(),
            },
            Issuer { cert: None, key },
        )
        .unwrap()
    }

    #[test]
    fn ess_cert_id_leaves_out_the_default_sha256() {
        let id = EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(vec![7; 32]).unwrap(),
            issuer_serial: None,
        };
        let der = id.to_der().unwrap();
        // SEQUENCE { OCTET STRING (32) } and nothing else.
        assert_eq!(&der[..4], &[0x30, 34, 0x04, 32]);
        assert_eq!(EssCertIdV2::from_der(&der).unwrap(), id);
    }

    #[test]
    fn sign_parse_round_trip_and_refusals() {
        let key = SigningKey::generate(KeyType::EcdsaP256).unwrap();
        let cert = self_signed(&key);
        let t = Utc::now();
        let der = sign(b"abc", &key, &cert, &[], false, t).unwrap();
        let msg = parse(&der).unwrap();
        assert_eq!(msg.content.as_deref(), Some(&b"abc"[..]));
        assert_eq!(msg.content_type, ID_DATA);
        let s = &msg.signers[0];
        assert!(s.sid.matches(&cert));
        assert_eq!(s.signed_attrs.content_type, Some(ID_DATA));
        assert_eq!(
            s.signed_attrs.signing_time.map(|x| x.timestamp()),
            Some(t.timestamp())
        );
        let ess = s.signed_attrs.signing_certificate_v2.as_ref().unwrap();
        assert_eq!(ess.hash_algorithm, SHA256);
        assert_eq!(
            ess.serial.as_deref(),
            Some(cert.tbs().serial_number.as_bytes())
        );
        assert!(s.algorithm().is_ok());

        // Another key than the certificate's is refused.
        let other = SigningKey::generate(KeyType::EcdsaP256).unwrap();
        assert!(matches!(
            sign(b"abc", &other, &cert, &[], false, t),
            Err(PkiError::Refused(_))
        ));

        // A ContentInfo of another type is not signed data.
        let ci = ContentInfo {
            content_type: ID_DATA,
            content: any_of(&OctetString::new(b"x".to_vec()).unwrap()).unwrap(),
        };
        let err = parse(&ci.to_der().unwrap()).unwrap_err().to_string();
        assert!(err.contains("not signed data"), "{err}");
    }
}
