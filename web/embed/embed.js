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
const HOST_CSS = ':host{display:block}.wanedit-host{all:initial;display:block}[hidden]{display:none!important}';

// Attributes and the option each one sets.
const ATTRIBUTES = {
  relay: 'relay',
  operations: 'operations',
  lang: 'lang',
  'key-mode': 'keyMode',
  body: 'body',
  'storage-key': 'storageKey',
  workspace: 'workspace',
};
// What a removed attribute goes back to (`null`: the editor keeps its current value).
const DEFAULTS = {
  operations: 'image_reference video_repainting video_edit video_extension video_outpainting wan27_edit',
  relay: BASE,
  lang: /^zh/i.test(navigator.language) ? 'zh' : 'en',
  keyMode: 'relay',
  workspace: '',
  storageKey: '',
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

/** Mounts synchronously once `load()` is done; `onEvent(name, detail)` sees every event. */
function create(element, options, css, onEvent) {
  const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  const container = document.createElement('div');
  container.className = 'wanedit-host';
  root.replaceChildren(container);
  applyStyles(root, css);
  let readyResolve;
  const ready = new Promise((resolve) => (readyResolve = resolve));
  const emit = (name, json) => {
    const detail = JSON.parse(json);
    if (name === 'ready') readyResolve();
    onEvent?.(name, detail);
    element.dispatchEvent(new CustomEvent(`wanedit-${name}`, { detail, bubbles: true, composed: true }));
  };
  let inner;
  try {
    inner = mountEditor(root, container, toJson({ ...options, relay: options.relay ?? BASE, assetBase: BASE }), emit);
  } catch (e) {
    container.remove();
    throw e;
  }
  const handle = {
    element,
    /** The current request body of the shown form. */
    getBody: () => JSON.parse(inner.getBody()),
    /** Prefills the form of the body's operation (an object or JSON text). */
    setBody: (body) => inner.setBody(typeof body === 'string' ? body : JSON.stringify(body)),
    /** Changes options (the names `mount` takes). Throws, naming the option, on a bad one. */
    update: (changes) => inner.update(toJson(changes)),
    /** Removes the editor and stops everything it runs. */
    unmount() {
      if (!inner) return;
      inner.unmount();
      inner.free();
      inner = undefined;
      container.remove();
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
  const { handle, ready } = create(element, options, css);
  await ready;
  return handle;
}

/** `<wanedit-editor>`: the editor as an element; attributes as in the README. */
export class WaneditEditor extends HTMLElement {
  static observedAttributes = Object.keys(ATTRIBUTES);
  #handle = null;
  #starting = null;
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
    try {
      const css = await load();
      if (!this.isConnected) return;
      const options = {};
      for (const [attribute, option] of Object.entries(ATTRIBUTES)) {
        const value = this.getAttribute(attribute);
        if (value !== null) options[option] = value;
      }
      const { handle, ready } = create(this, options, css);
      this.#handle = handle;
      await ready;
      this.#readyResolve();
    } catch (e) {
      this.#fail(e);
    } finally {
      this.#starting = null;
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
