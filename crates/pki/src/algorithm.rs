//! Signature algorithms behind one trait, so that the CMS and certificate code never names an
//! algorithm. The NCA's RSA line (RSA-2048 with SHA-256) and ECDSA P-256 are here; the GOST
//! 34.10-2015 line is one more implementation of [`SignatureAlgorithm`] and one more entry in
//! [`by_oids`].

use crate::error::{PkiError, Result};
use const_oid::ObjectIdentifier;
use der::asn1::Null;
use der::{Any, Encode};
use openssl::error::ErrorStack;
use openssl::md::Md;
use openssl::pkey::{Id, PKey, Public};
use openssl::pkey_ctx::PkeyCtx;
use spki::AlgorithmIdentifierOwned;
use std::sync::{Arc, Mutex};

pub const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
pub const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
pub const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
pub const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
pub const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// A public key ready for verification: parsed once, kept in caches. It keeps the OpenSSL
/// verification contexts it made (one per concurrent use), so that a repeat verification is
/// one `EVP_PKEY_verify` of a digest, without fetching the algorithm again.
#[derive(Clone)]
pub struct VerifyingKey {
    pkey: PKey<Public>,
    id: Id,
    contexts: Arc<Mutex<Vec<PkeyCtx<Public>>>>,
}

/// SHA-256 by OpenSSL's low-level functions: the one-shot `SHA256()` of OpenSSL 3 fetches
/// the algorithm from the provider on each call, which costs more than hashing a few
/// hundred bytes.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let mut hasher = openssl::sha::Sha256::new();
    hasher.update(data);
    hasher.finish()
}

/// How many idle verification contexts a key keeps.
const MAX_IDLE_CONTEXTS: usize = 8;

impl VerifyingKey {
    /// From the DER of a SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        let pkey =
            PKey::public_key_from_der(der).map_err(|e| PkiError::malformed("public key", e))?;
        Ok(VerifyingKey {
            id: pkey.id(),
            pkey,
            contexts: Arc::default(),
        })
    }

    fn new_context(&self) -> std::result::Result<PkeyCtx<Public>, ErrorStack> {
        let mut ctx = PkeyCtx::new(&self.pkey)?;
        ctx.verify_init()?;
        ctx.set_signature_md(Md::sha256())?;
        Ok(ctx)
    }

    /// Whether `signature` is valid for `message` hashed with SHA-256 (RSA PKCS#1 v1.5 or
    /// ECDSA, as the key is): what a gateway checks on every message of a system.
    pub fn verify_sha256(&self, message: &[u8], signature: &[u8]) -> Result<bool> {
        self.verify_sha256_digest(&sha256(message), signature)
    }

    /// Whether `signature` is valid for a message whose SHA-256 is `digest` (RSA PKCS#1 v1.5
    /// or ECDSA, as the key is). A malformed signature is simply not valid.
    fn verify_sha256_digest(&self, digest: &[u8; 32], signature: &[u8]) -> Result<bool> {
        let idle = self
            .contexts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop();
        let mut ctx = match idle {
            Some(ctx) => ctx,
            None => self.new_context()?,
        };
        // OpenSSL reports a malformed signature as an error; to a caller it is simply not valid.
        let valid = ctx.verify(digest, signature).unwrap_or(false);
        if valid {
            // A context that failed is dropped rather than trusted with the next signature.
            let mut idle = self.contexts.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < MAX_IDLE_CONTEXTS {
                idle.push(ctx);
            }
        }
        Ok(valid)
    }
}

/// A signature algorithm as certificates, CRLs, OCSP answers and CMS name it.
pub trait SignatureAlgorithm: Send + Sync + 'static {
    /// Short human name, e.g. `RSA-SHA256`.
    fn name(&self) -> &'static str;
    /// The identifier written into certificates and CRLs as the signature algorithm.
    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned;
    /// The digest algorithm identifier CMS writes beside it.
    fn digest_algorithm(&self) -> AlgorithmIdentifierOwned;
    /// The digest over `data`, as the CMS message-digest attribute holds it.
    fn digest(&self, data: &[u8]) -> Result<Vec<u8>>;
    /// Whether `signature` is valid for `message` under `key`.
    fn verify(&self, key: &VerifyingKey, message: &[u8], signature: &[u8]) -> Result<bool>;
}

fn alg(oid: ObjectIdentifier, null_params: bool) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid,
        parameters: null_params.then(|| Any::encode_from(&Null).expect("NULL encodes")),
    }
}

fn verify_with_sha256(key: &VerifyingKey, message: &[u8], signature: &[u8]) -> Result<bool> {
    key.verify_sha256_digest(&sha256(message), signature)
}

/// RSA PKCS#1 v1.5 with SHA-256, the NCA's RSA line.
pub struct RsaSha256;

impl SignatureAlgorithm for RsaSha256 {
    fn name(&self) -> &'static str {
        "RSA-SHA256"
    }
    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        alg(SHA256_WITH_RSA, true)
    }
    fn digest_algorithm(&self) -> AlgorithmIdentifierOwned {
        alg(SHA256, true)
    }
    fn digest(&self, data: &[u8]) -> Result<Vec<u8>> {
        Ok(sha256(data).to_vec())
    }
    fn verify(&self, key: &VerifyingKey, message: &[u8], signature: &[u8]) -> Result<bool> {
        if key.id != Id::RSA {
            return Ok(false);
        }
        verify_with_sha256(key, message, signature)
    }
}

/// ECDSA over P-256 with SHA-256.
pub struct EcdsaP256Sha256;

impl SignatureAlgorithm for EcdsaP256Sha256 {
    fn name(&self) -> &'static str {
        "ECDSA-P256-SHA256"
    }
    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        alg(ECDSA_WITH_SHA256, false)
    }
    fn digest_algorithm(&self) -> AlgorithmIdentifierOwned {
        alg(SHA256, false)
    }
    fn digest(&self, data: &[u8]) -> Result<Vec<u8>> {
        Ok(sha256(data).to_vec())
    }
    fn verify(&self, key: &VerifyingKey, message: &[u8], signature: &[u8]) -> Result<bool> {
        if key.id != Id::EC {
            return Ok(false);
        }
        verify_with_sha256(key, message, signature)
    }
}

pub static RSA_SHA256: RsaSha256 = RsaSha256;
pub static ECDSA_P256_SHA256: EcdsaP256Sha256 = EcdsaP256Sha256;

/// The algorithm named by a signature algorithm OID and (for CMS, which may write the bare key
/// algorithm, e.g. `rsaEncryption`) a digest OID.
pub fn by_oids(
    signature: &ObjectIdentifier,
    digest: Option<&ObjectIdentifier>,
) -> Result<&'static dyn SignatureAlgorithm> {
    let sha256 = digest.is_none_or(|d| *d == SHA256);
    match *signature {
        SHA256_WITH_RSA if sha256 => Ok(&RSA_SHA256),
        RSA_ENCRYPTION if digest == Some(&SHA256) => Ok(&RSA_SHA256),
        ECDSA_WITH_SHA256 if sha256 => Ok(&ECDSA_P256_SHA256),
        _ => Err(PkiError::UnsupportedAlgorithm(match digest {
            Some(d) => format!("{signature} with digest {d}"),
            None => signature.to_string(),
        })),
    }
}

/// DER of an algorithm identifier, for comparisons.
pub fn der_of(a: &AlgorithmIdentifierOwned) -> Vec<u8> {
    a.to_der().unwrap_or_default()
}
