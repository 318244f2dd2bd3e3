//! The choice of a doctor's free slot in a regulation's form, from the doctors' schedules
//! participant (asked through the cabinet, [`Cabinet::schedule`], as the JSON API asks).
//!
//! Which form has it is the regulation's to say, never a service's name: its portal channel
//! has the doctors' schedules perform a `choose_slot` action, and its form has the fields the
//! schedule's booking reads (`qyzmet_registries::ask::fields`: the doctor, the day, the time).
//! Then the form shows, where the doctor's field is, the clinics' doctors (grouped by clinic)
//! and a day, with a button that asks for the doctor's free times; it belongs to a small GET
//! form of its own (the inputs' `form` attribute), so it works without any script, and the
//! answer is the same form page with the free times as radio buttons. The form itself carries
//! the doctor and day the times were shown for.
//!
//! The server checks the slot again when the form is posted and just before the signed
//! request is filed: a time no longer free (someone took it meanwhile) is an error at the
//! time's field, and nothing is filed. (Between that check and the provider's IS booking it a
//! moment remains: the regulation's portal channel books the slot in an action without a
//! condition, so a booking refused then is recorded with the request, not refused.)
//!
//! [`Cabinet::schedule`]: crate::cabinet::Cabinet::schedule

use super::{texts, Pages};
use chrono::{NaiveDate, NaiveTime};
use maud::{html, Markup};
use qyzmet_core::regulation::{ChannelKind, Field, Operation, Participant, Regulation};
use qyzmet_core::{Lang, Text};
use qyzmet_registries::ask::fields;
use qyzmet_registries::schedule::{Clinic, Doctor, ScheduleRequest, ScheduleResponse, Speciality};
use qyzmet_web::drafts::Draft;
use qyzmet_web::filing;
use qyzmet_web::form::{Control, Kind, Problems};
use qyzmet_web::regulation::control;
use qyzmet_web::session::Visitor;
use std::collections::BTreeMap;

/// The id of the GET form the doctor and the day belong to.
const CHOICE_FORM: &str = "slot-choice";

/// The regulation's fields that name the doctor, the day and the time, when its portal
/// channel has the recipient choose a doctor's free slot.
pub(crate) struct SlotFields<'a> {
    pub doctor: &'a Field,
    pub date: &'a Field,
    pub time: &'a Field,
}

pub(crate) fn slot_fields(r: &Regulation) -> Option<SlotFields<'_>> {
    let chooses = r
        .channels
        .get(&ChannelKind::Portal)?
        .actions
        .iter()
        .any(|a| a.operation == Operation::ChooseSlot && a.unit == Participant::DoctorSchedule);
    if !chooses {
        return None;
    }
    let form = r.form.value()?;
    let field = |name: &str| form.fields.iter().find(|f| f.name == name);
    Some(SlotFields {
        doctor: field(fields::DOCTOR)?,
        date: field(fields::APPOINTMENT_DATE)?,
        time: field(fields::APPOINTMENT_TIME)?,
    })
}

/// What the chooser shows: the clinics and their doctors, and — once a doctor and a day are
/// chosen — the doctor's free times that day, or why there are none.
pub(crate) struct Offer<'a> {
    pub fields: SlotFields<'a>,
    clinics: Vec<Clinic>,
    doctors: Vec<Doctor>,
    /// The doctor and the day the times are for.
    shown: Option<(String, NaiveDate)>,
    free: Option<Result<Vec<NaiveTime>, Text>>,
    /// The schedule did not answer the list of doctors.
    failed: bool,
}

impl Offer<'_> {
    /// Whether `name` is one of the slot's fields, which the chooser renders.
    pub fn has(&self, name: &str) -> bool {
        [self.fields.doctor, self.fields.date, self.fields.time]
            .iter()
            .any(|f| f.name == name)
    }

    /// The first of the slot's fields in the form's order, where the chooser goes.
    pub fn first(&self, r: &Regulation) -> Option<String> {
        r.form
            .value()?
            .fields
            .iter()
            .find(|f| self.has(&f.name))
            .map(|f| f.name.clone())
    }
}

/// Take the doctor and the day from a GET of the form (the chooser's own form) into the
/// form's values; a time chosen for another doctor or day is dropped.
pub(crate) fn take_query(
    r: &Regulation,
    values: &mut BTreeMap<String, String>,
    query: &BTreeMap<String, String>,
) {
    let Some(f) = slot_fields(r) else { return };
    let mut changed = false;
    for field in [f.doctor, f.date] {
        if let Some(v) = query.get(&field.name).map(|v| v.trim().to_string()) {
            if values.get(&field.name) != Some(&v) {
                changed = true;
            }
            if v.is_empty() {
                values.remove(&field.name);
            } else {
                values.insert(field.name.clone(), v);
            }
        }
    }
    if changed {
        values.remove(&f.time.name);
    }
}

fn day(values: &BTreeMap<String, String>, f: &SlotFields) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(values.get(&f.date.name)?.trim(), "%Y-%m-%d").ok()
}

/// The doctor's free times on `date`, or why there are none (in words).
async fn free_times(p: &Pages, doctor: &str, date: NaiveDate) -> Result<Vec<NaiveTime>, Text> {
    let asked = p
        .cabinet
        .schedule(ScheduleRequest::FreeSlots {
            doctor: doctor.to_string(),
            date,
        })
        .await;
    match asked {
        Ok(ScheduleResponse::FreeSlots { slots, .. }) => Ok(slots),
        Ok(_) => Err(texts::schedule_failed()),
        Err(e) => Err(match e.code.as_str() {
            "schedule.unknown_doctor" => texts::doctor_unknown(),
            "schedule.not_working_day" => texts::not_working_day(),
            _ if e.status.is_client_error() => e.message.clone(),
            _ => texts::schedule_failed(),
        }),
    }
}

/// What the chooser offers for the form's `values`; `None` when the regulation has no slot
/// choice.
pub(crate) async fn offer<'a>(
    p: &Pages,
    r: &'a Regulation,
    values: &BTreeMap<String, String>,
) -> Option<Offer<'a>> {
    let f = slot_fields(r)?;
    let clinics = p.cabinet.schedule(ScheduleRequest::Clinics).await;
    let doctors = p
        .cabinet
        .schedule(ScheduleRequest::Doctors {
            clinic: None,
            speciality: None,
        })
        .await;
    let (clinics, doctors, failed) = match (clinics, doctors) {
        (Ok(ScheduleResponse::Clinics { clinics }), Ok(ScheduleResponse::Doctors { doctors })) => {
            (clinics, doctors, false)
        }
        _ => (Vec::new(), Vec::new(), true),
    };
    let doctor = values.get(&f.doctor.name).cloned();
    let shown = doctor.zip(day(values, &f));
    let free = match &shown {
        Some((d, date)) => Some(free_times(p, d, *date).await),
        None => None,
    };
    Some(Offer {
        fields: f,
        clinics,
        doctors,
        shown,
        free,
        failed,
    })
}

/// The chosen slot checked against the schedule as it is now: a time no longer free is a
/// problem at the time's field, an unknown doctor at the doctor's, a day off at the day's.
/// Only when the form's own check found nothing wrong with these fields.
pub(crate) async fn check(
    p: &Pages,
    r: &Regulation,
    values: &BTreeMap<String, String>,
    problems: &mut Problems,
) {
    let Some(f) = slot_fields(r) else { return };
    if [f.doctor, f.date, f.time]
        .iter()
        .any(|x| problems.of(&x.name).is_some())
    {
        return;
    }
    let (Some(doctor), Some(date), Some(time)) = (
        values.get(&f.doctor.name),
        day(values, &f),
        values
            .get(&f.time.name)
            .and_then(|t| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok()),
    ) else {
        return;
    };
    match free_times(p, doctor, date).await {
        Ok(free) if free.contains(&time) => {}
        Ok(_) => problems.add(f.time.name.clone(), texts::slot_taken()),
        Err(why) => {
            let at = if why == texts::doctor_unknown() {
                &f.doctor.name
            } else {
                &f.date.name
            };
            problems.add(at.clone(), why);
        }
    }
}

fn speciality(s: Speciality) -> Text {
    match s {
        Speciality::GeneralPractitioner => texts::sp_general_practitioner(),
        Speciality::Therapist => texts::sp_therapist(),
        Speciality::Paediatrician => texts::sp_paediatrician(),
        Speciality::Gynaecologist => texts::sp_gynaecologist(),
        Speciality::Surgeon => texts::sp_surgeon(),
        Speciality::Ophthalmologist => texts::sp_ophthalmologist(),
        Speciality::Neurologist => texts::sp_neurologist(),
        Speciality::Cardiologist => texts::sp_cardiologist(),
    }
}

/// A doctor as a person reads them: name, speciality.
pub(crate) fn doctor_name(o: &Offer, id: &str, lang: Lang) -> Option<String> {
    o.doctors
        .iter()
        .find(|d| d.id == id)
        .map(|d| format!("{} — {}", d.name, speciality(d.speciality).get(lang)))
}

fn error_of(problems: &Problems, f: &Field, lang: Lang) -> Option<String> {
    problems.of(&f.name).map(|t| t.get(lang).to_string())
}

/// The chooser, where the form's first slot field is: the doctor (a list grouped by clinic)
/// and the day, in the GET form [`choice_form`] with the button that shows the free times;
/// then the times as radio buttons, in the form itself, with the doctor and the day they are
/// for.
pub(crate) fn chooser(
    v: &Visitor,
    o: &Offer,
    values: &BTreeMap<String, String>,
    today: NaiveDate,
    problems: &Problems,
) -> Markup {
    let l = v.lang;
    let f = &o.fields;
    let doctor = values.get(&f.doctor.name).cloned().unwrap_or_default();
    let date = values.get(&f.date.name).cloned().unwrap_or_default();
    let time = values.get(&f.time.name).cloned().unwrap_or_default();
    let doctor_id = qyzmet_web::form::id(&f.doctor.name);
    let date_id = qyzmet_web::form::id(&f.date.name);
    let doctor_error = error_of(problems, f.doctor, l);
    let date_error = error_of(problems, f.date, l);
    let described = |id: &str, hint: bool, error: bool| {
        let mut d = Vec::new();
        if hint {
            d.push(format!("{id}-hint"));
        }
        if error {
            d.push(format!("{id}-error"));
        }
        (!d.is_empty()).then(|| d.join(" "))
    };
    let times: Vec<(String, String)> = match &o.free {
        Some(Ok(free)) => free
            .iter()
            .map(|t| {
                let t = t.format("%H:%M").to_string();
                (t.clone(), t)
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut radios = Control::new(
        &f.time.name,
        texts::free_slots_of().get(l),
        Kind::Radios(times.clone()),
    );
    radios.value = time;
    radios.required = true;
    radios.error = error_of(problems, f.time, l);
    if let Some((d, day)) = &o.shown {
        radios.hint = Some(format!(
            "{}, {}",
            doctor_name(o, d, l).unwrap_or_else(|| d.clone()),
            day.format("%d.%m.%Y")
        ));
    }
    let time_error = radios.error.clone();
    let field_error = |id: &str, e: &Option<String>| {
        html! {
            @if let Some(e) = e {
                p.field-error id={ (id) "-error" } {
                    span.visually-hidden { (qyzmet_web::words::error_prefix().get(l)) " " }
                    (e)
                }
            }
        }
    };
    html! {
        fieldset.slot-choice #slots aria-describedby="slots-lead" {
            legend { (texts::slot_choice().get(l)) }
            p.hint #slots-lead { (texts::slot_choice_lead().get(l)) }
            @if o.failed { p.field-error { (texts::schedule_failed().get(l)) } }
            div class=(if doctor_error.is_some() { "field field--error" } else { "field" }) {
                label for=(doctor_id) { (f.doctor.label.get(l)) }
                @if let Some(h) = &f.doctor.hint { p.hint id={ (doctor_id) "-hint" } { (h.get(l)) } }
                (field_error(&doctor_id, &doctor_error))
                select id=(doctor_id) name=(f.doctor.name) form=(CHOICE_FORM) required
                    aria-describedby=[described(&doctor_id, f.doctor.hint.is_some(), doctor_error.is_some())]
                    aria-invalid=[doctor_error.as_ref().map(|_| "true")] {
                    option value="" { (texts::choose_doctor().get(l)) }
                    @for c in &o.clinics {
                        optgroup label=(c.name.get(l)) {
                            @for d in o.doctors.iter().filter(|d| d.clinic == c.id) {
                                option value=(d.id) selected[d.id == doctor] {
                                    (d.name) " — " (speciality(d.speciality).get(l))
                                }
                            }
                        }
                    }
                }
            }
            div class=(if date_error.is_some() { "field field--error" } else { "field" }) {
                label for=(date_id) { (f.date.label.get(l)) }
                (field_error(&date_id, &date_error))
                input type="date" id=(date_id) name=(f.date.name) value=(date) form=(CHOICE_FORM)
                    required min=(today.to_string())
                    aria-describedby=[described(&date_id, false, date_error.is_some())]
                    aria-invalid=[date_error.as_ref().map(|_| "true")];
            }
            div.actions {
                button.secondary type="submit" form=(CHOICE_FORM) formnovalidate { (texts::show_slots().get(l)) }
            }
            @match (&o.shown, &o.free) {
                (Some((d, day)), Some(Ok(_))) if !times.is_empty() => {
                    input type="hidden" name=(f.doctor.name) value=(d);
                    input type="hidden" name=(f.date.name) value=(day.to_string());
                    (radios.render(l))
                }
                (Some(_), Some(Ok(_))) => {
                    p.notice { (texts::no_free_slots().get(l)) }
                    (time_problem(&f.time.name, &time_error, l))
                }
                (Some(_), Some(Err(why))) => {
                    p.field-error { (why.get(l)) }
                    (time_problem(&f.time.name, &time_error, l))
                }
                _ => {
                    p.hint { (texts::choose_first().get(l)) }
                    (time_problem(&f.time.name, &time_error, l))
                }
            }
        }
    }
}

/// The form's controls with the slot's fields as the chooser: the kit's controls
/// (`qyzmet_web::filing::controls`) otherwise, field by field in the form's order, then the
/// documents.
pub(crate) fn controls(
    v: &Visitor,
    r: &Regulation,
    o: &Offer,
    d: &Draft,
    problems: &Problems,
) -> Markup {
    let l = v.lang;
    let today = filing::today();
    let first = o.first(r);
    html! {
        @for f in filing::fields(r) {
            @if o.has(&f.name) {
                @if first.as_deref() == Some(f.name.as_str()) {
                    (chooser(v, o, &d.values, today, problems))
                }
            } @else {
                @let value = d.values.get(&f.name).map(String::as_str).unwrap_or_default();
                @let attached = d.files.get(&f.name).map(|x| x.name.as_str());
                (control(f, l, value, problems.of(&f.name), attached, today).render(l))
            }
        }
        @if !filing::documents(r).is_empty() {
            h2 { (texts::attachments().get(l)) }
            @for a in filing::documents(r) {
                (filing::document_control(a, l, d, problems).render(l))
            }
        }
    }
}

/// The slot chosen, as a person reads it (the review lists the doctor by the schedule's id).
pub(crate) fn chosen(o: &Offer, values: &BTreeMap<String, String>, lang: Lang) -> Markup {
    let f = &o.fields;
    let doctor = values
        .get(&f.doctor.name)
        .and_then(|d| doctor_name(o, d, lang));
    let day = day(values, f).map(|d| d.format("%d.%m.%Y").to_string());
    let time = values.get(&f.time.name);
    html! {
        @if let (Some(doctor), Some(day), Some(time)) = (doctor, day, time) {
            p.notice #slot-chosen { strong { (texts::slot_choice().get(lang)) ": " } (doctor) ", " (day) ", " (time) }
        }
    }
}

/// The time's problem when no times are shown (so that the summary's link has its target).
fn time_problem(name: &str, error: &Option<String>, l: Lang) -> Markup {
    let id = qyzmet_web::form::id(name);
    html! {
        @if let Some(e) = error {
            p.field-error id=(id) tabindex="-1" {
                span.visually-hidden { (qyzmet_web::words::error_prefix().get(l)) " " }
                (e)
            }
        }
    }
}

/// The GET form the doctor and the day belong to (outside the form being filled, which a
/// form may not contain): back to the same form page, with the draft, at the chooser (the
/// fragment stays on a GET form's address, so the page opens where the times are).
pub(crate) fn choice_form(action: &str, draft: Option<&str>) -> Markup {
    html! {
        form #(CHOICE_FORM) method="get" action={ (action) "#slots" } {
            @if let Some(d) = draft { input type="hidden" name="draft" value=(d); }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qyzmet_core::regulation::Catalog;

    fn catalog() -> Catalog {
        let sources = [
            (
                "doctor-appointment.toml",
                include_str!("../../../../regulations/doctor-appointment.toml"),
            ),
            (
                "doctor-home-call.toml",
                include_str!("../../../../regulations/doctor-home-call.toml"),
            ),
        ];
        let (catalog, problems) = Catalog::from_sources(&sources);
        assert!(problems.is_empty(), "{problems:?}");
        catalog
    }

    #[test]
    fn the_regulation_says_which_form_chooses_a_slot() {
        let c = catalog();
        let f = slot_fields(c.latest("doctor-appointment").unwrap()).unwrap();
        assert_eq!(
            (
                f.doctor.name.as_str(),
                f.date.name.as_str(),
                f.time.name.as_str()
            ),
            ("doctor", "appointment_date", "appointment_time")
        );
        // A home call (another of the clinics' services) chooses no slot.
        assert!(slot_fields(c.latest("doctor-home-call").unwrap()).is_none());
    }

    #[test]
    fn another_doctor_or_day_drops_the_time_chosen() {
        let c = catalog();
        let r = c.latest("doctor-appointment").unwrap();
        let mut values: BTreeMap<String, String> = [
            ("doctor", "D-1-1"),
            ("appointment_date", "2026-12-10"),
            ("appointment_time", "08:00"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let query = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        // The same doctor and day (and other parameters) keep it.
        take_query(
            r,
            &mut values,
            &query(&[("doctor", "D-1-1"), ("lang", "ru")]),
        );
        assert_eq!(
            values.get("appointment_time").map(String::as_str),
            Some("08:00")
        );
        assert!(!values.contains_key("lang"));
        take_query(
            r,
            &mut values,
            &query(&[("appointment_date", "2026-12-11")]),
        );
        assert_eq!(
            values.get("appointment_date").map(String::as_str),
            Some("2026-12-11")
        );
        assert!(!values.contains_key("appointment_time"));
    }
}
