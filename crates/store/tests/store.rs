//! The store's behaviour, each test on SQLite and on PostgreSQL.
//!
//! PostgreSQL MUST be running, or the `::postgres` tests fail (by design: CI runs them). Start it
//! with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`; override the
//! URL (default `postgres://postgres@127.0.0.1:5432/test`) with `QYZMET_TEST_POSTGRES_URL`.
//! See `common/mod.rs`.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::*;
use qyzmet_core::regulation::{ChannelKind, Status};
use qyzmet_core::{Lang, Text};
use qyzmet_store::*;
use serde_json::json;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

both!(round_trip, |ctx: Ctx| async move {
    let s = &ctx.store;
    let p = org(s, "ALM-AKIMAT", OrgKind::Provider).await;
    let csc = org(s, "CSC-ALM-1", OrgKind::Csc).await;
    let operator = user(s, "operator1", &[Role::Operator], Some(&csc)).await;
    let mut new = new_request(&p.code, iin(1), t0());
    new.channel = ChannelKind::Csc;
    new.csc = Some(csc.code.clone());
    new.submitted_by = Some(operator.id.clone());
    new.deadline = Some(t0() + Duration::days(5) + Duration::nanoseconds(1_234_567));
    let created = s.create_request(new).await.unwrap();
    assert!(!created.duplicate);
    let r = &created.request.summary;
    assert_eq!(r.number, "ALM-AKIMAT-2025-000001");
    assert_eq!(r.revision, 1);
    assert_eq!(r.provider, p.id);
    assert_eq!(r.csc, Some(csc.id.clone()));
    assert_eq!(r.version, 3);
    // Kept to the microsecond on both databases.
    assert_eq!(
        r.deadline,
        Some(t0() + Duration::days(5) + Duration::microseconds(1_234))
    );
    let loaded = s.load_request(&r.id).await.unwrap();
    assert_eq!(loaded, created.request);
    assert_eq!(s.requests_for_csc(&csc.code).await.unwrap().len(), 1);
    assert!(s.requests_for_csc(&p.code).await.unwrap().is_empty());

    let missing = s.load_request(&RequestId::from("nope")).await.unwrap_err();
    assert!(matches!(
        missing,
        StoreError::NotFound {
            what: "request",
            ..
        }
    ));
    assert_eq!(missing.code(), "store.not_found");
});

both!(
    numbers_unique_and_sequential_under_concurrency,
    |ctx: Ctx| async move {
        let s = &ctx.store;
        org(s, "PROV-A", OrgKind::Provider).await;
        org(s, "PROV-B", OrgKind::Provider).await;
        let tasks: Vec<_> = (0..50u16)
            .map(|i| {
                let s = s.clone();
                let provider = if i % 5 == 0 { "PROV-B" } else { "PROV-A" };
                tokio::spawn(async move {
                    s.create_request(new_request(provider, iin(i), t0()))
                        .await
                        .unwrap()
                        .request
                        .summary
                        .number
                })
            })
            .collect();
        let mut numbers = BTreeSet::new();
        for t in tasks {
            assert!(numbers.insert(t.await.unwrap()), "a number was given twice");
        }
        let expected: BTreeSet<String> = (1..=40)
            .map(|n| format!("PROV-A-2025-{n:06}"))
            .chain((1..=10).map(|n| format!("PROV-B-2025-{n:06}")))
            .collect();
        assert_eq!(numbers, expected);

        // The year is Almaty's: 31 December 19:30 UTC is 1 January 00:30 at UTC+5.
        let new_year = Utc.with_ymd_and_hms(2025, 12, 31, 19, 30, 0).unwrap();
        let c = s
            .create_request(new_request("PROV-A", iin(60), new_year))
            .await
            .unwrap();
        assert_eq!(c.request.summary.number, "PROV-A-2026-000001");
        let c = s
            .create_request(new_request(
                "PROV-A",
                iin(61),
                new_year - Duration::hours(1),
            ))
            .await
            .unwrap();
        assert_eq!(c.request.summary.number, "PROV-A-2025-000041");
    }
);

both!(
    duplicate_submission_returns_the_first,
    |ctx: Ctx| async move {
        let s = &ctx.store;
        org(s, "PROV", OrgKind::Provider).await;
        let who = iin(7);
        let mut first = new_request("PROV", who, t0());
        first.idempotency_key = Some("sha256-of-cms-1".into());
        let a = s.create_request(first.clone()).await.unwrap();
        assert!(!a.duplicate);

        let mut replay = first.clone();
        replay.state = json!({ "different": true });
        replay.attachments = vec![NewAttachment {
            name: "x.pdf".into(),
            media_type: "application/pdf".into(),
            content: vec![1, 2, 3],
        }];
        let b = s.create_request(replay).await.unwrap();
        assert!(b.duplicate);
        assert_eq!(b.request, a.request);
        // Nothing was written: one request, its history, its notice; no attachment; no number used.
        assert_eq!(
            s.requests_for_recipient(&who.into()).await.unwrap().len(),
            1
        );
        assert_eq!(s.history(&a.request.summary.id).await.unwrap().len(), 1);
        assert!(s
            .attachments(&a.request.summary.id)
            .await
            .unwrap()
            .is_empty());
        let next = s
            .create_request(new_request("PROV", iin(8), t0()))
            .await
            .unwrap();
        assert_eq!(next.request.summary.number, "PROV-2025-000002");

        // Ten concurrent copies of one new submission: one request.
        let mut racing = new_request("PROV", iin(9), t0());
        racing.idempotency_key = Some("sha256-of-cms-2".into());
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let s = s.clone();
                let r = racing.clone();
                tokio::spawn(async move { s.create_request(r).await.unwrap() })
            })
            .collect();
        let mut ids = BTreeSet::new();
        let mut firsts = 0;
        for t in tasks {
            let c = t.await.unwrap();
            ids.insert(c.request.summary.id.clone());
            firsts += usize::from(!c.duplicate);
        }
        assert_eq!((ids.len(), firsts), (1, 1));
        assert_eq!(
            s.requests_for_recipient(&iin(9).into())
                .await
                .unwrap()
                .len(),
            1
        );
    }
);

// Many registrations at once: on SQLite the registrar commits them in groups, so this is where
// a group's bookkeeping would show — a number given twice or skipped, a history line or a
// signature written under a neighbour's request, a replay inside one group taken for new, or
// one bad registration failing the good ones around it.
both!(
    concurrent_registrations_are_written_whole_and_apart,
    |ctx: Ctx| async move {
        let s = &ctx.store;
        org(s, "PROV", OrgKind::Provider).await;
        let tasks: Vec<_> = (0..240u16)
            .map(|i| {
                let s = s.clone();
                let mut new =
                    new_request(if i % 40 == 7 { "NO-SUCH" } else { "PROV" }, iin(i), t0());
                new.history.push(NewHistoryEntry {
                    at: t0() + Duration::seconds(1),
                    event: json!({ "event": "second", "of": i }),
                });
                new.signature = Some(NewSignature {
                    purpose: SignaturePurpose::Request,
                    signer: iin(i).into(),
                    signer_user: None,
                    cms: i.to_be_bytes().to_vec(),
                    signed_at: t0(),
                });
                // Every tenth shares its key with the other tenths of its block of 60.
                new.idempotency_key = Some(if i % 10 == 3 {
                    format!("shared-{}", i / 60)
                } else {
                    format!("own-{i}")
                });
                tokio::spawn(async move { (i, s.create_request(new).await) })
            })
            .collect();
        let mut numbers = BTreeSet::new();
        let mut firsts_of_shared = std::collections::BTreeMap::new();
        for t in tasks {
            let (i, result) = t.await.unwrap();
            if i % 40 == 7 {
                let e = result.unwrap_err();
                assert_eq!(e.code(), "store.not_found", "{i}: {e}");
                continue;
            }
            let c = result.unwrap();
            let r = &c.request.summary;
            if i % 10 == 3 {
                let first = firsts_of_shared
                    .entry(i / 60)
                    .or_insert_with(|| r.id.clone());
                assert_eq!(&r.id, first, "{i}: one request per key");
                if c.duplicate {
                    continue;
                }
            } else {
                assert!(!c.duplicate, "{i}");
            }
            assert!(numbers.insert(r.number.clone()), "{} given twice", r.number);
            assert_eq!(r.recipient, Party::from(iin(i)), "{i}");
            let history = s.history(&r.id).await.unwrap();
            assert_eq!(history.iter().map(|h| h.seq).collect::<Vec<_>>(), [1, 2]);
            assert_eq!(history[1].event, json!({ "event": "second", "of": i }));
            let signatures = s.signatures(&r.id).await.unwrap();
            assert_eq!(signatures.len(), 1, "{i}");
            assert_eq!(signatures[0].cms, i.to_be_bytes().to_vec(), "{i}");
            assert_eq!(s.load_request(&r.id).await.unwrap(), c.request);
        }
        // 240 less 6 for the unknown provider, less the replays: 24 sharers in 4 keys.
        assert_eq!(firsts_of_shared.len(), 4);
        let fresh = 240 - 6 - 24 + 4;
        let expected: BTreeSet<String> = (1..=fresh).map(|n| format!("PROV-2025-{n:06}")).collect();
        assert_eq!(numbers, expected, "gap-free, each once");
    }
);

both!(
    stale_revision_is_a_conflict_and_changes_nothing,
    |ctx: Ctx| async move {
        let s = &ctx.store;
        org(s, "PROV", OrgKind::Provider).await;
        let recipient = user(s, &iin(1).to_string(), &[Role::Recipient], None).await;
        let c = s
            .create_request(new_request("PROV", iin(1), t0()))
            .await
            .unwrap();
        let id = c.request.summary.id.clone();

        let t1 = t0() + Duration::hours(1);
        let mut u = update(t1, Status::InWork, &["taken"]);
        u.deadline = Some(t1 + Duration::days(3));
        let after = s.update_request(&id, 1, u).await.unwrap();
        assert_eq!(after.summary.revision, 2);
        assert_eq!(after.summary.status, Status::InWork);
        assert_eq!(after.summary.updated_at, t1);
        assert_eq!(after.summary.created_at, t0());

        let mut stale = update(t1 + Duration::hours(1), Status::Refused, &["refused"]);
        stale.notifications = vec![NewNotification {
            to: NotifyTo::Recipient,
            status: Some(Status::Refused),
            text: text("refused"),
        }];
        stale.attachments = vec![NewAttachment {
            name: "r.pdf".into(),
            media_type: "application/pdf".into(),
            content: b"result".to_vec(),
        }];
        let err = s.update_request(&id, 1, stale).await.unwrap_err();
        match &err {
            StoreError::Conflict {
                request,
                expected,
                actual,
            } => assert_eq!((request, *expected, *actual), (&id, 1, 2)),
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(err.code(), "store.conflict");
        assert_eq!(s.load_request(&id).await.unwrap(), after);
        assert_eq!(s.history(&id).await.unwrap().len(), 2);
        assert!(s.attachments(&id).await.unwrap().is_empty());
        assert_eq!(s.notifications_for(&recipient.id).await.unwrap().len(), 1);

        // Two writers from the same revision: exactly one wins.
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let s = s.clone();
                let id = id.clone();
                tokio::spawn(async move {
                    s.update_request(&id, 2, update(t1, Status::Completed, &[&format!("w{i}")]))
                        .await
                })
            })
            .collect();
        let mut wins = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(r) => {
                    wins += 1;
                    assert_eq!(r.summary.revision, 3);
                }
                Err(StoreError::Conflict { actual: 3, .. }) => {}
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(wins, 1);
        assert_eq!(s.history(&id).await.unwrap().len(), 3);

        let missing = s
            .update_request(&RequestId::from("nope"), 1, update(t1, Status::InWork, &[]))
            .await
            .unwrap_err();
        assert!(matches!(missing, StoreError::NotFound { .. }));
    }
);

both!(history_is_append_only_in_order, |ctx: Ctx| async move {
    let s = &ctx.store;
    org(s, "PROV", OrgKind::Provider).await;
    let mut new = new_request("PROV", iin(1), t0());
    new.history.push(NewHistoryEntry {
        at: t0(),
        event: json!({ "event": "action_started", "action": 3 }),
    });
    let id = s.create_request(new).await.unwrap().request.summary.id;
    s.update_request(
        &id,
        1,
        update(
            t0() + Duration::minutes(1),
            Status::InWork,
            &["a", "b", "c"],
        ),
    )
    .await
    .unwrap();
    s.update_request(
        &id,
        2,
        update(t0() + Duration::minutes(2), Status::Completed, &["d"]),
    )
    .await
    .unwrap();
    let h = s.history(&id).await.unwrap();
    assert_eq!(
        h.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );
    assert_eq!(h[0].event["event"], "status_changed");
    assert_eq!(h[1].event["action"], 3);
    let tail: Vec<_> = h[2..].iter().map(|e| e.event["event"].clone()).collect();
    assert_eq!(tail, [json!("a"), json!("b"), json!("c"), json!("d")]);
    assert_eq!(h[5].at, t0() + Duration::minutes(2));
    assert!(matches!(
        s.history(&RequestId::from("nope")).await,
        Err(StoreError::NotFound { .. })
    ));

    // The database itself refuses to rewrite history.
    let update_sql = "UPDATE history SET event = event WHERE seq = 1";
    let delete_sql = "DELETE FROM history";
    match ctx.backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&ctx.url).await.unwrap();
            for sql in [update_sql, delete_sql] {
                let e = sqlx::query(sql).execute(&pool).await.unwrap_err();
                assert!(e.to_string().contains("append-only"), "{e}");
            }
            pool.close().await;
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&ctx.url).await.unwrap();
            for sql in [update_sql, delete_sql] {
                let e = sqlx::query(sql).execute(&pool).await.unwrap_err();
                assert!(e.to_string().contains("append-only"), "{e}");
            }
            pool.close().await;
        }
    }
    assert_eq!(s.history(&id).await.unwrap(), h);
});

both!(attachments_hashed_and_limited, |ctx: Ctx| async move {
    let s = Store::open_with(
        &ctx.url,
        StoreOptions {
            max_attachment_bytes: 1024,
            ..StoreOptions::default()
        },
    )
    .await
    .unwrap();
    org(&s, "PROV", OrgKind::Provider).await;
    let big = NewAttachment {
        name: "scan.pdf".into(),
        media_type: "application/pdf".into(),
        content: vec![7; 1025],
    };
    let mut new = new_request("PROV", iin(1), t0());
    new.attachments = vec![big.clone()];
    let err = s.create_request(new).await.unwrap_err();
    match &err {
        StoreError::TooLarge { name, size, limit } => {
            assert_eq!((name.as_str(), *size, *limit), ("scan.pdf", 1025, 1024))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.code(), "store.too_large");
    assert!(s
        .requests_for_recipient(&iin(1).into())
        .await
        .unwrap()
        .is_empty());

    let mut new = new_request("PROV", iin(1), t0());
    new.attachments = vec![
        NewAttachment {
            name: "abc.txt".into(),
            media_type: "text/plain".into(),
            content: b"abc".to_vec(),
        },
        NewAttachment {
            content: vec![7; 1024],
            ..big.clone()
        },
    ];
    let id = s.create_request(new).await.unwrap().request.summary.id;
    // The first request number was not used by the refused one.
    assert_eq!(
        s.load_request(&id).await.unwrap().summary.number,
        "PROV-2025-000001"
    );
    let infos = s.attachments(&id).await.unwrap();
    assert_eq!(infos.len(), 2);
    let abc = infos.iter().find(|a| a.name == "abc.txt").unwrap();
    assert_eq!(abc.size, 3);
    assert_eq!(
        abc.sha256,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let full = s.attachment(&abc.id).await.unwrap();
    assert_eq!(full.content, b"abc");
    assert_eq!(&full.info, abc);
    assert!(matches!(
        s.attachment(&AttachmentId::from("nope")).await,
        Err(StoreError::NotFound { .. })
    ));

    // Too large in an update: nothing changes, not even the revision.
    let mut u = update(t0(), Status::Completed, &["done"]);
    u.attachments = vec![big];
    assert!(matches!(
        s.update_request(&id, 1, u).await,
        Err(StoreError::TooLarge { .. })
    ));
    assert_eq!(s.load_request(&id).await.unwrap().summary.revision, 1);
    s.close().await;
});

both!(recipient_sees_only_own_requests, |ctx: Ctx| async move {
    let s = &ctx.store;
    org(s, "PROV", OrgKind::Provider).await;
    let (a, b) = (iin(1), iin(2));
    for i in 0..3 {
        s.create_request(new_request("PROV", a, t0() + Duration::minutes(i)))
            .await
            .unwrap();
    }
    s.create_request(new_request("PROV", b, t0()))
        .await
        .unwrap();
    s.create_request(new_request("PROV", bin(), t0()))
        .await
        .unwrap();

    let mine = s.requests_for_recipient(&a.into()).await.unwrap();
    assert_eq!(mine.len(), 3);
    assert!(mine.iter().all(|r| r.recipient == Party::Iin(a)));
    // Newest first.
    assert!(mine.windows(2).all(|w| w[0].created_at > w[1].created_at));
    let theirs = s.requests_for_recipient(&b.into()).await.unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].recipient, Party::Iin(b));
    let company = s.requests_for_recipient(&bin().into()).await.unwrap();
    assert_eq!(company.len(), 1);
    assert_eq!(company[0].recipient, Party::Bin(bin()));
    assert!(s
        .requests_for_recipient(&iin(3).into())
        .await
        .unwrap()
        .is_empty());
});

both!(provider_queue_overdue_first, |ctx: Ctx| async move {
    let s = &ctx.store;
    org(s, "PROV", OrgKind::Provider).await;
    org(s, "OTHER", OrgKind::Provider).await;
    let now = t0() + Duration::days(10);
    // (deadline offset in hours from now, status)
    let plan: [(Option<i64>, Status); 6] = [
        (Some(72), Status::InWork),
        (Some(-24), Status::InWork),
        (None, Status::Received),
        (Some(-48), Status::Received),
        (Some(24), Status::Received),
        (Some(-100), Status::Completed),
    ];
    let mut numbers = Vec::new();
    for (i, (offset, status)) in plan.iter().enumerate() {
        let mut new = new_request("PROV", iin(i as u16), t0() + Duration::minutes(i as i64));
        new.deadline = offset.map(|h| now + Duration::hours(h));
        new.status = *status;
        numbers.push(s.create_request(new).await.unwrap().request.summary.number);
    }
    let mut other = new_request("OTHER", iin(50), t0());
    other.deadline = Some(now - Duration::days(30));
    s.create_request(other).await.unwrap();

    let names = |q: Vec<RequestSummary>| q.into_iter().map(|r| r.number).collect::<Vec<_>>();
    let all = s
        .requests_for_provider("PROV", &QueueFilter::default())
        .await
        .unwrap();
    assert!(all[0].overdue_at(now) && !all[3].overdue_at(now));
    assert_eq!(
        names(all),
        [5, 3, 1, 4, 0, 2].map(|i| numbers[i].clone()).to_vec()
    );
    let open = QueueFilter {
        statuses: vec![Status::Received, Status::InWork],
        ..QueueFilter::default()
    };
    assert_eq!(
        names(s.requests_for_provider("PROV", &open).await.unwrap()),
        [3, 1, 4, 0, 2].map(|i| numbers[i].clone()).to_vec()
    );
    let overdue = QueueFilter {
        overdue_at: Some(now),
        limit: Some(2),
        ..open.clone()
    };
    assert_eq!(
        names(s.requests_for_provider("PROV", &overdue).await.unwrap()),
        [3, 1].map(|i| numbers[i].clone()).to_vec()
    );
    let received = QueueFilter {
        statuses: vec![Status::Received],
        ..QueueFilter::default()
    };
    assert_eq!(
        names(s.requests_for_provider("PROV", &received).await.unwrap()),
        [3, 4, 2].map(|i| numbers[i].clone()).to_vec()
    );
    assert!(s
        .requests_for_provider("NOBODY", &QueueFilter::default())
        .await
        .unwrap()
        .is_empty());
});

both!(notifications_per_user, |ctx: Ctx| async move {
    let s = &ctx.store;
    org(s, "PROV", OrgKind::Provider).await;
    let csc = org(s, "CSC", OrgKind::Csc).await;
    let other_csc = org(s, "CSC2", OrgKind::Csc).await;
    let a = user(s, &iin(1).to_string(), &[Role::Recipient], None).await;
    let b = user(s, &iin(2).to_string(), &[Role::Recipient], None).await;
    let operator = user(s, "op", &[Role::Operator], Some(&csc)).await;
    let stranger = user(s, "op2", &[Role::Operator], Some(&other_csc)).await;

    let mut new = new_request("PROV", iin(1), t0());
    new.channel = ChannelKind::Csc;
    new.csc = Some("CSC".into());
    new.notifications.push(NewNotification {
        to: NotifyTo::Organisation(csc.id.clone()),
        status: Some(Status::Received),
        text: text("csc: received"),
    });
    let id = s.create_request(new).await.unwrap().request.summary.id;
    let mut u = update(t0() + Duration::hours(1), Status::Completed, &["done"]);
    u.notifications = vec![
        NewNotification {
            to: NotifyTo::Recipient,
            status: Some(Status::Completed),
            text: text("completed"),
        },
        NewNotification {
            to: NotifyTo::User(b.id.clone()),
            status: None,
            text: text("for b only"),
        },
    ];
    s.update_request(&id, 1, u).await.unwrap();

    let na = s.notifications_for(&a.id).await.unwrap();
    assert_eq!(
        na.iter().map(|n| n.text.en.as_str()).collect::<Vec<_>>(),
        ["completed (en)", "received (en)"]
    );
    assert_eq!(na[0].request, Some(id.clone()));
    assert_eq!(na[0].status, Some(Status::Completed));
    assert_eq!(na[0].created_at, t0() + Duration::hours(1));
    assert!(na.iter().all(|n| !n.read));
    let nb = s.notifications_for(&b.id).await.unwrap();
    assert_eq!(nb.len(), 1);
    assert_eq!(nb[0].text.kk, "for b only (kk)");
    assert_eq!(nb[0].status, None);
    let nop = s.notifications_for(&operator.id).await.unwrap();
    assert_eq!(nop.len(), 1);
    assert_eq!(nop[0].text.ru, "csc: received (ru)");
    assert!(s.notifications_for(&stranger.id).await.unwrap().is_empty());

    // Only the one a notice is for can mark it read.
    let e = s.mark_read(&b.id, na[0].id).await.unwrap_err();
    assert!(matches!(
        e,
        StoreError::NotFound {
            what: "notification",
            ..
        }
    ));
    assert!(!s.notifications_for(&a.id).await.unwrap()[0].read);
    s.mark_read(&a.id, na[0].id).await.unwrap();
    let na = s.notifications_for(&a.id).await.unwrap();
    assert!(na[0].read && !na[1].read);
    s.mark_read(&operator.id, nop[0].id).await.unwrap();

    // A recipient who registers later finds the notices of their cabinet.
    s.create_request(new_request("PROV", iin(3), t0()))
        .await
        .unwrap();
    let late = user(s, &iin(3).to_string(), &[Role::Recipient], None).await;
    assert_eq!(s.notifications_for(&late.id).await.unwrap().len(), 1);
});

both!(users_and_organisations, |ctx: Ctx| async move {
    let s = &ctx.store;
    let p = s
        .create_organisation(NewOrganisation {
            code: "PROV".into(),
            kind: OrgKind::Provider,
            name: text("Akimat"),
            bin: Some(bin()),
        })
        .await
        .unwrap();
    assert_eq!(s.organisation(&p.id).await.unwrap(), p);
    assert_eq!(
        s.organisation_by_code("PROV").await.unwrap(),
        Some(p.clone())
    );
    assert_eq!(s.organisation_by_code("NONE").await.unwrap(), None);
    let e = s
        .create_organisation(NewOrganisation {
            code: "PROV".into(),
            kind: OrgKind::Csc,
            name: text("again"),
            bin: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::DuplicateOrganisation(ref c) if c == "PROV"));
    let csc = org(s, "CSC", OrgKind::Csc).await;
    assert_eq!(s.organisations().await.unwrap(), [csc.clone(), p.clone()]);

    let head = user(
        s,
        "head",
        &[Role::Signer, Role::Head, Role::Employee, Role::Head],
        Some(&p),
    )
    .await;
    assert_eq!(head.roles, [Role::Employee, Role::Signer, Role::Head]);
    let found = s.user_by_login("head").await.unwrap().unwrap();
    assert_eq!(found, head);
    assert_eq!(format!("{:?}", found.password_hash), "PasswordHash(…)");
    assert_eq!(s.user(&head.id).await.unwrap(), head);
    assert_eq!(s.user_by_login("nobody").await.unwrap(), None);
    let e = s
        .create_user(NewUser {
            login: "head".into(),
            password_hash: PasswordHash("x".into()),
            full_name: "Another".into(),
            organisation: None,
            roles: vec![Role::Recipient],
            language: Lang::Ru,
            iin: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::DuplicateLogin(ref l) if l == "head"));
    assert_eq!(e.code(), "store.duplicate_login");

    s.set_password_hash(&head.id, PasswordHash("$argon2id$new".into()))
        .await
        .unwrap();
    s.set_language(&head.id, Lang::En).await.unwrap();
    let changed = s.user(&head.id).await.unwrap();
    assert_eq!(changed.password_hash.0, "$argon2id$new");
    assert_eq!(changed.language, Lang::En);
    assert!(matches!(
        s.set_language(&UserId::from("nope"), Lang::Ru).await,
        Err(StoreError::NotFound { .. })
    ));
    let monitor = user(s, "monitor", &[Role::Monitor], Some(&p)).await;
    let staff = s.users_of_organisation(&p.id).await.unwrap();
    assert_eq!(
        staff.iter().map(|u| u.id.clone()).collect::<Vec<_>>(),
        [head.id.clone(), monitor.id.clone()]
    );

    // Requests name existing organisations of the right kind.
    let e = s
        .create_request(new_request("NONE", iin(1), t0()))
        .await
        .unwrap_err();
    assert!(matches!(
        e,
        StoreError::NotFound {
            what: "organisation",
            ..
        }
    ));
    let e = s
        .create_request(new_request("CSC", iin(1), t0()))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    let mut new = new_request("PROV", iin(1), t0());
    new.csc = Some("PROV".into());
    assert!(matches!(
        s.create_request(new).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(s
        .requests_for_recipient(&iin(1).into())
        .await
        .unwrap()
        .is_empty());
});

both!(many_lines_in_one_transaction, |ctx: Ctx| async move {
    // More history lines, notices and signatures than one multi-row INSERT takes (100): they
    // are all written, numbered and ordered as given.
    let s = &ctx.store;
    org(s, "PROV", OrgKind::Provider).await;
    let csc = org(s, "CSC", OrgKind::Csc).await;
    let a = user(s, &iin(1).to_string(), &[Role::Recipient], None).await;
    let op = user(s, "op", &[Role::Operator], Some(&csc)).await;
    let lines = |n: usize, from: usize| -> Vec<NewHistoryEntry> {
        (0..n)
            .map(|k| NewHistoryEntry {
                at: t0() + Duration::milliseconds((from + k) as i64),
                event: json!({ "event": "line", "k": from + k }),
            })
            .collect()
    };
    let mut new = new_request("PROV", iin(1), t0());
    new.history = lines(250, 0);
    new.notifications = (0..130)
        .map(|k| NewNotification {
            to: if k % 2 == 0 {
                NotifyTo::Recipient
            } else {
                NotifyTo::Organisation(csc.id.clone())
            },
            status: (k % 3 == 0).then_some(Status::Received),
            text: text(&format!("n{k}")),
        })
        .collect();
    let id = s.create_request(new).await.unwrap().request.summary.id;
    let mut u = update(t0() + Duration::hours(1), Status::InWork, &[]);
    u.history = lines(101, 250);
    u.signatures = (0..102)
        .map(|k| NewSignature {
            purpose: SignaturePurpose::Result,
            signer: iin(2).into(),
            signer_user: None,
            cms: vec![0x30, k as u8],
            signed_at: t0(),
        })
        .collect();
    s.update_request(&id, 1, u).await.unwrap();

    let h = s.history(&id).await.unwrap();
    assert_eq!(h.len(), 351);
    for (i, line) in h.iter().enumerate() {
        assert_eq!(line.seq, i as i64 + 1);
        assert_eq!(line.event["k"], i);
        assert_eq!(line.at, t0() + Duration::milliseconds(i as i64));
    }
    // Newest first: the last one written leads.
    let texts = |ns: Vec<Notification>| ns.into_iter().map(|n| n.text.en).collect::<Vec<_>>();
    let mine = s.notifications_for(&a.id).await.unwrap();
    assert_eq!(mine.len(), 65);
    assert!(mine
        .iter()
        .all(|n| n.request == Some(id.clone()) && n.created_at == t0()));
    assert_eq!(mine[0].status, None); // n128
    assert_eq!(mine[64].status, Some(Status::Received)); // n0
    assert_eq!(
        texts(mine),
        (0..130)
            .step_by(2)
            .rev()
            .map(|k| format!("n{k} (en)"))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        texts(s.notifications_for(&op.id).await.unwrap()),
        (1..130)
            .step_by(2)
            .rev()
            .map(|k| format!("n{k} (en)"))
            .collect::<Vec<_>>()
    );
    let sigs = s.signatures(&id).await.unwrap();
    assert_eq!(
        sigs.iter().map(|s| s.cms[1]).collect::<Vec<_>>(),
        (0..102u8).collect::<Vec<_>>()
    );

    // A statement failing after whole chunks went in (a notice for a user who does not exist)
    // takes the whole registration back with it: no request, no lines, no number used.
    let mut bad = new_request("PROV", iin(5), t0());
    bad.history = lines(150, 0);
    bad.notifications.push(NewNotification {
        to: NotifyTo::User(UserId::from("nobody")),
        status: None,
        text: text("lost"),
    });
    assert!(matches!(
        s.create_request(bad).await,
        Err(StoreError::Database(_))
    ));
    assert!(s
        .requests_for_recipient(&iin(5).into())
        .await
        .unwrap()
        .is_empty());
    let next = s
        .create_request(new_request("PROV", iin(5), t0()))
        .await
        .unwrap()
        .request
        .summary;
    assert_eq!(next.number, "PROV-2025-000002");
    assert_eq!(s.history(&next.id).await.unwrap().len(), 1);
});

both!(organisations_found_later, |ctx: Ctx| async move {
    // An unknown code is not remembered as unknown: once the organisation exists, it serves.
    let s = &ctx.store;
    let e = s
        .create_request(new_request("LATER", iin(1), t0()))
        .await
        .unwrap_err();
    assert!(matches!(
        e,
        StoreError::NotFound {
            what: "organisation",
            ..
        }
    ));
    let p = org(s, "LATER", OrgKind::Provider).await;
    let csc = org(s, "CSC", OrgKind::Csc).await;
    for n in 1..=3 {
        let mut new = new_request("LATER", iin(n), t0());
        new.csc = Some("CSC".into());
        let r = s.create_request(new).await.unwrap().request.summary;
        assert_eq!(r.number, format!("LATER-2025-{n:06}"));
        assert_eq!((r.provider, r.csc), (p.id.clone(), Some(csc.id.clone())));
        // Known organisations still have to be of the right kind.
        let mut wrong = new_request("CSC", iin(n), t0());
        wrong.csc = Some("LATER".into());
        assert!(matches!(
            s.create_request(wrong).await,
            Err(StoreError::Invalid(_))
        ));
        let mut wrong = new_request("LATER", iin(n), t0());
        wrong.csc = Some("LATER".into());
        assert!(matches!(
            s.create_request(wrong).await,
            Err(StoreError::Invalid(_))
        ));
    }
    // A second store on the same database reads them afresh.
    let other = Store::open(&ctx.url).await.unwrap();
    let r = other
        .create_request(new_request("LATER", iin(9), t0()))
        .await
        .unwrap();
    assert_eq!(r.request.summary.number, "LATER-2025-000004");
    other.close().await;
});

both!(signatures_and_answers, |ctx: Ctx| async move {
    let s = &ctx.store;
    let p = org(s, "PROV", OrgKind::Provider).await;
    let employee = user(s, "emp", &[Role::Employee, Role::Signer], Some(&p)).await;
    let mut new = new_request("PROV", iin(1), t0());
    new.signature = Some(NewSignature {
        purpose: SignaturePurpose::Request,
        signer: iin(1).into(),
        signer_user: None,
        cms: vec![0x30, 0x82, 0x01],
        signed_at: t0(),
    });
    let id = s.create_request(new).await.unwrap().request.summary.id;
    let mut u = update(t0() + Duration::days(1), Status::Completed, &["signed"]);
    u.signatures = vec![NewSignature {
        purpose: SignaturePurpose::Result,
        signer: iin(2).into(),
        signer_user: Some(employee.id.clone()),
        cms: vec![0x30, 0x82, 0x02],
        signed_at: t0() + Duration::days(1),
    }];
    s.update_request(&id, 1, u).await.unwrap();
    let sigs = s.signatures(&id).await.unwrap();
    assert_eq!(sigs.len(), 2);
    assert_eq!(
        (sigs[0].purpose, sigs[0].signer, sigs[0].cms.clone()),
        (
            SignaturePurpose::Request,
            Party::Iin(iin(1)),
            vec![0x30, 0x82, 0x01]
        )
    );
    assert_eq!(sigs[1].purpose, SignaturePurpose::Result);
    assert_eq!(sigs[1].signer_user, Some(employee.id.clone()));
    assert_eq!(sigs[1].signed_at, t0() + Duration::days(1));

    assert_eq!(s.answers(&id).await.unwrap(), None);
    let answers = json!({ "satisfied": 5, "comment": "рахмет" });
    s.save_answers(&id, &answers, t0()).await.unwrap();
    assert_eq!(s.answers(&id).await.unwrap(), Some(answers.clone()));
    let all = s.all_answers(None).await.unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].2, answers);
    let provider = all[0].0.clone();
    assert_eq!(s.all_answers(Some(&provider)).await.unwrap().len(), 1);
    assert!(s
        .all_answers(Some("another-provider"))
        .await
        .unwrap()
        .is_empty());
    let e = s.save_answers(&id, &json!({}), t0()).await.unwrap_err();
    assert!(matches!(e, StoreError::AlreadyAnswered(_)));
    let e = s
        .save_answers(&RequestId::from("nope"), &json!({}), t0())
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }));
});

#[tokio::test]
async fn unsupported_url_is_refused() {
    let e = Store::open("mysql://localhost/x").await.unwrap_err();
    assert!(matches!(e, StoreError::UnsupportedUrl(_)));
}

// ----- the write-ahead log -----

/// The SQLite log is copied back into the database by the checkpointer long before the writer
/// would do it itself (at 4,000 pages), and the log restarts instead of growing with the data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_log_is_copied_back_and_stays_bounded() {
    let db = Db::fresh(Backend::Sqlite).await;
    let store = db.open().await;
    org(&store, "WAL", OrgKind::Provider).await;
    let path = db.url.strip_prefix("sqlite://").unwrap().to_string();
    let size = |suffix: &str| {
        std::fs::metadata(format!("{path}{suffix}"))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    let padded = |i: u32| {
        let mut new = new_request("WAL", iin((i % 5000) as u16), t0());
        new.state = json!({ "pad": "x".repeat(32 * 1024) });
        new
    };
    // 20 requests of 32 KiB: some 160 pages, far below the writer's own checkpoint.
    for i in 0..20 {
        store.create_request(padded(i)).await.unwrap();
    }
    let copied = 20 * 32 * 1024;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while size("") < copied && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        size("") >= copied,
        "the database file holds {} bytes: the log was not copied back",
        size("")
    );
    // 100 MiB more: without restarts the log would be as large.
    for i in 20..3_200 {
        store.create_request(padded(i)).await.unwrap();
    }
    assert!(
        size("-wal") < 48 << 20,
        "the log grew to {} bytes",
        size("-wal")
    );
    store.close().await;
    db.drop().await;
}

// ----- durability across kill -9 -----

const CHILD_URL: &str = "QYZMET_STORE_CHILD_URL";

/// Not a test on its own: run by `killed_right_after_ack` as a separate process (it does nothing
/// without the variable). It registers a request, prints `acked <id>` once the commit returned,
/// and keeps registering more until it is killed.
#[tokio::test]
async fn durability_child() {
    let Ok(url) = std::env::var(CHILD_URL) else {
        return;
    };
    let store = Store::open(&url).await.unwrap();
    let c = store
        .create_request(new_request("KILL", iin(1), t0()))
        .await
        .unwrap();
    println!("acked {}", c.request.summary.id);
    std::io::stdout().flush().unwrap();
    for i in 2u32.. {
        store
            .create_request(new_request("KILL", iin((i % 5000) as u16), t0()))
            .await
            .unwrap();
    }
}

both!(killed_right_after_ack, |ctx: Ctx| async move {
    org(&ctx.store, "KILL", OrgKind::Provider).await;
    ctx.store.close().await;
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "durability_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_URL, &ctx.url)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let id = loop {
        match lines.next() {
            Some(Ok(line)) => {
                // libtest's "test durability_child ... " precedes it on the same line.
                if let Some((_, id)) = line.split_once("acked ") {
                    break RequestId::from(id.trim());
                }
            }
            _ => {
                let status = child.wait().unwrap();
                panic!("the child ended ({status}) without acknowledging a request");
            }
        }
    };
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let store = Store::open(&ctx.url).await.unwrap();
    let r = store.load_request(&id).await.unwrap();
    assert_eq!(r.summary.number, "KILL-2025-000001");
    assert_eq!(store.history(&id).await.unwrap().len(), 1);
    // Whatever else got in before the kill is whole: numbers 1..=n without gaps.
    let all = store
        .requests_for_provider("KILL", &QueueFilter::default())
        .await
        .unwrap();
    let mut numbers: Vec<_> = all.iter().map(|r| r.number.clone()).collect();
    numbers.sort();
    let expected: Vec<_> = (1..=all.len())
        .map(|n| format!("KILL-2025-{n:06}"))
        .collect();
    assert_eq!(numbers, expected);
    // And the store still takes requests.
    let next = store
        .create_request(new_request("KILL", iin(4999), t0()))
        .await
        .unwrap();
    assert_eq!(
        next.request.summary.number,
        format!("KILL-2025-{:06}", all.len() + 1)
    );
    store.close().await;
});

/// Figures for the performance section, not a check: registrations per second on SQLite
/// from 64 concurrent tasks, each shaped like a real signed submission — a 1 KiB engine state,
/// a 2 KiB CMS, an idempotency key, 12 history lines (the engine writes 10–15 while it takes a
/// filing through its first steps) and 2 notices (the recipient's cabinet and the provider) —
/// and the file's size per request. Run it with
/// `cargo test --release -p qyzmet-store --test store -- --ignored --nocapture throughput`
/// (`QYZMET_PERF_TOTAL` and `QYZMET_PERF_TASKS` change the count and the concurrency).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn throughput_sqlite() {
    let db = Db::fresh(Backend::Sqlite).await;
    let store = db.open().await;
    let provider = org(&store, "PERF", OrgKind::Provider).await;
    let env = |k: &str, d: u32| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let total = env("QYZMET_PERF_TOTAL", 20_000);
    let tasks = env("QYZMET_PERF_TASKS", 64);
    let started = std::time::Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            let s = store.clone();
            let provider = provider.id.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for i in (t..total).step_by(tasks as usize) {
                    let mut new = new_request("PERF", iin((i % 5000) as u16), t0());
                    new.state = json!({ "pad": "x".repeat(1024) });
                    new.history = (0..12)
                        .map(|k| NewHistoryEntry {
                            at: t0() + Duration::milliseconds(k),
                            event: json!({ "event": "action_started", "action": k, "by": "engine" }),
                        })
                        .collect();
                    new.notifications.push(NewNotification {
                        to: NotifyTo::Organisation(provider.clone()),
                        status: Some(Status::Received),
                        text: text("a new filing"),
                    });
                    assert_eq!((new.history.len(), new.notifications.len()), (12, 2));
                    new.signature = Some(NewSignature {
                        purpose: SignaturePurpose::Request,
                        signer: iin(1).into(),
                        signer_user: None,
                        cms: vec![0x30; 2048],
                        signed_at: t0(),
                    });
                    new.idempotency_key = Some(format!("{i:064}"));
                    let t = std::time::Instant::now();
                    s.create_request(new).await.unwrap();
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for h in handles {
        latencies.extend(h.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let p = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    store.close().await;
    let path = db.url.trim_start_matches("sqlite://").to_string();
    let size: u64 = ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{path}{s}")).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "{total} registrations in {elapsed:.2?}: {:.0}/s, p50 {:?}, p99 {:?}; {} bytes per request",
        f64::from(total) / elapsed.as_secs_f64(),
        p(0.5),
        p(0.99),
        size / u64::from(total)
    );
    db.drop().await;
}

both!(
    notices_leave_in_order_and_are_taken_once,
    |ctx: Ctx| async move {
        let s = &ctx.store;
        org(s, "PROV", OrgKind::Provider).await;
        let csc = org(s, "CSC", OrgKind::Csc).await;
        let a = s
            .create_request(new_request("PROV", iin(1), t0()))
            .await
            .unwrap()
            .request
            .summary;
        let mut u = update(t0() + Duration::hours(1), Status::Completed, &["done"]);
        u.notifications = vec![
            NewNotification {
                to: NotifyTo::Recipient,
                status: Some(Status::Completed),
                text: text("completed"),
            },
            NewNotification {
                to: NotifyTo::Organisation(csc.id.clone()),
                status: None,
                text: text("for the csc"),
            },
        ];
        s.update_request(&a.id, 1, u).await.unwrap();
        let b = s
            .create_request(new_request("PROV", iin(2), t0()))
            .await
            .unwrap()
            .request
            .summary;
        let now = Utc::now();
        let ids = |v: &[OutgoingNotice]| {
            v.iter()
                .map(|n| (n.request.clone().unwrap(), n.text.en.clone()))
                .collect::<Vec<_>>()
        };
        let due = s.notices_due(now, 100).await.unwrap();
        // One at a time per request: a's later notices wait behind its first.
        assert_eq!(
            ids(&due),
            [
                (a.id.clone(), "received (en)".into()),
                (b.id.clone(), "received (en)".into())
            ]
        );
        let (a1, b1) = (due[0].clone(), due[1].clone());
        assert_eq!(a1.to, NoticeAddress::Recipient(iin(1).to_string()));
        assert_eq!(a1.number.as_deref(), Some(a.number.as_str()));
        assert!(!a1.message_id.is_empty() && a1.message_id != b1.message_id);

        // A failure puts it off; what comes after it in its request still waits.
        s.notice_failed(
            a1.id,
            "the portal is down",
            Some(now + Duration::minutes(1)),
        )
        .await
        .unwrap();
        assert_eq!(
            ids(&s.notices_due(now, 100).await.unwrap()),
            [(b.id.clone(), "received (en)".into())]
        );
        let later = now + Duration::minutes(2);
        let again = s.notices_due(later, 100).await.unwrap();
        assert_eq!(
            (again[0].id, again[0].attempts, again[0].delivery.as_str()),
            (a1.id, 1, "not_delivered")
        );
        assert_eq!(
            again[0].message_id, a1.message_id,
            "the same message id on every attempt"
        );

        s.notices_delivered(&[a1.id, b1.id], later).await.unwrap();
        let due = s.notices_due(later, 100).await.unwrap();
        assert_eq!(ids(&due), [(a.id.clone(), "completed (en)".into())]);
        let a2 = due[0].clone();

        // Stopped: kept for an administrator, and no longer holding the request's next notice.
        s.notice_failed(a2.id, "gone for good", None).await.unwrap();
        let due = s.notices_due(later, 100).await.unwrap();
        assert_eq!(ids(&due), [(a.id.clone(), "for the csc (en)".into())]);
        assert!(
            matches!(&due[0].to, NoticeAddress::Organisation { code, kind: OrgKind::Csc, .. } if code == "CSC")
        );
        let stopped = s.notices_stopped().await.unwrap();
        assert_eq!(stopped.len(), 1);
        assert_eq!(
            (stopped[0].id, stopped[0].last_error.as_deref()),
            (a2.id, Some("gone for good"))
        );
        s.resend_notice(a2.id).await.unwrap();
        assert!(s.notices_stopped().await.unwrap().is_empty());
        assert_eq!(s.notices_due(later, 100).await.unwrap()[0].id, a2.id);
        let e = s.resend_notice(a1.id).await.unwrap_err();
        assert!(
            matches!(e, StoreError::NotFound { .. }),
            "a delivered notice is not resent"
        );

        // The receiver's inbox takes each message id once.
        assert!(s
            .take_into_inbox(&a1.message_id, "agency", now)
            .await
            .unwrap());
        assert!(!s
            .take_into_inbox(&a1.message_id, "agency", now)
            .await
            .unwrap());
        assert!(s
            .take_into_inbox(&b1.message_id, "agency", now)
            .await
            .unwrap());
        assert_eq!(s.inbox_len().await.unwrap(), 2);

        // A notice is kept beside its id, once, for its addressee only.
        let notice = |to: &str, text: &str| ReceivedNotice {
            service: "portal.notice".into(),
            addressee: to.into(),
            request: Some(a.id.to_string()),
            number: Some("N-1".into()),
            status: Some(Status::Completed),
            text: Text::new(text, text, text),
        };
        let (first, other) = (
            notice("900101300123", "ready"),
            notice("850202400456", "theirs"),
        );
        fn take<'a>(id: &'a str, n: &'a ReceivedNotice) -> Taken<'a> {
            Taken {
                message_id: id,
                sender: "agency",
                notice: Some(n),
            }
        }
        let (first, other) = (&first, &other);
        let new = s
            .take_all_into_inbox(
                &[take("m-1", first), take("m-1", first), take("m-2", other)],
                now,
            )
            .await
            .unwrap();
        assert_eq!(new, [true, false, true]);
        assert_eq!(
            s.take_all_into_inbox(&[take("m-1", first)], later)
                .await
                .unwrap(),
            [false],
            "a redelivered notice takes no second effect"
        );
        let mine = s
            .received_notices("portal.notice", "900101300123")
            .await
            .unwrap();
        assert_eq!(mine.len(), 1, "{mine:?}");
        assert_eq!(
            (mine[0].text.en.as_str(), mine[0].status, mine[0].read),
            ("ready", Some(Status::Completed), false)
        );
        assert_eq!(mine[0].request.as_ref(), Some(&a.id));
        assert!(s
            .received_notices("csc.notice", "900101300123")
            .await
            .unwrap()
            .is_empty());
        let e = s
            .mark_received_read("portal.notice", "850202400456", mine[0].id)
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::NotFound { .. }),
            "not theirs to mark"
        );
        s.mark_received_read("portal.notice", "900101300123", mine[0].id)
            .await
            .unwrap();
        assert!(
            s.received_notices("portal.notice", "900101300123")
                .await
                .unwrap()[0]
                .read
        );
    }
);
