//! `qyzmet regulations check|list|show`: prove the definitions sound and read them.

use super::read_sources;
use clap::Subcommand;
use qyzmet_core::regulation::{
    Catalog, Diagnostic, Given, Next, Regulation, Step, StepKind, Target,
};
use qyzmet_core::Lang;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum RegulationsCommand {
    /// Load every definition in DIR (or the given files) and report each problem with its file
    /// and line. Exit 0 only when all are sound.
    Check {
        /// A folder of `.toml` definitions, or definition files.
        #[arg(default_value = "regulations")]
        paths: Vec<PathBuf>,
    },
    /// List the services: code, names, provider, automation, kind and channels.
    List {
        #[arg(long, default_value = "regulations")]
        dir: PathBuf,
    },
    /// Show one regulation's channels, procedures and action tables.
    Show {
        code: String,
        #[arg(long, default_value = "regulations")]
        dir: PathBuf,
        /// Language of the texts: kk, ru or en.
        #[arg(long, default_value = "en")]
        lang: Lang,
        /// A pinned version; the newest by default.
        #[arg(long)]
        version: Option<u32>,
    },
}

pub fn run(command: RegulationsCommand) -> ExitCode {
    match command {
        RegulationsCommand::Check { paths } => check(&paths),
        RegulationsCommand::List { dir } => with_catalog(&dir, |c| {
            list(c);
            ExitCode::SUCCESS
        }),
        RegulationsCommand::Show {
            code,
            dir,
            lang,
            version,
        } => {
            with_catalog(&dir, |c| {
                let found = match version {
                    Some(v) => c.get(&code, v),
                    None => c.latest(&code),
                };
                match found {
                    Some(r) => {
                        print!("{}", show(r, lang));
                        ExitCode::SUCCESS
                    }
                    None => {
                        eprintln!("no regulation `{code}` in {}; `qyzmet regulations list` shows the codes", dir.display());
                        ExitCode::FAILURE
                    }
                }
            })
        }
    }
}

/// Load the catalog of a folder; refuse to go on when any file is unsound.
pub fn load_catalog(dir: &Path) -> Result<Catalog, Vec<String>> {
    let sources = read_sources(&[dir.to_path_buf()]).map_err(|e| vec![e])?;
    let (catalog, diagnostics) = Catalog::from_sources(&sources);
    if diagnostics.is_empty() {
        Ok(catalog)
    } else {
        Err(diagnostics.iter().map(Diagnostic::to_string).collect())
    }
}

fn with_catalog(dir: &Path, f: impl FnOnce(&Catalog) -> ExitCode) -> ExitCode {
    match load_catalog(dir) {
        Ok(c) => f(&c),
        Err(errors) => {
            for e in errors {
                eprintln!("{e}");
            }
            eprintln!(
                "the regulations are not sound: run `qyzmet regulations check {}`",
                dir.display()
            );
            ExitCode::FAILURE
        }
    }
}

fn check(paths: &[PathBuf]) -> ExitCode {
    let sources = match read_sources(paths) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if sources.is_empty() {
        eprintln!("no .toml definitions found");
        return ExitCode::from(2);
    }
    let (catalog, diagnostics) = Catalog::from_sources(&sources);
    for d in &diagnostics {
        println!("{d}");
    }
    let files_with_problems: std::collections::BTreeSet<&str> =
        diagnostics.iter().map(|d| d.file.as_str()).collect();
    println!(
        "{} files: {} sound, {} unsound, {} problems",
        sources.len(),
        catalog.len(),
        files_with_problems.len(),
        diagnostics.len()
    );
    if diagnostics.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn snake<T: std::fmt::Debug>(v: T) -> String {
    let name = format!("{v:?}");
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

fn given<T: std::fmt::Display>(g: &Given<T>) -> String {
    match g {
        Given::Value(v) => v.to_string(),
        Given::Unset { .. } => "—".to_string(),
    }
}

fn list(catalog: &Catalog) {
    for r in catalog.all() {
        let channels: Vec<&str> = r.channels.keys().map(|k| k.key()).collect();
        println!("{} v{}", r.code, r.version);
        for lang in Lang::ALL {
            println!("  {lang}: {}", r.name.get(lang));
        }
        println!(
            "  provider: {} ({})\n  automation: {}, kind: {}, channels: {}",
            r.general.provider.name.en,
            r.general.provider.code,
            snake(r.general.automation),
            snake(r.general.kind),
            channels.join(", ")
        );
    }
    println!("{} regulations", catalog.len());
}

fn step_label(s: &Step) -> String {
    match (s.kind, s.number) {
        (StepKind::Step, _) | (_, None) => "·".to_string(),
        (kind, Some(n)) => format!("{kind} {n}"),
    }
}

fn next_label(next: &Next) -> String {
    let target = |t: &Target| match t {
        Target::End(_) => "end".to_string(),
        Target::To(n) => n.to_string(),
    };
    match next {
        Next::End(_) => "end".into(),
        Next::To(n) => n.to_string(),
        Next::Branches(bs) => bs
            .iter()
            .map(|b| format!("{}→{}", snake(b.on), target(&b.to)))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The readable form of one regulation, as `show` prints it.
pub fn show(r: &Regulation, lang: Lang) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let g = &r.general;
    let _ = writeln!(out, "{} — {} (v{})", r.code, r.name.get(lang), r.version);
    let _ = writeln!(out, "provider:   {}", g.provider.name.get(lang));
    let _ = writeln!(
        out,
        "standard:   {} No. {} of {}",
        g.standard.title.get(lang),
        g.standard.number,
        g.standard.date
    );
    let _ = writeln!(
        out,
        "automation: {}; kind: {}; deadline: {}; fee: {}",
        snake(g.automation),
        snake(g.kind),
        given(&g.deadline),
        match &g.fee {
            Given::Value(f) => format!("{f:?}").to_lowercase(),
            Given::Unset { .. } => "—".into(),
        }
    );
    for (kind, ch) in &r.channels {
        let _ = writeln!(
            out,
            "\n== channel {kind} (signed by the {}) ==",
            snake(ch.signer)
        );
        let _ = writeln!(out, "procedure:");
        for s in &ch.procedure {
            let _ = writeln!(
                out,
                "  {:<13} [{}] {}",
                step_label(s),
                snake(s.by),
                s.text.get(lang)
            );
            if let Some(refusal) = &s.refusal {
                let _ = writeln!(
                    out,
                    "  {:<13} fails → process {}: {}",
                    "",
                    refusal.process,
                    refusal.message.get(lang)
                );
            }
        }
        let _ = writeln!(out, "actions:");
        let _ = writeln!(
            out,
            "  {:>3}  {:<22} {:<18} {:<24} {:<14} action",
            "no", "unit", "operation", "deadline", "next"
        );
        for a in &ch.actions {
            let _ = writeln!(
                out,
                "  {:>3}  {:<22} {:<18} {:<24} {:<14} {}",
                a.number,
                snake(a.unit),
                snake(a.operation),
                given(&a.deadline),
                next_label(&a.next),
                a.action.get(lang).replace('\n', " ")
            );
        }
    }
    let _ = writeln!(out, "\nresults:");
    for res in &r.results {
        let channels: Vec<&str> = res.channels.iter().map(|c| c.key()).collect();
        let _ = writeln!(
            out,
            "  {:<9} {} ({}; {})",
            snake(res.kind),
            res.name.get(lang),
            snake(res.medium),
            channels.join(", ")
        );
    }
    out
}
