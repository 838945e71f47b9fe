//! File uploads: multipart `POST /v1/files` checked per purpose by the bytes (not the name)
//! and size, retrieval, listing by purpose, and idempotent replays of a 5 MB upload.

mod common;

use common::{upload, SMALL_PDF};
use stripe_sim::{SimConfig, Simulator};

const KEY: &str = "sk_test_000000000000000000000000files";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

async fn sim() -> Simulator {
    Simulator::start(SimConfig { rate_limit_per_sec: None, ..SimConfig::default() }).await.unwrap()
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn an_evidence_pdf_is_uploaded_retrieved_and_listed_by_purpose() {
    let sim = sim().await;
    let (status, _, file) = upload(&sim, KEY, &[("purpose", "dispute_evidence")], Some(("receipt.pdf", SMALL_PDF)), "b1", None).await;
    assert_eq!(status, 200, "{file}");
    let id = file["id"].as_str().unwrap();
    assert!(id.starts_with("file_"));
    assert_eq!(file["object"], "file");
    assert_eq!(file["type"], "pdf");
    assert_eq!(file["size"], SMALL_PDF.len());
    assert_eq!(file["filename"], "receipt.pdf");
    assert_eq!(file["purpose"], "dispute_evidence");
    assert_eq!(file["url"], format!("{}v1/files/{id}/contents", sim.base_url()));
    assert!(file["expires_at"].as_i64().unwrap() > file["created"].as_i64().unwrap());

    let (status, _, logo) = upload(&sim, KEY, &[("purpose", "business_logo")], Some(("logo.png", PNG)), "b2", None).await;
    assert_eq!(status, 200, "{logo}");
    assert_eq!(logo["type"], "png");

    let auth = format!("Bearer {KEY}");
    let (status, _, got) = common::http(&sim, "GET", &format!("/v1/files/{id}"), &[("Authorization", &auth)], "").await;
    assert_eq!(status, 200);
    assert_eq!(got, file);
    let (_, _, evidence) = common::http(&sim, "GET", "/v1/files?purpose=dispute_evidence", &[("Authorization", &auth)], "").await;
    let ids: Vec<&str> = evidence["data"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![id]);
    let (_, _, all) = common::http(&sim, "GET", "/v1/files", &[("Authorization", &auth)], "").await;
    assert_eq!(all["data"].as_array().unwrap().len(), 2);
    let (status, _, missing) = common::http(&sim, "GET", "/v1/files/file_nope", &[("Authorization", &auth)], "").await;
    assert_eq!(status, 404);
    assert_eq!(missing["error"]["code"], "resource_missing");
}

#[tokio::test]
async fn the_type_is_read_from_the_bytes_not_the_name() {
    let sim = sim().await;
    let (status, _, png) = upload(&sim, KEY, &[("purpose", "dispute_evidence")], Some(("scan.pdf", PNG)), "b", None).await;
    assert_eq!(status, 200);
    assert_eq!(png["type"], "png", "a PNG named .pdf is a PNG");
    let (status, _, err) = upload(&sim, KEY, &[("purpose", "dispute_evidence")], Some(("notes.pdf", b"just some text")), "b", None).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["type"], "invalid_request_error");
    assert_eq!(err["error"]["param"], "file");
    assert!(err["error"]["message"].as_str().unwrap().contains("pdf, jpg, png"), "{err}");
    let gif = b"GIF89a\x01\x00\x01\x00";
    let (status, _, _) = upload(&sim, KEY, &[("purpose", "dispute_evidence")], Some(("a.gif", gif)), "b", None).await;
    assert_eq!(status, 400, "GIF is not dispute evidence");
    let (status, _, err) = upload(&sim, KEY, &[("purpose", "holiday_photos")], Some(("a.pdf", SMALL_PDF)), "b", None).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["param"], "purpose");
    let (status, _, err) = upload(&sim, KEY, &[], Some(("a.pdf", SMALL_PDF)), "b", None).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["code"], "parameter_missing");
    let (status, _, err) = upload(&sim, KEY, &[("purpose", "dispute_evidence")], None, "b", None).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["param"], "file");
}

#[tokio::test]
async fn evidence_files_are_at_most_five_megabytes_and_a_full_size_upload_replays() {
    let sim = sim().await;
    let mut five_mb = SMALL_PDF.to_vec();
    five_mb.resize(5 * 1024 * 1024, b' ');
    let (status, headers, first) =
        upload(&sim, KEY, &[("purpose", "dispute_evidence")], Some(("big.pdf", &five_mb)), "first-boundary", Some("upload-1")).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["size"], 5 * 1024 * 1024);
    assert_eq!(header(&headers, "idempotent-replayed"), None);
    // A retry draws a new boundary: still the same request, answered from the first.
    let (status, headers, again) =
        upload(&sim, KEY, &[("purpose", "dispute_evidence")], Some(("big.pdf", &five_mb)), "second-boundary", Some("upload-1")).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "idempotent-replayed"), Some("true"));
    assert_eq!(again["id"], first["id"]);
    let (status, _, other) =
        upload(&sim, KEY, &[("purpose", "dispute_evidence")], Some(("other.pdf", SMALL_PDF)), "third", Some("upload-1")).await;
    assert_eq!(status, 400, "another file under the same key is a mismatch");
    assert_eq!(other["error"]["type"], "idempotency_error");
    let auth = format!("Bearer {KEY}");
    let (_, _, all) = common::http(&sim, "GET", "/v1/files", &[("Authorization", &auth)], "").await;
    assert_eq!(all["data"].as_array().unwrap().len(), 1, "the replay stored nothing new");

    five_mb.push(b' ');
    let (status, _, err) = upload(&sim, KEY, &[("purpose", "dispute_evidence")], Some(("big.pdf", &five_mb)), "b", None).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["param"], "file");
    assert!(err["error"]["message"].as_str().unwrap().contains("5 MB"), "{err}");
}

#[tokio::test]
async fn a_file_link_is_made_on_request() {
    let sim = sim().await;
    let fields = [("purpose", "dispute_evidence"), ("file_link_data[create]", "true"), ("file_link_data[metadata][case]", "C-7")];
    let (status, _, file) = upload(&sim, KEY, &fields, Some(("r.pdf", SMALL_PDF)), "b", None).await;
    assert_eq!(status, 200, "{file}");
    let links = file["links"]["data"].as_array().unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["object"], "file_link");
    assert_eq!(links[0]["file"], file["id"]);
    assert_eq!(links[0]["metadata"]["case"], "C-7");
}
