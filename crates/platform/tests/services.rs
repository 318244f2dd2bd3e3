//! Every one of the ten services, on each of its channels, carried from the signed filing to
//! its result through the HTTP API, by the people the regulation names: the recipient on the
//! portal, the CSC's operator, the provider's employee and signer — each signing with their own
//! key file — and the citizen paying and answering the questionnaire.

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::*;
use serde_json::{json, Value};

/// Who receives each service in the demo world (see `qyzmet_registries::demo`).
const CASES: &[(&str, &str)] = &[
    ("unemployed-certificate", "900312400000"),
    ("targeted-social-assistance", "900312400000"),
    ("disabled-children-home-schooling", "900312400000"),
    ("kindergarten-registration", "900312400000"),
    ("archive-apostille", "581205400815"),
    ("archival-certificate", "581205400815"),
    ("mass-media-registration", "700422301049"),
    ("doctor-appointment", "850101300005"),
    ("doctor-home-call", "850101300005"),
    ("phc-attachment", "850101300005"),
];

/// A valid filled form for `service` (values the demo world makes true), and its files.
pub fn form_for(server: &Server, service: &str, recipient: &str) -> (Value, Vec<(Value, Value)>) {
    let reg = server.platform.catalog.latest(service).unwrap();
    let fields = match &reg.form {
        qyzmet_core::regulation::Given::Value(f) => f.fields.clone(),
        _ => Vec::new(),
    };
    let mut form = serde_json::Map::new();
    let mut files = Vec::new();
    let today = qyzmet_agency::local(chrono::Utc::now()).date();
    for f in &fields {
        use qyzmet_core::regulation::FieldType as T;
        let asked = f.when.as_ref().is_none_or(|w| {
            form.get(&w.field).and_then(|v| v.as_str()) == Some(w.equals.as_str())
        });
        if !asked || (!f.required && !matches!(f.kind, T::File | T::Choice)) {
            continue;
        }
        let v = match (f.kind, f.name.as_str()) {
            (T::Iin, "child_iin") => "160901600306".to_string(),
            (T::Iin, _) => recipient.to_string(),
            (T::Date, "child_birth_date") => "2021-05-20".into(),
            (T::Date, "appointment_date") => next_clinic_day(today).to_string(),
            (T::Date, _) => today.to_string(),
            (T::Text, "appointment_time") => "11:00".into(),
            (T::Text, "doctor") => first_doctor(server),
            (T::Text, "phc_organisation") => "091040001096".into(),
            (T::Address, _) => "Северо-Казахстанская обл., Айыртауский р-н, с. Саумалколь, ул. Школьная, 14".into(),
            (T::Phone, _) => "+77011234567".into(),
            (T::Email, _) => "citizen@example.kz".into(),
            (T::Choice, _) => f.choices.first().map(|c| c.value.clone()).unwrap_or_default(),
            (T::File, _) => {
                let content = pdf(&format!("{service} {}", f.name));
                files.push(file(&f.name, "scan.pdf", &content));
                "scan.pdf".into()
            }
            (T::Number, _) => "1".into(),
            _ => "Тест Тестов".into(),
        };
        form.insert(f.name.clone(), Value::String(v));
    }
    if let qyzmet_core::regulation::Given::Value(list) = &reg.attachments {
        for a in list.iter().filter(|a| a.required) {
            files.push(file(&a.code, &format!("{}.pdf", a.code), &pdf(&a.code)));
        }
    }
    (Value::Object(form), files)
}

fn next_clinic_day(today: chrono::NaiveDate) -> chrono::NaiveDate {
    use chrono::Datelike;
    let mut d = today + chrono::Duration::days(1);
    while matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
        d += chrono::Duration::days(1);
    }
    d + chrono::Duration::days(7)
}

fn first_doctor(server: &Server) -> String {
    server
        .platform
        .registries
        .with(|r| r.doctor_schedule.doctors().first().map(|d| d.id.clone()))
        .unwrap_or_default()
}

/// File `service` for `recipient` on `channel`; the filer's client, and the answer.
pub fn file_request(server: &Server, service: &str, channel: &str, recipient: &str) -> (Client, Answer) {
    let reg = server.platform.catalog.latest(service).unwrap();
    let provider = reg.general.provider.code.clone();
    let filer = match channel {
        "portal" => Client::login(server, recipient),
        "agency" => Client::as_role(server, "employee", Some(&provider)),
        _ => Client::as_role(server, "operator", Some("csc-aiyrtau")),
    };
    let (form, files) = form_for(server, service, recipient);
    let declared: Vec<Value> = files.iter().map(|(d, _)| d.clone()).collect();
    let uploads: Vec<Value> = files.iter().map(|(_, u)| u.clone()).collect();
    let mut app: Value = serde_json::from_slice(&application(service, channel, recipient, form, &declared)).unwrap();
    app["version"] = json!(reg.version);
    let bytes = serde_json::to_vec(&app).unwrap();
    let path = match channel {
        "portal" => "/api/portal/requests",
        "agency" => "/api/agency/requests",
        _ => "/api/csc/requests",
    };
    let answer = filer.post(path, json!({"cms": filer.sign(&bytes), "attachments": uploads}));
    (filer, answer)
}

/// Carry a filed request to its end, acting as whoever it waits for.
pub fn carry(server: &Server, service: &str, id: &str, recipient: &str) -> Value {
    let reg = server.platform.catalog.latest(service).unwrap();
    let provider = reg.general.provider.code.clone();
    let employee = Client::as_role(server, "employee", Some(&provider));
    let signer = Client::as_role(server, "signer", Some(&provider));
    let operator = Client::as_role(server, "operator", Some("csc-aiyrtau"));
    for _ in 0..40 {
        let view = employee.get(&format!("/api/agency/requests/{id}")).ok();
        if view["finished"] == json!(true) {
            return view;
        }
        let w = &view["waiting"];
        let op = w["operation"].as_str().unwrap_or_default();
        let unit = w["unit"].as_str().unwrap_or_default();
        let path = |what: &str| format!("/api/agency/requests/{id}/{what}");
        match (w["waiting_for"].as_str(), unit, op) {
            (Some("outside"), _, "pay") => {
                Client::login(server, recipient)
                    .post(&format!("/api/portal/requests/{id}/pay"), json!({"payment_ref": format!("BANK-{id}")}))
                    .ok();
            }
            (Some("person"), "csc" | "csc_is" | "courier", _) => {
                operator
                    .post(&format!("/api/csc/requests/{id}/perform"), json!({"operation": op}))
                    .ok();
            }
            (Some("person"), _, "take_into_work") => {
                employee.post(&path("take"), json!({})).ok();
            }
            (Some("person"), _, "decide") => {
                let outcomes = w["outcomes"].as_array().cloned().unwrap_or_default();
                let outcome = if outcomes.is_empty() || outcomes.contains(&json!("positive")) {
                    "positive"
                } else {
                    outcomes[0].as_str().unwrap()
                };
                employee.post(&path("decide"), json!({"outcome": outcome})).ok();
            }
            (Some("person"), _, "sign_result") => {
                let who = if w["role"] == json!("signer") { &signer } else { &employee };
                let draft = who.get(&path("result")).ok();
                let bytes = STANDARD.decode(draft["to_sign"].as_str().unwrap()).unwrap();
                who.post(&path("sign-result"), json!({"cms": who.sign(&bytes)})).ok();
            }
            (Some("person"), "provider" | "agency_is" | "commission", _) => {
                employee.post(&path("perform"), json!({"operation": op})).ok();
            }
            other => panic!("{service}: the request waits for {other:?}: {view}"),
        }
    }
    panic!("{service}: did not finish in 40 steps");
}

fn run_service(service: &str, recipient: &str) {
    let server = shared();
    let reg = server.platform.catalog.latest(service).unwrap();
    let channels: Vec<String> = reg.channels.keys().map(|c| c.to_string()).collect();
    for channel in channels {
        let (_, answer) = file_request(server, service, &channel, recipient);
        let filed = answer.ok();
        let id = filed["request_id"].as_str().unwrap().to_string();
        assert!(filed["number"].as_str().unwrap().contains(&reg.general.provider.code));
        let end = carry(server, service, &id, recipient);
        let status = end["status"].as_str().unwrap();
        assert!(
            ["completed", "issued", "ready_for_pickup"].contains(&status),
            "{service} {channel}: ended {status}: {end}"
        );
        // Every action that started ended, with its deadline kept or missed.
        let history = end["history"].as_array().unwrap();
        let started = history.iter().filter(|h| h["event"] == "action_started").count();
        let ended = history.iter().filter(|h| h["event"] == "action_ended").count();
        assert_eq!(started, ended, "{service} {channel}");
        // The recipient sees the request and its notices in the cabinet.
        let citizen = Client::login(server, recipient);
        let mine = citizen.get(&format!("/api/portal/requests/{id}")).ok();
        assert_eq!(mine["status"], end["status"]);
        let notices = citizen.get("/api/portal/notifications").ok();
        assert!(
            notices.as_array().unwrap().iter().any(|n| n["request"] == json!(id)),
            "{service} {channel}: no notice in the cabinet"
        );
        if mine["has_result"] == json!(true) {
            let result = citizen.get(&format!("/api/portal/requests/{id}/result")).ok();
            assert_eq!(result["document"]["number"], filed["number"]);
            assert_eq!(result["document"]["outcome"], "positive");
        }
        let answers: serde_json::Map<String, Value> = reg
            .questionnaire
            .questions
            .iter()
            .map(|q| (q.code.clone(), json!("satisfied")))
            .collect();
        citizen
            .post(&format!("/api/portal/requests/{id}/questionnaire"), Value::Object(answers))
            .ok();
    }
}

macro_rules! service_tests {
    ($($name:ident => $i:expr),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let (service, recipient) = CASES[$i];
                run_service(service, recipient);
            }
        )*
    };
}

service_tests!(
    unemployed_certificate => 0,
    targeted_social_assistance => 1,
    disabled_children_home_schooling => 2,
    kindergarten_registration => 3,
    archive_apostille => 4,
    archival_certificate => 5,
    mass_media_registration => 6,
    doctor_appointment => 7,
    doctor_home_call => 8,
    phc_attachment => 9,
);
