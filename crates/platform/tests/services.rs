//! Every one of the ten services, on each of its channels, carried from the signed filing to
//! its result through the HTTP API, by the people the regulation names: the recipient on the
//! portal, the CSC's operator, the provider's employee and signer — each signing with their own
//! key file — and the citizen paying and answering the questionnaire.

mod common;

use common::*;

macro_rules! service_tests {
    ($($name:ident => $i:expr),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let (service, recipient) = CASES[$i];
                run_service(shared(), service, recipient);
            }
        )*
    };
}

service_tests!(
    unemployed_certificate => 0,
    targeted_social_assistance => 1,
    disabled_children_home_schooling => 2,
    kindergarten_registration => 3,
    archive_apostille => 4,
    archival_certificate => 5,
    mass_media_registration => 6,
    doctor_appointment => 7,
    doctor_home_call => 8,
    phc_attachment => 9,
);
