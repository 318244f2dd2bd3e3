//! The same services, end to end, on PostgreSQL: the scaled deployment's database. PostgreSQL
//! must be running (CI's `scripts/setup.sh` starts it); this test fails, never skips, without it.

mod common;

use common::*;
use sqlx::Connection;

fn pg_base_url() -> String {
    std::env::var("QYZMET_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

#[test]
fn every_service_on_every_channel_on_postgresql() {
    let base = pg_base_url();
    let schema = format!("p_{}", uuid::Uuid::new_v4().simple());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let admin = |sql: String| {
        let base = base.clone();
        rt.block_on(async move {
            let mut c = sqlx::PgConnection::connect(&base)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL must run at {base}: {e}"));
            sqlx::query(&sql).execute(&mut c).await.unwrap();
        })
    };
    admin(format!("CREATE SCHEMA {schema}"));
    let sep = if base.contains('?') { '&' } else { '?' };
    let server = start(Some(format!("{base}{sep}options[search_path]={schema}")));
    for (service, recipient) in CASES {
        run_service(&server, service, recipient);
    }
    assert_eq!(
        server.platform.store.backend(),
        qyzmet_store::Backend::Postgres
    );
    drop(server);
    admin(format!("DROP SCHEMA {schema} CASCADE"));
}
