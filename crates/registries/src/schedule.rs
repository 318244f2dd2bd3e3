//! The doctors' schedules of Astana's primary health care clinics (services 8 and 9).
//!
//! - A doctor sees patients on the clinic's working days (Monday to Friday, not on the clinic's
//!   days off), from `from` to `to`, in slots of `slot_minutes`; a slot is free unless booked
//!   and not cancelled, and only slots after `now` are offered or booked.
//! - A home call is accepted on a day the clinic is open, until 2 hours before it closes
//!   («вызов принимается до 2 часов до окончания работы организации»); the visit is that day.
//!   The clinic's hours are data: weekdays and, when open, Saturday and Sunday.

use crate::common::{check_text, clip, parse_iin, BadId, BadText};
use crate::SnapshotError;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use qyzmet_core::id::Iin;
use qyzmet_core::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How long before closing home calls stop being accepted.
pub const HOME_CALL_CUTOFF_HOURS: i64 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speciality {
    /// Врач общей практики.
    GeneralPractitioner,
    /// Участковый терапевт.
    Therapist,
    /// Участковый педиатр.
    Paediatrician,
    Gynaecologist,
    Surgeon,
    Ophthalmologist,
    Neurologist,
    Cardiologist,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    pub open: NaiveTime,
    pub close: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyHours {
    /// Monday to Friday.
    pub weekdays: Hours,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saturday: Option<Hours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sunday: Option<Hours>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clinic {
    /// The clinic's BIN (as in ГБД ЮЛ).
    pub id: String,
    pub name: Text,
    pub address: String,
    pub hours: WeeklyHours,
    /// Public holidays and other days the clinic is closed (from the working-day calendar).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub days_off: BTreeSet<NaiveDate>,
}

impl Clinic {
    /// The hours of `date`, `None` when closed.
    pub fn hours_on(&self, date: NaiveDate) -> Option<Hours> {
        if self.days_off.contains(&date) {
            return None;
        }
        match date.weekday() {
            Weekday::Sat => self.hours.saturday,
            Weekday::Sun => self.hours.sunday,
            _ => Some(self.hours.weekdays),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Doctor {
    pub id: String,
    pub clinic: String,
    /// «Фамилия Имя Отчество».
    pub name: String,
    pub speciality: Speciality,
    pub from: NaiveTime,
    pub to: NaiveTime,
    /// 5 to 120.
    pub slot_minutes: u32,
}

impl Doctor {
    /// The start of every slot of a working day.
    pub fn slot_starts(&self) -> Vec<NaiveTime> {
        let step = Duration::minutes(i64::from(self.slot_minutes.clamp(5, 120)));
        let mut out = Vec::new();
        let mut t = self.from;
        while t < self.to {
            let (end, wrapped) = t.overflowing_add_signed(step);
            if wrapped != 0 || end > self.to || end <= t {
                break;
            }
            out.push(t);
            t = end;
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: String,
    pub doctor: String,
    pub clinic: String,
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub patient: Iin,
    pub booked_at: NaiveDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeCall {
    pub id: String,
    pub clinic: String,
    pub patient: Iin,
    pub address: String,
    pub phone: String,
    pub accepted_at: NaiveDateTime,
    /// The visit is on the day of the call.
    pub visit_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "operation", rename_all = "snake_case", deny_unknown_fields)]
pub enum ScheduleRequest {
    Clinics,
    /// Doctors, of one clinic and/or one speciality when given.
    Doctors {
        #[serde(default)]
        clinic: Option<String>,
        #[serde(default)]
        speciality: Option<Speciality>,
    },
    /// The doctor's free slots on `date` (after now).
    FreeSlots {
        doctor: String,
        date: NaiveDate,
    },
    Book {
        doctor: String,
        date: NaiveDate,
        time: NaiveTime,
        patient_iin: String,
    },
    /// The patient cancels their appointment (before it starts).
    Cancel {
        appointment: String,
        patient_iin: String,
    },
    /// A patient's appointments, cancelled ones included.
    Appointments {
        patient_iin: String,
    },
    HomeCall {
        clinic: String,
        patient_iin: String,
        address: String,
        phone: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum ScheduleResponse {
    Clinics {
        clinics: Vec<Clinic>,
    },
    Doctors {
        doctors: Vec<Doctor>,
    },
    FreeSlots {
        doctor: String,
        date: NaiveDate,
        slots: Vec<NaiveTime>,
    },
    Booked {
        appointment: Appointment,
    },
    Cancelled {
        appointment: Appointment,
    },
    Appointments {
        appointments: Vec<Appointment>,
    },
    HomeCallAccepted {
        call: HomeCall,
    },
    Error(ScheduleError),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ScheduleError {
    #[error("invalid IIN: {0}")]
    InvalidIin(BadId),
    #[error("{0}")]
    BadText(BadText),
    #[error("phone must be +7 and 10 digits")]
    BadPhone,
    #[error("no clinic {id}")]
    UnknownClinic { id: String },
    #[error("no doctor {id}")]
    UnknownDoctor { id: String },
    #[error("{date} is not a working day of the doctor")]
    NotWorkingDay { date: NaiveDate },
    #[error("{time} is not the start of one of the doctor's slots")]
    NotASlot { time: NaiveTime },
    #[error("the slot {date} {time} has passed")]
    SlotPassed { date: NaiveDate, time: NaiveTime },
    #[error("the slot {date} {time} is taken")]
    SlotTaken { date: NaiveDate, time: NaiveTime },
    #[error("no appointment {id}")]
    UnknownAppointment { id: String },
    #[error("appointment {id} is another patient's")]
    NotYourAppointment { id: String },
    #[error("appointment {id} is already cancelled")]
    AlreadyCancelled { id: String },
    /// Home calls: the clinic is closed today (`accepted_until` none) or it is later than 2 hours
    /// before closing.
    #[error("home calls are accepted until 2 hours before the clinic closes")]
    OutsideIntakeHours {
        date: NaiveDate,
        accepted_until: Option<NaiveTime>,
    },
}

impl ScheduleError {
    pub fn code(&self) -> &'static str {
        match self {
            ScheduleError::InvalidIin(_) => "schedule.invalid_iin",
            ScheduleError::BadText(_) => "schedule.bad_text",
            ScheduleError::BadPhone => "schedule.bad_phone",
            ScheduleError::UnknownClinic { .. } => "schedule.unknown_clinic",
            ScheduleError::UnknownDoctor { .. } => "schedule.unknown_doctor",
            ScheduleError::NotWorkingDay { .. } => "schedule.not_working_day",
            ScheduleError::NotASlot { .. } => "schedule.not_a_slot",
            ScheduleError::SlotPassed { .. } => "schedule.slot_passed",
            ScheduleError::SlotTaken { .. } => "schedule.slot_taken",
            ScheduleError::UnknownAppointment { .. } => "schedule.unknown_appointment",
            ScheduleError::NotYourAppointment { .. } => "schedule.not_your_appointment",
            ScheduleError::AlreadyCancelled { .. } => "schedule.already_cancelled",
            ScheduleError::OutsideIntakeHours { .. } => "schedule.outside_intake_hours",
        }
    }
}

impl From<BadText> for ScheduleError {
    fn from(e: BadText) -> Self {
        ScheduleError::BadText(e)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorSchedules {
    clinics: Vec<Clinic>,
    doctors: Vec<Doctor>,
    appointments: Vec<Appointment>,
    home_calls: Vec<HomeCall>,
    next_appointment: u64,
    next_call: u64,
}

impl DoctorSchedules {
    pub fn new(clinics: Vec<Clinic>, doctors: Vec<Doctor>) -> Self {
        DoctorSchedules {
            clinics,
            doctors,
            ..Default::default()
        }
    }

    pub fn clinics(&self) -> &[Clinic] {
        &self.clinics
    }

    pub fn doctors(&self) -> &[Doctor] {
        &self.doctors
    }

    pub fn handle(&mut self, request: &ScheduleRequest, now: NaiveDateTime) -> ScheduleResponse {
        self.answer(request, now)
            .unwrap_or_else(ScheduleResponse::Error)
    }

    fn answer(
        &mut self,
        request: &ScheduleRequest,
        now: NaiveDateTime,
    ) -> Result<ScheduleResponse, ScheduleError> {
        let iin = |text: &str| {
            parse_iin("patient_iin", text, now.date()).map_err(ScheduleError::InvalidIin)
        };
        match request {
            ScheduleRequest::Clinics => Ok(ScheduleResponse::Clinics {
                clinics: self.clinics.clone(),
            }),
            ScheduleRequest::Doctors { clinic, speciality } => Ok(ScheduleResponse::Doctors {
                doctors: self
                    .doctors
                    .iter()
                    .filter(|d| clinic.as_ref().is_none_or(|c| d.clinic == c.trim()))
                    .filter(|d| speciality.is_none_or(|s| d.speciality == s))
                    .cloned()
                    .collect(),
            }),
            ScheduleRequest::FreeSlots { doctor, date } => {
                let d = self.doctor(doctor)?;
                let slots = self.working_slots(d, *date)?;
                let slots = slots
                    .into_iter()
                    .filter(|t| date.and_time(*t) > now && !self.is_taken(&d.id, *date, *t))
                    .collect();
                Ok(ScheduleResponse::FreeSlots {
                    doctor: d.id.clone(),
                    date: *date,
                    slots,
                })
            }
            ScheduleRequest::Book {
                doctor,
                date,
                time,
                patient_iin,
            } => {
                let patient = iin(patient_iin)?;
                let d = self.doctor(doctor)?.clone();
                let slots = self.working_slots(&d, *date)?;
                if !slots.contains(time) {
                    return Err(ScheduleError::NotASlot { time: *time });
                }
                if date.and_time(*time) <= now {
                    return Err(ScheduleError::SlotPassed {
                        date: *date,
                        time: *time,
                    });
                }
                if self.is_taken(&d.id, *date, *time) {
                    return Err(ScheduleError::SlotTaken {
                        date: *date,
                        time: *time,
                    });
                }
                self.next_appointment += 1;
                let appointment = Appointment {
                    id: format!("ЗП-{:06}", self.next_appointment),
                    doctor: d.id.clone(),
                    clinic: d.clinic.clone(),
                    date: *date,
                    time: *time,
                    patient,
                    booked_at: now,
                    cancelled_at: None,
                };
                self.appointments.push(appointment.clone());
                Ok(ScheduleResponse::Booked { appointment })
            }
            ScheduleRequest::Cancel {
                appointment,
                patient_iin,
            } => {
                let patient = iin(patient_iin)?;
                let a = self
                    .appointments
                    .iter_mut()
                    .find(|a| a.id == appointment.trim())
                    .ok_or_else(|| ScheduleError::UnknownAppointment {
                        id: clip(appointment, 40),
                    })?;
                if a.patient != patient {
                    return Err(ScheduleError::NotYourAppointment { id: a.id.clone() });
                }
                if a.cancelled_at.is_some() {
                    return Err(ScheduleError::AlreadyCancelled { id: a.id.clone() });
                }
                if a.date.and_time(a.time) <= now {
                    return Err(ScheduleError::SlotPassed {
                        date: a.date,
                        time: a.time,
                    });
                }
                a.cancelled_at = Some(now);
                Ok(ScheduleResponse::Cancelled {
                    appointment: a.clone(),
                })
            }
            ScheduleRequest::Appointments { patient_iin } => {
                let patient = iin(patient_iin)?;
                Ok(ScheduleResponse::Appointments {
                    appointments: self
                        .appointments
                        .iter()
                        .filter(|a| a.patient == patient)
                        .cloned()
                        .collect(),
                })
            }
            ScheduleRequest::HomeCall {
                clinic,
                patient_iin,
                address,
                phone,
            } => {
                let patient = iin(patient_iin)?;
                let address = check_text("address", address, 300)?;
                let phone = phone.trim();
                let digits = phone.strip_prefix("+7").unwrap_or("");
                if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(ScheduleError::BadPhone);
                }
                let c = self
                    .clinics
                    .iter()
                    .find(|c| c.id == clinic.trim())
                    .ok_or_else(|| ScheduleError::UnknownClinic {
                        id: clip(clinic, 40),
                    })?;
                let today = now.date();
                let until = c.hours_on(today).and_then(|h| {
                    let (t, wrapped) = h
                        .close
                        .overflowing_sub_signed(Duration::hours(HOME_CALL_CUTOFF_HOURS));
                    (wrapped == 0 && t > h.open).then_some((h.open, t))
                });
                match until {
                    Some((open, t)) if now.time() >= open && now.time() <= t => {}
                    _ => {
                        return Err(ScheduleError::OutsideIntakeHours {
                            date: today,
                            accepted_until: until.map(|u| u.1),
                        })
                    }
                }
                self.next_call += 1;
                let call = HomeCall {
                    id: format!("ВД-{:06}", self.next_call),
                    clinic: c.id.clone(),
                    patient,
                    address,
                    phone: phone.to_string(),
                    accepted_at: now,
                    visit_date: today,
                };
                self.home_calls.push(call.clone());
                Ok(ScheduleResponse::HomeCallAccepted { call })
            }
        }
    }

    fn doctor(&self, id: &str) -> Result<&Doctor, ScheduleError> {
        self.doctors
            .iter()
            .find(|d| d.id == id.trim())
            .ok_or_else(|| ScheduleError::UnknownDoctor { id: clip(id, 40) })
    }

    /// The doctor's slots on `date`, or why the doctor does not work that day.
    fn working_slots(&self, d: &Doctor, date: NaiveDate) -> Result<Vec<NaiveTime>, ScheduleError> {
        let weekday = !matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        let open = self
            .clinics
            .iter()
            .find(|c| c.id == d.clinic)
            .and_then(|c| c.hours_on(date))
            .is_some();
        if !weekday || !open {
            return Err(ScheduleError::NotWorkingDay { date });
        }
        Ok(d.slot_starts())
    }

    fn is_taken(&self, doctor: &str, date: NaiveDate, time: NaiveTime) -> bool {
        self.appointments.iter().any(|a| {
            a.doctor == doctor && a.date == date && a.time == time && a.cancelled_at.is_none()
        })
    }

    pub fn snapshot(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn restore(json: &str) -> Result<Self, SnapshotError> {
        serde_json::from_str(json).map_err(SnapshotError::json("doctor_schedule"))
    }
}
