// Shared helpers for the browser end-to-end specs (`tests/*.spec.mjs`, run by `node --test`).
//
//   - `serveDist()`      serves the Trunk output (`dist/`) on a loopback port, or uses
//                        WANEDIT_BASE_URL when a server (e.g. the relay) is already running.
//   - `launchBrowser()`  starts the system Chromium (/usr/bin/chromium) through playwright-core;
//                        no browser is ever downloaded.
//   - `openPage()`       opens a page that records every console error, page error, failed
//                        request and HTTP error response; `assertClean()` fails on any of them.
//   - `screenshot()`     saves a PNG to tests/artifacts/.
//
// Environment:
//   WANEDIT_DIST       directory to serve (default: <repo>/dist)
//   WANEDIT_BASE_URL   test this URL instead of serving WANEDIT_DIST
//   CHROMIUM           browser executable (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS     per-wait timeout (default: 30000)

import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const TESTS_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = resolve(TESTS_DIR, '..');
export const ARTIFACTS_DIR = join(TESTS_DIR, 'artifacts');
export const DIST_DIR = resolve(process.env.WANEDIT_DIST ?? join(REPO_DIR, 'dist'));
export const TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 30000);
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.mp4': 'video/mp4',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Answers a request with a file's bytes, typed by its extension and never cached (the tests
 * rebuild files between runs).
 */
export function sendFile(req, res, file, body) {
  res.writeHead(200, {
    'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Starts `server` on 127.0.0.1:`port` (0: a random free port). */
export function listenLocal(server, port = 0) {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
}

/**
 * Serves `root` on 127.0.0.1:`port` (0: a random free port). Unknown paths without an extension fall back
 * to index.html (single-page app); anything else missing is a 404.
 * Resolves to `{ url, close }`.
 */
export async function serveStatic(root = DIST_DIR, port = 0) {
  const rootDir = resolve(root);
  const indexStat = await stat(join(rootDir, 'index.html')).catch(() => null);
  if (!indexStat) {
    throw new Error(`${rootDir}/index.html not found: build the web UI first (trunk build --release --offline)`);
  }
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
      let file = join(rootDir, rel);
      if (file !== rootDir && !file.startsWith(rootDir + sep)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      let st = await stat(file).catch(() => null);
      if (st?.isDirectory()) {
        file = join(file, 'index.html');
        st = await stat(file).catch(() => null);
      }
      if (!st && extname(rel) === '') {
        file = join(rootDir, 'index.html');
        st = await stat(file).catch(() => null);
      }
      if (!st) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      sendFile(req, res, file, await readFile(file));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
    }
  });
  await listenLocal(server, port);
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/** The app under test: WANEDIT_BASE_URL if set, otherwise a static server for DIST_DIR. */
export async function serveDist() {
  if (process.env.WANEDIT_BASE_URL) {
    return { url: process.env.WANEDIT_BASE_URL, close: async () => {} };
  }
  return serveStatic(DIST_DIR);
}

/** Launches headless system Chromium with a fresh, throw-away profile. Resolves to `{ context, close }`. */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'wanedit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    timeout: TIMEOUT_MS,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens a new page that records problems: console errors, uncaught page errors, failed
 * requests and HTTP responses >= 400. `problems` is the live list; `assertClean()` throws
 * listing all of them.
 */
export async function openPage(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      problems.push(`console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.stack ?? err.message ?? err}`));
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText ?? '?'}`),
  );
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  page.on('crash', () => problems.push('page crashed'));
  return {
    page,
    problems,
    assertClean() {
      if (problems.length > 0) {
        throw new Error(`${problems.length} browser problem(s):\n  - ${problems.join('\n  - ')}`);
      }
    },
  };
}

/** Waits until the wasm app marked the page ready (`document.body.dataset.ready === "1"`). */
export async function waitForReady(page) {
  await page.waitForFunction(() => document.body?.dataset.ready === '1', null, { timeout: TIMEOUT_MS });
}

/** Saves a full-page screenshot to tests/artifacts/<name>.png and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Runs `fn({ page, url, problems })` against the app with full setup/teardown, saving a
 * screenshot named `name` (also when `fn` fails) and failing on any recorded browser problem.
 */
export async function withApp(name, fn) {
  const app = await serveDist();
  const browser = await launchBrowser();
  try {
    const { page, problems, assertClean } = await openPage(browser.context);
    let failure;
    try {
      await fn({ page, url: app.url, problems });
    } catch (err) {
      failure = err;
    }
    const shot = await screenshot(page, name).catch((err) => `(screenshot failed: ${err.message})`);
    console.log(`screenshot: ${shot}`);
    if (failure) {
      if (problems.length > 0) failure.message += `\nbrowser problems:\n  - ${problems.join('\n  - ')}`;
      throw failure;
    }
    assertClean();
  } finally {
    await browser.close();
    await app.close();
  }
}
