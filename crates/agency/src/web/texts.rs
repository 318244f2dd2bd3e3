//! The workplace pages' texts, in Kazakh, Russian and English.

use qyzmet_core::Text;

qyzmet_web::texts! {
    site_name => "Көрсетілетін қызметті берушінің жұмыс орны", "Рабочее место услугодателя", "Provider's workplace";
    queue => "Өтінімдер кезегі", "Очередь заявок", "Queue of requests";
    log_in => "Кіру", "Войти", "Log in";

    login_title => "Қызметкердің жүйеге кіруі", "Вход сотрудника", "Staff log-in";
    login_lead => "Қызметкердің логині мен құпиясөзін енгізіңіз.", "Введите логин и пароль сотрудника.", "Enter your staff login and password.";
    login_hint => "Қызметкердің логині, мысалы: ұйым.employee", "Логин сотрудника, например: организация.employee", "Your staff login, e.g. organisation.employee";

    status => "Мәртебесі", "Статус", "Status";
    any_status => "Кез келген мәртебе", "Любой статус", "Any status";
    only_overdue => "Тек мерзімі өткендер", "Только просроченные", "Only overdue";
    show => "Көрсету", "Показать", "Show";
    queue_empty => "Кезекте өтінім жоқ.", "В очереди нет заявок.", "There are no requests in the queue.";
    number => "Өтінім нөмірі", "Номер заявки", "Request number";
    service => "Қызмет", "Услуга", "Service";
    deadline => "Орындау мерзімі", "Срок исполнения", "Deadline";
    time_left => "Қалған уақыт", "Осталось времени", "Time left";

    request_title => "Өтінім", "Заявка", "Request";
    channel => "Арна", "Канал", "Channel";
    received => "Түскен күні", "Дата поступления", "Received on";
    waits_for => "Күтуде", "Ожидает", "Waiting for";
    recipient => "Алушы", "Получатель", "Recipient";
    recipient_id => "ЖСН / БСН", "ИИН / БИН", "IIN / BIN";
    application => "Өтініш", "Заявление", "Application";
    attachments => "Қоса берілген құжаттар", "Приложенные документы", "Attached documents";
    no_attachments => "Құжат қоса берілмеген.", "Документы не приложены.", "No documents are attached.";
    actions => "Қазір не күтеді", "Что ожидается сейчас", "What the request waits for now";
    timeline => "Өтінім тарихы", "История заявки", "Timeline";
    back_to_queue => "Кезекке оралу", "Вернуться к очереди", "Back to the queue";
    nothing_waits => "Өтінім бойынша әрекет күтілмейді.", "Заявка не ожидает действий.", "The request waits for no action.";
    waits_outside => "Өтінім сыртқы жүйенің жауабын күтуде.", "Заявка ожидает ответа внешней системы.", "The request waits for an outside system's answer.";
    waits_elsewhere => "Өтінім басқа қатысушының әрекетін күтуде (алушы немесе ХҚКО).", "Заявка ожидает действия другого участника (получателя или ЦОН).", "The request waits for another participant (the recipient or a CSC).";
    for_role => "Бұл қадамды орындайтын:", "Этот шаг выполняет:", "This step is done by:";
    role_employee => "қызметкер", "сотрудник", "an employee";
    role_signer => "қол қоюға уәкілетті тұлға", "уполномоченное лицо с правом подписи", "the person authorised to sign";
    role_head => "басшы", "руководитель", "the head";
    role_operator => "ХҚКО операторы", "оператор ЦОН", "a CSC operator";

    take => "Жұмысқа алу", "Принять в работу", "Take into work";
    decision => "Шешім", "Решение", "Decision";
    decide => "Шешімді бекіту", "Принять решение", "Record the decision";
    decision_required => "Шешімді таңдаңыз", "Выберите решение", "Choose the decision";
    outcome_positive => "Оң нәтиже", "Положительный результат", "Positive";
    outcome_refusal => "Дәлелді бас тарту", "Мотивированный отказ", "Motivated refusal";
    outcome_interim => "Аралық нәтиже", "Промежуточный результат", "Interim result";
    grounds => "Бас тарту негіздемесі", "Основание отказа", "Grounds for refusal";
    grounds_hint => "Регламентте көрсетілген негіздердің бірі", "Одно из оснований, названных в регламенте", "One of the grounds the regulation names";
    grounds_not_met => "Қызмет көрсетуге негіздер жоқ", "Отсутствуют основания для оказания услуги", "The grounds for the service are not met";
    details => "Түсініктеме", "Пояснение", "Explanation";
    condition_holds => "Шарт орындалды ма?", "Условие выполнено?", "Does the condition hold?";
    answer_required => "Жауапты таңдаңыз", "Выберите ответ", "Choose an answer";
    yes => "Иә", "Да", "Yes";
    no => "Жоқ", "Нет", "No";
    done_step => "Орындалды", "Выполнено", "Done";
    extend_title => "Мерзімді ұзарту", "Продление срока", "Extend the deadline";
    extend => "Мерзімді ұзарту", "Продлить срок", "Extend the deadline";
    new_deadline => "Жаңа мерзім", "Новый срок", "New deadline";
    reason => "Ұзарту себебі", "Причина продления", "Reason for the extension";
    date_required => "Жаңа мерзімнің күнін енгізіңіз", "Введите дату нового срока", "Enter the new deadline's date";
    sign_result => "Нәтижеге қол қою", "Подписать результат", "Sign the result";

    sign_title => "Нәтижеге қол қою", "Подписание результата", "Sign the result";
    sign_lead => "Нәтиже құжатына өз ЭЦҚ кілтіңізбен қол қойыңыз. Кілт файлы мен құпиясөз браузерден шықпайды: серверге тек қолтаңба жіберіледі.", "Подпишите документ результата своим ключом ЭЦП. Файл ключа и пароль не покидают браузер: на сервер отправляется только подпись.", "Sign the result document with your own e-signature key. The key file and its password never leave the browser: only the signature is sent.";
    sign_button => "Қол қою және жіберу", "Подписать и отправить", "Sign and send";
    result => "Нәтижесі", "Результат", "Result";
    provider => "Қызметті беруші", "Услугодатель", "Provider";
    signer => "Қол қоятын", "Подписывает", "Signed by";
    signed_bytes => "Қол қойылатын құжат (JSON)", "Подписываемый документ (JSON)", "The document signed (JSON)";

    ev_status => "Мәртебе өзгерді", "Статус изменён", "Status changed";
    ev_started => "Басталды", "Начато", "Started";
    ev_ended => "Аяқталды", "Завершено", "Done";
    ev_fact => "Тексерілді", "Проверено", "Checked";
    ev_decided => "Шешім қабылданды", "Принято решение", "Decided";
    ev_extended => "Мерзімі ұзартылды", "Срок продлён", "Deadline extended";
    ev_refused => "Бас тартылды", "Отказано", "Refused";
    ev_finished => "Аяқталды", "Завершено", "Finished";
    due_by => "мерзімі", "срок", "due by";
    kept => "мерзімінде", "в срок", "on time";
    missed => "мерзімі өткен", "срок нарушен", "deadline missed";

    file_title => "Азамат үшін өтінім беру", "Подать заявку за гражданина", "File a request for a citizen";
    file_lead => "Азамат жеке өзі келді: қызметті таңдаңыз, оның ЖСН-ын енгізіңіз, өтінішті толтырып, өз ЭЦҚ кілтіңізбен қол қойыңыз.", "Гражданин пришёл лично: выберите услугу, введите его ИИН, заполните заявление и подпишите своим ключом ЭЦП.", "The citizen has come in person: choose the service, enter their IIN, fill in the application and sign it with your own e-signature key.";
    no_services => "Ұйымыңыз өз кеңсесінде көрсететін қызмет жоқ.", "Нет услуг, которые ваша организация оказывает в своём офисе.", "Your organisation provides no service at its own office.";
    citizen_title => "Азаматтың ЖСН-ы", "ИИН гражданина", "The citizen's IIN";
    citizen_lead => "Азаматтың ЖСН-ы жеке тұлғалардың мемлекеттік деректер базасында тексеріледі.", "ИИН гражданина проверяется в государственной базе данных физических лиц.", "The citizen's IIN is checked in the state database of individuals.";
    iin => "Азаматтың ЖСН-ы", "ИИН гражданина", "The citizen's IIN";
    iin_hint => "12 цифр, жеке куәлікте көрсетілген", "12 цифр, как в удостоверении личности", "12 digits, as on the identity card";
    iin_required => "Азаматтың ЖСН-ын енгізіңіз", "Введите ИИН гражданина", "Enter the citizen's IIN";
    continue_button => "Жалғастыру", "Продолжить", "Continue";
    form_title => "Азаматтың өтініші", "Заявление гражданина", "The citizen's application";
    form_lead => "Өтінішті азамат атынан, оның құжаттары бойынша толтырыңыз.", "Заполните заявление от имени гражданина по его документам.", "Fill in the application on the citizen's behalf, from their documents.";
    scans => "Сканерленген құжаттар", "Сканированные документы", "Scanned documents";
    review_title => "Өтінішті тексеріңіз", "Проверьте заявление", "Check the application";
    change => "Өзгерту", "Изменить", "Change";
    not_filled => "толтырылмаған", "не заполнено", "not filled";
    file_sign_title => "Қызметкердің қолы", "Подпись сотрудника", "The employee's signature";
    file_sign_lead => "Өтінішке өзіңіздің (қызметкердің) ЭЦҚ кілтіңізбен қол қойыңыз. Кілт файлы мен құпиясөз браузерден шықпайды: серверге тек қолтаңба жіберіледі.", "Подпишите заявление своим ключом ЭЦП сотрудника. Файл ключа и пароль не покидают браузер: на сервер отправляется только подпись.", "Sign the application with your own employee's e-signature key. The key file and its password never leave the browser: only the signature is sent.";
    draft_gone => "Өтініш жобасы табылмады (мерзімі өткен болуы мүмкін); өтінішті қайта толтырыңыз.", "Черновик заявления не найден (возможно, истёк его срок); заполните заявление заново.", "The draft application was not found (it may have expired); fill in the application again.";
}

/// The hint under the new deadline's date: the time of day it falls at.
pub fn new_deadline_hint(at: &str) -> Text {
    Text::new(
        format!("Мерзім сол күні сағат {at}-да аяқталады (Қазақстан уақыты)"),
        format!("Срок истекает в этот день в {at} (время Казахстана)"),
        format!("The deadline falls on that day at {at} (Kazakhstan time)"),
    )
}

/// A duration in days, hours and minutes.
fn span(seconds: i64) -> Text {
    let s = seconds.max(0);
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    let part = |units: [&str; 3]| {
        let mut out = Vec::new();
        if d > 0 {
            out.push(format!("{d} {}", units[0]));
        }
        if h > 0 || d > 0 {
            out.push(format!("{h} {}", units[1]));
        }
        out.push(format!("{m} {}", units[2]));
        out.join(" ")
    };
    Text::new(
        part(["күн", "сағ.", "мин"]),
        part(["дн.", "ч", "мин"]),
        part(["d", "h", "min"]),
    )
}

/// Time left until a deadline.
pub fn left(seconds: i64) -> Text {
    let t = span(seconds);
    Text::new(
        format!("{} қалды", t.kk),
        format!("осталось {}", t.ru),
        format!("{} left", t.en),
    )
}

/// How long a deadline has been missed.
pub fn overdue_by(seconds: i64) -> Text {
    let t = span(seconds);
    Text::new(
        format!("мерзімі {} өтті", t.kk),
        format!("просрочено на {}", t.ru),
        format!("overdue by {}", t.en),
    )
}

/// The notice after an act, by its name in the address.
pub fn done(what: &str) -> Option<Text> {
    Some(match what {
        "taken" => Text::new(
            "Өтінім жұмысқа алынды.",
            "Заявка принята в работу.",
            "The request has been taken into work.",
        ),
        "decided" => Text::new(
            "Шешім тіркелді.",
            "Решение записано.",
            "The decision has been recorded.",
        ),
        "extended" => Text::new(
            "Мерзім ұзартылды; алушыға хабарланды.",
            "Срок продлён; получатель уведомлён.",
            "The deadline has been extended; the recipient has been told.",
        ),
        "filed" => Text::new(
            "Өтінім тіркелді.",
            "Заявка зарегистрирована.",
            "The request has been registered.",
        ),
        "performed" => Text::new("Қадам орындалды.", "Шаг выполнен.", "The step is done."),
        "signed" => Text::new(
            "Нәтижеге қол қойылды және жіберілді.",
            "Результат подписан и отправлен.",
            "The result has been signed and sent.",
        ),
        _ => return None,
    })
}
