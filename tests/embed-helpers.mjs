// Helpers of the embed spec (tests/embed.spec.mjs): a host-page server on an origin other
// than the relay's, an `Editor` view of one embedded editor (scoped to its host element, since
// the ids inside the shadow roots repeat from one editor to the next), the events the host page
// recorded (fixtures/embed/record-events.js), computed styles, and the instrumentation report
// (fixtures/embed/instrument.js).

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { TESTS_DIR, TIMEOUT_MS, listenLocal, sendFile } from './harness.mjs';
import { until } from './ui-helpers.mjs';

export const EMBED_FIXTURES = join(TESTS_DIR, 'fixtures/embed');

/**
 * Serves tests/fixtures/embed/ on a free loopback port, addressed as `http://localhost:<port>`
 * (the relay is `http://127.0.0.1:<port>`: another host and another port, so another origin
 * and another site). In `.html` files `{{NAME}}` is replaced by `vars[NAME]` at request time
 * (`vars` may be changed later: `vars.RELAY` is the relay's origin, set once it runs).
 * Resolves to `{ origin, url(path), vars, requests, close }`.
 */
export async function serveHost(vars = {}) {
  const root = resolve(EMBED_FIXTURES);
  const requests = [];
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      requests.push(url.pathname);
      const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
      const file = join(root, rel);
      if (!file.startsWith(root + sep) || !(await stat(file).catch(() => null))?.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      let body = await readFile(file);
      if (extname(file) === '.html') {
        body = Buffer.from(
          body.toString('utf8').replace(/\{\{([A-Z_]+)\}\}/g, (m, name) => (name in vars ? String(vars[name]) : m)),
        );
      }
      sendFile(req, res, file, body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
    }
  });
  await listenLocal(server);
  const origin = `http://localhost:${server.address().port}`;
  return {
    origin,
    vars,
    requests,
    url: (path) => `${origin}/${path.replace(/^\//, '')}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

/** `promise`, or a rejection naming `what` after `ms` (page.evaluate has no timeout of its own). */
export function withTimeout(promise, what, ms = TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The origin of a relay started by startRelay() (its `url` ends with `/`). */
export const originOf = (relay) => new URL(relay.url).origin;

/**
 * One embedded editor: every locator is scoped to the host element `hostSelector` (Playwright's
 * CSS locators pierce open shadow roots).
 */
export class Editor {
  constructor(page, hostSelector) {
    this.page = page;
    this.sel = hostSelector;
    this.host = page.locator(hostSelector);
  }

  $(selector) {
    return this.host.locator(selector);
  }

  tab(op) {
    return this.$(`#tab-${op}`);
  }

  async openTab(op) {
    await this.tab(op).click();
    await this.$(`#form-${op}`).waitFor({ state: 'visible' });
  }

  control(op, field) {
    return this.$(`#${op}-${field}`);
  }

  /** Types a value and fires `change` (URL inputs commit on change). */
  async fill(op, field, value) {
    const c = this.control(op, field);
    await c.fill(value);
    await c.dispatchEvent('change');
  }

  async value(op, field) {
    return this.control(op, field).inputValue();
  }

  submitButton(op) {
    return this.$(`#form-${op} button.submit`);
  }

  /** Clicks Submit once it is enabled; resolves to the task id the form shows. */
  async submit(op) {
    const button = this.submitButton(op);
    await until(() => button.isEnabled(), `Submit of ${op} in ${this.sel} enabled`);
    await button.click();
    const id = this.$(`#${op}-submit-status code.task-id`);
    await id.waitFor();
    return (await id.textContent()).trim();
  }

  async taskStatus(id) {
    const row = this.$(`li.task[data-task-id="${id}"]`);
    if ((await row.count()) === 0) return null;
    return row.getAttribute('data-status');
  }

  async waitStatus(id, status, timeout = 60_000) {
    return until(async () => (await this.taskStatus(id)) === status, `${this.sel}: task ${id} ${status}`, timeout);
  }

  async taskCount() {
    return this.$('li.task').count();
  }

  /** The ops whose tabs are visible. */
  async visibleTabs() {
    const tabs = this.$('[role="tab"]');
    const out = [];
    for (let i = 0; i < (await tabs.count()); i++) {
      const t = tabs.nth(i);
      if (await t.isVisible()) out.push((await t.getAttribute('id'))?.replace(/^tab-/, ''));
    }
    return out;
  }

  /** `el.getBody()` of the host element. */
  async getBody() {
    return this.page.evaluate((sel) => document.querySelector(sel).getBody(), this.sel);
  }

  async setAttr(name, value) {
    await this.page.evaluate(
      ([sel, name, value]) => {
        const el = document.querySelector(sel);
        if (value === null) el.removeAttribute(name);
        else el.setAttribute(name, value);
      },
      [this.sel, name, value],
    );
  }

  /** Waits for the custom element's `ready` promise. */
  async ready() {
    await withTimeout(
      this.page.evaluate(async (sel) => {
        await customElements.whenDefined('wanedit-editor');
        await document.querySelector(sel).ready;
      }, this.sel),
      `${this.sel}: <wanedit-editor> defined and ready`,
    );
  }
}

/** Waits until every <wanedit-editor> on the page is defined and ready. */
export async function allReady(page) {
  await withTimeout(
    page.evaluate(async () => {
      await customElements.whenDefined('wanedit-editor');
      await Promise.all([...document.querySelectorAll('wanedit-editor')].map((el) => el.ready));
    }),
    'every <wanedit-editor> defined and ready (el.ready)',
  );
}

/** The events the host page recorded on its elements: [{ seq, on, type, detail, … }]. */
export async function recorded(page, on) {
  const all = await page.evaluate(() => window.__events ?? []);
  return on ? all.filter((e) => e.on === on) : all;
}

/** The events that reached `document`. */
export async function recordedAtDocument(page) {
  return page.evaluate(() => window.__docEvents ?? []);
}

/** Waits until an event matching `pred` was recorded; resolves to it. */
export async function waitEvent(page, pred, what, timeout) {
  return until(async () => (await recorded(page)).find(pred), what, timeout);
}

/** A compact picture of an event list for assertion messages. */
export function eventTrace(events) {
  return events
    .map((e) => {
      const d = e.detail ?? {};
      const extra = [d.taskId, d.status, d.operation, d.valid === undefined ? undefined : `valid=${d.valid}`]
        .filter((x) => x !== undefined)
        .join(' ');
      return `${e.on}:${e.type.replace(/^wanedit-/, '')}${extra ? `(${extra})` : ''}`;
    })
    .join(', ');
}

/** Computed styles of the elements `selectors` (pierced into shadow roots by `Editor.$`). */
export async function styleOf(locator, props) {
  return locator.evaluate((el, props) => {
    const cs = getComputedStyle(el);
    return Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
  }, props);
}

/** Every computed property of an element (light DOM), size-dependent ones left out. */
export async function fullStyle(page, selector) {
  return page.$eval(selector, (el) => {
    const cs = getComputedStyle(el);
    const out = {};
    for (let i = 0; i < cs.length; i++) out[cs[i]] = cs.getPropertyValue(cs[i]);
    for (const p of ['--bg', '--panel', '--text', '--accent', '--line', '--radius', '--focus', '--wanedit-accent']) {
      out[p] = cs.getPropertyValue(p);
    }
    return out;
  });
}

/** Properties whose computed value depends on the element's used size (layout), not on CSS. */
export const SIZE_DEPENDENT = new Set([
  'width',
  'height',
  'inline-size',
  'block-size',
  'perspective-origin',
  'transform-origin',
]);

/** `{prop: [a, b]}` of the properties that differ. */
export function styleDiff(a, b, skip = SIZE_DEPENDENT) {
  const diff = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (skip.has(k)) continue;
    if (a[k] !== b[k]) diff[k] = [a[k], b[k]];
  }
  return diff;
}

/** `{ part: { prop: [a, b] } }` as lines `part prop: a → b`. */
export function formatDiffs(diffs) {
  return Object.entries(diffs)
    .flatMap(([part, d]) => Object.entries(d).map(([prop, [a, b]]) => `  ${part} ${prop}: ${a} → ${b}`))
    .join('\n');
}

/** The instrumentation report (fixtures/embed/instrument.js). */
export async function instr(page, hostSelector) {
  return page.evaluate((sel) => window.__instr.snapshot(sel), hostSelector);
}

/** Live timers (timeouts + intervals + animation frames + idle callbacks) of a report. */
export const liveTimers = (s) => s.timeouts + s.intervals + s.rafs + s.idles;

/** A listener or timer list for assertion messages (first stack frames included). */
export function describeLive(items) {
  return items
    .map((x) => `  - ${x.where ? `${x.where} ${x.what} '${x.type}'` : `${x.kind} (${x.delay} ms)`}\n      ${(x.stack ?? '').split('\n').slice(0, 4).join('\n      ')}`)
    .join('\n');
}
