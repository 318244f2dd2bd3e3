use super::*;
use crate::deadline::Deadline;
use chrono::{NaiveDateTime, NaiveTime, Weekday};
use std::path::PathBuf;
use std::sync::OnceLock;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn hours(opens: &str, closes: &str) -> WorkingHours {
    let t = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").unwrap();
    WorkingHours::new(t(opens), t(closes)).unwrap()
}

fn deadline(s: &str) -> Deadline {
    s.parse().unwrap_or_else(|e| panic!("{e}"))
}

/// The real `calendar/` folder at the workspace root, loaded once.
fn real() -> &'static WorkingCalendar {
    static CAL: OnceLock<WorkingCalendar> = OnceLock::new();
    CAL.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../calendar");
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                (p.display().to_string(), text)
            })
            .collect();
        files.sort();
        WorkingCalendar::from_sources(&files).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn off(cal: &WorkingCalendar, s: &str) -> bool {
    !cal.is_working_day(d(s)).unwrap()
}

/// The days off of `year` that fall on Monday–Friday, sorted.
fn weekdays_off(cal: &WorkingCalendar, year: i32) -> Vec<String> {
    cal.holidays(year)
        .unwrap()
        .into_iter()
        .filter(|s| !s.kind.is_working() && !file::is_weekend(s.date))
        .map(|s| s.date.format("%m-%d").to_string())
        .collect()
}

/// The weekend days of `year` made working.
fn working_weekends(cal: &WorkingCalendar, year: i32) -> Vec<String> {
    cal.holidays(year)
        .unwrap()
        .into_iter()
        .filter(|s| s.kind.is_working())
        .map(|s| s.date.format("%m-%d").to_string())
        .collect()
}

// ---------------------------------------------------------------- the real data, year by year

#[test]
fn real_folder_covers_2018_to_2027() {
    assert_eq!(
        real().years().collect::<Vec<_>>(),
        (2018..=2027).collect::<Vec<_>>()
    );
    for y in 2018..=2027 {
        let year = real().year(y).unwrap();
        assert!(!year.sources.is_empty(), "{y}");
        assert_eq!(year.has_provisional(), y == 2027, "{y}");
    }
}

#[test]
fn weekday_days_off_per_year() {
    // Every weekday off of each year, from the law, the moves and the transfers; checked against
    // the published calendars (see each file's sources and notes).
    let expect: &[(i32, &str)] = &[
        (2018, "01-01 01-02 03-08 03-09 03-21 03-22 03-23 04-30 05-01 05-07 05-08 05-09 07-06 08-21 08-30 08-31 12-03 12-17 12-18 12-31"),
        (2019, "01-01 01-02 01-07 03-08 03-21 03-22 03-25 05-01 05-07 05-09 07-08 08-30 12-02 12-16 12-17"),
        (2020, "01-01 01-02 01-03 01-07 03-09 03-23 03-24 03-25 05-01 05-07 05-08 07-06 07-31 08-31 12-01 12-16 12-17 12-18"),
        (2021, "01-01 01-04 01-07 03-08 03-22 03-23 03-24 05-03 05-07 05-10 07-05 07-06 07-20 08-30 12-01 12-16 12-17"),
        (2022, "01-03 01-04 01-07 03-07 03-08 03-21 03-22 03-23 05-02 05-09 05-10 07-06 08-29 08-30 10-24 10-25 12-16"),
        (2023, "01-02 01-03 03-08 03-21 03-22 03-23 05-01 05-08 05-09 06-28 07-06 07-07 08-30 10-25 12-18"),
        (2024, "01-01 01-02 03-08 03-21 03-22 03-25 05-01 05-07 05-08 05-09 07-08 08-30 10-25 12-16"),
        (2025, "01-01 01-02 01-03 01-07 03-10 03-21 03-24 03-25 05-01 05-07 05-09 06-06 07-07 09-01 10-27 12-16"),
        (2026, "01-01 01-02 01-07 03-09 03-23 03-24 03-25 05-01 05-07 05-11 05-27 07-06 08-31 10-26 12-16"),
        (2027, "01-01 01-04 01-07 03-08 03-22 03-23 03-24 05-03 05-07 05-10 07-06 08-30 10-25 12-16"),
    ];
    for (year, days) in expect {
        assert_eq!(weekdays_off(real(), *year).join(" "), *days, "{year}");
    }
}

#[test]
fn working_weekend_days_per_year() {
    let expect: &[(i32, &str)] = &[
        (2018, "03-03 04-28 05-05 08-25 12-29"),
        (2019, ""),
        (2020, "01-05 05-11 12-20"),
        (2021, "07-03"),
        (2022, "03-05 08-27 10-22"),
        (2023, "07-01"),
        (2024, "05-04"),
        (2025, "01-05"),
        (2026, ""),
        (2027, ""),
    ];
    for (year, days) in expect {
        assert_eq!(working_weekends(real(), *year).join(" "), *days, "{year}");
    }
}

#[test]
fn republic_day_first_president_and_17_december_by_year() {
    for y in 2018..=2027 {
        let holiday = |md: &str| {
            matches!(
                real().day(d(&format!("{y}-{md}"))).unwrap(),
                DayKind::Holiday(_)
            )
        };
        assert_eq!(holiday("10-25"), y >= 2022, "25 Oct {y}");
        assert_eq!(holiday("12-01"), y <= 2021, "1 Dec {y}");
        assert_eq!(holiday("12-17"), y <= 2021, "17 Dec {y}");
        assert!(holiday("12-16"), "16 Dec {y}");
    }
    // 17 December 2022 was a Saturday and no longer a holiday: no day off on Monday 19th.
    assert!(real().is_working_day(d("2022-12-19")).unwrap());
}

#[test]
fn kurban_ait_dates_and_religious_days_do_not_move() {
    let kurban = |y: i32| {
        real()
            .year(y)
            .unwrap()
            .holidays()
            .find(|h| h.name.en.starts_with("Kurban"))
            .map(|h| h.date)
            .unwrap()
    };
    assert_eq!(kurban(2022), d("2022-07-09"));
    assert_eq!(kurban(2023), d("2023-06-28"));
    assert_eq!(kurban(2024), d("2024-06-16"));
    // 16 June 2024 was a Sunday: Monday 17 June stayed a working day.
    assert_eq!(d("2024-06-16").weekday(), Weekday::Sun);
    assert_eq!(real().day(d("2024-06-17")).unwrap(), DayKind::Working);
    // Kurban Ait 9 July 2022 (Saturday): Monday 11 July worked.
    assert_eq!(real().day(d("2022-07-11")).unwrap(), DayKind::Working);
    // Orthodox Christmas on Saturday 7 January 2023: Monday 9 January worked.
    assert!(
        matches!(real().day(d("2023-01-07")).unwrap(), DayKind::Holiday(h) if h.kind == HolidayKind::Religious)
    );
    assert_eq!(real().day(d("2023-01-09")).unwrap(), DayKind::Working);
}

#[test]
fn weekend_moves() {
    // Capital Day on Saturday 6 July 2024 → Monday 8 July off, for that holiday.
    match real().day(d("2024-07-08")).unwrap() {
        DayKind::MovedDayOff { holiday } => {
            assert_eq!(holiday.date, d("2024-07-06"));
            assert_eq!(holiday.name.ru, "День столицы");
        }
        other => panic!("{other:?}"),
    }
    // 1–2 January 2022 on Saturday and Sunday → 3 and 4 January off.
    assert!(off(real(), "2022-01-03") && off(real(), "2022-01-04"));
    assert!(!off(real(), "2022-01-05"));
    // 1 January 2023 Sunday, 2 January a holiday → the moved day is 3 January.
    assert!(off(real(), "2023-01-03") && !off(real(), "2023-01-04"));
    // 7 May 2022 Saturday, 9 May Monday a holiday → the moved day is Tuesday 10 May.
    match real().day(d("2022-05-10")).unwrap() {
        DayKind::MovedDayOff { holiday } => assert_eq!(holiday.date, d("2022-05-07")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn nauryz_run_over_a_weekend() {
    // 2020: 21 Sat, 22 Sun, 23 Mon → 21–25 March off, the moved days 24 and 25.
    for day in [
        "2020-03-21",
        "2020-03-22",
        "2020-03-23",
        "2020-03-24",
        "2020-03-25",
    ] {
        assert!(off(real(), day), "{day}");
    }
    assert!(!off(real(), "2020-03-26"));
    match real().day(d("2020-03-25")).unwrap() {
        DayKind::MovedDayOff { holiday } => assert_eq!(holiday.date, d("2020-03-22")),
        other => panic!("{other:?}"),
    }
    // 2025: 21 Fri, 22 Sat, 23 Sun → 24 and 25 March off.
    assert!(off(real(), "2025-03-24") && off(real(), "2025-03-25") && !off(real(), "2025-03-26"));
    // 2021: 21 Sun, 22–23 Mon–Tue → Wednesday 24 March off.
    assert!(off(real(), "2021-03-24") && !off(real(), "2021-03-25"));
}

#[test]
fn transfers_from_decrees() {
    // 2024: Saturday 4 May worked, Wednesday 8 May off.
    assert!(real().is_working_day(d("2024-05-04")).unwrap());
    assert!(matches!(
        real().day(d("2024-05-04")).unwrap(),
        DayKind::TransferredWorkingDay { .. }
    ));
    assert!(
        matches!(real().day(d("2024-05-08")).unwrap(), DayKind::TransferredDayOff(t) if t.working == d("2024-05-04"))
    );
    // 2025: Sunday 5 January worked, Friday 3 January off.
    assert!(real().is_working_day(d("2025-01-05")).unwrap());
    assert!(off(real(), "2025-01-03"));
    // 2020: Monday 11 May (moved for Victory Day) worked, Friday 8 May off.
    match real().day(d("2020-05-11")).unwrap() {
        DayKind::TransferredWorkingDay {
            moved_day_off_of: Some(h),
            ..
        } => assert_eq!(h.date, d("2020-05-09")),
        other => panic!("{other:?}"),
    }
    assert!(off(real(), "2020-05-08"));
}

#[test]
fn describe_says_why() {
    let text = real().day(d("2024-07-08")).unwrap().describe(Lang::En);
    assert!(
        text.contains("Capital City Day") && text.contains("06.07.2024"),
        "{text}"
    );
    let text = real().day(d("2024-05-04")).unwrap().describe(Lang::Ru);
    assert!(
        text.contains("08.05.2024") && text.contains("Приказ"),
        "{text}"
    );
    let text = real().day(d("2027-05-16")).unwrap().describe(Lang::En);
    assert!(text.contains("provisional"), "{text}");
}

#[test]
fn missing_year_is_an_error_that_names_it() {
    let err = real().is_working_day(d("2031-03-02")).unwrap_err();
    assert!(matches!(
        err,
        CalendarError::YearNotCovered { year: 2031, .. }
    ));
    let text = err.to_string();
    assert!(
        text.contains("2031") && text.contains("2018–2027"),
        "{text}"
    );
    assert!(real().holidays(2017).is_err());
    // Counting into a missing year fails rather than guessing.
    assert!(matches!(
        real().add_working_days(d("2027-12-20"), 30),
        Err(CalendarError::YearNotCovered { year: 2028, .. })
    ));
}

#[test]
fn add_working_and_calendar_days() {
    let cal = real();
    // Friday 20 Dec 2024 + 15 wd: 23–27, 30, 31 Dec; (1–2 Jan holiday, 3 Jan off by order)
    // Sun 5 Jan worked, 6 Jan; (7 Jan) 8, 9, 10, 13, 14, 15 Jan.
    assert_eq!(
        cal.add_working_days(d("2024-12-20"), 15).unwrap(),
        d("2025-01-15")
    );
    assert_eq!(
        cal.add_working_days(d("2024-12-31"), 1).unwrap(),
        d("2025-01-05")
    );
    assert_eq!(
        cal.add_working_days(d("2024-03-20"), 1).unwrap(),
        d("2024-03-26")
    );
    assert_eq!(
        cal.add_working_days(d("2024-03-23"), 0).unwrap(),
        d("2024-03-26")
    );
    assert_eq!(
        cal.add_working_days(d("2024-03-26"), 0).unwrap(),
        d("2024-03-26")
    );
    assert_eq!(
        cal.add_calendar_days(d("2024-12-30"), 3).unwrap(),
        d("2025-01-02")
    );
    assert_eq!(
        cal.add_calendar_days(d("2024-01-01"), -1).unwrap(),
        d("2023-12-31")
    );
}

// ---------------------------------------------------------------- deadlines

#[test]
fn within_and_between_are_start_plus_max() {
    let cal = real();
    let due = cal
        .due(dt("2024-12-31 23:59"), &deadline("15 min"), None)
        .unwrap();
    assert_eq!(
        due,
        Due {
            due: dt("2025-01-01 00:14"),
            accepted_on: None
        }
    );
    let due = cal
        .due(dt("2024-05-04 10:00"), &deadline("30 s..1 min"), None)
        .unwrap();
    assert_eq!(due.due, dt("2024-05-04 10:01"));
}

#[test]
fn working_days_across_the_year_end() {
    let cal = real();
    let h = Some(hours("09:00", "18:00"));
    let due = cal
        .due(dt("2024-12-20 10:00"), &deadline("15 wd"), h)
        .unwrap();
    assert_eq!(
        due,
        Due {
            due: dt("2025-01-15 18:00"),
            accepted_on: None
        }
    );
    // Unknown hours: the end of the day is 23:59:59.
    let due = cal
        .due(dt("2024-12-20 10:00"), &deadline("15 wd"), None)
        .unwrap();
    assert_eq!(due.due, d("2025-01-15").and_hms_opt(23, 59, 59).unwrap());
    // After closing on Friday 20 Dec: counts from Monday 23 Dec.
    let due = cal
        .due(dt("2024-12-20 18:30"), &deadline("15 wd"), h)
        .unwrap();
    assert_eq!(
        due,
        Due {
            due: dt("2025-01-16 18:00"),
            accepted_on: Some(d("2024-12-23"))
        }
    );
    // Received on Wednesday 1 Jan 2025 (holiday): counts from Sunday 5 Jan (worked).
    let due = cal
        .due(dt("2025-01-01 12:00"), &deadline("3 wd"), h)
        .unwrap();
    assert_eq!(
        due,
        Due {
            due: dt("2025-01-09 18:00"),
            accepted_on: Some(d("2025-01-05"))
        }
    );
}

#[test]
fn working_days_exclusive_and_across_holiday_runs() {
    let cal = real();
    let h = Some(hours("09:00", "18:00"));
    // Intake Tuesday 19 Mar 2024; 3 full working days between: 20, 26, 27 → issue Thursday 28.
    let due = cal
        .due(
            dt("2024-03-19 11:00"),
            &deadline("3 wd, intake and issue days not counted"),
            h,
        )
        .unwrap();
    assert_eq!(
        due,
        Due {
            due: dt("2024-03-28 18:00"),
            accepted_on: None
        }
    );
    // Plain 3 wd from the same intake: 20, 26, 27.
    let due = cal
        .due(dt("2024-03-19 11:00"), &deadline("3 wd"), h)
        .unwrap();
    assert_eq!(due.due, dt("2024-03-27 18:00"));
    // May 2024: intake Tuesday 30 April; 2 wd: 2, 3 May (1 May holiday); Saturday 4 May worked.
    let due = cal
        .due(dt("2024-04-30 09:00"), &deadline("3 wd"), h)
        .unwrap();
    assert_eq!(due.due, dt("2024-05-04 18:00"));
    let due = cal
        .due(dt("2024-04-30 09:00"), &deadline("4 wd"), h)
        .unwrap();
    assert_eq!(due.due, dt("2024-05-06 18:00"));
    let due = cal
        .due(dt("2024-04-30 09:00"), &deadline("5 wd"), h)
        .unwrap();
    assert_eq!(due.due, dt("2024-05-10 18:00"));
    // Exclusive across the New Year: intake 30 Dec 2024, days between 31 Dec, 5 Jan → 6 Jan.
    let due = cal
        .due(
            dt("2024-12-30 10:00"),
            &deadline("2 wd, intake and issue days not counted"),
            h,
        )
        .unwrap();
    assert_eq!(due.due, dt("2025-01-06 18:00"));
}

#[test]
fn calendar_days() {
    let cal = real();
    let h = Some(hours("09:00", "18:00"));
    // Intake 27 Dec 2024 + 5 cd = 1 Jan 2025 (holiday) → the term ends on Sunday 5 Jan (worked).
    let due = cal
        .due(dt("2024-12-27 10:00"), &deadline("5 cd"), h)
        .unwrap();
    assert_eq!(
        due,
        Due {
            due: dt("2025-01-05 18:00"),
            accepted_on: None
        }
    );
    // Exclusive: 5 full days between 18 and 24 March 2025... intake Tue 18 → day 24 (off) → 26.
    let due = cal
        .due(
            dt("2025-03-18 10:00"),
            &deadline("5 cd, intake and issue days not counted"),
            h,
        )
        .unwrap();
    assert_eq!(due.due, dt("2025-03-26 18:00"));
    // An ordinary case: Monday 3 June 2024 + 5 cd = Saturday 8 June → Monday 10 June.
    let due = cal
        .due(dt("2024-06-03 10:00"), &deadline("5 cd"), None)
        .unwrap();
    assert_eq!(due.due, d("2024-06-10").and_hms_opt(23, 59, 59).unwrap());
    let due = cal
        .due(dt("2024-06-03 10:00"), &deadline("3 cd"), None)
        .unwrap();
    assert_eq!(due.due, d("2024-06-06").and_hms_opt(23, 59, 59).unwrap());
}

#[test]
fn same_day() {
    let cal = real();
    let h = Some(hours("09:00", "18:00"));
    let due = cal
        .due(dt("2024-03-20 08:00"), &deadline("same day"), h)
        .unwrap();
    assert_eq!(
        due,
        Due {
            due: dt("2024-03-20 18:00"),
            accepted_on: None
        }
    );
    // Received on Nauryz (Thursday 21 March 2024): accepted Tuesday 26 March.
    let due = cal
        .due(dt("2024-03-21 10:00"), &deadline("same day"), h)
        .unwrap();
    assert_eq!(
        due,
        Due {
            due: dt("2024-03-26 18:00"),
            accepted_on: Some(d("2024-03-26"))
        }
    );
    // After closing on 31 Dec 2024: the next working day is Sunday 5 Jan 2025.
    let due = cal
        .due(dt("2024-12-31 19:00"), &deadline("same day"), None)
        .unwrap();
    assert_eq!(
        due.accepted_on, None,
        "no hours: any time of a working day counts"
    );
    let due = cal
        .due(dt("2024-12-31 19:00"), &deadline("same day"), h)
        .unwrap();
    assert_eq!(
        due,
        Due {
            due: dt("2025-01-05 18:00"),
            accepted_on: Some(d("2025-01-05"))
        }
    );
}

#[test]
fn same_day_until_before_close() {
    let cal = real();
    let h = Some(hours("09:00", "18:00"));
    let dl = deadline("same day, until 2 h before close");
    let due = cal.due(dt("2024-05-03 15:59"), &dl, h).unwrap();
    assert_eq!(
        due,
        Due {
            due: dt("2024-05-03 18:00"),
            accepted_on: None
        }
    );
    let due = cal.due(dt("2024-05-03 16:00"), &dl, h).unwrap();
    assert_eq!(
        due.accepted_on, None,
        "the cut-off moment is still accepted"
    );
    // After the cut-off on Friday 3 May 2024: Saturday 4 May is a working day by order.
    let due = cal.due(dt("2024-05-03 16:01"), &dl, h).unwrap();
    assert_eq!(
        due,
        Due {
            due: dt("2024-05-04 18:00"),
            accepted_on: Some(d("2024-05-04"))
        }
    );
    // On a day off (Tuesday 7 May, holiday; 8 May off by order; 9 May holiday) → Friday 10 May.
    let due = cal.due(dt("2024-05-07 10:00"), &dl, h).unwrap();
    assert_eq!(
        due,
        Due {
            due: dt("2024-05-10 18:00"),
            accepted_on: Some(d("2024-05-10"))
        }
    );
    // Without hours: an error that says so.
    let err = cal.due(dt("2024-05-03 10:00"), &dl, None).unwrap_err();
    assert!(matches!(err, CalendarError::HoursNotSet { .. }));
    assert!(err.to_string().contains("working hours"), "{err}");
    // Hours that leave no window.
    let err = cal
        .due(
            dt("2024-05-03 10:00"),
            &deadline("same day, until 10 h before close"),
            h,
        )
        .unwrap_err();
    assert!(matches!(err, CalendarError::BadHours { .. }), "{err}");
}

#[test]
fn deadline_into_a_missing_year_is_an_error() {
    let err = real()
        .due(dt("2027-12-20 10:00"), &deadline("15 wd"), None)
        .unwrap_err();
    assert!(err.to_string().contains("2028"), "{err}");
}

// ---------------------------------------------------------------- malformed files

const GOOD: &str = r#"year = 2030
sources = ["test"]

[[holiday]]
date = "2030-01-01"
kind = "state"
name = { kk = "Жаңа жыл", ru = "Новый год", en = "New Year" }

[kurban_ait]
date = "2030-04-13"
source = "test"
"#;

fn file_error(text: &str) -> FileError {
    match WorkingCalendar::from_sources(&[("calendar/2030.toml", text)]) {
        Err(CalendarError::Files(mut errors)) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            errors.remove(0)
        }
        other => panic!("expected a file error, got {other:?}"),
    }
}

#[test]
fn good_test_file_loads() {
    let cal = WorkingCalendar::from_sources(&[("calendar/2030.toml", GOOD)]).unwrap();
    assert!(!cal.is_working_day(d("2030-01-01")).unwrap());
}

#[test]
fn malformed_files_name_file_and_line() {
    let cases: Vec<(String, usize, &str)> = vec![
        (GOOD.replace("2030-01-01", "2030-02-30"), 5, "not a date"),
        (GOOD.replace("kind = \"state\"", "kind = \"state\"\ncolour = \"red\""), 7, "colour"),
        (GOOD.replace("kind = \"state\"", "kind = \"royal\""), 6, "royal"),
        (GOOD.replace("date = \"2030-01-01\"", "date = \"2029-01-01\""), 5, "not in 2030"),
        (
            format!("{GOOD}\n[[holiday]]\ndate = \"2030-01-01\"\nkind = \"state\"\nname = {{ kk = \"a\", ru = \"b\", en = \"c\" }}\n"),
            14,
            "listed twice",
        ),
        (
            format!("{GOOD}\n[[transfer]]\nworking = \"2030-01-02\"\nday_off = \"2030-01-03\"\nact = \"x\"\n"),
            14,
            "not a weekend day",
        ),
        (
            format!("{GOOD}\n[[transfer]]\nworking = \"2030-01-05\"\nday_off = \"2030-01-06\"\nact = \"x\"\n"),
            15,
            "already a day off",
        ),
        (GOOD.replace("en = \"New Year\"", "en = \"\""), 7, "no name in en"),
        (GOOD.replace("year = 2030", "year = 2031"), 1, "named for 2030"),
        (GOOD.replace("sources = [\"test\"]", "sources = []"), 2, "sources"),
        (GOOD.replace("year = 2030", "year = \"2030\""), 1, ""),
        (GOOD.replace("[kurban_ait]", "[kurban]"), 9, "kurban"),
    ];
    for (text, line, needle) in cases {
        let e = file_error(&text);
        assert_eq!(e.file, "calendar/2030.toml");
        assert_eq!(e.line, Some(line), "{e} in\n{text}");
        assert!(
            e.message.contains(needle),
            "`{needle}` not in `{}`",
            e.message
        );
        assert!(
            e.to_string()
                .starts_with(&format!("calendar/2030.toml, line {line}:")),
            "{e}"
        );
    }
    let e = file_error(&GOOD.replace(
        "[kurban_ait]\ndate = \"2030-04-13\"\nsource = \"test\"\n",
        "",
    ));
    assert!(e.message.contains("kurban_ait"), "{e}");
}

#[test]
fn two_files_for_one_year_and_all_errors_together() {
    let err =
        WorkingCalendar::from_sources(&[("a/2030.toml", GOOD), ("b/2030.toml", GOOD)]).unwrap_err();
    assert!(
        err.to_string().contains("already given by a/2030.toml"),
        "{err}"
    );
    let bad = GOOD.replace("2030-01-01", "nope");
    let err = WorkingCalendar::from_sources(&[("x/2030.toml", bad.as_str()), ("y.toml", "=")])
        .unwrap_err();
    let CalendarError::Files(errors) = err else {
        panic!()
    };
    assert_eq!(errors.len(), 2);
}

// ---------------------------------------------------------------- properties

proptest::proptest! {
    #[test]
    fn parser_never_panics(text in "\\PC{0,300}") {
        let _ = WorkingCalendar::from_sources(&[("calendar/2030.toml", text.as_str())]);
    }

    #[test]
    fn parser_never_panics_on_near_valid_text(cut in 0usize..400, insert in "[\\[\\]=\"{}, a-z0-9\\n-]{0,12}") {
        let mut text = GOOD.to_string();
        let mut at = cut.min(text.len());
        while !text.is_char_boundary(at) { at -= 1; }
        text.insert_str(at, &insert);
        let _ = WorkingCalendar::from_sources(&[("calendar/2030.toml", text.as_str())]);
    }

    #[test]
    fn add_working_days_lands_on_a_working_day(offset in 0i64..3000, n in 0u32..200) {
        let start = d("2018-01-01") + chrono::Days::new(offset as u64);
        match real().add_working_days(start, n) {
            Ok(end) => {
                proptest::prop_assert!(real().is_working_day(end).unwrap());
                proptest::prop_assert!(end >= start);
                if n > 0 {
                    proptest::prop_assert!(end > start);
                }
            }
            Err(CalendarError::YearNotCovered { year, .. }) => proptest::prop_assert_eq!(year, 2028),
            Err(e) => proptest::prop_assert!(false, "{}", e),
        }
    }
}
