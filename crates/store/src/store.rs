//! The store: one type over an SQLite or a PostgreSQL pool.
//!
//! Both dialects take `$1, $2, …` placeholders, `ON CONFLICT … DO UPDATE/NOTHING` and
//! `RETURNING`, so each operation has one SQL text; the [`on_read!`] and [`in_tx!`] macros expand
//! the same Rust body once per backend, where the two pools' types differ.
//!
//! Every statement is a round trip — on SQLite to the connection's worker thread and back, on
//! PostgreSQL to the server — and on the hot paths they cost more than the work: a transaction
//! writes its history lines, notices and signatures as multi-row `INSERT`s (`write_extras!`), a
//! user is read with their roles in one query (`select_user!`, which `session_user` joins to the
//! session), and a registration finds its provider in the store's cache after the first
//! (`Store::org_by_code`).

use crate::error::{is_unique_violation, StoreError};
use crate::model::*;
use crate::registrar::Registrar;
use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};
use qyzmet_core::regulation::{ChannelKind, Status};
use qyzmet_core::{Lang, Text};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::types::Json;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

type Result<T> = std::result::Result<T, StoreError>;

/// How the store behaves; [`StoreOptions::default`] suits the platform.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// The largest attachment accepted, in bytes (default 10 MiB).
    pub max_attachment_bytes: u64,
    /// The time zone whose calendar year numbers requests: Kazakhstan's UTC+5 (one zone since
    /// 1 March 2024), so a request filed on 1 January at 02:00 in Almaty is of the new year.
    pub numbering_offset: FixedOffset,
    /// SQLite: connections for reading (writes go through one connection of their own).
    pub sqlite_readers: u32,
    /// SQLite: how long a writer waits for another process's lock before failing.
    pub sqlite_busy_timeout: Duration,
    /// PostgreSQL: the pool's size.
    pub postgres_connections: u32,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_attachment_bytes: 10 * 1024 * 1024,
            numbering_offset: FixedOffset::east_opt(5 * 3600).expect("UTC+5 is a valid offset"),
            sqlite_readers: 4,
            sqlite_busy_timeout: Duration::from_secs(10),
            postgres_connections: 10,
        }
    }
}

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

enum Pools {
    /// All writes go through `write` (one connection): SQLite has one writer at a time anyway,
    /// and queueing in the pool is fair and fast where SQLite's busy handler sleeps and retries.
    Sqlite {
        write: SqlitePool,
        read: SqlitePool,
    },
    Postgres(PgPool),
}

/// Durable storage for the platform. Cheap to clone (the pools and the cache are shared).
#[derive(Clone)]
pub struct Store {
    pools: Arc<Pools>,
    options: StoreOptions,
    /// The id and kind of each organisation code a registration named, as first read from the
    /// database, so that a registration does not look its provider (and CSC) up again.
    /// Organisations are never deleted, and neither their code nor their kind ever changes (the
    /// store has no operation that would), so an entry cannot go stale; only organisations found
    /// are kept — an unknown code is asked again, as it may be created later. And should a row
    /// vanish behind the store's back all the same, the foreign keys of `requests` refuse the
    /// write rather than let it name a missing organisation.
    org_by_code: Arc<RwLock<HashMap<String, (String, OrgKind)>>>,
    /// On SQLite, the task that commits registrations in groups; `None` on PostgreSQL (whose
    /// connections write in parallel) and inside the registrar itself.
    registrar: Option<Registrar>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .finish()
    }
}

/// Run `$body` with `$p` bound to a pool for reading, once per backend.
macro_rules! on_read {
    ($self:expr, |$p:ident| $body:expr) => {
        match &*$self.pools {
            Pools::Sqlite { read: $p, .. } => $body,
            Pools::Postgres($p) => $body,
        }
    };
}

/// Run `$body` with `$tx` bound to a fresh write transaction, once per backend. The body
/// commits; an early return (`?`) drops the transaction, which rolls it back.
macro_rules! in_tx {
    ($self:expr, |$tx:ident| $body:expr) => {
        match &*$self.pools {
            Pools::Sqlite { write, .. } => {
                // IMMEDIATE takes the write lock at once: a transaction that reads and then
                // writes could otherwise fail on another process's lock without waiting.
                #[allow(unused_mut)]
                let mut $tx = write.begin_with("BEGIN IMMEDIATE").await?;
                $body
            }
            Pools::Postgres(pool) => {
                #[allow(unused_mut)]
                let mut $tx = pool.begin().await?;
                $body
            }
        }
    };
}

/// The outbox of notices and the inbox of received messages (written after the macros it uses).
mod outbox;

macro_rules! summary_columns {
    () => {
        "r.id, r.number, r.provider_id, o.code AS provider_code, r.regulation, \
         r.regulation_version, r.channel, r.recipient, r.submitted_by, r.csc_id, r.status, \
         r.deadline, r.created_at, r.updated_at, r.revision"
    };
}

macro_rules! from_requests {
    () => {
        " FROM requests r JOIN organisations o ON o.id = r.provider_id "
    };
}

const SELECT_REQUEST: &str = concat!(
    "SELECT ",
    summary_columns!(),
    ", r.state",
    from_requests!(),
    "WHERE r.id = $1"
);

/// A user row with its roles as one comma-separated text (`NULL` without roles), in one round
/// trip. `string_agg` is PostgreSQL's and SQLite's (an alias of `group_concat` since 3.44; the
/// bundled SQLite is 3.46), so one text serves both. Roles are words without commas (the
/// schema's `CHECK` lists them).
macro_rules! select_user {
    () => {
        "SELECT u.id, u.login, u.password_hash, u.full_name, u.organisation_id, u.language, \
         u.created_at, u.iin, \
         (SELECT string_agg(ur.role, ',') FROM user_roles ur WHERE ur.user_id = u.id) AS roles \
         FROM users u "
    };
}

const SELECT_ORGANISATION: &str =
    "SELECT id, code, kind, name_kk, name_ru, name_en, bin, created_at FROM organisations";

const SELECT_ATTACHMENT_INFO: &str =
    "SELECT id, request_id, name, media_type, size, sha256, created_at FROM attachments";

const SELECT_NOTIFICATION: &str =
    "SELECT n.id, n.request_id, n.status, n.text_kk, n.text_ru, n.text_en, n.created_at, \
     n.is_read FROM notifications n";

/// The notices a user sees: their own, their cabinet's (login = recipient IIN/BIN), their
/// organisation's. `$1` is the user's id.
const VISIBLE_TO_USER: &str = "EXISTS (SELECT 1 FROM users u WHERE u.id = $1 AND \
     (n.user_id = u.id OR n.recipient = u.login OR n.organisation_id = u.organisation_id))";

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    number: String,
    provider_id: String,
    provider_code: String,
    regulation: String,
    regulation_version: i64,
    channel: String,
    recipient: String,
    submitted_by: Option<String>,
    csc_id: Option<String>,
    status: String,
    deadline: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    revision: i64,
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    state: Json<Value>,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    login: String,
    password_hash: String,
    full_name: String,
    organisation_id: Option<String>,
    language: String,
    created_at: DateTime<Utc>,
    iin: Option<String>,
    /// Comma-separated; see [`select_user!`].
    roles: Option<String>,
}

#[derive(sqlx::FromRow)]
struct OrganisationRow {
    id: String,
    code: String,
    kind: String,
    name_kk: String,
    name_ru: String,
    name_en: String,
    bin: Option<String>,
    created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    seq: i64,
    at: DateTime<Utc>,
    event: Json<Value>,
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: i64,
    request_id: Option<String>,
    status: Option<String>,
    text_kk: String,
    text_ru: String,
    text_en: String,
    created_at: DateTime<Utc>,
    is_read: bool,
}

#[derive(sqlx::FromRow)]
struct AttachmentInfoRow {
    id: String,
    request_id: String,
    name: String,
    media_type: String,
    size: i64,
    sha256: String,
    created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SignatureRow {
    id: i64,
    request_id: String,
    purpose: String,
    signer: String,
    signer_user_id: Option<String>,
    cms: Vec<u8>,
    signed_at: DateTime<Utc>,
}

/// An attachment checked against the limit and hashed, before any transaction starts (and
/// before a registration waits for the registrar, which should not spend its time hashing).
pub(crate) struct Hashed {
    id: AttachmentId,
    sha256: String,
}

/// An attachment as written: its content with its id and hash.
struct Prepared<'a> {
    id: &'a AttachmentId,
    new: &'a NewAttachment,
    sha256: &'a str,
}

/// The attachments with their hashes, in order ([`Store::prepare`] made one per attachment).
fn joined<'a>(hashed: &'a [Hashed], attachments: &'a [NewAttachment]) -> Vec<Prepared<'a>> {
    hashed
        .iter()
        .zip(attachments)
        .map(|(h, new)| Prepared {
            id: &h.id,
            new,
            sha256: &h.sha256,
        })
        .collect()
}

/// Times are kept to the microsecond, which both databases hold exactly.
fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

fn status_word(s: Status) -> String {
    match serde_json::to_value(s) {
        Ok(Value::String(w)) => w,
        _ => unreachable!("a status serializes as a word"),
    }
}

fn parse_status(w: &str) -> Result<Status> {
    serde_json::from_value(Value::String(w.to_string()))
        .map_err(|_| StoreError::Corrupt(format!("unknown status `{w}`")))
}

fn parse_channel(w: &str) -> Result<ChannelKind> {
    serde_json::from_value(Value::String(w.to_string()))
        .map_err(|_| StoreError::Corrupt(format!("unknown channel `{w}`")))
}

fn parse_party(w: &str) -> Result<Party> {
    Party::parse(w).ok_or_else(|| StoreError::Corrupt(format!("`{w}` is neither IIN nor BIN")))
}

fn parse_lang(w: &str) -> Result<Lang> {
    Lang::ALL
        .into_iter()
        .find(|l| l.code() == w)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown language `{w}`")))
}

fn parse_word<T>(w: &str, f: fn(&str) -> Option<T>, what: &str) -> Result<T> {
    f(w).ok_or_else(|| StoreError::Corrupt(format!("unknown {what} `{w}`")))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl SummaryRow {
    fn into_summary(self) -> Result<RequestSummary> {
        Ok(RequestSummary {
            id: RequestId(self.id),
            number: self.number,
            provider: OrgId(self.provider_id),
            provider_code: self.provider_code,
            regulation: self.regulation,
            version: u32::try_from(self.regulation_version)
                .map_err(|_| StoreError::Corrupt(format!("version {}", self.regulation_version)))?,
            channel: parse_channel(&self.channel)?,
            recipient: parse_party(&self.recipient)?,
            submitted_by: self.submitted_by.map(UserId),
            csc: self.csc_id.map(OrgId),
            status: parse_status(&self.status)?,
            deadline: self.deadline,
            created_at: self.created_at,
            updated_at: self.updated_at,
            revision: self.revision,
        })
    }
}

impl RequestRow {
    fn into_request(self) -> Result<Request> {
        Ok(Request {
            summary: self.summary.into_summary()?,
            state: self.state.0,
        })
    }
}

impl OrganisationRow {
    fn into_organisation(self) -> Result<Organisation> {
        Ok(Organisation {
            id: OrgId(self.id),
            code: self.code,
            kind: parse_word(&self.kind, OrgKind::from_word, "organisation kind")?,
            name: Text::new(self.name_kk, self.name_ru, self.name_en),
            bin: match self.bin {
                None => None,
                Some(b) => Some(
                    qyzmet_core::id::Bin::parse(&b)
                        .map_err(|_| StoreError::Corrupt(format!("BIN `{b}`")))?,
                ),
            },
            created_at: self.created_at,
        })
    }
}

impl UserRow {
    fn into_user(self) -> Result<User> {
        let mut roles = self
            .roles
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|r| !r.is_empty())
            .map(|r| parse_word(r, Role::from_word, "role"))
            .collect::<Result<Vec<_>>>()?;
        roles.sort();
        roles.dedup();
        Ok(User {
            id: UserId(self.id),
            login: self.login,
            password_hash: PasswordHash(self.password_hash),
            full_name: self.full_name,
            organisation: self.organisation_id.map(OrgId),
            roles,
            language: parse_lang(&self.language)?,
            iin: self
                .iin
                .map(|t| {
                    qyzmet_core::id::Iin::parse_without_future_check(&t)
                        .map_err(|_| StoreError::Corrupt(format!("user IIN `{t}`")))
                })
                .transpose()?,
            created_at: self.created_at,
        })
    }
}

impl NotificationRow {
    fn into_notification(self) -> Result<Notification> {
        Ok(Notification {
            id: self.id,
            request: self.request_id.map(RequestId),
            status: self.status.as_deref().map(parse_status).transpose()?,
            text: Text::new(self.text_kk, self.text_ru, self.text_en),
            created_at: self.created_at,
            read: self.is_read,
        })
    }
}

impl AttachmentInfoRow {
    fn into_info(self) -> AttachmentInfo {
        AttachmentInfo {
            id: AttachmentId(self.id),
            request: RequestId(self.request_id),
            name: self.name,
            media_type: self.media_type,
            size: self.size.max(0) as u64,
            sha256: self.sha256,
            created_at: self.created_at,
        }
    }
}

impl SignatureRow {
    fn into_signature(self) -> Result<Signature> {
        Ok(Signature {
            id: self.id,
            request: RequestId(self.request_id),
            purpose: parse_word(
                &self.purpose,
                SignaturePurpose::from_word,
                "signature purpose",
            )?,
            signer: parse_party(&self.signer)?,
            signer_user: self.signer_user_id.map(UserId),
            cms: self.cms,
            signed_at: self.signed_at,
        })
    }
}

/// The row counts a multi-row `INSERT` is made of: rows go in statements of 64, then the powers
/// of two below it, so that a table has at most seven statement texts (each prepared once per
/// connection and kept in its statement cache) however many rows a transaction writes, and a
/// group of n rows takes as many statements as n has bits set (at most six below 64). Every
/// statement is a round trip to the writer's worker thread, on the one serial stage of a filing:
/// with 64, 16, 4 and 1 a group took up to nine. The widest row, a
/// request, binds 15 values: a statement binds at most 960, under 999, the smallest limit SQLite
/// was ever built with (the bundled one takes 32,766), and far under PostgreSQL's 65,535.
const SHAPES: [usize; 7] = [64, 32, 16, 8, 4, 2, 1];

/// `rows` cut into consecutive pieces of the [`SHAPES`] sizes, largest first.
fn shaped<T>(mut rows: &[T]) -> Vec<&[T]> {
    let mut pieces = Vec::new();
    for size in SHAPES {
        while rows.len() >= size {
            let (piece, rest) = rows.split_at(size);
            pieces.push(piece);
            rows = rest;
        }
    }
    pieces
}

/// Whether `on` is an SQLite connection: there, statements take anonymous `?` placeholders,
/// bound in order — with `$N`, each bind looks its name up in a list, which is quadratic in a
/// statement of hundreds of parameters (about 3% of a registration's CPU).
fn is_sqlite<C: 'static>(on: &C) -> bool {
    let _ = on;
    std::any::TypeId::of::<C>() == std::any::TypeId::of::<sqlx::SqliteConnection>()
}

/// [`insert_rows_sql`] as the connection `on` takes it best (see [`is_sqlite`]).
fn insert_rows_sql_on<C: 'static>(on: &C, head: &str, rows: usize, per_row: usize) -> String {
    if is_sqlite(on) {
        let row = format!("({})", vec!["?"; per_row].join(", "));
        format!("{head} VALUES {}", vec![row; rows].join(", "))
    } else {
        insert_rows_sql(head, rows, per_row)
    }
}

/// `count` placeholders, comma-separated, numbered from `first` on where `on` is not SQLite
/// (see [`is_sqlite`]): the parameters of an `IN (…)` list.
fn params_sql_on<C: 'static>(on: &C, first: usize, count: usize) -> String {
    let params: Vec<String> = if is_sqlite(on) {
        vec!["?".to_string(); count]
    } else {
        (first..first + count).map(|i| format!("${i}")).collect()
    };
    params.join(", ")
}

/// `head` (`INSERT INTO t (c1, c2, …)`) with `VALUES` for `rows` rows of `per_row` parameters
/// each, numbered `$1, $2, …` row after row.
fn insert_rows_sql(head: &str, rows: usize, per_row: usize) -> String {
    use std::fmt::Write;
    let mut sql = String::with_capacity(head.len() + 8 + rows * per_row * 6);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        for c in 1..=per_row {
            sql.push_str(if c == 1 { "(" } else { ", " });
            let _ = write!(sql, "${}", r * per_row + c);
        }
        sql.push(')');
    }
    sql
}

/// What one request appends besides its own row: history lines numbered from `first_seq`,
/// notices, attachments and signatures.
struct Extras<'a> {
    id: &'a str,
    recipient: &'a str,
    at: DateTime<Utc>,
    first_seq: i64,
    history: &'a [NewHistoryEntry],
    notifications: &'a [NewNotification],
    attachments: Vec<Prepared<'a>>,
    signatures: Vec<&'a NewSignature>,
}

/// Append the [`Extras`] of any number of requests (`$extras`, a slice) inside `$tx`.
///
/// Each statement is a round trip (on SQLite, to the connection's worker thread and back), so
/// history lines, notices and signatures of all the requests go as multi-row `INSERT`s (see
/// [`SHAPES`]), in the order given: notices and signatures take their ids in that order.
/// Attachments, which can be megabytes each, keep a statement each.
macro_rules! write_extras {
    ($tx:ident, $extras:expr) => {{
        let extras: &[Extras<'_>] = $extras;
        let history: Vec<(&str, i64, &NewHistoryEntry)> = extras
            .iter()
            .flat_map(|e| {
                e.history
                    .iter()
                    .zip(e.first_seq..)
                    .map(move |(h, seq)| (e.id, seq, h))
            })
            .collect();
        for piece in shaped(&history) {
            let sql = insert_rows_sql_on(
                &*$tx,
                "INSERT INTO history (request_id, seq, at, event)",
                piece.len(),
                4,
            );
            let mut q = sqlx::query(&sql);
            for (id, seq, h) in piece {
                q = q
                    .bind(*id)
                    .bind(*seq)
                    .bind(micros(h.at))
                    .bind(Json(&h.event));
            }
            q.execute(&mut *$tx).await?;
        }
        let notices: Vec<(&Extras<'_>, &NewNotification)> = extras
            .iter()
            .flat_map(|e| e.notifications.iter().map(move |n| (e, n)))
            .collect();
        for piece in shaped(&notices) {
            let sql = insert_rows_sql_on(
                &*$tx,
                "INSERT INTO notifications (request_id, created_at, recipient, user_id, \
                 organisation_id, status, text_kk, text_ru, text_en, message_id)",
                piece.len(),
                10,
            );
            let mut q = sqlx::query(&sql);
            for (e, n) in piece {
                let (recipient, user, org) = match &n.to {
                    NotifyTo::Recipient => (Some(e.recipient), None, None),
                    NotifyTo::User(u) => (None, Some(u.as_str()), None),
                    NotifyTo::Organisation(o) => (None, None, Some(o.as_str())),
                };
                q = q
                    .bind(e.id)
                    .bind(micros(e.at))
                    .bind(recipient)
                    .bind(user)
                    .bind(org)
                    .bind(n.status.map(status_word))
                    .bind(&n.text.kk)
                    .bind(&n.text.ru)
                    .bind(&n.text.en)
                    .bind(uuid::Uuid::now_v7().to_string());
            }
            q.execute(&mut *$tx).await?;
        }
        for e in extras {
            for a in &e.attachments {
                sqlx::query(
                    "INSERT INTO attachments (id, request_id, name, media_type, size, sha256, \
                     content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(a.id.as_str())
                .bind(e.id)
                .bind(&a.new.name)
                .bind(&a.new.media_type)
                .bind(a.new.content.len() as i64)
                .bind(a.sha256)
                .bind(&a.new.content)
                .bind(micros(e.at))
                .execute(&mut *$tx)
                .await?;
            }
        }
        let signatures: Vec<(&str, &NewSignature)> = extras
            .iter()
            .flat_map(|e| e.signatures.iter().map(move |s| (e.id, *s)))
            .collect();
        for piece in shaped(&signatures) {
            let sql = insert_rows_sql_on(
                &*$tx,
                "INSERT INTO signatures (request_id, purpose, signer, signer_user_id, cms, \
                 signed_at)",
                piece.len(),
                6,
            );
            let mut q = sqlx::query(&sql);
            for (id, s) in piece {
                q = q
                    .bind(*id)
                    .bind(s.purpose.as_str())
                    .bind(s.signer.to_string())
                    .bind(s.signer_user.as_ref().map(|u| u.as_str()))
                    .bind(&s.cms)
                    .bind(micros(s.signed_at));
            }
            q.execute(&mut *$tx).await?;
        }
    }};
}

/// Read request `$id` with `$exec` (a pool or `&mut *tx`).
macro_rules! fetch_request {
    ($exec:expr, $id:expr) => {
        sqlx::query_as::<_, RequestRow>(SELECT_REQUEST)
            .bind($id)
            .fetch_optional($exec)
            .await?
            .map(RequestRow::into_request)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("request", $id))
    };
}

/// The id of the organisation `$code`, which must be of `$kind`: from the store's cache, or read
/// with `$exec` and then kept (see [`Store::org_by_code`]).
macro_rules! org_id_of_kind {
    ($self:expr, $exec:expr, $code:expr, $kind:expr, $what:literal) => {{
        let code: &str = $code;
        let found = match $self.cached_org(code) {
            Some(hit) => Some(hit),
            None => {
                let row: Option<(String, String)> =
                    sqlx::query_as("SELECT id, kind FROM organisations WHERE code = $1")
                        .bind(code)
                        .fetch_optional($exec)
                        .await?;
                match row {
                    None => None,
                    Some((id, kind)) => {
                        let kind = parse_word(&kind, OrgKind::from_word, "organisation kind")?;
                        $self.cache_org(code, &id, kind);
                        Some((id, kind))
                    }
                }
            }
        };
        match found {
            None => Err(StoreError::not_found("organisation", code)),
            Some((id, kind)) if kind == $kind => Ok(id),
            Some(_) => Err(StoreError::Invalid(format!(
                concat!("the organisation `{}` is not a ", $what),
                code
            ))),
        }
    }};
}

/// A registration as the store writes it: the request, its attachments' hashes (by
/// [`Store::prepare`]) and the id chosen for it.
pub(crate) type Registering<'a> = (&'a NewRequest, &'a [Hashed], &'a RequestId);

/// A registration that is new (not a replay), with what the store decided for it.
struct Fresh {
    job: usize,
    provider_id: String,
    csc_id: Option<String>,
    year: i64,
    recipient: String,
    number: String,
}

/// Register `$jobs` (a `&[Registering]`) inside `$tx`, without committing, in as few
/// statements as their number allows: the idempotency claims, one counter update per provider
/// and year, the rows, their extras. Evaluates to `Result<Vec<Created>>`, one per job in order;
/// a `?` inside returns from the enclosing function, which must then drop (roll back) the
/// transaction.
///
/// The keys are claimed first (on PostgreSQL a concurrent registration with the same key waits
/// here for this transaction, then finds the key taken). A key taken before, or by an earlier
/// job of the same group, makes its job a replay: it writes nothing and answers the request
/// that took the key.
macro_rules! register_all {
    ($self:expr, $tx:ident, $jobs:expr) => {{
        let jobs: &[Registering<'_>] = $jobs;
        let mut replay = vec![false; jobs.len()];
        let keyed: Vec<(usize, &str, &str, DateTime<Utc>)> = jobs
            .iter()
            .enumerate()
            .filter_map(|(i, (new, _, id))| {
                let key = new.idempotency_key.as_deref()?;
                Some((i, key, id.as_str(), micros(new.at)))
            })
            .collect();
        let mut claimed = std::collections::HashSet::new();
        for piece in shaped(&keyed) {
            let sql = insert_rows_sql_on(
                &*$tx,
                "INSERT INTO idempotency (key, request_id, created_at)",
                piece.len(),
                3,
            ) + " ON CONFLICT (key) DO NOTHING RETURNING key";
            let mut q = sqlx::query_scalar::<_, String>(&sql);
            for (_, key, id, at) in piece {
                q = q.bind(*key).bind(*id).bind(*at);
            }
            claimed.extend(q.fetch_all(&mut *$tx).await?);
        }
        for (i, key, _, _) in &keyed {
            // The first job with a key claimed here owns it; any later one replays it.
            if !claimed.remove(*key) {
                replay[*i] = true;
            }
        }
        let mut fresh = Vec::with_capacity(jobs.len());
        for (i, (new, _, _)) in jobs.iter().enumerate() {
            if replay[i] {
                continue;
            }
            let provider_id = org_id_of_kind!(
                $self,
                &mut *$tx,
                &new.provider,
                OrgKind::Provider,
                "provider"
            )?;
            let csc_id = match &new.csc {
                None => None,
                Some(code) => Some(org_id_of_kind!(
                    $self,
                    &mut *$tx,
                    code,
                    OrgKind::Csc,
                    "CSC"
                )?),
            };
            let year = i64::from(new.at.with_timezone(&$self.options.numbering_offset).year());
            fresh.push(Fresh {
                job: i,
                provider_id,
                csc_id,
                year,
                recipient: new.recipient.to_string(),
                number: String::new(),
            });
        }
        // Each provider's counter moves once for all its registrations here; they take the
        // numbers it skipped, in order.
        let mut next: std::collections::BTreeMap<(&str, i64), i64> = Default::default();
        for f in &fresh {
            *next.entry((f.provider_id.as_str(), f.year)).or_default() += 1;
        }
        for ((provider_id, year), count) in next.iter_mut() {
            let last: i64 = sqlx::query_scalar(
                "INSERT INTO registration_counters (provider_id, year, last) VALUES ($1, $2, $3) \
                 ON CONFLICT (provider_id, year) \
                 DO UPDATE SET last = registration_counters.last + excluded.last RETURNING last",
            )
            .bind(*provider_id)
            .bind(*year)
            .bind(*count)
            .fetch_one(&mut *$tx)
            .await?;
            *count = last - *count + 1;
        }
        let numbers: Vec<String> = fresh
            .iter()
            .map(|f| {
                let seq = next
                    .get_mut(&(f.provider_id.as_str(), f.year))
                    .expect("every provider and year is counted");
                *seq += 1;
                format!("{}-{}-{:06}", jobs[f.job].0.provider, f.year, *seq - 1)
            })
            .collect();
        for (f, number) in fresh.iter_mut().zip(numbers) {
            f.number = number;
        }
        for piece in shaped(&fresh) {
            let sql = insert_rows_sql_on(
                &*$tx,
                "INSERT INTO requests (id, number, provider_id, regulation, regulation_version, \
                 channel, recipient, submitted_by, csc_id, status, state, deadline, created_at, \
                 updated_at, revision)",
                piece.len(),
                15,
            );
            let mut q = sqlx::query(&sql);
            for f in piece {
                let (new, _, id) = jobs[f.job];
                q = q
                    .bind(id.as_str())
                    .bind(&f.number)
                    .bind(&f.provider_id)
                    .bind(&new.regulation)
                    .bind(i64::from(new.version))
                    .bind(new.channel.key())
                    .bind(&f.recipient)
                    .bind(new.submitted_by.as_ref().map(|u| u.as_str()))
                    .bind(f.csc_id.as_deref())
                    .bind(status_word(new.status))
                    .bind(Json(&new.state))
                    .bind(new.deadline.map(micros))
                    .bind(micros(new.at))
                    .bind(micros(new.at))
                    .bind(1i64);
            }
            q.execute(&mut *$tx).await?;
        }
        let extras: Vec<Extras<'_>> = fresh
            .iter()
            .map(|f| {
                let (new, hashed, id) = jobs[f.job];
                Extras {
                    id: id.as_str(),
                    recipient: &f.recipient,
                    at: micros(new.at),
                    first_seq: 1,
                    history: &new.history,
                    notifications: &new.notifications,
                    attachments: joined(hashed, &new.attachments),
                    signatures: new.signature.iter().collect(),
                }
            })
            .collect();
        write_extras!($tx, &extras);
        let mut made = fresh.into_iter().peekable();
        let mut created = Vec::with_capacity(jobs.len());
        for (i, (new, _, id)) in jobs.iter().enumerate() {
            if replay[i] {
                let first: String =
                    sqlx::query_scalar("SELECT request_id FROM idempotency WHERE key = $1")
                        .bind(new.idempotency_key.as_deref())
                        .fetch_one(&mut *$tx)
                        .await?;
                let request = fetch_request!(&mut *$tx, first.as_str())?;
                created.push(Created {
                    request,
                    duplicate: true,
                });
                continue;
            }
            let f = made.next().expect("a fresh job for each one not replayed");
            let at = micros(new.at);
            created.push(Created {
                request: Request {
                    summary: RequestSummary {
                        id: (*id).clone(),
                        number: f.number,
                        provider: OrgId(f.provider_id),
                        provider_code: new.provider.clone(),
                        regulation: new.regulation.clone(),
                        version: new.version,
                        channel: new.channel,
                        recipient: new.recipient.clone(),
                        submitted_by: new.submitted_by.clone(),
                        csc: f.csc_id.map(OrgId),
                        status: new.status,
                        deadline: new.deadline.map(micros),
                        created_at: at,
                        updated_at: at,
                        revision: 1,
                    },
                    state: new.state.clone(),
                },
                duplicate: false,
            });
        }
        Result::<Vec<Created>>::Ok(created)
    }};
}

/// Each connection's page cache, as `PRAGMA cache_size` (negative: KiB). Under load SQLite
/// empties a connection's cache at nearly every transaction (the log moved on under it), and it
/// empties it by walking the whole cache: with 64 MiB that walk was 2.7% of all CPU, on the
/// writer's thread, and dropping to 2 MiB took the cost per submission from 1,064–1,234 µs to
/// 906 µs (benches/submissions.rs, data on tmpfs).
const PAGE_CACHE_KIB: &str = "-2048";

impl Store {
    /// Open (creating an SQLite file if missing) and migrate: `sqlite:///path/to/file.db` or
    /// `postgres://user@host:port/db`.
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_with(url, StoreOptions::default()).await
    }

    pub async fn open_with(url: &str, options: StoreOptions) -> Result<Store> {
        let pools = if url.starts_with("sqlite:") {
            let connect = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                // WAL with synchronous=NORMAL: a commit is appended to the WAL file with a
                // write() before COMMIT returns, so it is in the operating system's page cache
                // and survives the death of the process, kill -9 included (the next open
                // replays the WAL). What NORMAL gives up against FULL is the fsync on every
                // commit, so only an operating-system crash or power loss can lose the last
                // commits; the database stays consistent either way. FULL costs an fsync per
                // request, which the throughput goal cannot pay on ordinary disks.
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .pragma("cache_size", PAGE_CACHE_KIB)
                .busy_timeout(options.sqlite_busy_timeout);
            // A reader copies the log back off the writer's path (`checkpointer`); the writer's
            // own checkpoint then comes rarely and finds little left to copy.
            let memory = url.contains(":memory:") || url.contains("mode=memory");
            let write_connect = if memory {
                connect.clone()
            } else {
                connect.clone().pragma(
                    "wal_autocheckpoint",
                    crate::checkpointer::WRITER_PAGES.to_string(),
                )
            };
            // No ping before handing out a connection: an SQLite connection is a handle in this
            // process, not a socket that can drop, and the ping is one more round trip to its
            // worker thread per operation (sqlx still pings on release, which flushes a
            // rollback left behind by a cancelled operation).
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .test_before_acquire(false)
                .connect_with(write_connect)
                .await?;
            sqlx::migrate!("./migrations/sqlite").run(&write).await?;
            // An in-memory database lives in its connections: read through the writer.
            let read = if memory {
                write.clone()
            } else {
                let read = SqlitePoolOptions::new()
                    .max_connections(options.sqlite_readers.max(1))
                    .test_before_acquire(false)
                    .connect_with(connect)
                    .await?;
                crate::checkpointer::start(read.clone());
                read
            };
            Pools::Sqlite { write, read }
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(options.postgres_connections.max(1))
                .connect_with(PgConnectOptions::from_str(url)?)
                .await?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            Pools::Postgres(pool)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        let mut store = Store {
            pools: Arc::new(pools),
            options,
            org_by_code: Arc::default(),
            registrar: None,
        };
        if store.backend() == Backend::Sqlite {
            store.registrar = Some(Registrar::start(store.clone()));
        }
        Ok(store)
    }

    /// Run `work` on the registrar's thread where there is one (SQLite): a write transaction
    /// makes a round trip to the single writer connection per statement, and holds the writer —
    /// the one serial stage of a filing — in between; on the platform's runtime each trip
    /// waited behind HTTP work (measured: 2.2 ms for a transaction of two statements under load,
    /// against 0.25 ms a trip on the registrar's thread). `work` gets a clone of this store.
    pub(crate) async fn on_writer<T, Fut>(&self, work: impl FnOnce(Store) -> Fut) -> Result<T>
    where
        Fut: std::future::Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        match &self.registrar {
            Some(registrar) => registrar
                .runtime()
                .spawn(work(self.clone()))
                .await
                .map_err(|_| StoreError::Stopped)?,
            None => work(self.clone()).await,
        }
    }

    pub fn backend(&self) -> Backend {
        match &*self.pools {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }

    /// "SQLite" or "PostgreSQL", for people.
    pub fn backend_name(&self) -> &'static str {
        match self.backend() {
            Backend::Sqlite => "SQLite (embedded, WAL)",
            Backend::Postgres => "PostgreSQL",
        }
    }

    pub fn options(&self) -> &StoreOptions {
        &self.options
    }

    /// Close the pools, waiting for connections in use to come back.
    pub async fn close(&self) {
        match &*self.pools {
            Pools::Sqlite { write, read } => {
                read.close().await;
                write.close().await;
            }
            Pools::Postgres(p) => p.close().await,
        }
    }

    /// The cached id and kind of the organisation `code`, if a registration read it before.
    fn cached_org(&self, code: &str) -> Option<(String, OrgKind)> {
        // A poisoned lock only means a panic elsewhere while holding it; the map is still whole.
        let map = self.org_by_code.read().unwrap_or_else(|e| e.into_inner());
        map.get(code).cloned()
    }

    fn cache_org(&self, code: &str, id: &str, kind: OrgKind) {
        let mut map = self.org_by_code.write().unwrap_or_else(|e| e.into_inner());
        map.insert(code.to_string(), (id.to_string(), kind));
    }

    fn prepare(&self, attachments: &[NewAttachment]) -> Result<Vec<Hashed>> {
        attachments
            .iter()
            .map(|a| {
                let size = a.content.len() as u64;
                if size > self.options.max_attachment_bytes {
                    return Err(StoreError::TooLarge {
                        name: a.name.clone(),
                        size,
                        limit: self.options.max_attachment_bytes,
                    });
                }
                Ok(Hashed {
                    id: AttachmentId::new_random(),
                    sha256: hex(&Sha256::digest(&a.content)),
                })
            })
            .collect()
    }

    // ----- organisations -----

    pub async fn create_organisation(&self, new: NewOrganisation) -> Result<Organisation> {
        let org = Organisation {
            id: OrgId::new_random(),
            code: new.code,
            kind: new.kind,
            name: new.name,
            bin: new.bin,
            created_at: micros(Utc::now()),
        };
        let result = in_tx!(self, |tx| {
            let r = sqlx::query(
                "INSERT INTO organisations (id, code, kind, name_kk, name_ru, name_en, bin, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(org.id.as_str())
            .bind(&org.code)
            .bind(org.kind.as_str())
            .bind(&org.name.kk)
            .bind(&org.name.ru)
            .bind(&org.name.en)
            .bind(org.bin.map(|b| b.to_string()))
            .bind(org.created_at)
            .execute(&mut *tx)
            .await;
            match r {
                Ok(_) => tx.commit().await.map_err(StoreError::from),
                Err(e) => Err(e.into()),
            }
        });
        match result {
            Err(StoreError::Database(e)) if is_unique_violation(&e) => {
                Err(StoreError::DuplicateOrganisation(org.code))
            }
            Err(e) => Err(e),
            Ok(()) => Ok(org),
        }
    }

    pub async fn organisation(&self, id: &OrgId) -> Result<Organisation> {
        let sql = format!("{SELECT_ORGANISATION} WHERE id = $1");
        let row = on_read!(self, |p| {
            sqlx::query_as::<_, OrganisationRow>(&sql)
                .bind(id.as_str())
                .fetch_optional(p)
                .await?
        });
        row.ok_or_else(|| StoreError::not_found("organisation", id))?
            .into_organisation()
    }

    pub async fn organisation_by_code(&self, code: &str) -> Result<Option<Organisation>> {
        let sql = format!("{SELECT_ORGANISATION} WHERE code = $1");
        let row = on_read!(self, |p| {
            sqlx::query_as::<_, OrganisationRow>(&sql)
                .bind(code)
                .fetch_optional(p)
                .await?
        });
        row.map(OrganisationRow::into_organisation).transpose()
    }

    /// All organisations, by code.
    pub async fn organisations(&self) -> Result<Vec<Organisation>> {
        let sql = format!("{SELECT_ORGANISATION} ORDER BY code");
        let rows = on_read!(self, |p| {
            sqlx::query_as::<_, OrganisationRow>(&sql)
                .fetch_all(p)
                .await?
        });
        rows.into_iter()
            .map(OrganisationRow::into_organisation)
            .collect()
    }

    // ----- users -----

    pub async fn create_user(&self, new: NewUser) -> Result<User> {
        let mut roles = new.roles;
        roles.sort();
        roles.dedup();
        let user = User {
            id: UserId::new_random(),
            login: new.login,
            password_hash: new.password_hash,
            full_name: new.full_name,
            organisation: new.organisation,
            roles,
            language: new.language,
            iin: new.iin,
            created_at: micros(Utc::now()),
        };
        let result: Result<()> = in_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO users (id, login, password_hash, full_name, organisation_id, \
                 language, created_at, iin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(user.id.as_str())
            .bind(&user.login)
            .bind(&user.password_hash.0)
            .bind(&user.full_name)
            .bind(user.organisation.as_ref().map(|o| o.as_str()))
            .bind(user.language.code())
            .bind(user.created_at)
            .bind(user.iin.map(|i| i.to_string()))
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::DuplicateLogin(user.login.clone())
                } else {
                    e.into()
                }
            })?;
            for role in &user.roles {
                sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                    .bind(user.id.as_str())
                    .bind(role.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        });
        result.map(|()| user)
    }

    /// A user with their roles, in one query.
    pub async fn user(&self, id: &UserId) -> Result<User> {
        const SQL: &str = concat!(select_user!(), "WHERE u.id = $1");
        let row = on_read!(self, |p| {
            sqlx::query_as::<_, UserRow>(SQL)
                .bind(id.as_str())
                .fetch_optional(p)
                .await?
        });
        row.ok_or_else(|| StoreError::not_found("user", id))?
            .into_user()
    }

    /// The user who logs in as `login`, if any (with the password hash to check), in one query.
    pub async fn user_by_login(&self, login: &str) -> Result<Option<User>> {
        const SQL: &str = concat!(select_user!(), "WHERE u.login = $1");
        let row = on_read!(self, |p| {
            sqlx::query_as::<_, UserRow>(SQL)
                .bind(login)
                .fetch_optional(p)
                .await?
        });
        row.map(UserRow::into_user).transpose()
    }

    /// Whether anyone has an account here (a first start has yet to seed the demo if not).
    pub async fn has_users(&self) -> Result<bool> {
        let any: Option<String> = on_read!(self, |p| {
            sqlx::query_scalar("SELECT id FROM users LIMIT 1")
                .fetch_optional(p)
                .await?
        });
        Ok(any.is_some())
    }

    /// An organisation's staff, by login, in one query.
    pub async fn users_of_organisation(&self, org: &OrgId) -> Result<Vec<User>> {
        const SQL: &str = concat!(
            select_user!(),
            "WHERE u.organisation_id = $1 ORDER BY u.login"
        );
        let rows = on_read!(self, |p| {
            sqlx::query_as::<_, UserRow>(SQL)
                .bind(org.as_str())
                .fetch_all(p)
                .await?
        });
        rows.into_iter().map(UserRow::into_user).collect()
    }

    pub async fn set_password_hash(&self, id: &UserId, hash: PasswordHash) -> Result<()> {
        self.update_user_column("password_hash", id, &hash.0).await
    }

    pub async fn set_language(&self, id: &UserId, language: Lang) -> Result<()> {
        self.update_user_column("language", id, language.code())
            .await
    }

    async fn update_user_column(&self, column: &str, id: &UserId, value: &str) -> Result<()> {
        let sql = format!("UPDATE users SET {column} = $1 WHERE id = $2");
        let affected = in_tx!(self, |tx| {
            let r = sqlx::query(&sql)
                .bind(value)
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            r.rows_affected()
        });
        if affected == 0 {
            return Err(StoreError::not_found("user", id));
        }
        Ok(())
    }

    // ----- requests -----

    /// Register a request: its number, row, history, notices, attachments and signature in one
    /// transaction. A submission whose idempotency key was seen returns the first request with
    /// `duplicate: true` and writes nothing.
    ///
    /// On SQLite the registration is handed to the store's registrar, which commits the
    /// registrations waiting at the moment together (see [`crate::registrar`]); the answer comes
    /// once the transaction holding it is committed.
    pub async fn create_request(&self, new: NewRequest) -> Result<Created> {
        let hashed = self.prepare(&new.attachments)?;
        let id = RequestId::new_random();
        match &self.registrar {
            Some(registrar) => registrar.register(new, hashed, id).await,
            None => self.register_alone(&new, &hashed, &id).await,
        }
    }

    /// Register one request in a transaction of its own.
    pub(crate) async fn register_alone(
        &self,
        new: &NewRequest,
        hashed: &[Hashed],
        id: &RequestId,
    ) -> Result<Created> {
        in_tx!(self, |tx| {
            let mut created = register_all!(self, tx, &[(new, hashed, id)])?;
            tx.commit().await?;
            Ok(created.remove(0))
        })
    }

    /// Register requests in one SQLite transaction, in order; the first failure fails them all
    /// (and the transaction rolls back).
    pub(crate) async fn register_together(
        &self,
        batch: &[Registering<'_>],
    ) -> Result<Vec<Created>> {
        let Pools::Sqlite { write, .. } = &*self.pools else {
            return Err(StoreError::Invalid(
                "registering together is for SQLite".into(),
            ));
        };
        let mut tx = write.begin_with("BEGIN IMMEDIATE").await?;
        let created = register_all!(self, tx, batch)?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn load_request(&self, id: &RequestId) -> Result<Request> {
        on_read!(self, |p| fetch_request!(p, id.as_str()))
    }

    /// Change a request if it is still at `expected_revision`: its status, state and deadline,
    /// with new history lines, notices, attachments and signatures, in one transaction. A stale
    /// revision is [`StoreError::Conflict`] and changes nothing. Returns the request as written.
    pub async fn update_request(
        &self,
        id: &RequestId,
        expected_revision: i64,
        update: RequestUpdate,
    ) -> Result<Request> {
        let hashed = self.prepare(&update.attachments)?;
        let at = micros(update.at);
        in_tx!(self, |tx| {
            // The conditional update takes the row's lock (PostgreSQL) before anything else, so
            // concurrent updates of one request are serialized and all but one see a conflict.
            let recipient: Option<String> = sqlx::query_scalar(
                "UPDATE requests SET status = $1, state = $2, deadline = $3, updated_at = $4, \
                 revision = revision + 1 WHERE id = $5 AND revision = $6 RETURNING recipient",
            )
            .bind(status_word(update.status))
            .bind(Json(&update.state))
            .bind(update.deadline.map(micros))
            .bind(at)
            .bind(id.as_str())
            .bind(expected_revision)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(recipient) = recipient else {
                let actual: Option<i64> =
                    sqlx::query_scalar("SELECT revision FROM requests WHERE id = $1")
                        .bind(id.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                return Err(match actual {
                    None => StoreError::not_found("request", id),
                    Some(actual) => StoreError::Conflict {
                        request: id.clone(),
                        expected: expected_revision,
                        actual,
                    },
                });
            };
            let last: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(seq), 0) FROM history WHERE request_id = $1",
            )
            .bind(id.as_str())
            .fetch_one(&mut *tx)
            .await?;
            let extras = Extras {
                id: id.as_str(),
                recipient: &recipient,
                at,
                first_seq: last + 1,
                history: &update.history,
                notifications: &update.notifications,
                attachments: joined(&hashed, &update.attachments),
                signatures: update.signatures.iter().collect(),
            };
            write_extras!(tx, std::slice::from_ref(&extras));
            let request = fetch_request!(&mut *tx, id.as_str())?;
            tx.commit().await?;
            Ok(request)
        })
    }

    /// A recipient's requests (by IIN/BIN), newest first.
    pub async fn requests_for_recipient(&self, recipient: &Party) -> Result<Vec<RequestSummary>> {
        const SQL: &str = concat!(
            "SELECT ",
            summary_columns!(),
            from_requests!(),
            "WHERE r.recipient = $1 ORDER BY r.created_at DESC, r.number DESC"
        );
        let rows = on_read!(self, |p| {
            sqlx::query_as::<_, SummaryRow>(SQL)
                .bind(recipient.to_string())
                .fetch_all(p)
                .await?
        });
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }

    /// A provider's queue: the earliest deadline first (so overdue requests lead), requests
    /// without a deadline last, then by registration.
    pub async fn requests_for_provider(
        &self,
        provider_code: &str,
        filter: &QueueFilter,
    ) -> Result<Vec<RequestSummary>> {
        let mut sql = concat!(
            "SELECT ",
            summary_columns!(),
            from_requests!(),
            "WHERE o.code = $1"
        )
        .to_string();
        let mut n = 1;
        if !filter.statuses.is_empty() {
            let marks: Vec<String> = filter
                .statuses
                .iter()
                .map(|_| {
                    n += 1;
                    format!("${n}")
                })
                .collect();
            sql += &format!(" AND r.status IN ({})", marks.join(", "));
        }
        if filter.overdue_at.is_some() {
            n += 1;
            sql += &format!(" AND r.deadline < ${n}");
        }
        sql += " ORDER BY CASE WHEN r.deadline IS NULL THEN 1 ELSE 0 END, r.deadline, \
                r.created_at, r.number";
        if let Some(limit) = filter.limit {
            sql += &format!(" LIMIT {limit}");
        }
        let rows = on_read!(self, |p| {
            let mut q = sqlx::query_as::<_, SummaryRow>(&sql).bind(provider_code);
            for s in &filter.statuses {
                q = q.bind(status_word(*s));
            }
            if let Some(t) = filter.overdue_at {
                q = q.bind(micros(t));
            }
            q.fetch_all(p).await?
        });
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }

    /// The requests a CSC filed, newest first.
    pub async fn requests_for_csc(&self, csc_code: &str) -> Result<Vec<RequestSummary>> {
        const SQL: &str = concat!(
            "SELECT ",
            summary_columns!(),
            from_requests!(),
            "JOIN organisations c ON c.id = r.csc_id WHERE c.code = $1 \
             ORDER BY r.created_at DESC, r.number DESC"
        );
        let rows = on_read!(self, |p| {
            sqlx::query_as::<_, SummaryRow>(SQL)
                .bind(csc_code)
                .fetch_all(p)
                .await?
        });
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }

    /// A request's history in the order written.
    pub async fn history(&self, id: &RequestId) -> Result<Vec<HistoryRecord>> {
        let (exists, rows) = on_read!(self, |p| {
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT revision FROM requests WHERE id = $1")
                    .bind(id.as_str())
                    .fetch_optional(p)
                    .await?;
            let rows = sqlx::query_as::<_, HistoryRow>(
                "SELECT seq, at, event FROM history WHERE request_id = $1 ORDER BY seq",
            )
            .bind(id.as_str())
            .fetch_all(p)
            .await?;
            (exists.is_some(), rows)
        });
        if !exists {
            return Err(StoreError::not_found("request", id));
        }
        Ok(rows
            .into_iter()
            .map(|r| HistoryRecord {
                seq: r.seq,
                at: r.at,
                event: r.event.0,
            })
            .collect())
    }

    // ----- notifications -----

    /// The notices a user sees — addressed to them, to their cabinet (their login is the
    /// recipient's IIN/BIN) or to their organisation — newest first.
    pub async fn notifications_for(&self, user: &UserId) -> Result<Vec<Notification>> {
        let sql = format!("{SELECT_NOTIFICATION} WHERE {VISIBLE_TO_USER} ORDER BY n.id DESC");
        let rows = on_read!(self, |p| {
            sqlx::query_as::<_, NotificationRow>(&sql)
                .bind(user.as_str())
                .fetch_all(p)
                .await?
        });
        rows.into_iter()
            .map(NotificationRow::into_notification)
            .collect()
    }

    /// Mark a notice read, if `user` sees it; otherwise it is not found.
    pub async fn mark_read(&self, user: &UserId, notification: i64) -> Result<()> {
        let sql = format!(
            "UPDATE notifications SET is_read = TRUE WHERE id = $2 AND EXISTS (SELECT 1 FROM \
             notifications n WHERE n.id = $2 AND {VISIBLE_TO_USER})"
        );
        let affected = in_tx!(self, |tx| {
            let r = sqlx::query(&sql)
                .bind(user.as_str())
                .bind(notification)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            r.rows_affected()
        });
        if affected == 0 {
            return Err(StoreError::not_found("notification", notification));
        }
        Ok(())
    }

    // ----- attachments, signatures, answers -----

    pub async fn attachment(&self, id: &AttachmentId) -> Result<Attachment> {
        let sql = format!("{SELECT_ATTACHMENT_INFO} WHERE id = $1");
        let found = on_read!(self, |p| {
            let info = sqlx::query_as::<_, AttachmentInfoRow>(&sql)
                .bind(id.as_str())
                .fetch_optional(p)
                .await?;
            match info {
                None => None,
                Some(info) => {
                    let content: Vec<u8> =
                        sqlx::query_scalar("SELECT content FROM attachments WHERE id = $1")
                            .bind(id.as_str())
                            .fetch_one(p)
                            .await?;
                    Some((info, content))
                }
            }
        });
        let (info, content) = found.ok_or_else(|| StoreError::not_found("attachment", id))?;
        Ok(Attachment {
            info: info.into_info(),
            content,
        })
    }

    /// A request's attachments (without their content), in the order written.
    pub async fn attachments(&self, request: &RequestId) -> Result<Vec<AttachmentInfo>> {
        let sql = format!("{SELECT_ATTACHMENT_INFO} WHERE request_id = $1 ORDER BY created_at, id");
        let rows = on_read!(self, |p| {
            sqlx::query_as::<_, AttachmentInfoRow>(&sql)
                .bind(request.as_str())
                .fetch_all(p)
                .await?
        });
        Ok(rows.into_iter().map(AttachmentInfoRow::into_info).collect())
    }

    /// A request's signatures, in the order written.
    pub async fn signatures(&self, request: &RequestId) -> Result<Vec<Signature>> {
        let rows = on_read!(self, |p| {
            sqlx::query_as::<_, SignatureRow>(
                "SELECT id, request_id, purpose, signer, signer_user_id, cms, signed_at \
                 FROM signatures WHERE request_id = $1 ORDER BY id",
            )
            .bind(request.as_str())
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(SignatureRow::into_signature).collect()
    }

    /// Keep a request's questionnaire answers; a request is answered once.
    pub async fn save_answers(
        &self,
        request: &RequestId,
        answers: &Value,
        at: DateTime<Utc>,
    ) -> Result<()> {
        in_tx!(self, |tx| {
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT revision FROM requests WHERE id = $1")
                    .bind(request.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            if exists.is_none() {
                return Err(StoreError::not_found("request", request));
            }
            let inserted = sqlx::query(
                "INSERT INTO answers (request_id, answers, at) VALUES ($1, $2, $3) \
                 ON CONFLICT (request_id) DO NOTHING",
            )
            .bind(request.as_str())
            .bind(Json(answers))
            .bind(micros(at))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 0 {
                return Err(StoreError::AlreadyAnswered(request.clone()));
            }
            tx.commit().await?;
            Ok(())
        })
    }

    // ----- sessions -----

    /// Open a session: `token_digest` is the SHA-256 of the token the client holds (the token
    /// itself is never stored), valid until `expires_at`.
    pub async fn create_session(
        &self,
        token_digest: &str,
        user: &UserId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        in_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO sessions (token_digest, user_id, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(token_digest)
            .bind(user.as_str())
            .bind(micros(now))
            .bind(micros(expires_at))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// The user of a session that has not expired at `now`, with their roles: one query (every
    /// authenticated call makes it).
    pub async fn session_user(
        &self,
        token_digest: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<User>> {
        const SQL: &str = concat!(
            select_user!(),
            "JOIN sessions s ON s.user_id = u.id WHERE s.token_digest = $1 AND s.expires_at > $2"
        );
        let row = on_read!(self, |p| {
            sqlx::query_as::<_, UserRow>(SQL)
                .bind(token_digest)
                .bind(micros(now))
                .fetch_optional(p)
                .await?
        });
        row.map(UserRow::into_user).transpose()
    }

    /// Close a session (logging out); closing an unknown one does nothing.
    pub async fn delete_session(&self, token_digest: &str) -> Result<()> {
        in_tx!(self, |tx| {
            sqlx::query("DELETE FROM sessions WHERE token_digest = $1")
                .bind(token_digest)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    // ----- oversight -----

    /// Every request with its engine state, of one provider or of all, for SLA figures; with
    /// `due_before`, only those whose current deadline has passed by then (the deadline sweep).
    pub async fn request_states(
        &self,
        provider_code: Option<&str>,
        due_before: Option<DateTime<Utc>>,
    ) -> Result<Vec<Request>> {
        let mut sql = concat!(
            "SELECT ",
            summary_columns!(),
            ", r.state",
            from_requests!(),
            "WHERE 1 = 1"
        )
        .to_string();
        let mut n = 0;
        if provider_code.is_some() {
            n += 1;
            sql += &format!(" AND o.code = ${n}");
        }
        if due_before.is_some() {
            n += 1;
            sql += &format!(" AND r.deadline < ${n}");
        }
        sql += " ORDER BY r.created_at, r.number";
        let rows = on_read!(self, |p| {
            let mut q = sqlx::query_as::<_, RequestRow>(&sql);
            if let Some(code) = provider_code {
                q = q.bind(code);
            }
            if let Some(t) = due_before {
                q = q.bind(micros(t));
            }
            q.fetch_all(p).await?
        });
        rows.into_iter().map(RequestRow::into_request).collect()
    }

    /// Every questionnaire answered, as `(provider code, service, answers)`: of one provider,
    /// or of all. For the monitors' summary; answers are few (one per finished request).
    pub async fn all_answers(
        &self,
        provider_code: Option<&str>,
    ) -> Result<Vec<(String, String, Value)>> {
        let sql = format!(
            "SELECT o.code, r.regulation, a.answers FROM answers a \
             JOIN requests r ON r.id = a.request_id \
             JOIN organisations o ON o.id = r.provider_id{} \
             ORDER BY o.code, r.regulation, a.at",
            if provider_code.is_some() {
                " WHERE o.code = $1"
            } else {
                ""
            }
        );
        let rows: Vec<(String, String, Json<Value>)> = on_read!(self, |p| {
            let mut q = sqlx::query_as(&sql);
            if let Some(code) = provider_code {
                q = q.bind(code);
            }
            q.fetch_all(p).await?
        });
        Ok(rows.into_iter().map(|(o, r, a)| (o, r, a.0)).collect())
    }

    /// A request's questionnaire answers, if given.
    pub async fn answers(&self, request: &RequestId) -> Result<Option<Value>> {
        let v: Option<Json<Value>> = on_read!(self, |p| {
            sqlx::query_scalar("SELECT answers FROM answers WHERE request_id = $1")
                .bind(request.as_str())
                .fetch_optional(p)
                .await?
        });
        Ok(v.map(|j| j.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_row_placeholders() {
        assert_eq!(
            insert_rows_sql("INSERT INTO t (a, b)", 2, 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(
            insert_rows_sql("INSERT INTO t (a)", 3, 1),
            "INSERT INTO t (a) VALUES ($1), ($2), ($3)"
        );
        // The widest statement, 64 requests of 15 columns, stays under SQLite's smallest limit
        // of 999 parameters.
        let widest = insert_rows_sql("INSERT INTO t (x)", SHAPES[0], 15);
        let last = 15 * SHAPES[0];
        assert!(widest.ends_with(&format!("${}, ${last})", last - 1)));
        assert!(last < 999);
    }

    #[tokio::test]
    async fn writes_given_to_the_writer_run_on_the_registrars_thread() {
        let dir = std::env::temp_dir().join(format!(
            "qyzmet-on-writer-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open(&format!("sqlite://{}/q.db", dir.display()))
            .await
            .unwrap();
        let here = std::thread::current().id();
        let (there, name) = store
            .on_writer(|_| async {
                let t = std::thread::current();
                Ok((t.id(), t.name().map(str::to_string)))
            })
            .await
            .unwrap();
        assert_ne!(there, here);
        assert_eq!(name.as_deref(), Some("registrar"));
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn rows_go_in_power_of_two_shapes() {
        let rows: Vec<usize> = (0..153).collect();
        let pieces = shaped(&rows);
        let sizes: Vec<usize> = pieces.iter().map(|p| p.len()).collect();
        assert_eq!(sizes, [64, 64, 16, 8, 1]);
        let sizes = |n: usize| {
            shaped(&vec![0u8; n])
                .iter()
                .map(|p| p.len())
                .collect::<Vec<_>>()
        };
        assert_eq!(sizes(63), [32, 16, 8, 4, 2, 1], "one statement per bit set");
        assert_eq!(sizes(40), [32, 8]);
        assert_eq!(pieces.concat(), rows, "every row once, in order");
        assert!(shaped::<u8>(&[]).is_empty());
    }
}
