//! The outbox of notices and the receivers' inbox. A notice row is written in the transaction
//! of the change it announces; the relay reads those due, in order per request, and records
//! each attempt; the system that receives a message takes its id into the inbox once.

use super::{parse_status, parse_word, Pools, Store};
use crate::error::StoreError;
use crate::model::*;
use chrono::{DateTime, Utc};
use qyzmet_core::Text;

type Result<T> = std::result::Result<T, StoreError>;

#[derive(sqlx::FromRow)]
struct OutgoingRow {
    id: i64,
    message_id: String,
    request_id: Option<String>,
    number: Option<String>,
    recipient: Option<String>,
    user_id: Option<String>,
    organisation_id: Option<String>,
    org_code: Option<String>,
    org_kind: Option<String>,
    status: Option<String>,
    text_kk: String,
    text_ru: String,
    text_en: String,
    created_at: DateTime<Utc>,
    attempts: i64,
    delivery: String,
    last_error: Option<String>,
}

impl OutgoingRow {
    fn into_notice(self) -> Result<OutgoingNotice> {
        let to = match (self.recipient, self.user_id, self.organisation_id) {
            (Some(r), _, _) => NoticeAddress::Recipient(r),
            (_, Some(u), _) => NoticeAddress::User(UserId(u)),
            (_, _, Some(o)) => NoticeAddress::Organisation {
                id: OrgId(o),
                code: self.org_code.unwrap_or_default(),
                kind: parse_word(
                    self.org_kind.as_deref().unwrap_or_default(),
                    OrgKind::from_word,
                    "organisation kind",
                )?,
            },
            _ => return Err(StoreError::Corrupt("a notice with no addressee".into())),
        };
        Ok(OutgoingNotice {
            id: self.id,
            message_id: self.message_id,
            request: self.request_id.map(RequestId),
            number: self.number,
            to,
            status: self.status.as_deref().map(parse_status).transpose()?,
            text: Text::new(self.text_kk, self.text_ru, self.text_en),
            created_at: self.created_at,
            attempts: self.attempts,
            delivery: self.delivery,
            last_error: self.last_error,
        })
    }
}

const SELECT_OUTGOING: &str = "SELECT n.id, n.message_id, n.request_id, r.number, n.recipient, \
     n.user_id, n.organisation_id, o.code AS org_code, o.kind AS org_kind, n.status, n.text_kk, \
     n.text_ru, n.text_en, n.created_at, n.attempts, n.delivery, n.last_error \
     FROM notifications n LEFT JOIN requests r ON r.id = n.request_id \
     LEFT JOIN organisations o ON o.id = n.organisation_id";

impl Store {
    /// The notices due for delivery at `now`, oldest first, at most `limit`. A notice whose
    /// request has an earlier one still on its way waits for it: notices of one request
    /// arrive in the order they were written.
    pub async fn notices_due(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<OutgoingNotice>> {
        let sql = format!(
            "{SELECT_OUTGOING} WHERE n.delivery IN ('on_delivery', 'not_delivered') \
             AND (n.next_attempt_at IS NULL OR n.next_attempt_at <= $1) \
             AND NOT EXISTS (SELECT 1 FROM notifications e WHERE e.request_id = n.request_id \
             AND e.id < n.id AND e.delivery IN ('on_delivery', 'not_delivered')) \
             ORDER BY n.id LIMIT $2"
        );
        let rows = on_read!(self, |p| {
            sqlx::query_as::<_, OutgoingRow>(&sql)
                .bind(now)
                .bind(limit)
                .fetch_all(p)
                .await?
        });
        rows.into_iter().map(OutgoingRow::into_notice).collect()
    }

    /// The notices whose delivery stopped: kept for an administrator to see and resend.
    pub async fn notices_stopped(&self) -> Result<Vec<OutgoingNotice>> {
        let sql = format!("{SELECT_OUTGOING} WHERE n.delivery = 'delivery_stopped' ORDER BY n.id");
        let rows = on_read!(self, |p| sqlx::query_as::<_, OutgoingRow>(&sql)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(OutgoingRow::into_notice).collect()
    }

    /// A notice by id, whatever its delivery.
    pub async fn outgoing_notice(&self, id: i64) -> Result<OutgoingNotice> {
        let sql = format!("{SELECT_OUTGOING} WHERE n.id = $1");
        let row = on_read!(self, |p| sqlx::query_as::<_, OutgoingRow>(&sql)
            .bind(id)
            .fetch_optional(p)
            .await?);
        row.ok_or_else(|| StoreError::not_found("notification", id))?
            .into_notice()
    }

    /// Record that the notices `ids` were delivered at `at` (on the writer's thread, see
    /// [`Store::on_writer`]).
    pub async fn notices_delivered(&self, ids: &[i64], at: DateTime<Utc>) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let ids = ids.to_vec();
        self.on_writer(move |store| async move { store.mark_delivered(&ids, at).await })
            .await
    }

    async fn mark_delivered(&self, ids: &[i64], at: DateTime<Utc>) -> Result<()> {
        in_tx!(self, |tx| {
            // In fixed shapes, so that the statements stay in the writer's cache instead of
            // pushing out the registrar's (one text per length, re-prepared each time).
            for chunk in super::shaped(ids) {
                let sql = format!(
                    "UPDATE notifications SET delivery = 'delivered', delivered_at = {}, \
                     attempts = attempts + 1, last_error = NULL WHERE id IN ({})",
                    super::params_sql_on(&*tx, 1, 1),
                    super::params_sql_on(&*tx, 2, chunk.len())
                );
                let mut q = sqlx::query(&sql).bind(at);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Record a failed attempt: retried at `retry_at`, or, without one, delivery stopped.
    pub async fn notice_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let state = if retry_at.is_some() {
            "not_delivered"
        } else {
            "delivery_stopped"
        };
        in_tx!(self, |tx| {
            sqlx::query(
                "UPDATE notifications SET delivery = $1, attempts = attempts + 1, \
                 last_error = $2, next_attempt_at = $3 WHERE id = $4",
            )
            .bind(state)
            .bind(error)
            .bind(retry_at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Put a stopped notice back on its way (an administrator resends it).
    pub async fn resend_notice(&self, id: i64) -> Result<()> {
        let affected = in_tx!(self, |tx| {
            let r = sqlx::query(
                "UPDATE notifications SET delivery = 'on_delivery', next_attempt_at = NULL \
                 WHERE id = $1 AND delivery = 'delivery_stopped'",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            r.rows_affected()
        });
        if affected == 0 {
            return Err(StoreError::not_found("stopped notification", id));
        }
        Ok(())
    }

    /// Take a received message's id into the inbox: `true` the first time, `false` for a
    /// message taken before (a redelivery), which must then take no effect.
    pub async fn take_into_inbox(
        &self,
        message_id: &str,
        sender: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let taken = Taken {
            message_id,
            sender,
            notice: None,
        };
        Ok(self.take_all_into_inbox(&[taken], at).await?[0])
    }

    /// [`Store::take_into_inbox`] for many messages in one transaction, each with the notice
    /// it carries written beside its id (only the first time): for each, whether it was new.
    /// An id twice in `messages` is new only the first time. Written on the writer's thread
    /// (see [`Store::on_writer`]).
    pub async fn take_all_into_inbox(
        &self,
        messages: &[Taken<'_>],
        at: DateTime<Utc>,
    ) -> Result<Vec<bool>> {
        let owned: Vec<(String, String, Option<ReceivedNotice>)> = messages
            .iter()
            .map(|m| (m.message_id.into(), m.sender.into(), m.notice.cloned()))
            .collect();
        self.on_writer(move |store| async move {
            let messages: Vec<Taken<'_>> = owned
                .iter()
                .map(|(message_id, sender, notice)| Taken {
                    message_id,
                    sender,
                    notice: notice.as_ref(),
                })
                .collect();
            store.write_into_inbox(&messages, at).await
        })
        .await
    }

    async fn write_into_inbox(
        &self,
        messages: &[Taken<'_>],
        at: DateTime<Utc>,
    ) -> Result<Vec<bool>> {
        let mut taken = std::collections::HashSet::new();
        in_tx!(self, |tx| {
            // In fixed shapes, as the registrar's statements (see `mark_delivered`).
            for chunk in super::shaped(messages) {
                let sql = super::insert_rows_sql_on(
                    &*tx,
                    "INSERT INTO inbox (message_id, sender, received_at)",
                    chunk.len(),
                    3,
                ) + " ON CONFLICT (message_id) DO NOTHING RETURNING message_id";
                let mut q = sqlx::query_scalar::<_, String>(&sql);
                for m in chunk {
                    q = q.bind(m.message_id).bind(m.sender).bind(at);
                }
                let new: std::collections::HashSet<String> =
                    q.fetch_all(&mut *tx).await?.into_iter().collect();
                let mut seen = std::collections::HashSet::new();
                let notices: Vec<(&str, &ReceivedNotice)> = chunk
                    .iter()
                    .filter(|m| new.contains(m.message_id) && seen.insert(m.message_id))
                    .filter_map(|m| m.notice.map(|n| (m.message_id, n)))
                    .collect();
                for notices in super::shaped(&notices) {
                    let sql = super::insert_rows_sql_on(
                        &*tx,
                        "INSERT INTO received_notices (message_id, service, addressee, \
                         request_id, number, status, text_kk, text_ru, text_en, received_at)",
                        notices.len(),
                        10,
                    );
                    let mut q = sqlx::query(&sql);
                    for (id, n) in notices {
                        q = q
                            .bind(id)
                            .bind(&n.service)
                            .bind(&n.addressee)
                            .bind(&n.request)
                            .bind(&n.number)
                            .bind(n.status.map(super::status_word))
                            .bind(&n.text.kk)
                            .bind(&n.text.ru)
                            .bind(&n.text.en)
                            .bind(at);
                    }
                    q.execute(&mut *tx).await?;
                }
                taken.extend(new);
            }
            tx.commit().await?;
        });
        Ok(messages
            .iter()
            .map(|m| taken.remove(m.message_id))
            .collect())
    }

    /// The notices received under `service` for `addressee`, newest first.
    pub async fn received_notices(
        &self,
        service: &str,
        addressee: &str,
    ) -> Result<Vec<Notification>> {
        let rows = on_read!(self, |p| {
            sqlx::query_as::<_, super::NotificationRow>(
                "SELECT id, request_id, status, text_kk, text_ru, text_en, \
                 received_at AS created_at, is_read FROM received_notices \
                 WHERE service = $1 AND addressee = $2 ORDER BY id DESC",
            )
            .bind(service)
            .bind(addressee)
            .fetch_all(p)
            .await?
        });
        rows.into_iter()
            .map(super::NotificationRow::into_notification)
            .collect()
    }

    /// Mark a received notice read, if it is `addressee`'s; otherwise it is not found.
    pub async fn mark_received_read(&self, service: &str, addressee: &str, id: i64) -> Result<()> {
        let affected = in_tx!(self, |tx| {
            let r = sqlx::query(
                "UPDATE received_notices SET is_read = TRUE \
                 WHERE id = $1 AND service = $2 AND addressee = $3",
            )
            .bind(id)
            .bind(service)
            .bind(addressee)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            r.rows_affected()
        });
        if affected == 0 {
            return Err(StoreError::not_found("notification", id));
        }
        Ok(())
    }

    /// How many notices are on their way (the outbox's depth).
    pub async fn notices_pending(&self) -> Result<i64> {
        let n: i64 = on_read!(self, |p| {
            sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE delivery IN ('on_delivery', 'not_delivered')"
        )
        .fetch_one(p)
        .await?
        });
        Ok(n)
    }

    /// How many messages the inbox holds (for tests and operations).
    pub async fn inbox_len(&self) -> Result<i64> {
        let n: i64 = on_read!(self, |p| sqlx::query_scalar("SELECT COUNT(*) FROM inbox")
            .fetch_one(p)
            .await?);
        Ok(n)
    }
}
