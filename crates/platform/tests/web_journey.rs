//! A whole service through the browser, on the portal's channel: a person of ГБД ФЛ without
//! an account registers on the portal, files the unemployed certificate and signs it with
//! their own key file; the provider's employee takes it into work, decides and signs the
//! result at /agency with theirs; the citizen sees the notification, opens the signed result
//! and answers the questionnaire. Every step is a page; the API only checks the end.
//!
//! Chromium and chromedriver are Debian's (`bash scripts/setup.sh` installs them); without
//! them this test fails, it is never skipped (`browser`).

mod browser;
mod common;

use browser::{browser, click, driver, fill, heading, says, sign_with, text};
use common::Client;
use fantoccini::Locator;
use qyzmet_pki::nca::IssueRequest;
use qyzmet_pki::{Holder, KeyPurpose, KeyType, Role as CertRole};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

/// A person of the demo ГБД ФЛ with no account: an adult too young to be among the demo's
/// staff (who are 25 or older), else the last adult without one.
fn newcomer(server: &common::Server) -> qyzmet_registries::gbd_fl::Person {
    let today = qyzmet_agency::local(chrono::Utc::now()).date();
    let taken: Vec<String> = server
        .report
        .accounts
        .iter()
        .map(|a| a.login.clone())
        .collect();
    let people: Vec<_> = server.platform.registries.with(|r| {
        r.gbd_fl
            .people()
            .filter(|p| qyzmet_registries::common::age_on(p.birth_date, today) >= 18)
            .filter(|p| !taken.contains(&p.iin.to_string()))
            .cloned()
            .collect()
    });
    let age = |p: &qyzmet_registries::gbd_fl::Person| {
        qyzmet_registries::common::age_on(p.birth_date, today)
    };
    people
        .iter()
        .find(|p| age(p) < 25)
        .or(people.last())
        .cloned()
        .expect("the demo ГБД ФЛ has an adult without an account")
}

/// The signing key the NCA issues the newcomer (the portal has no part in it).
fn key_for(
    server: &common::Server,
    person: &qyzmet_registries::gbd_fl::Person,
    password: &str,
) -> PathBuf {
    let now = chrono::Utc::now();
    let mut nca = server.nca.nca();
    let not_before = (now - chrono::Duration::days(1)).max(nca.issuing().cert.not_before());
    let not_after = (now + chrono::Duration::days(365)).min(nca.issuing().cert.not_after());
    let issued = nca
        .issue(
            &IssueRequest {
                holder: Holder {
                    iin: person.iin,
                    surname: person.name_ru.surname.clone(),
                    name: person.name_ru.given_name.clone(),
                    patronymic: person.name_ru.patronymic.clone(),
                    role: CertRole::Individual,
                    organisation: None,
                },
                purpose: KeyPurpose::Signing,
                key_type: KeyType::EcdsaP256,
                not_before,
                not_after,
            },
            now,
        )
        .unwrap();
    let file = server.data.join(format!("newcomer-{}.p12", person.iin));
    std::fs::write(&file, issued.to_pkcs12(password).unwrap()).unwrap();
    file
}

#[test]
fn a_service_from_registration_to_the_questionnaire_in_the_browser() {
    let started = Instant::now();
    let server = common::start(None);
    let person = newcomer(&server);
    let iin = person.iin.to_string();
    let password = "Journey-2026-pw!";
    let key = key_for(&server, &person, password);
    let employee = server
        .report
        .with_role("employee")
        .find(|a| a.organisation.as_deref() == Some("aiyrtau-employment"))
        .cloned()
        .unwrap();
    let employee_iin = server
        .runtime
        .block_on(server.platform.store.user_by_login(&employee.login))
        .unwrap()
        .unwrap()
        .iin
        .unwrap()
        .to_string();
    let scan = server.data.join("scan.pdf");
    std::fs::write(&scan, common::pdf("справка")).unwrap();

    let d = driver();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let id = rt.block_on(async {
        let b = browser(d.1).await;
        let base = &server.base;

        // Registration: the IIN checked in ГБД ФЛ, the name taken from there.
        b.goto(&format!("{base}/portal/register?lang=ru"))
            .await
            .unwrap();
        heading(&b, "Регистрация на портале").await;
        fill(&b, "#f-login", &iin).await;
        fill(&b, "#f-password", password).await;
        click(&b, "form[action='/portal/register'] button").await;
        heading(&b, "Каталог услуг").await;
        assert!(text(&b, ".user").await.contains(&person.name_ru.surname));

        // Filing: the form, a scan, the review, the signature with the citizen's own key.
        click(&b, "a[href='/portal/services/unemployed-certificate']").await;
        heading(&b, "Выдача справок безработным гражданам").await;
        click(&b, "a.button").await;
        heading(&b, "Заявление").await;
        fill(&b, "#f-applicant-email", "newcomer@example.kz").await;
        b.find(Locator::Css("#f-scanned-documents"))
            .await
            .unwrap()
            .send_keys(scan.to_str().unwrap())
            .await
            .unwrap();
        click(&b, "form[enctype] button[type=submit]").await;
        heading(&b, "Проверьте заявление").await;
        sign_with(&b, &key, password).await;
        assert_eq!(text(&b, "#request-status").await, "Поступившие");
        let url = b.current_url().await.unwrap();
        let id = url.path().rsplit('/').next().unwrap().to_string();
        let number = text(&b, "h1").await.rsplit(' ').next().unwrap().to_string();

        // The provider's employee, at the workplace: take, decide, sign.
        browser::log_out(&b).await;
        b.goto(&format!("{base}/agency/login?lang=ru"))
            .await
            .unwrap();
        heading(&b, "Вход сотрудника").await;
        fill(&b, "#f-login", &employee.login).await;
        fill(&b, "#f-password", &server.report.password).await;
        click(&b, "form[action='/agency/login'] button").await;
        heading(&b, "Очередь заявок").await;
        click(&b, &format!("a[href='/agency/requests/{id}']")).await;
        heading(&b, &format!("Заявка {number}")).await;
        assert!(text(&b, "#form-values")
            .await
            .contains("newcomer@example.kz"));
        click(&b, "#take button").await;
        says(&b, "#request-status", "В работе", false).await;
        click(&b, "#f-outcome").await;
        click(&b, "#decide button[type=submit]").await;
        says(&b, "#done", "Решение записано", false).await;
        click(&b, "#to-sign").await;
        heading(&b, "Подписание результата").await;
        sign_with(
            &b,
            employee.key_file.as_ref().unwrap(),
            &server.report.password,
        )
        .await;
        says(&b, "#done", "Результат подписан", false).await;
        assert_eq!(text(&b, "#request-status").await, "Исполнение завершено");

        // The citizen: the notice, the signed result, the questionnaire.
        browser::log_out(&b).await;
        b.goto(&format!("{base}/portal/login?lang=ru"))
            .await
            .unwrap();
        heading(&b, "Вход на портал").await;
        fill(&b, "#f-login", &iin).await;
        fill(&b, "#f-password", password).await;
        click(&b, "form[action='/portal/login'] button").await;
        heading(&b, "Каталог услуг").await;
        b.goto(&format!("{base}/portal/notifications"))
            .await
            .unwrap();
        heading(&b, "Уведомления").await;
        says(&b, "main", "Исполнение завершено", true).await;
        click(&b, &format!("main a[href='/portal/requests/{id}']")).await;
        heading(&b, &format!("Заявка № {number}")).await;
        assert_eq!(text(&b, "#request-status").await, "Исполнение завершено");
        click(&b, &format!("a[href='/portal/requests/{id}/result']")).await;
        heading(&b, "Результат услуги").await;
        let result = text(&b, "dl.facts").await;
        assert!(
            result.contains(&employee_iin) && result.contains(&number),
            "{result}"
        );
        b.goto(&format!("{base}/portal/requests/{id}"))
            .await
            .unwrap();
        heading(&b, &format!("Заявка № {number}")).await;
        for code in ["process_and_result", "information"] {
            click(&b, &format!("input[name='{code}'][value='satisfied']")).await;
        }
        click(
            &b,
            &format!("form[action='/portal/requests/{id}/questionnaire'] button"),
        )
        .await;
        says(&b, "main", "Спасибо, анкета заполнена.", false).await;

        b.close().await.unwrap();
        id
    });

    // The end, as the API sees it: completed, signed by the employee, answered.
    let citizen = Client {
        token: None,
        ..Client::anonymous(&server)
    };
    let opened = citizen
        .post("/api/session", json!({"login": iin, "password": password}))
        .ok();
    let citizen = Client {
        token: Some(opened["token"].as_str().unwrap().to_string()),
        ..citizen
    };
    let mine = citizen.get(&format!("/api/portal/requests/{id}")).ok();
    assert_eq!(mine["status"], "completed", "{mine}");
    assert_eq!(mine["answered"], true, "{mine}");
    let result = citizen
        .get(&format!("/api/portal/requests/{id}/result"))
        .ok();
    assert_eq!(result["signer"], json!(employee_iin), "{result}");
    eprintln!("web_journey: {:.1} s", started.elapsed().as_secs_f64());
}
