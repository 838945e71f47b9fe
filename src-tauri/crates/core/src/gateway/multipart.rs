//! `multipart/form-data` bodies for file uploads, built here: the one place Billfold sends
//! one does not justify a crate.

/// The content type and body of a form with text `fields` and one file part
/// `(name, filename, bytes)`. The boundary is derived from the content, so the same upload
/// is the same bytes every time it is sent (a retry under one Idempotency-Key matches the
/// first attempt), and it is lengthened until the content does not contain it.
pub fn form(fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> (String, Vec<u8>) {
    let (name, filename, bytes) = file;
    let mut boundary = format!("billfold-{:016x}", fnv1a(bytes));
    let texts: Vec<&str> = fields.iter().flat_map(|(name, value)| [*name, *value]).chain([name, filename]).collect();
    while contains(bytes, boundary.as_bytes()) || texts.iter().any(|text| text.contains(boundary.as_str())) {
        boundary.push_str(&format!("{:x}", boundary.len()));
    }
    let mut body = Vec::with_capacity(bytes.len() + 512);
    for (field, value) in fields {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{value}\r\n", quoted(field)).as_bytes());
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            quoted(name),
            quoted(filename)
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A header parameter value with the characters that would end it escaped.
fn quoted(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"").replace(['\r', '\n'], " ")
}

/// FNV-1a, a stable 64-bit hash (std's hasher may change between releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_upload_is_the_same_body_and_the_boundary_is_not_in_it() {
        let (kind, body) = form(&[("purpose", "dispute_evidence")], ("file", "a.pdf", b"%PDF-1.4 x"));
        assert_eq!(form(&[("purpose", "dispute_evidence")], ("file", "a.pdf", b"%PDF-1.4 x")), (kind.clone(), body.clone()));
        let boundary = kind.strip_prefix("multipart/form-data; boundary=").unwrap();
        let text = String::from_utf8(body).unwrap();
        assert!(text.starts_with(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\ndispute_evidence\r\n")));
        assert!(text.contains("filename=\"a.pdf\"\r\nContent-Type: application/octet-stream\r\n\r\n%PDF-1.4 x\r\n"));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }
}
