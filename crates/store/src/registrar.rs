//! Group commit of registrations on SQLite.
//!
//! SQLite has one writer at a time, and most of a registration's cost on it is per transaction,
//! not per row: taking the write lock, and appending at commit every page the transaction
//! touched (the counters' row, the requests' table and indexes, history, notices, signatures)
//! to the WAL. A registration therefore goes to one task, the registrar, which takes all the
//! registrations waiting at that moment (up to [`MOST_AT_ONCE`]) and writes them in one
//! transaction, in arrival order; each caller is answered once that transaction has committed,
//! so an acknowledged request is as durable as before. Under light load a group is one
//! registration and nothing waits; under heavy load the groups grow and the pages written per
//! request shrink.
//!
//! A group fails whole if any of its registrations fails (a database error, an unknown
//! provider); then each is registered again in a transaction of its own, so one bad
//! registration never fails its neighbours and each caller gets its own answer. Numbers stay
//! gap-free: a rolled-back group takes its counter increments with it.
//!
//! The registrar runs on a thread of its own (with a one-thread runtime), not on the platform's
//! runtime: each statement of a group is a round trip to the writer connection's worker thread,
//! and on the shared runtime the registrar's task, woken by each answer, queued behind the HTTP
//! tasks before it could send the next. The writer is the one serial stage of a filing, so that
//! wait was everyone's (measured: both cores idle 16–20% of a saturated run, 10–15% now).
//!
//! A caller that stops waiting (its client went away) does not withdraw its registration: it is
//! committed all the same, and a retry of the same submission finds it by its idempotency key.

use crate::error::StoreError;
use crate::model::{Created, NewRequest, RequestId};
use crate::store::{Hashed, Store};
use tokio::sync::{mpsc, oneshot};

/// The most registrations in one transaction: enough to amortise the commit, few enough that
/// the first of a group does not wait long for the last.
const MOST_AT_ONCE: usize = 64;

/// Registrations waiting for the registrar before senders wait to hand theirs over.
const QUEUE: usize = 4096;

struct Registration {
    new: NewRequest,
    hashed: Vec<Hashed>,
    id: RequestId,
    answer: oneshot::Sender<Result<Created, StoreError>>,
}

/// The handle of the registrar task; the task ends when the last handle is dropped.
#[derive(Clone)]
pub(crate) struct Registrar {
    queue: mpsc::Sender<Registration>,
    /// The registrar's runtime, for other writes that should not queue behind HTTP work
    /// either (`Store::on_writer`).
    runtime: tokio::runtime::Handle,
}

impl Registrar {
    /// Start the registrar on a thread of its own, writing through `store` (which must have no
    /// registrar of its own, or the task would keep itself alive); the thread ends with the last
    /// handle.
    pub(crate) fn start(store: Store) -> Registrar {
        let (queue, waiting) = mpsc::channel(QUEUE);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the registrar");
        let handle = runtime.handle().clone();
        std::thread::Builder::new()
            .name("registrar".into())
            .spawn(move || runtime.block_on(run(store, waiting)))
            .expect("the registrar's thread");
        Registrar {
            queue,
            runtime: handle,
        }
    }

    /// The registrar's runtime: it runs as long as this handle (or any clone) exists.
    pub(crate) fn runtime(&self) -> &tokio::runtime::Handle {
        &self.runtime
    }

    /// Register `new` as request `id`, answering once it is committed.
    pub(crate) async fn register(
        &self,
        new: NewRequest,
        hashed: Vec<Hashed>,
        id: RequestId,
    ) -> Result<Created, StoreError> {
        let (answer, wait) = oneshot::channel();
        let registration = Registration {
            new,
            hashed,
            id,
            answer,
        };
        self.queue
            .send(registration)
            .await
            .map_err(|_| StoreError::Stopped)?;
        wait.await.map_err(|_| StoreError::Stopped)?
    }
}

async fn run(store: Store, mut waiting: mpsc::Receiver<Registration>) {
    let mut group = Vec::with_capacity(MOST_AT_ONCE);
    while waiting.recv_many(&mut group, MOST_AT_ONCE).await > 0 {
        commit(&store, std::mem::take(&mut group)).await;
    }
}

/// Write a group in one transaction, or, if that fails, each in its own.
async fn commit(store: &Store, group: Vec<Registration>) {
    let together = if group.len() > 1 {
        let parts: Vec<_> = group
            .iter()
            .map(|r| (&r.new, r.hashed.as_slice(), &r.id))
            .collect();
        store.register_together(&parts).await.ok()
    } else {
        None
    };
    match together {
        Some(created) => {
            for (r, c) in group.into_iter().zip(created) {
                // A caller that went away has nothing to be told.
                let _ = r.answer.send(Ok(c));
            }
        }
        None => {
            for r in group {
                let result = store.register_alone(&r.new, &r.hashed, &r.id).await;
                let _ = r.answer.send(result);
            }
        }
    }
}
