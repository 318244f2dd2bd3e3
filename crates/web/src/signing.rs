//! The signing form every workplace shares: the person picks their own PKCS#12 key file and
//! types its password; `portal.js` opens the file with `sign.js`, checks that the key was
//! issued to the person expected to sign, signs the content as an attached CMS (CAdES-BES)
//! and posts only that CMS, in the hidden `cms` field. The key file and password inputs have
//! no `name`, so they are never sent, even when the script fails.
//!
//! What is signed is written by the server: an application (a citizen's or an operator's
//! filing, completed in the browser with a fresh nonce) or the exact bytes of a document (a
//! result the employee signs).

use crate::words;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use maud::{html, Markup};
use qyzmet_core::{Lang, Text};
use serde_json::{json, Value};

/// What the browser signs.
pub enum Content<'a> {
    /// An application without its nonce: `{service, version, channel, recipient, form,
    /// attachments}`; the browser adds the nonce and signs its JSON.
    Application(&'a Value),
    /// These bytes, as they are (base64 on the page).
    Bytes(&'a [u8]),
}

/// A signing form.
pub struct SigningForm<'a> {
    /// Where the CMS is posted.
    pub action: &'a str,
    /// The visitor's CSRF token.
    pub csrf: &'a str,
    /// The IIN (or BIN) the key must be issued to; the browser refuses any other key
    /// before it signs (the server checks it again).
    pub signer: &'a str,
    pub content: Content<'a>,
    /// The submit button's words.
    pub button: Text,
}

/// The error summary the script fills, the note shown without scripts, and the form.
/// The page loads `portal.js`.
pub fn form(lang: Lang, f: &SigningForm) -> Markup {
    let (draft, bytes) = match &f.content {
        Content::Application(a) => (Some(a.to_string()), None),
        Content::Bytes(b) => (None, Some(STANDARD.encode(b))),
    };
    let keyfile = html! {
        input type="file" id="f-keyfile" accept=".p12,.pfx" aria-describedby="f-keyfile-hint f-keyfile-error";
    };
    let password = html! {
        input type="password" id="f-password" autocomplete="off" aria-describedby="f-password-error";
    };
    html! {
        div.error-summary #sign-errors role="alert" aria-labelledby="sign-errors-title" tabindex="-1" hidden {
            h2 #sign-errors-title { (words::there_is_a_problem().get(lang)) }
            ul {}
        }
        noscript { p.notice { (needs_script().get(lang)) } }
        form #sign method="post" action=(f.action) data-sign data-signer=(f.signer)
            data-draft=[draft] data-content=[bytes] data-messages=(messages(lang)) {
            input type="hidden" name="csrf" value=(f.csrf);
            input type="hidden" name="cms" value="";
            (field(lang, "f-keyfile", &key_file(), Some(&key_file_hint()), keyfile))
            (field(lang, "f-password", &key_password(), None, password))
            div.actions { button type="submit" { (f.button.get(lang)) } }
        }
    }
}

/// A field of the signing form whose error the script shows (hidden until then).
fn field(lang: Lang, id: &str, label: &Text, hint: Option<&Text>, input: Markup) -> Markup {
    html! {
        div.field {
            label for=(id) { (label.get(lang)) }
            @if let Some(h) = hint { p.hint id={ (id) "-hint" } { (h.get(lang)) } }
            p.field-error id={ (id) "-error" } hidden {
                span.visually-hidden { (words::error_prefix().get(lang)) " " }
                span.message {}
            }
            (input)
        }
    }
}

/// What sign.js's errors and the form's own checks say, in the page's language.
fn messages(lang: Lang) -> String {
    let damaged = Text::new(
        "Кілт файлы бүлінген немесе толық емес",
        "Файл ключа повреждён или неполон",
        "The key file is damaged or incomplete",
    );
    let failed = Text::new(
        "Қол қою мүмкін болмады; қайталап көріңіз",
        "Подписать не удалось; попробуйте ещё раз",
        "Signing failed; please try again",
    );
    json!({
        "keyfile.required": Text::new("ЭЦҚ кілтінің файлын таңдаңыз", "Выберите файл ключа ЭЦП", "Choose your e-signature key file").get(lang),
        "password.required": Text::new("Кілттің құпиясөзін енгізіңіз", "Введите пароль ключа", "Enter the key's password").get(lang),
        "signer.not_expected": Text::new(
            "Бұл кілт сіздің ЖСН-ға берілмеген: өз кілтіңізді таңдаңыз",
            "Этот ключ выдан не на ваш ИИН: выберите свой ключ",
            "This key was not issued to your IIN: choose your own key",
        ).get(lang),
        "signing": Text::new("Қол қойылуда…", "Подписание…", "Signing…").get(lang),
        "keyfile.wrong_password": Text::new("Құпиясөз кілт файлын ашпайды", "Пароль не подходит к файлу ключа", "The password does not open the key file").get(lang),
        "keyfile.not_pkcs12": Text::new("Бұл файл PKCS#12 кілт файлы емес", "Этот файл — не файл ключа PKCS#12", "This file is not a PKCS#12 key file").get(lang),
        "keyfile.unsupported_algorithm": Text::new(
            "Бұл кілт файлының алгоритміне қолдау көрсетілмейді",
            "Алгоритм этого файла ключа не поддерживается",
            "This key file's algorithm is not supported",
        ).get(lang),
        "keyfile.no_key": damaged.get(lang),
        "keyfile.no_certificate": damaged.get(lang),
        "keyfile.key_mismatch": damaged.get(lang),
        "keyfile.damaged": damaged.get(lang),
        "crypto.unavailable": Text::new(
            "Бұл браузерде қол қою мүмкін емес (WebCrypto жоқ); сайтты https арқылы ашыңыз",
            "В этом браузере подписать нельзя (нет WebCrypto); откройте сайт по https",
            "This browser cannot sign here (no WebCrypto); open the site over https",
        ).get(lang),
        "sign.bad_input": failed.get(lang),
        "sign.failed": failed.get(lang),
    })
    .to_string()
}

/// Shown where a page needs the script to sign (and by the server when a form arrives
/// without a signature).
pub fn needs_script() -> Text {
    Text::new(
        "Браузерде қол қою үшін JavaScript қосулы болуы керек.",
        "Для подписания в браузере должен быть включён JavaScript.",
        "Signing in the browser needs JavaScript to be on.",
    )
}

fn key_file() -> Text {
    Text::new(
        "ЭЦҚ кілтінің файлы (PKCS#12, .p12)",
        "Файл ключа ЭЦП (PKCS#12, .p12)",
        "E-signature key file (PKCS#12, .p12)",
    )
}

fn key_file_hint() -> Text {
    Text::new(
        "ҰКО берген қол қою кілті",
        "Ключ для подписи, выданный НУЦ",
        "The signing key the National Certification Authority issued you",
    )
}

fn key_password() -> Text {
    Text::new("Кілттің құпиясөзі", "Пароль ключа", "Key password")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_names_its_signer_and_content_and_never_names_the_key_inputs() {
        let app = json!({"service": "x"});
        let f = SigningForm {
            action: "/p",
            csrf: "t",
            signer: "900101300123",
            content: Content::Application(&app),
            button: Text::new("a", "b", "c"),
        };
        let html = form(Lang::En, &f).into_string();
        assert!(html.contains(r#"data-signer="900101300123""#), "{html}");
        assert!(html.contains("data-draft="), "{html}");
        assert!(!html.contains("data-content="), "{html}");
        assert!(!html.contains(r#"name="keyfile""#) && !html.contains(r#"name="password""#));
        let b = SigningForm {
            content: Content::Bytes(b"doc"),
            ..f
        };
        let html = form(Lang::Ru, &b).into_string();
        assert!(html.contains(r#"data-content="ZG9j""#), "{html}");
        assert!(html.contains("Пароль ключа"), "{html}");
    }
}
