//! The portal's payment step and the doctor's slot choice, in a real browser (headless
//! Chromium through WebDriver) against a running platform with the demo.
//!
//! Payment: a paid service (the apostille, whose demo fee is 1 МРП) filed through the API
//! waits for its payment; its request page shows the invoice (amount, what for, to whom) and
//! a card form. A card the demo bank declines shows the bank's reason at the field and in the
//! summary and changes nothing (the API still says «awaiting payment»); a card number that
//! is not one is refused at its field; another citizen cannot pay it (refused by the
//! provider's IS, the invoice still unpaid); a good card pays it and the request moves on —
//! its status, its timeline, and the API say so.
//!
//! The doctor's slot: the form offers the clinic's doctors and, for a doctor and a day, the
//! doctor's free slots from the doctors' schedules as radio buttons (a GET step: no script
//! needed); the slot chosen is filed and signed, and the schedule then no longer offers it
//! (asked through the API); a slot booked by someone else between the choice and the
//! signature is an error at the slot's field, and nothing is filed.

mod browser;
mod common;

use browser::{body, browser, click, driver, fill, heading, text};
use common::Client;
use fantoccini::Locator;
use serde_json::{json, Value};
use std::path::Path;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn log_in(b: &fantoccini::Client, base: &str, login: &str, password: &str) {
    b.goto(&format!("{base}/portal/login?lang=ru"))
        .await
        .unwrap();
    heading(b, "Вход на портал").await;
    fill(b, "#f-login", login).await;
    fill(b, "#f-password", password).await;
    click(b, "form[action='/portal/login'] button").await;
    text(b, ".user").await;
}

/// The request as its recipient reads it through the API.
fn read(api: &Client, id: &str) -> Value {
    api.get(&format!("/api/portal/requests/{id}")).ok()
}

/// A paid service filed through the API, waiting for its payment: its id.
fn paid_request(server: &common::Server, recipient: &str) -> String {
    let (_, answer) = common::file_request(server, "archive-apostille", "portal", recipient);
    let id = answer.ok()["request_id"].as_str().unwrap().to_string();
    let view = read(&Client::login(server, recipient), &id);
    assert_eq!(view["status"], "awaiting_payment", "{view}");
    assert_eq!(view["waiting"]["operation"], "pay", "{view}");
    id
}

async fn pay_with(b: &fantoccini::Client, number: &str, expiry: &str) {
    fill(b, "#f-card-number", number).await;
    fill(b, "#f-card-expiry", expiry).await;
    click(b, "form[action$='/pay'] button[type=submit]").await;
}

#[test]
fn a_citizen_pays_the_invoice_on_the_request_page() {
    let server = common::start(None);
    let me = "581205400815";
    let other = server
        .report
        .with_role("recipient")
        .find(|a| a.login != me && a.key_file.is_some())
        .unwrap()
        .login
        .clone();
    let id = paid_request(&server, me);
    let api = Client::login(&server, me);
    let number = read(&api, &id)["number"].as_str().unwrap().to_string();

    let d = driver();
    runtime().block_on(async {
        let b = browser(d.1).await;
        let base = &server.base;
        let page = format!("{base}/portal/requests/{id}?lang=ru");

        // Another citizen cannot pay it, even with a good card and the page's own token.
        log_in(&b, base, &other, &server.report.password).await;
        b.goto(&format!("{base}/portal/requests/{id}")).await.unwrap();
        heading(&b, "Доступ запрещён").await;
        let status = b
            .execute_async(
                "const [id, done] = arguments;
                 const csrf = document.querySelector('input[name=csrf]').value;
                 fetch('/portal/requests/' + id + '/pay', {method: 'POST', body: new URLSearchParams(
                     {csrf, card_number: '4242424242424242', card_expiry: '12/30'})})
                   .then(async r => done([r.status, await r.text()]));",
                vec![json!(id)],
            )
            .await
            .unwrap();
        assert_eq!(status[0], json!(403), "{status}");
        assert!(status[1].as_str().unwrap().contains("Доступ запрещён"));
        assert_eq!(read(&api, &id)["status"], "awaiting_payment");
        browser::log_out(&b).await;

        // The recipient: the invoice on the request page.
        log_in(&b, base, me, &server.report.password).await;
        b.goto(&page).await.unwrap();
        assert_eq!(text(&b, "#request-status").await, "Ожидает оплаты");
        assert_eq!(text(&b, "#invoice-title").await, "Счёт на оплату");
        let invoice = text(&b, "#invoice").await;
        for want in [
            "4 325 ₸", // (no-break spaces, as WebDriver reads them)
            "1 МРП",
            "Апостилирование",
            &number,
            "Получатель платежа",
            me,
        ] {
            assert!(invoice.contains(want), "{want} in {invoice}");
        }
        let field = b.find(Locator::Css("#f-card-number")).await.unwrap();
        assert_eq!(field.attr("autocomplete").await.unwrap().as_deref(), Some("cc-number"));
        assert!(text(&b, "label[for=f-card-number]").await.contains("Номер карты"));
        // The browser's own rule first: letters are not a card number.
        fill(&b, "#f-card-number", "abcd efgh ijkl").await;
        let valid = b
            .execute("return document.getElementById('f-card-number').checkValidity()", vec![])
            .await
            .unwrap();
        assert_eq!(valid, json!(false), "the field's pattern applies");

        // A card the demo bank declines: its reason at the field and in the summary.
        pay_with(&b, "4000 0000 0000 9995", "12/30").await;
        let summary = text(&b, ".error-summary").await;
        assert!(summary.contains("недостаточно средств"), "{summary}");
        let link = b.find(Locator::Css(".error-summary a")).await.unwrap();
        assert_eq!(link.attr("href").await.unwrap().as_deref(), Some("#f-card-number"));
        assert!(text(&b, "#f-card-number-error").await.contains("недостаточно средств"));
        let field = b.find(Locator::Css("#f-card-number")).await.unwrap();
        assert_eq!(field.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
        assert_eq!(text(&b, "#request-status").await, "Ожидает оплаты");
        assert!(text(&b, "#invoice").await.contains("недостаточно средств"), "the attempt is shown");
        let view = read(&api, &id);
        assert_eq!(view["status"], "awaiting_payment", "{view}");
        assert_eq!(view["waiting"]["operation"], "pay");

        // In English, the same reason in English.
        b.goto(&format!("{base}/portal/requests/{id}?lang=en")).await.unwrap();
        pay_with(&b, "4000000000000002", "12/30").await;
        assert!(text(&b, "#f-card-number-error").await.contains("The bank declined the card"));
        // An expired card: at the expiry.
        pay_with(&b, "4242424242424242", "01/24").await;
        assert!(text(&b, "#f-card-expiry-error").await.contains("The card has expired"));
        // Not a card number (the Luhn check): at the field; the expiry's format.
        b.goto(&page).await.unwrap();
        pay_with(&b, "4242 4242 4242 4241", "12/30").await;
        assert!(text(&b, "#f-card-number-error").await.contains("Неверный номер карты"));
        pay_with(&b, "4242 4242 4242 4242", "13/30").await;
        assert!(text(&b, "#f-card-expiry-error").await.contains("ММ/ГГ"));
        assert_eq!(read(&api, &id)["status"], "awaiting_payment");

        // A good card: paid, and the request moves on.
        pay_with(&b, "4242 4242 4242 4242", "12/30").await;
        assert!(text(&b, ".notice").await.contains("Оплата принята"));
        let status = text(&b, "#request-status").await;
        assert_ne!(status, "Ожидает оплаты");
        assert!(b.find(Locator::Css("#invoice")).await.is_err(), "no invoice once paid");
        let timeline = text(&b, ".timeline").await;
        assert!(timeline.contains("Оплата услуги"), "{timeline}");
        assert!(timeline.contains("Ожидает оплаты → "), "{timeline}");
        assert!(timeline.contains(&format!("→ {status}")), "{timeline}");
        let view = read(&api, &id);
        assert_ne!(view["status"], "awaiting_payment", "{view}");
        assert_ne!(view["waiting"]["operation"], "pay", "{view}");
        // Paying again is not offered, and is refused.
        let again = api.post(&format!("/api/portal/requests/{id}/pay"), json!({"payment_ref": "X-1"}));
        assert_eq!(again.status, 409, "{:?}", again.body);
        assert_eq!(again.body["code"], "request.out_of_turn", "{:?}", again.body);
        // The payment gateway holds it paid by that card (its last four digits only).
        let paid = server.platform.registries.with(|r| r.payment_gateway.invoice(&number).cloned()).unwrap();
        assert!(paid.confirmed(), "{paid:?}");
        assert!(format!("{:?}", paid.state).contains("CARD-4242-"), "{paid:?}");
        assert!(!format!("{paid:?}").contains("4242424242424242"));

        // The request carries on to its end (the employee's side through the API).
        let end = common::carry(&server, "archive-apostille", &id, me);
        assert_eq!(end["status"], "completed", "{end}");
        b.goto(&page).await.unwrap();
        assert_eq!(text(&b, "#request-status").await, "Исполнение завершено");
        assert!(body(&b).await.contains("Посмотреть результат"));
        b.close().await.unwrap();
    });
}

/// The free times `doctor` has on `day`, as the API gives them (`HH:MM:SS`).
fn free(api: &Client, doctor: &str, day: chrono::NaiveDate) -> Vec<String> {
    let a = api.get(&format!("/api/portal/doctors/{doctor}/slots?date={day}"));
    a.ok()["response"]["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap()[..5].to_string())
        .collect()
}

/// Sign the application on the review page in the browser, with `key`.
async fn sign(b: &fantoccini::Client, key: &Path, password: &str) {
    heading(b, "Проверьте заявление").await;
    browser::sign_with(b, key, password).await;
}

/// The main form's own submit button (not the slot chooser's, which belongs to its GET form).
const CONTINUE: &str = "form[enctype] button[type=submit]:not([form])";

#[test]
fn a_citizen_chooses_a_doctors_free_slot() {
    let server = common::start(None);
    let me = "850101300005";
    let account = server
        .report
        .accounts
        .iter()
        .find(|a| a.login == me)
        .unwrap()
        .clone();
    let someone = server
        .report
        .with_role("recipient")
        .find(|a| a.login != me && a.key_file.is_some() && a.login.len() == 12)
        .unwrap()
        .login
        .clone();
    let api = Client::login(&server, me);
    let doctor = first_doctor(&server);
    let day = clinic_day(&server, &doctor);
    let offered = free(&api, &doctor, day);
    assert!(offered.len() >= 3, "{offered:?}");
    let (first, second) = (offered[0].clone(), offered[1].clone());
    let mine_before = api
        .get("/api/portal/requests")
        .ok()
        .as_array()
        .unwrap()
        .len();

    let d = driver();
    runtime().block_on(async {
        let b = browser(d.1).await;
        let base = &server.base;
        log_in(&b, base, me, &server.report.password).await;
        b.goto(&format!(
            "{base}/portal/services/doctor-appointment/apply?lang=ru"
        ))
        .await
        .unwrap();
        heading(&b, "Заявление").await;
        // The clinics' doctors, grouped by clinic; no times before a doctor and a day.
        assert!(text(&b, "#slots legend")
            .await
            .contains("Врач и время приёма"));
        let options = b
            .find_all(Locator::Css("#f-doctor optgroup option"))
            .await
            .unwrap();
        assert_eq!(options.len(), 12, "the demo's 12 doctors");
        assert_eq!(
            b.find_all(Locator::Css("#f-doctor optgroup"))
                .await
                .unwrap()
                .len(),
            4
        );
        assert!(text(&b, "label[for=f-doctor]").await.contains("Врач"));
        assert!(text(&b, "#slots")
            .await
            .contains("Сначала выберите врача и день"));
        assert!(b
            .find_all(Locator::Css("input[name=appointment_time]"))
            .await
            .unwrap()
            .is_empty());

        // A doctor and a day: the free times, as radio buttons (a GET, no script).
        b.find(Locator::Css("#f-doctor"))
            .await
            .unwrap()
            .select_by_value(&doctor)
            .await
            .unwrap();
        b.execute(
            "document.getElementById('f-appointment-date').value = arguments[0]",
            vec![json!(day.to_string())],
        )
        .await
        .unwrap();
        click(&b, "button[form=slot-choice]").await;
        text(&b, "#f-appointment-time").await;
        let url = b.current_url().await.unwrap();
        assert!(
            url.query()
                .unwrap_or_default()
                .contains(&format!("doctor={doctor}")),
            "{url}"
        );
        let radios = b
            .find_all(Locator::Css("input[type=radio][name=appointment_time]"))
            .await
            .unwrap();
        let mut shown = Vec::new();
        for r in &radios {
            shown.push(r.attr("value").await.unwrap().unwrap());
        }
        assert_eq!(shown, offered, "the schedule's free times");
        assert!(text(&b, "#slots fieldset legend")
            .await
            .contains("Свободное время"));

        // The first time chosen; someone else books it before the signature.
        click(&b, "label[for=f-appointment-time]").await;
        click(&b, CONTINUE).await;
        heading(&b, "Проверьте заявление").await;
        let review = text(&b, "dl.facts").await;
        assert!(
            review.contains(&first) && review.contains(&doctor),
            "{review}"
        );
        let said = text(&b, "#slot-chosen").await;
        let name = server.platform.registries.with(|r| {
            let d = r.doctor_schedule.doctors().iter().find(|d| d.id == doctor);
            d.unwrap().name.clone()
        });
        assert!(said.contains(&name) && said.contains(&first), "{said}");
        let other = Client::login(&server, &someone);
        let app = common::application(
            "doctor-appointment",
            "portal",
            &someone,
            json!({"applicant_iin": someone, "doctor": doctor,
                   "appointment_date": day.to_string(), "appointment_time": first}),
            &[],
        );
        let theirs = other.post(
            "/api/portal/requests",
            json!({"cms": other.sign(&app), "attachments": []}),
        );
        assert_eq!(theirs.status, 201, "{:?}", theirs.body);
        common::wait_until("their slot booked", || {
            !free(&api, &doctor, day).contains(&first)
        });

        // Signed: the slot is taken, said at its field; nothing filed.
        let key = account.key_file.as_ref().unwrap();
        sign(&b, key, &server.report.password).await;
        heading(&b, "Заявление").await;
        let summary = text(&b, ".error-summary").await;
        assert!(summary.contains("Это время уже занято"), "{summary}");
        let link = b.find(Locator::Css(".error-summary a")).await.unwrap();
        assert_eq!(
            link.attr("href").await.unwrap().as_deref(),
            Some("#f-appointment-time")
        );
        assert!(text(&b, "#f-appointment-time-error")
            .await
            .contains("уже занято"));
        let radios = b
            .find_all(Locator::Css("input[type=radio][name=appointment_time]"))
            .await
            .unwrap();
        let mut now_free = Vec::new();
        for r in &radios {
            now_free.push(r.attr("value").await.unwrap().unwrap());
        }
        assert!(
            !now_free.contains(&first) && now_free.contains(&second),
            "{now_free:?}"
        );
        assert_eq!(
            api.get("/api/portal/requests")
                .ok()
                .as_array()
                .unwrap()
                .len(),
            mine_before
        );

        // Another free time: filed, and the schedule then has it taken.
        let at = now_free.iter().position(|t| *t == second).unwrap();
        let label = if at == 0 {
            "label[for=f-appointment-time]".to_string()
        } else {
            format!("label[for=f-appointment-time-{at}]")
        };
        click(&b, &label).await;
        click(&b, CONTINUE).await;
        sign(&b, key, &server.report.password).await;
        let h1 = text(&b, "h1").await;
        assert!(h1.starts_with("Заявка №"), "{h1}");
        let url = b.current_url().await.unwrap();
        let id = url.path().rsplit('/').next().unwrap().to_string();
        let filed = read(&api, &id);
        assert_eq!(
            filed["application"]["form"]["doctor"],
            json!(doctor),
            "{filed}"
        );
        assert_eq!(
            filed["application"]["form"]["appointment_date"],
            json!(day.to_string())
        );
        assert_eq!(
            filed["application"]["form"]["appointment_time"],
            json!(second)
        );
        common::wait_until("my slot booked", || {
            !free(&api, &doctor, day).contains(&second)
        });
        // The booking is mine (the schedule's own record).
        let mut schedule = server
            .platform
            .registries
            .with(|r| r.doctor_schedule.clone());
        let mine = schedule.handle(
            &qyzmet_registries::schedule::ScheduleRequest::Appointments {
                patient_iin: me.into(),
            },
            chrono::Utc::now().naive_utc(),
        );
        let mine = serde_json::to_value(mine).unwrap();
        assert!(mine.to_string().contains(&format!("{second}:00")), "{mine}");
        b.close().await.unwrap();
    });
}

/// Screenshots of the payment page and the slot choice in kk/ru/en, for review, in
/// `target/screenshots/` (`bash scripts/screenshots.sh`). It judges nothing, people do.
#[test]
#[ignore = "makes screenshots for review: bash scripts/screenshots.sh"]
fn screenshots() {
    let server = common::start(None);
    let me = "581205400815";
    let id = paid_request(&server, me);
    let patient = "850101300005";
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
    std::fs::create_dir_all(&out).unwrap();
    let doctor = first_doctor(&server);
    let day = clinic_day(&server, &doctor);
    let d = driver();
    let made = runtime().block_on(async {
        let b = browser(d.1).await;
        let base = &server.base;
        let mut made = Vec::new();
        log_in(&b, base, me, &server.report.password).await;
        for lang in ["kk", "ru", "en"] {
            b.goto(&format!("{base}/portal/requests/{id}?lang={lang}")).await.unwrap();
            text(&b, "#invoice-title").await;
            b.execute("document.getElementById('invoice-title').scrollIntoView()", vec![])
                .await
                .unwrap();
            let file = out.join(format!("{lang}-portal-payment.png"));
            std::fs::write(&file, b.screenshot().await.unwrap()).unwrap();
            made.push(file);
        }
        browser::log_out(&b).await;
        log_in(&b, base, patient, &server.report.password).await;
        for lang in ["kk", "ru", "en"] {
            b.goto(&format!(
                "{base}/portal/services/doctor-appointment/apply?lang={lang}&doctor={doctor}&appointment_date={day}"
            ))
            .await
            .unwrap();
            text(&b, "#slots").await;
            b.execute("document.getElementById('slots').scrollIntoView()", vec![])
                .await
                .unwrap();
            let file = out.join(format!("{lang}-portal-slots.png"));
            std::fs::write(&file, b.screenshot().await.unwrap()).unwrap();
            made.push(file);
        }
        b.close().await.unwrap();
        made
    });
    for file in &made {
        println!("{}", file.display());
    }
    assert_eq!(made.len(), 6);
}

fn first_doctor(server: &common::Server) -> String {
    server
        .platform
        .registries
        .with(|r| r.doctor_schedule.doctors().first().map(|d| d.id.clone()))
        .unwrap()
}

/// A day a week or more ahead on which `doctor` has free slots.
fn clinic_day(server: &common::Server, doctor: &str) -> chrono::NaiveDate {
    let api = Client::login(server, "850101300005");
    let mut day = qyzmet_agency::local(chrono::Utc::now()).date() + chrono::Duration::days(7);
    for _ in 0..14 {
        let free = api.get(&format!("/api/portal/doctors/{doctor}/slots?date={day}"));
        if free.status == 200
            && free.body["response"]["slots"]
                .as_array()
                .is_some_and(|s| !s.is_empty())
        {
            return day;
        }
        day += chrono::Duration::days(1);
    }
    panic!("no free day for {doctor}");
}
