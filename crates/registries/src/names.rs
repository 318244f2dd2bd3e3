//! Names for synthetic people: common real Kazakh and Russian surnames, given names and the
//! patronymics made from them, each in its Russian form (as identity documents and ГБД ФЛ
//! write it in Cyrillic Russian) and its Kazakh form.
//!
//! Forms, as used here:
//! - Surnames end in -ов/-ев/-ин for men; the woman's form adds -а (Ахметов → Ахметова). The
//!   Kazakh spelling keeps the same ending (Жұмабаев, Жұмабаева).
//! - A Kazakh patronymic is written in Russian as the father's name + -ович/-овна
//!   (Нурлан → Нурланович, Нурлановна), in Kazakh as the father's name + ұлы/қызы
//!   (Нұрланұлы, Нұрланқызы). Only Kazakh names ending in a consonant other than й/ь are listed,
//!   for which the Russian rule is that simple.
//! - Russian patronymics are irregular (Сергей → Сергеевич, Никита → Никитич) and are listed in
//!   full; a Russian person's name is the same in both forms.
//!
//! The lists are of names common in Kazakhstan from general knowledge; they carry no statistics.

/// A Kazakh surname, man's form: (Russian spelling, Kazakh spelling).
pub const KAZAKH_SURNAMES: &[(&str, &str)] = &[
    ("Ахметов", "Ахметов"),
    ("Омаров", "Омаров"),
    ("Сулейменов", "Сүлейменов"),
    ("Искаков", "Ысқақов"),
    ("Жумабаев", "Жұмабаев"),
    ("Касымов", "Қасымов"),
    ("Байтурсынов", "Байтұрсынов"),
    ("Нурпеисов", "Нұрпейісов"),
    ("Кенжебаев", "Кенжебаев"),
    ("Есенов", "Есенов"),
    ("Мухамеджанов", "Мұхамеджанов"),
    ("Сапаров", "Сапаров"),
    ("Ермеков", "Ермеков"),
    ("Абдрахманов", "Әбдірахманов"),
    ("Сейткалиев", "Сейітқалиев"),
    ("Тулеубаев", "Төлеубаев"),
    ("Амангельдин", "Амангелдин"),
    ("Каиргельдин", "Қайыргелдин"),
];

/// A Kazakh man's given name: (Russian spelling, Kazakh spelling). All end in a consonant.
pub const KAZAKH_MALE_NAMES: &[(&str, &str)] = &[
    ("Нурлан", "Нұрлан"),
    ("Серик", "Серік"),
    ("Ержан", "Ержан"),
    ("Асхат", "Асхат"),
    ("Данияр", "Данияр"),
    ("Арман", "Арман"),
    ("Бауыржан", "Бауыржан"),
    ("Ерлан", "Ерлан"),
    ("Алибек", "Әлібек"),
    ("Нурсултан", "Нұрсұлтан"),
    ("Канат", "Қанат"),
    ("Марат", "Марат"),
    ("Айдос", "Айдос"),
    ("Санжар", "Санжар"),
    ("Ерасыл", "Ерасыл"),
    ("Алихан", "Әлихан"),
    ("Мансур", "Мансұр"),
    ("Темирлан", "Темірлан"),
];

/// A Kazakh woman's given name: (Russian spelling, Kazakh spelling).
pub const KAZAKH_FEMALE_NAMES: &[(&str, &str)] = &[
    ("Айгерим", "Айгерім"),
    ("Динара", "Динара"),
    ("Гульнара", "Гүлнара"),
    ("Асель", "Әсел"),
    ("Жанар", "Жанар"),
    ("Алия", "Әлия"),
    ("Сауле", "Сәуле"),
    ("Мадина", "Мадина"),
    ("Айдана", "Айдана"),
    ("Камила", "Камила"),
    ("Аружан", "Аружан"),
    ("Томирис", "Томирис"),
    ("Жансая", "Жансая"),
    ("Дана", "Дана"),
    ("Айым", "Айым"),
];

/// A Russian surname, man's form.
pub const RUSSIAN_SURNAMES: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
];

/// A Russian man's given name with the patronymics it gives: (name, son's, daughter's).
pub const RUSSIAN_MALE_NAMES: &[(&str, &str, &str)] = &[
    ("Александр", "Александрович", "Александровна"),
    ("Сергей", "Сергеевич", "Сергеевна"),
    ("Андрей", "Андреевич", "Андреевна"),
    ("Дмитрий", "Дмитриевич", "Дмитриевна"),
    ("Алексей", "Алексеевич", "Алексеевна"),
    ("Иван", "Иванович", "Ивановна"),
    ("Михаил", "Михайлович", "Михайловна"),
    ("Николай", "Николаевич", "Николаевна"),
    ("Владимир", "Владимирович", "Владимировна"),
    ("Евгений", "Евгеньевич", "Евгеньевна"),
    ("Павел", "Павлович", "Павловна"),
    ("Максим", "Максимович", "Максимовна"),
    ("Виктор", "Викторович", "Викторовна"),
    ("Никита", "Никитич", "Никитична"),
];

/// A Russian woman's given name.
pub const RUSSIAN_FEMALE_NAMES: &[&str] = &[
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Анна",
    "Мария",
    "Екатерина",
    "Юлия",
    "Анастасия",
    "Дарья",
    "Виктория",
];

/// The woman's form of a surname in -ов/-ев/-ин (both spellings): the man's form + а.
pub fn female_surname(male: &str) -> String {
    format!("{male}а")
}

/// A Kazakh patronymic from the father's name (Russian spelling, Kazakh spelling):
/// (Russian form, Kazakh form).
pub fn kazakh_patronymic(father: (&str, &str), son: bool) -> (String, String) {
    let (ru, kk) = father;
    if son {
        (format!("{ru}ович"), format!("{kk}ұлы"))
    } else {
        (format!("{ru}овна"), format!("{kk}қызы"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(female_surname("Ахметов"), "Ахметова");
        assert_eq!(
            kazakh_patronymic(("Серик", "Серік"), true),
            ("Серикович".to_string(), "Серікұлы".to_string())
        );
        assert_eq!(
            kazakh_patronymic(("Нурлан", "Нұрлан"), false),
            ("Нурлановна".to_string(), "Нұрланқызы".to_string())
        );
    }

    #[test]
    fn kazakh_male_names_end_in_a_plain_consonant() {
        for (ru, _) in KAZAKH_MALE_NAMES {
            let last = ru.chars().last().unwrap();
            assert!(!"аеёиоуыэюяйь".contains(last), "{ru}");
        }
        for s in KAZAKH_SURNAMES
            .iter()
            .map(|s| s.0)
            .chain(RUSSIAN_SURNAMES.iter().copied())
        {
            assert!(
                s.ends_with("ов") || s.ends_with("ев") || s.ends_with("ин"),
                "{s}"
            );
        }
    }
}
