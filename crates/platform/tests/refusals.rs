//! Bad input and the wrong side of every guard: each gets a clear error in the person's
//! language and changes nothing.

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::{Duration, Utc};
use common::*;
use qyzmet_pki::nca::IssueRequest;
use qyzmet_pki::{Holder, KeyPurpose, KeyType, Role as CertRole};
use serde_json::{json, Value};

const AIGERIM: &str = "900312400000";
const ERLAN: &str = "850101300005";

fn my_requests(c: &Client) -> usize {
    c.get("/api/portal/requests").ok().as_array().unwrap().len()
}

/// A signed portal filing of the unemployed certificate by Aigerim, with the form changed.
/// File the plain filing as `c`; the new request's id.
fn filed_id(c: &Client) -> String {
    let filed = c.post("/api/portal/requests", filing(c, |_| {})).ok();
    filed["request_id"].as_str().unwrap().to_string()
}

fn filing(c: &Client, change: impl FnOnce(&mut Value)) -> Value {
    let server = shared();
    let (form, files) = form_for(server, "unemployed-certificate", AIGERIM);
    let declared: Vec<Value> = files.iter().map(|(d, _)| d.clone()).collect();
    let uploads: Vec<Value> = files.iter().map(|(_, u)| u.clone()).collect();
    let mut app: Value = serde_json::from_slice(&application(
        "unemployed-certificate",
        "portal",
        AIGERIM,
        form,
        &declared,
    ))
    .unwrap();
    app["version"] = json!(
        server
            .platform
            .catalog
            .latest("unemployed-certificate")
            .unwrap()
            .version
    );
    change(&mut app);
    json!({"cms": c.sign(&serde_json::to_vec(&app).unwrap()), "attachments": uploads})
}

#[test]
fn malformed_and_unknown_fields_are_refused_in_the_chosen_language() {
    let _one_at_a_time = serial();
    let server = shared();
    let c = Client::login(server, AIGERIM).lang("ru");
    let before = my_requests(&c);
    let b = c
        .post_raw("/api/portal/requests", "{not json")
        .refused(400, "request.malformed_json");
    assert!(
        b["message"]
            .as_str()
            .unwrap()
            .contains("JSON составлен с ошибкой"),
        "{b}"
    );
    c.post("/api/portal/requests", json!({"cms": "", "extra": 1}))
        .refused(422, "request.invalid_fields");
    c.post("/api/portal/requests", json!({"cms": "%%%"}))
        .refused(400, "signature.not_base64");
    c.post(
        "/api/portal/requests",
        json!({"cms": STANDARD.encode(b"not a cms")}),
    )
    .refused(400, "signature.malformed");
    let kk = Client::login(server, AIGERIM).lang("kk");
    let b = kk
        .post_raw("/api/portal/requests", "{")
        .refused(400, "request.malformed_json");
    assert!(
        b["message"]
            .as_str()
            .unwrap()
            .contains("JSON қате жазылған"),
        "{b}"
    );
    assert_eq!(my_requests(&c), before);
}

#[test]
fn a_form_breaking_its_rules_names_each_field() {
    let _one_at_a_time = serial();
    let server = shared();
    let c = Client::login(server, AIGERIM);
    let before = my_requests(&c);
    let body = filing(&c, |app| {
        app["form"]["applicant_email"] = json!("not-an-address");
        app["form"]["unknown_field"] = json!("x");
    });
    let b = c
        .post("/api/portal/requests", body)
        .refused(422, "form.invalid");
    let details = b["details"].as_array().unwrap();
    assert!(
        details
            .iter()
            .any(|d| d["field"] == "applicant_email" && d["code"] == "form.email"),
        "{b}"
    );
    assert!(
        details
            .iter()
            .any(|d| d["field"] == "unknown_field" && d["code"] == "form.unknown_field"),
        "{b}"
    );
    assert!(
        details
            .iter()
            .all(|d| d["message"].as_str().is_some_and(|m| !m.is_empty())),
        "{b}"
    );
    // The IIN the portal prefills must be the recipient's own.
    let body = filing(&c, |app| app["form"]["applicant_iin"] = json!(ERLAN));
    let b = c
        .post("/api/portal/requests", body)
        .refused(422, "form.invalid");
    assert_eq!(b["details"][0]["code"], "form.not_recipient", "{b}");
    assert_eq!(my_requests(&c), before);
}

#[test]
fn a_replayed_filing_is_one_request() {
    let _one_at_a_time = serial();
    let server = shared();
    let c = Client::login(server, AIGERIM);
    let before = my_requests(&c);
    let body = filing(&c, |_| {});
    let first = c.post("/api/portal/requests", body.clone());
    assert_eq!(first.status, 201, "{:?}", first.body);
    let again = c.post("/api/portal/requests", body);
    assert_eq!(again.status, 200, "{:?}", again.body);
    assert_eq!(again.body["duplicate"], true);
    assert_eq!(again.body["number"], first.body["number"]);
    assert_eq!(my_requests(&c), before + 1);
}

#[test]
fn signatures_that_are_not_confirmed_are_refused() {
    let _one_at_a_time = serial();
    let server = shared();
    let aigerim = Client::login(server, AIGERIM);
    let before = my_requests(&aigerim);
    // Tampered: one byte of the signed content changed.
    let body = filing(&aigerim, |_| {});
    let mut der = STANDARD.decode(body["cms"].as_str().unwrap()).unwrap();
    let at = der.windows(9).position(|w| w == b"\"nonce\":\"").unwrap() + 9;
    der[at] = if der[at] == b'a' { b'b' } else { b'a' };
    aigerim
        .post(
            "/api/portal/requests",
            json!({"cms": STANDARD.encode(&der), "attachments": body["attachments"]}),
        )
        .refused(422, "signature-broken");
    // Signed by someone else's key: Erlan signs Aigerim's application.
    let mut erlan = Client::login(server, ERLAN);
    let app = filing(&erlan, |_| {});
    let b = aigerim
        .post("/api/portal/requests", app)
        .refused(422, "signature-another-iin");
    assert!(b["message"].as_str().unwrap().len() > 10);
    // An expired key and a revoked one, issued to Aigerim by the NCA.
    let person = server
        .platform
        .registries
        .with(|r| r.gbd_fl.get(&AIGERIM.parse().unwrap()).cloned())
        .unwrap();
    let holder = Holder {
        iin: person.iin,
        surname: person.name_ru.surname.clone(),
        name: person.name_ru.given_name.clone(),
        patronymic: None,
        role: CertRole::Individual,
        organisation: None,
    };
    let now = Utc::now();
    let key = |from: chrono::DateTime<Utc>, to: chrono::DateTime<Utc>, name: &str| {
        let issued = server
            .nca
            .nca()
            .issue(
                &IssueRequest {
                    holder: holder.clone(),
                    purpose: KeyPurpose::Signing,
                    key_type: KeyType::EcdsaP256,
                    not_before: from,
                    not_after: to,
                },
                now,
            )
            .unwrap();
        let path = server.data.join(name);
        std::fs::write(&path, issued.to_pkcs12(&server.report.password).unwrap()).unwrap();
        (path, issued.cert.serial_hex())
    };
    let (expired, _) = key(
        now - Duration::days(30),
        now - Duration::days(1),
        "expired.p12",
    );
    erlan.key = Some(expired);
    let b = aigerim.post("/api/portal/requests", filing(&erlan, |_| {}));
    assert_eq!(b.status, 422, "{:?}", b.body);
    assert_eq!(
        b.body["code"], "signature-certificate-expired",
        "{:?}",
        b.body
    );
    let (revoked, serial) = key(
        now - Duration::days(1),
        now + Duration::days(30),
        "revoked.p12",
    );
    server
        .nca
        .nca()
        .revoke(
            &serial,
            qyzmet_pki::revocation::RevocationReason::KeyCompromise,
            now - Duration::hours(1),
        )
        .unwrap();
    erlan.key = Some(revoked);
    aigerim
        .post("/api/portal/requests", filing(&erlan, |_| {}))
        .refused(422, "signature-certificate-revoked");
    assert_eq!(my_requests(&aigerim), before);
}

#[test]
fn files_must_be_what_was_signed_and_within_limits() {
    let _one_at_a_time = serial();
    let server = shared();
    let c = Client::login(server, AIGERIM);
    let before = my_requests(&c);
    let sign = |declared: Value, upload: Value| {
        let (form, _) = form_for(server, "unemployed-certificate", AIGERIM);
        let mut app: Value = serde_json::from_slice(&application(
            "unemployed-certificate",
            "portal",
            AIGERIM,
            form,
            &[declared],
        ))
        .unwrap();
        app["form"]["scanned_documents"] = json!("scan.pdf");
        app["version"] = json!(
            server
                .platform
                .catalog
                .latest("unemployed-certificate")
                .unwrap()
                .version
        );
        json!({"cms": c.sign(&serde_json::to_vec(&app).unwrap()), "attachments": [upload]})
    };
    // Uploaded content that is not the signed one.
    let (declared, _) = file("scanned_documents", "scan.pdf", &pdf("signed"));
    let (_, other) = file("scanned_documents", "scan.pdf", &pdf("another"));
    c.post("/api/portal/requests", sign(declared, other))
        .refused(422, "file.not_as_signed");
    // A "PDF" that is not one.
    let png = b"\x89PNG\r\n\x1a\nnot a pdf".to_vec();
    let (declared, upload) = file("scanned_documents", "scan.pdf", &png);
    c.post("/api/portal/requests", sign(declared, upload))
        .refused(422, "file.type");
    // Over the 10 MiB limit.
    let mut big = pdf("big");
    big.resize(11 * 1024 * 1024, b' ');
    let (declared, upload) = file("scanned_documents", "scan.pdf", &big);
    c.post("/api/portal/requests", sign(declared, upload))
        .refused(413, "file.too_large");
    assert_eq!(my_requests(&c), before);
}

#[test]
fn nobody_reads_or_moves_someone_elses_request() {
    let _one_at_a_time = serial();
    let server = shared();
    let aigerim = Client::login(server, AIGERIM);
    let id = &filed_id(&aigerim);
    // Another citizen.
    Client::login(server, ERLAN)
        .get(&format!("/api/portal/requests/{id}"))
        .refused(403, "access.not_yours");
    // Another provider's employee.
    let other = Client::as_role(server, "employee", Some("astana-phc"));
    other
        .get(&format!("/api/agency/requests/{id}"))
        .refused(403, "access.other_organisation");
    other
        .post(&format!("/api/agency/requests/{id}/take"), json!({}))
        .refused(403, "access.other_organisation");
    // A citizen cannot act as staff; an operator of a CSC it did not come through cannot read it.
    aigerim
        .post(&format!("/api/agency/requests/{id}/take"), json!({}))
        .refused(403, "access.role");
    Client::as_role(server, "operator", Some("csc-astana"))
        .get(&format!("/api/csc/requests/{id}"))
        .refused(403, "access.other_organisation");
    // No session at all.
    Client::anonymous(server)
        .get(&format!("/api/portal/requests/{id}"))
        .refused(401, "auth.required");
    // The monitor sees deadlines, not the request.
    Client::as_role(server, "monitor", None)
        .get(&format!("/api/agency/requests/{id}"))
        .refused(403, "access.role");
    // Nothing moved.
    let employee = Client::as_role(server, "employee", Some("aiyrtau-employment"));
    let v = employee.get(&format!("/api/agency/requests/{id}")).ok();
    assert_eq!(v["status"], "received", "{v}");
}

/// The provider's IS trusts a system only for its own kind of people: the portal for
/// recipients, a CSC's IS for its operators; and only the systems granted may read at all.
#[test]
fn a_system_speaks_only_for_its_own_people() {
    use qyzmet_accounts::{Login, Principal, Role};
    use qyzmet_gateway::services::{Act, ActAnswer, ActRequest, Read, ReadAnswer, ReadRequest};
    use qyzmet_gateway::services::{ACT, AGENCY, CSC, PORTAL, READ};
    let _one_at_a_time = serial();
    let server = shared();
    let aigerim = Client::login(server, AIGERIM);
    let id = filed_id(&aigerim);
    let today = chrono::Utc::now().date_naive();
    let person = |login: &str, role: Role, org: Option<&str>| Principal {
        user_id: "someone".into(),
        login: Login::parse(login, today).unwrap(),
        roles: vec![role],
        organisation: org.map(str::to_string),
    };
    let read = |from: &str, p: Principal| -> ReadAnswer {
        let asked = ReadRequest {
            on_behalf_of: p,
            read: Read::Request {
                request_id: id.clone(),
            },
        };
        server
            .runtime
            .block_on(server.platform.gateway.call(from, AGENCY, READ, &asked))
            .unwrap()
    };
    let refused = |a: ReadAnswer| match a {
        ReadAnswer::Refused(r) => (r.status, r.code),
        ReadAnswer::Found { found } => panic!("read: {found}"),
    };
    // The portal, for the recipient: found.
    assert!(matches!(
        read(PORTAL, person(AIGERIM, Role::Recipient, None)),
        ReadAnswer::Found { found } if found["id"] == json!(id)
    ));
    // The portal cannot vouch for staff, nor a CSC for a citizen.
    let staff = person(
        "aiyrtau-employee",
        Role::Employee,
        Some("aiyrtau-employment"),
    );
    assert_eq!(refused(read(PORTAL, staff)), (403, "access.role".into()));
    let citizen = person(AIGERIM, Role::Recipient, None);
    assert_eq!(refused(read(CSC, citizen)), (403, "access.role".into()));
    // The portal for another recipient: not theirs.
    assert_eq!(
        refused(read(PORTAL, person(ERLAN, Role::Recipient, None))),
        (403, "access.not_yours".into())
    );
    // A state database was never granted the reading.
    let asked = ReadRequest {
        on_behalf_of: person(AIGERIM, Role::Recipient, None),
        read: Read::Requests,
    };
    let e = server
        .runtime
        .block_on(
            server
                .platform
                .gateway
                .call::<_, ReadAnswer>("gbd-fl", AGENCY, READ, &asked),
        )
        .unwrap_err();
    assert_eq!(e.code(), "gateway.not_granted", "{e}");
    // Nor may the portal answer a questionnaire for someone else.
    let act = ActRequest {
        request_id: id.clone(),
        by: person(ERLAN, Role::Recipient, None),
        act: Act::Answer {
            answers: Default::default(),
        },
    };
    let answer: ActAnswer = server
        .runtime
        .block_on(server.platform.gateway.call(PORTAL, AGENCY, ACT, &act))
        .unwrap();
    assert!(
        matches!(&answer, ActAnswer::Refused(r) if r.code == "access.not_yours"),
        "{answer:?}"
    );
}

/// A filing from the portal needs no account of the portal's in the provider's IS: the person
/// is known by their signature, so the systems can keep separate databases.
#[test]
fn the_provider_keeps_no_account_of_the_portals_people() {
    use qyzmet_gateway::services::{Filing, FilingAnswer, AGENCY, FILE, PORTAL};
    let _one_at_a_time = serial();
    let server = shared();
    let aigerim = Client::login(server, AIGERIM);
    let body = filing(&aigerim, |_| {});
    let f = Filing {
        channel: qyzmet_core::regulation::ChannelKind::Portal,
        cms: body["cms"].as_str().unwrap().to_string(),
        attachments: serde_json::from_value(body["attachments"].clone()).unwrap(),
        submitted_by: "an-account-only-the-portal-has".into(),
        signer_iin: AIGERIM.into(),
        csc: None,
    };
    let answer: FilingAnswer = server
        .runtime
        .block_on(server.platform.gateway.call(PORTAL, AGENCY, FILE, &f))
        .unwrap();
    let FilingAnswer::Filed { request_id, .. } = answer else {
        panic!("{answer:?}");
    };
    let req = server
        .runtime
        .block_on(
            server
                .platform
                .store
                .load_request(&qyzmet_store::RequestId(request_id)),
        )
        .unwrap();
    assert_eq!(req.summary.submitted_by, None);
    assert_eq!(req.summary.recipient.to_string(), AIGERIM);
}

#[test]
fn acts_out_of_order_are_refused() {
    let _one_at_a_time = serial();
    let server = shared();
    let aigerim = Client::login(server, AIGERIM);
    let id = &filed_id(&aigerim);
    let employee = Client::as_role(server, "employee", Some("aiyrtau-employment"));
    // Deciding a request not taken into work.
    employee
        .post(
            &format!("/api/agency/requests/{id}/decide"),
            json!({"outcome": "positive"}),
        )
        .refused(409, "request.out_of_turn");
    employee
        .post(
            &format!("/api/agency/requests/{id}/sign-result"),
            json!({"cms": ""}),
        )
        .refused(409, "request.out_of_turn");
    employee
        .post(&format!("/api/agency/requests/{id}/take"), json!({}))
        .ok();
    employee
        .post(&format!("/api/agency/requests/{id}/take"), json!({}))
        .refused(409, "request.out_of_turn");
    // A motivated refusal needs its grounds.
    employee
        .post(
            &format!("/api/agency/requests/{id}/decide"),
            json!({"outcome": "refusal"}),
        )
        .refused(422, "decision.grounds_required");
    // The questionnaire waits for the end.
    aigerim
        .post(
            &format!("/api/portal/requests/{id}/questionnaire"),
            json!({}),
        )
        .refused(409, "questionnaire.not_finished");
    let v = employee.get(&format!("/api/agency/requests/{id}")).ok();
    assert_eq!(v["status"], "in_work", "{v}");
}

#[test]
fn a_motivated_refusal_reaches_the_citizen_signed() {
    let _one_at_a_time = serial();
    let server = shared();
    let aigerim = Client::login(server, AIGERIM);
    let id = &filed_id(&aigerim);
    let employee = Client::as_role(server, "employee", Some("aiyrtau-employment"));
    employee
        .post(&format!("/api/agency/requests/{id}/take"), json!({}))
        .ok();
    employee
        .post(
            &format!("/api/agency/requests/{id}/decide"),
            json!({"outcome": "refusal", "grounds": "Не представлена справка о доходах"}),
        )
        .ok();
    let end = carry(server, "unemployed-certificate", id, AIGERIM);
    assert_eq!(end["status"], "refused", "{end}");
    assert!(end["refusal"]["message"]["ru"]
        .as_str()
        .unwrap()
        .contains("справка о доходах"));
    let result = aigerim
        .get(&format!("/api/portal/requests/{id}/result"))
        .ok();
    assert_eq!(result["document"]["outcome"], "refusal");
    assert!(result["document"]["grounds"]["ru"]
        .as_str()
        .unwrap()
        .contains("справка о доходах"));
    let notices = aigerim.notices_until("/api/portal/notifications", |n| {
        n["request"] == json!(id) && n["status"] == "refused"
    });
    let notice = notices
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["request"] == json!(id))
        .unwrap()["id"]
        .clone();
    // Another citizen neither sees the notice nor can mark it read.
    let other = Client::login(server, "581205400815");
    let theirs = other.get("/api/portal/notifications").ok();
    assert!(!theirs
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["request"] == json!(id)));
    other
        .post(
            &format!("/api/portal/notifications/{notice}/read"),
            json!({}),
        )
        .refused(404, "not_found");
    let mine = |c: &Client| {
        c.get("/api/portal/notifications")
            .ok()
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == notice)
            .unwrap()["read"]
            .clone()
    };
    assert_eq!(mine(&aigerim), json!(false));
    aigerim
        .post(
            &format!("/api/portal/notifications/{notice}/read"),
            json!({}),
        )
        .ok();
    assert_eq!(mine(&aigerim), json!(true));
}

#[test]
fn the_result_must_be_signed_by_the_signer_over_the_draft() {
    let _one_at_a_time = serial();
    let server = shared();
    let aigerim = Client::login(server, AIGERIM);
    let id = &filed_id(&aigerim);
    let employee = Client::as_role(server, "employee", Some("aiyrtau-employment"));
    employee
        .post(&format!("/api/agency/requests/{id}/take"), json!({}))
        .ok();
    employee
        .post(
            &format!("/api/agency/requests/{id}/decide"),
            json!({"outcome": "positive"}),
        )
        .ok();
    let v = employee.get(&format!("/api/agency/requests/{id}")).ok();
    assert_eq!(v["waiting"]["operation"], "sign_result", "{v}");
    let path = format!("/api/agency/requests/{id}/sign-result");
    // Other bytes than the draft.
    employee
        .post(
            &path,
            json!({"cms": employee.sign(b"{\"a forged\":\"result\"}")}),
        )
        .refused(422, "signature-broken");
    // A citizen's key, not the employee's own.
    let draft = employee
        .get(&format!("/api/agency/requests/{id}/result"))
        .ok();
    let bytes = STANDARD.decode(draft["to_sign"].as_str().unwrap()).unwrap();
    employee
        .post(&path, json!({"cms": aigerim.sign(&bytes)}))
        .refused(422, "signature-role-mismatch");
    let after = employee.get(&format!("/api/agency/requests/{id}")).ok();
    assert_eq!(after["revision"], v["revision"]);
}

#[test]
fn a_deadline_is_extended_with_its_reason_and_the_citizen_told() {
    let _one_at_a_time = serial();
    let server = shared();
    // Targeted social assistance allows extensions (its regulation says so).
    let (citizen, answer) = file_request(server, "targeted-social-assistance", "portal", AIGERIM);
    let id = answer.ok()["request_id"].as_str().unwrap().to_string();
    let employee = Client::as_role(server, "employee", Some("aiyrtau-employment"));
    let v = employee.get(&format!("/api/agency/requests/{id}")).ok();
    if v["waiting"]["operation"] == "take_into_work" {
        employee
            .post(&format!("/api/agency/requests/{id}/take"), json!({}))
            .ok();
    }
    let until = (qyzmet_agency::local(Utc::now()) + Duration::days(60))
        .format("%Y-%m-%dT18:00:00")
        .to_string();
    let path = format!("/api/agency/requests/{id}/extend");
    employee
        .post(&path, json!({"until": until, "reason": " "}))
        .refused(422, "extension.reason_required");
    let v = employee
        .post(
            &path,
            json!({"until": until, "reason": "Запрошены сведения в акимате"}),
        )
        .ok();
    assert_eq!(v["status"], "deadline_extended", "{v}");
    citizen.notices_until("/api/portal/notifications", |n| {
        n["request"] == json!(id)
            && n["text"]["ru"]
                .as_str()
                .is_some_and(|t| t.contains("Запрошены сведения"))
    });
    // The unemployed certificate's regulation does not allow it.
    let aigerim = Client::login(server, AIGERIM);
    let other = &filed_id(&aigerim);
    employee
        .post(&format!("/api/agency/requests/{other}/take"), json!({}))
        .ok();
    employee
        .post(
            &format!("/api/agency/requests/{other}/extend"),
            json!({"until": until, "reason": "Причина"}),
        )
        .refused(409, "engine.extension_not_allowed");
}

#[test]
fn wrong_passwords_and_logins_are_refused_alike() {
    let _one_at_a_time = serial();
    let server = shared();
    let c = Client::anonymous(server).lang("ru");
    let b = c
        .post(
            "/api/session",
            json!({"login": AIGERIM, "password": "wrong-password-1"}),
        )
        .refused(401, "auth.refused");
    assert!(b["message"]
        .as_str()
        .unwrap()
        .contains("неверный логин или пароль"));
    c.post(
        "/api/session",
        json!({"login": "700601399994", "password": server.report.password}),
    )
    .refused(401, "auth.refused");
    // Registering an IIN the state database does not hold, or a wrong IIN.
    c.post(
        "/api/portal/register",
        json!({"login": "700601399994", "password": "Secret-123"}),
    )
    .refused(422, "register.not_in_state_database");
    c.post(
        "/api/portal/register",
        json!({"login": "850101300006", "password": "Secret-123"}),
    )
    .refused(422, "register.login");
    // A logged-out token opens nothing.
    let me = Client::login(server, AIGERIM);
    me.delete("/api/session");
    me.get("/api/portal/requests").refused(401, "auth.required");
}

#[test]
fn the_monitor_sees_sla_and_a_citizen_does_not() {
    let _one_at_a_time = serial();
    let server = shared();
    let aigerim = Client::login(server, AIGERIM);
    aigerim
        .post("/api/portal/requests", filing(&aigerim, |_| {}))
        .ok();
    let sla = Client::as_role(server, "monitor", None)
        .get("/api/sla")
        .ok();
    let row = sla
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == "unemployed-certificate" && r["provider"] == "aiyrtau-employment")
        .unwrap_or_else(|| panic!("{sla}"));
    assert!(row["requests"].as_u64().unwrap() >= 1, "{row}");
    aigerim.get("/api/sla").refused(403, "access.role");
    // A head sees their own provider's, not another's.
    let head = Client::as_role(server, "head", Some("aiyrtau-employment"));
    head.get("/api/sla").ok();
    head.get("/api/sla?provider=astana-phc")
        .refused(403, "access.role");
}
