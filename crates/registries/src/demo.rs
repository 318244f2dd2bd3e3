//! The demo world: well-known citizens and organisations that the services' demonstrations and
//! tests use by name, plus synthetic households and companies from a seed.
//!
//! All people and organisations here are synthetic. Names are common real names; IINs and BINs
//! are made by the identifier rules (valid, but any coincidence with a real person's number is
//! chance); kindergartens, clinics and doctors are invented, modelled on the kinds that exist.
//!
//! # Citizens (ГБД ФЛ)
//!
//! | IIN | name (ru) | born | where | for |
//! |---|---|---|---|---|
//! | 850101300005 | Ахметов Ерлан Серикович | 1985-01-01 | Astana | doctor services; attached to clinic No. 1 since 2025-03-03 (may change) |
//! | 870621400012 | Ахметова Динара Маратовна | 1987-06-21 | Astana | his wife |
//! | 240210600139 | Ахметова Айым Ерлановна | 2024-02-10 | Astana | their daughter |
//! | 900312400000 | Жумабаева Айгерим Нурлановна | 1990-03-12 | Saumalkol | registered unemployed; mother of the three below |
//! | 880715300128 | Жумабаев Ержан Маратович | 1988-07-15 | Saumalkol | her husband; head of the education department |
//! | 210520500211 | Жумабаев Алихан Ержанович | 2021-05-20 | Saumalkol | under 7: kindergarten (pre-school group) |
//! | 160901600306 | Жумабаева Томирис Ержановна | 2016-09-01 | Saumalkol | child with a disability: home schooling support |
//! | 180310500423 | Жумабаев Санжар Ержанович | 2018-03-10 | Saumalkol | 7 or older from 2025-03-10: refused by the kindergarten service |
//! | 791103300510 | Иванов Сергей Александрович | 1979-11-03 | Lobanovo | head of the employment department |
//! | 820418400634 | Иванова Ольга Викторовна | 1982-04-18 | Lobanovo | his wife |
//! | 220214600731 | Иванова Мария Сергеевна | 2022-02-14 | Lobanovo | under 7: kindergarten (queue cases) |
//! | 581205400815 | Смирнова Елена Викторовна | 1958-12-05 | Almaty | principal of a valid power of attorney (apostille) |
//! | 950830300911 | Касымов Данияр Асхатович | 1995-08-30 | Almaty | her representative |
//! | 700422301049 | Сулейменов Марат Канатович | 1970-04-22 | Astana | head of the media company; attached to clinic No. 4 since 2026-06-01 (too soon to change) |
//!
//! [`ABSENT_IIN`] is a valid IIN that is in no register: the "recipient absent from ГБД ФЛ" case.
//! (The table's IINs are pinned by a test; a change of the generator would fail it.)
//!
//! # Organisations (ГБД ЮЛ)
//!
//! | BIN | name (ru) | head |
//! |---|---|---|
//! | 050140012342 | ГУ «Отдел занятости и социальных программ Айыртауского района» | Иванов С. А. |
//! | 050240023450 | ГУ «Отдел образования Айыртауского района» | Жумабаев Е. М. |
//! | 120240034560 | РГУ «Комитет информации и архивов» | Ахметова Д. М. |
//! | 190640045672 | ТОО «Сарыарка Медиа» (a mass medium's owner) | Сулейменов М. К. |
//! | 100940000111 | Ясли-сад «Балапан», с. Саумалколь | Иванова О. В. |
//! | 130840000222 | Ясли-сад «Айгөлек», с. Саумалколь | Иванова О. В. |
//! | 110340000337 | Ясли-сад «Карлыгаш», с. Арыкбалык | Иванова О. В. |
//! | 150540000443 | Ясли-сад «Акбота», с. Имантау | Иванова О. В. |
//! | 080540001014 | Городская поликлиника №1, Астана | Ахметова Д. М. |
//! | 080540001051 | Городская поликлиника №4, Астана | Ахметова Д. М. |
//! | 091040001096 | Городская поликлиника №9, Астана | Ахметова Д. М. |
//! | 160440000779 | Семейная поликлиника «Шипагер», Астана | Сулейменов М. К. |
//!
//! The demo world adds [`DEMO_HOUSEHOLDS`] synthetic households (about 510 people) and
//! [`DEMO_COMPANIES`] companies from the seed, and attaches the generated Astana residents to the
//! four clinics.
//!
//! # Powers of attorney (ЕНИС)
//!
//! - `НД-2026-0001`: Смирнова → Касымов, for `archive-apostille` and `archival-certificate`,
//!   notarised 2026-02-10, valid until 2029-02-09: valid.
//! - `НД-2025-0417`: Ахметов → Касымов, any service, notarised 2025-05-05, valid until
//!   2028-05-04, revoked 2026-03-01.
//! - `НД-2023-0999`: Сулейменов → Касымов, any service, notarised 2023-01-16, valid until
//!   2025-01-15: expired.
//!
//! # Kindergartens of Aiyrtau district (places taken / capacity on the demo day)
//!
//! «Балапан» (Saumalkol) has no free place in the nursery, middle and pre-school groups;
//! «Айгөлек» (Saumalkol) has one free pre-school place; «Қарлығаш» (Arykbalyk) and «Ақбота»
//! (Imantau) have places in some groups. See [`kindergartens`].
//!
//! # Clinics of Astana
//!
//! Four PHC organisations, open Monday to Friday 08:00–20:00 (No. 1 and «Шипагер» also Saturday
//! 09:00–14:00), each with a general practitioner, a therapist and a paediatrician; see
//! [`clinics`] and [`doctors`].

use crate::attachment::{Attachment, AttachmentReason, AttachmentRegister, PhcOrganisation};
use crate::common::{Address, FullName};
use crate::gbd_fl::{GbdFl, Person};
use crate::gbd_ul::{make_bin, GbdUl, Organisation, OrganisationKind};
use crate::kindergarten::{AgeGroup, Kindergarten, KindergartenRegister, Places};
use crate::notary::{Notary, PowerOfAttorney, Scope};
use crate::payment::PaymentGateway;
use crate::rng::SplitMix64;
use crate::schedule::{Clinic, Doctor, DoctorSchedules, Hours, Speciality, WeeklyHours};
use crate::Registries;
use chrono::{NaiveDate, NaiveTime};
use qyzmet_core::id::{Bin, BinAttribute, EntityKind, Iin, Sex};
use qyzmet_core::Text;
use std::collections::{BTreeMap, BTreeSet};

/// The day the synthetic households' ages are counted from.
pub const DEMO_AS_OF: NaiveDate = match NaiveDate::from_ymd_opt(2026, 1, 1) {
    Some(d) => d,
    None => panic!("a real date"),
};
/// Synthetic households in the demo world (about 3.3 people each).
pub const DEMO_HOUSEHOLDS: usize = 150;
/// Synthetic companies in the demo world.
pub const DEMO_COMPANIES: usize = 20;

/// A valid IIN (a man born 1970-06-01) that no register holds.
pub const ABSENT_IIN: &str = "700601399994";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("a real time")
}

/// A demo citizen: (name ru, name kk, sex, birth date, IIN serial).
struct Citizen {
    ru: [&'static str; 3],
    kk: [&'static str; 3],
    sex: Sex,
    born: (i32, u32, u32),
    serial: u16,
}

const fn c(
    ru: [&'static str; 3],
    kk: [&'static str; 3],
    sex: Sex,
    born: (i32, u32, u32),
    serial: u16,
) -> Citizen {
    Citizen {
        ru,
        kk,
        sex,
        born,
        serial,
    }
}

/// The demo citizens, in the order of the table above.
const CITIZENS: &[Citizen] = &[
    c(
        ["Ахметов", "Ерлан", "Серикович"],
        ["Ахметов", "Ерлан", "Серікұлы"],
        Sex::Male,
        (1985, 1, 1),
        0,
    ),
    c(
        ["Ахметова", "Динара", "Маратовна"],
        ["Ахметова", "Динара", "Маратқызы"],
        Sex::Female,
        (1987, 6, 21),
        1,
    ),
    c(
        ["Ахметова", "Айым", "Ерлановна"],
        ["Ахметова", "Айым", "Ерланқызы"],
        Sex::Female,
        (2024, 2, 10),
        13,
    ),
    c(
        ["Жумабаева", "Айгерим", "Нурлановна"],
        ["Жұмабаева", "Айгерім", "Нұрланқызы"],
        Sex::Female,
        (1990, 3, 12),
        0,
    ),
    c(
        ["Жумабаев", "Ержан", "Маратович"],
        ["Жұмабаев", "Ержан", "Маратұлы"],
        Sex::Male,
        (1988, 7, 15),
        12,
    ),
    c(
        ["Жумабаев", "Алихан", "Ержанович"],
        ["Жұмабаев", "Әлихан", "Ержанұлы"],
        Sex::Male,
        (2021, 5, 20),
        21,
    ),
    c(
        ["Жумабаева", "Томирис", "Ержановна"],
        ["Жұмабаева", "Томирис", "Ержанқызы"],
        Sex::Female,
        (2016, 9, 1),
        30,
    ),
    c(
        ["Жумабаев", "Санжар", "Ержанович"],
        ["Жұмабаев", "Санжар", "Ержанұлы"],
        Sex::Male,
        (2018, 3, 10),
        42,
    ),
    c(
        ["Иванов", "Сергей", "Александрович"],
        ["Иванов", "Сергей", "Александрович"],
        Sex::Male,
        (1979, 11, 3),
        51,
    ),
    c(
        ["Иванова", "Ольга", "Викторовна"],
        ["Иванова", "Ольга", "Викторовна"],
        Sex::Female,
        (1982, 4, 18),
        63,
    ),
    c(
        ["Иванова", "Мария", "Сергеевна"],
        ["Иванова", "Мария", "Сергеевна"],
        Sex::Female,
        (2022, 2, 14),
        73,
    ),
    c(
        ["Смирнова", "Елена", "Викторовна"],
        ["Смирнова", "Елена", "Викторовна"],
        Sex::Female,
        (1958, 12, 5),
        81,
    ),
    c(
        ["Касымов", "Данияр", "Асхатович"],
        ["Қасымов", "Данияр", "Асхатұлы"],
        Sex::Male,
        (1995, 8, 30),
        91,
    ),
    c(
        ["Сулейменов", "Марат", "Канатович"],
        ["Сүлейменов", "Марат", "Қанатұлы"],
        Sex::Male,
        (1970, 4, 22),
        104,
    ),
];

/// Index of each demo citizen in [`citizen_iins`] and [`citizens`].
pub mod who {
    pub const AKHMETOV_ERLAN: usize = 0;
    pub const AKHMETOVA_DINARA: usize = 1;
    pub const AKHMETOVA_AIYM: usize = 2;
    pub const ZHUMABAEVA_AIGERIM: usize = 3;
    pub const ZHUMABAEV_YERZHAN: usize = 4;
    pub const ZHUMABAEV_ALIKHAN: usize = 5;
    pub const ZHUMABAEVA_TOMIRIS: usize = 6;
    pub const ZHUMABAEV_SANZHAR: usize = 7;
    pub const IVANOV_SERGEY: usize = 8;
    pub const IVANOVA_OLGA: usize = 9;
    pub const IVANOVA_MARIA: usize = 10;
    pub const SMIRNOVA_ELENA: usize = 11;
    pub const KASYMOV_DANIYAR: usize = 12;
    pub const SULEIMENOV_MARAT: usize = 13;
}

/// The demo citizens' IINs, in the order of [`who`]. The serial of each is the first at or after
/// the listed one whose check digit is issued.
pub fn citizen_iins() -> Vec<Iin> {
    CITIZENS
        .iter()
        .map(|c| {
            let birth = date(c.born.0, c.born.1, c.born.2);
            (c.serial..=9999)
                .find_map(|s| Iin::generate(birth, c.sex, s))
                .expect("an issued serial")
        })
        .collect()
}

/// The IIN of demo citizen `i` (see [`who`]) as text.
pub fn iin_of(i: usize) -> String {
    citizen_iins()[i].to_string()
}

fn astana(street: &str, house: &str, flat: &str) -> Address {
    Address {
        region: "г. Астана".into(),
        district: None,
        locality: "Астана".into(),
        street: street.into(),
        house: house.into(),
        apartment: Some(flat.into()),
    }
}

fn almaty(street: &str, house: &str, flat: &str) -> Address {
    Address {
        region: "г. Алматы".into(),
        district: None,
        locality: "Алматы".into(),
        street: street.into(),
        house: house.into(),
        apartment: Some(flat.into()),
    }
}

fn aiyrtau(village: &str, street: &str, house: &str) -> Address {
    Address {
        region: "Северо-Казахстанская область".into(),
        district: Some("Айыртауский район".into()),
        locality: village.into(),
        street: street.into(),
        house: house.into(),
        apartment: None,
    }
}

/// The demo citizens as ГБД ФЛ holds them.
pub fn citizens() -> Vec<Person> {
    use who::*;
    let iins = citizen_iins();
    let akhmetov_home = astana("пр. Мангилик Ел", "55", "12");
    let zhumabaev_home = aiyrtau("с. Саумалколь", "ул. Школьная", "14");
    let ivanov_home = aiyrtau("с. Лобаново", "ул. Целинная", "3");
    let mut people: Vec<Person> = CITIZENS
        .iter()
        .zip(&iins)
        .enumerate()
        .map(|(i, (c, iin))| {
            let name = |n: &[&str; 3]| FullName {
                surname: n[0].into(),
                given_name: n[1].into(),
                patronymic: Some(n[2].into()),
            };
            let address = match i {
                AKHMETOV_ERLAN..=AKHMETOVA_AIYM => akhmetov_home.clone(),
                ZHUMABAEVA_AIGERIM..=ZHUMABAEV_SANZHAR => zhumabaev_home.clone(),
                IVANOV_SERGEY..=IVANOVA_MARIA => ivanov_home.clone(),
                SMIRNOVA_ELENA => almaty("пр. Достык", "97", "41"),
                KASYMOV_DANIYAR => almaty("ул. Толе би", "188", "7"),
                _ => astana("ул. Кенесары", "40", "88"),
            };
            let adult = iin.birth_date() < date(2008, 1, 1);
            Person {
                iin: *iin,
                name_ru: name(&c.ru),
                name_kk: name(&c.kk),
                sex: c.sex,
                birth_date: iin.birth_date(),
                address,
                phone: adult.then(|| format!("+7701{:07}", 1_000_000 + i * 111_111)),
                father: None,
                mother: None,
                children: Vec::new(),
                disability: i == ZHUMABAEVA_TOMIRIS,
                registered_unemployed: i == ZHUMABAEVA_AIGERIM,
            }
        })
        .collect();
    let families = [
        (AKHMETOV_ERLAN, AKHMETOVA_DINARA, vec![AKHMETOVA_AIYM]),
        (
            ZHUMABAEV_YERZHAN,
            ZHUMABAEVA_AIGERIM,
            vec![ZHUMABAEV_ALIKHAN, ZHUMABAEVA_TOMIRIS, ZHUMABAEV_SANZHAR],
        ),
        (IVANOV_SERGEY, IVANOVA_OLGA, vec![IVANOVA_MARIA]),
    ];
    for (father, mother, children) in families {
        for child in children {
            people[child].father = Some(iins[father]);
            people[child].mother = Some(iins[mother]);
            people[father].children.push(iins[child]);
            people[mother].children.push(iins[child]);
        }
    }
    people
}

/// A demo organisation: (kind, registered year, month, serial, name kk, ru, en, head, address).
pub struct DemoOrganisation {
    pub kind: OrganisationKind,
    pub registered: (i32, u32),
    pub serial: u32,
    pub name: [&'static str; 3],
    /// Index into [`who`].
    pub head: usize,
    pub locality: &'static str,
}

const fn o(
    kind: OrganisationKind,
    registered: (i32, u32),
    serial: u32,
    name: [&'static str; 3],
    head: usize,
    locality: &'static str,
) -> DemoOrganisation {
    DemoOrganisation {
        kind,
        registered,
        serial,
        name,
        head,
        locality,
    }
}

use OrganisationKind::{Clinic as PHC, Company, Kindergarten as DDO, StateBody};

/// The demo organisations ([kk, ru, en] names). Indices 4–7 are the kindergartens, 8–11 the
/// clinics.
pub const ORGANISATIONS: &[DemoOrganisation] = &[
    o(
        StateBody,
        (2005, 1),
        1234,
        [
            "«Айыртау ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі» ММ",
            "ГУ «Отдел занятости и социальных программ Айыртауского района»",
            "Aiyrtau District Department of Employment and Social Programmes",
        ],
        who::IVANOV_SERGEY,
        "с. Саумалколь",
    ),
    o(
        StateBody,
        (2005, 2),
        2345,
        [
            "«Айыртау ауданының білім бөлімі» ММ",
            "ГУ «Отдел образования Айыртауского района»",
            "Aiyrtau District Department of Education",
        ],
        who::ZHUMABAEV_YERZHAN,
        "с. Саумалколь",
    ),
    o(
        StateBody,
        (2012, 2),
        3456,
        [
            "«Ақпарат және мұрағат комитеті» РММ",
            "РГУ «Комитет информации и архивов»",
            "Committee of Information and Archives",
        ],
        who::AKHMETOVA_DINARA,
        "Астана",
    ),
    o(
        Company,
        (2019, 6),
        4567,
        [
            "«Сарыарқа Медиа» ЖШС",
            "ТОО «Сарыарка Медиа»",
            "Saryarka Media LLP",
        ],
        who::SULEIMENOV_MARAT,
        "Астана",
    ),
    o(
        DDO,
        (2010, 9),
        11,
        [
            "«Балапан» бөбекжай-бақшасы",
            "Ясли-сад «Балапан»",
            "Balapan kindergarten",
        ],
        who::IVANOVA_OLGA,
        "с. Саумалколь",
    ),
    o(
        DDO,
        (2013, 8),
        22,
        [
            "«Айгөлек» бөбекжай-бақшасы",
            "Ясли-сад «Айгөлек»",
            "Aigolek kindergarten",
        ],
        who::IVANOVA_OLGA,
        "с. Саумалколь",
    ),
    o(
        DDO,
        (2011, 3),
        33,
        [
            "«Қарлығаш» бөбекжай-бақшасы",
            "Ясли-сад «Карлыгаш»",
            "Karlygash kindergarten",
        ],
        who::IVANOVA_OLGA,
        "с. Арыкбалык",
    ),
    o(
        DDO,
        (2015, 5),
        44,
        [
            "«Ақбота» бөбекжай-бақшасы",
            "Ясли-сад «Акбота»",
            "Akbota kindergarten",
        ],
        who::IVANOVA_OLGA,
        "с. Имантау",
    ),
    o(
        PHC,
        (2008, 5),
        101,
        [
            "№1 қалалық емхана",
            "Городская поликлиника №1",
            "City Polyclinic No. 1",
        ],
        who::AKHMETOVA_DINARA,
        "Астана",
    ),
    o(
        PHC,
        (2008, 5),
        104,
        [
            "№4 қалалық емхана",
            "Городская поликлиника №4",
            "City Polyclinic No. 4",
        ],
        who::AKHMETOVA_DINARA,
        "Астана",
    ),
    o(
        PHC,
        (2009, 10),
        109,
        [
            "№9 қалалық емхана",
            "Городская поликлиника №9",
            "City Polyclinic No. 9",
        ],
        who::AKHMETOVA_DINARA,
        "Астана",
    ),
    o(
        PHC,
        (2016, 4),
        77,
        [
            "«Шипагер» отбасылық емханасы",
            "Семейная поликлиника «Шипагер»",
            "Shipager Family Clinic",
        ],
        who::SULEIMENOV_MARAT,
        "Астана",
    ),
];

pub const KINDERGARTENS: std::ops::Range<usize> = 4..8;
pub const CLINICS: std::ops::Range<usize> = 8..12;

/// The BIN of demo organisation `i`: the first issued serial at or after the listed one.
pub fn organisation_bin(i: usize) -> Bin {
    let d = &ORGANISATIONS[i];
    (d.serial..=99_999)
        .find_map(|s| {
            make_bin(
                d.registered.0,
                d.registered.1,
                EntityKind::ResidentLegalEntity,
                BinAttribute::HeadOffice,
                s,
            )
        })
        .expect("an issued serial")
}

pub fn organisations() -> Vec<Organisation> {
    let iins = citizen_iins();
    ORGANISATIONS
        .iter()
        .enumerate()
        .map(|(i, d)| Organisation {
            bin: organisation_bin(i),
            name: Text::new(d.name[0], d.name[1], d.name[2]),
            kind: d.kind,
            address: if d.locality.starts_with("с. ") {
                aiyrtau(d.locality, "ул. Абая", &(10 + i).to_string())
            } else {
                Address {
                    region: "г. Астана".into(),
                    district: None,
                    locality: "Астана".into(),
                    street: "пр. Республики".into(),
                    house: (20 + i).to_string(),
                    apartment: None,
                }
            },
            head_iin: iins[d.head],
        })
        .collect()
}

/// The district's kindergartens with their places on the demo day.
pub fn kindergartens() -> Vec<Kindergarten> {
    use AgeGroup::*;
    // (capacity, taken) per group: nursery, junior, middle, senior, pre-school.
    let places: [[(u32, u32); 5]; 4] = [
        [(15, 15), (20, 18), (25, 25), (25, 24), (25, 25)],
        [(10, 8), (15, 15), (20, 19), (20, 20), (20, 19)],
        [(10, 9), (12, 10), (15, 15), (15, 14), (15, 15)],
        [(8, 8), (10, 9), (12, 11), (12, 12), (12, 12)],
    ];
    KINDERGARTENS
        .zip(places)
        .map(|(i, p)| Kindergarten {
            id: organisation_bin(i).to_string(),
            name: Text::new(
                ORGANISATIONS[i].name[0],
                ORGANISATIONS[i].name[1],
                ORGANISATIONS[i].name[2],
            ),
            locality: ORGANISATIONS[i].locality.to_string(),
            groups: [Nursery, Junior, Middle, Senior, PreSchool]
                .into_iter()
                .zip(p)
                .map(|(g, (capacity, taken))| (g, Places { capacity, taken }))
                .collect::<BTreeMap<_, _>>(),
        })
        .collect()
}

/// Astana's demo clinics.
pub fn clinics() -> Vec<Clinic> {
    CLINICS
        .map(|i| {
            let saturday = matches!(i, 8 | 11).then_some(Hours {
                open: time(9, 0),
                close: time(14, 0),
            });
            Clinic {
                id: organisation_bin(i).to_string(),
                name: Text::new(
                    ORGANISATIONS[i].name[0],
                    ORGANISATIONS[i].name[1],
                    ORGANISATIONS[i].name[2],
                ),
                address: format!("г. Астана, пр. Республики, {}", 20 + i),
                hours: WeeklyHours {
                    weekdays: Hours {
                        open: time(8, 0),
                        close: time(20, 0),
                    },
                    saturday,
                    sunday: None,
                },
                days_off: BTreeSet::new(),
            }
        })
        .collect()
}

/// Three doctors per clinic: ids `D-<clinic>-1..3` (clinic 1–4).
pub fn doctors() -> Vec<Doctor> {
    let names = [
        [
            "Омарова Гульнара Асхатовна",
            "Петров Андрей Николаевич",
            "Искакова Сауле Маратовна",
        ],
        [
            "Касымова Алия Ерлановна",
            "Волков Дмитрий Павлович",
            "Нурпеисова Жанар Канатовна",
        ],
        [
            "Есенов Арман Бауыржанович",
            "Лебедева Ирина Сергеевна",
            "Сапарова Мадина Нурлановна",
        ],
        [
            "Ермеков Канат Серикович",
            "Козлова Татьяна Ивановна",
            "Байтурсынова Асель Ержановна",
        ],
    ];
    let mut out = Vec::new();
    for (n, i) in CLINICS.enumerate() {
        let clinic = organisation_bin(i).to_string();
        let specs = [
            (Speciality::GeneralPractitioner, time(8, 0), time(14, 0), 15),
            (Speciality::Therapist, time(14, 0), time(20, 0), 20),
            (Speciality::Paediatrician, time(9, 0), time(15, 0), 20),
        ];
        for (k, (speciality, from, to, slot_minutes)) in specs.into_iter().enumerate() {
            out.push(Doctor {
                id: format!("D-{}-{}", n + 1, k + 1),
                clinic: clinic.clone(),
                name: names[n][k].to_string(),
                speciality,
                from,
                to,
                slot_minutes,
            });
        }
    }
    out
}

pub fn powers_of_attorney() -> Vec<PowerOfAttorney> {
    let iins = citizen_iins();
    vec![
        PowerOfAttorney {
            number: "НД-2026-0001".into(),
            principal: iins[who::SMIRNOVA_ELENA],
            representative: iins[who::KASYMOV_DANIYAR],
            scope: Scope::Services {
                codes: vec!["archive-apostille".into(), "archival-certificate".into()],
            },
            notarised_on: date(2026, 2, 10),
            valid_until: date(2029, 2, 9),
            revoked_on: None,
        },
        PowerOfAttorney {
            number: "НД-2025-0417".into(),
            principal: iins[who::AKHMETOV_ERLAN],
            representative: iins[who::KASYMOV_DANIYAR],
            scope: Scope::All,
            notarised_on: date(2025, 5, 5),
            valid_until: date(2028, 5, 4),
            revoked_on: Some(date(2026, 3, 1)),
        },
        PowerOfAttorney {
            number: "НД-2023-0999".into(),
            principal: iins[who::SULEIMENOV_MARAT],
            representative: iins[who::KASYMOV_DANIYAR],
            scope: Scope::All,
            notarised_on: date(2023, 1, 16),
            valid_until: date(2025, 1, 15),
            revoked_on: None,
        },
    ]
}

/// The demo world; [`Registries::demo`] with the default sizes.
pub fn build(seed: u64, households: usize, companies: usize, as_of: NaiveDate) -> Registries {
    let mut gbd_fl = GbdFl::new();
    for p in citizens() {
        gbd_fl.insert(p);
    }
    let absent: Iin = ABSENT_IIN.parse().expect("ABSENT_IIN is valid");
    gbd_fl.generate(seed, households, as_of, &BTreeSet::from([absent]));

    let mut gbd_ul = GbdUl::new();
    for o in organisations() {
        gbd_ul.insert(o);
    }
    let heads: Vec<Iin> = gbd_fl
        .people()
        .filter(|p| p.children.iter().len() > 0 || p.phone.is_some())
        .filter(|p| crate::common::age_on(p.birth_date, as_of) >= 21)
        .map(|p| p.iin)
        .collect();
    gbd_ul.generate(
        seed ^ 0x5EED_0000_0000_0001,
        companies,
        &heads,
        &BTreeSet::new(),
    );

    let mut notary = Notary::new();
    for p in powers_of_attorney() {
        notary.insert(p);
    }

    let clinics = clinics();
    let mut attachment_register = AttachmentRegister::new(
        clinics
            .iter()
            .map(|c| PhcOrganisation {
                id: c.id.clone(),
                name: c.name.clone(),
            })
            .collect(),
    );
    let iins = citizen_iins();
    let mut rng = SplitMix64::new(seed ^ 0x5EED_0000_0000_0002);
    for p in gbd_fl.people() {
        if p.address.locality != "Астана" || iins.contains(&p.iin) {
            continue;
        }
        let clinic = rng.pick(&clinics).id.clone();
        let days = rng.below(7 * 365);
        attachment_register.insert(Attachment {
            iin: p.iin,
            organisation: clinic,
            since: as_of - chrono::Days::new(days),
            reason: AttachmentReason::First,
        });
    }
    attachment_register.insert(Attachment {
        iin: iins[who::AKHMETOV_ERLAN],
        organisation: clinics[0].id.clone(),
        since: date(2025, 3, 3),
        reason: AttachmentReason::First,
    });
    attachment_register.insert(Attachment {
        iin: iins[who::SULEIMENOV_MARAT],
        organisation: clinics[1].id.clone(),
        since: date(2026, 6, 1),
        reason: AttachmentReason::Moved,
    });

    Registries {
        gbd_fl,
        gbd_ul,
        payment_gateway: PaymentGateway::new(),
        notary,
        kindergarten_register: KindergartenRegister::new(kindergartens()),
        doctor_schedule: DoctorSchedules::new(clinics, doctors()),
        attachment_register,
    }
}
