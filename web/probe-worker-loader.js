// Starts the probe worker (crate wanedit-web, bin probe-worker; see web/src/probe.rs).
// Messages that arrive while the wasm loads are queued and replayed once the Rust side has
// installed its handler. An embedded editor starts this from a blob: script that sets
// WANEDIT_ASSET_BASE to where the app's files are (the relay), since workers cannot be
// started from another origin directly.
const base = self.WANEDIT_ASSET_BASE || './';
importScripts(base + 'probe-worker.js');
const early = [];
self.onmessage = (event) => early.push(event);
wasm_bindgen({ module_or_path: base + 'probe-worker_bg.wasm' }).then(() => {
  // Tells the page the reader runs (until then, a page gives a file up after a while).
  self.postMessage({ started: true });
  for (const event of early) self.onmessage(event);
});
