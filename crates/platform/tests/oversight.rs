//! Deadlines and the refusals the regulations name, over time: the sweep marks each breach
//! once, closes a payment step whose time is over, and a recipient absent from the state
//! database is refused with the regulation's own message.

mod common;

use chrono::{Duration, Utc};
use common::*;
use serde_json::json;

const AIGERIM: &str = "900312400000";

fn history_events(server: &Server, id: &str) -> Vec<String> {
    server.runtime.block_on(async {
        server
            .platform
            .store
            .history(&qyzmet_store::RequestId(id.to_string()))
            .await
            .unwrap()
            .into_iter()
            .map(|h| h.event["event"].as_str().unwrap_or_default().to_string())
            .collect()
    })
}

#[test]
fn the_sweep_marks_a_missed_deadline_once_and_tells_the_provider() {
    let _one_at_a_time = serial();
    let server = shared();
    let (_, answer) = file_request(server, "unemployed-certificate", "portal", AIGERIM);
    let id = answer.ok()["request_id"].as_str().unwrap().to_string();
    // Before its deadline nothing is marked.
    let report = server
        .runtime
        .block_on(server.platform.agency.sweep(Utc::now()))
        .unwrap();
    assert_eq!(report.breaches, 0, "{report:?}");
    let later = Utc::now() + Duration::days(40);
    let report = server
        .runtime
        .block_on(server.platform.agency.sweep(later))
        .unwrap();
    assert!(report.breaches >= 1, "{report:?}");
    let missed = |s: &Server| {
        history_events(s, &id)
            .iter()
            .filter(|e| *e == "deadline_missed")
            .count()
    };
    assert_eq!(missed(server), 1);
    // A second sweep finds it marked already.
    server
        .runtime
        .block_on(server.platform.agency.sweep(later))
        .unwrap();
    assert_eq!(missed(server), 1);
    // The provider's staff are told.
    let employee = Client::as_role(server, "employee", Some("aiyrtau-employment"));
    let user = server.runtime.block_on(async {
        server
            .platform
            .store
            .user_by_login(&employee.login)
            .await
            .unwrap()
            .unwrap()
    });
    let notices = server
        .runtime
        .block_on(server.platform.store.notifications_for(&user.id))
        .unwrap();
    assert!(notices.iter().any(
        |n| n.request.as_ref().map(|r| r.as_str()) == Some(id.as_str())
            && n.text.ru.contains("истёк")
    ));
    // The request still waits to be taken into work, in its status.
    let v = employee.get(&format!("/api/agency/requests/{id}")).ok();
    assert_eq!(v["status"], "received");
    assert_eq!(v["waiting"]["operation"], "take_into_work");
}

#[test]
fn an_unpaid_request_is_refused_when_its_payment_step_is_over() {
    let _one_at_a_time = serial();
    let server = shared();
    let smirnova = "581205400815";
    let (citizen, answer) = file_request(server, "archive-apostille", "portal", smirnova);
    let filed = answer.ok();
    assert_eq!(filed["status"], "awaiting_payment", "{filed}");
    let id = filed["request_id"].as_str().unwrap().to_string();
    // Asking the agency before paying: the gateway does not confirm, nothing moves.
    let employee = Client::as_role(
        server,
        "employee",
        Some("mci-information-archives-committee"),
    );
    let before = employee.get(&format!("/api/agency/requests/{id}")).ok();
    server
        .runtime
        .block_on(server.platform.agency.sweep(Utc::now() + Duration::days(1)))
        .unwrap();
    let after = employee.get(&format!("/api/agency/requests/{id}")).ok();
    assert_eq!(after["status"], "refused", "{after}");
    assert_eq!(after["refusal"]["kind"], "no_payment", "{after}");
    let reg = server.platform.catalog.latest("archive-apostille").unwrap();
    let message = reg.channels[&qyzmet_core::regulation::ChannelKind::Portal]
        .procedure
        .iter()
        .find_map(|s| {
            (s.check == Some(qyzmet_core::regulation::Check::Payment))
                .then(|| s.refusal.clone())
                .flatten()
        })
        .unwrap()
        .message;
    assert_eq!(after["refusal"]["message"]["ru"], json!(message.ru));
    assert_ne!(before["status"], after["status"]);
    // Paying now is too late.
    citizen
        .post(
            &format!("/api/portal/requests/{id}/pay"),
            json!({"payment_ref": "LATE-1"}),
        )
        .refused(409, "request.out_of_turn");
}

#[test]
fn a_recipient_absent_from_the_state_database_is_refused_with_the_regulations_message() {
    let _one_at_a_time = serial();
    let server = shared();
    let absent = qyzmet_registries::demo::ABSENT_IIN;
    for channel in ["agency", "csc"] {
        let (_, answer) = file_request(server, "archival-certificate", channel, absent);
        let filed = answer.ok();
        assert_eq!(filed["status"], "refused", "{channel}: {filed}");
        let id = filed["request_id"].as_str().unwrap();
        let employee = Client::as_role(
            server,
            "employee",
            Some("mci-information-archives-committee"),
        );
        let v = employee.get(&format!("/api/agency/requests/{id}")).ok();
        assert_eq!(v["refusal"]["kind"], "not_in_state_database", "{v}");
        assert!(!v["refusal"]["message"]["kk"].as_str().unwrap().is_empty());
        assert!(!v["refusal"]["message"]["ru"].as_str().unwrap().is_empty());
    }
}
