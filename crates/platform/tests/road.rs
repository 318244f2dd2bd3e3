//! The embedded road's keys: each system's key is issued once and kept; a key the NCA revoked
//! is replaced on the next start, and messages signed with it are refused.

use chrono::{Duration, Utc};
use qyzmet_gateway::{ParticipantId, SystemKey};
use qyzmet_pki::nca::{Nca, NcaUrls};
use qyzmet_pki::revocation::RevocationReason;
use qyzmet_pki::KeyType;
use qyzmet_platform::road::Road;
use std::path::PathBuf;

#[tokio::test]
async fn keys_are_kept_and_a_revoked_one_is_replaced_and_refused() {
    let data = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("qyzmet-road")
        .join(uuid::Uuid::new_v4().simple().to_string());
    let mut nca = Nca::init(
        &data.join("nca"),
        KeyType::EcdsaP256,
        NcaUrls::default(),
        Utc::now() - Duration::days(1),
    )
    .unwrap();
    let portal = ParticipantId::new("portal");
    let first = {
        let mut road = Road::open(&mut nca, &data).unwrap();
        road.key("portal").unwrap().cert().serial_hex()
    };
    let again = {
        let mut road = Road::open(&mut nca, &data).unwrap();
        road.key("portal").unwrap().cert().serial_hex()
    };
    assert_eq!(first, again, "kept in data/systems, not issued anew");
    let old = SystemKey::load(&Road::keys_dir(&data), &portal).unwrap();

    nca.revoke(&first, RevocationReason::KeyCompromise, Utc::now())
        .unwrap();
    let mut road = Road::open(&mut nca, &data).unwrap();
    let renewed = road.key("portal").unwrap();
    assert_ne!(
        renewed.cert().serial_hex(),
        first,
        "a revoked key is replaced"
    );
    let err = road
        .gateway
        .trust()
        .admit(&portal, old.cert(), Utc::now())
        .unwrap_err();
    assert!(err.to_string().contains("revoked"), "{err}");
}
