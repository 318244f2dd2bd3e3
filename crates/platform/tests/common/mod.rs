//! The platform as people meet it: a real server on a loopback port (the NCA's OCSP and CRL on
//! it too, as the certificates name them), a fresh data folder with the demo seeded, and a
//! client that logs in, signs with the person's own key file, and calls the API.

#![allow(dead_code)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use qyzmet_core::regulation::Catalog;
use qyzmet_pki::nca::{Nca, NcaUrls};
use qyzmet_pki::KeyType;
use qyzmet_platform::demo::DemoReport;
use qyzmet_platform::registries::RegistryHost;
use qyzmet_platform::{demo, Platform};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub struct Server {
    pub base: String,
    pub report: DemoReport,
    pub data: PathBuf,
    pub platform: Platform,
    pub nca: Arc<qyzmet_pki::http::NcaService>,
    pub runtime: tokio::runtime::Runtime,
}

fn sources(dir: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(dir);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    out
}

pub fn catalog() -> Catalog {
    let (catalog, ds) = Catalog::from_sources(&sources("regulations"));
    assert!(ds.is_empty(), "{ds:?}");
    catalog
}

/// How tests run the outbox relay: retries in milliseconds rather than seconds.
pub fn quick_relay() -> qyzmet_agency::outbox::OutboxConfig {
    qyzmet_agency::outbox::OutboxConfig {
        poll: std::time::Duration::from_millis(10),
        first_retry: chrono::Duration::milliseconds(20),
        max_retry: chrono::Duration::milliseconds(200),
        ..Default::default()
    }
}

/// Start a platform on a fresh data folder and database (`database`: None for SQLite there).
pub fn start(database: Option<String>) -> Server {
    start_with(database, Some(quick_relay()))
}

/// [`start`], with the outbox relay as given (None: none runs; a test drives it).
pub fn start_with(
    database: Option<String>,
    relay: Option<qyzmet_agency::outbox::OutboxConfig>,
) -> Server {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let data = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("qyzmet-platform")
        .join(uuid::Uuid::new_v4().simple().to_string());
    std::fs::create_dir_all(&data).unwrap();
    let (base, report, platform, nca) = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let urls = NcaUrls {
            crl: Some(format!("http://{addr}/nca/crl")),
            ocsp: Some(format!("http://{addr}/nca/ocsp")),
        };
        // Made two months ago, so that keys that have already expired can be issued.
        let made = chrono::Utc::now() - chrono::Duration::days(60);
        let mut nca = Nca::init(&data.join("nca"), KeyType::EcdsaP256, urls, made).unwrap();
        let verifier = Arc::new(
            qyzmet_pki::Verifier::new(vec![nca.root().clone()])
                .with_intermediates(vec![nca.issuing().cert.clone()])
                .with_revocation(Arc::new(
                    qyzmet_pki::sources::AsTheCertificateSays::default(),
                )),
        );
        let url =
            database.unwrap_or_else(|| format!("sqlite://{}", data.join("qyzmet.db").display()));
        let store = qyzmet_store::Store::open(&url).await.unwrap();
        let registries = RegistryHost::new(qyzmet_registries::Registries::demo(2026), None);
        let catalog = Arc::new(catalog());
        let calendar = Arc::new(
            qyzmet_core::calendar::WorkingCalendar::from_sources(&sources("calendar")).unwrap(),
        );
        let fees = demo::fees(&catalog);
        let road = qyzmet_platform::road::Road::open(&mut nca, &data).unwrap();
        let platform = Platform::assemble(
            store.clone(),
            catalog.clone(),
            calendar,
            registries.clone(),
            verifier,
            &fees,
            road,
        )
        .unwrap();
        let world = registries.with(|r| r.clone());
        let report = demo::seed(
            &store,
            &catalog,
            &world,
            &mut nca,
            &data,
            KeyType::EcdsaP256,
        )
        .await
        .unwrap();
        let nca = qyzmet_pki::http::NcaService::new(nca, qyzmet_pki::http::Freshness::default());
        let app = platform
            .router()
            .merge(qyzmet_pki::http::router(nca.clone()));
        if let Some(config) = relay {
            platform.agency.spawn_relay(config);
        }
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        (format!("http://{addr}"), report, platform, nca)
    });
    Server {
        base,
        report,
        data,
        platform,
        nca,
        runtime,
    }
}

/// One server for the whole test binary (seeding issues dozens of keys).
pub fn shared() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| start(None))
}

/// Tests that count a person's requests run one at a time.
pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    #[track_caller]
    pub fn ok(self) -> Value {
        assert!(
            (200..300).contains(&self.status),
            "{} {}",
            self.status,
            self.body
        );
        self.body
    }

    #[track_caller]
    pub fn refused(self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.body["code"], code, "{}", self.body);
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            self.body
        );
        self.body
    }
}

/// A person at the API: a session token and, if they sign, their key file.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub token: Option<String>,
    pub lang: &'static str,
    pub login: String,
    pub key: Option<PathBuf>,
    pub password: String,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// Wait (up to 20 s) until `done`: for what arrives through the gateway in its own time.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "timed out waiting: {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

impl Client {
    /// The notifications at `path` once one of them is as `wanted` (notices reach the
    /// portal's and the CSC's own databases through the gateway's outbox, not at once).
    pub fn notices_until(&self, path: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let mut last = Value::Null;
        wait_until(&format!("a notice at {path}"), || {
            last = self.get(path).ok();
            last.as_array().is_some_and(|l| l.iter().any(&wanted))
        });
        last
    }

    pub fn anonymous(server: &Server) -> Client {
        Client {
            base: server.base.clone(),
            token: None,
            lang: "en",
            login: String::new(),
            key: None,
            password: server.report.password.clone(),
        }
    }

    /// Log in as the demo account `login`.
    pub fn login(server: &Server, login: &str) -> Client {
        let account = server
            .report
            .accounts
            .iter()
            .find(|a| a.login == login)
            .unwrap_or_else(|| panic!("no demo account {login}"));
        let mut c = Client::anonymous(server);
        let opened = c
            .post(
                "/api/session",
                json!({"login": login, "password": server.report.password}),
            )
            .ok();
        c.token = Some(opened["token"].as_str().unwrap().to_string());
        c.login = login.to_string();
        c.key = account.key_file.clone();
        c
    }

    /// The first demo account with `role` (and of `organisation`, when given).
    pub fn as_role(server: &Server, role: &str, organisation: Option<&str>) -> Client {
        let a = server
            .report
            .with_role(role)
            .find(|a| organisation.is_none() || a.organisation.as_deref() == organisation)
            .unwrap_or_else(|| panic!("no demo {role} of {organisation:?}"));
        Client::login(server, &a.login.clone())
    }

    pub fn lang(mut self, lang: &'static str) -> Self {
        self.lang = lang;
        self
    }

    fn send(&self, method: &str, path: &str, body: Option<String>) -> Answer {
        let url = format!("{}{path}", self.base);
        let a = agent();
        let mut req = match method {
            "GET" => a.get(&url).force_send_body(),
            "DELETE" => a.delete(&url).force_send_body(),
            _ => a.post(&url),
        }
        .header("accept-language", self.lang);
        if let Some(t) = &self.token {
            req = req.header("authorization", &format!("Bearer {t}"));
        }
        let result = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .send(b.as_str()),
            None => req.send(""),
        };
        let mut resp = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer { status, body }
    }

    pub fn get(&self, path: &str) -> Answer {
        self.send("GET", path, None)
    }

    pub fn post(&self, path: &str, body: Value) -> Answer {
        self.send("POST", path, Some(body.to_string()))
    }

    pub fn post_raw(&self, path: &str, body: &str) -> Answer {
        self.send("POST", path, Some(body.to_string()))
    }

    pub fn delete(&self, path: &str) -> Answer {
        self.send("DELETE", path, None)
    }

    /// Sign `data` with this person's own key file (attached CMS, base64).
    pub fn sign(&self, data: &[u8]) -> String {
        let key = self.key.as_ref().expect("this person has no key");
        sign_with(key, &self.password, data)
    }
}

pub fn sign_with(key: &Path, password: &str, data: &[u8]) -> String {
    let p12 = std::fs::read(key).unwrap();
    sign_with_key(&qyzmet_pki::p12::open(&p12, password).unwrap(), data)
}

/// Sign `data` with an opened key file (attached CMS with the issuing CA, base64).
pub fn sign_with_key(kf: &qyzmet_pki::p12::KeyFile, data: &[u8]) -> String {
    let cms = qyzmet_pki::cms::sign(
        data,
        &kf.key,
        &kf.cert,
        &kf.chain[..1],
        false,
        chrono::Utc::now(),
    )
    .unwrap();
    STANDARD.encode(cms)
}

/// A small real PDF.
pub fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").into_bytes()
}

/// A file for an application: what the signature declares and what is uploaded.
pub fn file(key: &str, name: &str, content: &[u8]) -> (Value, Value) {
    let declared = json!({
        "key": key, "name": name,
        "sha256": Sha256::digest(content).iter().map(|b| format!("{b:02x}")).collect::<String>(),
        "size": content.len(),
    });
    let upload = json!({
        "key": key, "name": name, "media_type": "application/pdf", "content": STANDARD.encode(content),
    });
    (declared, upload)
}

/// An application's JSON (what is signed).
pub fn application(
    service: &str,
    channel: &str,
    recipient: &str,
    form: Value,
    files: &[Value],
) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "service": service,
        "version": 1,
        "channel": channel,
        "recipient": recipient,
        "form": form,
        "attachments": files,
        "nonce": uuid::Uuid::new_v4().to_string(),
    }))
    .unwrap()
}

// ----- carrying a service through its flow -----

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
        let asked = f
            .when
            .as_ref()
            .is_none_or(|w| form.get(&w.field).and_then(|v| v.as_str()) == Some(w.equals.as_str()));
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
            (T::Address, _) => {
                "Северо-Казахстанская обл., Айыртауский р-н, с. Саумалколь, ул. Школьная, 14".into()
            }
            (T::Phone, _) => "+77011234567".into(),
            (T::Email, _) => "citizen@example.kz".into(),
            (T::Choice, _) => f
                .choices
                .first()
                .map(|c| c.value.clone())
                .unwrap_or_default(),
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
pub fn file_request(
    server: &Server,
    service: &str,
    channel: &str,
    recipient: &str,
) -> (Client, Answer) {
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
    let mut app: Value =
        serde_json::from_slice(&application(service, channel, recipient, form, &declared)).unwrap();
    app["version"] = json!(reg.version);
    let bytes = serde_json::to_vec(&app).unwrap();
    let path = match channel {
        "portal" => "/api/portal/requests",
        "agency" => "/api/agency/requests",
        _ => "/api/csc/requests",
    };
    let answer = filer.post(
        path,
        json!({"cms": filer.sign(&bytes), "attachments": uploads}),
    );
    (filer, answer)
}

/// Carry a filed request to its end, acting as whoever it waits for.
pub fn carry(server: &Server, service: &str, id: &str, recipient: &str) -> Value {
    let reg = server.platform.catalog.latest(service).unwrap();
    let employee = Client::as_role(server, "employee", Some(&reg.general.provider.code));
    for _ in 0..40 {
        let view = employee.get(&format!("/api/agency/requests/{id}")).ok();
        if view["finished"] == json!(true) {
            return view;
        }
        step(server, service, id, recipient, &view);
    }
    panic!("{service}: did not finish in 40 steps");
}

/// Do what the request (seen as `view`) waits for, as the person the regulation names.
pub fn step(server: &Server, service: &str, id: &str, recipient: &str, view: &Value) {
    let reg = server.platform.catalog.latest(service).unwrap();
    let provider = reg.general.provider.code.clone();
    let employee = Client::as_role(server, "employee", Some(&provider));
    let w = &view["waiting"];
    let op = w["operation"].as_str().unwrap_or_default();
    let unit = w["unit"].as_str().unwrap_or_default();
    let path = |what: &str| format!("/api/agency/requests/{id}/{what}");
    match (w["waiting_for"].as_str(), unit, op) {
        (Some("outside"), _, "pay") => {
            Client::login(server, recipient)
                .post(
                    &format!("/api/portal/requests/{id}/pay"),
                    json!({"payment_ref": format!("BANK-{id}")}),
                )
                .ok();
        }
        (Some("person"), "csc" | "csc_is" | "courier", _) => {
            Client::as_role(server, "operator", Some("csc-aiyrtau"))
                .post(
                    &format!("/api/csc/requests/{id}/perform"),
                    json!({"operation": op}),
                )
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
            employee
                .post(&path("decide"), json!({"outcome": outcome}))
                .ok();
        }
        (Some("person"), _, "sign_result") => {
            let who = if w["role"] == json!("signer") {
                Client::as_role(server, "signer", Some(&provider))
            } else {
                employee.clone()
            };
            let draft = who.get(&path("result")).ok();
            let bytes = STANDARD.decode(draft["to_sign"].as_str().unwrap()).unwrap();
            who.post(&path("sign-result"), json!({"cms": who.sign(&bytes)}))
                .ok();
        }
        (Some("person"), "provider" | "agency_is" | "commission", _) => {
            employee
                .post(&path("perform"), json!({"operation": op}))
                .ok();
        }
        other => panic!("{service}: the request waits for {other:?}: {view}"),
    }
}

/// Who receives each service in the demo world (see `qyzmet_registries::demo`).
pub const CASES: &[(&str, &str)] = &[
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

pub fn run_service(server: &Server, service: &str, recipient: &str) {
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
        citizen.notices_until("/api/portal/notifications", |n| n["request"] == json!(id));
        if channel == "csc" {
            // The CSC that filed it is told too, in its own IS; another CSC is not.
            Client::as_role(server, "operator", Some("csc-aiyrtau"))
                .notices_until("/api/csc/notifications", |n| n["request"] == json!(id));
            let elsewhere = Client::as_role(server, "operator", Some("csc-astana"))
                .get("/api/csc/notifications")
                .ok();
            assert!(
                !elsewhere
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|n| n["request"] == json!(id)),
                "{service}: another CSC sees the notice"
            );
        }
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
