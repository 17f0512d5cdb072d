//! The mask editor's stylesheet, rendered in a `<style>` element inside the editor's markup.

/// The CSS of the editor's dialog.
pub(super) const STYLE: &str = r#"
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
