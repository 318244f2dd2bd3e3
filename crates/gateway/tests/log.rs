//! The message log can be proven afterwards: a sound log verifies offline; an altered,
//! removed or re-chained record is named; a record cut short by a crash is dropped on reopen;
//! segments rotate, and past their retention go to the archive without breaking the rest.

use chrono::{Duration, Utc};
use qyzmet_gateway::log::{self, LogConfig, MessageLog, RecordKind};
use qyzmet_gateway::{ParticipantId, SystemKey};
use qyzmet_pki::nca::{Nca, NcaUrls};
use qyzmet_pki::{Cert, KeyType, Organisation};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn tmp() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("qyzmet-gateway-log")
        .join(uuid::Uuid::new_v4().simple().to_string());
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn sealer(dir: &Path) -> (Arc<SystemKey>, Vec<Cert>) {
    let now = Utc::now();
    let mut nca = Nca::init(
        &dir.join("nca"),
        KeyType::EcdsaP256,
        NcaUrls::default(),
        now - Duration::days(1),
    )
    .unwrap();
    let owner = Organisation {
        bin: "080440000008".parse().unwrap(),
        name: "Qyzmet".into(),
    };
    let k = nca
        .issue_system(
            "gateway",
            &owner,
            KeyType::EcdsaP256,
            (now - Duration::hours(1), now + Duration::days(30)),
            now,
        )
        .unwrap();
    (
        Arc::new(SystemKey::new(ParticipantId::new("gateway"), k.key, k.cert).unwrap()),
        vec![nca.issuing().cert.clone()],
    )
}

async fn write(log: &MessageLog, n: usize) {
    for i in 0..n {
        log.append(RecordKind::Message, format!("message {i}").into_bytes())
            .await
            .unwrap();
    }
}

/// The byte offset of record `seq`'s payload in a single-segment log.
fn payload_offset(dir: &Path, seq: u64) -> (PathBuf, usize) {
    let segment = log::segments(dir).unwrap().remove(0);
    let records = log::records(dir).unwrap();
    let mut offset = 0;
    for r in &records {
        if r.seq == seq {
            return (segment, offset + 53);
        }
        offset += 53 + r.payload.len() + 32;
    }
    panic!("no record {seq}");
}

#[tokio::test]
async fn a_sound_log_verifies_and_every_kind_of_tampering_is_named() {
    let dir = tmp();
    let (key, trusted) = sealer(&dir);
    let log_dir = dir.join("log");
    let log = MessageLog::open(LogConfig::new(&log_dir), key.clone()).unwrap();
    write(&log, 10).await;
    log.seal().await.unwrap();
    write(&log, 3).await;
    log.seal().await.unwrap();
    drop(log);
    let report = log::verify(&log_dir, &trusted).unwrap();
    assert_eq!(
        (
            report.records,
            report.messages,
            report.seals,
            report.unsealed
        ),
        (15, 13, 2, 0)
    );
    let pristine = std::fs::read(&log::segments(&log_dir).unwrap()[0]).unwrap();

    // One byte of record 5's payload changed.
    let (segment, at) = payload_offset(&log_dir, 5);
    let mut bytes = pristine.clone();
    bytes[at] ^= 1;
    std::fs::write(&segment, &bytes).unwrap();
    let t = log::verify(&log_dir, &trusted).unwrap_err();
    assert_eq!(t.seq, Some(5), "{t}");
    assert!(t.what.contains("altered"), "{t}");

    // The same change with the record's hash recomputed: the next record no longer chains.
    let records = log::records(&log_dir).unwrap();
    let r = &records[4];
    let new_hash = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update((r.payload.len() as u32).to_le_bytes());
        h.update([r.kind as u8]);
        h.update(r.seq.to_le_bytes());
        h.update(r.at.timestamp_micros().to_le_bytes());
        h.update(r.prev);
        h.update(&r.payload);
        <[u8; 32]>::from(h.finalize())
    };
    let hash_at = at + r.payload.len();
    bytes[hash_at..hash_at + 32].copy_from_slice(&new_hash);
    std::fs::write(&segment, &bytes).unwrap();
    let t = log::verify(&log_dir, &trusted).unwrap_err();
    assert_eq!(t.seq, Some(6), "{t}");
    assert!(t.what.contains("does not chain"), "{t}");

    // Record 5 cut out whole: the sequence has a gap.
    let (_, start5) = payload_offset(&log_dir, 5);
    let (_, start6) = payload_offset(&log_dir, 6);
    let mut cut = pristine.clone();
    cut.drain(start5 - 53..start6 - 53);
    std::fs::write(&segment, &cut).unwrap();
    let t = log::verify(&log_dir, &trusted).unwrap_err();
    assert_eq!(t.seq, Some(6), "{t}");

    // Sealed by a key the NCA did not issue.
    std::fs::write(&segment, &pristine).unwrap();
    let other = tmp();
    let (_, foreign) = sealer(&other);
    let t = log::verify(&log_dir, &foreign).unwrap_err();
    assert_eq!(t.seq, Some(11), "{t}");
    assert!(t.what.contains("not issued by a trusted NCA"), "{t}");
    assert!(log::verify(&log_dir, &trusted).is_ok());
}

#[tokio::test]
async fn a_record_cut_short_by_a_crash_is_dropped_and_the_chain_goes_on() {
    let dir = tmp();
    let (key, trusted) = sealer(&dir);
    let log_dir = dir.join("log");
    let log = MessageLog::open(LogConfig::new(&log_dir), key.clone()).unwrap();
    write(&log, 4).await;
    log.seal().await.unwrap();
    drop(log);
    // Half a record at the end, as a crash in the middle of a write leaves it.
    let segment = log::segments(&log_dir).unwrap().remove(0);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&segment)
        .unwrap();
    std::io::Write::write_all(&mut f, &[7u8; 30]).unwrap();
    drop(f);
    let report = log::verify(&log_dir, &trusted).unwrap();
    assert!(
        report.torn_tail,
        "the offline check sees the torn end: {report:?}"
    );
    let log = MessageLog::open(LogConfig::new(&log_dir), key).unwrap();
    assert_eq!(
        log.last_seq(),
        5,
        "four messages and a seal; the torn record is gone"
    );
    write(&log, 2).await;
    log.seal().await.unwrap();
    drop(log);
    let report = log::verify(&log_dir, &trusted).unwrap();
    assert_eq!((report.records, report.last_seq), (8, 8));
}

#[tokio::test]
async fn segments_rotate_and_old_ones_go_to_the_archive() {
    let dir = tmp();
    let (key, trusted) = sealer(&dir);
    let log_dir = dir.join("log");
    let archive = dir.join("archive");
    let config = LogConfig {
        segment_bytes: 2_000,
        ..LogConfig::new(&log_dir)
    };
    let log = MessageLog::open(config.clone(), key.clone()).unwrap();
    write(&log, 60).await;
    log.seal().await.unwrap();
    drop(log);
    let n = log::segments(&log_dir).unwrap().len();
    assert!(n >= 3, "{n} segments");
    let report = log::verify(&log_dir, &trusted).unwrap();
    assert_eq!(report.messages, 60);
    assert!(!report.continues_archived);

    // Everything closed is past a zero retention: it leaves at the next rotation.
    let config = LogConfig {
        retention: Some(Duration::zero()),
        archive: Some(archive.clone()),
        ..config
    };
    std::thread::sleep(std::time::Duration::from_millis(20));
    let log = MessageLog::open(config, key).unwrap();
    write(&log, 40).await;
    log.seal().await.unwrap();
    drop(log);
    let archived = log::segments(&archive).unwrap().len();
    assert!(archived >= n, "{archived} archived");
    let report = log::verify(&log_dir, &trusted).unwrap();
    assert!(report.continues_archived, "{report:?}");
    // The archive and the log together are the whole chain.
    for s in log::segments(&log_dir).unwrap() {
        std::fs::copy(&s, archive.join(s.file_name().unwrap())).unwrap();
    }
    let whole = log::verify(&archive, &trusted).unwrap();
    assert_eq!((whole.messages, whole.first_seq), (100, 1));
}

/// Seals made by time while messages keep coming (their sync is the sync thread's), and one
/// asked for: each is a seal record in the file, the asked one answered with its own number,
/// and the log verifies with every record sealed.
#[tokio::test]
async fn seals_come_by_time_and_on_request_while_appends_go_on() {
    let dir = tmp();
    let (key, trusted) = sealer(&dir);
    let log_dir = dir.join("log");
    let config = LogConfig {
        seal_every: std::time::Duration::from_millis(20),
        ..LogConfig::new(&log_dir)
    };
    let log = MessageLog::open(config, key).unwrap();
    for _ in 0..10 {
        write(&log, 20).await;
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    write(&log, 5).await;
    let asked = log.seal().await.unwrap();
    drop(log);
    let records = log::records(&log_dir).unwrap();
    let seal = records.iter().find(|r| r.seq == asked).unwrap();
    assert_eq!(seal.kind, RecordKind::Seal);
    assert_eq!(records.last().unwrap().seq, asked);
    let report = log::verify(&log_dir, &trusted).unwrap();
    assert_eq!(report.messages, 205);
    assert!(report.seals >= 5, "{} seals", report.seals);
    assert_eq!(report.unsealed, 0);
}
