//! Every one of the ten services, on each of its channels, carried from the signed filing to
//! its result through the HTTP API, by the people the regulation names: the recipient on the
//! portal, the CSC's operator, the provider's employee and signer — each signing with their own
//! key file — and the citizen paying and answering the questionnaire.

mod common;

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

fn run_service(service: &str, recipient: &str) {
    let server = shared();
    let reg = server.platform.catalog.latest(service).unwrap();
    let channels: Vec<String> = reg.channels.keys().map(|c| c.to_string()).collect();
    for channel in channels {
        let (_, answer) = file_request(server, service, &channel, recipient);
        let filed = answer.ok();
        let id = filed["request_id"].as_str().unwrap().to_string();
        assert!(filed["number"]
            .as_str()
            .unwrap()
            .contains(&reg.general.provider.code));
        let end = carry(server, service, &id, recipient);
        let status = end["status"].as_str().unwrap();
        assert!(
            ["completed", "issued", "ready_for_pickup"].contains(&status),
            "{service} {channel}: ended {status}: {end}"
        );
        // Every action that started ended, with its deadline kept or missed.
        let history = end["history"].as_array().unwrap();
        let started = history
            .iter()
            .filter(|h| h["event"] == "action_started")
            .count();
        let ended = history
            .iter()
            .filter(|h| h["event"] == "action_ended")
            .count();
        assert_eq!(started, ended, "{service} {channel}");
        // The recipient sees the request and its notices in the cabinet.
        let citizen = Client::login(server, recipient);
        let mine = citizen.get(&format!("/api/portal/requests/{id}")).ok();
        assert_eq!(mine["status"], end["status"]);
        let notices = citizen.get("/api/portal/notifications").ok();
        assert!(
            notices
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["request"] == json!(id)),
            "{service} {channel}: no notice in the cabinet"
        );
        if mine["has_result"] == json!(true) {
            let result = citizen
                .get(&format!("/api/portal/requests/{id}/result"))
                .ok();
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
            .post(
                &format!("/api/portal/requests/{id}/questionnaire"),
                Value::Object(answers),
            )
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
