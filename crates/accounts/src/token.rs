//! Session tokens: 256 random bits given to the client once; the server keeps only their
//! SHA-256, so a leaked session table opens no session.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A new session token (URL-safe text) and the digest to store.
pub fn issue() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let stored = digest(&token);
    (token, stored)
}

/// The digest under which a token is stored and looked up.
pub fn digest(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}
