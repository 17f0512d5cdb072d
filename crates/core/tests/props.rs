//! Property tests: generated valid requests validate clean and round-trip through JSON;
//! `validate` never panics on arbitrary JSON and every issue path points into the body; a field
//! the documents do not describe is at most a warning.

use proptest::prelude::*;
use serde_json::Value;
use wanedit_core::model::*;
use wanedit_core::request::*;
use wanedit_core::validate;

fn url() -> BoxedStrategy<String> {
    (
        prop_oneof![Just("http://"), Just("https://"), Just("oss://")],
        "[a-z]{1,12}",
        "[a-z0-9_]{1,12}",
        prop_oneof![Just(".mp4"), Just(".png"), Just(".jpg")],
    )
        .prop_map(|(scheme, host, path, ext)| format!("{scheme}{host}.test/{path}{ext}"))
        .boxed()
}

fn prompt(max: usize) -> BoxedStrategy<String> {
    proptest::collection::vec(
        prop_oneof![Just('a'), Just('字'), Just(' '), Just('é'), Just('Z')],
        1..=max,
    )
    .prop_map(|chars| {
        let s: String = chars.into_iter().collect();
        if s.trim().is_empty() {
            format!("x{s}")
        } else {
            s
        }
    })
    .prop_filter("within the limit", move |s| s.chars().count() <= max)
    .boxed()
}

fn common() -> impl Strategy<Value = VaceParameters> {
    (
        proptest::option::of(Just(5u32)),
        proptest::option::of(any::<bool>()),
        proptest::option::of(0u32..=2_147_483_647),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(
            |(duration, prompt_extend, seed, watermark)| VaceParameters {
                duration,
                prompt_extend,
                seed,
                watermark,
                ..Default::default()
            },
        )
}

fn unit() -> impl Strategy<Value = f64> {
    (0u32..=100).prop_map(|n| f64::from(n) / 100.0)
}

fn scale() -> impl Strategy<Value = f64> {
    (100u32..=200).prop_map(|n| f64::from(n) / 100.0)
}

fn vace() -> impl Strategy<Value = CreateRequest> {
    let model = prop_oneof![Just(Model::Wan21VacePlus), Just(Model::Wanx21VacePlus)];
    let image_reference = (
        prompt(800),
        proptest::collection::vec(url(), 1..=3),
        common(),
        proptest::option::of(proptest::sample::select(Size::ALL)),
        any::<bool>(),
        0usize..3,
    )
        .prop_map(|(prompt, urls, mut p, size, obj_only, bg_at)| {
            let n = urls.len();
            let roles: Vec<ObjOrBg> = (0..n)
                .map(|i| {
                    if !obj_only && i == bg_at % n {
                        ObjOrBg::Bg
                    } else {
                        ObjOrBg::Obj
                    }
                })
                .collect();
            p.obj_or_bg = if n == 1 && obj_only {
                None
            } else {
                Some(roles)
            };
            p.size = size;
            (
                VaceInput::ImageReference {
                    prompt,
                    ref_images_url: urls,
                },
                Some(p),
            )
        });
    let repainting = (
        prompt(800),
        url(),
        proptest::option::of(proptest::collection::vec(url(), 0..=1)),
        common(),
        proptest::sample::select(ControlCondition::ALL),
        proptest::option::of(unit()),
    )
        .prop_map(|(prompt, video_url, ref_images_url, mut p, c, strength)| {
            p.control_condition = Some(c.as_str().to_string());
            p.strength = strength;
            (
                VaceInput::VideoRepainting {
                    prompt,
                    video_url,
                    ref_images_url,
                },
                Some(p),
            )
        });
    let edit = (
        prompt(800),
        url(),
        url(),
        any::<bool>(),
        proptest::option::of(1u32..500),
        common(),
        proptest::option::of(proptest::sample::select(EditControlCondition::ALL)),
        any::<bool>(),
        proptest::option::of(unit()),
        proptest::option::of(proptest::sample::select(ExpandMode::ALL)),
        proptest::option::of(proptest::sample::select(Size::ALL)),
    )
        .prop_map(
            |(
                prompt,
                video_url,
                mask,
                use_image,
                frame,
                mut p,
                cc,
                tracking,
                ratio,
                mode,
                size,
            )| {
                p.control_condition = cc.map(|c| c.as_str().to_string());
                p.size = size;
                let input = if use_image {
                    p.mask_type = Some(if tracking {
                        MaskType::Tracking
                    } else {
                        MaskType::Fixed
                    });
                    if tracking {
                        p.expand_ratio = ratio;
                        p.expand_mode = mode;
                    }
                    VaceInput::VideoEdit {
                        prompt,
                        video_url,
                        ref_images_url: None,
                        mask_image_url: Some(mask),
                        mask_frame_id: frame,
                        mask_video_url: None,
                    }
                } else {
                    VaceInput::VideoEdit {
                        prompt,
                        video_url,
                        ref_images_url: None,
                        mask_image_url: None,
                        mask_frame_id: None,
                        mask_video_url: Some(mask),
                    }
                };
                (input, Some(p))
            },
        );
    let extension = (
        prompt(800),
        proptest::array::uniform4(proptest::option::of(url())),
        proptest::option::of(url()),
        common(),
        proptest::sample::select(ControlCondition::ALL),
    )
        .prop_filter("at least one source", |(_, s, _, _, _)| {
            s.iter().any(Option::is_some)
        })
        .prop_map(|(prompt, [a, b, c, d], video_url, mut p, cc)| {
            if video_url.is_some() {
                p.control_condition = Some(cc.as_str().to_string());
            }
            (
                VaceInput::VideoExtension {
                    prompt,
                    first_frame_url: a,
                    last_frame_url: b,
                    first_clip_url: c,
                    last_clip_url: d,
                    video_url,
                },
                Some(p),
            )
        });
    let outpainting = (
        prompt(800),
        url(),
        common(),
        proptest::array::uniform4(proptest::option::of(scale())),
    )
        .prop_map(|(prompt, video_url, mut p, [t, b, l, r])| {
            p.top_scale = t;
            p.bottom_scale = b;
            p.left_scale = l;
            p.right_scale = r;
            (VaceInput::VideoOutpainting { prompt, video_url }, Some(p))
        })
        .boxed();
    (
        model,
        prop_oneof![image_reference, repainting, edit, extension, outpainting],
        any::<bool>(),
    )
        .prop_map(|(model, (input, params), drop_empty)| {
            let needs_params = matches!(input, VaceInput::VideoRepainting { .. });
            let parameters = if drop_empty
                && !needs_params
                && params.as_ref() == Some(&VaceParameters::default())
            {
                None
            } else {
                params
            };
            CreateRequest::Vace(VaceRequest {
                model: model.as_str().into(),
                input,
                parameters,
            })
        })
}

fn wan27() -> impl Strategy<Value = CreateRequest> {
    let image_url = prop_oneof![
        url(),
        Just("data:image/png;base64,iVBORw0KGgo=".to_string())
    ];
    (
        proptest::option::of(prompt(5000)),
        proptest::option::of(prompt(500)),
        url(),
        proptest::collection::vec(image_url, 0..=4),
        0usize..5,
        proptest::option::of(proptest::sample::select(Resolution::ALL)),
        proptest::option::of(proptest::sample::select(Ratio::ALL)),
        proptest::option::of(prop_oneof![Just(0u32), 2u32..=10]),
        proptest::option::of(proptest::sample::select(AudioSetting::ALL)),
        proptest::option::of(0u32..=2_147_483_647),
    )
        .prop_map(
            |(
                prompt,
                negative_prompt,
                video,
                images,
                video_at,
                resolution,
                ratio,
                duration,
                audio_setting,
                seed,
            )| {
                let mut media: Vec<MediaItem> = images
                    .into_iter()
                    .map(|url| MediaItem {
                        kind: MediaType::ReferenceImage,
                        url,
                    })
                    .collect();
                media.insert(
                    video_at.min(media.len()),
                    MediaItem {
                        kind: MediaType::Video,
                        url: video,
                    },
                );
                let parameters = Some(VideoEditParameters {
                    resolution,
                    ratio,
                    duration,
                    audio_setting,
                    seed,
                    ..Default::default()
                });
                CreateRequest::VideoEdit(VideoEditRequest {
                    model: Model::Wan27VideoEdit.as_str().into(),
                    input: VideoEditInput {
                        prompt,
                        negative_prompt,
                        media,
                    },
                    parameters,
                })
            },
        )
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            Just("video_edit".to_string()),
            Just("wan2.7-videoedit".to_string()),
            Just("wan2.1-vace-plus".to_string()),
            Just("obj".to_string()),
            ".{0,8}"
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let keys = prop_oneof![
            Just("model"),
            Just("input"),
            Just("parameters"),
            Just("function"),
            Just("prompt"),
            Just("media"),
            Just("ref_images_url"),
            Just("obj_or_bg"),
            Just("type"),
            Just("url"),
            Just("mask_image_url"),
            Just("seed"),
            Just("x")
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(keys.prop_map(String::from), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Whether a dotted/indexed issue path names a place in `body` (or its parent, for a
/// missing field).
fn path_exists(body: &Value, path: &str) -> bool {
    if path.is_empty() {
        return true;
    }
    let mut node = body;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let (key, indices) = match part.find('[') {
            Some(at) => (&part[..at], &part[at..]),
            None => (*part, ""),
        };
        match node.get(key) {
            Some(next) => node = next,
            None => return i == parts.len() - 1 && indices.is_empty(),
        }
        for index in indices.split(['[', ']']).filter(|s| !s.is_empty()) {
            match node.get(index.parse::<usize>().unwrap()) {
                Some(next) => node = next,
                None => return false,
            }
        }
    }
    true
}

/// What every generated valid request must satisfy, whatever its model: `validate` finds no
/// issue in its JSON, and that JSON reads back as the same request.
fn check_valid_and_round_trips(req: CreateRequest) -> Result<(), TestCaseError> {
    let value = req.to_value();
    let issues = validate(&value);
    prop_assert!(issues.is_empty(), "{value}\n{issues:#?}");
    let back: CreateRequest = serde_json::from_value(value.clone()).unwrap();
    prop_assert_eq!(back, req);
    Ok(())
}

/// JSON pointers of every object in `body` (the root is `""`).
fn object_pointers(body: &Value, at: String, out: &mut Vec<String>) {
    match body {
        Value::Object(map) => {
            out.push(at.clone());
            for (k, v) in map {
                object_pointers(v, format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                object_pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The fidelity principle: a field the documents do not describe, added at any level of a
/// valid body, is at most one warning; it never changes the errors (here: none) and never
/// turns into one. (The relay then forwards the bytes unchanged: tests/relay e2e.)
fn check_unknown_field_is_a_warning(
    body: Value,
    where_: prop::sample::Index,
    key: String,
    value: Value,
) -> Result<(), TestCaseError> {
    let before = validate(&body);
    let mut objects = Vec::new();
    object_pointers(&body, String::new(), &mut objects);
    let pointer = where_.get(&objects).clone();
    let mut changed = body.clone();
    changed
        .pointer_mut(&pointer)
        .and_then(Value::as_object_mut)
        .unwrap()
        .insert(key.clone(), value);
    let after = validate(&changed);
    let errors = |issues: &[wanedit_core::Issue]| -> Vec<_> {
        issues.iter().filter(|i| i.is_error()).cloned().collect()
    };
    prop_assert_eq!(errors(&before), errors(&after), "{}", changed);
    let added: Vec<_> = after.iter().filter(|i| !before.contains(i)).collect();
    prop_assert!(added.len() <= 1, "{changed}\n{added:#?}");
    for issue in added {
        prop_assert_eq!(issue.severity, wanedit_core::Severity::Warning);
        prop_assert_eq!(issue.code, wanedit_core::IssueCode::UnexpectedField);
        prop_assert!(issue.path.ends_with(&key), "{} for {key}", issue.path);
    }
    Ok(())
}

/// Names the documents do not give for the body's model: made-up ones, and fields of other
/// models or of SDKs (the Python SDK's `function` and `extend_prompt` on wan2.7).
fn foreign_key(model_fields: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        1 => "x_[a-z_]{1,10}",
        1 => proptest::sample::select(model_fields).prop_map(String::from),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    #[test]
    fn an_unknown_vace_field_anywhere_is_at_most_one_warning(
        req in vace(),
        where_ in any::<prop::sample::Index>(),
        key in foreign_key(&["extend_prompt", "media", "negative_prompt", "img_url", "audio_setting"]),
        value in arbitrary_json(),
    ) {
        check_unknown_field_is_a_warning(req.to_value(), where_, key, value)?;
    }

    #[test]
    fn an_unknown_wan27_field_anywhere_is_at_most_one_warning(
        req in wan27(),
        where_ in any::<prop::sample::Index>(),
        key in foreign_key(&["function", "extend_prompt", "img_url", "ref_images_url", "obj_or_bg"]),
        value in arbitrary_json(),
    ) {
        check_unknown_field_is_a_warning(req.to_value(), where_, key, value)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn generated_vace_requests_are_valid_and_round_trip(req in vace()) {
        check_valid_and_round_trips(req)?;
    }

    #[test]
    fn generated_wan27_requests_are_valid_and_round_trip(req in wan27()) {
        check_valid_and_round_trips(req)?;
    }

    #[test]
    fn validate_never_panics_and_paths_point_into_the_body(body in arbitrary_json()) {
        for issue in validate(&body) {
            prop_assert!(path_exists(&body, &issue.path), "{} not in {body}", issue.path);
            prop_assert!(!issue.message.is_empty());
        }
    }
}
