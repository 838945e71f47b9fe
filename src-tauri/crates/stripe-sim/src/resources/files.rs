//! File uploads (`/v1/files`): multipart uploads checked per purpose (types by the bytes'
//! magic numbers, not the name; Stripe's size limits), retrieval and listing. Real Stripe
//! takes uploads on files.stripe.com; the emulator takes them on its own base URL. Only the
//! metadata is kept: the content is not served back.

use axum::extract::{Multipart, Path};
use axum::Json;
use serde_json::{json, Map, Value};

use super::boolean;
use crate::data::AccountData;
use crate::errors::ApiError;
use crate::list::{page, ListFilter};
use crate::server::{ApiContext, Params};

const KIND: &str = "file";
const MB: usize = 1024 * 1024;
/// Largest upload of any purpose; the API gate buffers bodies up to a little more than this.
pub const MAX_UPLOAD: usize = 16 * MB;
/// Dispute evidence files are at most 5 MB each (Stripe's file upload guide).
pub const DISPUTE_EVIDENCE_MAX: usize = 5 * MB;
/// Dispute evidence files expire after nine months.
const DISPUTE_EVIDENCE_EXPIRY_SECS: i64 = 9 * 30 * 86_400;

/// A purpose Stripe takes: the file types it allows and its size limit.
struct Purpose {
    name: &'static str,
    types: &'static [&'static str],
    max: usize,
}

/// The purposes `POST /v1/files` takes, with their limits from Stripe's file upload guide.
const PURPOSES: &[Purpose] = &[
    Purpose { name: "account_requirement", types: &["pdf", "jpg", "png"], max: 16 * MB },
    Purpose { name: "additional_verification", types: &["pdf", "jpg", "png"], max: 16 * MB },
    Purpose { name: "business_icon", types: &["jpg", "png", "gif"], max: MB / 2 },
    Purpose { name: "business_logo", types: &["jpg", "png", "gif"], max: MB / 2 },
    Purpose { name: "customer_signature", types: &["jpg", "png", "svg"], max: 4 * MB },
    Purpose { name: "dispute_evidence", types: &["pdf", "jpg", "png"], max: DISPUTE_EVIDENCE_MAX },
    Purpose { name: "identity_document", types: &["pdf", "jpg", "png"], max: 16 * MB },
    Purpose { name: "issuing_regulatory_reporting", types: &["pdf", "jpg", "png", "csv"], max: 16 * MB },
    Purpose { name: "pci_document", types: &["pdf"], max: 16 * MB },
    Purpose { name: "tax_document_user_upload", types: &["pdf", "jpg", "png", "csv"], max: 16 * MB },
    Purpose { name: "terminal_reader_splashscreen", types: &["jpg", "png", "gif"], max: 4 * MB },
];

/// The file type the bytes are, by their magic numbers (`jpg` as Stripe names JPEG); `csv`
/// and `svg` are text, recognised by the file name's extension once the bytes are text.
pub fn sniff(bytes: &[u8], filename: &str) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        return Some("pdf");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("png");
    }
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        return Some("jpg");
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some("gif");
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let lower = filename.to_ascii_lowercase();
    if lower.ends_with(".svg") && text.contains("<svg") {
        return Some("svg");
    }
    lower.ends_with(".csv").then_some("csv")
}

/// What a multipart upload carried.
#[derive(Default)]
struct Upload {
    file: Option<(String, Vec<u8>)>,
    purpose: Option<String>,
    link: Map<String, Value>,
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, ApiError> {
    let mut upload = Upload::default();
    let malformed = |_| ApiError::invalid_request(None, "The multipart/form-data body could not be read.", None);
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let filename = field.file_name().unwrap_or("upload").to_string();
            let bytes = field.bytes().await.map_err(malformed)?;
            upload.file = Some((filename, bytes.to_vec()));
            continue;
        }
        let text = field.text().await.map_err(malformed)?;
        match name.as_str() {
            "purpose" => upload.purpose = Some(text),
            _ => {
                let Some(key) = name.strip_prefix("file_link_data[").and_then(|rest| rest.strip_suffix(']')) else {
                    return Err(ApiError::unknown_parameter(&name));
                };
                upload.link.insert(key.replace("][", "."), Value::String(text));
            }
        }
    }
    Ok(upload)
}

/// `POST /v1/files` (multipart/form-data: `file`, `purpose`, optional `file_link_data`).
pub async fn create(ctx: ApiContext, multipart: Multipart) -> Result<Json<Value>, ApiError> {
    let upload = read_upload(multipart).await?;
    let Some(purpose_name) = upload.purpose.as_deref() else { return Err(ApiError::missing_param("purpose")) };
    let Some(purpose) = PURPOSES.iter().find(|p| p.name == purpose_name) else {
        let names: Vec<&str> = PURPOSES.iter().map(|p| p.name).collect();
        return Err(ApiError::invalid_param("purpose", format!("Invalid purpose: must be one of {}", names.join(", "))));
    };
    let Some((filename, bytes)) = upload.file else { return Err(ApiError::missing_param("file")) };
    let kind = sniff(&bytes, &filename).filter(|kind| purpose.types.contains(kind)).ok_or_else(|| {
        ApiError::invalid_request(
            Some("file_upload_invalid_type"),
            format!(
                "The file you uploaded is not a supported type for purpose `{}`. Supported types are: {}.",
                purpose.name,
                purpose.types.join(", ")
            ),
            Some("file"),
        )
    })?;
    if bytes.len() > purpose.max {
        return Err(ApiError::invalid_request(
            Some("file_upload_too_large"),
            format!(
                "The file you uploaded is too large ({} bytes). Files of purpose `{}` can be at most {} MB.",
                bytes.len(),
                purpose.name,
                purpose.max as f64 / MB as f64
            ),
            Some("file"),
        ));
    }
    let now = ctx.now();
    let id = AccountData::new_id("file");
    let links = match boolean(&Value::Object(upload.link.clone()), "create")? {
        Some(true) => vec![file_link(&upload.link, &id, ctx.livemode, ctx.base_url(), now)?],
        _ => Vec::new(),
    };
    let expires_at = (purpose.name == "dispute_evidence").then_some(now + DISPUTE_EVIDENCE_EXPIRY_SECS);
    let file = json!({
        "id": id,
        "object": "file",
        "created": now,
        "expires_at": expires_at,
        "filename": filename,
        "links": { "object": "list", "data": links, "has_more": false, "url": format!("/v1/file_links?file={id}") },
        "purpose": purpose.name,
        "size": bytes.len(),
        "title": null,
        "type": kind,
        "url": format!("{}v1/files/{id}/contents", ctx.base_url()),
    });
    ctx.data().insert(KIND, file.clone());
    Ok(Json(file))
}

/// The link `file_link_data[create]=true` asks for (`expires_at`, `metadata[...]`).
fn file_link(data: &Map<String, Value>, file: &str, livemode: bool, base_url: &str, now: i64) -> Result<Value, ApiError> {
    let expires_at = match data.get("expires_at").and_then(Value::as_str) {
        None => None,
        Some(raw) => Some(raw.parse::<i64>().map_err(|_| ApiError::invalid_param("file_link_data[expires_at]", "Invalid integer"))?),
    };
    let metadata: Map<String, Value> = data
        .iter()
        .filter_map(|(key, value)| key.strip_prefix("metadata.").map(|key| (key.to_string(), value.clone())))
        .collect();
    let id = AccountData::new_id("link");
    Ok(json!({
        "id": id,
        "object": "file_link",
        "created": now,
        "expired": false,
        "expires_at": expires_at,
        "file": file,
        "livemode": livemode,
        "metadata": metadata,
        "url": format!("{base_url}links/{id}"),
    }))
}

/// The stored file of `id`.
pub fn find<'a>(data: &'a AccountData, id: &str) -> Result<&'a Value, ApiError> {
    data.get_of(KIND, id).ok_or_else(|| ApiError::no_such("file", id, "file"))
}

/// `GET /v1/files/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Result<Json<Value>, ApiError> {
    Params(params.clone()).allow_only(&["expand"])?;
    let data = ctx.data();
    Ok(Json(find(&data, &id)?.clone()))
}

/// `GET /v1/files` (newest first; `purpose` filter).
pub async fn list(ctx: ApiContext, Params(params): Params) -> Result<Json<Value>, ApiError> {
    let filter = ListFilter::parse(&params, &["purpose"], &[])?;
    let data = ctx.data();
    let items: Vec<&Value> = data.all(KIND).rev().filter(|file| filter.matches(file)).collect();
    Ok(Json(page(&data, items.into_iter(), &params, "/v1/files")?))
}
