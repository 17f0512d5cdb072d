// wanedit, Node entry (Node 20+): loads the WebAssembly from the package directory
// synchronously on import, so every function works right away (`init()` is a no-op here).
// Clients keep the run times they learn from in memory (see `history` in index.d.ts).
// The probe module is loaded synchronously the first time `probeMedia` is called, the upload
// module the first time `Client.upload` is.
// Requests use Node's global `fetch`; timers the global `setTimeout`.

import { readFileSync } from 'node:fs';
import * as probeGlue from './probe/wanedit_probe.js';
import * as uploadGlue from './upload/wanedit_upload.js';
import { initSync, __memoryHistory, __setProbeLoader, __setUploadLoader } from './index.js';

const here = (file) => new URL(file, import.meta.url);

initSync({ module: readFileSync(here('./wanedit_bg.wasm')) });
// Node has no localStorage of its own (or one the user did not ask for): clients learn in
// memory unless given a store (`history`).
__memoryHistory();
__setProbeLoader(() => {
  probeGlue.initSync({ module: readFileSync(here('./probe/wanedit_probe_bg.wasm')) });
  return probeGlue;
});
__setUploadLoader(() => {
  uploadGlue.initSync({ module: readFileSync(here('./upload/wanedit_upload_bg.wasm')) });
  return uploadGlue;
});

export * from './index.js';
