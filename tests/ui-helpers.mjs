// Helpers of the web UI end-to-end specs (tests/ui-*.spec.mjs): the real `wanedit-relay`
// binary serving dist/ with its in-process simulator, the simulator's control routes, and a
// browser page that records problems (see harness.mjs).
//
//   startRelay()          spawns target/debug/wanedit-relay --simulate --serve dist on a free
//                         loopback port (build it first: cargo build -p wanedit-relay) and
//                         resolves to { url, simUrl, sim, stop }.
//   sim.*                 the simulator's /__sim control routes (clock, faults, request log).
//   openApp(relay, opts)  a fresh Chromium with the app loaded and marked ready.
//
// Environment: WANEDIT_RELAY_BIN (default target/debug/wanedit-relay, built with cargo when
// missing).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS_DIR, DIST_DIR, REPO_DIR, TIMEOUT_MS, launchBrowser, openPage, waitForReady } from './harness.mjs';

export const RELAY_BIN = process.env.WANEDIT_RELAY_BIN ?? join(REPO_DIR, 'target/debug/wanedit-relay');
export const MEDIA_DIR = join(REPO_DIR, 'crates/core/tests/fixtures/media');
export const UI_FIXTURES = join(REPO_DIR, 'web/tests/fixtures');

/** Starts the relay with the simulator; `timeScale` is the simulator's clock speed. */
export async function startRelay({ timeScale = 60, extraArgs = [] } = {}) {
  if (!existsSync(RELAY_BIN) && !process.env.WANEDIT_RELAY_BIN) {
    // Not built yet (scripts/test.sh builds it before the browser tests): build it now.
    const built = spawnSync('cargo', ['build', '-p', 'wanedit-relay'], { cwd: REPO_DIR, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('cargo build -p wanedit-relay failed');
  }
  if (!existsSync(RELAY_BIN)) {
    throw new Error(`${RELAY_BIN} not found: run cargo build -p wanedit-relay`);
  }
  const child = spawn(
    RELAY_BIN,
    [
      '--simulate',
      '--serve', DIST_DIR,
      '--listen', '127.0.0.1:0',
      '--log-format', 'json',
      '--sim-time-scale', String(timeScale),
      '--rate-limit', '0',
      ...extraArgs,
    ],
    { env: { PATH: process.env.PATH, RUST_LOG: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines = [];
  let relayUrl;
  let simUrl;
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${lines.join('\n')}`)), TIMEOUT_MS);
    const onLine = (line) => {
      lines.push(line);
      let v;
      try {
        v = JSON.parse(line);
      } catch {
        return;
      }
      const fields = v.fields ?? v;
      const message = fields.message ?? v.message;
      if (message === 'simulator listening' && fields.addr) simUrl = `http://${fields.addr}`;
      if (message === 'wanedit-relay listening' && fields.addr) relayUrl = `http://${fields.addr}/`;
      if (relayUrl && simUrl) {
        clearTimeout(timer);
        resolve();
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream.on('data', (chunk) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
    }
    child.once('exit', (code) => reject(new Error(`relay exited (${code}):\n${lines.join('\n')}`)));
  });
  await ready;
  const sim = simControl(simUrl);
  return {
    url: relayUrl,
    simUrl,
    sim,
    lines,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** The simulator's control routes. */
export function simControl(base) {
  const call = async (method, path, body) => {
    const res = await fetch(`${base}/__sim${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /__sim${path}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    base,
    requests: (route) => call('GET', `/requests${route ? `?route=${route}` : ''}`),
    clearRequests: () => call('DELETE', '/requests'),
    tasks: () => call('GET', '/tasks'),
    task: (id) => call('GET', `/tasks/${id}`),
    advance: (seconds) => call('POST', '/clock/advance', { seconds }),
    scale: (timeScale) => call('POST', '/clock/scale', { time_scale: timeScale }),
    failNext: (code, message) => call('POST', '/fail-next', { code, message }),
    failTask: (id, code, message) => call('POST', `/tasks/${id}/fail`, { code, message }),
    reset: () => call('POST', '/reset'),
  };
}

/**
 * Opens the app at `relay.url` in a fresh browser. `init` (a function run in the page before
 * any script) may seed storage. Resolves to { page, problems, close, screenshot }.
 */
export async function openApp(relay, { viewport, init, timeScale } = {}) {
  const browser = await launchBrowser();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(relay.url).origin });
  const { page, problems } = await openPage(browser.context);
  if (viewport) await page.setViewportSize(viewport);
  if (timeScale) {
    await page.addInitScript((scale) => localStorage.setItem('wanedit.debug.timeScale', String(scale)), timeScale);
  }
  if (init) await page.addInitScript(init);
  await page.goto(relay.url, { waitUntil: 'load' });
  await waitForReady(page);
  return {
    page,
    problems,
    close: () => browser.close(),
    async shot(name) {
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      const path = join(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };
}

/** Problems other than those expected by a test (`allow`: regexps). */
/**
 * Runs `fn(app)` on a fresh app page of `relay` (openApp `opts`), then takes screenshot
 * `name` and fails on any browser problem not matched by `allow`.
 */
export async function withAppPage(relay, name, fn, { allow = [], ...opts } = {}) {
  const app = await openApp(relay, opts);
  try {
    await fn(app);
  } finally {
    await app.shot(name).catch(() => {});
    const left = unexpected(app.problems, allow);
    await app.close();
    assert.deepEqual(left, [], 'browser problems');
  }
}

export function unexpected(problems, allow = []) {
  return problems.filter((p) => !allow.some((re) => re.test(p)));
}

/** Waits until `fn()` is truthy (polling), or throws with `what`. */
export async function until(fn, what, timeout = TIMEOUT_MS) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}
