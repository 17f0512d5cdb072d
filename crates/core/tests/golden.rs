//! The validation golden table: what `validate` says, in `severity`, `code` and `path`, for a
//! fixed corpus of about three thousand bodies, checked in under `tests/fixtures/golden/`.
//!
//! It pins today's behaviour so that a redesign of the validator (the npm build without a
//! JSON parser, messages composed outside the wasm, field lists moved) can show that it
//! changed nothing: any difference fails with the body's id and both answers. The npm
//! package is held to the same table (tests/client-golden.spec.mjs). Messages are not part
//! of the table: their wording may change; what a rule decides may not, unless on purpose.
//!
//! The corpus is every documented example body (`tests/fixtures/seeds`) and, for each, its
//! mutations: every field removed, set to null / empty / a wrong type / out of range, arrays
//! emptied or overfilled, unknown fields added, the model and function swapped.
//!
//! A change that means to change a decision regenerates the table, and its diff is the
//! review: `WANEDIT_BLESS=1 cargo test -p wanedit-core --test golden` (the corpus itself only
//! with `WANEDIT_BLESS=corpus`).

use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;
use wanedit_core::{validate, Severity};

fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

fn seed_bodies() -> Vec<(String, Value)> {
    let mut out: Vec<_> = fs::read_dir(dir().join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (
                name,
                serde_json::from_str(&fs::read_to_string(&p).unwrap()).unwrap(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Values a field is replaced with, each with a short tag for the case id.
fn replacements(original: &Value) -> Vec<(&'static str, Value)> {
    let mut out = vec![
        ("null", Value::Null),
        ("empty", json!("")),
        ("zero", json!(0)),
        ("neg", json!(-1)),
        ("big", json!(1e9)),
        ("frac", json!(0.5)),
        ("true", json!(true)),
        ("arr", json!([])),
        ("obj", json!({})),
        ("word", json!("bogus")),
        ("space", json!("https://example.com/a b.mp4")),
        ("cjk", json!("https://example.com/视频.mp4")),
        ("ftp", json!("ftp://example.com/a.mp4")),
        ("oss", json!("oss://bucket/dir/a.mp4")),
    ];
    if original.is_string() {
        // Past the documents' prompt limits (800 and 5,000 characters), counted in characters.
        out.push(("long", Value::String("长".repeat(801))));
        out.push(("longer", Value::String("a".repeat(5001))));
    }
    if let Value::Number(n) = original {
        if let Some(f) = n.as_f64() {
            out.push(("plus1", json!(f + 1.0)));
            out.push(("minus1", json!(f - 1.0)));
            out.push(("times10", json!(f * 10.0)));
        }
    }
    if let Value::Array(items) = original {
        if let Some(first) = items.first() {
            out.push(("x10", Value::Array(vec![first.clone(); 10])));
            out.push(("x4", Value::Array(vec![first.clone(); 4])));
        }
    }
    out
}

/// Every path to a value inside `v` (objects by key, arrays by index), parents first.
fn paths(v: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                prefix.push(Step::Key(k.clone()));
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(Step::Index(i));
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn label(path: &[Step]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Step::Index(i) => write!(s, "[{i}]").unwrap(),
        }
    }
    s
}

/// The parent container of `path` and the last step, in `root`.
fn parent<'a>(root: &'a mut Value, path: &[Step]) -> (&'a mut Value, Step) {
    let (last, init) = path.split_last().unwrap();
    let mut cur = root;
    for step in init {
        cur = match step {
            Step::Key(k) => cur.get_mut(k.as_str()).unwrap(),
            Step::Index(i) => cur.get_mut(*i).unwrap(),
        };
    }
    (cur, last.clone())
}

fn corpus() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let models = [
        "wan2.1-vace-plus",
        "wan2.7-videoedit",
        "wanx2.1-vace-plus",
        "wan9-unknown",
    ];
    let functions = [
        "image_reference",
        "video_repainting",
        "video_edit",
        "video_extension",
        "video_outpainting",
        "bogus",
    ];
    for (name, body) in seed_bodies() {
        out.push((name.clone(), body.clone()));
        let mut all = Vec::new();
        paths(&body, &mut Vec::new(), &mut all);
        for path in &all {
            let at = label(path);
            // Removed.
            let mut b = body.clone();
            let (p, last) = parent(&mut b, path);
            match (p, last) {
                (Value::Object(m), Step::Key(k)) => {
                    m.remove(&k);
                }
                (Value::Array(a), Step::Index(i)) => {
                    a.remove(i);
                }
                _ => unreachable!(),
            }
            out.push((format!("{name}/{at}/removed"), b));
            // Replaced.
            let mut original = body.clone();
            let (p, last) = parent(&mut original, path);
            let original = match (p, last) {
                (p, Step::Key(k)) => p[k.as_str()].clone(),
                (p, Step::Index(i)) => p[i].clone(),
            };
            for (tag, value) in replacements(&original) {
                let mut b = body.clone();
                let (p, last) = parent(&mut b, path);
                match last {
                    Step::Key(k) => p[k.as_str()] = value,
                    Step::Index(i) => p[i] = value,
                }
                out.push((format!("{name}/{at}/{tag}"), b));
            }
        }
        // Unknown fields at each level.
        for level in ["", "input", "parameters"] {
            let mut b = body.clone();
            let target = if level.is_empty() {
                Some(&mut b)
            } else {
                b.get_mut(level)
            };
            if let Some(Value::Object(m)) = target {
                m.insert("not_documented".into(), json!(1));
                out.push((format!("{name}/{level}/unknown_field"), b));
            }
        }
        // Another model, another function.
        for model in models {
            let mut b = body.clone();
            b["model"] = json!(model);
            out.push((format!("{name}/model={model}"), b));
        }
        if body.pointer("/input/function").is_some() {
            for function in functions {
                let mut b = body.clone();
                b["input"]["function"] = json!(function);
                out.push((format!("{name}/function={function}"), b));
            }
        }
    }
    // Shapes no seed has.
    for (id, b) in [
        ("shape/empty_object", json!({})),
        ("shape/array", json!([])),
        ("shape/string", json!("x")),
        ("shape/null", Value::Null),
        (
            "shape/input_array",
            json!({"model": "wan2.7-videoedit", "input": []}),
        ),
        (
            "shape/parameters_string",
            json!({"model": "wan2.1-vace-plus", "input": {}, "parameters": "x"}),
        ),
    ] {
        out.push((id.to_string(), b));
    }
    // Ids are unique and the order is stable.
    let mut seen = std::collections::HashSet::new();
    out.retain(|(id, _)| seen.insert(id.clone()));
    out
}

fn table(corpus: &[(String, Value)]) -> String {
    let mut s = String::new();
    for (id, body) in corpus {
        let issues = validate(body);
        if issues.is_empty() {
            writeln!(s, "{id}\tok").unwrap();
        }
        for i in issues {
            let sev = match i.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            writeln!(s, "{id}\t{sev}\t{}\t{}", i.code.as_str(), i.path).unwrap();
        }
    }
    s
}

#[test]
fn validation_matches_the_golden_table() {
    let golden = dir().join("golden");
    let corpus_file = golden.join("corpus.json");
    let table_file = golden.join("validation.tsv");
    let bless = std::env::var("WANEDIT_BLESS").unwrap_or_default();
    if bless == "corpus" || !corpus_file.exists() && bless == "1" {
        fs::create_dir_all(&golden).unwrap();
        let items: Vec<Value> = corpus()
            .into_iter()
            .map(|(id, body)| {
                let mut m = Map::new();
                m.insert("id".into(), json!(id));
                m.insert("body".into(), body);
                Value::Object(m)
            })
            .collect();
        let mut text = String::from("[\n");
        for (n, item) in items.iter().enumerate() {
            text.push_str(&serde_json::to_string(item).unwrap());
            text.push_str(if n + 1 < items.len() { ",\n" } else { "\n" });
        }
        text.push_str("]\n");
        fs::write(&corpus_file, text).unwrap();
    }
    let items: Vec<Value> =
        serde_json::from_str(&fs::read_to_string(&corpus_file).unwrap()).unwrap();
    let corpus: Vec<(String, Value)> = items
        .into_iter()
        .map(|item| {
            (
                item["id"].as_str().unwrap().to_string(),
                item["body"].clone(),
            )
        })
        .collect();
    assert!(corpus.len() > 2000, "corpus too small: {}", corpus.len());
    let got = table(&corpus);
    if !bless.is_empty() {
        fs::write(&table_file, &got).unwrap();
    }
    let want = fs::read_to_string(&table_file).unwrap();
    if got != want {
        let diff: Vec<String> = want
            .lines()
            .zip(got.lines())
            .filter(|(w, g)| w != g)
            .take(20)
            .map(|(w, g)| format!("  want {w}\n  got  {g}"))
            .collect();
        panic!(
            "validation differs from tests/fixtures/golden/validation.tsv ({} vs {} lines); first differences:\n{}\n\
             If the change is meant, regenerate with WANEDIT_BLESS=1 and review the diff.",
            want.lines().count(),
            got.lines().count(),
            diff.join("\n")
        );
    }
}
