//! The web kit shared by the participants' pages (portal, CSC, the provider's workplace).
//!
//! For now it holds the signer asset, [`SIGN_JS`]: the ES module with which a citizen signs
//! a request in the browser with their own PKCS#12 key file and its password. The key file
//! is opened, and the signature made, by the browser's WebCrypto: the private key and the
//! password never leave the page, only the CMS signature is sent (ARCHITECTURE, `crates/pki`:
//! the platform never holds a citizen's private key).
//!
//! The assets are compiled into the binaries (`include_str!`), so that a participant serves
//! the exact bytes its tests ran, with no files to deploy beside it. `tests/sign_js.rs` runs
//! the module in Node (the same module runs in the browser: it uses only `crypto.subtle`)
//! against key files of the project's test NCA and verifies what it signs with the
//! project's verifier and with `openssl cms`.

/// `sign.js`: an ES module, dependency-free, WebCrypto only; serve it as
/// `text/javascript`. It exports `openKeyFile(bytes, password)`, `signCms(keyFile, content,
/// { detached, signingTime, withChain })`, `SignError` and `ERROR_CODES`: the API, the stable
/// error codes (for the pages to translate) and what is read and written are described at
/// the top of the file.
///
/// It writes CMS SignedData exactly as `qyzmet_pki::cms::sign` does (CAdES-BES: content
/// type, message digest, signing time, signing-certificate-v2), so that the verifier of
/// `qyzmet_pki::verify` accepts it and, for an RSA key, the same content and time give the
/// same bytes in Rust and in the browser.
pub const SIGN_JS: &str = include_str!("../assets/sign.js");
