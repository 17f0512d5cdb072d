//! Every response example of the documents (tests/fixtures/responses, copied from
//! shared/dashscope-api.md) parses with the task model and writes back as the same JSON: no
//! field is lost, the ones the model does not know included. Each example also gains a field
//! no one has documented yet, at the top and inside `output`/`data`, which must survive too.

use serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Value};
use std::fs;
use wanedit_core::task::{
    CancelResponse, CreateTaskResponse, ErrorBody, TaskListResponse, TaskResponse, TaskStatus,
};
use wanedit_core::upload::UploadPolicyResponse;

fn examples() -> Vec<(String, Value)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/responses");
    let mut out: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (
                name,
                serde_json::from_str(&fs::read_to_string(&p).unwrap()).unwrap(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Parses `value` as `T` and checks that it writes back unchanged.
fn round_trips<T: DeserializeOwned + Serialize>(name: &str, value: &Value) -> T {
    let typed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{name}: does not parse: {e}"));
    assert_eq!(
        &serde_json::to_value(&typed).unwrap(),
        value,
        "{name}: a field was lost or changed"
    );
    typed
}

/// `value` with an undocumented field at the top and in its `output` or `data` object.
fn with_future_fields(mut value: Value) -> Value {
    value["x_future_top"] = json!({"nested": [1, "two", null]});
    for inner in ["output", "data"] {
        if let Some(obj) = value.get_mut(inner).and_then(Value::as_object_mut) {
            obj.insert("x_future_inner".into(), json!(3.5));
        }
    }
    value
}

#[test]
fn every_documented_response_example_round_trips_with_unknown_fields() {
    let all = examples();
    let kinds: Vec<&str> = all
        .iter()
        .map(|(n, _)| n.split('_').next().unwrap())
        .collect();
    for kind in ["create", "task", "cancel", "list", "error", "policy"] {
        assert!(kinds.contains(&kind), "no {kind} example in {kinds:?}");
    }
    for (name, value) in &all {
        for v in [value.clone(), with_future_fields(value.clone())] {
            match name.split('_').next().unwrap() {
                "create" => {
                    let r: CreateTaskResponse = round_trips(name, &v);
                    assert_eq!(r.output.task_status, TaskStatus::Pending);
                }
                "task" => {
                    let r: TaskResponse = round_trips(name, &v);
                    assert!(!r.output.task_id.is_empty(), "{name}");
                }
                "cancel" => {
                    round_trips::<CancelResponse>(name, &v);
                }
                "list" => {
                    let r: TaskListResponse = round_trips(name, &v);
                    assert_eq!(r.data.len(), 1, "{name}");
                }
                "error" => {
                    let r: ErrorBody = round_trips(name, &v);
                    assert!(!r.code.is_empty(), "{name}");
                }
                "policy" => {
                    round_trips::<UploadPolicyResponse>(name, &v);
                }
                other => panic!("{name}: no type for {other}"),
            }
        }
    }
}
