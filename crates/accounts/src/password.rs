//! Passwords: a policy with clear reasons, and argon2id hashes in the PHC string format.
//! The plain password is never stored or logged.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use qyzmet_core::{Lang, Text};
use rand_core::OsRng;

/// Why a new password is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRule {
    #[error("the password must be at least {0} characters long")]
    TooShort(usize),
    #[error("the password must be at most {0} characters long")]
    TooLong(usize),
    #[error("the password must contain letters and digits")]
    LettersAndDigits,
}

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

impl PasswordRule {
    pub fn code(&self) -> &'static str {
        match self {
            PasswordRule::TooShort(_) => "password.too_short",
            PasswordRule::TooLong(_) => "password.too_long",
            PasswordRule::LettersAndDigits => "password.letters_and_digits",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let t = match self {
            PasswordRule::TooShort(n) => Text::new(
                format!("Құпиясөз кемінде {n} таңбадан тұруы керек"),
                format!("Пароль должен содержать не менее {n} символов"),
                format!("The password must be at least {n} characters long"),
            ),
            PasswordRule::TooLong(n) => Text::new(
                format!("Құпиясөз {n} таңбадан аспауы керек"),
                format!("Пароль должен содержать не более {n} символов"),
                format!("The password must be at most {n} characters long"),
            ),
            PasswordRule::LettersAndDigits => Text::new(
                "Құпиясөзде әріптер де, сандар да болуы керек",
                "Пароль должен содержать буквы и цифры",
                "The password must contain letters and digits",
            ),
        };
        t.get(lang).to_string()
    }
}

/// Check a new password against the policy.
pub fn check(password: &str) -> Result<(), PasswordRule> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(PasswordRule::TooShort(MIN_LEN));
    }
    if n > MAX_LEN {
        return Err(PasswordRule::TooLong(MAX_LEN));
    }
    if !password.chars().any(char::is_alphabetic) || !password.chars().any(|c| c.is_ascii_digit()) {
        return Err(PasswordRule::LettersAndDigits);
    }
    Ok(())
}

/// Hash a password that passed the policy: argon2id with a fresh random salt.
pub fn hash(password: &str) -> Result<String, PasswordRule> {
    check(password)?;
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any password")
        .to_string())
}

/// Whether `password` matches the stored hash. A damaged hash never matches.
pub fn verify(stored: &str, password: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}
