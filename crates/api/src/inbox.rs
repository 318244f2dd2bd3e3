//! A receiving system's door for notices: it takes each message id into its inbox once, so
//! that a notice the sender delivers again (it did not learn that the first attempt arrived)
//! takes no second effect. The notice is kept beside its id, in the receiver's own database:
//! the portal's cabinet and the CSC's IS show what reached them, not the provider's rows.
//!
//! The ids of the notices arriving together are written in one transaction, by one task: a
//! relay delivers many at once, and a transaction each would hold the database's one writer
//! from the registrations.

use async_trait::async_trait;
use qyzmet_gateway::services::Notice;
use qyzmet_gateway::{Endpoint, Envelope, MessageKind};
use qyzmet_store::{ReceivedNotice, Store, Taken};
use serde::Deserialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

struct Take {
    message_id: String,
    sender: String,
    notice: ReceivedNotice,
    ack: oneshot::Sender<Result<bool, String>>,
}

/// The door of a system that receives notices for `service`.
pub struct NoticeInbox {
    store: Store,
    service: &'static str,
    writer: OnceLock<mpsc::Sender<Take>>,
    /// Notices taken, and redeliveries that took no effect.
    pub taken: Arc<AtomicU64>,
    pub duplicates: Arc<AtomicU64>,
}

impl NoticeInbox {
    pub fn new(store: Store, service: &'static str) -> Self {
        NoticeInbox {
            store,
            service,
            writer: OnceLock::new(),
            taken: Arc::default(),
            duplicates: Arc::default(),
        }
    }

    /// The writing task, started on the first notice (inside the runtime).
    fn writer(&self) -> &mpsc::Sender<Take> {
        self.writer.get_or_init(|| {
            let (tx, mut rx) = mpsc::channel::<Take>(4096);
            let store = self.store.clone();
            tokio::spawn(async move {
                let mut waiting = Vec::with_capacity(256);
                while rx.recv_many(&mut waiting, 256).await > 0 {
                    let taken: Vec<Taken<'_>> = waiting
                        .iter()
                        .map(|t| Taken {
                            message_id: &t.message_id,
                            sender: &t.sender,
                            notice: Some(&t.notice),
                        })
                        .collect();
                    let result = store.take_all_into_inbox(&taken, chrono::Utc::now()).await;
                    drop(taken);
                    for (i, t) in waiting.drain(..).enumerate() {
                        let _ = t.ack.send(match &result {
                            Ok(new) => Ok(new[i]),
                            Err(e) => Err(format!("the inbox cannot be written: {e}")),
                        });
                    }
                }
            });
            tx
        })
    }
}

#[async_trait]
impl Endpoint for NoticeInbox {
    async fn receive(&self, message: Envelope) -> Result<Option<Envelope>, String> {
        if message.service_id != self.service || message.kind != MessageKind::Notification {
            return Err(format!(
                "offers no service `{}` for a {}",
                message.service_id,
                message.kind.as_str()
            ));
        }
        let notice: Notice =
            Notice::deserialize(&message.body).map_err(|e| format!("not a notice: {e}"))?;
        let (ack, done) = oneshot::channel();
        let take = Take {
            message_id: message.message_id,
            sender: message.sender.0,
            notice: ReceivedNotice {
                service: self.service.to_string(),
                addressee: notice.to,
                request: notice.request_id,
                number: notice.number,
                status: notice.status,
                text: notice.text,
            },
            ack,
        };
        self.writer()
            .send(take)
            .await
            .map_err(|_| "the inbox stopped".to_string())?;
        let first = done.await.map_err(|_| "the inbox stopped".to_string())??;
        if first {
            self.taken.fetch_add(1, Ordering::Relaxed);
        } else {
            self.duplicates.fetch_add(1, Ordering::Relaxed);
        }
        Ok(None)
    }
}
