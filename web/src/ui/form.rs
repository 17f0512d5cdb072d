//! The editor: one tab per operation, the active form, and its extras (mask editor hook,
//! frame grabbing, outpainting preview).

use leptos::html;
use leptos::prelude::*;
use wanedit_core::curl::to_curl_with_workspace;
use wanedit_core::region::Region;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::field_frame::Issues;
use super::fields;
use super::rx;
use super::{actions, draft, examples, Ctx, FormState, SubmitState};
use crate::forms::{slider_value, Field, MaskKind, Op, Target};
use crate::i18n::issue_label;
use crate::media::Outpaint;
use crate::num::fixed;

#[component]
pub fn Editor() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    draft::restore_and_keep(ctx);
    let focus_tab = move |op: Op| {
        if let Some(el) = ctx
            .element(&format!("tab-{}", op.slug()))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let ops = ctx.ops.get_untracked();
        let i = ops
            .iter()
            .position(|o| *o == ctx.active.get_untracked())
            .unwrap_or(0);
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => (i + 1) % ops.len(),
            "ArrowLeft" | "ArrowUp" => (i + ops.len() - 1) % ops.len(),
            "Home" => 0,
            "End" => ops.len() - 1,
            _ => return,
        };
        ev.prevent_default();
        ctx.active.set(ops[next]);
        focus_tab(ops[next]);
    };
    view! {
        <section class="panel editor" id="editor" aria-labelledby="editor-h">
            <h2 id="editor-h">{ctx.tr(|s| s.edit_heading)}</h2>
            <div class="tabs" role="tablist" aria-labelledby="editor-h" on:keydown=on_key>
                {Op::ALL
                    .into_iter()
                    .map(|op| {
                        let selected = move || ctx.active.get() == op;
                        let offered = move || ctx.ops.with(|ops| ops.contains(&op));
                        view! {
                            <button
                                type="button"
                                role="tab"
                                id=format!("tab-{}", op.slug())
                                aria-controls=format!("form-{}", op.slug())
                                aria-selected=rx(move || if selected() { "true" } else { "false" })
                                tabindex=rx(move || if selected() { "0" } else { "-1" })
                                class:active=selected
                                hidden=rx(move || !offered())
                                on:click=move |_| ctx.active.set(op)
                            >
                                {ctx.op_name(op)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            {rx(move || {
                let op = ctx.active.get();
                view! { <OpForm form=ctx.form(op) /> }
            })}
        </section>
    }
}

fn curl_base(ctx: Ctx, region: &Region, upstream: &str) -> String {
    match region {
        Region::Intl | Region::Cn => region.base_url().to_string(),
        Region::Custom(_) => ctx.conn_config(upstream).base_url,
    }
}

#[component]
fn OpForm(form: FormState) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let op = form.op;
    let all = op.fields();
    let (inputs, params): (Vec<Field>, Vec<Field>) =
        all.iter().copied().partition(|f| f.is_input());
    let mask_kind = Memo::new(move |_| form.values.with(|v| v.mask_kind));
    let shown = move |field: Field| match field {
        Field::MaskImageUrl | Field::MaskFrameId => mask_kind.get() == MaskKind::Image,
        Field::MaskVideoUrl => mask_kind.get() == MaskKind::Video,
        _ => true,
    };
    let render = move |field: Field| {
        let extra = match (op, field) {
            (Op::VideoEdit, Field::MaskImageUrl) => Some(mask_choice(form).into_any()),
            _ => None,
        };
        let after = match (op, field) {
            (Op::VideoEdit, Field::MaskFrameId) => {
                let on_mask = move |blob: web_sys::Blob| {
                    actions::accept_file(
                        ctx,
                        form,
                        Field::MaskImageUrl,
                        None,
                        blob,
                        "mask.png".into(),
                    )
                };
                Some(
                    view! {
                        <crate::mask_editor::MaskEditorHook form label=ctx.tr(|s| s.draw_mask) t=move || ctx.t() on_mask />
                    }
                    .into_any(),
                )
            }
            (Op::VideoExtension, Field::LastFrameUrl) => {
                Some(view! { <FrameGrab form /> }.into_any())
            }
            (Op::VideoOutpainting, Field::RightScale) => {
                Some(view! { <OutpaintPreview form /> }.into_any())
            }
            _ => None,
        };
        view! {
            {extra}
            {rx(move || shown(field).then(|| fields::render(form, field)))}
            {after}
        }
    };
    let errors = Memo::new(move |_| form.checked.with(|c| c.has_errors()));
    let busy = Memo::new(move |_| form.busy());
    let sending = move || form.submit.get() == SubmitState::Sending;
    let model = move || {
        form.checked
            .with(|c| c.body["model"].as_str().unwrap_or("").to_string())
    };
    let json = move || {
        form.checked
            .with(|c| wanedit_core::text::json_text_pretty(&c.body))
    };
    let curl = move || {
        let upstream = ctx.settings.with_untracked(|s| s.upstream.clone());
        let ws = ctx.settings.with_untracked(|s| s.workspace.clone());
        let base = ctx.region.with_untracked(|r| curl_base(ctx, r, &upstream));
        form.checked
            .with_untracked(|c| to_curl_with_workspace(&base, &c.body, Some(&ws)))
    };
    let slug = op.slug();
    view! {
        <div
            class="op-form"
            id=format!("form-{slug}")
            role="tabpanel"
            aria-labelledby=format!("tab-{slug}")
            data-op=slug
        >
            <p class="summary">{ctx.op_summary(op)}</p>
            <div class="model field" data-field="model">
                <span class="label-text">{ctx.tr(|s| s.model)}</span>
                " "
                <code class="model-name">{model}</code>
                " "
                <span class="hint">{rx(move || format!("({})", ctx.t().model_hint))}</span>
                <Issues form target=Target { field: Field::Model, index: None } />
            </div>
            <form
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    actions::submit(ctx, form);
                }
            >
                <div class="group">
                    {inputs.into_iter().map(render).collect_view()}
                </div>
                <fieldset class="group params">
                    <legend>"parameters"</legend>
                    {params.into_iter().map(render).collect_view()}
                </fieldset>
                <div class="general" data-field="general">
                    <Show when=move || {
                        form.checked
                            .with(|c| !c.issues_at(op, Target { field: Field::General, index: None }).is_empty())
                    }>
                        <p class="label-text">{ctx.tr(|s| s.form_issues)}</p>
                    </Show>
                    <Issues form target=Target { field: Field::General, index: None } />
                </div>
                <div class="actions">
                    <button
                        type="submit"
                        class="submit primary"
                        disabled=rx(move || errors.get() || busy.get() || sending())
                        aria-describedby=format!("{slug}-submit-status")
                    >
                        {rx(move || if sending() { ctx.t().submitting } else { ctx.t().submit })}
                    </button>
                    <button type="button" class="copy-curl" on:click=move |_| actions::copy(ctx, form, curl())>
                        {ctx.tr(|s| s.copy_curl)}
                    </button>
                    <button type="button" class="copy-json" on:click=move |_| actions::copy(ctx, form, json())>
                        {ctx.tr(|s| s.copy_json)}
                    </button>
                    <button type="button" class="try-example" on:click=move |_| examples::fill(ctx, op)>
                        {ctx.tr(|s| s.try_example)}
                    </button>
                    <button type="button" class="clear-form link" on:click=move |_| draft::clear(ctx, op)>
                        {ctx.tr(|s| s.clear_form)}
                    </button>
                    <span class="note" role="status">{rx(move || form.note.get())}</span>
                </div>
                <div class="submit-status" id=format!("{slug}-submit-status") aria-live="polite">
                    {rx(move || {
                        let t = ctx.t();
                        let lang = ctx.lang.get();
                        match form.submit.get() {
                            SubmitState::Done(id) => view! {
                                <p class="ok">
                                    {format!("{}: ", t.submitted)}<code class="task-id">{id}</code>
                                    " "
                                    // Where the list sits below the form (a phone), a way down to it.
                                    <button type="button" class="link tasks-jump" on:click=move |_| {
                                        if let Some(el) = ctx.element("tasks-h") {
                                            el.scroll_into_view();
                                        }
                                    }>
                                        {format!("{} ({}) ↓", t.tasks_jump, ctx.tasks.with(Vec::len))}
                                    </button>
                                </p>
                            }
                            .into_any(),
                            SubmitState::Failed(text, issues) => view! {
                                <div class="failed" role="alert">
                                    <p class="issue error">{format!("{}: {text}", t.submit_failed)}</p>
                                    <ul class="issues">
                                        {issues
                                            .into_iter()
                                            .map(|i| view! {
                                                <li class="issue error" data-code=i.code.as_str()>
                                                    {format!("{} · {}", issue_label(lang, i.code), i)}
                                                </li>
                                            })
                                            .collect_view()}
                                    </ul>
                                </div>
                            }
                            .into_any(),
                            _ if errors.get() => {
                                // Name the fields that still need fixing.
                                let mut fields: Vec<Field> = form.checked.with(|c| {
                                    c.issues
                                        .iter()
                                        .filter(|i| i.is_error())
                                        .map(|i| crate::forms::issue_target(op, &i.path).field)
                                        .collect()
                                });
                                fields.sort();
                                fields.dedup();
                                let names: Vec<&str> = fields
                                    .into_iter()
                                    .map(|f| crate::i18n::field_label(lang, f))
                                    .collect();
                                view! {
                                    <p class="blocked">{format!("{} {}", t.submit_blocked, names.join(", "))}</p>
                                }
                                .into_any()
                            }
                            _ if busy.get() => view! { <p class="blocked">{t.submit_uploading}</p> }.into_any(),
                            _ => ().into_any(),
                        }
                    })}
                </div>
                <details class="json">
                    <summary>{ctx.tr(|s| s.request_json)}</summary>
                    <pre class="request-json">{json}</pre>
                </details>
            </form>
        </div>
    }
}

/// Local editing: mask image (recommended) or mask video.
fn mask_choice(form: FormState) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let kind = move || form.values.with(|v| v.mask_kind);
    let name = format!("{}-mask-kind", form.op.slug());
    let name2 = name.clone();
    view! {
        <fieldset class="field mask-kind">
            <legend>{ctx.tr(|s| s.mask_which)}</legend>
            <label class="inline">
                <input
                    type="radio"
                    name=name
                    value="image"
                    id="mask-kind-image"
                    prop:checked=rx(move || kind() == MaskKind::Image)
                    on:change=move |_| form.values.update(|v| v.mask_kind = MaskKind::Image)
                />
                {ctx.tr(|s| s.mask_image_option)}
            </label>
            <label class="inline">
                <input
                    type="radio"
                    name=name2
                    value="video"
                    id="mask-kind-video"
                    prop:checked=rx(move || kind() == MaskKind::Video)
                    on:change=move |_| form.values.update(|v| v.mask_kind = MaskKind::Video)
                />
                {ctx.tr(|s| s.mask_video_option)}
            </label>
        </fieldset>
    }
}

/// Draws the current frame of a `<video>` into a PNG blob.
async fn frame_png(video: &web_sys::HtmlVideoElement) -> Option<web_sys::Blob> {
    let (w, h) = (video.video_width(), video.video_height());
    if w == 0 || h == 0 {
        return None;
    }
    let canvas: web_sys::HtmlCanvasElement = web_sys::window()?
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    canvas.set_width(w);
    canvas.set_height(h);
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").ok()??.dyn_into().ok()?;
    context
        .draw_image_with_html_video_element(video, 0.0, 0.0)
        .ok()?;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let callback = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        let _ = canvas.to_blob_with_type(callback.unchecked_ref(), "image/png");
    });
    let blob = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    blob.dyn_into().ok()
}

/// Video extension: take the current frame of a local video as the first or last frame.
#[component]
fn FrameGrab(form: FormState) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let source = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let video_ref = NodeRef::<html::Video>::new();
    let grab = move |field: Field, name: &'static str| {
        let Some(video) = video_ref.get() else { return };
        ctx.spawn(async move {
            match frame_png(&video).await {
                Some(blob) => {
                    status.set(None);
                    actions::accept_file(ctx, form, field, None, blob, name.to_string());
                }
                None => status.set(Some(ctx.t().frame_grab_failed.to_string())),
            }
        });
    };
    let on_file = move |ev: web_sys::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            if let Some(old) = source.get_untracked() {
                let _ = web_sys::Url::revoke_object_url(&old);
            }
            source.set(web_sys::Url::create_object_url_with_blob(&file).ok());
        }
    };
    view! {
        <fieldset class="field frame-grab">
            <legend>{ctx.tr(|s| s.frame_grab)}</legend>
            <p class="hint">{ctx.tr(|s| s.frame_grab_hint)}</p>
            <label for="frame-grab-file">{ctx.tr(|s| s.frame_grab_source)}</label>
            <input id="frame-grab-file" type="file" accept="video/mp4,video/quicktime,.mp4,.mov" on:change=on_file />
            <Show when=move || source.with(Option::is_some)>
                <video
                    node_ref=video_ref
                    class="preview"
                    src=rx(move || source.get().unwrap_or_default())
                    controls
                    muted
                    playsinline
                    preload="auto"
                ></video>
                <div class="actions">
                    <button type="button" class="grab-first" on:click=move |_| grab(Field::FirstFrameUrl, "frame-first.png")>
                        {ctx.tr(|s| s.use_first_frame)}
                    </button>
                    <button type="button" class="grab-last" on:click=move |_| grab(Field::LastFrameUrl, "frame-last.png")>
                        {ctx.tr(|s| s.use_last_frame)}
                    </button>
                </div>
            </Show>
            <p class="note" role="status">{rx(move || status.get())}</p>
        </fieldset>
    }
}

/// Video outpainting: the expanded canvas for the chosen scales.
#[component]
fn OutpaintPreview(form: FormState) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let size = Memo::new(move |_| {
        let local = form.files.with(|fs| {
            fs.iter()
                .find(|f| f.field == Field::VideoUrl)
                .and_then(|f| f.info.as_ref().map(|i| (i.width, i.height)))
        });
        local.or(form.video_size.get())
    });
    let geometry = move || {
        let (w, h) = size.get().unwrap_or((1280, 720));
        let (w, h) = (w as f64, h as f64);
        let scale = |f| form.values.with(|v| slider_value(v, f, 1.0));
        let g = Outpaint::new(
            w,
            h,
            scale(Field::TopScale),
            scale(Field::BottomScale),
            scale(Field::LeftScale),
            scale(Field::RightScale),
        );
        (w, h, g)
    };
    let preview = move || {
        let local = form.files.with(|fs| {
            fs.iter()
                .find(|f| f.field == Field::VideoUrl)
                .map(|f| f.object_url.clone())
        });
        local.or_else(|| {
            let u = form.values.with(|v| v.url(Field::VideoUrl).to_string());
            (u.starts_with("http://") || u.starts_with("https://")).then_some(u)
        })
    };
    // Sizes through the CSSOM, not a `style` attribute: no `'unsafe-inline'` under a CSP.
    let canvas_ref = NodeRef::<leptos::html::Div>::new();
    let frame_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let (w, h, g) = geometry();
        let (Some(canvas), Some(frame)) = (canvas_ref.get(), frame_ref.get()) else {
            return;
        };
        let ratio = format!("{} / {}", fixed(g.width, 2), fixed(g.height, 2));
        let _ = web_sys::HtmlElement::style(&canvas).set_property("aspect-ratio", &ratio);
        let (l, t, fw, fh) = g.frame_percent(w, h);
        for (name, v) in [("left", l), ("top", t), ("width", fw), ("height", fh)] {
            let _ = web_sys::HtmlElement::style(&frame)
                .set_property(name, &format!("{}%", fixed(v, 2)));
        }
    });
    view! {
        <figure class="outpaint" data-hook="outpaint-preview">
            <div
                class="outpaint-canvas"
                node_ref=canvas_ref
            >
                <div class="outpaint-frame" node_ref=frame_ref>
                    {rx(move || {
                        preview()
                            .map(|src| view! { <video src=src muted playsinline preload="metadata"></video> })
                    })}
                    <span class="outpaint-label">{ctx.tr(|s| s.original)}</span>
                </div>
            </div>
            <figcaption>
                {rx(move || {
                    let (w, h, g) = geometry();
                    format!(
                        "{}: {}×{} → {}×{}",
                        ctx.t().outpaint_preview,
                        fixed(w, 0),
                        fixed(h, 0),
                        fixed(g.width, 0),
                        fixed(g.height, 0),
                    )
                })}
                <Show when=move || size.get().is_none()>
                    <span class="hint">{rx(move || format!(" {}", ctx.t().outpaint_unknown_size))}</span>
                </Show>
            </figcaption>
            // No expansion at all is a valid request that changes nothing: say so (a warning,
            // since DashScope takes it).
            <Show when=move || {
                let (w, h, g) = geometry();
                !form.pristine.get() && (g.width - w).abs() < 0.5 && (g.height - h).abs() < 0.5
            }>
                <p class="issue warning outpaint-none" role="status">{ctx.tr(|s| s.outpaint_no_expansion)}</p>
            </Show>
        </figure>
    }
}
