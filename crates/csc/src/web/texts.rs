//! The operator's pages' texts, in Kazakh, Russian and English.

qyzmet_web::texts! {
    site_name => "ХҚКО операторының жұмыс орны", "Рабочее место оператора ЦОН", "CSC operator's workplace";
    find_citizen => "Азаматты іздеу", "Поиск гражданина", "Find a citizen";
    requests => "Орталықтың өтінімдері", "Заявки центра", "The centre's requests";
    notifications => "Хабарламалар", "Уведомления", "Notifications";
    log_in => "Кіру", "Войти", "Log in";

    login_hint => "Қызметкердің логині (мысалы, csc-aiyrtau.operator) немесе ЖСН", "Логин сотрудника (например, csc-aiyrtau.operator) или ИИН", "Your staff login (e.g. csc-aiyrtau.operator) or IIN";
    login_title => "Операторның кіруі", "Вход оператора", "Operator log-in";

    iin => "Азаматтың ЖСН", "ИИН гражданина", "The citizen's IIN";
    iin_hint => "12 цифр, жеке куәлікте көрсетілген; ЖТ МДҚ-да тексеріледі", "12 цифр, как в удостоверении личности; проверяется в ГБД ФЛ", "12 digits, as on the identity card; checked in the state database of individuals";
    iin_short => "ЖСН", "ИИН", "IIN";
    iin_required => "Азаматтың ЖСН енгізіңіз", "Введите ИИН гражданина", "Enter the citizen's IIN";
    find_button => "Іздеу", "Найти", "Find";
    find_lead => "Азамат жеке өзі келді: оның ЖСН бойынша жеке тұлғалардың мемлекеттік деректер базасынан деректерін табыңыз, содан кейін қызметті таңдаңыз.", "Гражданин пришёл лично: найдите его данные в государственной базе данных физических лиц по ИИН, затем выберите услугу.", "The citizen has come in person: find them in the state database of individuals by their IIN, then choose the service.";
    citizen => "Азамат", "Гражданин", "Citizen";
    full_name => "Аты-жөні", "ФИО", "Full name";
    birth_date => "Туған күні", "Дата рождения", "Date of birth";
    address => "Тіркелген мекенжайы", "Адрес регистрации", "Registered address";
    phone => "Телефон", "Телефон", "Phone";
    services => "ХҚКО арқылы көрсетілетін қызметтер", "Услуги, оказываемые через ЦОН", "Services provided through a CSC";
    no_services => "ХҚКО арқылы көрсетілетін қызмет жоқ.", "Нет услуг, оказываемых через ЦОН.", "No service is provided through a CSC.";
    provider => "Қызметті беруші", "Услугодатель", "Provider";

    form_title => "Азаматтың өтініші", "Заявление гражданина", "The citizen's application";
    form_lead => "Өтінішті азамат атынан, оның құжаттары бойынша толтырыңыз. Регламент өкілге рұқсат етсе, нысан оның деректерін сұрайды.", "Заполните заявление от имени гражданина по его документам. Если регламент допускает представителя, форма спросит его данные.", "Fill in the application on the citizen's behalf, from their documents. Where the regulation allows a representative, the form asks for their data.";
    attachments => "Сканерленген құжаттар", "Сканированные документы", "Scanned documents";
    continue_button => "Жалғастыру", "Продолжить", "Continue";
    review_title => "Өтінішті тексеріңіз", "Проверьте заявление", "Check the application";
    change => "Өзгерту", "Изменить", "Change";
    not_filled => "толтырылмаған", "не заполнено", "not filled";
    sign_title => "Оператордың қолы", "Подпись оператора", "The operator's signature";
    sign_lead => "Өтінішке өзіңіздің (оператордың) ЭЦҚ кілтіңізбен қол қойыңыз. Кілт файлы мен құпиясөз браузерден шықпайды: серверге тек қолтаңба жіберіледі.", "Подпишите заявление своим ключом ЭЦП оператора. Файл ключа и пароль не покидают браузер: на сервер отправляется только подпись.", "Sign the application with your own operator's e-signature key. The key file and its password never leave the browser: only the signature is sent.";
    sign_button => "Қол қою және жіберу", "Подписать и отправить", "Sign and send";
    draft_gone => "Өтініш жобасы табылмады (мерзімі өткен болуы мүмкін); өтінішті қайта толтырыңыз.", "Черновик заявления не найден (возможно, истёк его срок); заполните заявление заново.", "The draft application was not found (it may have expired); fill in the application again.";

    request_title => "Өтінім", "Заявка", "Request";
    number_word => "№", "№", "No.";
    service => "Қызмет", "Услуга", "Service";
    recipient => "Алушы (ЖСН)", "Получатель (ИИН)", "Recipient (IIN)";
    status => "Мәртебесі", "Статус", "Status";
    due => "Орындау мерзімі", "Срок исполнения", "Due by";
    filed_at => "Берілген күні", "Дата подачи", "Filed on";
    waits_for => "Күтуде", "Ожидает", "Waiting for";
    refusal => "Бас тарту себебі", "Причина отказа", "Reason for refusal";
    refresh => "Мәртебені жаңарту", "Обновить статус", "Refresh the status";
    timeline => "Өтінім тарихы", "История заявки", "Timeline";
    no_requests => "Орталық әзірге өтінім берген жоқ.", "Центр ещё не подавал заявок.", "The centre has filed no requests yet.";
    filed_notice => "Өтінім жіберілді.", "Заявка отправлена.", "The request has been sent.";
    our_step => "Орталықтың қадамы", "Шаг центра", "The centre's step";
    our_step_lead => "Өтінім орталықты күтуде. Қадамды орындағаннан кейін белгілеңіз.", "Заявка ожидает центр. Отметьте шаг, когда он выполнен.", "The request is waiting for the centre. Mark the step once it is done.";
    done_button => "Орындалды", "Выполнено", "Done";
    step_done => "Қадам орындалды.", "Шаг выполнен.", "The step is done.";
    fact_holds => "Расталды", "Подтверждено", "Confirmed";
    fact_fails => "Расталмады", "Не подтверждено", "Not confirmed";
    fact_required => "Тексеру нәтижесін таңдаңыз", "Выберите результат проверки", "Choose the result of the check";
    no_notifications => "Хабарлама жоқ.", "Уведомлений нет.", "No notifications.";
}
