//! The probe on real small files (made with ffmpeg, shipped in tests/fixtures/media), the
//! media rules at their boundaries, and the probe's robustness on damaged bytes.

use proptest::prelude::*;
use wanedit_core::media::{
    check_extension_clips, check_mask, check_mask_frame_id, check_media, max_frame_id_for,
    max_mask_frame_id, probe, MediaFormat, MediaInfo, MediaRole,
};
use wanedit_core::{IssueCode, Severity};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/media/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn probes_images() {
    let cases = [
        ("img_400x300.jpg", MediaFormat::Jpeg, 400, 300, None),
        ("img_400x300.png", MediaFormat::Png, 400, 300, Some(false)),
        (
            "img_300x400_alpha.png",
            MediaFormat::Png,
            300,
            400,
            Some(true),
        ),
        ("img_20x10.bmp", MediaFormat::Bmp, 20, 10, None),
        ("img_362x364.tiff", MediaFormat::Tiff, 362, 364, None),
        ("img_2000x240.webp", MediaFormat::Webp, 2000, 240, None),
    ];
    for (name, format, w, h, alpha) in cases {
        let bytes = fixture(name);
        let info = probe(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            (info.format, info.width, info.height, info.has_alpha),
            (format, w, h, alpha),
            "{name}"
        );
        assert_eq!(info.byte_size, bytes.len() as u64);
        assert_eq!(info.duration_s, None);
    }
}

#[test]
fn probes_videos() {
    let info = probe(&fixture("clip_64x48_16fps_1s.mp4")).unwrap();
    assert_eq!(
        (info.format, info.width, info.height),
        (MediaFormat::Mp4, 64, 48)
    );
    assert_eq!(info.frame_count, Some(16));
    assert!((info.duration_s.unwrap() - 1.0).abs() < 0.01, "{info:?}");
    assert!((info.fps.unwrap() - 16.0).abs() < 0.01, "{info:?}");

    let info = probe(&fixture("movie_320x240_24fps_2_5s.mov")).unwrap();
    assert_eq!(
        (info.format, info.width, info.height),
        (MediaFormat::Mov, 320, 240)
    );
    assert_eq!(info.frame_count, Some(60));
    assert!((info.duration_s.unwrap() - 2.5).abs() < 0.01, "{info:?}");

    let info = probe(&fixture("slow_64x48_10fps_2s.mp4")).unwrap();
    assert!((info.fps.unwrap() - 10.0).abs() < 0.01, "{info:?}");
}

#[test]
fn rejects_what_is_not_media() {
    for bytes in [
        &b""[..],
        b"hello world",
        b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00",
        b"\x89PNG\r\n\x1a\n",
    ] {
        assert!(probe(bytes).is_err(), "{bytes:?}");
    }
    // A truncated video is an error, not a panic.
    let video = fixture("clip_64x48_16fps_1s.mp4");
    for cut in [8, 40, 200, video.len() / 2] {
        let _ = probe(&video[..cut]);
    }
}

fn info(format: MediaFormat, w: u32, h: u32, mb: f64) -> MediaInfo {
    MediaInfo {
        format,
        width: w,
        height: h,
        byte_size: (mb * 1024.0 * 1024.0) as u64,
        has_alpha: None,
        duration_s: None,
        fps: None,
        frame_count: None,
    }
}

fn video(format: MediaFormat, w: u32, h: u32, secs: f64, fps: f64, mb: f64) -> MediaInfo {
    MediaInfo {
        duration_s: Some(secs),
        fps: Some(fps),
        frame_count: Some((secs * fps) as u64),
        ..info(format, w, h, mb)
    }
}

fn codes(issues: &[wanedit_core::Issue]) -> Vec<(IssueCode, Severity)> {
    issues.iter().map(|i| (i.code, i.severity)).collect()
}

#[test]
fn vace_image_limits() {
    let r = MediaRole::VaceImage;
    let p = "input.ref_images_url[0]";
    assert!(check_media(&info(MediaFormat::Png, 360, 2000, 10.0), r, p).is_empty());
    assert_eq!(
        codes(&check_media(&info(MediaFormat::Png, 359, 800, 1.0), r, p)),
        [(IssueCode::InvalidDimensions, Severity::Error)]
    );
    assert_eq!(
        codes(&check_media(&info(MediaFormat::Png, 800, 2001, 1.0), r, p)),
        [(IssueCode::InvalidDimensions, Severity::Error)]
    );
    assert_eq!(
        codes(&check_media(
            &info(MediaFormat::Jpeg, 800, 800, 10.01),
            r,
            p
        )),
        [(IssueCode::FileTooLarge, Severity::Error)]
    );
    assert_eq!(
        codes(&check_media(&info(MediaFormat::Mp4, 800, 800, 1.0), r, p)),
        [(IssueCode::InvalidFormat, Severity::Error)]
    );
    let msg = &check_media(&info(MediaFormat::Png, 359, 800, 1.0), r, p)[0].message;
    assert!(
        msg.contains(p) && msg.contains("359×800") && msg.contains("360 to 2000"),
        "{msg}"
    );
}

#[test]
fn vace_video_limits() {
    let r = MediaRole::VaceVideo;
    let p = "input.video_url";
    assert!(check_media(&video(MediaFormat::Mp4, 1280, 720, 5.0, 16.0, 50.0), r, p).is_empty());
    assert_eq!(
        codes(&check_media(
            &video(MediaFormat::Mp4, 1280, 720, 5.0, 15.0, 1.0),
            r,
            p
        )),
        [(IssueCode::FrameRateTooLow, Severity::Error)]
    );
    assert_eq!(
        codes(&check_media(
            &video(MediaFormat::Mp4, 1280, 720, 5.0, 30.0, 50.1),
            r,
            p
        )),
        [(IssueCode::FileTooLarge, Severity::Error)]
    );
    assert_eq!(
        codes(&check_media(
            &video(MediaFormat::Mp4, 1280, 720, 5.5, 30.0, 1.0),
            r,
            p
        )),
        [(IssueCode::DurationTooLong, Severity::Warning)]
    );
    assert_eq!(
        codes(&check_media(
            &video(MediaFormat::Mov, 1280, 720, 5.0, 30.0, 1.0),
            r,
            p
        )),
        [(IssueCode::InvalidFormat, Severity::Error)]
    );
    let clip = MediaRole::VaceClip;
    assert!(check_media(
        &video(MediaFormat::Mp4, 640, 480, 3.0, 16.0, 1.0),
        clip,
        "input.first_clip_url"
    )
    .is_empty());
    assert_eq!(
        codes(&check_media(
            &video(MediaFormat::Mp4, 640, 480, 3.5, 16.0, 1.0),
            clip,
            "input.first_clip_url"
        )),
        [(IssueCode::DurationTooLong, Severity::Warning)]
    );
    let a = video(MediaFormat::Mp4, 640, 480, 1.5, 16.0, 1.0);
    let b = video(MediaFormat::Mp4, 640, 480, 1.6, 16.0, 1.0);
    assert!(check_extension_clips(&a, &a).is_empty());
    assert_eq!(
        codes(&check_extension_clips(&a, &b)),
        [(IssueCode::DurationTooLong, Severity::Error)]
    );
}

#[test]
fn mask_rules() {
    let v = video(MediaFormat::Mp4, 1280, 720, 5.0, 16.0, 5.0);
    assert!(check_mask(
        &info(MediaFormat::Png, 1280, 720, 0.1),
        &v,
        "input.mask_image_url"
    )
    .is_empty());
    assert_eq!(
        codes(&check_mask(
            &info(MediaFormat::Png, 1280, 719, 0.1),
            &v,
            "input.mask_image_url"
        )),
        [(IssueCode::InvalidDimensions, Severity::Error)]
    );
    assert_eq!(max_mask_frame_id(&v), Some(81));
    assert_eq!(max_frame_id_for(30.0, 2.0), Some(61));
    assert_eq!(max_frame_id_for(24.0, 0.5), Some(13));
    for (fps, d) in [
        (0.0, 2.0),
        (f64::NAN, 2.0),
        (30.0, f64::INFINITY),
        (30.0, -1.0),
    ] {
        assert_eq!(max_frame_id_for(fps, d), None, "{fps} {d}");
    }
    assert!(check_mask_frame_id(81, &v).is_empty());
    assert!(check_mask_frame_id(1, &v).is_empty());
    assert_eq!(
        codes(&check_mask_frame_id(82, &v)),
        [(IssueCode::OutOfRange, Severity::Error)]
    );
    assert_eq!(
        codes(&check_mask_frame_id(0, &v)),
        [(IssueCode::OutOfRange, Severity::Error)]
    );
}

#[test]
fn wan27_limits() {
    let r = MediaRole::Wan27Video;
    let p = "input.media[0].url";
    assert!(check_media(&video(MediaFormat::Mov, 240, 1920, 2.0, 30.0, 100.0), r, p).is_empty());
    assert!(check_media(&video(MediaFormat::Mp4, 4096, 512, 10.0, 30.0, 1.0), r, p).is_empty());
    assert_eq!(
        codes(&check_media(
            &video(MediaFormat::Mp4, 1280, 720, 1.9, 30.0, 1.0),
            r,
            p
        )),
        [(IssueCode::DurationTooShort, Severity::Error)]
    );
    assert_eq!(
        codes(&check_media(
            &video(MediaFormat::Mp4, 1280, 720, 10.2, 30.0, 1.0),
            r,
            p
        )),
        [(IssueCode::DurationTooLong, Severity::Error)]
    );
    assert_eq!(
        codes(&check_media(
            &video(MediaFormat::Mp4, 4097, 720, 5.0, 30.0, 1.0),
            r,
            p
        )),
        [(IssueCode::InvalidDimensions, Severity::Error)]
    );
    assert_eq!(
        codes(&check_media(
            &video(MediaFormat::Mp4, 4096, 511, 5.0, 30.0, 1.0),
            r,
            p
        )),
        [(IssueCode::InvalidAspectRatio, Severity::Error)]
    );
    assert_eq!(
        codes(&check_media(
            &video(MediaFormat::Mp4, 1280, 720, 5.0, 30.0, 100.1),
            r,
            p
        )),
        [(IssueCode::FileTooLarge, Severity::Error)]
    );
    let i = MediaRole::Wan27Image;
    assert!(check_media(&info(MediaFormat::Webp, 240, 1920, 20.0), i, p).is_empty());
    assert_eq!(
        codes(&check_media(&info(MediaFormat::Tiff, 800, 800, 1.0), i, p)),
        [(IssueCode::InvalidFormat, Severity::Error)]
    );
    assert_eq!(
        codes(&check_media(&info(MediaFormat::Png, 8001, 8000, 1.0), i, p)),
        [(IssueCode::InvalidDimensions, Severity::Error)]
    );
    let alpha = probe(&fixture("img_300x400_alpha.png")).unwrap();
    assert_eq!(
        codes(&check_media(&alpha, i, p)),
        [(IssueCode::HasAlpha, Severity::Error)]
    );
    let opaque = probe(&fixture("img_400x300.png")).unwrap();
    assert!(check_media(&opaque, i, p).is_empty());
}

#[test]
fn roles_follow_fields() {
    use wanedit_core::Family;
    assert_eq!(
        MediaRole::for_field(Family::Vace, "first_clip_url"),
        Some(MediaRole::VaceClip)
    );
    assert_eq!(
        MediaRole::for_field(Family::Vace, "mask_image_url"),
        Some(MediaRole::MaskImage)
    );
    assert_eq!(
        MediaRole::for_field(Family::VideoEdit27, "reference_image"),
        Some(MediaRole::Wan27Image)
    );
    assert_eq!(MediaRole::for_field(Family::VideoEdit27, "video_url"), None);
    assert_eq!(
        MediaRole::parse(MediaRole::Wan27Video.as_str()),
        Some(MediaRole::Wan27Video)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn probe_never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = probe(&bytes);
    }

    #[test]
    fn probe_never_panics_on_damaged_real_files(which in 0usize..3, pos in any::<usize>(), byte in any::<u8>(), cut in any::<usize>()) {
        let name = ["clip_64x48_16fps_1s.mp4", "img_400x300.png", "img_2000x240.webp"][which];
        let mut bytes = fixture(name);
        let i = pos % bytes.len();
        bytes[i] = byte;
        bytes.truncate(cut % (bytes.len() + 1));
        let _ = probe(&bytes);
    }
}
