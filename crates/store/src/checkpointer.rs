//! Checkpoints of the SQLite write-ahead log, mostly off the writer's path.
//!
//! By SQLite's default the connection that commits copies the WAL back into the database once
//! the log holds 1,000 pages — on the store's single writer, so every registration queued
//! behind that commit waits for the copy and its fsync. Here a task asks a reading connection
//! for a PASSIVE checkpoint every [`INTERVAL`]: it copies back what no reader still needs while
//! the writer goes on appending, and a page written many times in between is copied once.
//!
//! The writer still checkpoints, but only at [`WRITER_PAGES`] and then finds nearly everything
//! copied already. It must not be left out: the log starts from its beginning again only once a
//! checkpoint has caught up with it entirely, which the readers' passive ones, racing the
//! writer, never did under load — with the writer's turned off the file grew without bound
//! (measured: 1.5 GB after a few minutes at 2,000 registrations a second).
//! Durability is the WAL's either way: a committed transaction is in the log before COMMIT
//! returns.

use sqlx::SqlitePool;
use std::time::Duration;

/// How often a reader copies the log back: at the throughput goal some 12 MB of log each time
/// (a registration writes about 62 KB of log: the pages its group commit touches).
pub(crate) const INTERVAL: Duration = Duration::from_millis(100);

/// The log's size, in pages, at which the writer checkpoints itself (SQLite's default is 1,000):
/// 16 MB at 4 KiB pages, more than a reader's round at the goal, so that the writer's checkpoint
/// mostly finds the log copied already and the log still restarts often enough to stay bounded.
pub(crate) const WRITER_PAGES: u32 = 4_000;

/// Checkpoint through `read` until its pool is closed (the store closed). The task holds the
/// pool like any clone of the store does, so a store dropped without closing keeps it until the
/// runtime ends.
pub(crate) fn start(read: SqlitePool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if read.is_closed() {
                break;
            }
            // A failure (the database busy in another process) is retried at the next tick.
            let _ = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .fetch_all(&read)
                .await;
        }
    });
}
