//! Any bytes as a DashScope answer: parsing must fail cleanly, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wanedit_core::task::*;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<CreateTaskResponse>(data);
    let _ = serde_json::from_slice::<TaskResponse>(data);
    let _ = serde_json::from_slice::<TaskListResponse>(data);
    let _ = serde_json::from_slice::<CancelResponse>(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ApiError::from_response(400, text);
        let _ = wanedit_core::retry::parse_retry_after(text);
    }
});
