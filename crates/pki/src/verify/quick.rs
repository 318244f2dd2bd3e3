//! Reading a known signer's next message without the full parser.
//!
//! A signer writes its messages the same way each time: the same SignedData version and
//! digest algorithms, the same certificates, the same signer identifier and algorithms, the
//! same signed attributes but for the message digest and the signing time. A [`Layout`]
//! keeps those bytes from a message that [`crate::cms::parse_raw`] read (with what the
//! verifier learnt from them: the algorithm, the signing-certificate-v2 verdict). A later
//! message whose DER, walked by hand ([`QuickMessage`]), has exactly those bytes in the
//! same places is the same message to the full parser but for the parts that change, and
//! those are read here: the content, the message digest (an OCTET STRING), the signing time
//! (decoded by `x509-cert`, as the full parser does) and the signature.
//!
//! Anything else (another certificate set, an attribute more or less, a length written
//! another way, …) is not read here, and the message goes through the full parser: the
//! report is the same either way, only slower.

use super::EssVerdict;
use crate::algorithm::SignatureAlgorithm;
use crate::cert::to_chrono;
use crate::cms::{
    read_tlv, single_valued_attribute, QuickMessage, RawSignedMessage, Tlv, ID_DATA,
    ID_MESSAGE_DIGEST_DER, ID_SIGNING_TIME_DER,
};
use chrono::{DateTime, Utc};
use der::Decode;
use x509_cert::time::Time;

/// One signed attribute of a layout, in its place.
enum Slot {
    /// An attribute written the same in every message (content type, signing-certificate-v2,
    /// any other): its DER.
    Fixed(Box<[u8]>),
    /// `messageDigest` with one OCTET STRING.
    MessageDigest,
    /// `signingTime` with one UTCTime or GeneralizedTime.
    SigningTime,
}

/// How a signer's messages are written (see the module's documentation).
pub(in crate::verify) struct Layout {
    signed_data_head: Box<[u8]>,
    certificates: Box<[u8]>,
    signer_head: Box<[u8]>,
    signature_algorithm: Box<[u8]>,
    attributes: Box<[Slot]>,
    pub algorithm: &'static dyn SignatureAlgorithm,
    pub ess: EssVerdict,
    /// `CAdES-BES` or `CMS`.
    pub format: &'static str,
    /// The `format` check's detail, attached and detached.
    format_detail: [String; 2],
    /// The `signature-value` check's detail when the signature is valid.
    signature_detail: String,
}

/// What changes from one message of a layout to the next, besides the content and the
/// signature.
pub(in crate::verify) struct Parts<'a> {
    pub message_digest: &'a [u8],
    pub signing_time: Option<DateTime<Utc>>,
}

/// The attribute's type, if `attribute` is a SEQUENCE starting with an OID.
fn attribute_type(attribute: Tlv<'_>) -> Option<&[u8]> {
    if attribute.tag != 0x30 {
        return None;
    }
    read_tlv(attribute.value)
        .filter(|(oid, _)| oid.tag == 0x06)
        .map(|(oid, _)| oid.whole)
}

fn is_time(value: Tlv<'_>) -> bool {
    // UTCTime or GeneralizedTime.
    value.tag == 0x17 || value.tag == 0x18
}

impl Layout {
    /// The layout of `der`, which the full parser read as `msg`, with the verifier's findings
    /// about it. `None` when the message is not of the common shape [`QuickMessage`] reads,
    /// or does not pass the format checks.
    pub fn learn(
        der: &[u8],
        msg: &RawSignedMessage<'_>,
        algorithm: &'static dyn SignatureAlgorithm,
        ess: EssVerdict,
        format: &'static str,
    ) -> Option<Layout> {
        let [signer] = msg.signers.as_slice() else {
            return None;
        };
        let attrs = &signer.signed_attrs;
        if msg.content_type != ID_DATA
            || attrs.content_type != Some(ID_DATA)
            || attrs.message_digest.is_none()
        {
            return None;
        }
        let quick = QuickMessage::read(der)?;
        let mut slots = Vec::new();
        let (mut digest, mut time) = (false, false);
        let mut rest = quick.signed_attrs.value;
        while !rest.is_empty() {
            let (attribute, tail) = read_tlv(rest)?;
            rest = tail;
            let kind = attribute_type(attribute)?;
            if kind == ID_MESSAGE_DIGEST_DER {
                let (_, value) = single_valued_attribute(attribute)?;
                if digest || value.tag != 0x04 {
                    return None;
                }
                digest = true;
                slots.push(Slot::MessageDigest);
            } else if kind == ID_SIGNING_TIME_DER {
                let (_, value) = single_valued_attribute(attribute)?;
                if time || !is_time(value) {
                    return None;
                }
                time = true;
                slots.push(Slot::SigningTime);
            } else {
                slots.push(Slot::Fixed(attribute.whole.into()));
            }
        }
        if !digest || time != attrs.signing_time.is_some() {
            return None;
        }
        let count = msg.certificates.len();
        Some(Layout {
            signed_data_head: quick.signed_data_head.into(),
            certificates: quick.certificates.into(),
            signer_head: quick.signer_head.into(),
            signature_algorithm: quick.signature_algorithm.into(),
            attributes: slots.into(),
            algorithm,
            ess,
            format,
            format_detail: [
                super::format_detail(false, count, &ID_DATA),
                super::format_detail(true, count, &ID_DATA),
            ],
            signature_detail: super::signature_detail(algorithm),
        })
    }

    /// The signer-info head (version, signer identifier, digest algorithm) the layout is
    /// found by.
    pub fn signer_head(&self) -> &[u8] {
        &self.signer_head
    }

    pub fn format_detail(&self, detached: bool) -> &str {
        &self.format_detail[usize::from(detached)]
    }

    pub fn signature_detail(&self) -> &str {
        &self.signature_detail
    }

    /// The changing parts of `quick`, if it is written in this layout.
    pub fn read<'a>(&self, quick: &QuickMessage<'a>) -> Option<Parts<'a>> {
        if quick.signer_head != &*self.signer_head
            || quick.signature_algorithm != &*self.signature_algorithm
            || quick.signed_data_head != &*self.signed_data_head
            || quick.certificates != &*self.certificates
        {
            return None;
        }
        let mut message_digest = None;
        let mut signing_time = None;
        let mut rest = quick.signed_attrs.value;
        for slot in self.attributes.iter() {
            let (attribute, tail) = read_tlv(rest)?;
            rest = tail;
            match slot {
                Slot::Fixed(der) => {
                    if attribute.whole != &**der {
                        return None;
                    }
                }
                Slot::MessageDigest => {
                    let (kind, value) = single_valued_attribute(attribute)?;
                    if kind != ID_MESSAGE_DIGEST_DER || value.tag != 0x04 {
                        return None;
                    }
                    message_digest = Some(value.value);
                }
                Slot::SigningTime => {
                    let (kind, value) = single_valued_attribute(attribute)?;
                    if kind != ID_SIGNING_TIME_DER || !is_time(value) {
                        return None;
                    }
                    signing_time = Some(to_chrono(Time::from_der(value.whole).ok()?));
                }
            }
        }
        if !rest.is_empty() {
            return None;
        }
        Some(Parts {
            message_digest: message_digest?,
            signing_time,
        })
    }
}
