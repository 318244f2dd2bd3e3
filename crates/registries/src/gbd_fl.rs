//! ГБД ФЛ, the state database of individuals: who a person is (IIN, name in Russian and Kazakh
//! forms, sex, birth date), where they are registered, their phone, their family links (parents,
//! children), and the two flags the services ask: a disability and the registration as
//! unemployed.
//!
//! Synthetic: [`GbdFl::generate`] adds households made from a seed, the same seed giving the same
//! people; [`crate::demo`] adds the well-known demo citizens first.

use crate::common::{parse_iin, Address, BadId, FullName};
use crate::names::*;
use crate::rng::SplitMix64;
use crate::SnapshotError;
use chrono::{Days, Months, NaiveDate, NaiveDateTime};
use qyzmet_core::id::{Iin, Sex};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One person as the database holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub iin: Iin,
    /// The name in its Russian form (as in identity documents).
    pub name_ru: FullName,
    /// The name in its Kazakh form (Kazakh spelling, patronymic in -ұлы/-қызы).
    pub name_kk: FullName,
    /// Always the IIN's (checked on restore).
    pub sex: Sex,
    /// Always the IIN's (checked on restore).
    pub birth_date: NaiveDate,
    pub address: Address,
    /// Mobile phone as `+7XXXXXXXXXX`; children have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father: Option<Iin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother: Option<Iin>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Iin>,
    /// A disability is established (for a child: «ребёнок-инвалид»).
    #[serde(default)]
    pub disability: bool,
    /// Registered as unemployed with the employment department.
    #[serde(default)]
    pub registered_unemployed: bool,
}

/// A question to ГБД ФЛ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "query", rename_all = "snake_case", deny_unknown_fields)]
pub enum GbdFlRequest {
    /// The person with this IIN.
    Person { iin: String },
    /// The children of the person with this IIN.
    Children { parent_iin: String },
}

/// ГБД ФЛ's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum GbdFlResponse {
    Person { person: Box<Person> },
    Children { parent: Iin, children: Vec<Person> },
    Error(GbdFlError),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum GbdFlError {
    #[error("invalid IIN: {0}")]
    InvalidIin(BadId),
    /// A valid IIN that the database does not hold («отсутствие данных в ГБД ФЛ»).
    #[error("IIN {iin} is not in the state database of individuals")]
    NotFound { iin: Iin },
}

impl GbdFlError {
    pub fn code(&self) -> &'static str {
        match self {
            GbdFlError::InvalidIin(_) => "gbd_fl.invalid_iin",
            GbdFlError::NotFound { .. } => "gbd_fl.not_found",
        }
    }
}

/// The database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GbdFl {
    people: BTreeMap<Iin, Person>,
}

impl GbdFl {
    pub fn new() -> Self {
        GbdFl {
            people: BTreeMap::new(),
        }
    }

    pub fn get(&self, iin: &Iin) -> Option<&Person> {
        self.people.get(iin)
    }

    pub fn people(&self) -> impl Iterator<Item = &Person> {
        self.people.values()
    }

    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// Add or replace a person (links are not checked here; [`GbdFl::check`] does).
    pub fn insert(&mut self, person: Person) {
        self.people.insert(person.iin, person);
    }

    /// Answer a question. Never panics; `now` is the time of the question (an IIN born after it
    /// is refused as invalid).
    pub fn handle(&self, request: &GbdFlRequest, now: NaiveDateTime) -> GbdFlResponse {
        let today = now.date();
        let found = |field: &str, text: &str| -> Result<&Person, GbdFlError> {
            let iin = parse_iin(field, text, today).map_err(GbdFlError::InvalidIin)?;
            self.people.get(&iin).ok_or(GbdFlError::NotFound { iin })
        };
        let answer = match request {
            GbdFlRequest::Person { iin } => found("iin", iin).map(|p| GbdFlResponse::Person {
                person: Box::new(p.clone()),
            }),
            GbdFlRequest::Children { parent_iin } => {
                found("parent_iin", parent_iin).map(|p| GbdFlResponse::Children {
                    parent: p.iin,
                    children: p
                        .children
                        .iter()
                        .filter_map(|c| self.people.get(c).cloned())
                        .collect(),
                })
            }
        };
        answer.unwrap_or_else(GbdFlResponse::Error)
    }

    /// Every rule the data must keep: birth date and sex are the IIN's, each family link points
    /// to a person who links back.
    pub fn check(&self) -> Result<(), String> {
        for (key, p) in &self.people {
            if *key != p.iin {
                return Err(format!("person {} is filed under {key}", p.iin));
            }
            if p.birth_date != p.iin.birth_date() || p.sex != p.iin.sex() {
                return Err(format!("{}: birth date or sex differs from the IIN", p.iin));
            }
            for c in &p.children {
                let child = self
                    .people
                    .get(c)
                    .ok_or_else(|| format!("{}: child {c} is missing", p.iin))?;
                if child.father != Some(p.iin) && child.mother != Some(p.iin) {
                    return Err(format!("{}: child {c} does not name this parent", p.iin));
                }
            }
            for parent in p.father.iter().chain(p.mother.iter()) {
                let q = self
                    .people
                    .get(parent)
                    .ok_or_else(|| format!("{}: parent {parent} is missing", p.iin))?;
                if !q.children.contains(&p.iin) {
                    return Err(format!(
                        "{}: parent {parent} does not list the child",
                        p.iin
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn snapshot(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn restore(json: &str) -> Result<Self, SnapshotError> {
        let db: GbdFl = serde_json::from_str(json).map_err(SnapshotError::json("gbd_fl"))?;
        db.check().map_err(|reason| SnapshotError::Inconsistent {
            participant: "gbd_fl".into(),
            reason,
        })?;
        Ok(db)
    }

    /// Add `households` synthetic households made from `seed`, as they stand on `as_of`: a
    /// father and a mother (15% a mother alone), 0–3 children, about a third of households with
    /// a child under 7; 70% Kazakh names, 30% Russian; 40% in Astana, 20% in Almaty, 40% in
    /// villages of Aiyrtau district. About 6% of children have a disability, 8% of adults are
    /// registered as unemployed. IINs in `reserved` (and those already held) are never given.
    /// The same arguments on the same database give the same people.
    pub fn generate(
        &mut self,
        seed: u64,
        households: usize,
        as_of: NaiveDate,
        reserved: &BTreeSet<Iin>,
    ) {
        let mut g = Generator {
            rng: SplitMix64::new(seed),
            as_of,
            taken: reserved
                .iter()
                .copied()
                .chain(self.people.keys().copied())
                .collect(),
        };
        for _ in 0..households {
            for p in g.household() {
                self.people.insert(p.iin, p);
            }
        }
    }
}

impl Default for GbdFl {
    fn default() -> Self {
        GbdFl::new()
    }
}

/// A place people live in, with streets to put them on.
struct Place {
    region: &'static str,
    district: Option<&'static str>,
    locality: &'static str,
    streets: &'static [&'static str],
    flats: bool,
}

const ASTANA: Place = Place {
    region: "г. Астана",
    district: None,
    locality: "Астана",
    streets: &[
        "пр. Мангилик Ел",
        "пр. Республики",
        "ул. Кенесары",
        "пр. Туран",
        "ул. Сыганак",
        "пр. Кабанбай батыра",
        "ул. Бейбитшилик",
    ],
    flats: true,
};

const ALMATY: Place = Place {
    region: "г. Алматы",
    district: None,
    locality: "Алматы",
    streets: &[
        "пр. Абая",
        "пр. Достык",
        "ул. Толе би",
        "пр. аль-Фараби",
        "ул. Жандосова",
        "пр. Райымбека",
    ],
    flats: true,
};

const NKO: &str = "Северо-Казахстанская область";
const AIYRTAU: &str = "Айыртауский район";
const VILLAGE_STREETS: &[&str] = &[
    "ул. Мира",
    "ул. Школьная",
    "ул. Целинная",
    "ул. Молодёжная",
    "ул. Абая",
    "ул. Гагарина",
];

/// Villages of Aiyrtau district (North Kazakhstan region). Saumalkol is the district centre and
/// Arykbalyk the centre of the former Arykbalyk district merged into it in 1997 (saumalkol.com,
/// «Айыртауский район»); Imantau, Lobanovo and Kamenny Brod are villages of the district from
/// general knowledge.
pub const AIYRTAU_VILLAGES: &[&str] = &[
    "с. Саумалколь",
    "с. Арыкбалык",
    "с. Имантау",
    "с. Лобаново",
    "с. Каменный Брод",
];

fn village(locality: &'static str) -> Place {
    Place {
        region: NKO,
        district: Some(AIYRTAU),
        locality,
        streets: VILLAGE_STREETS,
        flats: false,
    }
}

/// Mobile operator prefixes in Kazakhstan (+7 7xx).
const MOBILE_PREFIXES: &[&str] = &[
    "700", "701", "702", "705", "707", "747", "771", "775", "776", "777", "778",
];

struct Generator {
    rng: SplitMix64,
    as_of: NaiveDate,
    taken: BTreeSet<Iin>,
}

#[derive(Clone, Copy)]
struct Stem {
    kazakh: bool,
    ru: &'static str,
    kk: &'static str,
}

impl Generator {
    fn place(&mut self) -> Place {
        match self.rng.below(100) {
            0..=39 => ASTANA,
            40..=59 => ALMATY,
            _ => village(self.rng.pick::<&str>(AIYRTAU_VILLAGES)),
        }
    }

    fn address(&mut self, place: &Place) -> Address {
        Address {
            region: place.region.to_string(),
            district: place.district.map(str::to_string),
            locality: place.locality.to_string(),
            street: self.rng.pick(place.streets).to_string(),
            house: (1 + self.rng.below(if place.flats { 120 } else { 60 })).to_string(),
            apartment: place.flats.then(|| (1 + self.rng.below(180)).to_string()),
        }
    }

    fn phone(&mut self) -> String {
        format!(
            "+7{}{:07}",
            self.rng.pick(MOBILE_PREFIXES),
            self.rng.below(10_000_000)
        )
    }

    /// A birth date `years` full years (plus 0–364 days) before `as_of`.
    fn born_aged(&mut self, years: u32) -> NaiveDate {
        let d = self
            .as_of
            .checked_sub_months(Months::new(years * 12))
            .unwrap_or(self.as_of);
        d.checked_sub_days(Days::new(self.rng.below(365)))
            .unwrap_or(d)
    }

    /// A date in `lo..=hi`.
    fn date_between(&mut self, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
        let span = (hi - lo).num_days().max(0);
        lo.checked_add_days(Days::new(self.rng.between(0, span) as u64))
            .unwrap_or(lo)
    }

    fn iin(&mut self, birth: NaiveDate, sex: Sex) -> Iin {
        for _ in 0..64 {
            let serial = self.rng.below(10_000) as u16;
            if let Some(iin) = Iin::generate(birth, sex, serial) {
                if self.taken.insert(iin) {
                    return iin;
                }
            }
        }
        // Sixty-four draws all taken or never issued: take the first free serial in order. Ten
        // thousand serials a day for a few hundred people cannot all be taken.
        (0..=9999u16)
            .filter_map(|s| Iin::generate(birth, sex, s))
            .find(|iin| self.taken.insert(*iin))
            .expect("a free IIN serial on the day")
    }

    /// (Russian given name, Kazakh given name) and the patronymic it gives a child.
    fn male_name(&mut self, stem: &Stem) -> (String, String, (String, String), (String, String)) {
        if stem.kazakh {
            let n = *self.rng.pick(KAZAKH_MALE_NAMES);
            (
                n.0.to_string(),
                n.1.to_string(),
                kazakh_patronymic(n, true),
                kazakh_patronymic(n, false),
            )
        } else {
            let n = *self.rng.pick(RUSSIAN_MALE_NAMES);
            (
                n.0.to_string(),
                n.0.to_string(),
                (n.1.to_string(), n.1.to_string()),
                (n.2.to_string(), n.2.to_string()),
            )
        }
    }

    fn female_name(&mut self, stem: &Stem) -> (String, String) {
        if stem.kazakh {
            let n = self.rng.pick(KAZAKH_FEMALE_NAMES);
            (n.0.to_string(), n.1.to_string())
        } else {
            let n = self.rng.pick(RUSSIAN_FEMALE_NAMES);
            (n.to_string(), n.to_string())
        }
    }

    fn names(
        &mut self,
        stem: &Stem,
        sex: Sex,
        father: &(String, String, (String, String), (String, String)),
    ) -> (FullName, FullName) {
        let (given_ru, given_kk) = match sex {
            Sex::Male => {
                let m = self.male_name(stem);
                (m.0, m.1)
            }
            Sex::Female => self.female_name(stem),
        };
        let (pat_ru, pat_kk) = match sex {
            Sex::Male => father.2.clone(),
            Sex::Female => father.3.clone(),
        };
        let (sur_ru, sur_kk) = match sex {
            Sex::Male => (stem.ru.to_string(), stem.kk.to_string()),
            Sex::Female => (female_surname(stem.ru), female_surname(stem.kk)),
        };
        (
            FullName {
                surname: sur_ru,
                given_name: given_ru,
                patronymic: Some(pat_ru),
            },
            FullName {
                surname: sur_kk,
                given_name: given_kk,
                patronymic: Some(pat_kk),
            },
        )
    }

    fn stem(&mut self, kazakh: bool) -> Stem {
        if kazakh {
            let s = self.rng.pick(KAZAKH_SURNAMES);
            Stem {
                kazakh,
                ru: s.0,
                kk: s.1,
            }
        } else {
            let s = self.rng.pick(RUSSIAN_SURNAMES);
            Stem {
                kazakh,
                ru: s,
                kk: s,
            }
        }
    }

    fn household(&mut self) -> Vec<Person> {
        let kazakh = self.rng.chance(70);
        let place = self.place();
        let address = self.address(&place);
        let single_mother = self.rng.chance(15);
        let family = self.stem(kazakh);

        let mut people = Vec::new();
        // The father (or, for a mother alone, the children's father who is not in the household
        // but gives the patronymic).
        let father_age = self.rng.between(25, 60) as u32;
        let father_name = self.male_name(&family);
        let father = if single_mother {
            None
        } else {
            let birth = self.born_aged(father_age);
            let grandfather = self.male_name(&family);
            let (ru, kk) = self.names(&family, Sex::Male, &grandfather);
            let ru = FullName {
                given_name: father_name.0.clone(),
                ..ru
            };
            let kk = FullName {
                given_name: father_name.1.clone(),
                ..kk
            };
            Some(self.person(birth, Sex::Male, ru, kk, &address, true))
        };
        let mother_age = (father_age as i64 - self.rng.between(-3, 8)).clamp(20, 58) as u32;
        let mother_birth = self.born_aged(mother_age);
        let mother_family = if single_mother || self.rng.chance(10) {
            // Kept her own surname.
            self.stem(kazakh)
        } else {
            family
        };
        let her_father = self.male_name(&mother_family);
        let (ru, kk) = self.names(&mother_family, Sex::Female, &her_father);
        let mut mother = self.person(mother_birth, Sex::Female, ru, kk, &address, true);
        let family = if single_mother { mother_family } else { family };

        let mut children = Vec::new();
        let n = self.rng.below(4);
        let young = self.rng.chance(35);
        let earliest = mother_birth
            .checked_add_months(Months::new(19 * 12))
            .unwrap_or(mother_birth)
            .max(self.as_of - Months::new(17 * 12));
        let latest = self.as_of - Days::new(1);
        for i in 0..n.max(u64::from(young)) {
            let lo = if young && i == 0 {
                earliest.max(self.as_of - Months::new(7 * 12) + Days::new(1))
            } else {
                earliest
            };
            if lo > latest {
                continue;
            }
            let birth = self.date_between(lo, latest);
            let sex = if self.rng.chance(50) {
                Sex::Male
            } else {
                Sex::Female
            };
            let (ru, kk) = self.names(&family, sex, &father_name);
            let mut child = self.person(birth, sex, ru, kk, &address, false);
            child.disability = self.rng.chance(6);
            child.registered_unemployed = false;
            child.father = father.as_ref().map(|f| f.iin);
            child.mother = Some(mother.iin);
            children.push(child);
        }
        mother.children = children.iter().map(|c| c.iin).collect();
        if let Some(mut f) = father {
            f.children = mother.children.clone();
            people.push(f);
        }
        people.push(mother);
        people.extend(children);
        people
    }

    fn person(
        &mut self,
        birth: NaiveDate,
        sex: Sex,
        name_ru: FullName,
        name_kk: FullName,
        address: &Address,
        adult: bool,
    ) -> Person {
        let iin = self.iin(birth, sex);
        Person {
            iin,
            name_ru,
            name_kk,
            sex,
            birth_date: birth,
            address: address.clone(),
            phone: adult.then(|| self.phone()),
            father: None,
            mother: None,
            children: Vec::new(),
            disability: adult && self.rng.chance(2),
            registered_unemployed: adult && self.rng.chance(8),
        }
    }
}
