//! Any JSON body: `validate` must not panic, and every issue must carry a message.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) {
        for issue in wanedit_core::validate(&body) {
            assert!(!issue.message.is_empty());
        }
        let _ = wanedit_core::region::needs_oss_resolve(&body);
        let _ = wanedit_core::curl::to_curl("https://dashscope-intl.aliyuncs.com", &body);
    }
});
