//! `qyzmet calendar …`: questions to the Kazakh working-day calendar kept in `--dir`.
//!
//! Exit codes: `is-working-day` exits 0 for a working day and 1 for a day off; every command
//! exits 2 on an error (bad argument, unreadable or malformed calendar file, a year without a
//! file), with the message on stderr.

use chrono::NaiveDate;
use clap::Subcommand;
use qyzmet_core::calendar::{CalendarError, WorkingCalendar};
use qyzmet_core::Lang;
use std::path::Path;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Say whether a day is a working day, and why (exit 0: working, 1: day off, 2: error).
    IsWorkingDay {
        /// The day, as YYYY-MM-DD.
        date: String,
        /// Language of the holiday names and reasons: kk, ru or en.
        #[arg(long, default_value = "en")]
        lang: Lang,
    },
    /// Print the date N working days after a date (N = 0: the first working day on or after it).
    AddWorkingDays {
        /// The start day, as YYYY-MM-DD (not counted).
        date: String,
        /// How many working days to add.
        n: u32,
    },
    /// List the year's days off beyond ordinary weekends and its working weekend days, with why.
    Holidays {
        year: i32,
        /// Language of the holiday names and reasons: kk, ru or en.
        #[arg(long, default_value = "en")]
        lang: Lang,
    },
}

pub fn run(dir: &Path, command: CalendarCommand) -> ExitCode {
    match execute(dir, command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("qyzmet calendar: {message}");
            ExitCode::from(2)
        }
    }
}

fn execute(dir: &Path, command: CalendarCommand) -> Result<ExitCode, String> {
    match command {
        CalendarCommand::IsWorkingDay { date, lang } => {
            let date = parse_date(&date)?;
            let calendar = load(dir)?;
            let kind = calendar.day(date).map_err(|e| e.to_string())?;
            let answer = if kind.is_working() { "yes" } else { "no" };
            println!(
                "{answer} — {}: {}",
                date.format("%Y-%m-%d (%A)"),
                kind.describe(lang)
            );
            Ok(if kind.is_working() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        CalendarCommand::AddWorkingDays { date, n } => {
            let date = parse_date(&date)?;
            let calendar = load(dir)?;
            let end = calendar
                .add_working_days(date, n)
                .map_err(|e| e.to_string())?;
            println!("{}", end.format("%Y-%m-%d"));
            Ok(ExitCode::SUCCESS)
        }
        CalendarCommand::Holidays { year, lang } => {
            let calendar = load(dir)?;
            let days = calendar.holidays(year).map_err(|e| e.to_string())?;
            let info = calendar.year(year).map_err(|e| e.to_string())?;
            println!("{year} ({})", info.file);
            for day in days {
                let mark = if day.kind.is_working() {
                    "working"
                } else {
                    "day off"
                };
                println!(
                    "{}  {:<7}  {}",
                    day.date.format("%Y-%m-%d %a"),
                    mark,
                    day.kind.describe(lang)
                );
            }
            if !info.notes.is_empty() {
                println!();
                println!("notes:");
                for note in &info.notes {
                    println!("  - {note}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date as YYYY-MM-DD"))
}

/// Reads every `*.toml` in `dir` (sorted by name) into the calendar.
pub fn load(dir: &Path) -> Result<WorkingCalendar, String> {
    let files = super::read_sources(&[dir.to_path_buf()])?;
    if files.is_empty() {
        return Err(format!("no calendar files (*.toml) in {}", dir.display()));
    }
    WorkingCalendar::from_sources(&files).map_err(|e: CalendarError| e.to_string())
}
