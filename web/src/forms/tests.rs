//! The forms' tests: request bodies (seed documents rebuilt exactly), controls, issue paths
//! and local-file checks.

use serde_json::json;
use wanedit_core::media::MediaInfo;
use wanedit_core::model::fields::{vace_input, vace_parameters, VACE_COMMON_PARAMETERS};
use wanedit_core::model::ObjOrBg;
use wanedit_core::region::Region;
use wanedit_core::validate::validate_for_region;
use wanedit_core::{Family, IssueCode};

use super::*;

fn sim() -> Region {
    region_of("sim")
}

/// A form with only `prompt` entered.
fn prompted(prompt: &str) -> FormValues {
    FormValues {
        prompt: prompt.into(),
        ..FormValues::default()
    }
}

/// A form with `prompt` and the input video `video_url` entered.
fn with_video(prompt: &str, video_url: &str) -> FormValues {
    let mut v = prompted(prompt);
    v.set_media(Field::VideoUrl, None, video_url.into());
    v
}

#[test]
fn every_documented_vace_field_has_a_control() {
    for op in Op::ALL {
        let Some(function) = op.vace_function() else {
            continue;
        };
        let fields = op.fields();
        for name in vace_input(function)
            .iter()
            .chain(vace_parameters(function))
            .chain(VACE_COMMON_PARAMETERS)
        {
            let field = Field::from_api_name(Family::Vace, name)
                .unwrap_or_else(|| panic!("{name} has no field"));
            assert!(fields.contains(&field), "{op:?} lacks {name}");
            assert_ne!(control(op, field), Control::Fixed, "{op:?} {name}");
        }
    }
}

#[test]
fn forms_show_core_field_lists_in_order() {
    assert_eq!(
        Op::Wan27Edit.fields(),
        [
            Field::Prompt,
            Field::NegativePrompt,
            Field::Video27,
            Field::RefImages27,
            Field::Resolution,
            Field::Ratio,
            Field::Duration,
            Field::AudioSetting,
            Field::PromptExtend,
            Field::Watermark,
            Field::Seed,
        ]
    );
    assert_eq!(
        Op::VideoOutpainting.fields(),
        [
            Field::Prompt,
            Field::VideoUrl,
            Field::TopScale,
            Field::BottomScale,
            Field::LeftScale,
            Field::RightScale,
            Field::Duration,
            Field::PromptExtend,
            Field::Seed,
            Field::Watermark,
        ]
    );
}

#[test]
fn wan27_form_sets_every_parameter_without_unexpected_fields() {
    let mut v = FormValues {
        prompt: "Make it snow".into(),
        negative_prompt: "rain".into(),
        ..FormValues::default()
    };
    v.set_media(Field::Video27, None, "https://x.example/v.mp4".into());
    v.set_media(
        Field::RefImages27,
        Some(0),
        "https://x.example/a.png".into(),
    );
    for (f, c) in [
        (Field::Resolution, "720P"),
        (Field::Ratio, "16:9"),
        (Field::AudioSetting, "origin"),
    ] {
        v.choices.insert(f, c.into());
    }
    v.numbers.insert(Field::Duration, "5".into());
    v.numbers.insert(Field::Seed, "42".into());
    v.flags.insert(Field::PromptExtend, false);
    v.flags.insert(Field::Watermark, true);
    let checked = check(Op::Wan27Edit, &v, &region_of("intl"), &[]);
    assert_eq!(checked.issues, vec![], "{:#}", checked.body);
    assert_eq!(
        checked.body,
        json!({
            "model": "wan2.7-videoedit",
            "input": {
                "prompt": "Make it snow",
                "negative_prompt": "rain",
                "media": [
                    {"type": "video", "url": "https://x.example/v.mp4"},
                    {"type": "reference_image", "url": "https://x.example/a.png"}
                ]
            },
            "parameters": {
                "resolution": "720P", "ratio": "16:9", "duration": 5,
                "audio_setting": "origin", "prompt_extend": false, "watermark": true,
                "seed": 42
            }
        })
    );
}

#[test]
fn model_spelling_follows_the_region() {
    let v = FormValues::default();
    let model = |up: &str, op: Op| build_request(op, &v, &region_of(up))["model"].clone();
    assert_eq!(model("intl", Op::VideoEdit), json!("wan2.1-vace-plus"));
    assert_eq!(model("cn", Op::VideoEdit), json!("wanx2.1-vace-plus"));
    assert_eq!(model("sim", Op::VideoEdit), json!("wan2.1-vace-plus"));
    assert_eq!(model("cn", Op::Wan27Edit), json!("wan2.7-videoedit"));
}

#[test]
fn seed_document_bodies_are_rebuilt_exactly() {
    // Seed 000, multi-image reference.
    let mut v = prompted("A girl walks out of a forest.");
    v.set_media(Field::RefImages, Some(0), "http://x.example/a.png".into());
    v.set_media(Field::RefImages, Some(1), "http://x.example/b.png".into());
    v.roles[1] = ObjOrBg::Bg;
    v.choices.insert(Field::Size, "1280*720".into());
    let body = build_request(Op::ImageReference, &v, &region_of("intl"));
    assert_eq!(
        body,
        json!({
            "model": "wan2.1-vace-plus",
            "input": {
                "function": "image_reference",
                "prompt": "A girl walks out of a forest.",
                "ref_images_url": ["http://x.example/a.png", "http://x.example/b.png"]
            },
            "parameters": {"obj_or_bg": ["obj", "bg"], "size": "1280*720"}
        })
    );
    assert_eq!(validate_for_region(&body, &region_of("intl")), vec![]);

    // Local editing with a mask image and tracking.
    let mut v = with_video("A lion sips coffee.", "http://x.example/v.mp4");
    v.set_media(Field::MaskImageUrl, None, "http://x.example/m.png".into());
    v.numbers.insert(Field::MaskFrameId, "1".into());
    v.choices.insert(Field::MaskType, "tracking".into());
    v.numbers.insert(Field::ExpandRatio, "0.05".into());
    let body = build_request(Op::VideoEdit, &v, &region_of("cn"));
    assert_eq!(
        body,
        json!({
            "model": "wanx2.1-vace-plus",
            "input": {
                "function": "video_edit",
                "prompt": "A lion sips coffee.",
                "video_url": "http://x.example/v.mp4",
                "mask_image_url": "http://x.example/m.png",
                "mask_frame_id": 1
            },
            "parameters": {"mask_type": "tracking", "expand_ratio": 0.05}
        })
    );
    assert_eq!(validate_for_region(&body, &region_of("cn")), vec![]);

    // Outpainting with four scales.
    let mut v = with_video("A violinist.", "http://x.example/o.mp4");
    for f in [
        Field::TopScale,
        Field::BottomScale,
        Field::LeftScale,
        Field::RightScale,
    ] {
        v.numbers.insert(f, "1.5".into());
    }
    let body = build_request(Op::VideoOutpainting, &v, &sim());
    assert_eq!(
        body["parameters"],
        json!({"top_scale": 1.5, "bottom_scale": 1.5, "left_scale": 1.5, "right_scale": 1.5})
    );
    assert_eq!(validate_for_region(&body, &sim()), vec![]);
}

#[test]
fn an_empty_form_reports_each_missing_value_at_its_field() {
    for op in Op::ALL {
        let checked = check(op, &FormValues::default(), &sim(), &[]);
        assert!(checked.has_errors(), "{op:?}");
        for issue in checked.issues.iter().filter(|i| i.is_error()) {
            let target = issue_target(op, &issue.path);
            assert!(
                op.fields().contains(&target.field),
                "{op:?}: {issue} maps to {target:?}"
            );
        }
    }
    let checked = check(Op::VideoRepainting, &FormValues::default(), &sim(), &[]);
    let fields: Vec<Field> = checked
        .issues
        .iter()
        .map(|i| issue_target(Op::VideoRepainting, &i.path).field)
        .collect();
    assert!(fields.contains(&Field::Prompt));
    assert!(fields.contains(&Field::VideoUrl));
    assert!(fields.contains(&Field::ControlCondition));
}

#[test]
fn numbers_out_of_range_reach_validation_unchanged() {
    let mut v = with_video("p", "https://x.example/v.mp4");
    v.choices.insert(Field::ControlCondition, "depth".into());
    v.numbers.insert(Field::Seed, "-3".into());
    v.numbers.insert(Field::Strength, "1.5".into());
    v.numbers.insert(Field::Duration, "abc".into());
    let checked = check(Op::VideoRepainting, &v, &sim(), &[]);
    assert_eq!(checked.body["parameters"]["seed"], json!(-3));
    assert_eq!(checked.body["parameters"]["duration"], json!("abc"));
    let at = |f| checked.issues_of(Op::VideoRepainting, f);
    assert_eq!(at(Field::Seed)[0].code, IssueCode::OutOfRange);
    assert_eq!(at(Field::Strength)[0].code, IssueCode::OutOfRange);
    assert_eq!(at(Field::Duration)[0].code, IssueCode::WrongType);
    assert_eq!(
        checked.body["parameters"]["control_condition"],
        json!("depth")
    );
}

#[test]
fn issue_paths_map_to_fields() {
    let t = |op, path| issue_target(op, path);
    let at = |field, index| Target { field, index };
    assert_eq!(
        t(Op::ImageReference, "input.prompt"),
        at(Field::Prompt, None)
    );
    assert_eq!(
        t(Op::ImageReference, "input.ref_images_url[2]"),
        at(Field::RefImages, Some(2))
    );
    assert_eq!(
        t(Op::ImageReference, "parameters.obj_or_bg[1]"),
        at(Field::ObjOrBg, Some(1))
    );
    assert_eq!(
        t(Op::ImageReference, "parameters.obj_or_bg"),
        at(Field::ObjOrBg, None)
    );
    assert_eq!(
        t(Op::Wan27Edit, "input.media[0].url"),
        at(Field::Video27, None)
    );
    assert_eq!(
        t(Op::Wan27Edit, "input.media[3].type"),
        at(Field::RefImages27, Some(2))
    );
    assert_eq!(t(Op::Wan27Edit, "input.media"), at(Field::Video27, None));
    assert_eq!(
        t(Op::VideoRepainting, "parameters"),
        at(Field::ControlCondition, None)
    );
    assert_eq!(t(Op::VideoEdit, "model"), at(Field::Model, None));
    assert_eq!(
        t(Op::VideoEdit, "input.mask_frame_id"),
        at(Field::MaskFrameId, None)
    );
    assert_eq!(
        t(Op::VideoEdit, "parameters.top_scale"),
        at(Field::General, None)
    );
    assert_eq!(t(Op::VideoEdit, "input.function"), at(Field::General, None));
    assert_eq!(t(Op::VideoEdit, ""), at(Field::General, None));
    assert_eq!(
        t(Op::VideoExtension, "input.video_url"),
        at(Field::VideoUrl, None)
    );
}

#[test]
fn field_paths_round_trip_through_issue_target() {
    for op in Op::ALL {
        for field in op.fields() {
            let index = field.is_media_list().then_some(1);
            let target = issue_target(op, &field.path(index));
            assert_eq!(target.field, field, "{op:?} {}", field.path(index));
            if field.is_media_list() {
                assert_eq!(target.index, index);
            }
        }
    }
}

#[test]
fn extension_sends_only_given_sources() {
    let mut v = prompted("A dog skateboards.");
    v.set_media(Field::FirstClipUrl, None, "http://x.example/c.mp4".into());
    v.set_media(Field::LastFrameUrl, None, "  ".into());
    let body = build_request(Op::VideoExtension, &v, &sim());
    assert_eq!(
        body["input"],
        json!({"function": "video_extension", "prompt": "A dog skateboards.", "first_clip_url": "http://x.example/c.mp4"})
    );
    assert!(body.get("parameters").is_none());
    assert!(!check(Op::VideoExtension, &v, &sim(), &[]).has_errors());
}

#[test]
fn mask_kind_chooses_the_mask_field() {
    let mut v = FormValues {
        mask_kind: MaskKind::Video,
        ..with_video("p", "http://x.example/v.mp4")
    };
    v.set_media(Field::MaskImageUrl, None, "http://x.example/m.png".into());
    v.set_media(Field::MaskVideoUrl, None, "http://x.example/m.mp4".into());
    v.numbers.insert(Field::MaskFrameId, "3".into());
    let body = build_request(Op::VideoEdit, &v, &sim());
    assert_eq!(
        body["input"]["mask_video_url"],
        json!("http://x.example/m.mp4")
    );
    assert!(body["input"].get("mask_image_url").is_none());
    assert!(body["input"].get("mask_frame_id").is_none());
}

fn info(format: wanedit_core::media::MediaFormat, w: u32, h: u32) -> MediaInfo {
    MediaInfo {
        format,
        width: w,
        height: h,
        byte_size: 1000,
        has_alpha: None,
        duration_s: None,
        fps: None,
        frame_count: None,
    }
}

#[test]
fn local_files_are_checked_against_their_role_and_each_other() {
    use wanedit_core::media::MediaFormat;
    let mut video = info(MediaFormat::Mp4, 640, 480);
    video.duration_s = Some(2.0);
    video.fps = Some(10.0);
    let mask = info(MediaFormat::Png, 320, 240);
    let mut v = FormValues::default();
    v.numbers.insert(Field::MaskFrameId, "99".into());
    let files = [
        LocalMedia {
            field: Field::VideoUrl,
            index: None,
            info: video.clone(),
        },
        LocalMedia {
            field: Field::MaskImageUrl,
            index: None,
            info: mask,
        },
    ];
    let issues = media_issues(Op::VideoEdit, &v, &files);
    let codes: Vec<(Target, IssueCode)> = issues
        .iter()
        .map(|i| (issue_target(Op::VideoEdit, &i.path), i.code))
        .collect();
    let at = |field| Target { field, index: None };
    assert!(codes.contains(&(at(Field::VideoUrl), IssueCode::FrameRateTooLow)));
    assert!(codes.contains(&(at(Field::MaskImageUrl), IssueCode::InvalidDimensions)));
    assert!(codes.contains(&(at(Field::MaskFrameId), IssueCode::OutOfRange)));

    let small = info(MediaFormat::Jpeg, 100, 100);
    let issues = media_issues(
        Op::ImageReference,
        &v,
        &[LocalMedia {
            field: Field::RefImages,
            index: Some(1),
            info: small,
        }],
    );
    assert_eq!(
        issue_target(Op::ImageReference, &issues[0].path),
        Target {
            field: Field::RefImages,
            index: Some(1)
        }
    );
}

#[test]
fn use_as_input_fills_the_video_field() {
    let v = FormValues::with_input_video(Op::VideoExtension, "https://r.example/x.mp4");
    assert_eq!(
        v.unwrap().url(Field::FirstClipUrl),
        "https://r.example/x.mp4"
    );
    assert!(FormValues::with_input_video(Op::ImageReference, "u").is_none());
    let v = FormValues::with_input_video(Op::Wan27Edit, "https://r.example/x.mp4").unwrap();
    let body = build_request(Op::Wan27Edit, &v, &sim());
    assert_eq!(
        body["input"]["media"][0]["url"],
        json!("https://r.example/x.mp4")
    );
}

#[test]
fn op_of_a_body() {
    for op in Op::ALL {
        let body = build_request(op, &FormValues::default(), &region_of("cn"));
        assert_eq!(Op::of_body(&body), Some(op));
        assert_eq!(Op::parse(op.slug()), Some(op));
    }
}

#[test]
fn a_blank_number_is_not_kept() {
    let mut v = FormValues::default();
    v.set_number(Field::Seed, "42".into());
    assert_eq!(v.number(Field::Seed), "42");
    v.set_number(Field::Seed, " ".into());
    assert!(!v.numbers.contains_key(&Field::Seed));
}

#[test]
fn slider_numbers() {
    assert_eq!(format_number(1.5), "1.5");
    assert_eq!(format_number(0.05), "0.05");
    assert_eq!(format_number(1.0), "1");
    assert_eq!(format_number(0.0), "0");
    let mut v = FormValues::default();
    assert_eq!(slider_value(&v, Field::Strength, 1.0), 1.0);
    v.numbers.insert(Field::Strength, "0.3".into());
    assert_eq!(slider_value(&v, Field::Strength, 1.0), 0.3);
}
