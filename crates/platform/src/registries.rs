//! The state databases and outside systems as participants on the gateway: one door each
//! (`gbd-fl`, `gbd-ul`, `payment-gateway`, `notary`, `kindergarten-register`,
//! `doctor-schedule`, `attachment-register`), all over the one [`Registries`] state, which is
//! written to a file after every answer that may have changed it, so that payments, queue
//! tickets and bookings survive a restart.

use async_trait::async_trait;
use qyzmet_core::regulation::Participant;
use qyzmet_gateway::services::registry_participant;
use qyzmet_gateway::{Endpoint, Envelope};
use qyzmet_registries::{Registries, RegistryRequest};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The registries this deployment runs, in the order of the table above.
pub const PARTICIPANTS: [Participant; 7] = [
    Participant::GbdFl,
    Participant::GbdUl,
    Participant::PaymentGateway,
    Participant::Notary,
    Participant::KindergartenRegister,
    Participant::DoctorSchedule,
    Participant::AttachmentRegister,
];

/// The shared state of the registries and where it is kept.
#[derive(Clone)]
pub struct RegistryHost {
    state: Arc<Mutex<Registries>>,
    file: Option<PathBuf>,
}

impl RegistryHost {
    pub fn new(registries: Registries, file: Option<PathBuf>) -> Self {
        RegistryHost {
            state: Arc::new(Mutex::new(registries)),
            file,
        }
    }

    /// Open the registries kept in `file`, or start the demo world from `seed` there.
    pub fn open_or_demo(file: PathBuf, seed: u64) -> Result<Self, String> {
        let registries = match std::fs::read_to_string(&file) {
            Ok(json) => Registries::restore(&json).map_err(|e| e.to_string())?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Registries::demo(seed),
            Err(e) => return Err(format!("{}: {e}", file.display())),
        };
        let host = RegistryHost::new(registries, Some(file));
        host.persist()?;
        Ok(host)
    }

    /// A look at the state (for demo seeding and tests).
    pub fn with<R>(&self, f: impl FnOnce(&Registries) -> R) -> R {
        f(&self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn persist(&self) -> Result<(), String> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let json = self.with(|r| r.snapshot());
        let tmp = file.with_extension("json.tmp");
        std::fs::write(&tmp, json)
            .and_then(|()| std::fs::rename(&tmp, file))
            .map_err(|e| format!("{}: {e}", file.display()))
    }

    /// Put every registry's door on the gateway, each with its own key.
    pub fn register(&self, road: &mut crate::road::Road) -> Result<(), String> {
        for p in PARTICIPANTS {
            let key = road.key(&registry_participant(p))?;
            road.gateway
                .register(
                    key,
                    Arc::new(Door {
                        host: self.clone(),
                        participant: p,
                    }),
                )
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

struct Door {
    host: RegistryHost,
    participant: Participant,
}

#[async_trait]
impl Endpoint for Door {
    async fn receive(&self, mut message: Envelope) -> Result<Option<Envelope>, String> {
        let request: RegistryRequest = serde_json::from_value(std::mem::take(&mut message.body))
            .map_err(|e| format!("not a registry request: {e}"))?;
        if request.participant() != self.participant {
            return Err(format!(
                "a question for {:?} sent to {:?}",
                request.participant(),
                self.participant
            ));
        }
        let now = qyzmet_agency::local(chrono::Utc::now());
        let answer = {
            let mut state = self.host.state.lock().unwrap_or_else(|p| p.into_inner());
            state.handle(&request, now)
        };
        // The state databases only answer; the others may have changed (an invoice paid, a
        // place given, a slot booked).
        if !matches!(self.participant, Participant::GbdFl | Participant::GbdUl) {
            self.host.persist()?;
        }
        let body = serde_json::to_value(answer).map_err(|e| e.to_string())?;
        Ok(Some(message.reply(body)))
    }
}
