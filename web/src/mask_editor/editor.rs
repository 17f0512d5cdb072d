//! The mask editor component (browser only).

use std::cell::RefCell;
use std::collections::HashMap;

use leptos::html;
use leptos::prelude::*;
use wanedit_core::mask::{step_brush_diameter, MaskBitmap, OverlayStyle, Point, Rect, Tool};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement};

use super::frames;
use super::keys::{self, Action, Gesture, ToolKind};
use super::view::{wheel_zoom_factor, View};
use crate::forms::{Field, MaskKind};
use crate::num::{fixed, shortest};
use crate::ui::{actions, Ctx, FormState};

thread_local! {
    /// Every mask drawn so far (with its history), by video and frame.
    static MASKS: RefCell<HashMap<(String, u32), MaskBitmap>> = RefCell::new(HashMap::new());
}

#[wasm_bindgen]
extern "C" {
    /// `ImageData` (the web-sys binding is not enabled in this crate).
    #[wasm_bindgen(js_name = ImageData)]
    type RawImageData;
    #[wasm_bindgen(constructor, js_class = "ImageData", catch)]
    fn new(data: Clamped<&[u8]>, width: u32, height: u32) -> Result<RawImageData, JsValue>;

    /// The 2D context, for `putImageData`.
    type Ctx2d;
    #[wasm_bindgen(method, js_name = putImageData)]
    fn put_image_data(this: &Ctx2d, data: &RawImageData, dx: f64, dy: f64);
}

/// The video being masked.
#[derive(Debug, Clone, PartialEq)]
struct Source {
    key: String,
    url: String,
    size: Option<(u32, u32)>,
    fps: Option<f64>,
    duration: Option<f64>,
}

fn source(form: FormState) -> Option<Source> {
    let local = form.files.with_untracked(|fs| {
        fs.iter()
            .find(|f| f.field == Field::VideoUrl && f.index.is_none())
            .map(|f| Source {
                key: f.object_url.clone(),
                url: f.object_url.clone(),
                size: f.info.as_ref().map(|i| (i.width, i.height)),
                fps: f.info.as_ref().and_then(|i| i.fps),
                duration: f.info.as_ref().and_then(|i| i.duration_s),
            })
    });
    if local.is_some() {
        return local;
    }
    let url = form
        .values
        .with_untracked(|v| v.url(Field::VideoUrl).trim().to_string());
    (url.starts_with("http://") || url.starts_with("https://") || url.starts_with("blob:")).then(
        || Source {
            key: url.clone(),
            url,
            size: form.video_size.get_untracked(),
            fps: None,
            duration: None,
        },
    )
}

/// What the pointer is doing.
#[derive(Debug, Clone, Default)]
struct Drag {
    gesture: Option<Gesture>,
    pointer: i32,
    erase: bool,
    start: (f64, f64),
    last_screen: (f64, f64),
    lasso: Vec<Point>,
}

/// The editor's non-reactive state.
struct State {
    source: Option<Source>,
    width: u32,
    height: u32,
    fps: f64,
    duration: f64,
    frame: u32,
    mask: Option<MaskBitmap>,
    view: View,
    tool: ToolKind,
    diameter: u32,
    style: OverlayStyle,
    drag: Drag,
    space: bool,
}

impl State {
    fn store_mask(&mut self) {
        if let (Some(mut mask), Some(src)) = (self.mask.take(), self.source.as_ref()) {
            mask.end_stroke();
            let key = (src.key.clone(), self.frame);
            MASKS.with(|m| m.borrow_mut().insert(key, mask));
        }
    }

    fn load_mask(&mut self) {
        let Some(src) = self.source.as_ref() else {
            return;
        };
        let key = (src.key.clone(), self.frame);
        let (w, h) = (self.width, self.height);
        let stored = MASKS.with(|m| m.borrow_mut().remove(&key));
        self.mask = stored
            .filter(|m| m.width() == w && m.height() == h)
            .or_else(|| MaskBitmap::new(w, h).ok());
    }
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

fn num(ev: &JsValue, name: &str) -> f64 {
    js_sys::Reflect::get(ev, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// The pointer samples of a move: the coalesced events when the browser has them.
fn samples(ev: &web_sys::PointerEvent) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    if let Ok(f) = js_sys::Reflect::get(ev, &JsValue::from_str("getCoalescedEvents")) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            if let Ok(list) = f.call0(ev) {
                if let Some(arr) = list.dyn_ref::<js_sys::Array>() {
                    for e in arr.iter() {
                        out.push((num(&e, "offsetX"), num(&e, "offsetY")));
                    }
                }
            }
        }
    }
    if out.is_empty() {
        out.push((num(ev, "offsetX"), num(ev, "offsetY")));
    }
    out
}

/// The "Draw mask" area of the local-editing form and the editor it opens.
#[component]
pub fn MaskEditorHook(form: FormState) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let state = StoredValue::new_local(State {
        source: None,
        width: 0,
        height: 0,
        fps: 30.0,
        duration: 0.0,
        frame: 1,
        mask: None,
        view: View::default(),
        tool: ToolKind::Brush,
        diameter: 48,
        style: OverlayStyle::default(),
        drag: Drag::default(),
        space: false,
    });
    let open = RwSignal::new(false);
    let ready = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let tool = RwSignal::new(ToolKind::Brush);
    let diameter = RwSignal::new(48u32);
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

    // The editor needs the video's exact size: a probed local file, or a URL whose preview
    // loaded.
    let can_open = Memo::new(move |_| {
        let local = form.files.with(|fs| {
            fs.iter()
                .any(|f| f.field == Field::VideoUrl && f.index.is_none() && f.info.is_some())
        });
        local
            || (form.video_size.get().is_some()
                && form.values.with(|v| {
                    let u = v.url(Field::VideoUrl);
                    u.starts_with("http://") || u.starts_with("https://")
                }))
    });
    let frame_canvas = NodeRef::<html::Canvas>::new();
    let overlay_canvas = NodeRef::<html::Canvas>::new();
    let video_ref = NodeRef::<html::Video>::new();
    let viewport_ref = NodeRef::<html::Div>::new();
    let modal_ref = NodeRef::<html::Div>::new();

    // Redraws `rect` of the overlay (the whole mask for `None`).
    let paint = move |s: &State, rect: Option<Rect>| {
        let (Some(mask), Some(canvas)) = (s.mask.as_ref(), overlay_canvas.get_untracked()) else {
            return;
        };
        let Some(c2d) = context(&canvas) else { return };
        let rect = rect.unwrap_or(mask.bounds()).intersect(&mask.bounds());
        if rect.is_empty() {
            return;
        }
        let mut buf = vec![0u8; rect.area() as usize * 4];
        if mask.render_overlay(rect, s.style, &mut buf).is_err() {
            return;
        }
        if let Ok(img) = RawImageData::new(Clamped(&buf), rect.width, rect.height) {
            c2d.unchecked_ref::<Ctx2d>()
                .put_image_data(&img, f64::from(rect.x), f64::from(rect.y));
        }
    };
    let sync = move |s: &State| {
        if let Some(m) = s.mask.as_ref() {
            undo_steps.set(m.undo_steps());
            redo_steps.set(m.redo_steps());
            history_bytes.set(m.history_bytes());
            coverage.set(m.coverage());
        }
    };
    let draw_frame = move || {
        let (Some(video), Some(canvas)) = (video_ref.get_untracked(), frame_canvas.get_untracked())
        else {
            return;
        };
        if let Some(c2d) = context(&canvas) {
            let (w, h) = size.get_untracked();
            let _ = c2d.draw_image_with_html_video_element_and_dw_and_dh(
                &video,
                0.0,
                0.0,
                f64::from(w),
                f64::from(h),
            );
        }
    };
    let seek = move |s: &State| {
        if let Some(video) = video_ref.get_untracked() {
            video.set_current_time(frames::seek_time(s.frame, s.fps, s.duration));
        }
    };
    let fit = move |s: &mut State| {
        if let Some(vp) = viewport_ref.get_untracked() {
            s.view = View::fit(
                s.width,
                s.height,
                f64::from(vp.client_width()),
                f64::from(vp.client_height()),
            );
            view.set(s.view);
        }
    };
    let go_to_frame = move |target: u32| {
        state.update_value(|s| {
            let target = target.clamp(1, max_frame.get_untracked().max(1));
            if target == s.frame && s.mask.is_some() {
                return;
            }
            s.store_mask();
            s.drag = Drag::default();
            s.frame = target;
            frame.set(target);
            s.load_mask();
            paint(s, None);
            sync(s);
            seek(s);
        });
    };
    // Sets the editor up once the video's metadata is known.
    let init = move |video: &HtmlVideoElement| {
        state.update_value(|s| {
            let Some(src) = s.source.clone() else { return };
            let (w, h) = src
                .size
                .filter(|&(w, h)| w > 0 && h > 0)
                .unwrap_or((video.video_width(), video.video_height()));
            if w == 0 || h == 0 {
                note.set("The video's size is unknown.".into());
                return;
            }
            s.width = w;
            s.height = h;
            s.fps = src.fps.filter(|f| *f > 0.0).unwrap_or(30.0);
            s.duration = src
                .duration
                .filter(|d| *d > 0.0)
                .unwrap_or_else(|| video.duration());
            let max = frames::max_frame_id(s.fps, s.duration);
            max_frame.set(max);
            note.set(if src.fps.is_none() {
                "Frame rate unknown: 30 fps assumed.".into()
            } else {
                String::new()
            });
            s.frame = frames::parse_frame(
                &form
                    .values
                    .with_untracked(|v| v.number(Field::MaskFrameId).to_string()),
                max,
            );
            frame.set(s.frame);
            size.set((w, h));
            for c in [frame_canvas.get_untracked(), overlay_canvas.get_untracked()]
                .into_iter()
                .flatten()
            {
                c.set_width(w);
                c.set_height(h);
            }
            s.load_mask();
            fit(s);
            paint(s, None);
            sync(s);
            seek(s);
            ready.set(true);
        });
        if let Some(m) = modal_ref.get_untracked() {
            let _ = m.focus();
        }
    };
    let close = move || {
        state.update_value(|s| s.store_mask());
        open.set(false);
        help.set(false);
        cursor.set(None);
    };
    let open_editor = move |_| {
        let probing = form.files.with_untracked(|fs| {
            fs.iter()
                .any(|f| f.field == Field::VideoUrl && f.info.is_none() && f.probe_error.is_none())
        });
        if probing {
            note.set("Still reading the video; try again in a moment.".into());
            return;
        }
        let Some(src) = source(form) else {
            note.set("Choose the input video first (a local file or an http(s) URL).".into());
            return;
        };
        note.set(String::new());
        open.set(true);
        let same = state.with_value(|s| s.source.as_ref() == Some(&src));
        state.update_value(|s| s.source = Some(src.clone()));
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
            state.update_value(|s| s.tool = t);
        }
        Action::Smaller | Action::Larger => {
            let d = step_brush_diameter(diameter.get_untracked(), a == Action::Larger);
            diameter.set(d);
            state.update_value(|s| s.diameter = d);
        }
        Action::Invert | Action::Clear | Action::Undo | Action::Redo => {
            state.update_value(|s| {
                let Some(m) = s.mask.as_mut() else { return };
                let dirty = match a {
                    Action::Invert => m.invert(),
                    Action::Clear => m.clear(),
                    Action::Undo => m.undo(),
                    _ => m.redo(),
                };
                if let Some(d) = dirty {
                    paint(s, Some(d));
                }
                sync(s);
            });
        }
        Action::PrevFrame => go_to_frame(frames::step(
            frame.get_untracked(),
            -1,
            max_frame.get_untracked(),
        )),
        Action::NextFrame => go_to_frame(frames::step(
            frame.get_untracked(),
            1,
            max_frame.get_untracked(),
        )),
        Action::Fit => state.update_value(|s| fit(s)),
        Action::Help => help.update(|h| *h = !*h),
        Action::Close => close(),
    };
    let use_mask = move |_| {
        let png = state.with_value(|s| {
            let m = s.mask.as_ref()?;
            let t0 = js_sys::Date::now();
            let perf = web_sys::window().and_then(|w| w.performance());
            let start = perf.as_ref().map(|p| p.now()).unwrap_or(t0);
            let png = super::png::encode(m.pixels(), m.width(), m.height());
            let end = perf
                .as_ref()
                .map(|p| p.now())
                .unwrap_or_else(js_sys::Date::now);
            export_ms.set(Some(end - start));
            Some((png, s.frame))
        });
        let Some((png, id)) = png else { return };
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(png.as_slice()));
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type("image/png");
        let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts) else {
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
        actions::accept_file(
            ctx,
            form,
            Field::MaskImageUrl,
            None,
            blob,
            "mask.png".into(),
        );
        close();
    };

    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let in_input = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some();
        if ev.key() == " " && !in_input {
            ev.prevent_default();
            state.update_value(|s| s.space = true);
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
            state.update_value(|s| s.space = false);
        }
    };

    let on_down = move |ev: web_sys::PointerEvent| {
        if !ready.get_untracked() {
            return;
        }
        let (sx, sy) = (num(&ev, "offsetX"), num(&ev, "offsetY"));
        let started = state.try_update_value(|s| {
            if s.drag.gesture.is_some() {
                return false;
            }
            let Some(g) = keys::gesture_for(s.tool, s.space, ev.button()) else {
                return false;
            };
            let (ix, iy) = s.view.to_image(sx, sy);
            let erase = ev.alt_key();
            s.drag = Drag {
                gesture: Some(g),
                pointer: ev.pointer_id(),
                erase,
                start: (ix, iy),
                last_screen: (sx, sy),
                lasso: vec![Point::new(ix as f32, iy as f32)],
            };
            if g == Gesture::Stroke {
                let t = if s.tool == ToolKind::Eraser {
                    Tool::Eraser
                } else {
                    Tool::Brush
                };
                let d = s.diameter;
                if let Some(m) = s.mask.as_mut() {
                    let dirty = m.begin_stroke(t, d, Point::new(ix as f32, iy as f32));
                    if let Some(r) = dirty {
                        paint(s, Some(r));
                    }
                }
            }
            true
        });
        if let Some(m) = modal_ref.get_untracked() {
            let _ = m.focus();
        }
        if started == Some(true) {
            ev.prevent_default();
            if let Some(vp) = viewport_ref.get_untracked() {
                let _ = vp.set_pointer_capture(ev.pointer_id());
            }
        }
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let (sx, sy) = (num(&ev, "offsetX"), num(&ev, "offsetY"));
        cursor.set(Some((sx, sy)));
        state.update_value(|s| {
            let Some(g) = s.drag.gesture else { return };
            if ev.pointer_id() != s.drag.pointer {
                return;
            }
            match g {
                Gesture::Stroke => {
                    let mut dirty: Option<Rect> = None;
                    if let Some(m) = s.mask.as_mut() {
                        for (x, y) in samples(&ev) {
                            let (ix, iy) = s.view.to_image(x, y);
                            if let Some(r) = m.extend_stroke(Point::new(ix as f32, iy as f32)) {
                                dirty = Some(dirty.map_or(r, |d| d.union(&r)));
                            }
                        }
                    }
                    if let Some(r) = dirty {
                        paint(s, Some(r));
                    }
                }
                Gesture::Rect => {
                    let (ax, ay) = s.view.to_screen(s.drag.start.0, s.drag.start.1);
                    rect_preview.set(Some((
                        ax.min(sx),
                        ay.min(sy),
                        (sx - ax).abs(),
                        (sy - ay).abs(),
                    )));
                }
                Gesture::Lasso => {
                    for (x, y) in samples(&ev) {
                        let (ix, iy) = s.view.to_image(x, y);
                        s.drag.lasso.push(Point::new(ix as f32, iy as f32));
                    }
                    let pts: Vec<String> = s
                        .drag
                        .lasso
                        .iter()
                        .map(|p| {
                            let (x, y) = s.view.to_screen(f64::from(p.x), f64::from(p.y));
                            format!("{},{}", fixed(x, 1), fixed(y, 1))
                        })
                        .collect();
                    lasso_preview.set(pts.join(" "));
                }
                Gesture::Pan => {
                    let (lx, ly) = s.drag.last_screen;
                    s.view.pan_by(sx - lx, sy - ly);
                    s.drag.last_screen = (sx, sy);
                    view.set(s.view);
                }
            }
        });
    };
    let on_up = move |ev: web_sys::PointerEvent| {
        let (sx, sy) = (num(&ev, "offsetX"), num(&ev, "offsetY"));
        state.update_value(|s| {
            let Some(g) = s.drag.gesture else { return };
            if ev.pointer_id() != s.drag.pointer {
                return;
            }
            let drag = std::mem::take(&mut s.drag);
            let t = if drag.erase {
                Tool::Eraser
            } else {
                Tool::Brush
            };
            let dirty = s.mask.as_mut().and_then(|m| match g {
                Gesture::Stroke => {
                    m.end_stroke();
                    None
                }
                Gesture::Rect => {
                    let (ix, iy) = s.view.to_image(sx, sy);
                    let a = Point::new(drag.start.0 as f32, drag.start.1 as f32);
                    m.fill_rect(Rect::from_drag(a, Point::new(ix as f32, iy as f32)), t)
                }
                Gesture::Lasso => m.fill_polygon(&drag.lasso, t),
                Gesture::Pan => None,
            });
            if let Some(r) = dirty {
                paint(s, Some(r));
            }
            sync(s);
        });
        rect_preview.set(None);
        lasso_preview.set(String::new());
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        if !ready.get_untracked() {
            return;
        }
        ev.prevent_default();
        let (sx, sy) = (num(&ev, "offsetX"), num(&ev, "offsetY"));
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
            s.view
                .zoom_at(wheel_zoom_factor(delta, ev.delta_mode()), sx, sy);
            view.set(s.view);
        });
    };
    let set_style = move || {
        let hex = colour.get_untracked();
        let rgb = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0xff0000);
        let style = OverlayStyle {
            colour: [(rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8],
            opacity: (opacity.get_untracked().min(100) * 255 / 100) as u8,
        };
        state.update_value(|s| {
            s.style = style;
            paint(s, None);
        });
    };

    let brush_cursor = move || {
        let (x, y) = cursor.get()?;
        if !tool.get().uses_brush() {
            return None;
        }
        let d = (f64::from(diameter.get()) * view.get().zoom).max(3.0);
        Some(format!(
            "left:{}px;top:{}px;width:{}px;height:{}px",
            fixed(x - d / 2.0, 1),
            fixed(y - d / 2.0, 1),
            fixed(d, 1),
            fixed(d, 1)
        ))
    };

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
                {ctx.tr(|s| s.draw_mask)}
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
            <style>{STYLE}</style>
            <div
                class="mask-modal"
                role="dialog"
                aria-modal="true"
                aria-label="Mask editor"
                tabindex="-1"
                node_ref=modal_ref
                style:display=move || if open.get() { "flex" } else { "none" }
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
                        <div class="mask-help" role="note" style:display=move || if help.get() { "block" } else { "none" }>
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
                    <div class="mask-stage" style:transform=move || view.get().css()>
                        <canvas class="mask-frame" node_ref=frame_canvas></canvas>
                        <canvas class="mask-overlay" node_ref=overlay_canvas></canvas>
                    </div>
                    <div class="mask-cursor" style=move || brush_cursor().unwrap_or_else(|| "display:none".into())></div>
                    <div class="mask-rect" style=move || rect_preview.get().map(|(x, y, w, h)| format!("left:{}px;top:{}px;width:{}px;height:{}px", fixed(x, 1), fixed(y, 1), fixed(w, 1), fixed(h, 1))).unwrap_or_else(|| "display:none".into())></div>
                    <svg class="mask-lasso" width="100%" height="100%">
                        <polyline points=move || lasso_preview.get() fill="rgba(255,255,255,0.15)" stroke="#fff" stroke-dasharray="4 3" />
                    </svg>
                    <p class="mask-loading" style:display=move || if ready.get() { "none" } else { "block" }>"Loading the video…"</p>
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
                    <button type="button" class="use-mask primary" disabled=move || !ready.get() on:click=use_mask>"Use mask"</button>
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

const STYLE: &str = r#"
.mask-modal{position:fixed;inset:0;z-index:1000;flex-direction:column;background:#1b1b1f;color:#eee;font:13px system-ui,sans-serif}
.mask-modal button{font:inherit;background:#3a3a42;color:#eee;border:1px solid #555;border-radius:4px;padding:3px 8px;cursor:pointer}
.mask-modal button:disabled{opacity:.45;cursor:default}
.mask-modal button.primary{background:#2d6cdf;border-color:#2d6cdf;color:#fff}
.mask-modal label{color:#ccc}
.mask-modal .mask-help kbd{font:12px ui-monospace,monospace;color:#fff}
.mask-toolbar,.mask-scrub{display:flex;flex-wrap:wrap;gap:6px;align-items:center;padding:6px 8px;background:#26262c}
.mask-toolbar button[aria-pressed=true]{outline:2px solid #6cf;background:#345}
.mask-viewport{position:relative;flex:1;overflow:hidden;touch-action:none;cursor:crosshair;background:#111}
.mask-stage{position:absolute;left:0;top:0;transform-origin:0 0;pointer-events:none}
.mask-stage canvas{position:absolute;left:0;top:0;image-rendering:pixelated;pointer-events:none}
.mask-cursor{position:absolute;border-radius:50%;border:1px solid #fff;box-shadow:0 0 0 1px #000;pointer-events:none;box-sizing:border-box}
.mask-rect{position:absolute;border:1px dashed #fff;background:rgba(255,255,255,.15);pointer-events:none}
.mask-lasso{position:absolute;left:0;top:0;pointer-events:none}
.mask-loading{position:absolute;left:12px;top:8px;pointer-events:none}
.mask-video{display:none}
.mask-help-wrap{position:relative}
.mask-help{position:absolute;top:100%;right:0;z-index:2;background:#333;padding:8px;border-radius:6px;white-space:nowrap}
.mask-help th{text-align:left;padding-right:12px}
.mask-scrub .frame-slider{flex:1;min-width:160px}
.mask-scrub .spacer{flex:1}
"#;
