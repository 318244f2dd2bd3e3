//! The message log: every message the gateway carries, and every refusal, as records in
//! append-only segment files, each record chained to the one before by hash; at intervals
//! (and at the end of each segment) the gateway seals the chain by signing its head.
//! [`verify`] checks a log offline and names the first record that was altered, removed or
//! inserted.
//!
//! A record: `u32 payload length, u8 kind, u64 seq, i64 time (µs), [32] previous hash,
//! payload, [32] hash`, little-endian, with hash = SHA-256 of everything before it in the
//! record. Segments are `segment-<first seq>.qlog`; a segment's first record chains to the
//! previous segment's last, so archiving old segments leaves the rest verifiable.
//!
//! Writes go through one thread that takes every append waiting and writes them at once
//! (one `write` for many records); an append is answered once its record is in the file,
//! so a message is logged before it is delivered and a killed process loses no record it
//! answered for. Seals are `fsync`ed, by a second thread: the sync of a seal writes out all
//! the records since the last one (seconds of traffic, measured 100–200 ms on a loaded disk),
//! and appends must not wait behind it; a seal is answered once its sync is done.

use crate::trust::SystemKey;
use crate::wire::hex;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use qyzmet_pki::Cert;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// What a record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A message carried: its [`crate::wire::Sealed`] encoding.
    Message = 1,
    /// A message refused: [`Refusal`] as JSON.
    Refusal = 2,
    /// The gateway's signature over the chain's head: [`Seal`] as JSON.
    Seal = 3,
}

impl RecordKind {
    fn from_byte(b: u8) -> Option<Self> {
        match b {
            1 => Some(RecordKind::Message),
            2 => Some(RecordKind::Refusal),
            3 => Some(RecordKind::Seal),
            _ => None,
        }
    }
}

/// A refused message, as the log keeps it (its bytes are not kept: they may be oversized or
/// hostile; their hash is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub code: String,
    pub reason: String,
    pub message_id: Option<String>,
    pub sender: Option<String>,
    pub recipient: Option<String>,
    pub service: Option<String>,
    pub size: usize,
    pub sha256: String,
}

/// The gateway's signature over the chain up to `seq`, whose record hash is `head`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seal {
    pub seq: u64,
    pub head: String,
    pub signer: String,
    /// The signer's certificate, DER base64.
    pub certificate: String,
    /// Over [`seal_text`], base64.
    pub signature: String,
}

/// What a seal's signature covers.
pub fn seal_text(seq: u64, head: &str) -> String {
    format!("qyzmet message log seal\n{seq}\n{head}\n")
}

/// One record read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub kind: RecordKind,
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub prev: [u8; 32],
    pub payload: Vec<u8>,
    pub hash: [u8; 32],
}

impl Record {
    /// Whether the record's hash is the hash of its content.
    pub fn is_intact(&self) -> bool {
        self.hash
            == record_hash(
                self.kind as u8,
                self.seq,
                self.at.timestamp_micros(),
                &self.prev,
                &self.payload,
            )
    }
}

const HEAD: usize = 4 + 1 + 8 + 8 + 32;
const ZERO: [u8; 32] = [0; 32];

fn record_hash(kind: u8, seq: u64, at: i64, prev: &[u8; 32], payload: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update((payload.len() as u32).to_le_bytes());
    h.update([kind]);
    h.update(seq.to_le_bytes());
    h.update(at.to_le_bytes());
    h.update(prev);
    h.update(payload);
    h.finalize().into()
}

fn encode(
    out: &mut Vec<u8>,
    kind: u8,
    seq: u64,
    at: i64,
    prev: &[u8; 32],
    payload: &[u8],
) -> [u8; 32] {
    let hash = record_hash(kind, seq, at, prev, payload);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.push(kind);
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(prev);
    out.extend_from_slice(payload);
    out.extend_from_slice(&hash);
    hash
}

/// Where and how the log is kept.
#[derive(Debug, Clone)]
pub struct LogConfig {
    pub dir: PathBuf,
    /// A segment is sealed and closed once it is this large.
    pub segment_bytes: u64,
    /// Seal at least this often while records come.
    pub seal_every: Duration,
    /// Seal after this many records.
    pub seal_records: u64,
    /// Closed segments older than this leave the log: into `archive`, or deleted without one.
    pub retention: Option<chrono::Duration>,
    pub archive: Option<PathBuf>,
}

impl LogConfig {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        LogConfig {
            dir: dir.into(),
            segment_bytes: 256 * 1024 * 1024,
            seal_every: Duration::from_secs(10),
            seal_records: 100_000,
            retention: None,
            archive: None,
        }
    }
}

type Ack = tokio::sync::oneshot::Sender<Result<u64, String>>;

enum Job {
    Append {
        kind: RecordKind,
        payload: Vec<u8>,
        ack: Ack,
    },
    Seal(Ack),
    /// Answer with the last sequence number: the writer is alive.
    Ping(Ack),
}

/// The log's writer, shared by every sender: cloning shares the one writing thread.
#[derive(Clone)]
pub struct MessageLog {
    tx: mpsc::Sender<Job>,
    records: Arc<AtomicU64>,
    dir: PathBuf,
}

impl MessageLog {
    /// Open (or start) the log in `config.dir`, sealing with `sealer`. An interrupted last
    /// write (a record cut short by a crash) is cut off; an altered record refuses the open.
    pub fn open(config: LogConfig, sealer: Arc<SystemKey>) -> Result<MessageLog, String> {
        let mut writer = Writer::open(config.clone(), sealer)?;
        if writer.unsealed > 0 {
            writer.seal()?;
        }
        let records = Arc::new(AtomicU64::new(writer.seq));
        let (tx, rx) = mpsc::channel();
        let counter = records.clone();
        let (to_sync, syncs) = mpsc::channel();
        std::thread::Builder::new()
            .name("message-log-sync".into())
            .spawn(move || sync_seals(syncs))
            .map_err(|e| format!("the message log's sync thread: {e}"))?;
        std::thread::Builder::new()
            .name("message-log".into())
            .spawn(move || writer.run(rx, counter, to_sync))
            .map_err(|e| format!("the message log's thread: {e}"))?;
        Ok(MessageLog {
            tx,
            records,
            dir: config.dir,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The sequence number of the last record written.
    pub fn last_seq(&self) -> u64 {
        self.records.load(Ordering::Relaxed)
    }

    /// Give the writer a job and wait for its answer.
    async fn ask(&self, job: impl FnOnce(Ack) -> Job) -> Result<u64, String> {
        let (ack, done) = tokio::sync::oneshot::channel();
        self.tx
            .send(job(ack))
            .map_err(|_| "the message log is closed".to_string())?;
        done.await
            .map_err(|_| "the message log stopped".to_string())?
    }

    /// Append a record; answered with its sequence number once it is in the file.
    pub async fn append(&self, kind: RecordKind, payload: Vec<u8>) -> Result<u64, String> {
        self.ask(|ack| Job::Append { kind, payload, ack }).await
    }

    /// Whether the writer answers: the last sequence number written.
    pub async fn ping(&self) -> Result<u64, String> {
        self.ask(Job::Ping).await
    }

    /// Seal now; answered with the seal's sequence number (or the last seal's, when nothing
    /// came since).
    pub async fn seal(&self) -> Result<u64, String> {
        self.ask(Job::Seal).await
    }
}

/// A seal written and flushed, to be synced to disk before its askers are answered.
struct SealToSync {
    file: Result<File, String>,
    seq: u64,
    asked: Vec<Ack>,
}

/// Sync each written seal's file and answer who asked for it; ends with the writer.
fn sync_seals(syncs: mpsc::Receiver<SealToSync>) {
    for job in syncs {
        let synced = job
            .file
            .and_then(|f| {
                f.sync_data()
                    .map_err(|e| format!("syncing the message log: {e}"))
            })
            .map(|()| job.seq);
        if let Err(e) = &synced {
            eprintln!("message log: {e}");
        }
        for ack in job.asked {
            let _ = ack.send(synced.clone());
        }
    }
}

struct Writer {
    config: LogConfig,
    sealer: Arc<SystemKey>,
    file: BufWriter<File>,
    size: u64,
    seq: u64,
    last: [u8; 32],
    unsealed: u64,
    last_seal: Instant,
    buf: Vec<u8>,
}

fn segment_name(first_seq: u64) -> String {
    format!("segment-{first_seq:012}.qlog")
}

/// The log's segments in order.
pub fn segments(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("segment-") && n.ends_with(".qlog"))
        })
        .collect();
    out.sort();
    Ok(out)
}

fn io(path: &Path, e: std::io::Error) -> String {
    format!("{}: {e}", path.display())
}

impl Writer {
    fn open(config: LogConfig, sealer: Arc<SystemKey>) -> Result<Writer, String> {
        std::fs::create_dir_all(&config.dir).map_err(|e| io(&config.dir, e))?;
        let mut existing = segments(&config.dir)?;
        if existing.len() > 1 {
            // A segment created but not yet written (a crash inside a rotation) is dropped:
            // the one before it ends the chain.
            let newest = &existing[existing.len() - 1];
            if std::fs::metadata(newest)
                .map(|m| m.len() == 0)
                .unwrap_or(false)
            {
                std::fs::remove_file(newest).map_err(|e| io(newest, e))?;
                existing.pop();
            }
        }
        let mut unsealed = 0;
        let (path, seq, last, size) = match existing.last() {
            None => (config.dir.join(segment_name(1)), 0, ZERO, 0),
            Some(path) => {
                let tail = read_tail(path)?;
                let file = OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|e| io(path, e))?;
                if tail.good_len < tail.file_len {
                    // A record cut short by a crash: it was never answered for.
                    file.set_len(tail.good_len).map_err(|e| io(path, e))?;
                }
                if tail.last_kind.is_some_and(|k| k != RecordKind::Seal) {
                    // The run before ended without sealing (killed): seal its tail first.
                    unsealed = 1;
                }
                let (seq, last) = match tail.last {
                    Some((seq, hash)) => (seq, hash),
                    None => (tail.start_seq.saturating_sub(1), tail.start_prev),
                };
                (path.clone(), seq, last, tail.good_len)
            }
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        Ok(Writer {
            config,
            sealer,
            file: BufWriter::with_capacity(1 << 20, file),
            size,
            seq,
            last,
            unsealed,
            last_seal: Instant::now(),
            buf: Vec::with_capacity(1 << 16),
        })
    }

    fn run(
        mut self,
        rx: mpsc::Receiver<Job>,
        counter: Arc<AtomicU64>,
        to_sync: mpsc::Sender<SealToSync>,
    ) {
        loop {
            let wait = self
                .config
                .seal_every
                .saturating_sub(self.last_seal.elapsed())
                .max(Duration::from_millis(1));
            let first = match rx.recv_timeout(wait) {
                Ok(job) => job,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if self.unsealed > 0 {
                        self.seal_in_background(&to_sync, Vec::new());
                    } else {
                        self.last_seal = Instant::now();
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    if self.unsealed > 0 {
                        let _ = self.seal();
                    }
                    return;
                }
            };
            let mut jobs = vec![first];
            while jobs.len() < 4096 {
                match rx.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            let mut acks = Vec::with_capacity(jobs.len());
            let mut seals = Vec::new();
            for job in jobs {
                match job {
                    Job::Append { kind, payload, ack } => {
                        let seq = self.put(kind as u8, &payload);
                        acks.push((ack, seq));
                    }
                    Job::Seal(ack) => seals.push(ack),
                    Job::Ping(ack) => {
                        let _ = ack.send(Ok(self.seq));
                    }
                }
            }
            let written = self.flush();
            counter.store(self.seq, Ordering::Relaxed);
            for (ack, seq) in acks {
                let _ = ack.send(written.clone().map(|()| seq));
            }
            let due = self.unsealed >= self.config.seal_records
                || self.last_seal.elapsed() >= self.config.seal_every
                || self.size >= self.config.segment_bytes;
            if !seals.is_empty() || (due && self.unsealed > 0) {
                if self.unsealed > 0 {
                    self.seal_in_background(&to_sync, seals);
                } else {
                    // Sealed already, perhaps with its sync still on the way: answer after it.
                    self.sync_in_background(&to_sync, self.seq, seals);
                }
                counter.store(self.seq, Ordering::Relaxed);
            }
            if self.size >= self.config.segment_bytes {
                if let Err(e) = self.rotate() {
                    eprintln!("message log: {e}");
                }
            }
        }
    }

    fn put(&mut self, kind: u8, payload: &[u8]) -> u64 {
        self.seq += 1;
        let at = Utc::now().timestamp_micros();
        let start = self.buf.len();
        self.last = encode(&mut self.buf, kind, self.seq, at, &self.last, payload);
        self.size += (self.buf.len() - start) as u64;
        if kind != RecordKind::Seal as u8 {
            self.unsealed += 1;
        }
        self.seq
    }

    fn flush(&mut self) -> Result<(), String> {
        let path = &self.config.dir;
        let r = self
            .file
            .write_all(&self.buf)
            .and_then(|()| self.file.flush())
            .map_err(|e| io(path, e));
        self.buf.clear();
        r
    }

    /// Seal and sync before going on (opening, rotating, closing).
    fn seal(&mut self) -> Result<u64, String> {
        let seq = self.write_seal()?;
        self.file
            .get_ref()
            .sync_data()
            .map_err(|e| io(&self.config.dir, e))?;
        Ok(seq)
    }

    /// Seal, and leave the sync and the answers to `asked` to the sync thread.
    fn seal_in_background(&mut self, to_sync: &mpsc::Sender<SealToSync>, asked: Vec<Ack>) {
        match self.write_seal() {
            Ok(seq) => self.sync_in_background(to_sync, seq, asked),
            Err(e) => {
                for ack in asked {
                    let _ = ack.send(Err(e.clone()));
                }
            }
        }
    }

    /// Have the sync thread sync the file as written so far, then answer `asked` with `seq`.
    fn sync_in_background(&self, to_sync: &mpsc::Sender<SealToSync>, seq: u64, asked: Vec<Ack>) {
        let file = self.file.get_ref().try_clone();
        let file = file.map_err(|e| io(&self.config.dir, e));
        // The sync thread ends only after this one.
        let _ = to_sync.send(SealToSync { file, seq, asked });
    }

    /// Write the seal record of the chain so far and flush it to the file (not synced).
    fn write_seal(&mut self) -> Result<u64, String> {
        let head = hex(&self.last);
        let signature = self.sealer.sign(seal_text(self.seq, &head).as_bytes())?;
        let seal = Seal {
            seq: self.seq,
            head,
            signer: self.sealer.participant().0.clone(),
            certificate: B64.encode(&self.sealer.cert().der),
            signature: B64.encode(signature),
        };
        let payload = serde_json::to_vec(&seal).map_err(|e| e.to_string())?;
        let seq = self.put(RecordKind::Seal as u8, &payload);
        self.flush()?;
        self.unsealed = 0;
        self.last_seal = Instant::now();
        Ok(seq)
    }

    /// Close the full segment (it ends with a seal) and start the next; then let segments
    /// past their retention leave.
    fn rotate(&mut self) -> Result<(), String> {
        let path = self.config.dir.join(segment_name(self.seq + 1));
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        self.file = BufWriter::with_capacity(1 << 20, file);
        self.size = 0;
        // The new segment opens with a seal of the chain so far: it is never empty, so the
        // chain's head can be read from it alone even once the segments before are archived.
        self.seal()?;
        self.retire(&path)
    }

    fn retire(&self, current: &Path) -> Result<(), String> {
        let Some(keep) = self.config.retention else {
            return Ok(());
        };
        let cutoff = std::time::SystemTime::now() - keep.to_std().unwrap_or_default();
        for segment in segments(&self.config.dir)? {
            if segment == current {
                continue;
            }
            let modified = std::fs::metadata(&segment)
                .and_then(|m| m.modified())
                .map_err(|e| io(&segment, e))?;
            if modified >= cutoff {
                continue;
            }
            match &self.config.archive {
                Some(archive) => {
                    std::fs::create_dir_all(archive).map_err(|e| io(archive, e))?;
                    let to = archive.join(segment.file_name().unwrap_or_default());
                    std::fs::rename(&segment, &to)
                        .or_else(|_| {
                            std::fs::copy(&segment, &to)
                                .and_then(|_| std::fs::remove_file(&segment))
                        })
                        .map_err(|e| io(&segment, e))?;
                }
                None => std::fs::remove_file(&segment).map_err(|e| io(&segment, e))?,
            }
        }
        Ok(())
    }
}

/// What reading a segment to its end found.
struct Tail {
    start_seq: u64,
    start_prev: [u8; 32],
    last: Option<(u64, [u8; 32])>,
    last_kind: Option<RecordKind>,
    good_len: u64,
    file_len: u64,
}

fn start_seq_of(path: &Path) -> Option<u64> {
    path.file_name()?
        .to_str()?
        .strip_prefix("segment-")?
        .strip_suffix(".qlog")?
        .parse()
        .ok()
}

/// Read a segment to find where to go on; an altered record is an error.
fn read_tail(path: &Path) -> Result<Tail, String> {
    let file_len = std::fs::metadata(path).map_err(|e| io(path, e))?.len();
    let start_seq =
        start_seq_of(path).ok_or_else(|| format!("{}: not a segment", path.display()))?;
    let mut tail = Tail {
        start_seq,
        start_prev: ZERO,
        last: None,
        last_kind: None,
        good_len: 0,
        file_len,
    };
    let mut reader = SegmentReader::open(path)?;
    loop {
        match reader.next_record() {
            Ok(Some(r)) => {
                if !r.is_intact() {
                    return Err(format!(
                        "{}: record {} was altered; run `qyzmet gateway verify-log` and restore the log before the gateway starts",
                        path.display(),
                        r.seq
                    ));
                }
                if tail.last.is_none() {
                    tail.start_prev = r.prev;
                }
                tail.last = Some((r.seq, r.hash));
                tail.last_kind = Some(r.kind);
                tail.good_len = reader.offset;
            }
            Ok(None) | Err(ReadError::Cut) => return Ok(tail),
            Err(ReadError::Bad(e)) => return Err(format!("{}: {e}", path.display())),
        }
    }
}

enum ReadError {
    /// The file ends inside a record.
    Cut,
    Bad(String),
}

struct SegmentReader {
    reader: BufReader<File>,
    offset: u64,
}

impl SegmentReader {
    fn open(path: &Path) -> Result<Self, String> {
        let mut file = File::open(path).map_err(|e| io(path, e))?;
        file.seek(SeekFrom::Start(0)).map_err(|e| io(path, e))?;
        Ok(SegmentReader {
            reader: BufReader::with_capacity(1 << 20, file),
            offset: 0,
        })
    }

    /// The next record as written (its hash not checked), `None` at a clean end.
    fn next_record(&mut self) -> Result<Option<Record>, ReadError> {
        let mut head = [0u8; HEAD];
        match read_full(&mut self.reader, &mut head) {
            Ok(0) => return Ok(None),
            Ok(n) if n < HEAD => return Err(ReadError::Cut),
            Ok(_) => {}
            Err(e) => return Err(ReadError::Bad(e.to_string())),
        }
        let len = u32::from_le_bytes(head[0..4].try_into().expect("4 bytes")) as usize;
        let kind = RecordKind::from_byte(head[4]).ok_or_else(|| {
            ReadError::Bad(format!(
                "unknown record kind {} at offset {}",
                head[4], self.offset
            ))
        })?;
        let seq = u64::from_le_bytes(head[5..13].try_into().expect("8 bytes"));
        let at = i64::from_le_bytes(head[13..21].try_into().expect("8 bytes"));
        let prev: [u8; 32] = head[21..53].try_into().expect("32 bytes");
        if len > 64 * 1024 * 1024 {
            return Err(ReadError::Bad(format!(
                "a record of {len} bytes at offset {}",
                self.offset
            )));
        }
        let mut rest = vec![0u8; len + 32];
        match read_full(&mut self.reader, &mut rest) {
            Ok(n) if n < rest.len() => return Err(ReadError::Cut),
            Ok(_) => {}
            Err(e) => return Err(ReadError::Bad(e.to_string())),
        }
        let hash: [u8; 32] = rest[len..].try_into().expect("32 bytes");
        rest.truncate(len);
        self.offset += (HEAD + len + 32) as u64;
        Ok(Some(Record {
            kind,
            seq,
            at: DateTime::from_timestamp_micros(at).unwrap_or_default(),
            prev,
            payload: rest,
            hash,
        }))
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Every record of the log in `dir`, in order (hashes not checked: see [`verify`]).
pub fn records(dir: &Path) -> Result<Vec<Record>, String> {
    let mut out = Vec::new();
    for segment in segments(dir)? {
        let mut reader = SegmentReader::open(&segment)?;
        loop {
            match reader.next_record() {
                Ok(Some(r)) => out.push(r),
                Ok(None) | Err(ReadError::Cut) => break,
                Err(ReadError::Bad(e)) => return Err(format!("{}: {e}", segment.display())),
            }
        }
    }
    Ok(out)
}

/// What a sound log holds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct LogReport {
    pub segments: usize,
    pub records: u64,
    pub messages: u64,
    pub refusals: u64,
    pub seals: u64,
    pub first_seq: u64,
    pub last_seq: u64,
    /// Records after the last seal: sound so far, but not yet signed for.
    pub unsealed: u64,
    /// The first segment continues a chain whose start was archived.
    pub continues_archived: bool,
    /// The last segment ends inside a record: a write in progress, or a crash during one
    /// (the gateway cuts it off when it starts again).
    pub torn_tail: bool,
}

/// The first thing wrong in a log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tampered {
    pub segment: PathBuf,
    pub offset: u64,
    pub seq: Option<u64>,
    pub what: String,
}

impl std::fmt::Display for Tampered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at offset {}", self.segment.display(), self.offset)?;
        if let Some(seq) = self.seq {
            write!(f, ", record {seq}")?;
        }
        write!(f, ": {}", self.what)
    }
}

/// Check a log offline: every record's hash, the chain from each record to the next, the
/// sequence without gaps, and every seal's signature by a certificate that one of
/// `trusted` (the NCA's issuing certificates) issued.
pub fn verify(dir: &Path, trusted: &[Cert]) -> Result<LogReport, Tampered> {
    let list = segments(dir).map_err(|what| Tampered {
        segment: dir.to_path_buf(),
        offset: 0,
        seq: None,
        what,
    })?;
    let mut report = LogReport {
        segments: list.len(),
        ..LogReport::default()
    };
    let mut prev: Option<(u64, [u8; 32])> = None;
    for segment in &list {
        let fault = |offset: u64, seq: Option<u64>, what: String| Tampered {
            segment: segment.clone(),
            offset,
            seq,
            what,
        };
        let mut reader = SegmentReader::open(segment).map_err(|w| fault(0, None, w))?;
        match (prev, start_seq_of(segment)) {
            (None, Some(start)) if start > 1 => report.continues_archived = true,
            (Some((seq, _)), Some(start)) if start != seq + 1 => {
                return Err(fault(0, None, format!("the segment starts at record {start}, but the one before ended at {seq}: records are missing")));
            }
            _ => {}
        }
        loop {
            let offset = reader.offset;
            let r = match reader.next_record() {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(ReadError::Cut) if Some(segment) == list.last() => {
                    report.torn_tail = true;
                    break;
                }
                Err(ReadError::Cut) => {
                    return Err(fault(
                        offset,
                        None,
                        "the segment ends inside a record".into(),
                    ))
                }
                Err(ReadError::Bad(e)) => return Err(fault(offset, None, e)),
            };
            let seq = Some(r.seq);
            if !r.is_intact() {
                return Err(fault(
                    offset,
                    seq,
                    "its hash does not match its content: the record was altered".into(),
                ));
            }
            match prev {
                None => {
                    report.first_seq = r.seq;
                    if r.seq != 1 || r.prev != ZERO {
                        report.continues_archived = true;
                    }
                }
                Some((p, h)) => {
                    if r.seq != p + 1 {
                        return Err(fault(
                            offset,
                            seq,
                            format!(
                                "record {} follows record {p}: records were removed or inserted",
                                r.seq
                            ),
                        ));
                    }
                    if r.prev != h {
                        return Err(fault(offset, seq, format!("it does not chain to record {p}: a record before it was altered, removed or replaced")));
                    }
                }
            }
            match r.kind {
                RecordKind::Message => report.messages += 1,
                RecordKind::Refusal => report.refusals += 1,
                RecordKind::Seal => {
                    check_seal(&r, trusted).map_err(|w| fault(offset, seq, w))?;
                    report.seals += 1;
                    report.unsealed = 0;
                }
            }
            if r.kind != RecordKind::Seal {
                report.unsealed += 1;
            }
            report.records += 1;
            report.last_seq = r.seq;
            prev = Some((r.seq, r.hash));
        }
    }
    Ok(report)
}

/// A seal signs the head it chains to: the record just before it.
fn check_seal(r: &Record, trusted: &[Cert]) -> Result<(), String> {
    let seal: Seal =
        serde_json::from_slice(&r.payload).map_err(|e| format!("the seal does not read: {e}"))?;
    let (seq, head) = (r.seq.saturating_sub(1), r.prev);
    if seal.seq != seq || seal.head != hex(&head) {
        return Err(format!(
            "the seal names record {} with head {}, not record {seq}",
            seal.seq, seal.head
        ));
    }
    let der = B64
        .decode(&seal.certificate)
        .map_err(|e| format!("the seal's certificate: {e}"))?;
    let cert = Cert::from_der(&der).map_err(|e| format!("the seal's certificate: {e}"))?;
    let issued = trusted.iter().any(|t| {
        t.verifying_key()
            .and_then(|k| cert.is_signed_by(&k))
            .unwrap_or(false)
    });
    if !issued {
        return Err(format!(
            "the seal's certificate ({}) was not issued by a trusted NCA",
            cert.subject_string()
        ));
    }
    let signature = B64
        .decode(&seal.signature)
        .map_err(|e| format!("the seal's signature: {e}"))?;
    let valid = cert
        .verifying_key()
        .and_then(|k| k.verify_sha256(seal_text(seal.seq, &seal.head).as_bytes(), &signature))
        .unwrap_or(false);
    if !valid {
        return Err("the seal's signature does not verify".into());
    }
    Ok(())
}
