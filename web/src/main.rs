//! The `wanedit-web` binary Trunk builds: starts the UI on wasm32, does nothing natively.

fn main() {
    #[cfg(target_arch = "wasm32")]
    wanedit_web::start();
}
