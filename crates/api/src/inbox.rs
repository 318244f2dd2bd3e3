//! A receiving system's door for notices: it takes each message id into its inbox once, so
//! that a notice the sender delivers again (it did not learn that the first attempt arrived)
//! takes no second effect. The portal's cabinet and the CSC's IS show the notice itself.
//!
//! The ids of the notices arriving together are written in one transaction, by one task: a
//! relay delivers many at once, and a transaction each would hold the database's one writer
//! from the registrations.

use async_trait::async_trait;
use qyzmet_gateway::services::Notice;
use qyzmet_gateway::{Endpoint, Envelope, MessageKind};
use qyzmet_store::Store;
use serde::Deserialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

type Take = (String, String, oneshot::Sender<Result<bool, String>>);

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
                    let ids: Vec<(&str, &str)> = waiting
                        .iter()
                        .map(|(id, sender, _)| (id.as_str(), sender.as_str()))
                        .collect();
                    let result = store.take_all_into_inbox(&ids, chrono::Utc::now()).await;
                    for (i, (_, _, ack)) in waiting.drain(..).enumerate() {
                        let _ = ack.send(match &result {
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
        let _notice: Notice =
            Notice::deserialize(&message.body).map_err(|e| format!("not a notice: {e}"))?;
        let (ack, done) = oneshot::channel();
        self.writer()
            .send((message.message_id.clone(), message.sender.0.clone(), ack))
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
