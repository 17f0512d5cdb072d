//! Any bytes as a media file: `probe` returns a MediaInfo or an error, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(info) = wanedit_core::media::probe(data) {
        assert!(info.width > 0 && info.height > 0);
        for role in ["vace_image", "vace_video", "vace_clip", "mask_image", "wan27_video", "wan27_image"] {
            let role = wanedit_core::media::MediaRole::parse(role).unwrap();
            let _ = wanedit_core::media::check_media(&info, role, "input.video_url");
        }
    }
});
