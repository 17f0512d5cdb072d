//! The canvas view transform: zoom and pan of the image inside the editor's viewport.
//!
//! Screen (viewport CSS pixels) = image pixels × `zoom` + `pan`. Pointer positions are turned
//! back into image coordinates with [`View::to_image`] before they reach the mask.

use crate::num::fixed;

/// Smallest zoom (the image 1/20 of its size).
pub const MIN_ZOOM: f64 = 0.05;
/// Largest zoom (one image pixel 32 screen pixels wide).
pub const MAX_ZOOM: f64 = 32.0;

/// Zoom and pan of the image in the viewport.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// Screen pixels per image pixel.
    pub zoom: f64,
    /// Screen x of the image's left edge.
    pub pan_x: f64,
    /// Screen y of the image's top edge.
    pub pan_y: f64,
}

impl Default for View {
    fn default() -> Self {
        Self {
            zoom: 1.0,
            pan_x: 0.0,
            pan_y: 0.0,
        }
    }
}

impl View {
    /// The whole image centred in a `vw` × `vh` viewport, as large as fits.
    pub fn fit(image_w: u32, image_h: u32, vw: f64, vh: f64) -> Self {
        let (iw, ih) = (f64::from(image_w.max(1)), f64::from(image_h.max(1)));
        let zoom = if vw > 0.0 && vh > 0.0 {
            (vw / iw).min(vh / ih).clamp(MIN_ZOOM, MAX_ZOOM)
        } else {
            1.0
        };
        Self {
            zoom,
            pan_x: (vw - iw * zoom) / 2.0,
            pan_y: (vh - ih * zoom) / 2.0,
        }
    }

    /// Image coordinates of a screen point.
    pub fn to_image(self, sx: f64, sy: f64) -> (f64, f64) {
        ((sx - self.pan_x) / self.zoom, (sy - self.pan_y) / self.zoom)
    }

    /// Screen coordinates of an image point.
    pub fn to_screen(self, ix: f64, iy: f64) -> (f64, f64) {
        (ix * self.zoom + self.pan_x, iy * self.zoom + self.pan_y)
    }

    /// Zooms by `factor` keeping the image point under the screen point (`sx`, `sy`) fixed.
    pub fn zoom_at(&mut self, factor: f64, sx: f64, sy: f64) {
        if !factor.is_finite() || factor <= 0.0 {
            return;
        }
        let (ix, iy) = self.to_image(sx, sy);
        self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        self.pan_x = sx - ix * self.zoom;
        self.pan_y = sy - iy * self.zoom;
    }

    /// Moves the image by a screen delta.
    pub fn pan_by(&mut self, dx: f64, dy: f64) {
        self.pan_x += dx;
        self.pan_y += dy;
    }

    /// The CSS transform of the image stage (origin top left).
    pub fn css(&self) -> String {
        format!(
            "translate({}px,{}px) scale({})",
            fixed(self.pan_x, 3),
            fixed(self.pan_y, 3),
            fixed(self.zoom, 6)
        )
    }
}

/// The zoom factor of one wheel event: `delta_y` in pixels (lines × 40, pages × 800 first);
/// wheel up (negative) zooms in. A normal notch (100 px) zooms by about 16 %.
pub fn wheel_zoom_factor(delta_y: f64, delta_mode: u32) -> f64 {
    let px = match delta_mode {
        1 => delta_y * 40.0,
        2 => delta_y * 800.0,
        _ => delta_y,
    };
    (-px.clamp(-400.0, 400.0) * 0.0015).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_centres_and_scales() {
        let v = View::fit(1920, 1080, 960.0, 1080.0);
        assert!((v.zoom - 0.5).abs() < 1e-12);
        assert_eq!(v.pan_x, 0.0);
        assert!((v.pan_y - 270.0).abs() < 1e-9);
        let (x, y) = v.to_image(480.0, 540.0);
        assert!((x - 960.0).abs() < 1e-9 && (y - 540.0).abs() < 1e-9);
    }

    #[test]
    fn round_trip() {
        let v = View {
            zoom: 2.5,
            pan_x: -13.0,
            pan_y: 7.5,
        };
        let (sx, sy) = v.to_screen(100.25, 33.0);
        let (ix, iy) = v.to_image(sx, sy);
        assert!((ix - 100.25).abs() < 1e-9 && (iy - 33.0).abs() < 1e-9);
    }

    #[test]
    fn zoom_keeps_point_under_cursor() {
        let mut v = View::fit(1280, 720, 800.0, 600.0);
        let before = v.to_image(123.0, 456.0);
        v.zoom_at(3.0, 123.0, 456.0);
        let after = v.to_image(123.0, 456.0);
        assert!((before.0 - after.0).abs() < 1e-9 && (before.1 - after.1).abs() < 1e-9);
        v.zoom_at(1e9, 0.0, 0.0);
        assert_eq!(v.zoom, MAX_ZOOM);
        v.zoom_at(1e-9, 0.0, 0.0);
        assert_eq!(v.zoom, MIN_ZOOM);
        let z = v.zoom;
        v.zoom_at(f64::NAN, 0.0, 0.0);
        assert_eq!(v.zoom, z);
    }

    #[test]
    fn pan_and_wheel() {
        let mut v = View::default();
        v.pan_by(5.0, -3.0);
        assert_eq!(v.to_image(5.0, -3.0), (0.0, 0.0));
        assert!(wheel_zoom_factor(-100.0, 0) > 1.0);
        assert!(wheel_zoom_factor(100.0, 0) < 1.0);
        assert!((wheel_zoom_factor(-100.0, 0) * wheel_zoom_factor(100.0, 0) - 1.0).abs() < 1e-12);
        assert_eq!(wheel_zoom_factor(-3.0, 1), wheel_zoom_factor(-120.0, 0));
        assert!(v.css().starts_with("translate(5.000px,-3.000px)"));
    }
}
