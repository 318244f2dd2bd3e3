//! OCSP (RFC 6960): the NCA's responder ([`respond`]) and the relying party's side ([`request`],
//! [`check_response`]).
//!
//! The responder serves one CA. It always answers with a DER `OCSPResponse`:
//! - bytes that are not an `OCSPRequest` (or one without any certID) → `malformedRequest`;
//! - a certID whose issuerNameHash/issuerKeyHash do not name this CA, or hashed with an
//!   algorithm other than SHA-1 or SHA-256 → `unauthorized` (we are not authoritative for it);
//! - a failure to encode or sign → `internalError`;
//! - otherwise `successful`, a `BasicOCSPResponse` signed by the responder, one `SingleResponse`
//!   per certID (good, revoked with time and reason, or unknown), responderID by key, the
//!   responder's certificate included and the request's nonce echoed.

use crate::algorithm::by_oids;
use crate::cert::{hex, to_chrono, Cert};
use crate::crl::{crl_reason, from_crl_reason, normalize_serial};
use crate::error::{PkiError, Result};
use crate::key::SigningKey;
use crate::profile::OCSP_SIGNING;
use crate::revocation::{CertStatus, RevocationAnswer, RevocationReason, RevocationSourceKind};
use chrono::{DateTime, Duration, Utc};
use const_oid::db::rfc6960::{ID_PKIX_OCSP_BASIC, ID_PKIX_OCSP_NONCE};
use const_oid::ObjectIdentifier;
use der::asn1::{BitString, GeneralizedTime, Null, OctetString};
use der::{Any, Decode, Encode};
use openssl::hash::{hash, MessageDigest};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::Extension;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Time;
use x509_ocsp::{
    BasicOcspResponse, CertId, OcspGeneralizedTime, OcspRequest, OcspResponse, OcspResponseStatus,
    Request, ResponderId, ResponseData, RevokedInfo, SingleResponse, TbsRequest, Version,
};

pub const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
pub use crate::algorithm::SHA256;

/// How long a relying party tolerates a thisUpdate ahead of its own clock.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);

/// The hash a certID is made with. SHA-1 is what most clients (OpenSSL's default included)
/// send; SHA-256 is accepted as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CertIdHash {
    #[default]
    Sha1,
    Sha256,
}

impl CertIdHash {
    fn oid(self) -> ObjectIdentifier {
        match self {
            CertIdHash::Sha1 => SHA1,
            CertIdHash::Sha256 => SHA256,
        }
    }

    fn by_oid(oid: &ObjectIdentifier) -> Option<Self> {
        match *oid {
            SHA1 => Some(CertIdHash::Sha1),
            SHA256 => Some(CertIdHash::Sha256),
            _ => None,
        }
    }

    fn digest(self, data: &[u8]) -> Result<Vec<u8>> {
        let md = match self {
            CertIdHash::Sha1 => MessageDigest::sha1(),
            CertIdHash::Sha256 => MessageDigest::sha256(),
        };
        Ok(hash(md, data)?.to_vec())
    }
}

/// The two hashes by which a certID names its issuer.
fn issuer_hashes(issuer: &Cert, alg: CertIdHash) -> Result<(Vec<u8>, Vec<u8>)> {
    let name = issuer
        .subject()
        .to_der()
        .map_err(|e| PkiError::malformed("certificate", e))?;
    let key = issuer
        .tbs()
        .subject_public_key_info
        .subject_public_key
        .raw_bytes();
    Ok((alg.digest(&name)?, alg.digest(key)?))
}

/// The responderID byKey: SHA-1 of the responder's public key bits.
fn key_hash(cert: &Cert) -> Result<Vec<u8>> {
    CertIdHash::Sha1.digest(
        cert.tbs()
            .subject_public_key_info
            .subject_public_key
            .raw_bytes(),
    )
}

fn crypto(e: impl ToString) -> PkiError {
    PkiError::Crypto(e.to_string())
}

fn gtime(t: DateTime<Utc>) -> Result<OcspGeneralizedTime> {
    let secs =
        u64::try_from(t.timestamp()).map_err(|_| PkiError::Refused("a time before 1970".into()))?;
    let g = GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(secs))
        .map_err(crypto)?;
    Ok(OcspGeneralizedTime(g))
}

fn from_gtime(t: &OcspGeneralizedTime) -> DateTime<Utc> {
    to_chrono(Time::GeneralTime(t.0))
}

/// What the responder needs: the CA it answers for, the key that signs the answers and how long
/// an answer stays current.
pub struct ResponderContext<'a> {
    /// The CA whose certificates the responder answers for.
    pub issuer: &'a Cert,
    /// The responder's certificate: a delegated one issued by `issuer` with the id-kp-OCSPSigning
    /// extended key usage, or `issuer` itself.
    pub responder: &'a Cert,
    /// The key of `responder`.
    pub key: &'a SigningKey,
    /// nextUpdate = now + validity.
    pub validity: Duration,
}

fn status_response(status: OcspResponseStatus) -> Vec<u8> {
    let r = OcspResponse {
        response_status: status,
        response_bytes: None,
    };
    // A two-field SEQUENCE with an ENUMERATED always encodes.
    r.to_der()
        .unwrap_or_else(|_| vec![0x30, 0x03, 0x0a, 0x01, status as u8])
}

enum Refusal {
    Malformed,
    Unauthorized,
    Internal,
}

impl From<PkiError> for Refusal {
    fn from(_: PkiError) -> Self {
        Refusal::Internal
    }
}

/// Answer an OCSP request for `ctx.issuer`'s certificates. `lookup` gets each certID's serial
/// number (leading zero bytes stripped, see [`normalize_serial`]) and tells its status.
pub fn respond(
    request_der: &[u8],
    ctx: &ResponderContext<'_>,
    lookup: &dyn Fn(&[u8]) -> CertStatus,
    now: DateTime<Utc>,
) -> Vec<u8> {
    match try_respond(request_der, ctx, lookup, now) {
        Ok(der) => der,
        Err(Refusal::Malformed) => status_response(OcspResponseStatus::MalformedRequest),
        Err(Refusal::Unauthorized) => status_response(OcspResponseStatus::Unauthorized),
        Err(Refusal::Internal) => status_response(OcspResponseStatus::InternalError),
    }
}

fn try_respond(
    request_der: &[u8],
    ctx: &ResponderContext<'_>,
    lookup: &dyn Fn(&[u8]) -> CertStatus,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, Refusal> {
    let request = OcspRequest::from_der(request_der).map_err(|_| Refusal::Malformed)?;
    let tbs = &request.tbs_request;
    if tbs.request_list.is_empty() {
        return Err(Refusal::Malformed);
    }
    let sha1 = issuer_hashes(ctx.issuer, CertIdHash::Sha1)?;
    let sha256 = issuer_hashes(ctx.issuer, CertIdHash::Sha256)?;
    let this_update = gtime(now)?;
    let next_update = gtime(now + ctx.validity)?;
    let mut responses = Vec::with_capacity(tbs.request_list.len());
    for req in &tbs.request_list {
        let id = &req.req_cert;
        let expected = match CertIdHash::by_oid(&id.hash_algorithm.oid) {
            Some(CertIdHash::Sha1) => &sha1,
            Some(CertIdHash::Sha256) => &sha256,
            None => return Err(Refusal::Unauthorized),
        };
        if id.issuer_name_hash.as_bytes() != expected.0.as_slice()
            || id.issuer_key_hash.as_bytes() != expected.1.as_slice()
        {
            return Err(Refusal::Unauthorized);
        }
        let cert_status = match lookup(normalize_serial(id.serial_number.as_bytes())) {
            CertStatus::Good => x509_ocsp::CertStatus::good(),
            CertStatus::Unknown => x509_ocsp::CertStatus::unknown(),
            CertStatus::Revoked { at, reason } => x509_ocsp::CertStatus::revoked(RevokedInfo {
                revocation_time: gtime(at)?,
                revocation_reason: (reason != RevocationReason::Unspecified)
                    .then(|| crl_reason(reason)),
            }),
        };
        responses.push(SingleResponse {
            cert_id: id.clone(),
            cert_status,
            this_update,
            next_update: Some(next_update),
            single_extensions: None,
        });
    }
    let nonce: Vec<Extension> = tbs
        .request_extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == ID_PKIX_OCSP_NONCE)
        .take(1)
        .map(|e| Extension {
            critical: false,
            ..e.clone()
        })
        .collect();
    let data = ResponseData {
        version: Version::V1,
        responder_id: ResponderId::ByKey(
            OctetString::new(key_hash(ctx.responder)?).map_err(crypto)?,
        ),
        produced_at: this_update,
        responses,
        response_extensions: (!nonce.is_empty()).then_some(nonce),
    };
    let data_der = data.to_der().map_err(crypto)?;
    let signature = ctx.key.sign(&data_der)?;
    let basic = BasicOcspResponse {
        tbs_response_data: data,
        signature_algorithm: ctx.key.algorithm().signature_algorithm(),
        signature: BitString::from_bytes(&signature).map_err(crypto)?,
        certs: Some(vec![ctx.responder.x509.clone()]),
    };
    let response = OcspResponse::successful(basic).map_err(crypto)?;
    Ok(response.to_der().map_err(crypto)?)
}

fn cert_id(cert: &Cert, issuer: &Cert, alg: CertIdHash) -> Result<CertId> {
    let (name_hash, key_hash) = issuer_hashes(issuer, alg)?;
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: alg.oid(),
            parameters: Some(Any::from(Null)),
        },
        issuer_name_hash: OctetString::new(name_hash).map_err(crypto)?,
        issuer_key_hash: OctetString::new(key_hash).map_err(crypto)?,
        serial_number: cert.tbs().serial_number.clone(),
    })
}

fn nonce_extension(nonce: &[u8]) -> Result<Extension> {
    let inner = OctetString::new(nonce).map_err(crypto)?;
    Ok(Extension {
        extn_id: ID_PKIX_OCSP_NONCE,
        critical: false,
        extn_value: OctetString::new(inner.to_der().map_err(crypto)?).map_err(crypto)?,
    })
}

/// An OCSP request (DER) for `cert`, issued by `issuer`, with a SHA-1 certID (what responders
/// expect most) and the nonce extension when `nonce` is given.
pub fn request(cert: &Cert, issuer: &Cert, nonce: Option<&[u8]>) -> Result<Vec<u8>> {
    request_with(cert, issuer, nonce, CertIdHash::Sha1)
}

/// [`request`] with the certID's hash chosen.
pub fn request_with(
    cert: &Cert,
    issuer: &Cert,
    nonce: Option<&[u8]>,
    alg: CertIdHash,
) -> Result<Vec<u8>> {
    let req = OcspRequest {
        tbs_request: TbsRequest {
            version: Version::V1,
            requestor_name: None,
            request_list: vec![Request {
                req_cert: cert_id(cert, issuer, alg)?,
                single_request_extensions: None,
            }],
            request_extensions: nonce.map(nonce_extension).transpose()?.map(|e| vec![e]),
        },
        optional_signature: None,
    };
    req.to_der().map_err(crypto)
}

/// A fresh random nonce of 16 bytes (RFC 8954 asks for 1 to 32).
pub fn fresh_nonce() -> Result<Vec<u8>> {
    let mut nonce = vec![0u8; 16];
    openssl::rand::rand_bytes(&mut nonce)?;
    Ok(nonce)
}

fn status_name(s: OcspResponseStatus) -> &'static str {
    match s {
        OcspResponseStatus::Successful => "successful",
        OcspResponseStatus::MalformedRequest => "malformedRequest",
        OcspResponseStatus::InternalError => "internalError",
        OcspResponseStatus::TryLater => "tryLater",
        OcspResponseStatus::SigRequired => "sigRequired",
        OcspResponseStatus::Unauthorized => "unauthorized",
    }
}

fn matches_responder_id(id: &ResponderId, cert: &Cert) -> bool {
    match id {
        ResponderId::ByKey(h) => key_hash(cert).is_ok_and(|k| k == h.as_bytes()),
        ResponderId::ByName(name) => name == cert.subject(),
    }
}

/// Find and vet the certificate that signed the response: the CA itself, or a certificate in the
/// response issued by the CA, with id-kp-OCSPSigning, valid at `now`.
fn responder_cert(
    basic: &BasicOcspResponse,
    issuer: &Cert,
    now: DateTime<Utc>,
) -> Result<Cert, String> {
    let id = &basic.tbs_response_data.responder_id;
    if matches_responder_id(id, issuer) {
        return Ok(issuer.clone());
    }
    let candidates = basic.certs.iter().flatten().filter_map(|c| {
        let der = c.to_der().ok()?;
        Cert::from_der(&der).ok()
    });
    let Some(cert) = candidates.into_iter().find(|c| matches_responder_id(id, c)) else {
        return Err(
            "the OCSP response is signed neither by the CA nor by a certificate it includes".into(),
        );
    };
    if cert.issuer() != issuer.subject() {
        return Err(format!(
            "the OCSP responder certificate {} is issued by {}, not by the certificate's CA",
            cert.subject(),
            cert.issuer()
        ));
    }
    let ca_key = issuer
        .verifying_key()
        .map_err(|e| format!("the CA's public key: {e}"))?;
    match cert.is_signed_by(&ca_key) {
        Ok(true) => {}
        Ok(false) => {
            return Err(format!(
                "the OCSP responder certificate {} is not signed by the certificate's CA",
                cert.subject()
            ))
        }
        Err(e) => {
            return Err(format!(
                "the OCSP responder certificate cannot be checked: {e}"
            ))
        }
    }
    if !cert.extended_key_usage().contains(&OCSP_SIGNING) {
        return Err(format!(
            "the OCSP response is signed by {}, a certificate without the OCSP signing usage",
            cert.subject()
        ));
    }
    if now < cert.not_before() || now > cert.not_after() {
        return Err(format!(
            "the OCSP responder certificate {} is not valid at {}",
            cert.subject(),
            now.to_rfc3339()
        ));
    }
    Ok(cert)
}

/// Check an OCSP response to a request for `cert` (issued by `issuer`) made with `nonce`, and
/// read the certificate's status from it. Every failure is an `Err` that says what is wrong.
pub fn check_response(
    der: &[u8],
    cert: &Cert,
    issuer: &Cert,
    nonce: Option<&[u8]>,
    now: DateTime<Utc>,
) -> Result<RevocationAnswer, String> {
    let response =
        OcspResponse::from_der(der).map_err(|e| format!("malformed OCSP response: {e}"))?;
    if response.response_status != OcspResponseStatus::Successful {
        return Err(format!(
            "the OCSP responder answered {}",
            status_name(response.response_status)
        ));
    }
    let bytes = response
        .response_bytes
        .ok_or("malformed OCSP response: successful without a response")?;
    if bytes.response_type != ID_PKIX_OCSP_BASIC {
        return Err(format!(
            "unsupported OCSP response type {}",
            bytes.response_type
        ));
    }
    let basic = BasicOcspResponse::from_der(bytes.response.as_bytes())
        .map_err(|e| format!("malformed OCSP basic response: {e}"))?;
    let signer = responder_cert(&basic, issuer, now)?;
    let algorithm = by_oids(&basic.signature_algorithm.oid, None)
        .map_err(|e| format!("the OCSP response's signature: {e}"))?;
    let data = &basic.tbs_response_data;
    let tbs = data
        .to_der()
        .map_err(|e| format!("malformed OCSP response data: {e}"))?;
    let key = signer
        .verifying_key()
        .map_err(|e| format!("the OCSP responder's public key: {e}"))?;
    let signature = basic.signature.as_bytes().unwrap_or_default();
    if !algorithm.verify(&key, &tbs, signature).unwrap_or(false) {
        return Err("the OCSP response's signature does not verify".into());
    }
    if let Some(expected) = nonce {
        let got = data
            .response_extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id == ID_PKIX_OCSP_NONCE)
            .ok_or("the OCSP response carries no nonce (a replayed or cached answer?)")?;
        let ours = nonce_extension(expected).map_err(|e| e.to_string())?;
        if got.extn_value != ours.extn_value {
            return Err("the OCSP response's nonce is not the request's".into());
        }
    }
    let single = data
        .responses
        .iter()
        .find(|s| {
            let id = &s.cert_id;
            let Some(alg) = CertIdHash::by_oid(&id.hash_algorithm.oid) else {
                return false;
            };
            let Ok((name_hash, key_hash)) = issuer_hashes(issuer, alg) else {
                return false;
            };
            id.issuer_name_hash.as_bytes() == name_hash.as_slice()
                && id.issuer_key_hash.as_bytes() == key_hash.as_slice()
                && same_serial(&id.serial_number, &cert.tbs().serial_number)
        })
        .ok_or_else(|| {
            format!(
                "the OCSP response has no answer for certificate {}",
                hex(cert.tbs().serial_number.as_bytes())
            )
        })?;
    let this_update = from_gtime(&single.this_update);
    if this_update > now + CLOCK_SKEW {
        return Err(format!(
            "the OCSP answer is from the future: this update {}",
            this_update.to_rfc3339()
        ));
    }
    let next_update = single.next_update.as_ref().map(from_gtime);
    if let Some(next) = next_update.filter(|n| *n < now) {
        return Err(format!(
            "the OCSP answer is stale: next update was {}",
            next.to_rfc3339()
        ));
    }
    let status = match &single.cert_status {
        x509_ocsp::CertStatus::Good(_) => CertStatus::Good,
        x509_ocsp::CertStatus::Unknown(_) => CertStatus::Unknown,
        x509_ocsp::CertStatus::Revoked(info) => CertStatus::Revoked {
            at: from_gtime(&info.revocation_time),
            reason: info
                .revocation_reason
                .map_or(RevocationReason::Unspecified, from_crl_reason),
        },
    };
    Ok(RevocationAnswer {
        status,
        source: RevocationSourceKind::Ocsp,
        produced_at: from_gtime(&data.produced_at),
        next_update,
    })
}

fn same_serial(a: &SerialNumber, b: &SerialNumber) -> bool {
    normalize_serial(a.as_bytes()) == normalize_serial(b.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::{build as build_cert, CertificateRequest, Issuer, RevocationUrls, Usage};
    use crate::key::KeyType;
    use crate::profile::{KeyPurpose, Role};
    use std::str::FromStr;
    use x509_cert::name::Name;

    struct Pki {
        ca: Cert,
        ca_key: SigningKey,
        responder: Cert,
        responder_key: SigningKey,
        holder: Cert,
        holder_key: SigningKey,
        revoked: Cert,
    }

    fn issue(
        subject: &str,
        usage: Usage<'_>,
        ca: Option<&Cert>,
        ca_key: &SigningKey,
        key: &SigningKey,
    ) -> Cert {
        let now = Utc::now();
        build_cert(
            CertificateRequest {
                subject: Name::from_str(subject).unwrap(),
                public_key_der: key.public_key_der().unwrap(),
                not_before: now - Duration::days(1),
                not_after: now + Duration::days(30),
                usage,
                urls: RevocationUrls::default(),
            },
            Issuer {
                cert: ca,
                key: ca_key,
            },
        )
        .unwrap()
    }

    fn pki() -> Pki {
        let gen = || SigningKey::generate(KeyType::EcdsaP256).unwrap();
        let ca_key = gen();
        let ca = issue(
            "CN=CA,C=KZ",
            Usage::Authority { path_len: Some(0) },
            None,
            &ca_key,
            &ca_key,
        );
        let responder_key = gen();
        let responder = issue(
            "CN=OCSP,C=KZ",
            Usage::OcspResponder,
            Some(&ca),
            &ca_key,
            &responder_key,
        );
        let holder_key = gen();
        let signing = || Usage::Holder {
            role: Role::Individual,
            purpose: KeyPurpose::Signing,
        };
        let holder = issue("CN=Holder,C=KZ", signing(), Some(&ca), &ca_key, &holder_key);
        let revoked = issue("CN=Revoked,C=KZ", signing(), Some(&ca), &ca_key, &gen());
        Pki {
            ca,
            ca_key,
            responder,
            responder_key,
            holder,
            holder_key,
            revoked,
        }
    }

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-01-02T03:04:05Z")
            .unwrap()
            .into()
    }

    fn lookup<'a>(p: &'a Pki) -> impl Fn(&[u8]) -> CertStatus + 'a {
        move |serial: &[u8]| {
            if serial == p.revoked.tbs().serial_number.as_bytes() {
                CertStatus::Revoked {
                    at: at(),
                    reason: RevocationReason::CessationOfOperation,
                }
            } else if serial == p.holder.tbs().serial_number.as_bytes() {
                CertStatus::Good
            } else {
                CertStatus::Unknown
            }
        }
    }

    fn ctx(p: &Pki) -> ResponderContext<'_> {
        ResponderContext {
            issuer: &p.ca,
            responder: &p.responder,
            key: &p.responder_key,
            validity: Duration::hours(1),
        }
    }

    fn status(der: &[u8]) -> OcspResponseStatus {
        OcspResponse::from_der(der).unwrap().response_status
    }

    #[test]
    fn good_revoked_unknown_with_both_hashes() {
        let p = pki();
        let now = Utc::now();
        let stranger = issue(
            "CN=Stranger,C=KZ",
            Usage::OcspResponder,
            Some(&p.ca),
            &p.ca_key,
            &p.holder_key,
        );
        for alg in [CertIdHash::Sha1, CertIdHash::Sha256] {
            for (cert, expected) in [
                (&p.holder, CertStatus::Good),
                (
                    &p.revoked,
                    CertStatus::Revoked {
                        at: at(),
                        reason: RevocationReason::CessationOfOperation,
                    },
                ),
                (&stranger, CertStatus::Unknown),
            ] {
                let nonce = fresh_nonce().unwrap();
                let req = request_with(cert, &p.ca, Some(&nonce), alg).unwrap();
                let resp = respond(&req, &ctx(&p), &lookup(&p), now);
                let answer = check_response(&resp, cert, &p.ca, Some(&nonce), now).unwrap();
                assert_eq!(answer.status, expected);
                assert_eq!(answer.source, RevocationSourceKind::Ocsp);
                assert_eq!(
                    answer.next_update.unwrap().timestamp(),
                    (now + Duration::hours(1)).timestamp()
                );
                // The nonce of another request is refused.
                let other = fresh_nonce().unwrap();
                let err = check_response(&resp, cert, &p.ca, Some(&other), now).unwrap_err();
                assert!(err.contains("nonce"), "{err}");
                // An answer for another certificate is not this one's.
                if cert.der != p.holder.der {
                    let err = check_response(&resp, &p.holder, &p.ca, None, now).unwrap_err();
                    assert!(err.contains("no answer"), "{err}");
                }
            }
        }
    }

    #[test]
    fn nonce_is_echoed_and_absent_when_not_asked() {
        let p = pki();
        let now = Utc::now();
        let req = request(&p.holder, &p.ca, Some(b"0123456789abcdef")).unwrap();
        let resp = respond(&req, &ctx(&p), &lookup(&p), now);
        let r = OcspResponse::from_der(&resp).unwrap();
        let basic =
            BasicOcspResponse::from_der(r.response_bytes.unwrap().response.as_bytes()).unwrap();
        assert_eq!(basic.nonce().unwrap().0.as_bytes(), b"0123456789abcdef");
        assert!(matches!(
            basic.tbs_response_data.responder_id,
            ResponderId::ByKey(_)
        ));
        assert_eq!(basic.certs.as_ref().unwrap().len(), 1);

        let req = request(&p.holder, &p.ca, None).unwrap();
        let resp = respond(&req, &ctx(&p), &lookup(&p), now);
        let err = check_response(&resp, &p.holder, &p.ca, Some(b"x"), now).unwrap_err();
        assert!(err.contains("no nonce"), "{err}");
        assert!(check_response(&resp, &p.holder, &p.ca, None, now).is_ok());
    }

    #[test]
    fn refusals() {
        let p = pki();
        let now = Utc::now();
        let c = ctx(&p);
        assert_eq!(
            status(&respond(b"", &c, &lookup(&p), now)),
            OcspResponseStatus::MalformedRequest
        );
        assert_eq!(
            status(&respond(b"\x30\x03\x02\x01\x00", &c, &lookup(&p), now)),
            OcspResponseStatus::MalformedRequest
        );
        let req = request(&p.holder, &p.ca, None).unwrap();
        assert_eq!(
            status(&respond(&req[..req.len() - 2], &c, &lookup(&p), now)),
            OcspResponseStatus::MalformedRequest
        );
        // An empty request list.
        let empty = OcspRequest {
            tbs_request: TbsRequest::default(),
            optional_signature: None,
        };
        assert_eq!(
            status(&respond(&empty.to_der().unwrap(), &c, &lookup(&p), now)),
            OcspResponseStatus::MalformedRequest
        );
        // Another CA: unauthorized.
        let other = pki();
        let req = request(&other.holder, &other.ca, None).unwrap();
        let resp = respond(&req, &c, &lookup(&p), now);
        assert_eq!(status(&resp), OcspResponseStatus::Unauthorized);
        let err = check_response(&resp, &other.holder, &other.ca, None, now).unwrap_err();
        assert_eq!(err, "the OCSP responder answered unauthorized");
        assert!(check_response(b"garbage", &p.holder, &p.ca, None, now)
            .unwrap_err()
            .starts_with("malformed OCSP response"));
    }

    #[test]
    fn the_ca_itself_may_answer() {
        let p = pki();
        let now = Utc::now();
        let c = ResponderContext {
            issuer: &p.ca,
            responder: &p.ca,
            key: &p.ca_key,
            validity: Duration::minutes(10),
        };
        let req = request(&p.revoked, &p.ca, None).unwrap();
        let resp = respond(&req, &c, &lookup(&p), now);
        let a = check_response(&resp, &p.revoked, &p.ca, None, now).unwrap();
        assert!(matches!(a.status, CertStatus::Revoked { .. }));
    }

    #[test]
    fn bad_signers_and_times() {
        let p = pki();
        let now = Utc::now();
        let req = request(&p.holder, &p.ca, None).unwrap();
        // Signed by a holder certificate of the CA, which lacks id-kp-OCSPSigning.
        let c = ResponderContext {
            issuer: &p.ca,
            responder: &p.holder,
            key: &p.holder_key,
            validity: Duration::hours(1),
        };
        let resp = respond(&req, &c, &lookup(&p), now);
        let err = check_response(&resp, &p.holder, &p.ca, None, now).unwrap_err();
        assert!(err.contains("without the OCSP signing usage"), "{err}");
        // A responder of another CA.
        let other = pki();
        let c = ResponderContext {
            issuer: &p.ca,
            responder: &other.responder,
            key: &other.responder_key,
            validity: Duration::hours(1),
        };
        let resp = respond(&req, &c, &lookup(&p), now);
        let err = check_response(&resp, &p.holder, &p.ca, None, now).unwrap_err();
        assert!(err.contains("the certificate's CA"), "{err}");
        // Key does not match the responder certificate: the signature fails.
        let c = ResponderContext {
            issuer: &p.ca,
            responder: &p.responder,
            key: &p.holder_key,
            validity: Duration::hours(1),
        };
        let resp = respond(&req, &c, &lookup(&p), now);
        let err = check_response(&resp, &p.holder, &p.ca, None, now).unwrap_err();
        assert!(err.contains("signature does not verify"), "{err}");
        // Stale and future answers.
        let resp = respond(&req, &ctx(&p), &lookup(&p), now);
        let err =
            check_response(&resp, &p.holder, &p.ca, None, now + Duration::hours(2)).unwrap_err();
        assert!(err.contains("stale"), "{err}");
        let err =
            check_response(&resp, &p.holder, &p.ca, None, now - Duration::hours(1)).unwrap_err();
        assert!(err.contains("future"), "{err}");
        assert!(check_response(&resp, &p.holder, &p.ca, None, now + Duration::minutes(59)).is_ok());
    }
}
