//! Wrong input in the portal's form fields, in a real browser (headless Chromium): the
//! browser's own rule refuses it where the kit gives one; past it (`noValidate`), the
//! server's check says it at the field (`#f-<name>-error`, `aria-invalid`,
//! `aria-describedby`) and in the summary (a link to `#f-<name>`), keeps what was typed,
//! and files nothing. Kindergarten registration in Russian (text, address, phone, choice,
//! date), the home-schooling form in English (an IIN's check digit, the documents), the
//! unemployed certificate in Kazakh (a file of the wrong type), the archival certificate in
//! Russian (a citizen's BIN field: its pattern, never their IIN; a file required).

mod browser;
mod common;

use browser::{browser, click, driver, fill, heading, text};
use common::Client;
use fantoccini::{Client as Browser, Locator};
use serde_json::Value;

async fn js(b: &Browser, script: &str) -> Value {
    b.execute(script, vec![]).await.unwrap()
}

/// Whether the browser's own rule takes field `id`'s value.
async fn valid(b: &Browser, id: &str) -> bool {
    js(
        b,
        &format!("return document.getElementById('{id}').checkValidity()"),
    )
    .await
    .as_bool()
    .unwrap()
}

/// The server's message for field `name`: at the field, in the summary with its link, the
/// control marked and described by it (for radios, the fieldset describes).
async fn said_at(b: &Browser, name: &str, want: &str) {
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let id = format!("f-{safe}");
    let at = text(b, &format!("#{id}-error")).await;
    assert!(at.contains(want), "{name}: {at:?} lacks {want:?}");
    let summary = text(b, ".error-summary").await;
    let link = b
        .find(Locator::Css(&format!(".error-summary a[href='#{id}']")))
        .await
        .unwrap_or_else(|_| panic!("no summary link to #{id}: {summary}"));
    assert!(link.text().await.unwrap().contains(want), "{summary}");
    let input = b.find(Locator::Css(&format!("#{id}"))).await.unwrap();
    assert_eq!(
        input.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true"),
        "{name}"
    );
    let described = js(
        b,
        &format!(
            "const e = document.getElementById('{id}');
             return (e.getAttribute('aria-describedby') || e.closest('fieldset')?.getAttribute('aria-describedby') || '')"
        ),
    )
    .await;
    assert!(
        described
            .as_str()
            .unwrap()
            .split(' ')
            .any(|d| d == format!("{id}-error")),
        "{name}: described by {described}"
    );
}

async fn attr(b: &Browser, css: &str, a: &str) -> Option<String> {
    b.find(Locator::Css(css))
        .await
        .unwrap()
        .attr(a)
        .await
        .unwrap()
}

async fn submit_unchecked(b: &Browser) {
    js(
        b,
        "document.querySelector('form[enctype]').noValidate = true",
    )
    .await;
    click(b, "form[enctype] button[type=submit]").await;
}

#[test]
fn wrong_input_is_said_at_its_field_and_nothing_is_filed() {
    let server = common::start(None);
    let me = server
        .report
        .with_role("recipient")
        .find(|a| a.key_file.is_some())
        .cloned()
        .unwrap();
    let api = Client::login(&server, &me.login);
    let before = api.get("/api/portal/requests").ok();
    let scan = server.data.join("scan.exe");
    std::fs::write(&scan, b"MZ not a scan").unwrap();
    let d = driver();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let b = browser(d.1).await;
        let base = &server.base;
        b.goto(&format!("{base}/portal/login?lang=ru")).await.unwrap();
        fill(&b, "#f-login", &me.login).await;
        fill(&b, "#f-password", &server.report.password).await;
        click(&b, "form[action='/portal/login'] button").await;
        text(&b, ".user").await;

        // Russian: the kindergarten's form.
        b.goto(&format!("{base}/portal/services/kindergarten-registration/apply?lang=ru"))
            .await
            .unwrap();
        heading(&b, "Заявление").await;
        // The browser's own rules.
        assert!(!valid(&b, "f-applicant-name").await, "a required field left empty");
        fill(&b, "#f-applicant-phone", "12345").await;
        assert!(!valid(&b, "f-applicant-phone").await, "a phone against its pattern");
        fill(&b, "#f-email", "not-an-email").await;
        assert!(!valid(&b, "f-email").await, "an e-mail");
        assert_eq!(attr(&b, "#f-child-birth-date", "type").await.as_deref(), Some("date"));
        assert!(attr(&b, "#f-child-birth-date", "max").await.is_some(), "not in the future");
        assert!(attr(&b, "#f-child-birth-date", "min").await.is_some(), "under 7");
        // Past them: the server's.
        fill(&b, "#f-applicant-address", "Айыртау, ул. Абая 1").await;
        fill(&b, "#f-child-name", "Асанов Асан").await;
        js(
            &b,
            "const r = document.getElementById('f-child-relation');
             const o = r.cloneNode(); o.id = 'f-child-relation-x'; o.value = 'niece'; o.checked = true;
             r.parentNode.appendChild(o);
             const d = document.getElementById('f-child-birth-date');
             d.type = 'text'; d.value = '2025-02-30';",
        )
        .await;
        submit_unchecked(&b).await;
        said_at(&b, "applicant_name", "обязательно для заполнения").await;
        said_at(&b, "applicant_phone", "номер телефона не в ожидаемом формате").await;
        said_at(&b, "child_relation", "«niece»").await;
        said_at(&b, "child_birth_date", "существующая дата").await;
        said_at(&b, "email", "name@example.kz").await;
        assert!(text(&b, ".error-summary").await.contains("Есть ошибки"));
        // What was typed is kept (the impossible date in the page, which a date input
        // shows as empty).
        assert_eq!(attr(&b, "#f-applicant-phone", "value").await.as_deref(), Some("12345"));
        assert_eq!(attr(&b, "#f-email", "value").await.as_deref(), Some("not-an-email"));
        assert_eq!(
            attr(&b, "#f-applicant-address", "value").await.as_deref(),
            Some("Айыртау, ул. Абая 1")
        );
        assert!(b.source().await.unwrap().contains("value=\"2025-02-30\""));
        // A real date outside the allowed range: a child of 7 or more.
        js(
            &b,
            "const d = document.getElementById('f-child-birth-date'); d.type = 'text'; d.value = '2015-01-01';",
        )
        .await;
        submit_unchecked(&b).await;
        said_at(&b, "child_birth_date", "допускается меньше 7").await;

        // English: the home-schooling form, an IIN with a wrong check digit.
        b.goto(&format!(
            "{base}/portal/services/disabled-children-home-schooling/apply?lang=en"
        ))
        .await
        .unwrap();
        assert_eq!(attr(&b, "#f-child-iin", "pattern").await.as_deref(), Some("[0-9]{12}"));
        fill(&b, "#f-child-iin", "85010130000").await;
        assert!(!valid(&b, "f-child-iin").await, "eleven digits");
        fill(&b, "#f-child-iin", "850101300006").await;
        submit_unchecked(&b).await;
        said_at(&b, "child_iin", "Field").await;
        assert_eq!(attr(&b, "#f-child-iin", "value").await.as_deref(), Some("850101300006"));
        said_at(&b, "attachments.birth-certificate", "not attached").await;

        // Kazakh: the unemployed certificate, a file of a type it does not accept.
        b.goto(&format!("{base}/portal/services/unemployed-certificate/apply?lang=kk"))
            .await
            .unwrap();
        let accept = attr(&b, "#f-scanned-documents", "accept").await.unwrap();
        assert!(accept.contains(".pdf") && !accept.contains("exe"), "{accept}");
        b.find(Locator::Css("#f-scanned-documents"))
            .await
            .unwrap()
            .send_keys(scan.to_str().unwrap())
            .await
            .unwrap();
        submit_unchecked(&b).await;
        said_at(&b, "scanned_documents", "рұқсат етілмеген").await;

        // A citizen's BIN field (prefilled from a BIN login) is not filled with their IIN,
        // and a posted value is not taken: the archival certificate's optional BIN.
        b.goto(&format!("{base}/portal/services/archival-certificate/apply?lang=ru"))
            .await
            .unwrap();
        assert_eq!(attr(&b, "#f-applicant-bin", "pattern").await.as_deref(), Some("[0-9]{12}"));
        assert_eq!(attr(&b, "#f-applicant-bin", "value").await.as_deref(), Some(""));
        js(&b, "const e = document.getElementById('f-applicant-bin'); e.readOnly = false; e.value = '123';").await;
        assert!(!valid(&b, "f-applicant-bin").await, "a BIN against its pattern");
        submit_unchecked(&b).await;
        said_at(&b, "documents", "приложите файл").await;
        assert!(b.find(Locator::Css("#f-applicant-bin-error")).await.is_err(), "no BIN error");
        assert_eq!(attr(&b, "#f-applicant-bin", "value").await.as_deref(), Some(""));

        b.close().await.unwrap();
    });
    // Nothing was filed.
    let after = api.get("/api/portal/requests").ok();
    assert_eq!(before, after);
}
