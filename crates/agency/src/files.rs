//! The files of a filing: each upload must be one the signed application declares, with the
//! same SHA-256 and size, and be what its name says it is (PDF, JPEG, PNG, TIFF: the scans
//! the regulations accept).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use qyzmet_api::ApiError;
use qyzmet_core::regulation::form::FileFacts;
use qyzmet_core::Text;
use qyzmet_gateway::services::{DeclaredFile, Upload};
use qyzmet_store::NewAttachment;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The media types accepted, by their first bytes.
const KINDS: &[(&str, &[u8], &[&str])] = &[
    ("application/pdf", b"%PDF-", &["pdf"]),
    ("image/jpeg", &[0xFF, 0xD8, 0xFF], &["jpg", "jpeg"]),
    ("image/png", &[0x89, b'P', b'N', b'G'], &["png"]),
    // TIFF, in either byte order (the regulations' forms accept `tif` and `tiff`).
    ("image/tiff", b"II*\0", &["tif", "tiff"]),
    ("image/tiff", b"MM\0*", &["tif", "tiff"]),
];

fn refused(code: &str, name: &str, en: String, ru: String, kk: String) -> ApiError {
    ApiError::unprocessable(code, Text::new(kk, ru, en)).with_details(vec![serde_json::json!({
        "file": name,
    })])
}

/// The attachments to store and the facts the form check needs, or why the files are refused.
pub(crate) fn accept(
    declared: &[DeclaredFile],
    uploads: &[Upload],
    limit: u64,
) -> Result<(Vec<NewAttachment>, BTreeMap<String, FileFacts>), ApiError> {
    let mut out = Vec::new();
    let mut facts = BTreeMap::new();
    for up in uploads {
        let Some(d) = declared
            .iter()
            .find(|d| d.key == up.key && d.name == up.name)
        else {
            return Err(refused(
                "file.not_declared",
                &up.name,
                format!("The file {} is not in the signed application", up.name),
                format!("Файла {} нет в подписанном заявлении", up.name),
                format!("{} файлы қол қойылған өтініште жоқ", up.name),
            ));
        };
        let content = STANDARD.decode(up.content.as_bytes()).map_err(|_| {
            refused(
                "file.not_base64",
                &up.name,
                format!("The file {} is not base64", up.name),
                format!("Файл {} передан не в base64", up.name),
                format!("{} файлы base64 түрінде емес", up.name),
            )
        })?;
        let size = content.len() as u64;
        if size > limit {
            return Err(ApiError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "file.too_large",
                Text::new(
                    format!(
                        "{} файлының көлемі {size} байт; {limit} байттан аспауы тиіс",
                        up.name
                    ),
                    format!(
                        "Файл {} размером {size} байт; допускается не более {limit}",
                        up.name
                    ),
                    format!(
                        "The file {} has {size} bytes; at most {limit} are accepted",
                        up.name
                    ),
                ),
            ));
        }
        let sha = hex(&Sha256::digest(&content));
        if sha != d.sha256.to_ascii_lowercase() || size != d.size {
            return Err(refused(
                "file.not_as_signed",
                &up.name,
                format!(
                    "The file {} is not the one the application was signed with",
                    up.name
                ),
                format!("Файл {} не тот, с которым подписано заявление", up.name),
                format!("{} файлы өтінішке қол қойылған файл емес", up.name),
            ));
        }
        let ext = up
            .name
            .rsplit('.')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let kind = KINDS
            .iter()
            .find(|(_, magic, exts)| content.starts_with(magic) && exts.contains(&ext.as_str()));
        let Some((media_type, ..)) = kind else {
            return Err(refused(
                "file.type",
                &up.name,
                format!(
                    "The file {} must be a PDF, JPEG, PNG or TIFF whose name ends as its type",
                    up.name
                ),
                format!(
                    "Файл {} должен быть PDF, JPEG, PNG или TIFF с соответствующим расширением",
                    up.name
                ),
                format!(
                    "{} файлы тиісті кеңейтімі бар PDF, JPEG, PNG немесе TIFF болуы керек",
                    up.name
                ),
            ));
        };
        facts.insert(
            up.key.clone(),
            FileFacts {
                name: up.name.clone(),
                size,
            },
        );
        out.push(NewAttachment {
            name: format!("{}/{}", up.key, up.name),
            media_type: media_type.to_string(),
            content,
        });
    }
    if let Some(missing) = declared
        .iter()
        .find(|d| !uploads.iter().any(|u| u.key == d.key && u.name == d.name))
    {
        return Err(refused(
            "file.missing",
            &missing.name,
            format!(
                "The signed application names the file {}, but it was not sent",
                missing.name
            ),
            format!(
                "В подписанном заявлении указан файл {}, но он не передан",
                missing.name
            ),
            format!(
                "Қол қойылған өтініште {} файлы көрсетілген, бірақ ол жіберілмеген",
                missing.name
            ),
        ));
    }
    Ok((out, facts))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The media type the file is taken as, or the refusal's code.
    fn one(name: &str, content: &[u8]) -> String {
        let declared = DeclaredFile {
            key: "scan".into(),
            name: name.into(),
            sha256: hex(&Sha256::digest(content)),
            size: content.len() as u64,
        };
        let upload = Upload {
            key: "scan".into(),
            name: name.into(),
            media_type: "application/octet-stream".into(),
            content: STANDARD.encode(content),
        };
        match accept(&[declared], &[upload], 1024) {
            Ok((stored, _)) => stored[0].media_type.clone(),
            Err(e) => e.code.clone(),
        }
    }

    #[test]
    fn a_scan_is_taken_by_what_it_is_and_what_its_name_says() {
        assert_eq!(one("scan.pdf", b"%PDF-1.7 x"), "application/pdf");
        assert_eq!(one("scan.tif", b"II*\0 little"), "image/tiff");
        assert_eq!(one("scan.TIFF", b"MM\0* big"), "image/tiff");
        // A TIFF under another name, and a name that lies about its content.
        assert_eq!(one("scan.pdf", b"II*\0 tiff"), "file.type");
        assert_eq!(one("scan.tif", b"%PDF-1.7"), "file.type");
    }
}
