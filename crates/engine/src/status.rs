//! The statuses a recipient sees, in the platform's three languages.

use qyzmet_core::regulation::Status;
use qyzmet_core::Text;

/// The name of a status as the personal cabinet shows it.
pub fn status_name(status: Status) -> Text {
    let (kk, ru, en) = match status {
        Status::Submitted => (
            "Қалыптастырылды және қол қойылды",
            "Сформирован и подписан",
            "Formed and signed",
        ),
        Status::Received => ("Түскен", "Поступившие", "Received"),
        Status::InWork => ("Орындалуда", "В работе", "In work"),
        Status::AwaitingPayment => ("Төлемді күтуде", "Ожидает оплаты", "Awaiting payment"),
        Status::DeadlineExtended => ("Мерзімі ұзартылды", "Срок продлён", "Deadline extended"),
        Status::Completed => ("Орындау аяқталды", "Исполнение завершено", "Completed"),
        Status::Refused => (
            "Дәлелді бас тарту",
            "Мотивированный отказ",
            "Refused with a motivated refusal",
        ),
        Status::ReadyForPickup => ("Беруге дайын", "Готов к выдаче", "Ready for pickup"),
        Status::Issued => ("Берілді", "Выдан", "Issued"),
    };
    Text::new(kk, ru, en)
}
