//! Sessions, staff IINs and the oversight query, on both databases.

mod common;

use chrono::Duration;
use common::*;
use qyzmet_core::Lang;
use qyzmet_store::*;

both!(sessions_open_expire_and_close, |ctx: Ctx| async move {
    let s = &ctx.store;
    let u = user(s, "citizen", &[Role::Recipient], None).await;
    s.create_session("digest-1", &u.id, t0(), t0() + Duration::hours(8))
        .await
        .unwrap();
    let found = s
        .session_user("digest-1", t0() + Duration::hours(1))
        .await
        .unwrap();
    // The whole user, roles included, as `user` reads it.
    assert_eq!(found.as_ref(), Some(&u));
    assert_eq!(found, Some(s.user(&u.id).await.unwrap()));
    // Past its expiry, or under another digest, there is no session.
    assert!(s
        .session_user("digest-1", t0() + Duration::hours(9))
        .await
        .unwrap()
        .is_none());
    assert!(s.session_user("digest-2", t0()).await.unwrap().is_none());
    s.delete_session("digest-1").await.unwrap();
    assert!(s.session_user("digest-1", t0()).await.unwrap().is_none());
    // Closing an unknown session is not an error.
    s.delete_session("digest-1").await.unwrap();
});

both!(staff_keep_their_iin, |ctx: Ctx| async move {
    let s = &ctx.store;
    let p = org(s, "ALM-AKIMAT", OrgKind::Provider).await;
    let e = s
        .create_user(NewUser {
            login: "alm.employee".into(),
            password_hash: PasswordHash("$argon2id$x".into()),
            full_name: "Employee".into(),
            organisation: Some(p.id.clone()),
            roles: vec![Role::Employee],
            language: Lang::Ru,
            iin: Some(iin(7)),
        })
        .await
        .unwrap();
    assert_eq!(s.user(&e.id).await.unwrap().iin, Some(iin(7)));
    assert_eq!(
        s.user_by_login("alm.employee").await.unwrap().unwrap().iin,
        Some(iin(7))
    );
});

both!(request_states_by_provider_and_due, |ctx: Ctx| async move {
    let s = &ctx.store;
    let a = org(s, "PROV-A", OrgKind::Provider).await;
    let b = org(s, "PROV-B", OrgKind::Provider).await;
    let mut early = new_request(&a.code, iin(1), t0());
    early.deadline = Some(t0() + Duration::hours(1));
    let mut late = new_request(&a.code, iin(2), t0());
    late.deadline = Some(t0() + Duration::days(3));
    let other = new_request(&b.code, iin(3), t0());
    for n in [early, late, other] {
        s.create_request(n).await.unwrap();
    }
    assert_eq!(s.request_states(None, None).await.unwrap().len(), 3);
    let of_a = s.request_states(Some("PROV-A"), None).await.unwrap();
    assert_eq!(of_a.len(), 2);
    assert!(of_a.iter().all(|r| r.summary.provider_code == "PROV-A"));
    let due = s
        .request_states(Some("PROV-A"), Some(t0() + Duration::hours(2)))
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].summary.recipient, Party::Iin(iin(1)));
    // The state comes back as written.
    assert_eq!(
        due[0].state,
        s.load_request(&due[0].summary.id).await.unwrap().state
    );
});

both!(session_user_with_roles, |ctx: Ctx| async move {
    let s = &ctx.store;
    let p = org(s, "PROV", OrgKind::Provider).await;
    let head = user(
        s,
        "head",
        &[Role::Head, Role::Employee, Role::Signer, Role::Monitor],
        Some(&p),
    )
    .await;
    let nobody = user(s, "no-roles", &[], None).await;
    assert!(nobody.roles.is_empty());
    let until = t0() + Duration::hours(8);
    s.create_session("d-head", &head.id, t0(), until)
        .await
        .unwrap();
    s.create_session("d-none", &nobody.id, t0(), until)
        .await
        .unwrap();
    s.create_session("d-head-2", &head.id, t0(), until)
        .await
        .unwrap();
    let found = s.session_user("d-head", t0()).await.unwrap().unwrap();
    assert_eq!(
        found.roles,
        [Role::Employee, Role::Signer, Role::Head, Role::Monitor]
    );
    assert_eq!(found, head);
    assert_eq!(
        s.session_user("d-head-2", t0()).await.unwrap(),
        Some(head.clone())
    );
    assert_eq!(
        s.session_user("d-none", t0()).await.unwrap(),
        Some(nobody.clone())
    );
    assert_eq!(s.user(&nobody.id).await.unwrap(), nobody);
    assert_eq!(s.user_by_login("no-roles").await.unwrap(), Some(nobody));
    // Exactly at its expiry a session is over.
    assert_eq!(s.session_user("d-head", until).await.unwrap(), None);
});

/// Figures, not a check: authenticated lookups (`session_user`, as every API call makes one) per
/// second on SQLite from 64 concurrent tasks, for a staff member with three roles. Run it with
/// `cargo test --release -p qyzmet-store --test sessions -- --ignored --nocapture throughput`
/// (`QYZMET_PERF_TOTAL` changes the count).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn session_throughput_sqlite() {
    let db = Db::fresh(Backend::Sqlite).await;
    let store = db.open().await;
    let p = org(&store, "PERF", OrgKind::Provider).await;
    let staff = user(
        &store,
        "perf.employee",
        &[Role::Employee, Role::Signer, Role::Head],
        Some(&p),
    )
    .await;
    let until = t0() + Duration::hours(8);
    store
        .create_session("perf-digest", &staff.id, t0(), until)
        .await
        .unwrap();
    let total: u32 = std::env::var("QYZMET_PERF_TOTAL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let tasks = 64;
    let started = std::time::Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            let s = store.clone();
            tokio::spawn(async move {
                for _ in (t..total).step_by(tasks as usize) {
                    let u = s.session_user("perf-digest", t0()).await.unwrap();
                    assert_eq!(u.map(|u| u.roles.len()), Some(3));
                }
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    let elapsed = started.elapsed();
    println!(
        "{total} session lookups in {elapsed:.2?}: {:.0}/s",
        f64::from(total) / elapsed.as_secs_f64()
    );
    store.close().await;
    db.drop().await;
}
