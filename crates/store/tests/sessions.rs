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
    assert_eq!(found.map(|f| f.id), Some(u.id.clone()));
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
