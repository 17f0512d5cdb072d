//! What the relay decides about a create body beyond DashScope's documented rules: which
//! models a key held by the relay may be spent on (`--allow-model`), and whether bodies with
//! fields or models the documents do not describe are refused (`--strict`) or forwarded with a
//! warning (the default).
//!
//! Whose key pays decides: a caller who brings their own key may name any model (the relay is
//! the CORS relay for every DashScope video-synthesis model on its routes); with the relay's
//! key, the operator chooses what callers may spend it on.

use crate::error::RelayError;
use wanedit_core::{Issue, Model};
use wildmatch::WildMatch;

/// The flags of this module, flattened into [`crate::config::Args`].
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PolicyArgs {
    /// A model callers may spend the relay's own key on, as a pattern where `*` matches any
    /// run of characters (`wan2.7-*`); repeatable. Default: the two video-editing models in
    /// both spellings (wan2.1-vace-plus, wanx2.1-vace-plus, wan2.7-videoedit). Only checked
    /// when the relay holds a real key: callers who bring their own key may name any model.
    #[arg(
        long = "allow-model",
        env = "WANEDIT_ALLOW_MODEL",
        value_name = "PATTERN",
        value_delimiter = ','
    )]
    pub allow_models: Vec<String>,

    /// Refuse create bodies with fields or models the documents do not describe, instead of
    /// forwarding them unchanged with a warning.
    #[arg(long, env = "WANEDIT_STRICT", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub strict: bool,
}

/// The checked policy.
#[derive(Debug, Clone)]
pub struct ModelPolicy {
    patterns: Vec<WildMatch>,
    /// The patterns as given, for messages.
    shown: String,
    /// Whether bodies outside the documents are refused.
    pub strict: bool,
}

impl ModelPolicy {
    /// Checks the flags: each pattern is 1–64 of `a-z A-Z 0-9 . - _ *`.
    pub fn from_args(args: &PolicyArgs) -> Result<Self, RelayError> {
        let given: Vec<String> = if args.allow_models.is_empty() {
            Model::ALL.iter().map(|m| m.as_str().to_string()).collect()
        } else {
            args.allow_models
                .iter()
                .map(|p| p.trim().to_string())
                .collect()
        };
        for pattern in &given {
            let plain = !pattern.is_empty()
                && pattern.len() <= 64
                && pattern
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'*'));
            if !plain {
                return Err(RelayError::Config(format!(
                    "--allow-model {pattern:?}: expected 1-64 of a-z A-Z 0-9 . - _ and * (any run of characters)"
                )));
            }
        }
        Ok(ModelPolicy {
            patterns: given.iter().map(|p| WildMatch::new(p)).collect(),
            shown: given.join(", "),
            strict: args.strict,
        })
    }

    /// Whether `model` may be spent on with the relay's key.
    pub fn allows(&self, model: &str) -> bool {
        self.patterns.iter().any(|p| p.matches(model))
    }

    /// Refuses `model` when the relay's own key would pay (`holds_real_key`) and the model is
    /// not on the list; a missing model is the validator's to report.
    pub fn check_model(&self, holds_real_key: bool, model: Option<&str>) -> Result<(), RelayError> {
        match model {
            Some(name) if holds_real_key && !self.allows(name) => {
                Err(RelayError::ModelNotAllowed(format!(
                    "model {name:?} is not one this relay's key may be used for (allowed: {}); the operator can add it with --allow-model",
                    self.shown
                )))
            }
            _ => Ok(()),
        }
    }

    /// Whether the validator's `issues` refuse the body: any error, and in strict mode also
    /// any field or model the documents do not describe.
    pub fn refuses(&self, issues: &[Issue]) -> bool {
        issues
            .iter()
            .any(|i| i.is_error() || (self.strict && i.is_outside_documents()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wanedit_core::IssueCode;

    fn policy(patterns: &[&str], strict: bool) -> ModelPolicy {
        ModelPolicy::from_args(&PolicyArgs {
            allow_models: patterns.iter().map(|p| p.to_string()).collect(),
            strict,
        })
        .unwrap()
    }

    #[test]
    fn default_allows_the_editing_models_only() {
        let p = policy(&[], false);
        for m in ["wan2.1-vace-plus", "wanx2.1-vace-plus", "wan2.7-videoedit"] {
            assert!(p.allows(m), "{m}");
        }
        for m in ["wan2.7-t2v", "wan2.6-i2v", "wan2.7-videoedit2", ""] {
            assert!(!p.allows(m), "{m}");
        }
    }

    #[test]
    fn globs_match_whole_names() {
        let p = policy(&["wan2.*-t2v", "wan2.6-i2v"], false);
        assert!(p.allows("wan2.7-t2v"));
        assert!(p.allows("wan2.6-t2v"));
        assert!(p.allows("wan2.6-i2v"));
        assert!(!p.allows("wan2.6-i2v-flash"));
        assert!(!p.allows("wan2.1-vace-plus"));
        assert!(policy(&["*"], false).allows("wan3.0-video"));
    }

    #[test]
    fn only_a_held_key_is_checked() {
        let p = policy(&[], false);
        assert!(p.check_model(false, Some("wan2.7-t2v")).is_ok());
        assert!(p.check_model(true, None).is_ok());
        let err = p.check_model(true, Some("wan2.7-t2v")).unwrap_err();
        assert_eq!(err.status_code().1, "RelayModelNotAllowed");
        assert!(err.to_string().contains("--allow-model"), "{err}");
    }

    #[test]
    fn bad_patterns_are_refused_naming_the_flag() {
        for bad in ["", "wan 2", "wan/2", &"a".repeat(65)] {
            let err = ModelPolicy::from_args(&PolicyArgs {
                allow_models: vec![bad.to_string()],
                strict: false,
            })
            .unwrap_err();
            assert!(err.to_string().contains("--allow-model"), "{err}");
        }
    }

    #[test]
    fn strict_also_refuses_what_the_documents_do_not_describe() {
        let unknown = [Issue::warning(
            "input.function",
            IssueCode::UnexpectedField,
            "x",
        )];
        let advice = [Issue::warning(
            "input.prompt",
            IssueCode::PromptTooLong,
            "x",
        )];
        assert!(!policy(&[], false).refuses(&unknown));
        assert!(policy(&[], true).refuses(&unknown));
        assert!(!policy(&[], true).refuses(&advice));
        let error = [Issue::error("model", IssueCode::MissingField, "x")];
        assert!(policy(&[], false).refuses(&error));
    }
}
