// Starts the probe worker (crate wanedit-web, bin probe-worker; see web/src/probe.rs).
// Messages that arrive while the wasm loads are queued and replayed once the Rust side has
// installed its handler.
importScripts('./probe-worker.js');
const early = [];
self.onmessage = (event) => early.push(event);
wasm_bindgen({ module_or_path: './probe-worker_bg.wasm' }).then(() => {
  for (const event of early) self.onmessage(event);
});
