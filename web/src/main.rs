//! wanedit web UI.
//!
//! For now a minimal proof page: on wasm32 it writes a heading and sets
//! `document.body.dataset.ready = "1"`, which the browser smoke test
//! (`tests/smoke.spec.mjs`) waits for. The Leptos UI replaces this later.

fn main() {
    #[cfg(target_arch = "wasm32")]
    if let Err(err) = browser::mount() {
        web_sys::console::error_1(&err);
    }
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen::JsValue;

    /// Text of the page heading.
    const HEADING: &str = "wanedit";

    /// Text of the status line under the heading.
    const STATUS: &str = "Web UI loaded (wasm proof page).";

    /// Writes the proof page into `<body>` and marks it ready.
    pub(crate) fn mount() -> Result<(), JsValue> {
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| JsValue::from_str("no document"))?;
        let body = document
            .body()
            .ok_or_else(|| JsValue::from_str("no <body>"))?;

        let heading = document.create_element("h1")?;
        heading.set_id("title");
        heading.set_text_content(Some(HEADING));
        body.append_child(&heading)?;

        let status = document.create_element("p")?;
        status.set_id("status");
        status.set_text_content(Some(STATUS));
        body.append_child(&status)?;

        body.dataset().set("ready", "1")?;
        Ok(())
    }
}
