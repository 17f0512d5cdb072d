//! The `probe-worker` binary Trunk builds as a web worker: reads media files off the main
//! thread (see `wanedit_web::probe`). It is loaded only when a file is first chosen, so the
//! media probe (MP4/MOV boxes, image headers) is not part of the app's first load.

fn main() {
    #[cfg(target_arch = "wasm32")]
    wanedit_web::probe::worker_main();
}
