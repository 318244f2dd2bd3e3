//! `sqlx::migrate!` embeds the migration files when the crate compiles; without this, cargo
//! would not know to compile again when a migration is added.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
