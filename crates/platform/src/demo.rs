//! The demo data a first start creates: the seeds' providers and two citizen service centres,
//! their staff with signing keys from the test NCA, accounts and signing keys for the demo
//! citizens of the state database, and the fees the regulations leave to their standards.
//!
//! Everything here is synthetic. The providers' BINs are those of the demo state database of
//! legal entities (the regulations give none); staff are adults of the demo households; the one
//! password of every demo account and key file is drawn at random on the first start and
//! written, with the logins, to `demo-logins.txt` (mode 0600) in the data folder.

use crate::Role;
use chrono::{Duration, Utc};
use qyzmet_core::id::Bin;
use qyzmet_core::regulation::Catalog;
use qyzmet_core::{Lang, Text};
use qyzmet_pki::nca::{IssueRequest, Nca};
use qyzmet_pki::{Holder, KeyPurpose, KeyType, Organisation as CertOrg, Role as CertRole};
use qyzmet_registries::demo as world;
use qyzmet_registries::Registries;
use qyzmet_store::{NewOrganisation, NewUser, OrgKind, PasswordHash, Role as Account, Store};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The demo's providers: the index in the demo ГБД ЮЛ ([`world::ORGANISATIONS`]) whose BIN
/// each provider's staff certificates carry.
const PROVIDER_ORGANISATIONS: &[(&str, usize)] = &[
    ("aiyrtau-employment", 0),
    ("aiyrtau-education", 1),
    ("mci-information-archives-committee", 2),
    ("astana-phc", 8),
];

/// The demo's citizen service centres: code, name, and the demo ГБД ЮЛ index of the state
/// corporation whose BIN their operators' certificates carry (the employment department's
/// district for Aiyrtau, the archives committee's city for Astana — any BIN of the demo works).
const CSCS: &[(&str, [&str; 3], usize)] = &[
    (
        "csc-aiyrtau",
        [
            "Айыртау ауданы бойынша ХҚКО",
            "ЦОН Айыртауского района",
            "Citizen service centre of Aiyrtau district",
        ],
        0,
    ),
    (
        "csc-astana",
        [
            "Астана қаласының №1 ХҚКО",
            "ЦОН №1 города Астаны",
            "Citizen service centre No. 1 of Astana",
        ],
        2,
    ),
];

/// A fee the demo charges where the regulation leaves the amount to its standard (not in the
/// seeds): 1 МРП, for every service whose flow has the recipient pay.
pub const DEMO_FEE_THOUSANDTHS: u64 = 1000;

/// The demo's fees: [`DEMO_FEE_THOUSANDTHS`] for every service whose flow has a payment and
/// whose regulation does not give the amount.
pub fn fees(catalog: &Catalog) -> Vec<(String, u64)> {
    use qyzmet_core::regulation::{Given, Operation};
    catalog
        .all()
        .filter(|r| !matches!(r.general.fee, Given::Value(_)))
        .filter(|r| {
            r.channels
                .values()
                .any(|c| c.actions.iter().any(|a| a.operation == Operation::Pay))
        })
        .map(|r| (r.code.clone(), DEMO_FEE_THOUSANDTHS))
        .collect()
}

/// One demo account.
#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    pub login: String,
    pub full_name: String,
    pub roles: Vec<&'static str>,
    pub organisation: Option<String>,
    /// The signing key file (PKCS#12, the demo password), if the person signs.
    pub key_file: Option<PathBuf>,
}

/// What the seeding created.
#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    pub password: String,
    pub accounts: Vec<DemoAccount>,
}

impl DemoReport {
    /// The accounts with `role`.
    pub fn with_role(&self, role: &str) -> impl Iterator<Item = &DemoAccount> {
        let role = role.to_string();
        self.accounts
            .iter()
            .filter(move |a| a.roles.contains(&role.as_str()))
    }
}

/// A random password that passes the policy.
fn fresh_password() -> String {
    let (token, _) = qyzmet_accounts::token::issue();
    format!("Demo-{}7", &token[..12])
}

struct Seeder<'a> {
    store: &'a Store,
    nca: &'a mut Nca,
    keys: PathBuf,
    password: String,
    hash: String,
    key_type: KeyType,
    report: Vec<DemoAccount>,
}

impl Seeder<'_> {
    #[allow(clippy::too_many_arguments)]
    async fn person(
        &mut self,
        login: &str,
        person: &qyzmet_registries::gbd_fl::Person,
        roles: &[Account],
        organisation: Option<(&qyzmet_store::Organisation, Bin)>,
        cert_role: CertRole,
    ) -> Result<(), String> {
        let name = &person.name_ru;
        let user = self
            .store
            .create_user(NewUser {
                login: login.to_string(),
                password_hash: PasswordHash(self.hash.clone()),
                full_name: name.to_string(),
                organisation: organisation.map(|(o, _)| o.id.clone()),
                roles: roles.to_vec(),
                language: Lang::Ru,
                iin: Some(person.iin),
            })
            .await
            .map_err(|e| e.to_string())?;
        let now = Utc::now();
        let issued = self
            .nca
            .issue(
                &IssueRequest {
                    holder: Holder {
                        iin: person.iin,
                        surname: name.surname.clone(),
                        name: name.given_name.clone(),
                        patronymic: name.patronymic.clone(),
                        role: cert_role,
                        organisation: organisation.map(|(o, bin)| CertOrg {
                            bin,
                            name: o.name.ru.clone(),
                        }),
                    },
                    purpose: KeyPurpose::Signing,
                    key_type: self.key_type,
                    not_before: (now - Duration::days(1)).max(self.nca.issuing().cert.not_before()),
                    not_after: (now + Duration::days(365)).min(self.nca.issuing().cert.not_after()),
                },
                now,
            )
            .map_err(|e| e.to_string())?;
        let file = self.keys.join(format!("{login}.p12"));
        let p12 = issued
            .to_pkcs12(&self.password)
            .map_err(|e| e.to_string())?;
        write_private(&file, &p12)?;
        self.report.push(DemoAccount {
            login: login.to_string(),
            full_name: user.full_name,
            roles: user.roles.iter().map(|r| r.as_str()).collect(),
            organisation: organisation.map(|(o, _)| o.code.clone()),
            key_file: Some(file),
        });
        Ok(())
    }

    async fn plain(&mut self, login: &str, name: &str, role: Account) -> Result<(), String> {
        self.store
            .create_user(NewUser {
                login: login.to_string(),
                password_hash: PasswordHash(self.hash.clone()),
                full_name: name.to_string(),
                organisation: None,
                roles: vec![role],
                language: Lang::Ru,
                iin: None,
            })
            .await
            .map_err(|e| e.to_string())?;
        self.report.push(DemoAccount {
            login: login.to_string(),
            full_name: name.to_string(),
            roles: vec![role.as_str()],
            organisation: None,
            key_file: None,
        });
        Ok(())
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Whether the store already holds the demo (or any) organisations or accounts.
pub async fn seeded(store: &Store) -> Result<bool, String> {
    let orgs = store.organisations().await.map_err(|e| e.to_string())?;
    Ok(!orgs.is_empty() || store.has_users().await.map_err(|e| e.to_string())?)
}

/// Create the demo: organisations, staff, citizens, keys (in `data/keys`), and the login list.
pub async fn seed(
    store: &Store,
    catalog: &Catalog,
    registries: &Registries,
    nca: &mut Nca,
    data: &Path,
    key_type: KeyType,
) -> Result<DemoReport, String> {
    seed_for(&Role::ALL, store, catalog, registries, nca, data, key_type).await
}

/// Create the part of the demo that `roles` keep: the provider's IS its providers, their staff,
/// the CSCs (whose requests it notifies), the administrator and the monitor; the CSC's IS the
/// CSCs and their operators; the portal the citizens' accounts. The same people get the same
/// places whichever roles are seeded together.
pub async fn seed_for(
    roles: &[Role],
    store: &Store,
    catalog: &Catalog,
    registries: &Registries,
    nca: &mut Nca,
    data: &Path,
    key_type: KeyType,
) -> Result<DemoReport, String> {
    let has = |role: Role| roles.contains(&role);
    let keys = data.join("keys");
    std::fs::create_dir_all(&keys).map_err(|e| format!("{}: {e}", keys.display()))?;
    let password = fresh_password();
    let pw = password.clone();
    let hash = tokio::task::spawn_blocking(move || qyzmet_accounts::password::hash(&pw))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.code().to_string())?;
    let mut s = Seeder {
        store,
        nca,
        keys,
        password: password.clone(),
        hash,
        key_type,
        report: Vec::new(),
    };
    let citizens = world::citizen_iins();
    let known: std::collections::BTreeSet<_> = citizens.iter().copied().collect();
    let today = qyzmet_agency::local(Utc::now()).date();
    // Staff are adults of the demo households, in the database's order.
    let mut staff = registries
        .gbd_fl
        .people()
        .filter(|p| !known.contains(&p.iin))
        .filter(|p| qyzmet_registries::common::age_on(p.birth_date, today) >= 25)
        .cloned()
        .collect::<Vec<_>>()
        .into_iter();
    let mut next_staff = || {
        staff
            .next()
            .ok_or("the demo households have too few adults")
    };

    let mut providers: Vec<(&str, &Text)> = catalog
        .all()
        .map(|r| (r.general.provider.code.as_str(), &r.general.provider.name))
        .collect();
    providers.sort_by_key(|p| p.0);
    providers.dedup_by_key(|p| p.0);
    let world_orgs = world::organisations();
    for (code, name) in providers {
        let Some(&(_, index)) = PROVIDER_ORGANISATIONS.iter().find(|(c, _)| *c == code) else {
            if has(Role::Agency) {
                eprintln!("demo: no demo BIN for provider {code}; it gets no staff");
            }
            continue;
        };
        let bin = world_orgs[index].bin;
        if !has(Role::Agency) {
            // Their staff's places are kept, so that the CSCs' operators are the same people.
            for _ in 0..3 {
                next_staff()?;
            }
            continue;
        }
        let org = store
            .create_organisation(NewOrganisation {
                code: code.to_string(),
                kind: OrgKind::Provider,
                name: name.clone(),
                bin: Some(bin),
            })
            .await
            .map_err(|e| e.to_string())?;
        for (suffix, role, cert_role) in [
            ("employee", Account::Employee, CertRole::Employee),
            ("signer", Account::Signer, CertRole::Signer),
            ("head", Account::Head, CertRole::FirstHead),
        ] {
            let person = next_staff()?;
            s.person(
                &format!("{code}.{suffix}"),
                &person,
                &[role],
                Some((&org, bin)),
                cert_role,
            )
            .await?;
        }
    }
    for (code, name, index) in CSCS {
        let bin = world_orgs[*index].bin;
        if !has(Role::Agency) && !has(Role::Csc) {
            continue;
        }
        let org = store
            .create_organisation(NewOrganisation {
                code: code.to_string(),
                kind: OrgKind::Csc,
                name: Text::new(name[0], name[1], name[2]),
                bin: Some(bin),
            })
            .await
            .map_err(|e| e.to_string())?;
        let person = next_staff()?;
        if !has(Role::Csc) {
            continue;
        }
        s.person(
            &format!("{code}.operator"),
            &person,
            &[Account::Operator],
            Some((&org, bin)),
            CertRole::Employee,
        )
        .await?;
    }
    if has(Role::Agency) {
        s.plain("admin", "Администратор платформы", Account::Administrator)
            .await?;
        s.plain("monitor", "Мониторинг сроков", Account::Monitor)
            .await?;
    }
    for iin in citizens.iter().filter(|_| has(Role::Portal)) {
        let Some(person) = registries.gbd_fl.get(iin).cloned() else {
            continue;
        };
        if qyzmet_registries::common::age_on(person.birth_date, today) < 18 {
            continue;
        }
        s.person(
            &iin.to_string(),
            &person,
            &[Account::Recipient],
            None,
            CertRole::Individual,
        )
        .await?;
    }
    let report = DemoReport {
        password,
        accounts: s.report,
    };
    let mut text = format!(
        "Qyzmet demo accounts. Password of every account and key file: {}\n\n",
        report.password
    );
    for a in &report.accounts {
        text += &format!(
            "{:<48} {:<14} {}{}\n",
            a.login,
            a.roles.join(","),
            a.full_name,
            a.key_file
                .as_ref()
                .map(|f| format!("  key: {}", f.display()))
                .unwrap_or_default()
        );
    }
    write_private(&data.join("demo-logins.txt"), text.as_bytes())?;
    Ok(report)
}
