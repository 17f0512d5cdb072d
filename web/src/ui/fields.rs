//! One control per field kind, each with a visible label, its API name, its default, and the
//! issues validation reports for it.

use leptos::prelude::*;
use wanedit_core::model::ObjOrBg;
use wanedit_core::validate::prompt_chars;
use wanedit_core::IssueCode;

use super::rx;
use super::{Ctx, FormState};
use crate::forms::{format_number, slider_value, Control, Field, Target};
use crate::i18n::{self, field_hint, issue_label};
use crate::num::{fixed, shortest};

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

fn hint(ctx: Ctx, field: Field) -> impl IntoView {
    move || field_hint(ctx.lang.get(), field).map(|h| view! { <p class="hint">{h}</p> })
}

/// The frame of a field's control: its label, the control, the field's hint and its issues.
fn framed(form: FormState, field: Field, required: bool, control: AnyView) -> AnyView {
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

fn default_text(ctx: Ctx, text: String) -> impl IntoView {
    view! { <span class="default">{rx(move || format!("{}: {}", ctx.t().default_word, text))}</span> }
}

/// A prompt with its character counter.
pub fn text(form: FormState, field: Field, limit: usize, required: bool) -> AnyView {
    let ctx = expect_context::<Ctx>();
    let id = dom_id(form, field, None);
    let value = move || {
        form.values.with(|v| {
            if field == Field::NegativePrompt {
                v.negative_prompt.clone()
            } else {
                v.prompt.clone()
            }
        })
    };
    let count = Memo::new(move |_| {
        form.values.with(|v| {
            prompt_chars(if field == Field::NegativePrompt {
                &v.negative_prompt
            } else {
                &v.prompt
            })
        })
    });
    let counter_id = format!("{id}-counter");
    view! {
        <div class="field" data-field=field.api_name()>
            <FieldLabel form field required />
            <textarea
                id=id
                rows=if field == Field::Prompt { 4 } else { 2 }
                aria-describedby=format!("{counter_id} {}", issues_id(form, field, None))
                prop:value=value
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    form.values.update(|v| {
                        if field == Field::NegativePrompt {
                            v.negative_prompt = text;
                        } else {
                            v.prompt = text;
                        }
                    });
                }
            ></textarea>
            <p class="counter" class:over=rx(move || { count.get() > limit }) id=counter_id>
                {rx(move || {
                    let t = ctx.t();
                    format!("{} / {limit} {} · {} {limit}", count.get(), t.characters, t.read_limit)
                })}
            </p>
            <Issues form target=Target { field, index: None } />
        </div>
    }
    .into_any()
}

/// A select of enumeration values; empty sends nothing.
pub fn choice(
    form: FormState,
    field: Field,
    options: Vec<&'static str>,
    default: Option<&'static str>,
) -> AnyView {
    let ctx = expect_context::<Ctx>();
    let id = dom_id(form, field, None);
    let current = move || form.values.with(|v| v.choice(field).to_string());
    let label_of = move |value: &'static str| {
        let lang = ctx.lang.get();
        let name = i18n::choice_label(lang, value);
        match (value, field) {
            ("", _) => ctx.t().none_value.to_string(),
            (_, crate::forms::Field::Ratio) => value.to_string(),
            _ if name.is_empty() => value.to_string(),
            _ => format!("{value} — {name}"),
        }
    };
    let first = move || match default {
        Some("") if field == Field::Ratio => {
            format!("{} ({})", ctx.t().default_word, ctx.t().same_as_input)
        }
        Some(d) => format!("{} ({})", ctx.t().default_word, label_of(d)),
        None => ctx.t().choose.to_string(),
    };
    let select = view! {
        <select
            id=id
            aria-describedby=issues_id(form, field, None)
            on:change=move |ev| {
                let v = event_target_value(&ev);
                form.values.update(|vals| drop(vals.choices.insert(field, v)));
            }
        >
            <option value="" selected=rx(move || current().is_empty())>
                {first}
            </option>
            {options
                .into_iter()
                .filter(|o| !o.is_empty())
                .map(|o| {
                    view! {
                        <option value=o selected=rx(move || current() == o)>
                            {rx(move || label_of(o))}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    };
    framed(form, field, default.is_none(), select.into_any())
}

/// A yes/no with a default that sends nothing.
pub fn flag(form: FormState, field: Field, default: Option<bool>) -> AnyView {
    let ctx = expect_context::<Ctx>();
    let id = dom_id(form, field, None);
    let current = move || form.values.with(|v| v.flags.get(&field).copied());
    let first = move || {
        let t = ctx.t();
        match default {
            Some(true) => format!("{} ({})", t.default_word, t.on),
            Some(false) => format!("{} ({})", t.default_word, t.off),
            None => format!("{} ({})", t.default_word, t.service_default),
        }
    };
    let select = view! {
        <select
            id=id
            aria-describedby=issues_id(form, field, None)
            on:change=move |ev| {
                let v = event_target_value(&ev);
                form.values.update(|vals| match v.as_str() {
                    "true" => drop(vals.flags.insert(field, true)),
                    "false" => drop(vals.flags.insert(field, false)),
                    _ => drop(vals.flags.remove(&field)),
                });
            }
        >
            <option value="" selected=rx(move || current().is_none())>{first}</option>
            <option value="true" selected=rx(move || current() == Some(true))>
                {ctx.tr(|s| s.on)}
            </option>
            <option value="false" selected=rx(move || current() == Some(false))>
                {ctx.tr(|s| s.off)}
            </option>
        </select>
    };
    framed(form, field, false, select.into_any())
}

/// A slider over the documented range, with its value, default and a reset.
pub fn slider(
    form: FormState,
    field: Field,
    min: f64,
    max: f64,
    step: f64,
    default: f64,
) -> AnyView {
    let ctx = expect_context::<Ctx>();
    let id = dom_id(form, field, None);
    let out_id = format!("{id}-value");
    let is_set = move || form.values.with(|v| !v.number(field).is_empty());
    let value = move || form.values.with(|v| slider_value(v, field, default));
    view! {
        <div class="field slider" data-field=field.api_name()>
            <FieldLabel form field />
            <div class="slider-row">
                <input
                    id=id.clone()
                    type="range"
                    min=shortest(min)
                    max=shortest(max)
                    step=shortest(step)
                    aria-describedby=out_id.clone()
                    prop:value=rx(move || shortest(value()))
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        form.values.update(|vals| drop(vals.numbers.insert(field, v)));
                    }
                />
                <output id=out_id for=id class:set=is_set>
                    {rx(move || format_number(value()))}
                </output>
                <button
                    type="button"
                    class="link reset"
                    disabled=rx(move || !is_set())
                    title=ctx.tr(|s| s.reset)
                    aria-label=ctx.tr(|s| s.reset)
                    on:click=move |_| form.values.update(|vals| drop(vals.numbers.remove(&field)))
                >
                    "↺"
                </button>
            </div>
            <p class="range">
                {format!("{} – {}", format_number(min), format_number(max))}
                " · "
                {default_text(ctx, format_number(default))}
                {rx(move || (!is_set()).then(|| format!(" ({})", ctx.t().service_default)))}
            </p>
            {hint(ctx, field)}
            <Issues form target=Target { field, index: None } />
        </div>
    }
    .into_any()
}

/// A whole number in a range; empty sends nothing.
pub fn integer(
    form: FormState,
    field: Field,
    min: u64,
    max: Option<u64>,
    default: Option<u64>,
) -> AnyView {
    let ctx = expect_context::<Ctx>();
    let id = dom_id(form, field, None);
    // The mask frame's upper bound depends on the video: frame rate × duration + 1.
    let max = Signal::derive(move || {
        max.or_else(|| {
            form.files.with(|fs| {
                fs.iter()
                    .find(|f| f.field == Field::VideoUrl)
                    .and_then(|f| f.info.as_ref())
                    .and_then(wanedit_core::media::max_mask_frame_id)
            })
        })
    });
    let range = move || match max.get() {
        Some(max) => format!("{min} – {max}"),
        None => format!("≥ {min}"),
    };
    let placeholder = move || match default {
        Some(d) => format!("{}: {d}", ctx.t().default_word),
        None => ctx.t().random.to_string(),
    };
    let input = view! {
        <input
            id=id
            type="number"
            aria-describedby=issues_id(form, field, None)
            inputmode="numeric"
            min=min
            max=rx(move || max.get().map(|m| m.to_string()))
            step="1"
            placeholder=placeholder
            prop:value=rx(move || form.values.with(|v| v.number(field).to_string()))
            on:input=move |ev| {
                let v = event_target_value(&ev);
                form.values.update(|vals| vals.set_number(field, v));
            }
        />
        <p class="range">{range}</p>
    };
    framed(form, field, false, input.into_any())
}

/// A select of a few whole numbers; nothing chosen sends nothing.
pub fn integer_choice(form: FormState, field: Field, values: Vec<u64>, default: u64) -> AnyView {
    let ctx = expect_context::<Ctx>();
    let id = dom_id(form, field, None);
    let current = move || form.values.with(|v| v.number(field).to_string());
    let describe = move |n: u64| {
        let t = ctx.t();
        if n == 0 {
            format!("0 ({})", t.keep_input_length)
        } else {
            format!("{n} {}", t.seconds)
        }
    };
    let select = view! {
        <select
            id=id
            aria-describedby=issues_id(form, field, None)
            on:change=move |ev| {
                let v = event_target_value(&ev);
                form.values.update(|vals| vals.set_number(field, v));
            }
        >
            <option value="" selected=rx(move || current().is_empty())>
                {rx(move || format!("{} ({})", ctx.t().default_word, describe(default)))}
            </option>
            {values
                .into_iter()
                .map(|n| {
                    let s = n.to_string();
                    let s2 = s.clone();
                    view! {
                        <option value=s selected=rx(move || current() == s2)>
                            {rx(move || describe(n))}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    };
    framed(form, field, false, select.into_any())
}

/// The size picker: one radio per size, each with a picture of its shape.
pub fn size_picker(
    form: FormState,
    field: Field,
    options: Vec<wanedit_core::model::Size>,
    default: wanedit_core::model::Size,
) -> AnyView {
    let ctx = expect_context::<Ctx>();
    let name = dom_id(form, field, None);
    let current = move || form.values.with(|v| v.choice(field).to_string());
    view! {
        <fieldset class="field size-picker" data-field=field.api_name()>
            <legend>
                <span class="label-text">{ctx.label(field)}</span>
                " "
                <code class="api-name">{field.api_name()}</code>
            </legend>
            <div class="sizes">
                {options
                    .into_iter()
                    .map(|size| {
                        let (w, h) = size.dimensions();
                        let value = size.as_str();
                        let is_default = size == default;
                        let id = format!("{name}-{w}x{h}");
                        let label_for = id.clone();
                        let checked = move || {
                            let c = current();
                            c == value || (c.is_empty() && is_default)
                        };
                        let box_w = 44.0 * w as f64 / w.max(h) as f64;
                        let box_h = 44.0 * h as f64 / w.max(h) as f64;
                        view! {
                            <label class="size" for=label_for class:checked=checked>
                                <input
                                    type="radio"
                                    id=id
                                    name=name.clone()
                                    value=value
                                    prop:checked=checked
                                    on:change=move |_| {
                                        form.values
                                            .update(|v| drop(v.choices.insert(field, value.to_string())))
                                    }
                                />
                                <span class="shape-box" aria-hidden="true">
                                    <span
                                        class="shape"
                                        style=format!("width:{}px;height:{}px", fixed(box_w, 0), fixed(box_h, 0))
                                    ></span>
                                </span>
                                <span class="size-name">{value}</span>
                                {is_default
                                    .then(|| {
                                        view! {
                                            <span class="default">
                                                {ctx.tr(|s| s.default_word)}
                                            </span>
                                        }
                                    })}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            <Issues form target=Target { field, index: None } />
        </fieldset>
    }
    .into_any()
}

/// The role select of reference image `index` (`obj_or_bg`).
pub fn role_select(form: FormState, index: usize) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let id = dom_id(form, Field::ObjOrBg, Some(index));
    let current = move || form.values.with(|v| v.roles.get(index).copied());
    view! {
        <div class="role">
            <label for=id.clone()>
                {ctx.label(Field::ObjOrBg)}
                " "
                <code class="api-name">{format!("obj_or_bg[{index}]")}</code>
            </label>
            <select
                id=id
                aria-describedby=issues_id(form, Field::ObjOrBg, Some(index))
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(role) = ObjOrBg::parse(&v) {
                        form.values.update(|vals| {
                            if let Some(r) = vals.roles.get_mut(index) {
                                *r = role;
                            }
                        });
                    }
                }
            >
                {ObjOrBg::ALL
                    .iter()
                    .map(|role| {
                        let role = *role;
                        view! {
                            <option value=role.as_str() selected=rx(move || current() == Some(role))>
                                {rx(move || match role {
                                    ObjOrBg::Obj => ctx.t().role_obj,
                                    ObjOrBg::Bg => ctx.t().role_bg,
                                })}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <Issues form target=Target { field: Field::ObjOrBg, index: Some(index) } />
        </div>
    }
}

/// The control of `field`.
pub fn render(form: FormState, field: Field) -> AnyView {
    match crate::forms::control(form.op, field) {
        Control::Text { limit, required } => text(form, field, limit, required),
        Control::Choice { options, default } => choice(form, field, options, default),
        Control::Flag { default } => flag(form, field, default),
        Control::Slider {
            min,
            max,
            step,
            default,
        } => slider(form, field, min, max, step, default),
        Control::Integer { min, max, default } => integer(form, field, min, max, default),
        Control::IntegerChoice { values, default } => integer_choice(form, field, values, default),
        Control::SizePicker { options, default } => size_picker(form, field, options, default),
        Control::Media => super::media_input::single(form, field),
        Control::MediaList { max } => super::media_input::list(form, field, max),
        // The roles are shown with each reference image; here only issues about the list.
        Control::Roles => view! {
            <div class="field roles" data-field=field.api_name()>
                <Issues form target=Target { field, index: None } />
            </div>
        }
        .into_any(),
        Control::Fixed => ().into_any(),
    }
}
