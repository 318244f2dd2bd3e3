//! `qyzmet id`: check an IIN or BIN (or a legacy RNN) and print what it encodes.

use chrono::NaiveDate;
use clap::Subcommand;
use qyzmet_core::id::{self, IdError, IdKind, Identifier, Interpretations};
use qyzmet_core::Lang;
use serde_json::{json, Value};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum IdCommand {
    /// Read a 12-digit number as an IIN and as a BIN and print what it encodes, or the rule each
    /// reading breaks. Exit status 0 when a reading passes, 1 when none does.
    Check {
        /// The number, 12 digits.
        number: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Also read the number as a legacy RNN (many IINs and BINs pass the RNN rule too).
        #[arg(long)]
        rnn: bool,
        /// The day that birth dates must not be after (YYYY-MM-DD); default: today on this
        /// computer's clock, in its time zone.
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<NaiveDate>,
        /// Language of the error messages: kk, ru or en.
        #[arg(long, default_value = "en")]
        lang: Lang,
    },
}

pub fn run(command: IdCommand) -> ExitCode {
    match command {
        IdCommand::Check {
            number,
            json,
            rnn,
            today,
            lang,
        } => {
            let today = today.unwrap_or_else(|| chrono::Local::now().date_naive());
            let readings = if rnn {
                id::parse_any_including_rnn(&number, today)
            } else {
                id::parse_any(&number, today)
            };
            if json {
                let value = to_json(&number, today, &readings, lang);
                println!(
                    "{}",
                    serde_json::to_string_pretty(&value).expect("JSON of plain values")
                );
            } else {
                print!("{}", to_text(&number, &readings, lang));
            }
            if readings.is_valid() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Each reading that was made, in the order IIN, BIN, RNN.
fn each(readings: &Interpretations) -> Vec<(IdKind, Result<Identifier, &IdError>)> {
    let mut out = vec![
        (
            IdKind::Iin,
            readings.iin.as_ref().map(|n| Identifier::Iin(*n)),
        ),
        (
            IdKind::Bin,
            readings.bin.as_ref().map(|n| Identifier::Bin(*n)),
        ),
    ];
    if let Some(rnn) = &readings.rnn {
        out.push((IdKind::Rnn, rnn.as_ref().map(|n| Identifier::Rnn(*n))));
    }
    out
}

fn sex_text(sex: id::Sex) -> &'static str {
    match sex {
        id::Sex::Male => "male",
        id::Sex::Female => "female",
    }
}

fn century_text(century: id::Century) -> &'static str {
    match century {
        id::Century::The1800s => "1800s",
        id::Century::The1900s => "1900s",
        id::Century::The2000s => "2000s",
    }
}

fn kind_text(kind: id::EntityKind) -> &'static str {
    match kind {
        id::EntityKind::ResidentLegalEntity => "resident legal entity",
        id::EntityKind::NonResidentLegalEntity => "non-resident legal entity",
        id::EntityKind::JointIndividualEntrepreneurship => {
            "individual entrepreneur in joint entrepreneurship"
        }
    }
}

fn attribute_text(attribute: id::BinAttribute) -> &'static str {
    match attribute {
        id::BinAttribute::HeadOffice => "head office",
        id::BinAttribute::Branch => "branch",
        id::BinAttribute::RepresentativeOffice => "representative office",
        id::BinAttribute::PeasantFarm => "peasant farm in joint entrepreneurship",
    }
}

fn to_text(number: &str, readings: &Interpretations, lang: Lang) -> String {
    let mut out = String::new();
    let verdict = match readings.valid().as_slice() {
        [] => "not a valid identifier".to_string(),
        valid => {
            let kinds: Vec<String> = valid.iter().map(|i| i.kind().to_string()).collect();
            format!("valid {}", kinds.join(" and "))
        }
    };
    out.push_str(&format!("{number:?}: {verdict}\n"));
    for (kind, reading) in each(readings) {
        match reading {
            Ok(Identifier::Iin(iin)) => out.push_str(&format!(
                "  valid   {kind}: born {}, {}, century {}, serial {:04}\n",
                iin.birth_date(),
                sex_text(iin.sex()),
                century_text(iin.century()),
                iin.serial()
            )),
            Ok(Identifier::Bin(bin)) => out.push_str(&format!(
                "  valid   {kind}: registered {}, {}, {}, serial {:05}\n",
                bin.registration(),
                kind_text(bin.entity_kind()),
                attribute_text(bin.attribute()),
                bin.serial()
            )),
            Ok(Identifier::Rnn(_)) => {
                out.push_str(&format!("  valid   {kind}: passes the RNN check digit\n"))
            }
            Err(e) => out.push_str(&format!("  invalid {} [{}]\n", e.message(lang), e.code())),
        }
    }
    out
}

fn to_json(number: &str, today: NaiveDate, readings: &Interpretations, lang: Lang) -> Value {
    let list: Vec<Value> = each(readings)
        .into_iter()
        .map(|(kind, reading)| match reading {
            Ok(Identifier::Iin(iin)) => json!({
                "kind": kind,
                "valid": true,
                "birth_date": iin.birth_date(),
                "sex": iin.sex(),
                "century": iin.century(),
                "serial": format!("{:04}", iin.serial()),
            }),
            Ok(Identifier::Bin(bin)) => json!({
                "kind": kind,
                "valid": true,
                "registration": bin.registration().to_string(),
                "entity_kind": bin.entity_kind(),
                "attribute": bin.attribute(),
                "serial": format!("{:05}", bin.serial()),
            }),
            Ok(Identifier::Rnn(_)) => json!({ "kind": kind, "valid": true }),
            Err(e) => json!({
                "kind": kind,
                "valid": false,
                "error": { "code": e.code(), "message": e.message(lang), "detail": e },
            }),
        })
        .collect();
    json!({
        "number": number,
        "today": today,
        "valid": readings.is_valid(),
        "readings": list,
    })
}
