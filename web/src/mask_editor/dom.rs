//! The browser side of the mask editor's drawing: the overlay canvas painted from the mask,
//! the video frame drawn under it, and pointer positions read from events.

use wanedit_core::mask::{MaskBitmap, OverlayStyle, Rect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement};

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

/// The 2D context of a canvas.
fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// A number property of an event (`offsetX`), 0 when absent.
pub(super) fn num(ev: &JsValue, name: &str) -> f64 {
    js_sys::Reflect::get(ev, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// The pointer samples of a move: the coalesced events when the browser has them.
pub(super) fn samples(ev: &web_sys::PointerEvent) -> Vec<(f64, f64)> {
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

/// Redraws `rect` of the overlay canvas from `mask` (the whole mask for `None`).
pub(super) fn paint_overlay(
    canvas: &HtmlCanvasElement,
    mask: &MaskBitmap,
    style: OverlayStyle,
    rect: Option<Rect>,
) {
    let Some(c2d) = context(canvas) else { return };
    let rect = rect.unwrap_or(mask.bounds()).intersect(&mask.bounds());
    if rect.is_empty() {
        return;
    }
    let mut buf = vec![0u8; rect.area() as usize * 4];
    if mask.render_overlay(rect, style, &mut buf).is_err() {
        return;
    }
    if let Ok(img) = RawImageData::new(Clamped(&buf), rect.width, rect.height) {
        c2d.unchecked_ref::<Ctx2d>()
            .put_image_data(&img, f64::from(rect.x), f64::from(rect.y));
    }
}

/// Draws the video's current frame on the frame canvas at the video's size `(w, h)`.
pub(super) fn draw_video_frame(
    canvas: &HtmlCanvasElement,
    video: &HtmlVideoElement,
    (w, h): (u32, u32),
) {
    if let Some(c2d) = context(canvas) {
        let _ = c2d.draw_image_with_html_video_element_and_dw_and_dh(
            video,
            0.0,
            0.0,
            f64::from(w),
            f64::from(h),
        );
    }
}

/// Shows `el` at the screen box `b` (left, top, width, height) or hides it (`None`), through
/// the CSSOM: no `style` attribute, so a strict Content-Security-Policy needs no
/// `'unsafe-inline'`.
pub(super) fn place(el: Option<&web_sys::HtmlElement>, b: Option<(f64, f64, f64, f64)>) {
    let Some(el) = el else {
        return;
    };
    let style = el.style();
    let Some((l, t, w, h)) = b else {
        let _ = style.set_property("display", "none");
        return;
    };
    let _ = style.set_property("display", "block");
    for (name, v) in [("left", l), ("top", t), ("width", w), ("height", h)] {
        let _ = style.set_property(name, &super::state::px(v));
    }
}
