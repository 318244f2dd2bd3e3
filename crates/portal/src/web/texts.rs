//! The portal pages' texts, in Kazakh, Russian and English.

qyzmet_web::texts! {
    site_name => "«Электрондық үкімет» порталы", "Портал «электронного правительства»", "E-government portal";
    catalogue => "Қызметтер каталогы", "Каталог услуг", "Catalogue of services";
    catalogue_lead => "Мемлекеттік қызметтер, оларды көрсететін органдар бойынша топтастырылған.", "Государственные услуги, сгруппированные по оказывающим их органам.", "Government services, grouped by the bodies that provide them.";
    my_requests => "Менің өтінімдерім", "Мои заявки", "My requests";
    notifications => "Хабарламалар", "Уведомления", "Notifications";
    log_in => "Кіру", "Войти", "Log in";
    register => "Тіркелу", "Регистрация", "Register";

    iin => "ЖСН", "ИИН", "IIN";
    iin_hint => "12 цифр, жеке куәлігіңізде көрсетілген", "12 цифр, указан в удостоверении личности", "12 digits, as on your identity card";
    password => "Құпиясөз", "Пароль", "Password";
    password_hint => "Кемінде 8 таңба: бас және кіші әріптер, сан және арнайы таңба", "Не менее 8 символов: заглавные и строчные буквы, цифра и специальный символ", "At least 8 characters: upper- and lower-case letters, a digit and a special character";
    login_title => "Порталға кіру", "Вход на портал", "Log in to the portal";
    login_button => "Кіру", "Войти", "Log in";
    no_account => "Тіркелгіңіз жоқ па?", "Нет учётной записи?", "No account yet?";
    register_title => "Порталда тіркелу", "Регистрация на портале", "Register on the portal";
    register_lead => "ЖСН мемлекеттік деректер базасында тексеріледі; аты-жөніңіз сол жерден алынады.", "ИИН проверяется в государственной базе данных физических лиц; ваше имя берётся оттуда.", "Your IIN is checked in the state database of individuals; your name is taken from there.";
    register_button => "Тіркелу", "Зарегистрироваться", "Register";
    login_required => "ЖСН енгізіңіз", "Введите ИИН", "Enter your IIN";
    password_required => "Құпиясөзді енгізіңіз", "Введите пароль", "Enter your password";

    provider => "Қызметті беруші", "Услугодатель", "Provider";
    standard => "Қызмет стандарты", "Стандарт услуги", "Service standard";
    channels => "Қайда алуға болады", "Где можно получить", "Where to get it";
    deadline => "Көрсету мерзімі", "Срок оказания", "Deadline";
    fee => "Төлем", "Стоимость", "Fee";
    result => "Нәтижесі", "Результат", "Result";
    status_check => "Мәртебені қайдан білуге болады", "Где узнать статус", "Where to check the status";
    apply => "Қызметті алу", "Получить услугу", "Apply for the service";
    log_in_to_apply => "Қызметті алу үшін порталға кіріңіз", "Войдите на портал, чтобы получить услугу", "Log in to the portal to apply for the service";
    not_on_portal => "Бұл қызмет порталда көрсетілмейді.", "Эта услуга не оказывается через портал.", "This service is not provided through the portal.";
    number_word => "№", "№", "No.";
    dated => "күні", "от", "of";

    form_title => "Өтініш", "Заявление", "Application";
    attachments => "Қоса берілетін құжаттар", "Прилагаемые документы", "Documents to attach";
    continue_button => "Жалғастыру", "Продолжить", "Continue";
    review_title => "Өтінішті тексеріңіз", "Проверьте заявление", "Check your application";
    change => "Өзгерту", "Изменить", "Change";
    not_filled => "толтырылмаған", "не заполнено", "not filled";
    sign_title => "Қол қою және жіберу", "Подписание и отправка", "Sign and send";
    sign_lead => "Өтінішке өз ЭЦҚ кілтіңізбен қол қойыңыз. Кілт файлы мен құпиясөз браузерден шықпайды: серверге тек қолтаңба жіберіледі.", "Подпишите заявление своим ключом ЭЦП. Файл ключа и пароль не покидают браузер: на сервер отправляется только подпись.", "Sign the application with your own e-signature key. The key file and its password never leave the browser: only the signature is sent.";
    sign_button => "Қол қою және жіберу", "Подписать и отправить", "Sign and send";
    draft_gone => "Өтініш жобасы табылмады (мерзімі өткен болуы мүмкін); өтінішті қайта толтырыңыз.", "Черновик заявления не найден (возможно, истёк его срок); заполните заявление заново.", "The draft application was not found (it may have expired); fill in the application again.";

    request_title => "Өтінім", "Заявка", "Request";
    service => "Қызмет", "Услуга", "Service";
    status => "Мәртебесі", "Статус", "Status";
    due => "Орындау мерзімі", "Срок исполнения", "Due by";
    filed_at => "Берілген күні", "Дата подачи", "Filed on";
    waits_for => "Күтуде", "Ожидает", "Waiting for";
    refusal => "Бас тарту себебі", "Причина отказа", "Reason for refusal";
    refresh => "Мәртебені жаңарту", "Обновить статус", "Refresh the status";
    timeline => "Өтінім тарихы", "История заявки", "Timeline";
    view_result => "Нәтижені қарау", "Посмотреть результат", "View the result";
    no_requests => "Сізде әзірге өтінім жоқ.", "У вас пока нет заявок.", "You have no requests yet.";
    filed_notice => "Өтінім жіберілді.", "Заявка отправлена.", "The request has been sent.";

    invoice_title => "Төлемге арналған шот", "Счёт на оплату", "Invoice";
    invoice_lead => "Өтінім төлемді күтуде. Төлем «электрондық үкіметтің» төлем шлюзі арқылы өтеді; төленгеннен кейін өтінім әрі қарай қаралады.", "Заявка ожидает оплаты. Оплата проходит через платёжный шлюз «электронного правительства»; после оплаты заявка рассматривается дальше.", "The request is waiting for its payment. You pay through the e-government payment gateway; once paid, the request goes on.";
    invoice_number => "Шот нөмірі", "Номер счёта", "Invoice number";
    amount => "Сомасы", "Сумма", "Amount";
    amount_basis => "есептеу", "расчёт", "calculated as";
    mrp => "АЕК", "МРП", "MCI";
    purpose => "Төлем мақсаты", "Назначение платежа", "What it is for";
    purpose_text => "Мемлекеттік қызмет үшін төлем", "Оплата государственной услуги", "Fee for the government service";
    payee => "Төлем алушы", "Получатель платежа", "Paid to";
    payer => "Төлеуші", "Плательщик", "Payer";
    last_attempt => "Соңғы әрекет", "Последняя попытка", "Last attempt";
    invoice_pending => "Шот әлі шығарылмаған; мәртебені біраздан кейін жаңартыңыз.", "Счёт ещё не выставлен; обновите статус чуть позже.", "The invoice has not been issued yet; refresh the status in a moment.";
    pay_by_card => "Картамен төлеу", "Оплата картой", "Pay by card";
    card_number => "Карта нөмірі", "Номер карты", "Card number";
    card_number_hint => "Картадағыдай 13–19 цифр, бос орынмен болуы мүмкін", "13–19 цифр, как на карте; можно с пробелами", "13 to 19 digits, as on the card; spaces are fine";
    card_expiry => "Қолданылу мерзімі", "Срок действия", "Expiry date";
    card_expiry_hint => "АА/ЖЖ, мысалы 09/28", "ММ/ГГ, например 09/28", "MM/YY, for example 09/28";
    card_number_required => "Карта нөмірін енгізіңіз", "Введите номер карты", "Enter the card number";
    card_number_digits => "Карта нөмірі 13–19 цифрдан тұруы керек", "Номер карты должен состоять из 13–19 цифр", "The card number must be 13 to 19 digits";
    card_expiry_required => "Картаның қолданылу мерзімін енгізіңіз", "Введите срок действия карты", "Enter the card's expiry date";
    card_expiry_format => "Мерзімді АА/ЖЖ пішімінде енгізіңіз, мысалы 09/28", "Введите срок в формате ММ/ГГ, например 09/28", "Enter the expiry date as MM/YY, for example 09/28";
    card_note => "Карта деректері тек төлем шлюзіне жіберіледі және порталда сақталмайды; CVC сұралмайды. Демо-банк 4000 0000 0000 0002 (бас тарту) және 4000 0000 0000 9995 (қаражат жеткіліксіз) сынақ карталарын қабылдамайды.", "Данные карты передаются только платёжному шлюзу и не хранятся на портале; CVC не запрашивается. Демо-банк отклоняет тестовые карты 4000 0000 0000 0002 (отказ) и 4000 0000 0000 9995 (недостаточно средств).", "The card's details go only to the payment gateway and are not kept by the portal; no CVC is asked. The demo bank declines the test cards 4000 0000 0000 0002 (declined) and 4000 0000 0000 9995 (not enough money).";
    paid_not_told => "Шот төленген, бірақ қызмет беруші бұл туралы әлі білмейді.", "Счёт оплачен, но услугодатель ещё не получил об этом сообщение.", "The invoice is paid, but the provider has not been told yet.";
    tell_paid => "Қызмет берушіге төлем туралы хабарлау", "Сообщить услугодателю об оплате", "Tell the provider about the payment";
    pay_button => "Төлеу", "Оплатить", "Pay";
    paid_notice => "Төлем қабылданды. Өтінім әрі қарай қаралады.", "Оплата принята. Заявка рассматривается дальше.", "The payment went through. The request goes on.";

    slot_choice => "Дәрігер және қабылдау уақыты", "Врач и время приёма", "Doctor and appointment time";
    slot_choice_lead => "Дәрігер мен күнді таңдап, «Бос уақытты көрсету» батырмасын басыңыз: дәрігерлердің қабылдау кестесіндегі бос уақыт көрсетіледі.", "Выберите врача и день и нажмите «Показать свободное время»: будет показано свободное время по графику приёма врачей.", "Choose a doctor and a day and press «Show free times»: the free times from the doctors' schedule of appointments are shown.";
    choose_doctor => "— дәрігерді таңдаңыз —", "— выберите врача —", "— choose a doctor —";
    show_slots => "Бос уақытты көрсету", "Показать свободное время", "Show free times";
    free_slots_of => "Бос уақыт", "Свободное время", "Free times";
    no_free_slots => "Бұл күні дәрігердің бос уақыты жоқ; басқа күнді таңдаңыз.", "На этот день у врача нет свободного времени; выберите другой день.", "The doctor has no free time on this day; choose another day.";
    choose_first => "Алдымен дәрігер мен күнді таңдап, «Бос уақытты көрсету» батырмасын басыңыз.", "Сначала выберите врача и день и нажмите «Показать свободное время».", "First choose a doctor and a day and press «Show free times».";
    slot_taken => "Бұл уақыт бос емес (оны басқа біреу алып қойған болуы мүмкін); басқа бос уақытты таңдаңыз.", "Это время уже занято (возможно, его только что заняли); выберите другое свободное время.", "This time is no longer free (someone may have just taken it); choose another free time.";
    doctor_unknown => "Мұндай дәрігер кестеде жоқ; тізімнен таңдаңыз.", "Такого врача нет в графике приёма; выберите из списка.", "There is no such doctor in the schedule; choose one from the list.";
    not_working_day => "Бұл күні дәрігер қабылдамайды; басқа күнді таңдаңыз.", "В этот день врач не принимает; выберите другой день.", "The doctor does not see patients on this day; choose another day.";
    schedule_failed => "Дәрігерлердің қабылдау кестесі жауап бермеді; кейінірек қайталаңыз.", "График приёма врачей не ответил; повторите позже.", "The doctors' schedule did not answer; try again later.";
    sp_general_practitioner => "Жалпы практика дәрігері", "Врач общей практики", "General practitioner";
    sp_therapist => "Учаскелік терапевт", "Участковый терапевт", "District therapist";
    sp_paediatrician => "Учаскелік педиатр", "Участковый педиатр", "District paediatrician";
    sp_gynaecologist => "Гинеколог", "Гинеколог", "Gynaecologist";
    sp_surgeon => "Хирург", "Хирург", "Surgeon";
    sp_ophthalmologist => "Офтальмолог", "Офтальмолог", "Ophthalmologist";
    sp_neurologist => "Невролог", "Невролог", "Neurologist";
    sp_cardiologist => "Кардиолог", "Кардиолог", "Cardiologist";

    questionnaire => "Сапа сауалнамасы", "Анкета качества", "Quality questionnaire";
    questionnaire_lead => "Қызмет көрсетілді. Сапасын бағалаңыз.", "Услуга оказана. Оцените её качество.", "The service has been provided. Please rate it.";
    answer_button => "Жауапты жіберу", "Отправить ответы", "Send the answers";
    answered => "Сауалнамаға жауап бергеніңізге рахмет.", "Спасибо, анкета заполнена.", "Thank you for answering the questionnaire.";
    answer_required => "Жауапты таңдаңыз", "Выберите ответ", "Choose an answer";

    result_title => "Қызмет нәтижесі", "Результат услуги", "Result of the service";
    signed_by => "Қол қойған (ЖСН)", "Подписал (ИИН)", "Signed by (IIN)";
    signed_at => "Қол қойылған уақыты", "Время подписи", "Signed at";
    recipient => "Алушы", "Получатель", "Recipient";
    grounds => "Негіздеме", "Обоснование", "Grounds";
    outcome => "Шешім", "Решение", "Decision";
    download_cms => "Қол қойылған нәтижені жүктеу (CMS, .p7s)", "Скачать подписанный результат (CMS, .p7s)", "Download the signed result (CMS, .p7s)";
    download_json => "Құжатты жүктеу (JSON)", "Скачать документ (JSON)", "Download the document (JSON)";

    no_notifications => "Хабарлама жоқ.", "Уведомлений нет.", "No notifications.";
    mark_read => "Оқылды деп белгілеу", "Отметить как прочитанное", "Mark as read";
    unread => "Жаңа", "Новое", "New";

}
