//! Validation of raw request JSON against every documented rule.
//!
//! [`validate`] never stops at the first problem: it reports every issue it finds, each with
//! the dotted JSON path of the field, so a form can show each message beside its field.

mod checker;
mod fields;
mod vace;
mod wan27;

/// The fields of each VACE function, defined in [`crate::model::fields`] (kept here for
/// callers of the earlier names).
pub use crate::model::fields::{
    vace_input as vace_input_fields, vace_parameters as vace_parameter_fields,
};
pub use fields::{is_chinese_char, prompt_chars};

use crate::cat;
use crate::issue::{Issue, IssueCode};
use crate::model::{Family, Model};
use crate::region::{check_model_region, Region};
use checker::Checker;
use serde_json::Value;

const TOP_LEVEL_FIELDS: &[&str] = &["model", "input", "parameters"];

/// Check a create-task body against every documented rule. Returns no issues for a valid body;
/// warnings for what DashScope accepts but changes; errors for what it would reject.
pub fn validate(body: &Value) -> Vec<Issue> {
    let mut checker = Checker::default();
    let Value::Object(root) = body else {
        checker.error(
            "",
            IssueCode::NotAnObject,
            cat!(
                "the request body must be a JSON object, not ",
                checker::type_name(body)
            ),
        );
        return checker.issues;
    };
    checker.unexpected_keys(root, "", TOP_LEVEL_FIELDS, &[], "a create-task request");
    let model = match checker.string(root, "", "model") {
        Some(name) if name.trim().is_empty() => {
            checker.error(
                "model",
                IssueCode::EmptyValue,
                "model is empty; name a model such as \"wan2.1-vace-plus\"".into(),
            );
            None
        }
        Some(name) => Some(name),
        None => {
            if checker.field(root, "model").is_none() {
                checker.missing(
                    "model",
                    ": for example \"wan2.1-vace-plus\" or \"wan2.7-videoedit\"",
                );
            }
            None
        }
    };
    let family = match model {
        Some(name) => match Model::parse(name) {
            Some(known) => Some(known.family()),
            None => {
                // The documents describe two models; DashScope serves many more on this
                // endpoint (text-, image- and reference-to-video). Their rules are not ours to
                // guess, so an unknown model is only a warning and no family's rules apply.
                checker.warning(
                    "model",
                    IssueCode::UnknownModel,
                    cat!(
                        "model \"",
                        name,
                        "\" is not one the documents describe (wan2.1-vace-plus, wanx2.1-vace-plus, wan2.7-videoedit); it is sent as is and not checked further"
                    ),
                );
                return checker.issues;
            }
        },
        None => guess_family(root),
    };
    let model_name = model.unwrap_or("this model");
    match family {
        Some(Family::Vace) => checker.vace(root, model_name),
        Some(Family::VideoEdit27) => checker.wan27(root, model_name),
        None => {
            if checker.field(root, "input").is_none() {
                checker.missing("input", "");
            }
        }
    }
    checker.issues
}

/// [`validate`], plus a warning when a VACE model spelling does not match `region`.
pub fn validate_for_region(body: &Value, region: &Region) -> Vec<Issue> {
    let mut issues = validate(body);
    if let Some(model) = body.get("model").and_then(Value::as_str) {
        issues.extend(check_model_region(region, model));
    }
    issues
}

/// Without a usable model name, the shape the body has (`input.function` → VACE,
/// `input.media` → wan2.7), so a form still sees every other issue of the body it is refused for.
fn guess_family(root: &serde_json::Map<String, Value>) -> Option<Family> {
    let input = root.get("input")?.as_object()?;
    if input.contains_key("function") {
        Some(Family::Vace)
    } else if input.contains_key("media") {
        Some(Family::VideoEdit27)
    } else {
        None
    }
}
