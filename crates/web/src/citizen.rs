//! The citizen who came in person, as every workplace that files for one knows them (a CSC's
//! operator, the provider's employee): their IIN, checked by the number's rules and then in
//! ГБД ФЛ through the gateway ([`find`]); the IIN's input ([`iin_control`]); their name in
//! the page's language ([`name_of`]); the draft a staff member fills for them, prefilled from
//! ГБД ФЛ ([`draft_for`], [`keep_iin`]).

use crate::drafts::Draft;
use crate::filing::fields;
use crate::form::{Control, Kind, Problems};
use maud::Markup;
use qyzmet_api::ApiError;
use qyzmet_core::id::Iin;
use qyzmet_core::regulation::{Field, Prefill, Regulation};
use qyzmet_core::{Lang, Text};
use qyzmet_gateway::services::{registry_participant, QUERY};
use qyzmet_gateway::Gateway;
use qyzmet_registries::gbd_fl::{GbdFlRequest, GbdFlResponse, Person};
use qyzmet_registries::{RegistryRequest, RegistryResponse};

/// The citizen `iin` as ГБД ФЛ knows them, asked through `gateway` by the system `from` (it
/// needs the grant of ГБД ФЛ's query). An IIN that breaks the number's rules (length, date,
/// check digit) is refused here with the core's reason (422); one the database does not hold
/// is not found (404).
pub async fn find(gateway: &Gateway, from: &str, iin: &str) -> Result<Person, ApiError> {
    let iin = iin.trim();
    if let Err(e) = Iin::parse(iin, crate::filing::today()) {
        return Err(ApiError::unprocessable(
            e.code(),
            Text::new(
                e.message(Lang::Kk),
                e.message(Lang::Ru),
                e.message(Lang::En),
            ),
        ));
    }
    let request = RegistryRequest::GbdFl(GbdFlRequest::Person {
        iin: iin.to_string(),
    });
    let to = registry_participant(request.participant());
    let answer: RegistryResponse = gateway.call(from, &to, QUERY, &request).await?;
    match answer {
        RegistryResponse::GbdFl(GbdFlResponse::Person { person }) => Ok(*person),
        RegistryResponse::GbdFl(GbdFlResponse::Error(e)) => Err(ApiError::new(
            if e.code() == "gbd_fl.not_found" {
                axum::http::StatusCode::NOT_FOUND
            } else {
                axum::http::StatusCode::UNPROCESSABLE_ENTITY
            },
            e.code(),
            Text::new(
                format!("{iin}: жеке тұлғалардың мемлекеттік деректер базасында табылмады"),
                format!("{iin}: не найден в государственной базе данных физических лиц"),
                format!("{iin}: not found in the state database of individuals ({e})"),
            ),
        )),
        _ => Err(ApiError::internal("an answer of another kind from ГБД ФЛ")),
    }
}

/// The person's name in the page's language (Kazakh spelling on Kazakh pages).
pub fn name_of(person: &Person, lang: Lang) -> String {
    match lang {
        Lang::Kk => person.name_kk.to_string(),
        _ => person.name_ru.to_string(),
    }
}

/// The input of the citizen's IIN, named `iin`, with the number's rules in the browser and
/// its problem (from `problems`) at the field.
pub fn iin_control(
    lang: Lang,
    label: &Text,
    hint: &Text,
    value: &str,
    problems: &Problems,
) -> Markup {
    let mut c = Control::new("iin", label.get(lang), Kind::Input("text"));
    c.hint = Some(hint.get(lang).into());
    c.value = value.into();
    c.required = true;
    c.pattern = Some(crate::regulation::ID_PATTERN.into());
    c.maxlength = Some(12);
    c.inputmode = Some("numeric");
    c.autocomplete = Some("off");
    c.error = problems.of("iin").map(|t| t.get(lang).into());
    c.render(lang)
}

/// A value the regulation's form takes from what ГБД ФЛ holds of the citizen.
pub fn prefilled(field: &Field, person: &Person) -> Option<String> {
    match field.prefill? {
        // A person of ГБД ФЛ has an IIN, never a BIN: a BIN field stays empty for them.
        Prefill::Iin => Some(person.iin.to_string()),
        Prefill::Bin => None,
        Prefill::FullName => Some(person.name_ru.to_string()),
        Prefill::Address => Some(person.address.to_string()),
    }
}

/// A new draft of `r`'s application that `owner` (the staff member logged in) fills for the
/// citizen `person`: its recipient, and the fields prefilled from ГБД ФЛ.
pub fn draft_for(owner: &str, r: &Regulation, person: &Person) -> Draft {
    let mut d = Draft::new(owner, &r.code, r.version);
    d.recipient = Some(person.iin.to_string());
    for f in fields(r) {
        if let Some(value) = prefilled(f, person) {
            d.values.insert(f.name.clone(), value);
        }
    }
    d
}

/// The citizen's IIN in the fields that take it (the one found in ГБД ФЛ, not the staff
/// member's to change), and no BIN of theirs: a person has none.
pub fn keep_iin(r: &Regulation, d: &mut Draft, person: &Person) {
    for f in fields(r) {
        if matches!(f.prefill, Some(Prefill::Iin | Prefill::Bin)) {
            match prefilled(f, person) {
                Some(own) => d.values.insert(f.name.clone(), own),
                None => d.values.remove(&f.name),
            };
        }
    }
}
