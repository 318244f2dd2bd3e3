//! A receiving system's door for notices: it takes each message id into its inbox once, so
//! that a notice the sender delivers again (it did not learn that the first attempt arrived)
//! takes no second effect. The portal's cabinet and the CSC's IS show the notice itself.

use async_trait::async_trait;
use qyzmet_gateway::services::Notice;
use qyzmet_gateway::{Endpoint, Envelope, MessageKind};
use qyzmet_store::Store;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The door of a system that receives notices for `service`.
pub struct NoticeInbox {
    store: Store,
    service: &'static str,
    /// Notices taken, and redeliveries that took no effect.
    pub taken: Arc<AtomicU64>,
    pub duplicates: Arc<AtomicU64>,
}

impl NoticeInbox {
    pub fn new(store: Store, service: &'static str) -> Self {
        NoticeInbox {
            store,
            service,
            taken: Arc::default(),
            duplicates: Arc::default(),
        }
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
        let _notice: Notice = serde_json::from_value(message.body.clone())
            .map_err(|e| format!("not a notice: {e}"))?;
        let first = self
            .store
            .take_into_inbox(&message.message_id, &message.sender.0, chrono::Utc::now())
            .await
            .map_err(|e| format!("the inbox cannot be written: {e}"))?;
        if first {
            self.taken.fetch_add(1, Ordering::Relaxed);
        } else {
            self.duplicates.fetch_add(1, Ordering::Relaxed);
        }
        Ok(None)
    }
}
