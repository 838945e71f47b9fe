//! Evidence as Stripe takes it, checked before anything is sent: text fields (together at
//! most 150,000 characters), file fields naming `dispute_evidence` uploads (PDF, JPEG or PNG
//! by their bytes, at most 5 MB each and 5 MB together).

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// Stripe's limit on the evidence text fields together, in characters.
pub const MAX_TEXT_CHARS: usize = 150_000;
/// Stripe's limit on one evidence file, in bytes.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// Stripe's limit on a dispute's evidence files together, in bytes.
pub const MAX_FILES_BYTES: i64 = 5 * 1024 * 1024;

/// Evidence fields that hold text.
pub const TEXT_FIELDS: &[&str] = &[
    "access_activity_log", "billing_address", "cancellation_policy_disclosure", "cancellation_rebuttal", "customer_email_address",
    "customer_name", "customer_purchase_ip", "duplicate_charge_explanation", "duplicate_charge_id", "product_description",
    "refund_policy_disclosure", "refund_refusal_explanation", "service_date", "shipping_address", "shipping_carrier",
    "shipping_date", "shipping_tracking_number", "uncategorized_text",
];
/// Evidence fields that name an uploaded file.
pub const FILE_FIELDS: &[&str] = &[
    "cancellation_policy", "customer_communication", "customer_signature", "duplicate_charge_documentation", "receipt",
    "refund_policy", "service_documentation", "shipping_documentation", "uncategorized_file",
];

/// A file to upload as evidence: read by the caller (the desktop shell reads it from disk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceFileInput {
    /// The file field it answers.
    pub field: String,
    /// The name shown (the file's own name, without its folder).
    pub filename: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// Evidence to stage or submit: text per field (an empty text clears the field) and new
/// files; fields not named keep what Stripe holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceInput {
    /// Text fields, by Stripe's field name.
    pub text: BTreeMap<String, String>,
    /// Files to upload and name in their fields.
    pub files: Vec<EvidenceFileInput>,
}

/// `pdf`, `png` or `jpg` (Stripe's names) by the bytes' magic numbers, whatever the file is called.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("jpg")
    } else {
        None
    }
}

fn megabytes(bytes: i64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// Checks evidence against Stripe's rules. `staged_text` is the text Stripe holds now (the
/// limit counts the fields kept too); `kept_file_bytes` the sizes of files that stay named.
/// Answers each new file's type.
pub fn check(input: &EvidenceInput, staged_text: &BTreeMap<String, String>, kept_file_bytes: i64) -> Result<Vec<&'static str>> {
    for field in input.text.keys() {
        if !TEXT_FIELDS.contains(&field.as_str()) {
            return Err(Error::Validation(format!("'{field}' is not an evidence text field Stripe takes.")));
        }
    }
    let mut text = staged_text.clone();
    text.extend(input.text.iter().map(|(field, value)| (field.clone(), value.clone())));
    let chars: usize = text.values().map(|value| value.chars().count()).sum();
    if chars > MAX_TEXT_CHARS {
        return Err(Error::Validation(format!(
            "The evidence text is {chars} characters long; Stripe takes at most {MAX_TEXT_CHARS} in all fields together."
        )));
    }
    let mut types = Vec::new();
    let mut total = kept_file_bytes;
    let mut seen = Vec::new();
    for file in &input.files {
        if !FILE_FIELDS.contains(&file.field.as_str()) {
            return Err(Error::Validation(format!("'{}' is not an evidence file field Stripe takes.", file.field)));
        }
        if seen.contains(&file.field.as_str()) {
            return Err(Error::Validation(format!("Only one file can answer '{}'.", file.field)));
        }
        seen.push(file.field.as_str());
        let Some(kind) = sniff(&file.bytes) else {
            return Err(Error::Validation(format!(
                "{} is not a PDF, JPEG or PNG file; Stripe takes only those as dispute evidence.",
                file.filename
            )));
        };
        if file.bytes.len() > MAX_FILE_BYTES {
            return Err(Error::Validation(format!(
                "{} is {}; Stripe takes evidence files of at most 5 MB.",
                file.filename,
                megabytes(file.bytes.len() as i64)
            )));
        }
        total += file.bytes.len() as i64;
        types.push(kind);
    }
    if total > MAX_FILES_BYTES {
        return Err(Error::Validation(format!(
            "The evidence files come to {}; Stripe takes at most 5 MB of files per dispute.",
            megabytes(total)
        )));
    }
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(field: &str, bytes: &[u8]) -> EvidenceFileInput {
        EvidenceFileInput { field: field.into(), filename: "f".into(), bytes: bytes.to_vec() }
    }

    #[test]
    fn files_are_told_by_their_bytes_and_limits_hold() {
        assert_eq!(sniff(b"%PDF-1.7"), Some("pdf"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("png"));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Some("jpg"));
        assert_eq!(sniff(b"GIF89a"), None);
        let none = BTreeMap::new();
        let ok = EvidenceInput { text: BTreeMap::new(), files: vec![file("receipt", b"%PDF-1.4")] };
        assert_eq!(check(&ok, &none, 0).unwrap(), vec!["pdf"]);
        let text_file = EvidenceInput { text: BTreeMap::new(), files: vec![file("receipt", b"hello")] };
        assert!(check(&text_file, &none, 0).unwrap_err().to_string().contains("PDF, JPEG or PNG"));
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_FILE_BYTES + 1, b' ');
        let too_big = EvidenceInput { text: BTreeMap::new(), files: vec![file("receipt", &big)] };
        assert!(check(&too_big, &none, 0).unwrap_err().to_string().contains("at most 5 MB"));
        assert!(check(&ok, &none, MAX_FILES_BYTES).unwrap_err().to_string().contains("per dispute"));
        let wrong_field = EvidenceInput { text: BTreeMap::new(), files: vec![file("product_description", b"%PDF-")] };
        assert!(check(&wrong_field, &none, 0).is_err());
        let staged = BTreeMap::from([("product_description".to_string(), "x".repeat(100_000))]);
        let more = EvidenceInput { text: BTreeMap::from([("uncategorized_text".to_string(), "y".repeat(50_000))]), files: vec![] };
        assert!(check(&more, &staged, 0).is_ok(), "exactly 150,000 fit");
        let over = EvidenceInput { text: BTreeMap::from([("uncategorized_text".to_string(), "y".repeat(50_001))]), files: vec![] };
        assert!(check(&over, &staged, 0).unwrap_err().to_string().contains("150000"));
        let replaced = EvidenceInput { text: BTreeMap::from([("product_description".to_string(), String::new())]), files: vec![] };
        assert!(check(&replaced, &staged, 0).is_ok(), "a cleared field no longer counts");
        let unknown = EvidenceInput { text: BTreeMap::from([("mood".to_string(), "x".into())]), files: vec![] };
        assert!(check(&unknown, &none, 0).is_err());
    }
}
