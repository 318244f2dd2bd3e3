//! The oversight pages (`/oversight`): the SLA dashboard, the questionnaire results and the
//! regulations, for monitors, a provider's head and administrators — their figures the same
//! as the JSON API's, and every guard tried from the wrong side: an employee, a citizen, a
//! head asking for another provider, an administrator at the SLA, nobody logged in. And the
//! start page `/`, which leads to every place for people.

mod browser;
mod common;

use common::*;
use serde_json::{json, Value};
use std::path::Path;

const AIGERIM: &str = "900312400000";
const PROVIDER: &str = "aiyrtau-employment";
const SERVICE: &str = "unemployed-certificate";

/// The text of the first element after `marker` in a page, up to the next tag.
fn after<'a>(page: &'a str, marker: &str) -> &'a str {
    let at = page
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in the page:\n{page}"));
    let rest = &page[at + marker.len()..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find('<').unwrap();
    rest[start..start + end].trim()
}

/// The section of the page about one service at one provider.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}:\n{page}"));
    let end = page[at..].find("</section>").unwrap();
    &page[at..at + end]
}

fn html(a: Answer) -> String {
    assert_eq!(a.status, 200, "{:?}", a.body);
    a.body.as_str().unwrap().to_string()
}

#[test]
fn monitors_see_every_provider_with_the_apis_figures() {
    let _one_at_a_time = serial();
    let server = shared();
    // A request carried to its end, with the questionnaire answered; another in work.
    let (_, answer) = file_request(server, SERVICE, "portal", AIGERIM);
    let done = answer.ok()["request_id"].as_str().unwrap().to_string();
    carry(server, SERVICE, &done, AIGERIM);
    let aigerim = Client::login(server, AIGERIM);
    aigerim
        .post(
            &format!("/api/portal/requests/{done}/questionnaire"),
            json!({"process_and_result": "satisfied", "information": "partly_satisfied"}),
        )
        .ok();
    file_request(server, SERVICE, "portal", AIGERIM).1.ok();

    let monitor = Client::as_role(server, "monitor", None).lang("ru");
    let api: Value = monitor.get("/api/sla").ok();
    let page = html(monitor.get("/oversight"));
    assert!(page.contains("<h1>Соблюдение сроков</h1>"), "{page}");
    let ours = api
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["provider"] == PROVIDER && s["service"] == SERVICE)
        .unwrap();
    let s = section(&page, &format!("sla-{PROVIDER}-{SERVICE}"));
    assert!(s.contains("Выдача справок безработным гражданам"), "{s}");
    assert_eq!(
        after(s, "dd class=\"requests\""),
        ours["requests"].to_string()
    );
    assert_eq!(
        after(s, "dd class=\"finished\""),
        ours["finished"].to_string()
    );
    assert!(
        ours["finished"].as_u64().unwrap() >= 1 && ours["requests"].as_u64().unwrap() >= 2,
        "{ours}"
    );
    // Every action has its chart, which names its figures.
    let actions = ours["actions"].as_array().unwrap();
    assert_eq!(s.matches("<svg").count(), actions.len(), "{s}");
    let first = &actions[0];
    assert!(
        s.contains(&format!("В срок: {}", first["ended_in_time"])),
        "{s}"
    );
    // Every provider with requests is on the monitor's page.
    for x in api.as_array().unwrap() {
        let id = format!(
            "sla-{}-{}",
            x["provider"].as_str().unwrap(),
            x["service"].as_str().unwrap()
        );
        assert!(page.contains(&id), "{id}");
    }
    // Filtered by service: only that one.
    let one = html(monitor.get(&format!("/oversight?provider=&service={SERVICE}")));
    assert_eq!(one.matches("<section").count(), 1, "{one}");

    // The questionnaire's answers, per question.
    let q = html(monitor.get(&format!("/oversight/questionnaires?service={SERVICE}")));
    let s = section(&q, &format!("answers-{PROVIDER}-{SERVICE}"));
    assert!(s.contains("Удовлетворен: "), "{s}");
    let answered = server.runtime.block_on(async {
        server
            .platform
            .store
            .all_answers(Some(PROVIDER))
            .await
            .unwrap()
    });
    let satisfied = answered
        .iter()
        .filter(|(_, code, a)| code == SERVICE && a["process_and_result"] == "satisfied")
        .count();
    assert!(satisfied >= 1);
    assert!(
        s.contains(&format!("Удовлетворен: {satisfied}")),
        "{satisfied} in {s}"
    );

    // In English and Kazakh too.
    let en = html(monitor.clone().lang("en").get("/oversight?lang=en"));
    assert!(
        en.contains("<h1>Deadlines kept</h1>") && en.contains("Overdue now"),
        "{en}"
    );
    let kk = html(monitor.clone().lang("kk").get("/oversight?lang=kk"));
    assert!(kk.contains("<h1>Мерзімдердің сақталуы</h1>"), "{kk}");
}

#[test]
fn a_head_sees_their_own_provider_only() {
    let _one_at_a_time = serial();
    let server = shared();
    file_request(server, SERVICE, "portal", AIGERIM).1.ok();
    let head = Client::as_role(server, "head", Some(PROVIDER)).lang("ru");
    let page = html(head.get("/oversight"));
    assert!(
        page.contains(&format!("sla-{PROVIDER}-{SERVICE}")),
        "{page}"
    );
    let others = page.matches("<section").count();
    let own = page
        .matches(&format!("<section class=\"sla\" id=\"sla-{PROVIDER}-"))
        .count();
    assert_eq!(others, own, "only their provider's sections: {page}");
    // Another provider's, asked for by name: refused, nothing of it shown.
    let other = server
        .platform
        .catalog
        .all()
        .map(|r| r.general.provider.code.clone())
        .find(|c| c != PROVIDER)
        .unwrap();
    let refused = head.get(&format!("/oversight?provider={other}"));
    assert_eq!(refused.status, 403);
    let text = refused.body.as_str().unwrap();
    assert!(text.contains("Доступ запрещён"), "{text}");
    assert!(!text.contains(&format!("sla-{other}")), "{text}");
    let refused = head.get(&format!("/oversight/questionnaires?provider={other}"));
    assert_eq!(refused.status, 403);
}

#[test]
fn others_are_refused_and_nobody_is_sent_to_log_in() {
    let _one_at_a_time = serial();
    let server = shared();
    let employee = Client::as_role(server, "employee", Some(PROVIDER)).lang("en");
    let citizen = Client::login(server, AIGERIM).lang("en");
    let admin = Client::as_role(server, "administrator", None).lang("en");
    for (who, path) in [
        (&employee, "/oversight"),
        (&employee, "/oversight/questionnaires"),
        (&employee, "/oversight/regulations"),
        (&citizen, "/oversight"),
        (&citizen, "/oversight/regulations"),
        (&admin, "/oversight"),
        (&admin, "/oversight/questionnaires"),
    ] {
        let a = who.get(path);
        assert_eq!(a.status, 403, "{} at {path}", who.login);
        let text = a.body.as_str().unwrap();
        assert!(text.contains("Access refused"), "{text}");
        assert!(!text.contains("<section"), "{text}");
    }
    // The administrator has the regulations' catalogue: every regulation and version.
    let page = html(admin.get("/oversight/regulations"));
    for r in server.platform.catalog.all() {
        assert!(
            page.contains(&format!("<code>{}</code>", r.code)),
            "{}",
            r.code
        );
    }
    // Nobody logged in: the staff's log-in page, coming back here.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into();
    let r = agent
        .get(&format!("{}/oversight/questionnaires", server.base))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        "/agency/login?next=%2Foversight%2Fquestionnaires"
    );
}

#[test]
fn the_start_page_leads_to_every_place_for_people() {
    let server = shared();
    for (lang, title, portal) in [
        (
            "kk",
            "Электрондық мемлекеттік қызметтер",
            "«Электрондық үкімет» порталы",
        ),
        (
            "ru",
            "Электронные государственные услуги",
            "Портал «электронного правительства»",
        ),
        (
            "en",
            "Electronic government services",
            "E-government portal",
        ),
    ] {
        let page = html(Client::anonymous(server).lang(lang).get("/"));
        assert!(page.contains(&format!("<h1>{title}</h1>")), "{page}");
        assert!(
            page.contains(&format!("<a href=\"/portal\">{portal}</a>")),
            "{page}"
        );
        for path in ["/csc", "/agency", "/oversight"] {
            assert!(
                page.contains(&format!("<a href=\"{path}\">")),
                "{path} in {page}"
            );
        }
    }
}

/// Screenshots of the oversight pages in Kazakh, Russian and English, for review
/// (`bash scripts/screenshots.sh`): `target/screenshots/<lang>-oversight-<page>.png`.
#[test]
#[ignore = "makes screenshots for review: bash scripts/screenshots.sh"]
fn screenshots() {
    let server = common::start(None);
    for _ in 0..3 {
        let (_, answer) = file_request(&server, SERVICE, "portal", AIGERIM);
        let id = answer.ok()["request_id"].as_str().unwrap().to_string();
        carry(&server, SERVICE, &id, AIGERIM);
        Client::login(&server, AIGERIM)
            .post(
                &format!("/api/portal/requests/{id}/questionnaire"),
                json!({"process_and_result": "satisfied", "information": "partly_satisfied"}),
            )
            .ok();
    }
    file_request(&server, SERVICE, "portal", AIGERIM).1.ok();
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
    std::fs::create_dir_all(&out).unwrap();
    let d = browser::driver();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let made = rt.block_on(async {
        let b = browser::browser(d.1).await;
        let base = &server.base;
        browser::staff_log_in(&b, base, "monitor", &server.report.password).await;
        let mut made = Vec::new();
        for lang in ["kk", "ru", "en"] {
            for (name, path) in [
                ("sla", "/oversight"),
                ("questionnaires", "/oversight/questionnaires"),
            ] {
                b.goto(&format!("{base}{path}?lang={lang}")).await.unwrap();
                browser::text(&b, "h1").await;
                let file = out.join(format!("{lang}-oversight-{name}.png"));
                std::fs::write(&file, b.screenshot().await.unwrap()).unwrap();
                made.push(file);
                // And the first service's figures and charts, below the filter.
                b.execute("document.querySelector('section').scrollIntoView()", vec![])
                    .await
                    .unwrap();
                let file = out.join(format!("{lang}-oversight-{name}-figures.png"));
                std::fs::write(&file, b.screenshot().await.unwrap()).unwrap();
                made.push(file);
            }
        }
        for lang in ["kk", "ru", "en"] {
            b.goto(&format!("{base}/oversight/regulations?lang={lang}"))
                .await
                .unwrap();
            browser::text(&b, "h1").await;
            let file = out.join(format!("{lang}-oversight-regulations.png"));
            std::fs::write(&file, b.screenshot().await.unwrap()).unwrap();
            made.push(file);
        }
        b.close().await.unwrap();
        made
    });
    for file in &made {
        println!("{}", file.display());
    }
    assert_eq!(made.len(), 3 * 5);
}
