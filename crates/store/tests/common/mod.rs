//! The harness: every test body runs once on SQLite and once on PostgreSQL.
//!
//! PostgreSQL must be running — these tests FAIL, never skip, when it is not. On the development
//! machine start it with
//!
//! ```text
//! pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
//! ```
//!
//! The default URL is `postgres://postgres@127.0.0.1:5432/test` (trust authentication);
//! `QYZMET_TEST_POSTGRES_URL` overrides it. Each test gets its own schema `t_<uuid>`, named in
//! the connection's `search_path` and dropped at the end; each SQLite test its own file under
//! the target's temporary directory.

#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use qyzmet_core::id::{Iin, Sex};
use qyzmet_core::regulation::{ChannelKind, Status};
use qyzmet_core::{Lang, Text};
use qyzmet_store::*;
use serde_json::json;
use sqlx::Connection;
use std::future::Future;
use std::path::PathBuf;

pub const PG_HINT: &str = "PostgreSQL is not reachable, and the store's tests must run against \
it. Start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` \
(or point QYZMET_TEST_POSTGRES_URL at a server where the user may create schemas).";

pub fn pg_base_url() -> String {
    std::env::var("QYZMET_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A fresh, empty database of one backend, and how to throw it away.
pub struct Db {
    pub url: String,
    pub backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Schema(String),
}

impl Db {
    pub async fn fresh(backend: Backend) -> Db {
        let tag = uuid::Uuid::new_v4().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("qyzmet-store");
                std::fs::create_dir_all(&dir).unwrap();
                let path = dir.join(format!("{tag}.db"));
                Db {
                    url: format!("sqlite://{}", path.display()),
                    backend,
                    cleanup: Cleanup::File(path),
                }
            }
            Backend::Postgres => {
                let base = pg_base_url();
                let schema = format!("t_{tag}");
                let mut admin = pg_admin(&base).await;
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                admin.close().await.ok();
                let sep = if base.contains('?') { '&' } else { '?' };
                Db {
                    url: format!("{base}{sep}options[search_path]={schema}"),
                    backend,
                    cleanup: Cleanup::Schema(schema),
                }
            }
        }
    }

    pub async fn open(&self) -> Store {
        Store::open(&self.url).await.unwrap()
    }

    pub async fn drop(self) {
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Schema(schema) => {
                let mut admin = pg_admin(&pg_base_url()).await;
                sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                admin.close().await.ok();
            }
        }
    }
}

async fn pg_admin(url: &str) -> sqlx::PgConnection {
    match sqlx::PgConnection::connect(url).await {
        Ok(c) => c,
        Err(e) => panic!("{PG_HINT}\nConnecting to {url} failed: {e}"),
    }
}

/// What a test body gets: the open store and the database it is on.
pub struct Ctx {
    pub store: Store,
    pub url: String,
    pub backend: Backend,
}

/// Run `body` on a fresh database of `backend`, then throw the database away (also when the
/// body panics, whose panic is then passed on).
pub async fn run<F, Fut>(backend: Backend, body: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let db = Db::fresh(backend).await;
    let store = db.open().await;
    let ctx = Ctx {
        store: store.clone(),
        url: db.url.clone(),
        backend,
    };
    let outcome = tokio::spawn(body(ctx)).await;
    store.close().await;
    db.drop().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// `both!(name, |ctx| async move { … })`: tests `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::common::run(qyzmet_store::Backend::Sqlite, $body).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::common::run(qyzmet_store::Backend::Postgres, $body).await
            }
        }
    };
}

// ----- fixtures -----

/// A valid IIN, distinct for each `n < 6000`.
pub fn iin(n: u16) -> Iin {
    let born = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + chrono::Days::new(u64::from(n));
    (0..9999)
        .find_map(|serial| Iin::generate(born, Sex::Female, serial))
        .expect("an IIN for that day")
}

/// A valid BIN (from the core's tests).
pub fn bin() -> qyzmet_core::id::Bin {
    qyzmet_core::id::Bin::parse("080440000008").unwrap()
}

/// 10 March 2025, 10:00 in Almaty.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 10, 5, 0, 0).unwrap()
}

pub fn text(s: &str) -> Text {
    Text::new(
        format!("{s} (kk)"),
        format!("{s} (ru)"),
        format!("{s} (en)"),
    )
}

pub async fn org(store: &Store, code: &str, kind: OrgKind) -> Organisation {
    store
        .create_organisation(NewOrganisation {
            code: code.to_string(),
            kind,
            name: text(code),
            bin: None,
        })
        .await
        .unwrap()
}

pub async fn user(
    store: &Store,
    login: &str,
    roles: &[Role],
    organisation: Option<&Organisation>,
) -> User {
    store
        .create_user(NewUser {
            login: login.to_string(),
            password_hash: PasswordHash("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
            full_name: format!("User {login}"),
            organisation: organisation.map(|o| o.id.clone()),
            roles: roles.to_vec(),
            language: Lang::Kk,
            iin: None,
        })
        .await
        .unwrap()
}

/// A request as a portal submission would make it: received, one history line, one notice.
pub fn new_request(provider: &str, recipient: impl Into<Party>, at: DateTime<Utc>) -> NewRequest {
    NewRequest {
        provider: provider.to_string(),
        regulation: "test-service".to_string(),
        version: 3,
        channel: ChannelKind::Portal,
        recipient: recipient.into(),
        submitted_by: None,
        csc: None,
        status: Status::Received,
        state: json!({ "status": "received", "facts": { "a": true }, "history": [] }),
        deadline: None,
        at,
        history: vec![NewHistoryEntry {
            at,
            event: json!({ "event": "status_changed", "from": "submitted", "to": "received" }),
        }],
        notifications: vec![NewNotification {
            to: NotifyTo::Recipient,
            status: Some(Status::Received),
            text: text("received"),
        }],
        attachments: vec![],
        signature: None,
        idempotency_key: None,
    }
}

pub fn update(at: DateTime<Utc>, status: Status, events: &[&str]) -> RequestUpdate {
    RequestUpdate {
        status,
        state: json!({ "status": status, "at": at }),
        deadline: None,
        at,
        history: events
            .iter()
            .map(|e| NewHistoryEntry {
                at,
                event: json!({ "event": e }),
            })
            .collect(),
        notifications: vec![],
        attachments: vec![],
        signatures: vec![],
    }
}
