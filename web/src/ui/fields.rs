//! One control per field kind, each with a visible label, its API name, its default, and the
//! issues validation reports for it (the frame they share is in `field_frame.rs`; media fields
//! are in `media_input.rs`).

use leptos::prelude::*;
use wanedit_core::validate::prompt_chars;

use super::field_frame::{dom_id, framed, hint, issues_id, FieldLabel, Issues};
use super::media_input;
use super::rx;
use super::{Ctx, FormState};
use crate::forms::{format_number, slider_value, Control, Field, Target};
use crate::i18n;
use crate::num::{fixed, shortest};

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
                                        style:width=format!("{}px", fixed(box_w, 0))
                                        style:height=format!("{}px", fixed(box_h, 0))
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
        Control::Media => media_input::single(form, field),
        Control::MediaList { max } => media_input::list(form, field, max),
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
