//! The oversight pages' texts, in Kazakh, Russian and English.

qyzmet_web::texts! {
    site_name => "Мемлекеттік қызметтер сапасының мониторингі", "Мониторинг качества госуслуг", "Oversight of government services";
    sla => "Мерзімдердің сақталуы", "Соблюдение сроков", "Deadlines kept";
    sla_lead => "Әр қызмет және көрсетуші бойынша: өтінімдер мәртебелер бойынша, әр әрекеттің мерзімі сақталды ма, қазір мерзімі өткендер. Сандар өтінімдердің тарихынан есептеледі.", "По каждой услуге и услугодателю: заявки по статусам, соблюдён ли срок каждого действия, просроченные сейчас. Цифры считаются по истории заявок.", "Per service and provider: requests by status, whether each action's deadline held, requests overdue now. The figures are computed from the requests' histories.";
    questionnaires => "Сауалнама нәтижелері", "Результаты анкетирования", "Questionnaire results";
    questionnaires_lead => "Қызмет алушылардың сапа туралы сауалнамаға жауаптары.", "Ответы получателей на анкету о качестве услуги.", "The recipients' answers to the quality questionnaire.";
    regulations => "Регламенттер", "Регламенты", "Regulations";
    regulations_lead => "Платформа орындайтын регламенттер, нұсқаларымен.", "Регламенты, которые исполняет платформа, с их версиями.", "The regulations the platform runs, with their versions.";
    provider => "Көрсетуші", "Услугодатель", "Provider";
    service => "Қызмет", "Услуга", "Service";
    all => "Барлығы", "Все", "All";
    show => "Көрсету", "Показать", "Show";
    requests => "Өтінімдер", "Заявки", "Requests";
    overdue_now => "Қазір мерзімі өткен", "Просрочено сейчас", "Overdue now";
    finished => "Аяқталған", "Завершено", "Finished";
    extended => "Мерзімі ұзартылған", "Срок продлён", "Deadline extended";
    by_status => "Мәртебелер бойынша", "По статусам", "By status";
    status => "Мәртебе", "Статус", "Status";
    count => "Саны", "Количество", "Count";
    actions => "Әрекеттер", "Действия", "Actions";
    channel => "Арна", "Канал", "Channel";
    action => "Әрекет", "Действие", "Action";
    met => "Мерзімінде", "В срок", "Met";
    missed => "Кешіктірілген", "С нарушением срока", "Missed";
    open_overdue => "Қазір мерзімі өткен", "Просрочено сейчас", "Overdue now";
    open_in_time => "Орындалуда, мерзімінде", "В работе, в срок", "Open, in time";
    mean_time => "Орташа уақыт", "Среднее время", "Average time";
    max_time => "Ең ұзақ", "Наибольшее", "Longest";
    chart => "Диаграмма", "Диаграмма", "Chart";
    nothing => "Әзірге өтінімдер жоқ.", "Заявок пока нет.", "No requests yet.";
    no_answers => "Әзірге жауаптар жоқ.", "Ответов пока нет.", "No answers yet.";
    answered => "Жауап бергендер", "Ответивших", "Answered";
    question => "Сұрақ", "Вопрос", "Question";
    code => "Коды", "Код", "Code";
    version => "Нұсқа", "Версия", "Version";
    channels => "Арналар", "Каналы", "Channels";
    deadline => "Мерзімі", "Срок", "Deadline";
    fee => "Құны", "Стоимость", "Fee";
    approved_by => "Бекіткен акт", "Утверждён актом", "Approved by";
    seconds => "с", "с", "s";
    minutes => "мин", "мин", "min";
    hours => "сағ", "ч", "h";
    days => "тәул.", "сут.", "d";
}
