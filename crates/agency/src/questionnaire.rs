//! The quality questionnaire («анкета»): answered by the recipient once the service is done,
//! each question with one of the regulation's answers.

use qyzmet_api::ApiError;
use qyzmet_core::regulation::Regulation;
use qyzmet_core::Text;
use qyzmet_engine::RequestState;
use serde_json::json;
use std::collections::BTreeMap;

/// Refuse answers given too early, to no question of the regulation, or off its scale; each
/// wrong answer is named.
pub(crate) fn check(
    reg: &Regulation,
    st: &RequestState,
    answers: &BTreeMap<String, String>,
) -> Result<(), ApiError> {
    if !st.finished {
        return Err(ApiError::conflict(
            "questionnaire.not_finished",
            Text::new(
                "Сауалнамаға қызмет көрсетілгеннен кейін жауап беруге болады",
                "Ответить на анкету можно после оказания услуги",
                "The questionnaire can be answered once the service is done",
            ),
        ));
    }
    let q = &reg.questionnaire;
    let mut problems = Vec::new();
    for question in &q.questions {
        match answers.get(&question.code) {
            Some(a) if q.answers.iter().any(|c| &c.value == a) => {}
            _ => problems.push(json!({
                "field": question.code,
                "message": Text::new(
                    format!("«{}»: жауаптардың бірін таңдаңыз", question.text.kk),
                    format!("«{}»: выберите один из ответов", question.text.ru),
                    format!("“{}”: choose one of the answers", question.text.en),
                ),
            })),
        }
    }
    for k in answers.keys() {
        if !q.questions.iter().any(|x| &x.code == k) {
            problems.push(json!({"field": k, "message": Text::new("Мұндай сұрақ жоқ", "Такого вопроса нет", "There is no such question")}));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(ApiError::unprocessable(
        "questionnaire.invalid",
        Text::new(
            "Сауалнамаға жауаптар дұрыс емес",
            "Ответы на анкету неверны",
            "The questionnaire's answers are wrong",
        ),
    )
    .with_details(problems))
}
