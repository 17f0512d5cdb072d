//! The OSS-like upload endpoint: `POST /oss` (PostObject, `multipart/form-data`) and
//! `GET /oss/{key}` to read an object back for debugging.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::multipart::Field;
use axum::extract::{FromRequest, Multipart, Path, Request, State as AxState};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use bytes::Bytes;
use http_body_util::BodyExt;
use serde_json::json;

use crate::error::SimError;
use crate::routes::observe::LogSeq;
use crate::state::State;
use crate::upload::StoredObject;

/// Non-file form fields larger than this are rejected (the policy is well under 2 KiB).
const MAX_FIELD: usize = 64 * 1024;
/// Multipart framing allowed on top of the file size before Content-Length alone rejects.
const FORM_OVERHEAD: u64 = 64 * 1024;
/// After rejecting, at most this much of the rest of the body is read and discarded, so the
/// client finishes sending and sees the error instead of a reset connection.
const DRAIN_LIMIT: u64 = 256 * 1024 * 1024;

fn too_large() -> SimError {
    SimError::oss(
        413,
        "EntityTooLarge",
        "Your proposed upload exceeds the maximum allowed size.",
    )
}

fn malformed() -> SimError {
    SimError::oss(
        400,
        "MalformedPOSTRequest",
        "The body of your POST request is not well-formed multipart/form-data.",
    )
}

/// Reads a field to its end, or `None` once it passes `cap` (having read no further).
async fn read_capped(field: &mut Field<'_>, cap: u64) -> Result<Option<Vec<u8>>, SimError> {
    let mut buf = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| malformed())? {
        if (buf.len() + chunk.len()) as u64 > cap {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Some(buf))
}

/// Discards the rest of a field; returns the bytes seen, stopping past [`DRAIN_LIMIT`].
async fn drain_field(field: &mut Field<'_>) -> u64 {
    let mut seen = 0u64;
    while let Ok(Some(c)) = field.chunk().await {
        seen += c.len() as u64;
        if seen > DRAIN_LIMIT {
            break;
        }
    }
    seen
}

/// Discards the remaining fields of a multipart body, up to [`DRAIN_LIMIT`] in all.
async fn drain_fields(mp: &mut Multipart, mut seen: u64) {
    while seen <= DRAIN_LIMIT {
        let Ok(Some(mut f)) = mp.next_field().await else {
            return;
        };
        seen += drain_field(&mut f).await;
    }
}

/// Discards a raw body, up to [`DRAIN_LIMIT`].
async fn drain_body(mut body: Body) {
    let mut seen = 0u64;
    while let Some(Ok(frame)) = body.frame().await {
        if let Some(d) = frame.data_ref() {
            seen += d.len() as u64;
            if seen > DRAIN_LIMIT {
                return;
            }
        }
    }
}

/// `POST /oss`: verifies the form against its policy and stores the file.
pub async fn upload(
    AxState(state): AxState<State>,
    Extension(LogSeq(seq)): Extension<LogSeq>,
    req: Request,
) -> Response {
    let mut order = Vec::new();
    let mut stored = None;
    let result = receive(&state, req, &mut order, &mut stored).await;
    let note = json!({"fields": order, "stored": stored});
    state.lock().log.update(seq, |r| r.note = Some(note));
    match result {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn receive(
    state: &State,
    req: Request,
    order: &mut Vec<String>,
    stored: &mut Option<serde_json::Value>,
) -> Result<Response, SimError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.config.upload_max_bytes + FORM_OVERHEAD) {
        drain_body(req.into_body()).await;
        return Err(too_large());
    }
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|_| malformed())?;
    let mut fields: HashMap<String, String> = HashMap::new();
    loop {
        let Some(mut field) = mp.next_field().await.map_err(|_| malformed())? else {
            return Err(SimError::oss(
                400,
                "InvalidArgument",
                "Bucket POST must contain a field named 'file'. If it is specified, please check the order of the fields.",
            ));
        };
        let name = field.name().unwrap_or_default().to_string();
        order.push(name.clone());
        if name != "file" {
            let value = read_capped(&mut field, MAX_FIELD as u64)
                .await?
                .ok_or_else(|| {
                    SimError::oss(
                        400,
                        "InvalidArgument",
                        format!("Form field {name} is too long."),
                    )
                })?;
            fields.insert(name, String::from_utf8_lossy(&value).into_owned());
            continue;
        }

        // `file` must come last: everything the policy check needs has to be in by now.
        let now = state.clock.now_ms();
        let grant = state.lock().uploads.verify(&fields, now)?;
        if grant.forbid_overwrite && state.lock().uploads.exists(&grant.key) {
            return Err(SimError::oss(
                409,
                "FileAlreadyExists",
                "The object you specified already exists and can not be overwritten.",
            ));
        }
        let content_type = fields
            .get("x-oss-content-type")
            .cloned()
            .or_else(|| field.content_type().map(str::to_string));
        let Some(bytes) = read_capped(&mut field, grant.max_bytes).await? else {
            let seen = drain_field(&mut field).await;
            drop(field);
            drain_fields(&mut mp, seen).await;
            return Err(too_large());
        };
        // Fields after `file` are ignored, as OSS does.
        let size = bytes.len();
        *stored = Some(json!({"key": grant.key, "size": size}));
        let mut inner = state.lock();
        inner.uploads.store(
            grant.key.clone(),
            StoredObject {
                model: grant.model,
                bytes: Bytes::from(bytes),
                content_type,
                stored_ms: now,
            },
        );
        inner.log.counters.uploads_stored += 1;
        drop(inner);
        tracing::info!(size, "object stored");
        let status = match fields.get("success_action_status").map(String::as_str) {
            Some("200") => StatusCode::OK,
            Some("201") => StatusCode::CREATED,
            _ => StatusCode::NO_CONTENT,
        };
        return Ok(status.into_response());
    }
}

/// `GET /oss/{key}`: the stored bytes (debugging aid; real OSS objects are private).
pub async fn download(AxState(state): AxState<State>, Path(key): Path<String>) -> Response {
    if let Some(sample) = crate::samples::by_oss_url(&format!("oss://{key}")) {
        return ([(header::CONTENT_TYPE, sample.content_type)], sample.bytes).into_response();
    }
    let inner = state.lock();
    match inner.uploads.get(&key) {
        Some(obj) => {
            let ct = obj
                .content_type
                .clone()
                .unwrap_or_else(|| "application/octet-stream".into());
            ([(header::CONTENT_TYPE, ct)], obj.bytes.clone()).into_response()
        }
        None => {
            SimError::oss(404, "NoSuchKey", "The specified key does not exist.").into_response()
        }
    }
}
