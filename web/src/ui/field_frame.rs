//! The frame every field's control shares: its DOM ids, its label (name, API name, "required"),
//! its hint and the issues validation reports for it. The controls (`fields.rs`) and the media
//! fields (`media_input.rs`) are both built on it.

use leptos::prelude::*;
use wanedit_core::IssueCode;

use super::rx;
use super::{Ctx, FormState};
use crate::forms::{Field, Target};
use crate::i18n::{field_hint, issue_label};

/// The DOM id of a field's control.
pub fn dom_id(form: FormState, field: Field, index: Option<usize>) -> String {
    match index {
        Some(i) => format!("{}-{}-{i}", form.op.slug(), field.api_name()),
        None => format!("{}-{}", form.op.slug(), field.api_name()),
    }
}

/// The DOM id of the issue list of a field's control, which the control names in its
/// `aria-describedby`.
pub fn issues_id(form: FormState, field: Field, index: Option<usize>) -> String {
    format!("{}-issues", dom_id(form, field, index))
}

/// Whether an issue only says that something is not filled in yet (not pointed out on a
/// pristine form).
fn is_missing(code: IssueCode) -> bool {
    matches!(
        code,
        IssueCode::MissingField | IssueCode::EmptyValue | IssueCode::TooFewItems
    )
}

/// The issues shown at `target` (errors and warnings, with core's message and a label in the
/// current language).
#[component]
pub fn Issues(form: FormState, target: Target) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let op = form.op;
    let list = Memo::new(move |_| {
        let pristine = form.pristine.get();
        // A local file that is being read, sent or was refused says so itself.
        let has_file = form.files.with(|fs| {
            fs.iter()
                .any(|f| f.field == target.field && f.index == target.index)
        });
        form.checked.with(|c| {
            c.issues_at(op, target)
                .into_iter()
                .filter(|i| !((pristine || has_file) && is_missing(i.code)))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let id = issues_id(form, target.field, target.index);
    view! {
        <ul class="issues" id=id aria-live="polite">
            {rx(move || {
                let lang = ctx.lang.get();
                let t = ctx.t();
                list.get()
                    .into_iter()
                    .map(|issue| {
                        let error = issue.is_error();
                        let kind = if error { t.error } else { t.warning };
                        view! {
                            <li
                                class=if error { "issue error" } else { "issue warning" }
                                data-code=issue.code.as_str()
                                data-path=issue.path.clone()
                            >
                                <span class="issue-kind">
                                    {format!("{kind} · {}", issue_label(lang, issue.code))}
                                </span>
                                " "
                                <span class="issue-message">{issue.message.clone()}</span>
                            </li>
                        }
                    })
                    .collect_view()
            })}
        </ul>
    }
}

/// A label with the field's name, API name and optional "required" mark.
#[component]
pub fn FieldLabel(
    form: FormState,
    field: Field,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let id = dom_id(form, field, None);
    view! {
        <label for=id>
            <span class="label-text">{ctx.label(field)}</span>
            " "
            <code class="api-name">{field.api_name()}</code>
            {required.then(|| view! { <span class="req">{ctx.tr(|s| s.required)}</span> })}
        </label>
    }
}

pub(super) fn hint(ctx: Ctx, field: Field) -> impl IntoView {
    move || field_hint(ctx.lang.get(), field).map(|h| view! { <p class="hint">{h}</p> })
}

/// The frame of a field's control: its label, the control, the field's hint and its issues.
pub(super) fn framed(form: FormState, field: Field, required: bool, control: AnyView) -> AnyView {
    let ctx = expect_context::<Ctx>();
    view! {
        <div class="field" data-field=field.api_name()>
            <FieldLabel form field required />
            {control}
            {hint(ctx, field)}
            <Issues form target=Target { field, index: None } />
        </div>
    }
    .into_any()
}
