//! Golden tests: every example body in the DashScope documents validates with zero errors,
//! and the typed request model reproduces each of them exactly.

use std::fs;
use wanedit_core::request::CreateRequest;
use wanedit_core::{validate, Severity};

fn seed_bodies() -> Vec<(String, serde_json::Value)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds");
    let mut out: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                serde_json::from_str(&text).unwrap(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn there_are_seed_examples_for_every_function_and_both_models() {
    let names: Vec<String> = seed_bodies().into_iter().map(|(n, _)| n).collect();
    assert!(names.len() >= 29, "{names:?}");
    for needle in [
        "image_reference",
        "video_repainting",
        "video_edit",
        "video_extension",
        "video_outpainting",
        "wan2.7-videoedit",
        "wanx2.1-vace-plus",
    ] {
        assert!(
            names.iter().any(|n| n.contains(needle)),
            "no seed example for {needle}"
        );
    }
}

#[test]
fn every_seed_example_validates_without_issues() {
    for (name, body) in seed_bodies() {
        let issues = validate(&body);
        let errors: Vec<_> = issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert!(issues.is_empty(), "{name}: unexpected warnings {issues:#?}");
    }
}

#[test]
fn every_seed_example_round_trips_through_the_typed_model() {
    for (name, body) in seed_bodies() {
        let typed: CreateRequest = serde_json::from_value(body.clone())
            .unwrap_or_else(|e| panic!("{name}: does not parse into the typed model: {e}"));
        let back = serde_json::to_value(&typed).unwrap();
        assert_eq!(back, body, "{name}: typed model changes the body");
    }
}
