//! Qyzmet's PKI: the test national certification authority (NCA) and e-signatures.
//!
//! Structures (certificates, CRLs, OCSP, CMS) are built and parsed with the RustCrypto `der`
//! family; the arithmetic of keys and signatures is OpenSSL's, behind
//! [`algorithm::SignatureAlgorithm`], so that another line (GOST 34.10-2015) is one more
//! implementation rather than a rewrite.

pub mod algorithm;
pub mod cert;
pub mod cms;
pub mod crl;
pub mod error;
pub mod http;
pub mod key;
pub mod nca;
pub mod ocsp;
pub mod p12;
pub mod profile;
pub mod revocation;
pub mod sources;
pub mod verify;

pub use cert::Cert;
pub use crl::Crl;
pub use error::{PkiError, Result};
pub use key::{KeyType, SigningKey};
pub use ocsp::ResponderContext;
pub use profile::{Holder, KeyPurpose, Organisation, Role};
pub use sources::{CombinedSource, CrlSource, HttpFetch, OcspSource, Transport};
pub use verify::{Expectation, SignatureRefusal, ValidationReport, Verifier};
