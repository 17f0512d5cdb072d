//! Every string of the UI, in English and Chinese. Issue messages come from `wanedit-core` in
//! English; [`issue_label`] adds a short label per `IssueCode` in the chosen language.
//!
//! The fixed strings are [`Strings`] (`strings.rs`), one table per language ([`EN`] in
//! `en.rs`, [`ZH`] in `zh.rs`); labels of values (operations, fields, choices, statuses,
//! upstreams, issue codes) are functions in `labels.rs`.

use serde::{Deserialize, Serialize};

mod en;
mod labels;
mod strings;
mod zh;

pub use en::EN;
pub use labels::{
    choice_label, field_hint, field_label, issue_label, op_name, op_summary, status_name,
    upstream_label,
};
pub use strings::Strings;
pub use zh::ZH;

/// A UI language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Both languages.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The BCP 47 tag (`<html lang>`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }

    /// The language of a tag (`zh`, `zh-CN`, `en-US` …); English for anything else.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

/// The strings of `lang`.
pub fn strings(lang: Lang) -> &'static Strings {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}
