// wanedit: edit video with Alibaba's Wan models through DashScope's asynchronous API.
//
// This file is the browser / bundler entry of the npm package; `node.js` is the Node entry
// (it loads the WebAssembly from the package directory synchronously and re-exports this).
// Everything here is a thin layer over the Rust crate `wanedit-client` compiled to
// WebAssembly (`wanedit.js` + `wanedit_bg.wasm`, made by wasm-bindgen): the same transport,
// retry policy and poller as the Rust web UI. Two more modules are loaded lazily, so pages
// that do not need them never download them: `upload/` (`Client.upload`, loaded by the first
// upload) and `probe/` (the media probe and rules of `probeMedia` and `checkMedia`:
// mp4parse & co., loaded by `loadProbe()`).

import initMain, * as main from './wanedit.js';

/**
 * Every failure of this package. `kind` says what to do about it; the other fields are set
 * when known (see index.d.ts).
 */
export class WanError extends Error {
  constructor(message) {
    super(message);
    this.name = 'WanError';
  }
}

let mainReady = null;
let mainLoaded = false;
let probe = null;
let probeReady = null;
let probeLoader = null;
let upload = null;
let uploadReady = null;
let uploadLoader = null;
let uploadSource;

function loaded() {
  mainLoaded = true;
  main.__setErrorClass(WanError);
}

function notReady(what) {
  const e = new WanError(
    `${what} needs the WebAssembly module: await init() first (in Node, import 'wanedit' does it)`,
  );
  e.kind = 'invalid_request';
  return e;
}

function ensure(what) {
  if (!mainLoaded) throw notReady(what);
}

/**
 * Loads the WebAssembly module (once; later calls return the same promise). `module`, when
 * given, is where to get it: a URL, a `Response`, bytes or a `WebAssembly.Module` (default:
 * `wanedit_bg.wasm` next to this file). With `probe: true` the probe module is loaded too.
 */
export function init(options = {}) {
  if (options.uploadModule !== undefined) uploadSource = { module_or_path: options.uploadModule };
  if (!mainReady) {
    const arg = options.module === undefined ? undefined : { module_or_path: options.module };
    mainReady = initMain(arg).then(loaded, (e) => {
      mainReady = null;
      if (arg === undefined && e instanceof WebAssembly.CompileError) {
        // Typically a dev server answering the default URL with a page instead of the file.
        const w = new WanError(
          `could not load wanedit_bg.wasm next to the package's index.js (${e.message}). ` +
            "With the Vite dev server before Vite 8, add optimizeDeps: { exclude: ['wanedit'] }, " +
            "or pass the file's URL: init({ module: url }).",
        );
        w.kind = 'invalid_request';
        w.cause = e;
        throw w;
      }
      throw e;
    });
  }
  if (options.probe) {
    return Promise.all([mainReady, loadProbe(options.probeModule)]).then(() => undefined);
  }
  return mainReady.then(() => undefined);
}

/**
 * Loads the WebAssembly module synchronously from its bytes or a `WebAssembly.Module`
 * (`{ module }`). Node's entry does this on import.
 */
export function initSync(options) {
  if (!mainLoaded) {
    main.initSync({ module: options.module });
    loaded();
    mainReady = Promise.resolve();
  }
}

/**
 * Loads the media probe module (once), which `probeMedia` needs. `module` as for `init`
 * (default: `probe/wanedit_probe_bg.wasm` next to this file).
 */
export function loadProbe(module) {
  if (probe) return Promise.resolve();
  if (!probeReady) {
    probeReady = import('./probe/wanedit_probe.js')
      .then(async (m) => {
        await m.default(module === undefined ? undefined : { module_or_path: module });
        m.__setErrorClass(WanError);
        probe = m;
      })
      .catch((e) => {
        probeReady = null;
        throw e;
      });
  }
  return probeReady;
}

/** The upload module (loaded once, by the first `Client.upload`). */
function loadUpload() {
  if (!upload && uploadLoader) uploadLoader();
  if (upload) return Promise.resolve(upload);
  if (!uploadReady) {
    uploadReady = import('./upload/wanedit_upload.js')
      .then(async (m) => {
        await m.default(uploadSource);
        m.__setErrorClass(WanError);
        upload = m;
        return m;
      })
      .catch((e) => {
        uploadReady = null;
        throw e;
      });
  }
  return uploadReady;
}

/** @internal Node: how to load the upload module synchronously on first use. */
export function __setUploadLoader(load) {
  uploadLoader = () => {
    const m = load();
    m.__setErrorClass(WanError);
    upload = m;
  };
}

/** @internal Node: how to load the probe module synchronously on first use. */
export function __setProbeLoader(load) {
  probeLoader = () => {
    const m = load();
    m.__setErrorClass(WanError);
    probe = m;
  };
}

/** Every issue of a create-task body; `[]` when valid. */
export function validate(body) {
  ensure('validate');
  return main.validate(body);
}

/** Whether the body has an `oss://` URL (the create call then needs the resolve header). */
export function needsOssResolve(body) {
  ensure('needsOssResolve');
  return main.needsOssResolve(body);
}

/** A runnable curl command that creates the task (the key left as `$DASHSCOPE_API_KEY`). */
export function toCurl(body, baseUrl) {
  ensure('toCurl');
  return main.toCurl(body, baseUrl);
}

function probeModule(what) {
  if (!probe && probeLoader) probeLoader();
  if (!probe) {
    const e = new WanError(
      `${what} needs the probe module: await loadProbe() (or init({ probe: true })) first`,
    );
    e.kind = 'invalid_request';
    throw e;
  }
  return probe;
}

/** Reads an image's or video's headers. Needs the probe module (`loadProbe()`). */
export function probeMedia(bytes) {
  return probeModule('probeMedia').probeMedia(bytes);
}

/** The documented limits of a media role applied to a `MediaInfo`. Needs the probe module. */
export function checkMedia(info, role, model) {
  return probeModule('checkMedia').checkMedia(info, role, model);
}

/** Where clients keep the run times they learn from, unless told: localStorage in browsers. */
let defaultHistory = () => {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // a sandboxed frame: localStorage throws
  }
};

/** @internal Node: the history lives in memory unless a store is given. */
export function __memoryHistory() {
  defaultHistory = () => null;
}

/** The DashScope client (see index.d.ts). */
export class Client extends main.Client {
  #options;

  constructor(options) {
    ensure('new Client()');
    const given = options !== null && typeof options === 'object';
    const { history, ...rest } = given ? options : {};
    // The store crosses on its own: the options go to the WebAssembly as JSON.
    super(given ? rest : options, given && 'history' in options ? history : defaultHistory());
    // A copy for the upload module, which makes its own client with the same options.
    this.#options = JSON.parse(JSON.stringify(rest));
  }

  /** Uploads a file: in the upload module, which the first upload loads. */
  upload(file, options) {
    return loadUpload().then((m) => m.upload(this.#options, file, options));
  }
}
