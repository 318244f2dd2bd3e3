//! Key files: a private key with its certificate and chain in a password-protected PKCS#12
//! file, as the NCA delivers them. OpenSSL 3 writes PBES2 (AES-256-CBC) with PBKDF2.

use crate::cert::Cert;
use crate::error::{PkiError, Result};
use crate::key::SigningKey;
use openssl::pkcs12::Pkcs12;
use openssl::stack::Stack;
use openssl::x509::X509;

/// What a key file holds.
pub struct KeyFile {
    pub key: SigningKey,
    pub cert: Cert,
    /// The issuing CA(s) up to the root, as the NCA packs them.
    pub chain: Vec<Cert>,
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyFile({:?})", self.cert)
    }
}

/// Pack a key, its certificate and chain, protected by `password`.
pub fn export(
    key: &SigningKey,
    cert: &Cert,
    chain: &[Cert],
    password: &str,
    friendly_name: &str,
) -> Result<Vec<u8>> {
    if password.is_empty() {
        return Err(PkiError::Refused("a key file needs a password".into()));
    }
    let mut ca = Stack::new()?;
    for c in chain {
        ca.push(X509::from_der(&c.der)?)?;
    }
    let x509 = X509::from_der(&cert.der)?;
    let p12 = Pkcs12::builder()
        .name(friendly_name)
        .pkey(key.pkey())
        .cert(&x509)
        .ca(ca)
        .build2(password)?;
    Ok(p12.to_der()?)
}

/// Open a key file. A wrong password and a damaged file are told apart.
pub fn open(der: &[u8], password: &str) -> Result<KeyFile> {
    let p12 = Pkcs12::from_der(der).map_err(|e| PkiError::malformed("PKCS#12 key file", e))?;
    let parsed = p12.parse2(password).map_err(|_| PkiError::WrongPassword)?;
    let key = parsed
        .pkey
        .ok_or_else(|| PkiError::malformed("PKCS#12 key file", "it holds no private key"))?;
    let cert = parsed
        .cert
        .ok_or_else(|| PkiError::malformed("PKCS#12 key file", "it holds no certificate"))?;
    let cert = Cert::from_der(&cert.to_der()?)?;
    let key = SigningKey::from_pkey(key)?;
    if key.public_key_der()? != cert.spki_der()? {
        return Err(PkiError::malformed(
            "PKCS#12 key file",
            "the key does not match the certificate",
        ));
    }
    let mut chain = Vec::new();
    if let Some(stack) = parsed.ca {
        for c in stack {
            chain.push(Cert::from_der(&c.to_der()?)?);
        }
    }
    Ok(KeyFile { key, cert, chain })
}
