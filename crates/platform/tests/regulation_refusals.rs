//! Every refusal the ten regulations name, triggered through the API on its channel, ending
//! with the regulation's own message: a signature not confirmed, the recipient absent from the
//! state database, no payment, documents not meeting the standard, grounds not met. (A refused
//! login — the «credentials» conditions — is the platform's one login, tested in
//! `refusals.rs`; it names no service.)

mod common;

use chrono::{Duration, Utc};
use common::*;
use qyzmet_core::regulation::{Check, StepKind};
use qyzmet_core::Lang;
use serde_json::{json, Value};

/// Carry a request, failing `check` where a person establishes it.
fn carry_failing(server: &Server, service: &str, id: &str, recipient: &str, check: Check) -> Value {
    let reg = server.platform.catalog.latest(service).unwrap();
    let provider = reg.general.provider.code.clone();
    let employee = Client::as_role(server, "employee", Some(&provider));
    let key = serde_json::to_value(check).unwrap();
    for _ in 0..40 {
        let view = employee.get(&format!("/api/agency/requests/{id}")).ok();
        let w = &view["waiting"];
        if view["finished"] == json!(true) || w["establishes"] != key {
            if view["finished"] == json!(true) {
                return view;
            }
            // Not there yet: one ordinary step.
            step(server, service, id, recipient, &view);
            continue;
        }
        let op = w["operation"].as_str().unwrap();
        let facts = json!({ key.as_str().unwrap(): false });
        let path = format!("/api/agency/requests/{id}");
        if op == "decide" {
            employee
                .post(&format!("{path}/decide"), json!({"outcome": "refusal", "grounds": "Основания не выполнены", "facts": facts}))
                .ok();
        } else {
            employee
                .post(
                    &format!("{path}/perform"),
                    json!({"operation": op, "facts": facts}),
                )
                .ok();
        }
        // The refusal is formed and handed over as the regulation goes on.
        return carry(server, service, id, recipient);
    }
    panic!("{service}: did not finish");
}

fn message(reg: &qyzmet_core::regulation::Regulation, channel: &str, n: u32) -> qyzmet_core::Text {
    let ch = reg
        .channels
        .iter()
        .find(|(k, _)| k.key() == channel)
        .unwrap()
        .1;
    ch.procedure
        .iter()
        .find(|s| s.kind == StepKind::Condition && s.number == Some(n))
        .and_then(|s| s.refusal.clone())
        .unwrap()
        .message
}

#[test]
fn every_refusal_of_the_ten_regulations() {
    let server = shared();
    let mut triggered = 0;
    for (service, recipient) in CASES {
        let reg = server.platform.catalog.latest(service).unwrap().clone();
        for (kind, ch) in &reg.channels {
            let channel = kind.key();
            for cond in ch
                .procedure
                .iter()
                .filter(|s| s.kind == StepKind::Condition && s.refusal.is_some())
            {
                let n = cond.number.unwrap();
                let expected = message(&reg, channel, n);
                let what = format!("{service} {channel} condition {n} ({:?})", cond.check);
                match cond.check {
                    Some(Check::Credentials) | None => continue,
                    Some(Check::Signature) => {
                        // Signed by a key that is not the filer's: refused with this channel's text.
                        let (filer, _) = file_request(server, service, channel, recipient);
                        let other = Client::as_role(server, "signer", Some("astana-phc"));
                        let (form, files) = form_for(server, service, recipient);
                        let declared: Vec<Value> = files.iter().map(|(d, _)| d.clone()).collect();
                        let uploads: Vec<Value> = files.iter().map(|(_, u)| u.clone()).collect();
                        let mut app: Value = serde_json::from_slice(&application(
                            service, channel, recipient, form, &declared,
                        ))
                        .unwrap();
                        app["version"] = json!(reg.version);
                        let path = match channel {
                            "portal" => "/api/portal/requests",
                            "agency" => "/api/agency/requests",
                            _ => "/api/csc/requests",
                        };
                        let b = filer
                            .clone()
                            .lang("ru")
                            .post(path, json!({"cms": other.sign(&serde_json::to_vec(&app).unwrap()), "attachments": uploads}));
                        assert_eq!(b.status, 422, "{what}: {:?}", b.body);
                        assert!(
                            b.body["code"].as_str().unwrap().starts_with("signature-"),
                            "{what}: {:?}",
                            b.body
                        );
                        assert!(
                            b.body["message"]
                                .as_str()
                                .unwrap()
                                .contains(expected.get(Lang::Ru)),
                            "{what}: {:?} lacks «{}»",
                            b.body,
                            expected.ru
                        );
                    }
                    Some(Check::StateDatabase) => {
                        let absent = qyzmet_registries::demo::ABSENT_IIN;
                        let (_, answer) = file_request(server, service, channel, absent);
                        let id = answer.ok()["request_id"].as_str().unwrap().to_string();
                        let employee =
                            Client::as_role(server, "employee", Some(&reg.general.provider.code));
                        let v = employee.get(&format!("/api/agency/requests/{id}")).ok();
                        assert_eq!(v["status"], "refused", "{what}: {v}");
                        assert_eq!(v["refusal"]["condition"], n, "{what}: {v}");
                        assert_eq!(
                            v["refusal"]["message"]["ru"],
                            expected.ru.as_str(),
                            "{what}"
                        );
                        assert_eq!(
                            v["refusal"]["message"]["kk"],
                            expected.kk.as_str(),
                            "{what}"
                        );
                    }
                    Some(Check::Payment) => {
                        let (_, answer) = file_request(server, service, channel, recipient);
                        let id = answer.ok()["request_id"].as_str().unwrap().to_string();
                        server
                            .runtime
                            .block_on(server.platform.agency.sweep(Utc::now() + Duration::days(1)))
                            .unwrap();
                        let employee =
                            Client::as_role(server, "employee", Some(&reg.general.provider.code));
                        let v = employee.get(&format!("/api/agency/requests/{id}")).ok();
                        assert_eq!(v["status"], "refused", "{what}: {v}");
                        assert_eq!(v["refusal"]["condition"], n, "{what}: {v}");
                        assert_eq!(
                            v["refusal"]["message"]["ru"],
                            expected.ru.as_str(),
                            "{what}"
                        );
                    }
                    Some(check) => {
                        let (_, answer) = file_request(server, service, channel, recipient);
                        let id = answer.ok()["request_id"].as_str().unwrap().to_string();
                        let end = carry_failing(server, service, &id, recipient, check);
                        assert_eq!(end["status"], "refused", "{what}: {end}");
                        assert_eq!(end["refusal"]["condition"], n, "{what}: {end}");
                        assert_eq!(
                            end["refusal"]["message"]["ru"],
                            expected.ru.as_str(),
                            "{what}"
                        );
                        assert_eq!(
                            end["refusal"]["message"]["en"],
                            expected.en.as_str(),
                            "{what}"
                        );
                    }
                }
                triggered += 1;
            }
        }
    }
    assert!(triggered >= 35, "only {triggered} refusals triggered");
}
