//! The texts the kit itself shows, in Kazakh, Russian and English. A participant's own texts
//! live with its pages; these are the ones every page shares.

use qyzmet_core::Text;

pub fn skip_to_content() -> Text {
    Text::new(
        "Негізгі мазмұнға өту",
        "Перейти к основному содержанию",
        "Skip to main content",
    )
}

pub fn language() -> Text {
    Text::new("Тіл", "Язык", "Language")
}

pub fn main_menu() -> Text {
    Text::new("Негізгі мәзір", "Основное меню", "Main menu")
}

pub fn log_out() -> Text {
    Text::new("Шығу", "Выйти", "Log out")
}

pub fn signed_in_as() -> Text {
    Text::new("Жүйеге кірген", "Вы вошли как", "Logged in as")
}

pub fn footer() -> Text {
    Text::new(
        "Qyzmet — Қазақстан Республикасының электрондық мемлекеттік қызметтерінің ашық платформасы. Анықтама орталығы: 1414.",
        "Qyzmet — открытая платформа электронных государственных услуг Республики Казахстан. Контакт-центр: 1414.",
        "Qyzmet — the open platform of the Republic of Kazakhstan's electronic government services. Contact centre: 1414.",
    )
}

/// The heading of a form's error summary (GOV.UK: "There is a problem").
pub fn there_is_a_problem() -> Text {
    Text::new("Қате бар", "Есть ошибки", "There is a problem")
}

/// Read before a field's error by screen readers.
pub fn error_prefix() -> Text {
    Text::new("Қате:", "Ошибка:", "Error:")
}

pub fn optional() -> Text {
    Text::new("(міндетті емес)", "(необязательно)", "(optional)")
}

pub fn already_attached() -> Text {
    Text::new("Тіркелген файл:", "Приложенный файл:", "Attached file:")
}

pub fn csrf_refused() -> Text {
    Text::new(
        "Нысан ескірген немесе басқа сайттан жіберілген, сондықтан қабылданбады. Алдыңғы бетке оралып, оны жаңартып, қайта жіберіңіз.",
        "Форма устарела или отправлена с другого сайта, поэтому она не принята. Вернитесь на предыдущую страницу, обновите её и отправьте снова.",
        "The form has expired or was sent from another site, so it was not accepted. Go back, reload the page and send it again.",
    )
}

pub fn csrf_title() -> Text {
    Text::new(
        "Нысан қабылданбады",
        "Форма не принята",
        "The form was not accepted",
    )
}

pub fn not_found() -> Text {
    Text::new("Бет табылмады", "Страница не найдена", "Page not found")
}

pub fn back_home() -> Text {
    Text::new("Басты бетке", "На главную", "To the home page")
}

pub fn not_stated() -> Text {
    Text::new(
        "регламентте көрсетілмеген",
        "в регламенте не указано",
        "not stated in the regulation",
    )
}

pub fn refused() -> Text {
    Text::new("Қолжетімділік жоқ", "Доступ запрещён", "Access refused")
}

pub fn failed() -> Text {
    Text::new("Жүйеде қате", "Ошибка системы", "The system failed")
}

pub fn not_done() -> Text {
    Text::new("Орындалмады", "Не выполнено", "Not done")
}
