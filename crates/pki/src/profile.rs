//! The NCA's certificate profile: who the holder is, in which role, and what the key is for.
//!
//! Subject: `SERIALNUMBER=IIN<12 digits>`, `OU=BIN<12 digits>` for an organisation's people,
//! `CN` = surname and name, `SURNAME`, `GIVENNAME` (patronymic), `O`, `C=KZ`. The holder's role
//! is an extended key usage OID under `1.2.398.3.3.4.1`.

use const_oid::ObjectIdentifier;
use der::asn1::{PrintableStringRef, SetOfVec, Utf8StringRef};
use der::Any;
use qyzmet_core::id::{Bin, Iin};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

pub const CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
pub const SURNAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.4");
pub const SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
pub const COUNTRY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
pub const ORGANIZATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
pub const ORGANIZATIONAL_UNIT: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.11");
pub const GIVEN_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.42");

/// Standard extended key usages the NCA's certificates carry beside the role.
pub const CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");
pub const EMAIL_PROTECTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4");
pub const OCSP_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9");

/// The holder's role, written as an extended key usage OID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A private person (`1.2.398.3.3.4.1.1`).
    Individual,
    /// A legal entity (`1.2.398.3.3.4.1.2`).
    LegalEntity,
    /// The organisation's first head (`1.2.398.3.3.4.1.2.1`).
    FirstHead,
    /// A person with the right to sign for the organisation (`1.2.398.3.3.4.1.2.2`).
    Signer,
    /// An employee of the organisation (`1.2.398.3.3.4.1.2.5`).
    Employee,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Individual,
        Role::LegalEntity,
        Role::FirstHead,
        Role::Signer,
        Role::Employee,
    ];

    pub fn oid(self) -> ObjectIdentifier {
        ObjectIdentifier::new_unwrap(match self {
            Role::Individual => "1.2.398.3.3.4.1.1",
            Role::LegalEntity => "1.2.398.3.3.4.1.2",
            Role::FirstHead => "1.2.398.3.3.4.1.2.1",
            Role::Signer => "1.2.398.3.3.4.1.2.2",
            Role::Employee => "1.2.398.3.3.4.1.2.5",
        })
    }

    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.oid() == *oid)
    }

    /// Whether the role acts for an organisation (its certificate carries a BIN).
    pub fn is_organisational(self) -> bool {
        self != Role::Individual
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Individual => "individual",
            Role::LegalEntity => "legal-entity",
            Role::FirstHead => "first-head",
            Role::Signer => "signer",
            Role::Employee => "employee",
        })
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.to_string() == s)
            .ok_or_else(|| {
                format!("unknown role `{s}`: use individual, legal-entity, first-head, signer or employee")
            })
    }
}

/// What the key is for: a person has one key to authenticate and one to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyPurpose {
    /// digitalSignature + keyEncipherment: logging in.
    Authentication,
    /// digitalSignature + nonRepudiation: signing requests and results.
    Signing,
}

impl fmt::Display for KeyPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyPurpose::Authentication => "auth",
            KeyPurpose::Signing => "sign",
        })
    }
}

impl FromStr for KeyPurpose {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auth" | "authentication" => Ok(KeyPurpose::Authentication),
            "sign" | "signing" => Ok(KeyPurpose::Signing),
            other => Err(format!("unknown key purpose `{other}`: use auth or sign")),
        }
    }
}

/// The person (and organisation) a certificate is issued to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub iin: Iin,
    pub surname: String,
    pub name: String,
    /// Patronymic, written as `GIVENNAME` by the NCA's profile.
    pub patronymic: Option<String>,
    pub role: Role,
    /// The organisation, for every role but `Individual`.
    pub organisation: Option<Organisation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub bin: Bin,
    pub name: String,
}

impl Holder {
    /// Checks the profile's rules: names present, an organisation exactly for organisational roles.
    pub fn check(&self) -> Result<(), String> {
        if self.surname.trim().is_empty() || self.name.trim().is_empty() {
            return Err("the holder's surname and name are required".into());
        }
        match (self.role.is_organisational(), &self.organisation) {
            (true, None) => Err(format!(
                "the role {} acts for an organisation: give its BIN and name",
                self.role
            )),
            (false, Some(_)) => Err("an individual's certificate carries no organisation".into()),
            (_, Some(o)) if o.name.trim().is_empty() => {
                Err("the organisation's name is required".into())
            }
            _ => Ok(()),
        }
    }

    /// `CN`: surname and name, as the NCA writes it.
    pub fn common_name(&self) -> String {
        format!("{} {}", self.surname.trim(), self.name.trim())
    }

    /// The subject distinguished name in the NCA's order.
    pub fn subject(&self) -> Name {
        let mut rdns = vec![
            utf8(CN, &self.common_name()),
            utf8(SURNAME, self.surname.trim()),
            printable(SERIAL_NUMBER, &format!("IIN{}", self.iin)),
            printable(COUNTRY, "KZ"),
        ];
        if let Some(p) = self.patronymic.as_deref().filter(|p| !p.trim().is_empty()) {
            rdns.push(utf8(GIVEN_NAME, p.trim()));
        }
        if let Some(org) = &self.organisation {
            rdns.push(utf8(ORGANIZATION, org.name.trim()));
            rdns.push(printable(ORGANIZATIONAL_UNIT, &format!("BIN{}", org.bin)));
        }
        RdnSequence(rdns)
    }
}

fn rdn(oid: ObjectIdentifier, value: Any) -> RelativeDistinguishedName {
    let atv = AttributeTypeAndValue { oid, value };
    RelativeDistinguishedName(SetOfVec::try_from(vec![atv]).expect("one attribute is a set"))
}

/// A name attribute as UTF8String (names in Kazakh and Russian need it).
pub(crate) fn utf8(oid: ObjectIdentifier, value: &str) -> RelativeDistinguishedName {
    let s = Utf8StringRef::new(value).expect("UTF-8 text");
    rdn(oid, Any::encode_from(&s).expect("a UTF8String encodes"))
}

/// A name attribute as PrintableString (country code, IIN/BIN serials).
pub(crate) fn printable(oid: ObjectIdentifier, value: &str) -> RelativeDistinguishedName {
    match PrintableStringRef::new(value) {
        Ok(s) => rdn(
            oid,
            Any::encode_from(&s).expect("a PrintableString encodes"),
        ),
        Err(_) => utf8(oid, value),
    }
}

/// The text of the first attribute `oid` in a name, whatever its string type.
pub fn name_attribute(name: &Name, oid: ObjectIdentifier) -> Option<String> {
    name.0.iter().flat_map(|rdn| rdn.0.iter()).find_map(|atv| {
        if atv.oid != oid {
            return None;
        }
        let any = &atv.value;
        std::str::from_utf8(any.value()).ok().map(str::to_string)
    })
}
