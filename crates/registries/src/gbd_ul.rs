//! ГБД ЮЛ, the state database of legal entities: an organisation's BIN, its name (kk/ru/en), its
//! address and the IIN of its head. Synthetic, like ГБД ФЛ: [`GbdUl::generate`] adds companies
//! made from a seed, [`crate::demo`] the providers and organisations the services name.

use crate::common::{parse_bin, Address, BadId};
use crate::rng::SplitMix64;
use crate::SnapshotError;
use chrono::NaiveDateTime;
use qyzmet_core::id::{Bin, BinAttribute, EntityKind, Iin};
use qyzmet_core::Text;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What kind of organisation it is, as far as the services care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// A state body or state institution (ГУ, РГУ): the providers.
    StateBody,
    /// A kindergarten (ДДО).
    Kindergarten,
    /// A primary health care organisation (ПМСП).
    Clinic,
    /// A mass medium's owner or any other company (ТОО, АО).
    Company,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub bin: Bin,
    pub name: Text,
    pub kind: OrganisationKind,
    pub address: Address,
    /// The first head (первый руководитель).
    pub head_iin: Iin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "query", rename_all = "snake_case", deny_unknown_fields)]
pub enum GbdUlRequest {
    /// The organisation with this BIN.
    Organisation { bin: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum GbdUlResponse {
    Organisation { organisation: Box<Organisation> },
    Error(GbdUlError),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum GbdUlError {
    #[error("invalid BIN: {0}")]
    InvalidBin(BadId),
    #[error("BIN {bin} is not in the state database of legal entities")]
    NotFound { bin: Bin },
}

impl GbdUlError {
    pub fn code(&self) -> &'static str {
        match self {
            GbdUlError::InvalidBin(_) => "gbd_ul.invalid_bin",
            GbdUlError::NotFound { .. } => "gbd_ul.not_found",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GbdUl {
    organisations: BTreeMap<Bin, Organisation>,
}

impl GbdUl {
    pub fn new() -> Self {
        GbdUl::default()
    }

    pub fn insert(&mut self, organisation: Organisation) {
        self.organisations.insert(organisation.bin, organisation);
    }

    pub fn get(&self, bin: &Bin) -> Option<&Organisation> {
        self.organisations.get(bin)
    }

    pub fn organisations(&self) -> impl Iterator<Item = &Organisation> {
        self.organisations.values()
    }

    pub fn len(&self) -> usize {
        self.organisations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.organisations.is_empty()
    }

    pub fn handle(&self, request: &GbdUlRequest, _now: NaiveDateTime) -> GbdUlResponse {
        match request {
            GbdUlRequest::Organisation { bin } => match parse_bin("bin", bin) {
                Err(e) => GbdUlResponse::Error(GbdUlError::InvalidBin(e)),
                Ok(bin) => match self.organisations.get(&bin) {
                    Some(o) => GbdUlResponse::Organisation {
                        organisation: Box::new(o.clone()),
                    },
                    None => GbdUlResponse::Error(GbdUlError::NotFound { bin }),
                },
            },
        }
    }

    pub fn snapshot(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn restore(json: &str) -> Result<Self, SnapshotError> {
        let db: GbdUl = serde_json::from_str(json).map_err(SnapshotError::json("gbd_ul"))?;
        if let Some((k, o)) = db.organisations.iter().find(|(k, o)| **k != o.bin) {
            return Err(SnapshotError::Inconsistent {
                participant: "gbd_ul".into(),
                reason: format!("organisation {} is filed under {k}", o.bin),
            });
        }
        Ok(db)
    }

    /// Add `count` synthetic companies (ТОО) made from `seed`, registered between 2008 and 2025,
    /// headed by people drawn from `heads` (an empty list adds none). BINs already held or in
    /// `reserved` are never given.
    pub fn generate(&mut self, seed: u64, count: usize, heads: &[Iin], reserved: &BTreeSet<Bin>) {
        if heads.is_empty() {
            return;
        }
        let mut rng = SplitMix64::new(seed);
        let mut taken: BTreeSet<Bin> = reserved
            .iter()
            .copied()
            .chain(self.organisations.keys().copied())
            .collect();
        let mut added = 0;
        while added < count {
            let year = rng.between(2008, 2025) as i32;
            let month = rng.between(1, 12) as u32;
            let serial = rng.below(100_000) as u32;
            let Some(bin) = make_bin(
                year,
                month,
                EntityKind::ResidentLegalEntity,
                BinAttribute::HeadOffice,
                serial,
            ) else {
                continue;
            };
            if !taken.insert(bin) {
                continue;
            }
            let a = rng.pick(COMPANY_WORDS);
            let b = rng.pick(COMPANY_TRADES);
            let (city, street) = if rng.chance(60) {
                ("Астана", "пр. Мангилик Ел")
            } else {
                ("Алматы", "пр. Абая")
            };
            self.insert(Organisation {
                bin,
                name: Text::new(
                    format!("«{} {}» ЖШС", a.1, b.1),
                    format!("ТОО «{} {}»", a.0, b.0),
                    format!("{} {} LLP", a.2, b.2),
                ),
                kind: OrganisationKind::Company,
                address: Address {
                    region: format!("г. {city}"),
                    district: None,
                    locality: city.to_string(),
                    street: street.to_string(),
                    house: (1 + rng.below(100)).to_string(),
                    apartment: Some(format!("офис {}", 1 + rng.below(300))),
                },
                head_iin: *rng.pick(heads),
            });
            added += 1;
        }
    }
}

/// First words of synthetic company names: (ru, kk, en).
const COMPANY_WORDS: &[(&str, &str, &str)] = &[
    ("Сарыарка", "Сарыарқа", "Saryarka"),
    ("Береке", "Береке", "Bereke"),
    ("Алтын Дала", "Алтын Дала", "Altyn Dala"),
    ("Нур", "Нұр", "Nur"),
    ("Жол", "Жол", "Zhol"),
    ("Есиль", "Есіл", "Yesil"),
    ("Достык", "Достық", "Dostyk"),
    ("Кайнар", "Қайнар", "Kainar"),
];

/// Trades of synthetic companies: (ru, kk, en).
const COMPANY_TRADES: &[(&str, &str, &str)] = &[
    ("Строй", "Құрылыс", "Construction"),
    ("Агро", "Агро", "Agro"),
    ("Сервис", "Сервис", "Service"),
    ("Трейд", "Трейд", "Trade"),
    ("Медиа", "Медиа", "Media"),
    ("Логистик", "Логистика", "Logistics"),
];

/// The BIN of an entity registered in `year`/`month`, of `kind` and `attribute`, with `serial`
/// (0–99999): `YYMM E A SSSSS K`. The check digit is computed here by the rule of the core
/// (`a = Σ i·dᵢ mod 11`, second pass with `3,4,…,11,1,2` when it gives 10) and the number is then
/// read back through [`Bin::parse`], so that only what the core accepts comes out. `None` when
/// the month or serial is out of range or the number is never issued (try the next serial).
pub fn make_bin(
    year: i32,
    month: u32,
    kind: EntityKind,
    attribute: BinAttribute,
    serial: u32,
) -> Option<Bin> {
    if !(1..=12).contains(&month) || serial > 99_999 || year < 0 {
        return None;
    }
    let yy = (year % 100) as u32;
    let mut d = [0u32; 12];
    let head = format!(
        "{yy:02}{month:02}{}{}{serial:05}",
        kind.digit(),
        attribute.digit()
    );
    for (i, c) in head.chars().enumerate() {
        d[i] = c.to_digit(10)?;
    }
    let w1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    let w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    let sum = |w: &[u32; 11]| (0..11).map(|i| w[i] * d[i]).sum::<u32>() % 11;
    let mut k = sum(&w1);
    if k == 10 {
        k = sum(&w2);
    }
    if k == 10 {
        return None;
    }
    Bin::parse(&format!("{head}{k}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn make_bin_matches_the_domain_example() {
        // DOMAIN.md: 080440000008 passes the checksum.
        let bin = make_bin(
            2008,
            4,
            EntityKind::ResidentLegalEntity,
            BinAttribute::HeadOffice,
            0,
        )
        .unwrap();
        assert_eq!(bin.to_string(), "080440000008");
    }

    #[test]
    fn make_bin_refuses_out_of_range() {
        let k = EntityKind::ResidentLegalEntity;
        let a = BinAttribute::HeadOffice;
        assert!(make_bin(2008, 13, k, a, 0).is_none());
        assert!(make_bin(2008, 0, k, a, 0).is_none());
        assert!(make_bin(2008, 1, k, a, 100_000).is_none());
        // Every serial of a month either gives a BIN that parses or is never issued.
        let made = (0..2000).filter_map(|s| make_bin(2012, 8, k, a, s)).count();
        assert!(made > 1700, "{made}");
    }
}
