//! Taking a filing: every check before anything is written, then one transaction.

use crate::files::{self, hex};
use crate::{local, AgencyIs, MAX_SIGNING_AGE};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::Utc;
use qyzmet_api::ApiError;
use qyzmet_core::id::{Bin, Iin};
use qyzmet_core::regulation::{form, ChannelKind, Check, Regulation, StepKind};
use qyzmet_core::Text;
use qyzmet_engine::Engine;
use qyzmet_gateway::services::{Application, Filing, FilingAnswer};
use qyzmet_pki::verify::{Expectation, ValidationReport};
use qyzmet_pki::{Role as CertRole, SignatureRefusal};
use qyzmet_store::{NewRequest, NewSignature, Party, SignaturePurpose, UserId};
use sha2::{Digest, Sha256};

fn malformed(code: &str, en: String, ru: String, kk: String) -> ApiError {
    ApiError::bad_request(code, Text::new(kk, ru, en))
}

/// Read the application out of a CMS: the signed content, JSON of the [`Application`] shape.
pub(crate) fn read_application(der: &[u8]) -> Result<Application, ApiError> {
    let raw = qyzmet_pki::cms::parse_raw(der).map_err(|e| {
        malformed(
            "signature.malformed",
            format!("The signature is not a CMS SignedData: {e}"),
            format!("Подпись не является CMS SignedData: {e}"),
            format!("Қолтаңба CMS SignedData емес: {e}"),
        )
    })?;
    let content = raw.content.ok_or_else(|| {
        malformed(
            "signature.detached",
            "The signed application must be attached to the signature".into(),
            "Подписанное заявление должно быть вложено в подпись".into(),
            "Қол қойылған өтініш қолтаңбаның ішінде болуы керек".into(),
        )
    })?;
    serde_json::from_slice(content).map_err(|e| {
        malformed(
            "application.malformed",
            format!("The signed application is not of the expected form: {e}"),
            format!("Подписанное заявление имеет неверный вид: {e}"),
            format!("Қол қойылған өтініштің түрі дұрыс емес: {e}"),
        )
    })
}

/// The regulation's refusal for a request's signature that is not confirmed (a result's has
/// no regulation text: `reg` is `None`), with the specific reason.
pub(crate) fn signature_refused(
    reg: Option<&Regulation>,
    channel: ChannelKind,
    why: SignatureRefusal,
) -> ApiError {
    use qyzmet_core::Lang;
    let from_regulation = reg.and_then(|r| r.channels.get(&channel)).and_then(|ch| {
        ch.procedure.iter().find_map(|s| {
            (s.kind == StepKind::Condition && s.check == Some(Check::Signature))
                .then(|| s.refusal.as_ref().map(|r| r.message.clone()))
                .flatten()
        })
    });
    let join = |lang: Lang, fallback: &str| {
        let head = from_regulation
            .as_ref()
            .map(|t| t.get(lang).to_string())
            .unwrap_or_else(|| fallback.to_string());
        format!("{head}: {}", why.message(lang))
    };
    ApiError::unprocessable(
        why.code(),
        Text::new(
            join(Lang::Kk, "ЭЦҚ расталмады"),
            join(Lang::Ru, "ЭЦП не подтверждена"),
            join(Lang::En, "The e-signature is not confirmed"),
        ),
    )
}

/// What the signer's certificate must say, from whose key should have signed.
fn expectation(signer: &str, channel: ChannelKind) -> Result<Expectation, ApiError> {
    let today = local(Utc::now()).date();
    let mut e = Expectation {
        max_signing_age: Some(MAX_SIGNING_AGE),
        ..Expectation::default()
    };
    if let Ok(iin) = Iin::parse(signer, today) {
        e.iin = Some(iin);
        e.roles = match channel {
            ChannelKind::Portal => vec![CertRole::Individual],
            // Staff sign with their organisation's certificates.
            _ => vec![CertRole::Employee, CertRole::Signer, CertRole::FirstHead],
        };
    } else if let Ok(bin) = Bin::parse(signer) {
        e.bin = Some(bin);
        e.roles = vec![CertRole::FirstHead, CertRole::Signer, CertRole::LegalEntity];
    } else {
        return Err(ApiError::internal(format!(
            "signer `{signer}` is no IIN/BIN"
        )));
    }
    Ok(e)
}

impl AgencyIs {
    /// Verify a CMS signature. A known signer's message is checked from the cache in place;
    /// any other may wait for the revocation source, so it goes to a blocking thread.
    pub(crate) async fn verify(
        &self,
        der: &[u8],
        detached: Option<&[u8]>,
        expect: Expectation,
        now: chrono::DateTime<Utc>,
    ) -> Result<ValidationReport, ApiError> {
        let verifier = &self.inner.verifier;
        if let Some(report) = verifier.verify_cached(der, detached, &expect, now) {
            return Ok(report);
        }
        let verifier = verifier.clone();
        let (der, detached) = (der.to_vec(), detached.map(<[u8]>::to_vec));
        tokio::task::spawn_blocking(move || {
            verifier.verify(&der, detached.as_deref(), &expect, now)
        })
        .await
        .map_err(ApiError::internal)
    }

    /// Verify and register a filing, then run it as far as it goes without a person.
    pub async fn file(&self, f: Filing) -> Result<FilingAnswer, ApiError> {
        let now = Utc::now();
        let der = STANDARD.decode(f.cms.as_bytes()).map_err(|_| {
            malformed(
                "signature.not_base64",
                "The signature must be base64 DER".into(),
                "Подпись должна быть в base64 (DER)".into(),
                "Қолтаңба base64 (DER) түрінде болуы керек".into(),
            )
        })?;
        let app = read_application(&der)?;
        let reg = self.regulation(&app.service, app.version)?;
        if app.channel != f.channel || !reg.channels.contains_key(&f.channel) {
            return Err(ApiError::unprocessable(
                "application.channel",
                Text::new(
                    format!(
                        "Өтініш {} арнасы үшін толтырылған, ол мұнда берілмейді",
                        app.channel
                    ),
                    format!(
                        "Заявление заполнено для канала {}, здесь его подать нельзя",
                        app.channel
                    ),
                    format!(
                        "The application is made out for the {} channel and cannot be filed here",
                        app.channel
                    ),
                ),
            ));
        }
        let recipient = Party::parse(&app.recipient).ok_or_else(|| {
            ApiError::unprocessable(
                "application.recipient",
                Text::new(
                    format!("Алушы {} — жарамды ЖСН/БСН емес", app.recipient),
                    format!("Получатель {} — не действительный ИИН/БИН", app.recipient),
                    format!("The recipient {} is not a valid IIN/BIN", app.recipient),
                ),
            )
        })?;
        if f.channel == ChannelKind::Portal && app.recipient != f.signer_iin {
            return Err(ApiError::forbidden(
                "access.not_yours",
                Text::new(
                    "Порталда тек өз атыңыздан өтінім бере аласыз",
                    "На портале можно подать заявку только от своего имени",
                    "On the portal you may file only for yourself",
                ),
            ));
        }
        let expect = expectation(&f.signer_iin, f.channel)?;
        let report = self.verify(&der, None, expect, now).await?;
        if let Some(why) = report.refusal() {
            return Err(signature_refused(Some(reg), f.channel, why));
        }
        let limit = self.inner.store.options().max_attachment_bytes;
        let (attachments, file_facts) = files::accept(&app.attachments, &f.attachments, limit)?;
        let today = local(now).date();
        if let qyzmet_core::regulation::Given::Value(form_def) = &reg.form {
            let declared = reg.attachments.value().cloned().unwrap_or_default();
            form::check_form(form_def, &declared, &app.form, &file_facts, today).map_err(
                |errors| {
                    ApiError::unprocessable(
                        "form.invalid",
                        Text::new(
                            "Нысан дұрыс толтырылмаған",
                            "Форма заполнена с ошибками",
                            "The form has errors",
                        ),
                    )
                    .with_details(
                        errors
                            .into_iter()
                            .map(|e| serde_json::to_value(e).unwrap_or_default())
                            .collect(),
                    )
                },
            )?;
        }
        if let qyzmet_core::regulation::Given::Value(form_def) = &reg.form {
            // A field the portal fills from the person's registration must be the recipient's.
            for field in &form_def.fields {
                let own = matches!(
                    field.prefill,
                    Some(qyzmet_core::regulation::Prefill::Iin)
                        | Some(qyzmet_core::regulation::Prefill::Bin)
                );
                if let (true, Some(v)) = (own, app.form.get(&field.name)) {
                    if v.trim() != app.recipient && !v.trim().is_empty() {
                        return Err(not_the_recipient(&field.name, &field.label));
                    }
                }
            }
        }
        let engine = Engine::new(reg, &self.inner.calendar);
        let mut st = engine
            .submit(f.channel, true, local(now))
            .map_err(|e| ApiError::unprocessable(e.code(), engine_text(&e)))?;
        st.data.insert(
            "application".into(),
            serde_json::to_value(&app).map_err(ApiError::internal)?,
        );
        let signer = report
            .signer
            .as_ref()
            .and_then(|s| s.iin.as_deref().or(s.bin.as_deref()))
            .and_then(Party::parse)
            .unwrap_or(recipient);
        let signed_at = report
            .signer
            .as_ref()
            .and_then(|s| s.signing_time)
            .unwrap_or(now);
        let notifications =
            crate::drive::notices(&st.notifications, f.csc.as_deref(), self).await?;
        // Only the provider's own workplace files as one of the IS's users; the portal's and a
        // CSC's people have their accounts in their own systems, and are known here by their
        // signatures (and the CSC by its code).
        let own_user = (f.channel == ChannelKind::Agency).then(|| UserId(f.submitted_by.clone()));
        let new = NewRequest {
            provider: reg.general.provider.code.clone(),
            regulation: reg.code.clone(),
            version: reg.version,
            channel: f.channel,
            recipient,
            submitted_by: own_user.clone(),
            csc: f.csc.clone(),
            status: st.status,
            state: serde_json::to_value(&st).map_err(ApiError::internal)?,
            deadline: st.current_due.map(crate::utc),
            at: now,
            history: crate::drive::history(&st.history),
            notifications,
            attachments,
            signature: Some(NewSignature {
                purpose: SignaturePurpose::Request,
                signer,
                signer_user: own_user,
                cms: der.clone(),
                signed_at,
            }),
            idempotency_key: Some(hex(&Sha256::digest(&der))),
        };
        let created = self.inner.store.create_request(new).await?;
        let summary = created.request.summary.clone();
        if created.duplicate {
            return Ok(FilingAnswer::Filed {
                request_id: summary.id.to_string(),
                number: summary.number,
                status: summary.status,
                duplicate: true,
            });
        }
        // Outside systems the flow needs now (a state database, an invoice) are asked at once;
        // if one does not answer, the request waits and the sweep asks again.
        let status = match self.drive(created.request).await {
            Ok(r) => r.summary.status,
            Err(e) => {
                eprintln!("request {}: {}", summary.number, e.code);
                summary.status
            }
        };
        Ok(FilingAnswer::Filed {
            request_id: summary.id.to_string(),
            number: summary.number,
            status,
            duplicate: false,
        })
    }
}

fn not_the_recipient(field: &str, label: &Text) -> ApiError {
    ApiError::unprocessable(
        "form.invalid",
        Text::new(
            "Нысан дұрыс толтырылмаған",
            "Форма заполнена с ошибками",
            "The form has errors",
        ),
    )
    .with_details(vec![serde_json::json!({
        "field": field,
        "code": "form.not_recipient",
        "message": Text::new(
            format!("«{}» өрісі өтінім алушының нөміріне сәйкес келуі керек", label.kk),
            format!("Поле «{}» должно совпадать с номером получателя услуги", label.ru),
            format!("The field “{}” must be the recipient's number", label.en),
        ),
    })])
}

/// An engine error as a person reads it.
pub(crate) fn engine_text(e: &qyzmet_engine::EngineError) -> Text {
    use qyzmet_engine::EngineError as E;
    match e {
        E::Finished => Text::new(
            "Өтінім аяқталған",
            "Заявка уже завершена",
            "The request is finished",
        ),
        E::WrongActor { expected, .. } => Text::new(
            format!("Өтінім қазір басқа әрекетті күтеді: {expected}"),
            format!("Заявка сейчас ожидает другого действия: {expected}"),
            format!("The request is waiting for another action now: {expected}"),
        ),
        E::MissingOutcome { allowed, .. } | E::OutcomeNotAllowed { allowed, .. } => Text::new(
            format!("Шешімді таңдаңыз: {allowed:?}"),
            format!("Выберите решение из допустимых: {allowed:?}"),
            format!("Choose a decision among {allowed:?}"),
        ),
        E::MissingFact { check, .. } => Text::new(
            format!("Тексеру нәтижесін көрсетіңіз: {check:?}"),
            format!("Укажите результат проверки: {check:?}"),
            format!("Say whether this holds: {check:?}"),
        ),
        E::ExtensionNotAllowed => Text::new(
            "Бұл қызметтің регламенті мерзімді ұзартуға рұқсат бермейді",
            "Регламент этой услуги не допускает продления срока",
            "This service's regulation does not allow extending the deadline",
        ),
        E::ExtensionOutOfTurn => Text::new(
            "Мерзімді тек қызмет берушінің шешімі күтілгенде ұзартуға болады",
            "Срок можно продлить только пока заявка ожидает решения услугодателя",
            "The deadline can be extended only while the request waits for the provider",
        ),
        E::ExtensionNotLater => Text::new(
            "Жаңа мерзім қазіргіден кейін болуы керек",
            "Новый срок должен быть позже текущего",
            "The new deadline must be later than the current one",
        ),
        other => Text::new(other.to_string(), other.to_string(), other.to_string()),
    }
}
