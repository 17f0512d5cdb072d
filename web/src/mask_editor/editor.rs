//! The mask editor component (browser only): the Leptos and canvas glue around
//! [`EditorState`]. DOM events become calls of its methods; what they report changed is
//! painted on the overlay canvas and mirrored into signals (the toolbar, the scrubber and the
//! data attributes tests read).
//!
//! Why one file of a little over 500 lines: one component whose event handlers all share its
//! signals and state; most of it is the markup. The logic is in `state.rs`, the drawing in
//! `dom.rs`, what it reads of the form in `input.rs`, the CSS in `web/style.css` (no `<style>`
//! element or `style` attribute: positions go through the CSSOM, so a strict
//! Content-Security-Policy needs no `'unsafe-inline'`).

use std::cell::RefCell;

use leptos::html;
use leptos::prelude::*;
use wanedit_core::mask::Rect;
use wasm_bindgen::JsCast;
use web_sys::{Blob, HtmlVideoElement};

use super::dom;
use super::frames;
use super::input;
use super::keys::{self, Action, ToolKind};
use super::state::{
    brush_cursor_box, overlay_style, EditorState, Export, Init, MaskStore, Moved, INITIAL_DIAMETER,
};
use super::view::View;
use crate::form_state::FormState;
use crate::forms::{Field, MaskKind};
use crate::i18n::Strings;
use crate::num::{fixed, shortest};

/// A reactive closure with its type erased, so every style property of one output type shares
/// one copy of Leptos' rendering code (the same as `crate::ui::rx`, which this module must not
/// import: it sits below the UI's components).
fn rx<T: 'static>(
    f: impl FnMut() -> T + Send + 'static,
) -> leptos::tachys::reactive_graph::SharedReactiveFunction<T> {
    std::sync::Arc::new(std::sync::Mutex::new(f))
}

thread_local! {
    /// Every mask drawn so far (with its history), by video, for every editor.
    static MASKS: RefCell<MaskStore> = RefCell::new(MaskStore::default());
}

/// Runs `f` on the stored masks.
fn with_masks<T>(f: impl FnOnce(&mut MaskStore) -> T) -> T {
    MASKS.with(|m| f(&mut m.borrow_mut()))
}

/// The "Draw mask" area of the local-editing form and the editor it opens. `label` is the
/// button's text (in the UI's language), `t` the UI's strings (reactive); "Use mask" sets the
/// form's `mask_kind` and `mask_frame_id`, then hands the PNG to `on_mask`, which takes it
/// like a chosen file, and attaches the mask's content issues to that file (an all-black
/// mask, exported only once confirmed, keeps Submit disabled).
#[component]
pub fn MaskEditorHook<L, T, F>(form: FormState, label: L, t: T, on_mask: F) -> impl IntoView
where
    L: Fn() -> &'static str + Copy + Send + Sync + 'static,
    T: Fn() -> &'static Strings + Copy + Send + Sync + 'static,
    F: Fn(Blob) + Copy + Send + Sync + 'static,
{
    let state = StoredValue::new_local(EditorState::default());
    let open = RwSignal::new(false);
    let ready = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let tool = RwSignal::new(ToolKind::Brush);
    let diameter = RwSignal::new(INITIAL_DIAMETER);
    let frame = RwSignal::new(1u32);
    let max_frame = RwSignal::new(1u32);
    let view = RwSignal::new(View::default());
    let size = RwSignal::new((0u32, 0u32));
    let cursor = RwSignal::new(None::<(f64, f64)>);
    let rect_preview = RwSignal::new(None::<(f64, f64, f64, f64)>);
    let lasso_preview = RwSignal::new(String::new());
    let help = RwSignal::new(false);
    let colour = RwSignal::new(String::from("#ff0000"));
    let opacity = RwSignal::new(50u32);
    // Exposed as data attributes (tests, benchmarks).
    let undo_steps = RwSignal::new(0usize);
    let redo_steps = RwSignal::new(0usize);
    let history_bytes = RwSignal::new(0usize);
    let coverage = RwSignal::new(0.0f64);
    let export_ms = RwSignal::new(None::<f64>);
    let export_url = RwSignal::new(String::new());
    // "Use mask" on an all-black mask: the question asked (the issue's message), until answered.
    let confirm_empty = RwSignal::new(false);

    let can_open = Memo::new(move |_| input::can_open(form));
    let frame_canvas = NodeRef::<html::Canvas>::new();
    let overlay_canvas = NodeRef::<html::Canvas>::new();
    let video_ref = NodeRef::<html::Video>::new();
    let viewport_ref = NodeRef::<html::Div>::new();
    let modal_ref = NodeRef::<html::Div>::new();

    // Redraws `rect` of the overlay (the whole mask for `None`).
    let paint = move |s: &EditorState, rect: Option<Rect>| {
        if let (Some(mask), Some(canvas)) = (s.mask.as_ref(), overlay_canvas.get_untracked()) {
            dom::paint_overlay(&canvas, mask, s.style, rect);
        }
    };
    let sync = move |s: &EditorState| {
        if let Some(h) = s.history() {
            undo_steps.set(h.undo_steps);
            redo_steps.set(h.redo_steps);
            history_bytes.set(h.history_bytes);
            coverage.set(h.coverage);
        }
    };
    let draw_frame = move || {
        if let (Some(video), Some(canvas)) =
            (video_ref.get_untracked(), frame_canvas.get_untracked())
        {
            dom::draw_video_frame(&canvas, &video, size.get_untracked());
        }
    };
    let seek = move |s: &EditorState| {
        if let Some(video) = video_ref.get_untracked() {
            video.set_current_time(frames::seek_time(s.frame, s.fps, s.duration));
        }
    };
    let fit = move |s: &mut EditorState| {
        if let Some(vp) = viewport_ref.get_untracked() {
            s.fit(f64::from(vp.client_width()), f64::from(vp.client_height()));
            view.set(s.view);
        }
    };
    let go_to_frame = move |target: u32| {
        state.update_value(|s| {
            if !s.go_to_frame(target) {
                return;
            }
            frame.set(s.frame);
            sync(s);
            seek(s);
        });
    };
    // Sets the editor up once the video's metadata is known.
    let init = move |video: &HtmlVideoElement| {
        state.update_value(|s| {
            let frame_id = form
                .values
                .with_untracked(|v| v.number(Field::MaskFrameId).to_string());
            let video_size = (video.video_width(), video.video_height());
            match with_masks(|m| s.init(video_size, video.duration(), &frame_id, m)) {
                Init::NoSource => {}
                Init::UnknownSize => note.set("The video's size is unknown.".into()),
                Init::Ready { fps_assumed } => {
                    max_frame.set(s.max_frame);
                    note.set(if fps_assumed {
                        "Frame rate unknown: 30 fps assumed.".into()
                    } else {
                        String::new()
                    });
                    frame.set(s.frame);
                    size.set((s.width, s.height));
                    for c in [frame_canvas.get_untracked(), overlay_canvas.get_untracked()]
                        .into_iter()
                        .flatten()
                    {
                        c.set_width(s.width);
                        c.set_height(s.height);
                    }
                    fit(s);
                    paint(s, None);
                    sync(s);
                    seek(s);
                    ready.set(true);
                }
            }
        });
        if let Some(m) = modal_ref.get_untracked() {
            let _ = m.focus();
        }
    };
    let close = move || {
        state.update_value(|s| with_masks(|m| s.store_mask(m)));
        confirm_empty.set(false);
        open.set(false);
        help.set(false);
        cursor.set(None);
    };
    let open_editor = move |_| {
        let probing = input::probing(form);
        if probing {
            note.set("Still reading the video; try again in a moment.".into());
            return;
        }
        let Some(src) = input::source(form) else {
            note.set("Choose the input video first (a local file or an http(s) URL).".into());
            return;
        };
        note.set(String::new());
        open.set(true);
        let same = state
            .try_update_value(|s| s.open(src.clone()))
            .unwrap_or(false);
        // Focus once the dialog is shown (the display change is applied after this handler).
        set_timeout(
            move || {
                if let Some(m) = modal_ref.get_untracked() {
                    let _ = m.focus();
                }
            },
            std::time::Duration::from_millis(0),
        );
        let Some(video) = video_ref.get_untracked() else {
            return;
        };
        if same && video.ready_state() >= 1 {
            // After the dialog is shown, so that fitting sees the viewport's size.
            set_timeout(move || init(&video), std::time::Duration::from_millis(0));
        } else {
            ready.set(false);
            video.set_src(&src.url);
            video.load();
        }
    };
    let apply_action = move |a: Action| match a {
        Action::Tool(t) => {
            tool.set(t);
            state.update_value(|s| s.set_tool(t));
        }
        Action::Smaller | Action::Larger => {
            if let Some(d) = state.try_update_value(|s| s.step_diameter(a == Action::Larger)) {
                diameter.set(d);
            }
        }
        Action::Invert | Action::Clear | Action::Undo | Action::Redo => {
            confirm_empty.set(false);
            state.update_value(|s| {
                if let Some(d) = s.edit(a) {
                    paint(s, Some(d));
                }
                sync(s);
            });
        }
        Action::PrevFrame => go_to_frame(state.with_value(|s| s.frame_step(-1))),
        Action::NextFrame => go_to_frame(state.with_value(|s| s.frame_step(1))),
        Action::Fit => state.update_value(|s| fit(s)),
        Action::Help => help.update(|h| *h = !*h),
        Action::Close => close(),
    };
    // "Use mask" (`empty_confirmed`: "Use the empty mask" after the question).
    let use_mask = move |empty_confirmed: bool| {
        let exported = state.with_value(|s| {
            let t0 = js_sys::Date::now();
            let perf = web_sys::window().and_then(|w| w.performance());
            let start = perf.as_ref().map(|p| p.now()).unwrap_or(t0);
            let exported = s.export(empty_confirmed);
            let end = perf
                .as_ref()
                .map(|p| p.now())
                .unwrap_or_else(js_sys::Date::now);
            export_ms.set(Some(end - start));
            exported
        });
        let (png, id, issues) = match exported {
            Export::NoMask => return,
            Export::Confirm(_) => {
                confirm_empty.set(true);
                return;
            }
            Export::Png { png, frame, issues } => (png, frame, issues),
        };
        confirm_empty.set(false);
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(png.as_slice()));
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type("image/png");
        let Ok(blob) = Blob::new_with_u8_array_sequence_and_options(&parts, &opts) else {
            return;
        };
        if let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) {
            let old = export_url.get_untracked();
            if !old.is_empty() {
                let _ = web_sys::Url::revoke_object_url(&old);
            }
            export_url.set(url);
        }
        form.values.update(|v| {
            v.mask_kind = MaskKind::Image;
            v.numbers.insert(Field::MaskFrameId, id.to_string());
        });
        on_mask(blob);
        // The file `on_mask` just took: its pixels' issues join the form's.
        form.files.update(|fs| {
            if let Some(f) = fs
                .iter_mut()
                .find(|f| f.field == Field::MaskImageUrl && f.index.is_none())
            {
                f.content_issues = issues;
            }
        });
        close();
    };

    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let in_input = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some();
        if ev.key() == " " && !in_input {
            ev.prevent_default();
            state.update_value(|s| s.set_space(true));
            return;
        }
        if in_input && !(ev.ctrl_key() || ev.meta_key()) && ev.key() != "Escape" {
            return;
        }
        if let Some(a) = keys::action(
            &ev.key(),
            ev.ctrl_key() || ev.meta_key(),
            ev.shift_key(),
            ev.alt_key(),
        ) {
            ev.prevent_default();
            ev.stop_propagation();
            apply_action(a);
        }
    };
    let on_keyup = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == " " {
            state.update_value(|s| s.set_space(false));
        }
    };

    let on_down = move |ev: web_sys::PointerEvent| {
        if !ready.get_untracked() {
            return;
        }
        let (sx, sy) = (dom::num(&ev, "offsetX"), dom::num(&ev, "offsetY"));
        let started = state
            .try_update_value(|s| {
                let started = s.pointer_down(sx, sy, ev.pointer_id(), ev.button(), ev.alt_key());
                if let Some(r) = started.and_then(|st| st.dirty) {
                    paint(s, Some(r));
                }
                started.is_some()
            })
            .unwrap_or(false);
        if let Some(m) = modal_ref.get_untracked() {
            let _ = m.focus();
        }
        if started {
            ev.prevent_default();
            if let Some(vp) = viewport_ref.get_untracked() {
                let _ = vp.set_pointer_capture(ev.pointer_id());
            }
        }
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let (sx, sy) = (dom::num(&ev, "offsetX"), dom::num(&ev, "offsetY"));
        cursor.set(Some((sx, sy)));
        state.update_value(|s| {
            match s.pointer_move(ev.pointer_id(), sx, sy, || dom::samples(&ev)) {
                Moved::Idle => {}
                Moved::Dirty(r) => paint(s, Some(r)),
                Moved::RectPreview(r) => rect_preview.set(Some(r)),
                Moved::LassoPreview(points) => lasso_preview.set(points),
                Moved::Panned => view.set(s.view),
            }
        });
    };
    let on_up = move |ev: web_sys::PointerEvent| {
        let (sx, sy) = (dom::num(&ev, "offsetX"), dom::num(&ev, "offsetY"));
        state.update_value(|s| {
            if let Some(ended) = s.pointer_up(ev.pointer_id(), sx, sy) {
                if let Some(r) = ended.dirty {
                    paint(s, Some(r));
                }
                sync(s);
            }
        });
        rect_preview.set(None);
        lasso_preview.set(String::new());
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        if !ready.get_untracked() {
            return;
        }
        ev.prevent_default();
        let (sx, sy) = (dom::num(&ev, "offsetX"), dom::num(&ev, "offsetY"));
        let delta = if ev.delta_y() != 0.0 {
            ev.delta_y()
        } else {
            ev.delta_x()
        };
        if ev.shift_key() || ev.alt_key() {
            if delta != 0.0 {
                apply_action(if delta < 0.0 {
                    Action::Larger
                } else {
                    Action::Smaller
                });
            }
            return;
        }
        state.update_value(|s| {
            s.wheel_zoom(delta, ev.delta_mode(), sx, sy);
            view.set(s.view);
        });
    };
    let set_style = move || {
        let style = overlay_style(&colour.get_untracked(), opacity.get_untracked());
        state.update_value(|s| {
            s.set_style(style);
            paint(s, None);
        });
    };

    // The brush outline and the rectangle being dragged, placed through the CSSOM.
    let cursor_ref = NodeRef::<html::Div>::new();
    let rect_ref = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        let b = brush_cursor_box(cursor.get(), tool.get(), diameter.get(), view.get().zoom);
        dom::place(cursor_ref.get().as_deref(), b);
    });
    Effect::new(move |_| dom::place(rect_ref.get().as_deref(), rect_preview.get()));

    view! {
        <div class="field mask-editor" data-hook="mask-editor" data-export-url=move || export_url.get()
            data-export-ms=move || export_ms.get().map(|m| fixed(m, 2)).unwrap_or_default()>
            <button
                type="button"
                class="draw-mask"
                disabled=move || !can_open.get()
                aria-describedby="mask-editor-note"
                on:click=open_editor
            >
                {label}
            </button>
            <p class="hint" id="mask-editor-note" role="status">
                {move || {
                    let n = note.get();
                    if !n.is_empty() {
                        n
                    } else if can_open.get() {
                        "Paint the area to edit (white) on a frame of the input video.".into()
                    } else {
                        "Choose the input video first: the mask is drawn at its exact size.".into()
                    }
                }}
            </p>
            <div
                class="mask-modal"
                role="dialog"
                aria-modal="true"
                aria-label="Mask editor"
                tabindex="-1"
                node_ref=modal_ref
                style:display=rx(move || if open.get() { "flex" } else { "none" })
                data-ready=move || if ready.get() { "1" } else { "0" }
                data-width=move || size.get().0
                data-height=move || size.get().1
                data-frame=move || frame.get()
                data-max-frame=move || max_frame.get()
                data-tool=move || tool.get().slug()
                data-diameter=move || diameter.get()
                data-zoom=move || shortest(view.get().zoom)
                data-pan-x=move || shortest(view.get().pan_x)
                data-pan-y=move || shortest(view.get().pan_y)
                data-undo-steps=move || undo_steps.get()
                data-redo-steps=move || redo_steps.get()
                data-history-bytes=move || history_bytes.get()
                data-coverage=move || fixed(coverage.get(), 6)
                on:keydown=on_keydown
                on:keyup=on_keyup
            >
                <div class="mask-toolbar" role="toolbar" aria-label="Mask tools">
                    {ToolKind::ALL
                        .into_iter()
                        .map(|t| {
                            view! {
                                <button
                                    type="button"
                                    data-tool=t.slug()
                                    aria-pressed=move || if tool.get() == t { "true" } else { "false" }
                                    on:click=move |_| apply_action(Action::Tool(t))
                                >
                                    {t.label()}
                                </button>
                            }
                        })
                        .collect_view()}
                    <label class="mask-size">
                        "Size "
                        <button type="button" class="smaller" aria-label="Smaller brush ([)" on:click=move |_| apply_action(Action::Smaller)>"−"</button>
                        <output class="diameter">{move || format!("{} px", diameter.get())}</output>
                        <button type="button" class="larger" aria-label="Larger brush (])" on:click=move |_| apply_action(Action::Larger)>"+"</button>
                    </label>
                    <button type="button" class="invert" on:click=move |_| apply_action(Action::Invert)>"Invert (Shift+I)"</button>
                    <button type="button" class="clear" on:click=move |_| apply_action(Action::Clear)>"Clear"</button>
                    <button type="button" class="undo" disabled=move || undo_steps.get() == 0 on:click=move |_| apply_action(Action::Undo)>"Undo"</button>
                    <button type="button" class="redo" disabled=move || redo_steps.get() == 0 on:click=move |_| apply_action(Action::Redo)>"Redo"</button>
                    <button type="button" class="fit" on:click=move |_| apply_action(Action::Fit)>"Fit (F)"</button>
                    <label>
                        "Overlay "
                        <input type="color" class="overlay-colour" prop:value=move || colour.get()
                            on:input=move |ev| { colour.set(event_target_value(&ev)); set_style(); } />
                    </label>
                    <label>
                        <input type="range" class="overlay-opacity" min="10" max="100" aria-label="Overlay opacity"
                            prop:value=move || opacity.get().to_string()
                            on:input=move |ev| { opacity.set(event_target_value(&ev).parse().unwrap_or(50)); set_style(); } />
                    </label>
                    <span class="mask-help-wrap">
                        <button type="button" class="help" aria-expanded=move || if help.get() { "true" } else { "false" }
                            on:click=move |_| help.update(|h| *h = !*h)>"Shortcuts (?)"</button>
                        <div class="mask-help" role="note" style:display=rx(move || if help.get() { "block" } else { "none" })>
                            <table>
                                {keys::HELP
                                    .iter()
                                    .map(|(k, w)| view! { <tr><th><kbd>{*k}</kbd></th><td>{*w}</td></tr> })
                                    .collect_view()}
                            </table>
                        </div>
                    </span>
                </div>
                <div
                    class="mask-viewport"
                    node_ref=viewport_ref
                    on:pointerdown=on_down
                    on:pointermove=on_move
                    on:pointerup=on_up
                    on:pointercancel=on_up
                    on:pointerleave=move |_| cursor.set(None)
                    on:wheel=on_wheel
                    on:contextmenu=|ev| ev.prevent_default()
                >
                    <div class="mask-stage" style:transform=rx(move || view.get().css())>
                        <canvas class="mask-frame" node_ref=frame_canvas></canvas>
                        <canvas class="mask-overlay" node_ref=overlay_canvas></canvas>
                    </div>
                    <div class="mask-cursor" node_ref=cursor_ref></div>
                    <div class="mask-rect" node_ref=rect_ref></div>
                    <svg class="mask-lasso" width="100%" height="100%">
                        <polyline points=move || lasso_preview.get() fill="rgba(255,255,255,0.15)" stroke="#fff" stroke-dasharray="4 3" />
                    </svg>
                    <p class="mask-loading" style:display=rx(move || if ready.get() { "none" } else { "block" })>"Loading the video…"</p>
                </div>
                <div class="mask-scrub">
                    <button type="button" class="prev-frame" aria-label="Previous frame (,)" on:click=move |_| apply_action(Action::PrevFrame)>"◀"</button>
                    <input
                        type="range"
                        class="frame-slider"
                        min="1"
                        aria-label="mask_frame_id"
                        prop:max=move || max_frame.get().to_string()
                        prop:value=move || frame.get().to_string()
                        on:input=move |ev| {
                            if let Ok(f) = event_target_value(&ev).parse::<u32>() {
                                go_to_frame(f);
                            }
                        }
                    />
                    <button type="button" class="next-frame" aria-label="Next frame (.)" on:click=move |_| apply_action(Action::NextFrame)>"▶"</button>
                    <output class="frame-id">{move || format!("mask_frame_id: {} / {}", frame.get(), max_frame.get())}</output>
                    <span class="mask-info">
                        {move || {
                            let (w, h) = size.get();
                            format!("{w}×{h} · {} % edited · zoom {} %", fixed(coverage.get() * 100.0, 1), fixed(view.get().zoom * 100.0, 0))
                        }}
                    </span>
                    <span class="spacer"></span>
                    <button type="button" class="cancel" on:click=move |_| close()>"Close"</button>
                    <button type="button" class="use-mask primary" disabled=move || !ready.get() on:click=move |_| use_mask(false)>"Use mask"</button>
                </div>
                <div class="mask-confirm" role="alertdialog" aria-live="assertive" hidden=move || !confirm_empty.get()>
                    <p class="mask-confirm-text">{move || t().mask_empty_ask}</p>
                    <button type="button" class="keep-drawing primary" on:click=move |_| confirm_empty.set(false)>{move || t().keep_drawing}</button>
                    <button type="button" class="use-empty-mask" on:click=move |_| use_mask(true)>{move || t().use_empty_mask}</button>
                </div>
                <video
                    class="mask-video"
                    node_ref=video_ref
                    muted=true
                    playsinline=true
                    preload="auto"
                    on:loadedmetadata=move |ev| {
                        if let Some(v) = ev.target().and_then(|t| t.dyn_into::<HtmlVideoElement>().ok()) {
                            init(&v);
                        }
                    }
                    on:seeked=move |_| draw_frame()
                    on:loadeddata=move |_| draw_frame()
                    on:error=move |_| note.set("The video could not be loaded in the browser.".into())
                ></video>
            </div>
        </div>
    }
}
