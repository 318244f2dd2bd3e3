//! The `qyzmet` binary as a person runs it: output, exit codes, errors on stderr.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn qyzmet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qyzmet"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh folder under the target dir for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn id_check_decodes_a_valid_iin() {
    let o = qyzmet(&["id", "check", "850101300005", "--today", "2026-01-01"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("valid IIN"), "{out}");
    assert!(out.contains("1985-01-01") && out.contains("male"), "{out}");
}

#[test]
fn id_check_decodes_a_bin() {
    let o = qyzmet(&["id", "check", "080440000008", "--today", "2026-01-01"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("valid BIN"), "{}", stdout(&o));
}

#[test]
fn id_check_names_the_broken_rule() {
    let o = qyzmet(&["id", "check", "771231600007", "--today", "2026-01-01"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("iin.future"), "{}", stdout(&o));
    let o = qyzmet(&["id", "check", "850101300006", "--today", "2026-01-01"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("iin.checksum"), "{}", stdout(&o));
}

#[test]
fn calendar_answers_with_reasons_and_exit_codes() {
    let o = qyzmet(&["calendar", "is-working-day", "2024-03-22"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "Nauryz is a day off: {}",
        stdout(&o)
    );
    assert!(stdout(&o).starts_with("no"), "{}", stdout(&o));
    let o = qyzmet(&["calendar", "is-working-day", "2024-03-26"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = qyzmet(&["calendar", "is-working-day", "2024-02-30"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("2024-02-30"), "{}", stderr(&o));
    let o = qyzmet(&["calendar", "is-working-day", "2031-01-05"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("2031"), "{}", stderr(&o));
}

#[test]
fn calendar_adds_working_days_across_the_new_year() {
    // 2024-12-31 Tue; 1–2 Jan 2025 holidays, 3 Jan moved off (worked on Sun 5 Jan), 7 Jan.
    let o = qyzmet(&["calendar", "add-working-days", "2024-12-31", "2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "2025-01-06");
}

#[test]
fn calendar_lists_a_years_holidays() {
    let o = qyzmet(&["calendar", "holidays", "2022", "--lang", "ru"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("2022-10-25"),
        "Republic Day returned in 2022: {out}"
    );
    assert!(
        !out.contains("2022-12-17 "),
        "17 December stopped being a holiday: {out}"
    );
}

#[test]
fn regulations_check_passes_on_the_shipped_files() {
    let o = qyzmet(&["regulations", "check"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("0 unsound"), "{}", stdout(&o));
}

#[test]
fn regulations_check_names_file_and_line_and_fails() {
    let dir = scratch("bad-regulations");
    let fixture =
        std::fs::read_to_string(root().join("crates/core/tests/fixtures/sound.toml")).unwrap();
    std::fs::write(dir.join("good.toml"), &fixture).unwrap();
    let bad = fixture.replacen("next = 2\n", "next = 7\n", 1).replacen(
        "code = \"test-certificate\"",
        "code = \"other\"",
        1,
    );
    std::fs::write(dir.join("bad.toml"), &bad).unwrap();
    let line = bad.lines().position(|l| l == "next = 7").unwrap() + 1;
    let o = qyzmet(&["regulations", "check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "bad.toml:{line}: channels.portal.actions[0].next: action 1 leads to action 7"
        )),
        "{out}"
    );
    assert!(out.contains("2 files: 1 sound, 1 unsound"), "{out}");
}

#[test]
fn regulations_list_and_show() {
    let o = qyzmet(&["regulations", "list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for code in [
        "targeted-social-assistance",
        "unemployed-certificate",
        "kindergarten-registration",
        "archive-apostille",
        "doctor-home-call",
        "phc-attachment",
    ] {
        assert!(out.contains(code), "{code} missing from the list");
    }
    let o = qyzmet(&[
        "regulations",
        "show",
        "unemployed-certificate",
        "--lang",
        "ru",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("== channel csc"), "{out}");
    assert!(
        out.contains("3 wd, intake and issue days not counted"),
        "{out}"
    );
    let o = qyzmet(&["regulations", "show", "no-such-service"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no regulation `no-such-service`"));
}

#[test]
fn serve_refuses_unsound_regulations() {
    let dir = scratch("serve-unsound");
    std::fs::write(dir.join("broken.toml"), "code = 1\n").unwrap();
    let o = qyzmet(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--regulations",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("broken.toml:1"), "{}", stderr(&o));
    assert!(stderr(&o).contains("refusing to start"));
}

#[test]
fn serve_answers_the_catalogue_over_http() {
    let data = scratch("serve-data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_qyzmet"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--data",
            data.to_str().unwrap(),
        ])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().expect("a first line").unwrap();
    let addr = first
        .strip_prefix("Qyzmet is running on http://")
        .unwrap_or_else(|| panic!("unexpected: {first}"))
        .to_string();
    let rest: Vec<String> = lines
        .by_ref()
        .map_while(Result::ok)
        .take_while(|l| !l.starts_with("Press Ctrl-C"))
        .collect();
    let said = rest.join("\n");
    assert!(said.contains("demo data created"), "{said}");
    // The demo password is written to a private file, never to the terminal.
    let logins = std::fs::read_to_string(data.join("demo-logins.txt")).unwrap();
    let password = logins
        .lines()
        .next()
        .and_then(|l| l.rsplit(' ').next())
        .unwrap()
        .to_string();
    assert!(password.len() >= 8, "{logins}");
    assert!(!said.contains(&password), "{said}");
    assert!(logins.contains("csc-aiyrtau.operator"), "{logins}");
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "GET /api/services HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains("\"code\":\"doctor-appointment\""),
        "{response}"
    );
}
