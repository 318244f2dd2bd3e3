//! The web kit shared by the participants' pages (portal, CSC, the provider's workplace).
//!
//! Pages are rendered on the server with `maud` (which escapes every value by default) and
//! work without a front-end framework; the only scripts are the in-browser signer and the
//! small module that drives it. What each module does:
//!
//! - [`page`]: the layout every page has (header with the service's name and the language
//!   switch, skip link, main landmark, footer) and the error page.
//! - [`lang`]: the page's language — `?lang=`, then the `lang` cookie, then
//!   `Accept-Language`, then Kazakh — and the layer that remembers a choice in the cookie.
//! - [`cookies`]: reading cookies and writing them with the right flags (HttpOnly,
//!   SameSite=Lax, Secure when served over https).
//! - [`session`]: logging in and out through the platform's own session API (the same
//!   path as `POST /api/session`), and [`session::Visitor`], who is looking at a page.
//! - [`login`]: the staff's log-in and log-out pages of every workplace.
//! - [`csrf`]: a per-session token in a hidden field, checked on every POST by a layer.
//! - [`form`]: the error summary and per-field error pattern, and the inputs.
//! - [`citizen`]: the citizen who came in person — their IIN checked by the number's rules,
//!   then in ГБД ФЛ through the gateway; the IIN's input; their name in the page's language.
//! - [`drafts`]: applications being filled between the form and the signature (values and
//!   files), in memory, for their owner only.
//! - [`filing`]: filing from pages — the regulation's form and documents as controls, the
//!   posted form read into a draft, the server's check, the review list, the application
//!   the browser signs and the `SignedFiling` sent on (the JSON API's body).
//! - [`signing`]: the signing form of every workplace (the person's own key file, opened
//!   and used only in the browser), for an application or a document's bytes.
//! - [`regulation`]: a regulation's form as HTML inputs, with the same rules in the
//!   browser (`required`, `pattern`, `maxlength`, `type`) as `core::regulation::form`
//!   checks on the server; and how its facts (deadlines, fees, channels) read in words.
//! - [`timeline`]: a request as the pages show it — status badge, times on Kazakhstan's
//!   clock, the action it waits for by its regulation's name, the history as a timeline.
//! - [`assets`]: the files pages load (`/assets/site.css`, `/assets/sign.js`,
//!   `/assets/portal.js`), compiled in, with their content types.
//! - [`words`]: the texts the kit itself shows, in kk/ru/en.
//!
//! The assets are compiled into the binaries (`include_str!`), so that a participant serves
//! the exact bytes its tests ran, with no files to deploy beside it. `tests/sign_js.rs` runs
//! the signer in Node (the same module runs in the browser: it uses only `crypto.subtle`)
//! against key files of the project's test NCA and verifies what it signs with the
//! project's verifier and with `openssl cms`.

pub mod assets;
pub mod citizen;
pub mod cookies;
pub mod csrf;
pub mod drafts;
pub mod filing;
pub mod form;
pub mod lang;
pub mod login;
pub mod page;
pub mod regulation;
pub mod session;
pub mod signing;
pub mod timeline;
pub mod words;

pub use maud::{html, Markup, PreEscaped};

/// A page's texts as functions, each a `Text` in Kazakh, Russian and English:
/// `texts! { title => "kk", "ru", "en"; … }` makes `pub fn title() -> Text`.
#[macro_export]
macro_rules! texts {
    ($($name:ident => $kk:expr, $ru:expr, $en:expr;)*) => {
        $(pub fn $name() -> qyzmet_core::Text { qyzmet_core::Text::new($kk, $ru, $en) })*
    };
}

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
