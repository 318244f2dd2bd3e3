//! Every guard from the right side and the wrong side.

use chrono::NaiveDate;
use qyzmet_accounts::policy::StaffAct;
use qyzmet_accounts::{password, token, Denied, Login, Principal, RequestScope, Role};
use qyzmet_core::regulation::ChannelKind;
use qyzmet_core::Lang;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

fn person(iin: &str) -> Principal {
    Principal {
        user_id: format!("u-{iin}"),
        login: Login::parse(iin, today()).unwrap(),
        roles: vec![Role::Recipient],
        organisation: None,
    }
}

fn staff(name: &str, role: Role, org: &str) -> Principal {
    Principal {
        user_id: format!("u-{name}"),
        login: Login::parse(name, today()).unwrap(),
        roles: vec![role],
        organisation: Some(org.into()),
    }
}

const MINE: RequestScope<'static> = RequestScope {
    recipient: "850101300005",
    provider: "aiyrtau-employment",
    csc: Some("csc-aiyrtau"),
};

#[test]
fn logins_are_iin_bin_or_names() {
    assert!(matches!(
        Login::parse("850101300005", today()),
        Ok(Login::Iin(_))
    ));
    assert!(matches!(
        Login::parse("080440000008", today()),
        Ok(Login::Bin(_))
    ));
    assert!(
        matches!(Login::parse(" operator.aiyrtau ", today()), Ok(Login::Name(n)) if n == "operator.aiyrtau")
    );
    for bad in [
        "850101300006",
        "771231600007",
        "ab",
        "Admin",
        "x y",
        "",
        "1234",
    ] {
        assert!(Login::parse(bad, today()).is_err(), "{bad}");
    }
}

#[test]
fn a_recipient_sees_only_their_own_requests() {
    assert_eq!(person("850101300005").can_read(&MINE), Ok(()));
    assert_eq!(
        person("900312400000").can_read(&MINE),
        Err(Denied::NotYours)
    );
}

#[test]
fn staff_see_only_their_organisations_requests() {
    assert_eq!(
        staff("emp", Role::Employee, "aiyrtau-employment").can_read(&MINE),
        Ok(())
    );
    assert_eq!(
        staff("emp", Role::Employee, "aiyrtau-education").can_read(&MINE),
        Err(Denied::OtherOrganisation)
    );
    assert_eq!(
        staff("operator", Role::Operator, "csc-aiyrtau").can_read(&MINE),
        Ok(())
    );
    assert_eq!(
        staff("operator", Role::Operator, "csc-astana").can_read(&MINE),
        Err(Denied::OtherOrganisation)
    );
    let not_from_csc = RequestScope { csc: None, ..MINE };
    assert_eq!(
        staff("operator", Role::Operator, "csc-aiyrtau").can_read(&not_from_csc),
        Err(Denied::OtherOrganisation)
    );
    assert_eq!(
        staff("admin", Role::Administrator, "platform").can_read(&MINE),
        Err(Denied::Role)
    );
    assert_eq!(
        staff("mon", Role::Monitor, "platform").can_read(&MINE),
        Err(Denied::Role)
    );
}

#[test]
fn staff_acts_need_the_role_and_the_organisation() {
    let emp = staff("emp", Role::Employee, "aiyrtau-employment");
    assert_eq!(emp.can_act(&MINE, StaffAct::Process), Ok(()));
    assert_eq!(emp.can_act(&MINE, StaffAct::Extend), Ok(()));
    assert_eq!(
        emp.can_act(&MINE, StaffAct::HandOverAtCsc),
        Err(Denied::Role)
    );
    let other = staff("emp2", Role::Employee, "aiyrtau-education");
    assert_eq!(
        other.can_act(&MINE, StaffAct::Process),
        Err(Denied::OtherOrganisation)
    );
    let signer = staff("sig", Role::Signer, "aiyrtau-employment");
    assert_eq!(signer.can_act(&MINE, StaffAct::SignResult), Ok(()));
    assert_eq!(signer.can_act(&MINE, StaffAct::Extend), Err(Denied::Role));
    let op = staff("operator", Role::Operator, "csc-aiyrtau");
    assert_eq!(op.can_act(&MINE, StaffAct::HandOverAtCsc), Ok(()));
    assert_eq!(op.can_act(&MINE, StaffAct::Process), Err(Denied::Role));
    assert_eq!(
        person("850101300005").can_act(&MINE, StaffAct::Process),
        Err(Denied::Role)
    );
}

#[test]
fn filing_on_each_channel() {
    let me = person("850101300005");
    assert_eq!(
        me.can_submit(ChannelKind::Portal, "850101300005", "p"),
        Ok(())
    );
    assert_eq!(
        me.can_submit(ChannelKind::Portal, "900312400000", "p"),
        Err(Denied::NotYours)
    );
    assert_eq!(
        me.can_submit(ChannelKind::Csc, "850101300005", "p"),
        Err(Denied::Channel)
    );
    assert_eq!(
        me.can_submit(ChannelKind::Agency, "850101300005", "p"),
        Err(Denied::Channel)
    );
    let op = staff("operator", Role::Operator, "csc-aiyrtau");
    assert_eq!(
        op.can_submit(ChannelKind::Csc, "900312400000", "aiyrtau-employment"),
        Ok(())
    );
    assert_eq!(
        op.can_submit(ChannelKind::Portal, "900312400000", "aiyrtau-employment"),
        Err(Denied::Channel)
    );
    let emp = staff("emp", Role::Employee, "aiyrtau-employment");
    assert_eq!(
        emp.can_submit(ChannelKind::Agency, "900312400000", "aiyrtau-employment"),
        Ok(())
    );
    assert_eq!(
        emp.can_submit(ChannelKind::Agency, "900312400000", "aiyrtau-education"),
        Err(Denied::OtherOrganisation)
    );
}

#[test]
fn sla_and_administration() {
    assert_eq!(
        staff("mon", Role::Monitor, "platform").can_view_sla("any"),
        Ok(())
    );
    assert_eq!(staff("head", Role::Head, "p1").can_view_sla("p1"), Ok(()));
    assert_eq!(
        staff("head", Role::Head, "p1").can_view_sla("p2"),
        Err(Denied::Role)
    );
    assert_eq!(
        staff("emp", Role::Employee, "p1").can_view_sla("p1"),
        Err(Denied::Role)
    );
    assert_eq!(person("850101300005").can_administer(), Err(Denied::Role));
    assert_eq!(
        staff("admin", Role::Administrator, "platform").can_administer(),
        Ok(())
    );
}

#[test]
fn denials_are_translated() {
    for d in [
        Denied::NotYours,
        Denied::OtherOrganisation,
        Denied::Role,
        Denied::Channel,
    ] {
        let texts: Vec<String> = Lang::ALL.iter().map(|l| d.message(*l)).collect();
        assert!(texts.iter().all(|t| !t.is_empty()));
        assert_ne!(texts[0], texts[1]);
        assert_ne!(texts[1], texts[2]);
        assert!(d.code().starts_with("access."));
    }
}

#[test]
fn passwords_are_hashed_with_argon2id_and_checked() {
    let h = password::hash("Saltanat2026").unwrap();
    assert!(h.starts_with("$argon2id$"), "{h}");
    assert!(!h.contains("Saltanat2026"));
    assert!(password::verify(&h, "Saltanat2026"));
    assert!(!password::verify(&h, "saltanat2026"));
    assert!(!password::verify("not a hash", "Saltanat2026"));
    assert_ne!(
        h,
        password::hash("Saltanat2026").unwrap(),
        "a fresh salt each time"
    );
    assert_eq!(
        password::hash("short1"),
        Err(password::PasswordRule::TooShort(8))
    );
    assert_eq!(
        password::hash("onlyletters"),
        Err(password::PasswordRule::LettersAndDigits)
    );
    assert_eq!(
        password::hash("1234567890"),
        Err(password::PasswordRule::LettersAndDigits)
    );
    assert!(password::PasswordRule::TooShort(8)
        .message(Lang::Kk)
        .contains('8'));
}

#[test]
fn session_tokens_are_stored_as_digests() {
    let (a, stored) = token::issue();
    let (b, _) = token::issue();
    assert_ne!(a, b);
    assert!(a.len() >= 43);
    assert_eq!(token::digest(&a), stored);
    assert_ne!(stored, a, "the server keeps no token itself");
}
