//! A system's batch signer: one thread takes every message waiting to be signed, makes them
//! the leaves of a hash tree, signs the root once and gives each message its proof. Alone, a
//! message is signed at once (a batch of one); under load a signature serves many. See
//! [`crate::wire`].

use crate::trust::SystemKey;
use crate::wire::{leaf, tree, Sealed};
use std::sync::{mpsc, Arc};

/// The most messages one signature covers.
const MOST_AT_ONCE: usize = 1024;

struct Job {
    bytes: Vec<u8>,
    ack: tokio::sync::oneshot::Sender<Result<Sealed, String>>,
}

/// The signer of one system; cloning shares its thread.
#[derive(Clone)]
pub struct BatchSigner {
    tx: mpsc::Sender<Job>,
    /// The serial of the certificate whose key signs (hex).
    serial: Arc<str>,
}

impl BatchSigner {
    pub fn start(key: Arc<SystemKey>) -> Result<Self, String> {
        let (tx, rx) = mpsc::channel::<Job>();
        let serial = key.cert().serial_hex().into();
        std::thread::Builder::new()
            .name(format!("signer {}", key.participant()))
            .spawn(move || {
                let mut signer = key.reusable();
                while let Ok(first) = rx.recv() {
                    let mut jobs = vec![first];
                    while jobs.len() < MOST_AT_ONCE {
                        match rx.try_recv() {
                            Ok(j) => jobs.push(j),
                            Err(_) => break,
                        }
                    }
                    let leaves: Vec<[u8; 32]> = jobs.iter().map(|j| leaf(&j.bytes)).collect();
                    let (root, paths) = tree(&leaves);
                    let signed = match &mut signer {
                        Ok(s) => s.sign(&root).map_err(|e| e.to_string()),
                        Err(e) => Err(e.clone()),
                    };
                    let batch = jobs.len() as u32;
                    for ((i, job), path) in jobs.into_iter().enumerate().zip(paths) {
                        let sealed = signed.clone().map(|signature| Sealed {
                            bytes: job.bytes,
                            signature,
                            index: i as u32,
                            batch,
                            path,
                        });
                        let _ = job.ack.send(sealed);
                    }
                }
            })
            .map_err(|e| format!("the signer's thread: {e}"))?;
        Ok(BatchSigner { tx, serial })
    }

    /// The serial (hex) of the certificate whose key signs.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// Sign `bytes` (in whatever batch is forming).
    pub async fn seal(&self, bytes: Vec<u8>) -> Result<Sealed, String> {
        let (ack, done) = tokio::sync::oneshot::channel();
        self.tx
            .send(Job { bytes, ack })
            .map_err(|_| "the signer stopped".to_string())?;
        done.await.map_err(|_| "the signer stopped".to_string())?
    }
}
