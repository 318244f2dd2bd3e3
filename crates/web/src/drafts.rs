//! Applications being filled, between the form and the signature: the values typed and the
//! files attached, kept in the participant's memory (the portal's, a CSC's) for their owner
//! only — the person logged in who fills the form (a citizen, or an operator for a citizen).
//!
//! Why in memory: the signature is made in the browser over the application, which names
//! each file by its SHA-256, and the files are then sent with the signature; keeping them
//! here between the pages means a file is uploaded once and the form can be corrected
//! without choosing the files again. A draft is nobody's record (the request exists once it
//! is filed): a restart loses drafts, and so do they age out (8 h, the session's life); each
//! person keeps at most [`PER_PERSON`].

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How many drafts one person keeps; the oldest goes first.
pub const PER_PERSON: usize = 5;
/// How long a draft lives.
pub const LIFETIME: Duration = Duration::from_secs(8 * 3600);

/// An attached file.
#[derive(Debug, Clone)]
pub struct DraftFile {
    pub name: String,
    pub media_type: String,
    pub content: Vec<u8>,
}

/// One application being filled.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Who fills it: the user id of the person logged in.
    pub owner: String,
    pub service: String,
    pub version: u32,
    /// Whom the application is for when that is not the owner (the citizen an operator
    /// files for).
    pub recipient: Option<String>,
    /// Field name → value as typed (file fields: the file's name).
    pub values: BTreeMap<String, String>,
    /// File field name or `attachments.<code>` → the file.
    pub files: BTreeMap<String, DraftFile>,
    made: Instant,
    /// Order of keeping, for evicting the oldest.
    order: u64,
}

impl Draft {
    pub fn new(owner: &str, service: &str, version: u32) -> Draft {
        Draft {
            owner: owner.into(),
            service: service.into(),
            version,
            recipient: None,
            values: BTreeMap::new(),
            files: BTreeMap::new(),
            made: Instant::now(),
            order: 0,
        }
    }
}

#[derive(Clone, Default)]
pub struct Drafts(Arc<Mutex<HashMap<String, Draft>>>);

impl Drafts {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Draft>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keep `draft` under `id` (a new random one when `None`); the id.
    pub fn put(&self, id: Option<String>, mut draft: Draft) -> String {
        static ORDER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        draft.order = ORDER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = id.unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
        let mut all = self.lock();
        all.retain(|_, d| d.made.elapsed() < LIFETIME);
        let mut mine: Vec<(u64, String)> = all
            .iter()
            .filter(|(k, d)| d.owner == draft.owner && **k != id)
            .map(|(k, d)| (d.order, k.clone()))
            .collect();
        mine.sort();
        while mine.len() >= PER_PERSON {
            all.remove(&mine.remove(0).1);
        }
        all.insert(id.clone(), draft);
        id
    }

    /// `owner`'s draft `id`; someone else's is as if it did not exist.
    pub fn get(&self, id: &str, owner: &str) -> Option<Draft> {
        self.lock()
            .get(id)
            .filter(|d| d.owner == owner && d.made.elapsed() < LIFETIME)
            .cloned()
    }

    pub fn remove(&self, id: &str) {
        self.lock().remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_its_owners_only_and_each_keeps_a_few() {
        let drafts = Drafts::default();
        let id = drafts.put(None, Draft::new("a", "s", 1));
        assert!(drafts.get(&id, "a").is_some());
        assert!(drafts.get(&id, "b").is_none());
        let ids: Vec<String> = (0..PER_PERSON)
            .map(|_| drafts.put(None, Draft::new("a", "s", 1)))
            .collect();
        assert!(drafts.get(&id, "a").is_none(), "the oldest went");
        assert!(ids.iter().all(|i| drafts.get(i, "a").is_some()));
    }
}
