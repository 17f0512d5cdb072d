//! One passing case at each boundary and one failing case just past it, for every rule.

use serde_json::{json, Value};
use wanedit_core::{validate, IssueCode, Severity};

/// Sets (or with `Value::Null`, removes) the field at a JSON pointer, creating objects.
fn with(mut body: Value, changes: &[(&str, Value)]) -> Value {
    for (pointer, value) in changes {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let mut target = &mut body;
        for part in parent.split('/').filter(|p| !p.is_empty()) {
            target = if let Ok(i) = part.parse::<usize>() {
                &mut target[i]
            } else {
                target
                    .as_object_mut()
                    .unwrap()
                    .entry(part)
                    .or_insert(json!({}))
            };
        }
        if value.is_null() {
            target.as_object_mut().unwrap().remove(key);
        } else if let Ok(i) = key.parse::<usize>() {
            target[i] = value.clone();
        } else {
            target[key] = value.clone();
        }
    }
    body
}

fn image_reference() -> Value {
    json!({"model":"wan2.1-vace-plus","input":{"function":"image_reference","prompt":"a girl",
        "ref_images_url":["https://x.test/a.png","https://x.test/b.png"]},
        "parameters":{"obj_or_bg":["obj","bg"],"size":"1280*720"}})
}
fn repainting() -> Value {
    json!({"model":"wan2.1-vace-plus","input":{"function":"video_repainting","prompt":"a car",
        "video_url":"https://x.test/v.mp4"},"parameters":{"control_condition":"depth"}})
}
fn edit() -> Value {
    json!({"model":"wan2.1-vace-plus","input":{"function":"video_edit","prompt":"a lion",
        "video_url":"https://x.test/v.mp4","mask_image_url":"https://x.test/m.png","mask_frame_id":1},
        "parameters":{"mask_type":"tracking","expand_ratio":0.05}})
}
fn extension() -> Value {
    json!({"model":"wan2.1-vace-plus","input":{"function":"video_extension","prompt":"a dog",
        "first_clip_url":"https://x.test/c.mp4"},"parameters":{}})
}
fn outpainting() -> Value {
    json!({"model":"wan2.1-vace-plus","input":{"function":"video_outpainting","prompt":"violin",
        "video_url":"https://x.test/v.mp4"},"parameters":{"top_scale":1.5}})
}
fn wan27() -> Value {
    json!({"model":"wan2.7-videoedit","input":{"prompt":"clay","media":[
        {"type":"video","url":"https://x.test/v.mp4"}]},"parameters":{"resolution":"720P"}})
}

/// Asserts the body is clean.
#[track_caller]
fn ok(body: Value) {
    let issues = validate(&body);
    assert!(
        issues.is_empty(),
        "expected no issues for {body}\n{issues:#?}"
    );
}

/// Asserts exactly these (path, code, severity) issues, in any order, and that each message
/// names its field.
#[track_caller]
fn bad(body: Value, expected: &[(&str, IssueCode, Severity)]) {
    let issues = validate(&body);
    let mut got: Vec<_> = issues
        .iter()
        .map(|i| (i.path.as_str(), i.code, i.severity))
        .collect();
    let mut want = expected.to_vec();
    got.sort_by_key(|g| format!("{g:?}"));
    want.sort_by_key(|g| format!("{g:?}"));
    assert_eq!(got, want, "for {body}\n{issues:#?}");
    for issue in &issues {
        let field = issue
            .path
            .rsplit('.')
            .next()
            .unwrap()
            .split('[')
            .next()
            .unwrap();
        assert!(
            issue.message.contains(field),
            "message does not name {field}: {}",
            issue.message
        );
    }
}

use IssueCode::*;
use Severity::{Error as E, Warning as W};

#[test]
fn base_bodies_are_valid() {
    for body in [
        image_reference(),
        repainting(),
        edit(),
        extension(),
        outpainting(),
        wan27(),
    ] {
        ok(body);
    }
}

#[test]
fn model_and_input() {
    bad(json!([1]), &[("", NotAnObject, E)]);
    bad(
        with(repainting(), &[("/model", Value::Null)]),
        &[("model", MissingField, E)],
    );
    bad(
        with(repainting(), &[("/model", json!(""))]),
        &[("model", EmptyValue, E)],
    );
    bad(
        with(repainting(), &[("/model", json!(21))]),
        &[("model", WrongType, E)],
    );
    bad(
        with(repainting(), &[("/model", json!("wan9-future"))]),
        &[("model", UnknownModel, W)],
    );
    bad(
        with(repainting(), &[("/input", Value::Null)]),
        &[("input", MissingField, E)],
    );
    bad(
        with(repainting(), &[("/input", json!("x"))]),
        &[("input", NotAnObject, E)],
    );
    bad(
        with(repainting(), &[("/extra", json!(1))]),
        &[("extra", UnexpectedField, W)],
    );
    ok(with(
        repainting(),
        &[("/model", json!("wanx2.1-vace-plus"))],
    ));
}

#[test]
fn function_is_one_of_five_for_vace_and_absent_for_wan27() {
    bad(
        with(repainting(), &[("/input/function", json!("video_magic"))]),
        &[("input.function", UnknownFunction, E)],
    );
    bad(
        with(repainting(), &[("/input/function", Value::Null)]),
        &[("input.function", MissingField, E)],
    );
    // "无需设置function 参数" (no need to set function) is not a refusal: a warning.
    bad(
        with(wan27(), &[("/input/function", json!("video_edit"))]),
        &[("input.function", UnexpectedField, W)],
    );
    // What the official Python SDK sends on wan2.7: warnings only, so it is forwarded.
    bad(
        with(
            wan27(),
            &[
                ("/input/function", json!("video-synthesis")),
                ("/input/extend_prompt", json!(true)),
            ],
        ),
        &[
            ("input.function", UnexpectedField, W),
            ("input.extend_prompt", UnexpectedField, W),
        ],
    );
}

#[test]
fn unknown_models_get_one_warning_and_no_other_models_rules() {
    // Models the documents do not describe (text-, image-, reference-to-video, future ones)
    // pass with a warning, whatever their body looks like.
    for (model, body) in [
        ("wan2.7-t2v", json!({"prompt": "a cat"})),
        (
            "wan2.6-i2v",
            json!({"prompt": "a cat", "img_url": "https://x.test/a.png"}),
        ),
        (
            "wan2.7-r2v",
            json!({"prompt": "a cat", "media": [{"type": "reference_image", "url": "x"}]}),
        ),
        ("wan3.0-video", json!({"function": "video_magic"})),
    ] {
        bad(
            json!({"model": model, "input": body, "parameters": {"size": "1280*720", "seed": -5}}),
            &[("model", UnknownModel, W)],
        );
    }
}

#[test]
fn prompts_are_counted_in_characters() {
    let vace_ok = "字".repeat(800);
    let vace_long = "字".repeat(801);
    ok(with(repainting(), &[("/input/prompt", json!(vace_ok))]));
    bad(
        with(repainting(), &[("/input/prompt", json!(vace_long))]),
        &[("input.prompt", PromptTooLong, W)],
    );
    bad(
        with(repainting(), &[("/input/prompt", Value::Null)]),
        &[("input.prompt", MissingField, E)],
    );
    bad(
        with(repainting(), &[("/input/prompt", json!("  "))]),
        &[("input.prompt", EmptyValue, E)],
    );
    bad(
        with(repainting(), &[("/input/prompt", json!(5))]),
        &[("input.prompt", WrongType, E)],
    );
    ok(with(wan27(), &[("/input/prompt", json!("a".repeat(5000)))]));
    bad(
        with(wan27(), &[("/input/prompt", json!("a".repeat(5001)))]),
        &[("input.prompt", PromptTooLong, W)],
    );
    ok(with(wan27(), &[("/input/prompt", Value::Null)]));
    ok(with(
        wan27(),
        &[("/input/negative_prompt", json!("不".repeat(500)))],
    ));
    bad(
        with(
            wan27(),
            &[("/input/negative_prompt", json!("不".repeat(501)))],
        ),
        &[("input.negative_prompt", PromptTooLong, W)],
    );
}

#[test]
fn urls() {
    for url in [
        "http://a.test/v.mp4",
        "https://a.test/v.mp4",
        "oss://dashscope-instant/x/v.mp4",
        "HTTPS://A.TEST/v.mp4",
    ] {
        ok(with(repainting(), &[("/input/video_url", json!(url))]));
    }
    for url in [
        "ftp://a.test/v.mp4",
        "a.test/v.mp4",
        "file:///tmp/v.mp4",
        "https://",
        "data:image/png;base64,AAAA",
    ] {
        bad(
            with(repainting(), &[("/input/video_url", json!(url))]),
            &[("input.video_url", InvalidUrl, E)],
        );
    }
    bad(
        with(
            repainting(),
            &[("/input/video_url", json!("https://a.test/视频.mp4"))],
        ),
        &[("input.video_url", UrlHasChinese, E)],
    );
    bad(
        with(repainting(), &[("/input/video_url", json!(""))]),
        &[("input.video_url", EmptyValue, E)],
    );
    bad(
        with(
            image_reference(),
            &[("/input/ref_images_url/1", json!("https://a.test/图.png"))],
        ),
        &[("input.ref_images_url[1]", UrlHasChinese, E)],
    );
    // wan2.7 reference images may be data URLs; the video may not.
    let with_image = |url: &str| {
        with(
            wan27(),
            &[(
                "/input/media",
                json!([{"type":"video","url":"https://x.test/v.mp4"},{"type":"reference_image","url":url}]),
            )],
        )
    };
    ok(with_image("data:image/png;base64,iVBORw0KGgo="));
    ok(with_image("oss://dashscope-instant/a.png"));
    bad(
        with_image("data:text/plain;base64,aGk="),
        &[("input.media[1].url", InvalidFormat, E)],
    );
    bad(
        with_image("data:image/png,raw"),
        &[("input.media[1].url", InvalidUrl, E)],
    );
    bad(
        with(
            wan27(),
            &[("/input/media/0/url", json!("data:video/mp4;base64,AAAA"))],
        ),
        &[("input.media[0].url", InvalidUrl, E)],
    );
}

#[test]
fn image_reference_rules() {
    let three = json!([
        "https://x.test/1.png",
        "https://x.test/2.png",
        "https://x.test/3.png"
    ]);
    let four = json!([
        "https://x.test/1.png",
        "https://x.test/2.png",
        "https://x.test/3.png",
        "https://x.test/4.png"
    ]);
    ok(with(
        image_reference(),
        &[
            ("/input/ref_images_url", three),
            ("/parameters/obj_or_bg", json!(["obj", "obj", "bg"])),
        ],
    ));
    bad(
        with(
            image_reference(),
            &[
                ("/input/ref_images_url", four),
                ("/parameters/obj_or_bg", json!(["obj", "obj", "obj", "bg"])),
            ],
        ),
        &[("input.ref_images_url[3]", TooManyItems, W)],
    );
    bad(
        with(
            image_reference(),
            &[
                ("/input/ref_images_url", json!([])),
                ("/parameters/obj_or_bg", json!([])),
            ],
        ),
        &[("input.ref_images_url", TooFewItems, E)],
    );
    bad(
        with(image_reference(), &[("/input/ref_images_url", Value::Null)]),
        &[("input.ref_images_url", MissingField, E)],
    );
    bad(
        with(
            image_reference(),
            &[("/parameters/obj_or_bg", json!(["obj"]))],
        ),
        &[("parameters.obj_or_bg", LengthMismatch, E)],
    );
    bad(
        with(
            image_reference(),
            &[("/parameters/obj_or_bg", json!(["obj", "sky"]))],
        ),
        &[("parameters.obj_or_bg[1]", InvalidValue, E)],
    );
    bad(
        with(
            image_reference(),
            &[("/parameters/obj_or_bg", json!(["bg", "bg"]))],
        ),
        &[("parameters.obj_or_bg[1]", TooManyItems, E)],
    );
    bad(
        with(image_reference(), &[("/parameters/obj_or_bg", Value::Null)]),
        &[("parameters.obj_or_bg", MissingField, E)],
    );
    ok(with(
        image_reference(),
        &[
            ("/input/ref_images_url", json!(["https://x.test/1.png"])),
            ("/parameters/obj_or_bg", Value::Null),
        ],
    ));
    for size in ["1280*720", "720*1280", "960*960", "832*1088", "1088*832"] {
        ok(with(
            image_reference(),
            &[("/parameters/size", json!(size))],
        ));
    }
    bad(
        with(
            image_reference(),
            &[("/parameters/size", json!("1920*1080"))],
        ),
        &[("parameters.size", InvalidValue, E)],
    );
    bad(
        with(
            image_reference(),
            &[("/input/video_url", json!("https://x.test/v.mp4"))],
        ),
        &[("input.video_url", UnexpectedField, W)],
    );
}

#[test]
fn repainting_rules() {
    for c in ["posebodyface", "posebody", "depth", "scribble"] {
        ok(with(
            repainting(),
            &[("/parameters/control_condition", json!(c))],
        ));
    }
    bad(
        with(
            repainting(),
            &[("/parameters/control_condition", json!("edges"))],
        ),
        &[("parameters.control_condition", InvalidValue, E)],
    );
    bad(
        with(
            repainting(),
            &[("/parameters/control_condition", Value::Null)],
        ),
        &[("parameters.control_condition", MissingField, E)],
    );
    bad(
        with(repainting(), &[("/parameters", Value::Null)]),
        &[("parameters", MissingField, E)],
    );
    bad(
        with(repainting(), &[("/input/video_url", Value::Null)]),
        &[("input.video_url", MissingField, E)],
    );
    ok(with(repainting(), &[("/parameters/strength", json!(0.0))]));
    ok(with(repainting(), &[("/parameters/strength", json!(1.0))]));
    bad(
        with(repainting(), &[("/parameters/strength", json!(1.01))]),
        &[("parameters.strength", OutOfRange, E)],
    );
    bad(
        with(repainting(), &[("/parameters/strength", json!(-0.01))]),
        &[("parameters.strength", OutOfRange, E)],
    );
    bad(
        with(repainting(), &[("/parameters/strength", json!("0.5"))]),
        &[("parameters.strength", WrongType, E)],
    );
    ok(with(
        repainting(),
        &[("/input/ref_images_url", json!(["https://x.test/1.png"]))],
    ));
    bad(
        with(
            repainting(),
            &[(
                "/input/ref_images_url",
                json!(["https://x.test/1.png", "https://x.test/2.png"]),
            )],
        ),
        &[("input.ref_images_url[1]", TooManyItems, E)],
    );
    bad(
        with(repainting(), &[("/parameters/size", json!("1280*720"))]),
        &[("parameters.size", UnexpectedField, W)],
    );
}

#[test]
fn edit_rules() {
    bad(
        with(
            edit(),
            &[
                ("/input/mask_image_url", Value::Null),
                ("/input/mask_frame_id", Value::Null),
                ("/parameters", json!({})),
            ],
        ),
        &[("input.mask_image_url", MissingField, E)],
    );
    bad(
        with(
            edit(),
            &[("/input/mask_video_url", json!("https://x.test/m.mp4"))],
        ),
        &[("input.mask_video_url", ConflictingFields, E)],
    );
    ok(with(
        edit(),
        &[
            ("/input/mask_image_url", Value::Null),
            ("/input/mask_frame_id", Value::Null),
            ("/parameters", json!({})),
            ("/input/mask_video_url", json!("https://x.test/m.mp4")),
        ],
    ));
    bad(
        with(
            edit(),
            &[
                ("/input/mask_image_url", Value::Null),
                ("/parameters", json!({})),
                ("/input/mask_video_url", json!("https://x.test/m.mp4")),
            ],
        ),
        &[("input.mask_frame_id", IgnoredField, W)],
    );
    bad(
        with(
            edit(),
            &[
                ("/input/mask_image_url", Value::Null),
                ("/input/mask_frame_id", Value::Null),
                ("/input/mask_video_url", json!("https://x.test/m.mp4")),
                ("/parameters/expand_ratio", Value::Null),
            ],
        ),
        &[("parameters.mask_type", IgnoredField, W)],
    );
    ok(with(edit(), &[("/input/mask_frame_id", json!(81))]));
    bad(
        with(edit(), &[("/input/mask_frame_id", json!(0))]),
        &[("input.mask_frame_id", OutOfRange, E)],
    );
    bad(
        with(edit(), &[("/input/mask_frame_id", json!(1.5))]),
        &[("input.mask_frame_id", WrongType, E)],
    );
    bad(
        with(edit(), &[("/input/mask_frame_id", json!("1"))]),
        &[("input.mask_frame_id", WrongType, E)],
    );
    ok(with(
        edit(),
        &[
            ("/parameters/mask_type", json!("fixed")),
            ("/parameters/expand_ratio", Value::Null),
        ],
    ));
    bad(
        with(edit(), &[("/parameters/mask_type", json!("moving"))]),
        &[("parameters.mask_type", InvalidValue, E)],
    );
    bad(
        with(edit(), &[("/parameters/mask_type", json!("fixed"))]),
        &[("parameters.expand_ratio", IgnoredField, W)],
    );
    ok(with(edit(), &[("/parameters/expand_ratio", json!(0.0))]));
    ok(with(edit(), &[("/parameters/expand_ratio", json!(1.0))]));
    bad(
        with(edit(), &[("/parameters/expand_ratio", json!(1.5))]),
        &[("parameters.expand_ratio", OutOfRange, E)],
    );
    for m in ["hull", "bbox", "original"] {
        ok(with(edit(), &[("/parameters/expand_mode", json!(m))]));
    }
    bad(
        with(edit(), &[("/parameters/expand_mode", json!("circle"))]),
        &[("parameters.expand_mode", InvalidValue, E)],
    );
    for c in ["", "posebodyface", "depth"] {
        ok(with(edit(), &[("/parameters/control_condition", json!(c))]));
    }
    bad(
        with(
            edit(),
            &[("/parameters/control_condition", json!("scribble"))],
        ),
        &[("parameters.control_condition", InvalidValue, E)],
    );
    bad(
        with(edit(), &[("/parameters/size", json!("640*480"))]),
        &[("parameters.size", InvalidValue, E)],
    );
    ok(with(
        edit(),
        &[("/input/ref_images_url", json!(["https://x.test/1.png"]))],
    ));
    bad(
        with(
            edit(),
            &[(
                "/input/ref_images_url",
                json!(["https://x.test/1.png", "https://x.test/2.png"]),
            )],
        ),
        &[("input.ref_images_url[1]", TooManyItems, E)],
    );
}

#[test]
fn extension_rules() {
    for key in [
        "first_frame_url",
        "last_frame_url",
        "first_clip_url",
        "last_clip_url",
    ] {
        ok(with(
            extension(),
            &[
                ("/input/first_clip_url", Value::Null),
                (&format!("/input/{key}"), json!("https://x.test/f")),
            ],
        ));
    }
    bad(
        with(extension(), &[("/input/first_clip_url", Value::Null)]),
        &[("input.first_frame_url", MissingField, E)],
    );
    bad(
        with(
            extension(),
            &[("/input/video_url", json!("https://x.test/g.mp4"))],
        ),
        &[("parameters.control_condition", MissingField, E)],
    );
    bad(
        with(
            extension(),
            &[
                ("/input/video_url", json!("https://x.test/g.mp4")),
                ("/parameters/control_condition", json!("")),
            ],
        ),
        &[("parameters.control_condition", MissingField, E)],
    );
    ok(with(
        extension(),
        &[
            ("/input/video_url", json!("https://x.test/g.mp4")),
            ("/parameters/control_condition", json!("depth")),
        ],
    ));
    bad(
        with(
            extension(),
            &[
                ("/input/video_url", json!("https://x.test/g.mp4")),
                ("/parameters/control_condition", json!("blur")),
            ],
        ),
        &[("parameters.control_condition", InvalidValue, E)],
    );
    bad(
        with(
            extension(),
            &[("/parameters/control_condition", json!("depth"))],
        ),
        &[("parameters.control_condition", IgnoredField, W)],
    );
}

#[test]
fn outpainting_rules() {
    for key in ["top_scale", "bottom_scale", "left_scale", "right_scale"] {
        ok(with(
            outpainting(),
            &[(&format!("/parameters/{key}"), json!(1.0))],
        ));
        ok(with(
            outpainting(),
            &[(&format!("/parameters/{key}"), json!(2.0))],
        ));
        bad(
            with(
                outpainting(),
                &[(&format!("/parameters/{key}"), json!(2.01))],
            ),
            &[(&format!("parameters.{key}"), OutOfRange, E)],
        );
        bad(
            with(
                outpainting(),
                &[(&format!("/parameters/{key}"), json!(0.99))],
            ),
            &[(&format!("parameters.{key}"), OutOfRange, E)],
        );
    }
    bad(
        with(outpainting(), &[("/input/video_url", Value::Null)]),
        &[("input.video_url", MissingField, E)],
    );
}

#[test]
fn common_vace_parameters() {
    ok(with(outpainting(), &[("/parameters/duration", json!(5))]));
    bad(
        with(outpainting(), &[("/parameters/duration", json!(6))]),
        &[("parameters.duration", InvalidValue, E)],
    );
    ok(with(outpainting(), &[("/parameters/seed", json!(0))]));
    ok(with(
        outpainting(),
        &[("/parameters/seed", json!(2147483647u64))],
    ));
    bad(
        with(outpainting(), &[("/parameters/seed", json!(2147483648u64))]),
        &[("parameters.seed", OutOfRange, E)],
    );
    bad(
        with(outpainting(), &[("/parameters/seed", json!(-1))]),
        &[("parameters.seed", OutOfRange, E)],
    );
    bad(
        with(outpainting(), &[("/parameters/seed", json!(1.5))]),
        &[("parameters.seed", WrongType, E)],
    );
    bad(
        with(outpainting(), &[("/parameters/seed", json!("42"))]),
        &[("parameters.seed", WrongType, E)],
    );
    ok(with(
        outpainting(),
        &[
            ("/parameters/prompt_extend", json!(true)),
            ("/parameters/watermark", json!(false)),
        ],
    ));
    bad(
        with(
            outpainting(),
            &[("/parameters/prompt_extend", json!("true"))],
        ),
        &[("parameters.prompt_extend", WrongType, E)],
    );
    bad(
        with(outpainting(), &[("/parameters/watermark", json!(1))]),
        &[("parameters.watermark", WrongType, E)],
    );
    bad(
        with(outpainting(), &[("/parameters", json!([]))]),
        &[("parameters", NotAnObject, E)],
    );
}

#[test]
fn wan27_rules() {
    let media = |items: Value| with(wan27(), &[("/input/media", items)]);
    let v = json!({"type":"video","url":"https://x.test/v.mp4"});
    let i = json!({"type":"reference_image","url":"https://x.test/i.png"});
    ok(media(json!([v, i, i, i, i])));
    bad(
        media(json!([v, i, i, i, i, i])),
        &[("input.media[5].type", TooManyItems, E)],
    );
    bad(media(json!([i])), &[("input.media", MissingField, E)]);
    bad(
        media(json!([v, v])),
        &[("input.media[1].type", TooManyItems, E)],
    );
    bad(
        media(json!([v, {"type":"audio","url":"https://x.test/a.mp3"}])),
        &[("input.media[1].type", InvalidValue, E)],
    );
    bad(
        media(json!([v, {"url":"https://x.test/a.png"}])),
        &[("input.media[1].type", MissingField, E)],
    );
    bad(
        media(json!([{"type":"video"}])),
        &[("input.media[0].url", MissingField, E)],
    );
    bad(
        media(json!([v, "https://x.test/i.png"])),
        &[("input.media[1]", NotAnObject, E)],
    );
    bad(
        with(wan27(), &[("/input/media", Value::Null)]),
        &[("input.media", MissingField, E)],
    );
    for r in ["720P", "1080P"] {
        ok(with(wan27(), &[("/parameters/resolution", json!(r))]));
    }
    bad(
        with(wan27(), &[("/parameters/resolution", json!("4K"))]),
        &[("parameters.resolution", InvalidValue, E)],
    );
    for r in ["16:9", "9:16", "1:1", "4:3", "3:4"] {
        ok(with(wan27(), &[("/parameters/ratio", json!(r))]));
    }
    bad(
        with(wan27(), &[("/parameters/ratio", json!("21:9"))]),
        &[("parameters.ratio", InvalidValue, E)],
    );
    for d in [0, 2, 10] {
        ok(with(wan27(), &[("/parameters/duration", json!(d))]));
    }
    for d in [1, 11, -1] {
        bad(
            with(wan27(), &[("/parameters/duration", json!(d))]),
            &[("parameters.duration", OutOfRange, E)],
        );
    }
    for a in ["auto", "origin"] {
        ok(with(wan27(), &[("/parameters/audio_setting", json!(a))]));
    }
    bad(
        with(wan27(), &[("/parameters/audio_setting", json!("mute"))]),
        &[("parameters.audio_setting", InvalidValue, E)],
    );
    bad(
        with(wan27(), &[("/parameters/seed", json!(2147483648u64))]),
        &[("parameters.seed", OutOfRange, E)],
    );
    bad(
        with(wan27(), &[("/parameters/size", json!("1280*720"))]),
        &[("parameters.size", UnexpectedField, W)],
    );
}

#[test]
fn messages_name_the_field_the_value_and_what_is_allowed() {
    let issues = validate(&with(repainting(), &[("/parameters/strength", json!(1.5))]));
    assert_eq!(
        issues[0].message,
        "parameters.strength is 1.5; allowed: 0.0 to 1.0"
    );
    let issues = validate(&with(edit(), &[("/parameters/mask_type", json!("moving"))]));
    assert_eq!(
        issues[0].message,
        "parameters.mask_type is \"moving\"; allowed: \"tracking\", \"fixed\""
    );
    let json = serde_json::to_value(&issues[0]).unwrap();
    assert_eq!(json["code"], "invalid_value");
    assert_eq!(json["severity"], "error");
    assert_eq!(json["path"], "parameters.mask_type");
}

#[test]
fn issue_codes_are_unique_snake_case() {
    let mut seen = std::collections::HashSet::new();
    for code in IssueCode::ALL {
        let s = code.as_str();
        assert!(seen.insert(s), "{s} twice");
        assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{s}");
        assert_eq!(serde_json::to_value(code).unwrap(), json!(s));
    }
}
