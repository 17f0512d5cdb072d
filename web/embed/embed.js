// wanedit embed: the <wanedit-editor> custom element and mount(element, options).
// Documentation: web/embed/README.md (and the README's "Embed the editor" section).
//
// This file is a template: the Trunk build (scripts/embed-hook.sh) writes dist/embed.js with
// the names of the app's own hashed files filled in, so an embedded editor runs the very
// wasm module the app runs (one download, cached for both), and this file is all it adds.
import init, { mountEditor } from './__WANEDIT_GLUE__';

const BASE = new URL('./', import.meta.url).href;
const WASM_URL = new URL('./__WANEDIT_WASM__', import.meta.url);
const CSS_URL = new URL('./__WANEDIT_CSS__', import.meta.url);

// Outside the app's stylesheet: the host element is a block, and the editor's root inherits
// nothing from the host page (`all: initial` leaves custom properties, the theming hooks).
const HOST_CSS =
  ':host{display:block}.wanedit-host{all:initial;display:block}[hidden]{display:none!important}' +
  '.wanedit-problem{all:initial;display:block;font:14px system-ui,sans-serif;color:#b3261e;background:#fdecea;' +
  'border:1px solid #b3261e;border-radius:6px;padding:8px 12px;margin:0 0 8px}' +
  '.wanedit-host[data-hide-account-tasks] .load-account{display:none}';

// Attributes and the option each one sets.
const ATTRIBUTES = {
  relay: 'relay',
  operations: 'operations',
  lang: 'lang',
  'key-mode': 'keyMode',
  body: 'body',
  'storage-key': 'storageKey',
  workspace: 'workspace',
  theme: 'theme',
  'hide-account-tasks': 'hideAccountTasks',
};
// What a removed attribute goes back to (`null`: the editor keeps its current value).
const DEFAULTS = {
  operations: 'image_reference video_repainting video_edit video_extension video_outpainting wan27_edit',
  relay: BASE,
  lang: /^zh/i.test(navigator.language) ? 'zh' : 'en',
  keyMode: 'relay',
  workspace: '',
  storageKey: '',
  theme: 'auto',
  hideAccountTasks: false,
};

let loading;
/** Loads the wasm module and the stylesheet once for every editor on the page. */
function load() {
  loading ??= Promise.all([
    init({ module_or_path: WASM_URL }),
    fetch(CSS_URL).then((r) => {
      if (!r.ok) throw new Error(`wanedit: ${CSS_URL} answered HTTP ${r.status}`);
      return r.text();
    }),
  ]).then(([, css]) => remToPx(css) + HOST_CSS);
  loading.catch(() => (loading = undefined));
  return loading;
}

// `rem` is measured from the host page's <html>, which a shadow root cannot shield (a site's
// `html { font-size: 62.5% }` would shrink the editor): in the shadow copy it becomes px, the
// app's own 16px rem by default, or --wanedit-rem.
function remToPx(css) {
  return css.replace(/(?<![\w.-])(\d*\.?\d+)rem\b/g, 'calc($1 * var(--wanedit-rem, 16px))');
}

function applyStyles(root, css) {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function') {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = css;
    root.append(style);
  }
}

/** The relay's root URL of a `relay` option (`https://r.example/intl` → `https://r.example`). */
function relayRoot(relay) {
  let url;
  try {
    url = new URL(relay, document.baseURI);
  } catch {
    return '';
  }
  const path = url.pathname.replace(/\/+$/, '');
  return url.origin + path.slice(0, Math.max(0, path.lastIndexOf('/')));
}

// One read of each relay's configuration for every editor of the page.
const configs = new Map();
/**
 * Reads `{root}/api/relay/config` once per relay: `{ text }`, or `{ error: { code, message } }`
 * saying what failed and how to fix it (a refused origin names `--allow-origin`). A failed
 * read is tried again by the next editor.
 */
function relayConfig(root) {
  // Not a relay URL: the editor's own check of `relay` reports it (naming the option).
  if (!/^https?:\/\//.test(root)) return Promise.resolve({});
  let read = configs.get(root);
  if (!read) {
    read = readConfig(root);
    configs.set(root, read);
    read.then((r) => r.error && configs.delete(root));
  }
  return read;
}

async function readConfig(root) {
  const url = `${root}/api/relay/config`;
  const origin = location.origin;
  try {
    const res = await fetch(url, { credentials: 'omit' });
    if (!res.ok) {
      return { error: { code: 'relay_config_failed', message: `wanedit: the relay's configuration (${url}) answered HTTP ${res.status}; is ${root} a wanedit relay?` } };
    }
    return { text: await res.text() };
  } catch {
    // The browser hides why. A relay that answers an opaque request for its root is up, so it
    // refused the origin (its API routes are same-origin only even then, so ask for `/`, which
    // a relay serving the UI answers; one that does not is reported as not answering).
    const answered = await fetch(`${root}/`, { mode: 'no-cors', method: 'HEAD', credentials: 'omit' }).then(() => true, () => false);
    return answered
      ? { error: { code: 'origin_refused', message: `wanedit: the relay at ${root} refused this page's origin ${origin}. Start it with --allow-origin ${origin}.` } }
      : { error: { code: 'relay_unreachable', message: `wanedit: the relay at ${root} is not answering (${url}). Start it; if it runs, it refuses this page's origin: start it with --allow-origin ${origin}.` } };
  }
}

/** What `embed.js` applies itself to the editor's root: `theme`, `hideAccountTasks`. */
function applyLook(container, options) {
  if ('theme' in options) {
    const theme = options.theme ?? 'auto';
    if (theme === 'auto') delete container.dataset.theme;
    else container.dataset.theme = theme;
  }
  if ('hideAccountTasks' in options) {
    const v = options.hideAccountTasks;
    container.toggleAttribute('data-hide-account-tasks', v === true || (typeof v === 'string' && v.trim() !== 'false'));
  }
}

/** Options as JSON for the wasm side: a relative relay URL is resolved against the page. */
function toJson(options) {
  const out = { ...options };
  if (typeof out.relay === 'string' && out.relay !== '') {
    out.relay = new URL(out.relay, document.baseURI).href;
  }
  if (Array.isArray(out.operations)) out.operations = out.operations.join(' ');
  if (out.body !== undefined && out.body !== null && typeof out.body !== 'string') {
    out.body = JSON.stringify(out.body);
  }
  return JSON.stringify(out);
}

/**
 * Mounts synchronously once `load()` and the relay's configuration (`config`, from
 * `relayConfig`) are read; `onEvent(name, detail)` sees every event. A configuration that
 * could not be read is shown in the editor and sent as `wanedit-error`.
 */
function create(element, options, css, config, onEvent) {
  const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  const container = document.createElement('div');
  container.className = 'wanedit-host';
  applyLook(container, options);
  const problem = document.createElement('p');
  problem.className = 'wanedit-problem';
  problem.setAttribute('role', 'alert');
  problem.hidden = !config.error;
  problem.textContent = config.error?.message ?? '';
  root.replaceChildren(problem, container);
  applyStyles(root, css);
  // Resolves to true once the editor is interactive, to false if it is unmounted first.
  let readyResolve;
  const ready = new Promise((resolve) => (readyResolve = resolve));
  const emit = (name, json) => {
    const detail = JSON.parse(json);
    if (name === 'ready') readyResolve(true);
    onEvent?.(name, detail);
    element.dispatchEvent(new CustomEvent(`wanedit-${name}`, { detail, bubbles: true, composed: true }));
  };
  let inner;
  try {
    const extra = { relay: options.relay ?? BASE, assetBase: BASE };
    if (config.text !== undefined) extra.relayConfig = config.text;
    inner = mountEditor(root, container, toJson({ ...options, ...extra }), emit);
  } catch (e) {
    container.remove();
    problem.remove();
    throw e;
  }
  if (config.error) {
    console.error(config.error.message);
    onEvent?.('error', config.error);
    element.dispatchEvent(new CustomEvent('wanedit-error', { detail: config.error, bubbles: true, composed: true }));
  }
  const handle = {
    element,
    /** The current request body of the shown form. */
    getBody: () => JSON.parse(inner.getBody()),
    /** Prefills the form of the body's operation (an object or JSON text). */
    setBody: (body) => inner.setBody(typeof body === 'string' ? body : JSON.stringify(body)),
    /** Changes options (the names `mount` takes). Throws, naming the option, on a bad one. */
    update: (changes) => {
      inner.update(toJson(changes));
      applyLook(container, changes);
    },
    /** Removes the editor and stops everything it runs. */
    unmount() {
      readyResolve(false);
      if (!inner) return;
      inner.unmount();
      inner.free();
      inner = undefined;
      container.remove();
      problem.remove();
      if (root.adoptedStyleSheets) root.adoptedStyleSheets = [];
      root.replaceChildren();
    },
  };
  return { handle, ready };
}

/**
 * Mounts an editor in `element` (in its open shadow root) and resolves to its handle once it
 * is interactive: `{ getBody(), setBody(body), update(options), unmount() }`.
 */
export async function mount(element, options = {}) {
  if (!(element instanceof Element)) {
    throw new TypeError('wanedit mount(element, options): `element` must be a DOM element');
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError('wanedit mount(element, options): `options` must be an object');
  }
  const css = await load();
  const config = await relayConfig(relayRoot(options.relay ?? BASE));
  const { handle, ready } = create(element, options, css, config);
  if (!(await ready)) throw new Error('wanedit mount(): the editor was unmounted before it was ready');
  return handle;
}

/** `<wanedit-editor>`: the editor as an element; attributes as in the README. */
export class WaneditEditor extends HTMLElement {
  static observedAttributes = Object.keys(ATTRIBUTES);
  #handle = null;
  #starting = null;
  // Counts disconnections: a start under way when the element left the page is abandoned
  // (a router that removes and re-adds the element must get a fresh start, not a dead one).
  #generation = 0;
  #readyResolve;
  /** Resolves once the editor is interactive (again after each re-connect). */
  ready = new Promise((resolve) => (this.#readyResolve = resolve));

  connectedCallback() {
    if (!this.#handle && !this.#starting) this.#starting = this.#start();
  }

  disconnectedCallback() {
    // A move within the page disconnects and reconnects in one task: keep the editor then.
    queueMicrotask(() => {
      if (this.isConnected) return;
      this.#generation++;
      this.#starting = null;
      this.#handle?.unmount();
      this.#handle = null;
      this.ready = new Promise((resolve) => (this.#readyResolve = resolve));
    });
  }

  attributeChangedCallback(name, before, value) {
    if (before === value || !this.#handle) return;
    const option = ATTRIBUTES[name];
    try {
      this.#handle.update({ [option]: value ?? DEFAULTS[option] ?? null });
    } catch (e) {
      this.#fail(e);
    }
  }

  /** The current request body of the shown form. */
  getBody() {
    return this.#live().getBody();
  }

  /** Prefills the form of the body's operation (an object or JSON text). */
  setBody(body) {
    this.#live().setBody(body);
  }

  #live() {
    if (!this.#handle) throw new Error('wanedit-editor: not ready yet (await element.ready)');
    return this.#handle;
  }

  async #start() {
    const generation = this.#generation;
    const current = () => generation === this.#generation && this.isConnected;
    try {
      const css = await load();
      if (!current()) return;
      const options = {};
      for (const [attribute, option] of Object.entries(ATTRIBUTES)) {
        const value = this.getAttribute(attribute);
        if (value !== null) options[option] = value;
      }
      const config = await relayConfig(relayRoot(options.relay ?? BASE));
      if (!current()) return;
      const { handle, ready } = create(this, options, css, config);
      this.#handle = handle;
      if ((await ready) && generation === this.#generation) this.#readyResolve();
    } catch (e) {
      if (generation === this.#generation) this.#fail(e);
    } finally {
      if (generation === this.#generation) this.#starting = null;
    }
  }

  #fail(error) {
    console.error(error);
    this.dispatchEvent(
      new CustomEvent('wanedit-error', {
        detail: { message: String(error?.message ?? error) },
        bubbles: true,
        composed: true,
      }),
    );
  }
}

if (!customElements.get('wanedit-editor')) customElements.define('wanedit-editor', WaneditEditor);
