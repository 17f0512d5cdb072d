// Budgets of the web UI, both printed:
//   1. the transfer of the first load: every HTML, JS, wasm and CSS file the page fetches
//      until it is interactive, each compressed with gzip -9 (goal: <= 250 KB). The test
//      FAILS above LIMIT_BYTES, after printing the figures: 380 KB, today's 375.8 KB
//      (2026-12-04) plus a little, so the first load cannot grow; the size work lowers it
//      towards the goal. History: 365.3 KB on 2026-12-03 (limit 370); the UI work of
//      2026-12-04 (drafts, examples, live relay state, poll errors, embed fixes, the mask
//      check, waiting through the client) added about 40 KB (the stable build's wasm alone
//      is 389.9 KB gz), of which building the UI with the pinned nightly and
//      panic=immediate-abort (scripts/lib.sh build_web) took back 22.9 KB;
//      It also prints what Chromium's network log says went over the wire with gzip and
//      with brotli (the relay serves dist/'s precompressed .gz and .br files);
//   2. the time from navigation to an interactive form (the app sets data-ready once the
//      forms are rendered and the relay's configuration is read), median of 5 cold loads
//      (printed only: wall-clock times vary with the machine).
// Served by the real relay when target/debug/wanedit-relay exists, else by a static server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST_DIR, launchBrowser, openPage, serveDist } from './harness.mjs';
import { RELAY_BIN, startRelay } from './ui-helpers.mjs';

const GOAL_BYTES = 250 * 1024;
/** The most the first load may transfer, gzip -9 (see the top of this file). */
const LIMIT_BYTES = 380 * 1024;
const KINDS = /\.(html|js|mjs|wasm|css)$/;

test('first-load transfer (gzip -9) and time to an interactive form', { timeout: 180_000 }, async () => {
  const server = existsSync(RELAY_BIN) ? await startRelay({ timeScale: 1 }) : await serveDist();
  const origin = new URL(server.url).origin;
  const times = [];
  const transferred = {};
  let files;
  try {
    for (let run = 0; run < 5; run++) {
      const browser = await launchBrowser();
      try {
        const { page } = await openPage(browser.context);
        const fetched = new Set();
        page.on('requestfinished', (req) => {
          const url = new URL(req.url());
          if (url.origin !== origin) return;
          const name = url.pathname === '/' ? 'index.html' : basename(url.pathname);
          if (KINDS.test(name)) fetched.add(name);
        });
        const t0 = Date.now();
        await page.goto(server.url, { waitUntil: 'commit' });
        await page.waitForFunction(() => document.body?.dataset.ready === '1', null, { timeout: 60_000 });
        const wall = Date.now() - t0;
        // The prompt of the first form takes input at once.
        await page.fill('#image_reference-prompt', 'typing works');
        const inPage = Number(await page.evaluate(() => document.body.dataset.readyMs));
        times.push({ wall, inPage });
        files ??= [...fetched].sort();
      } finally {
        await browser.close();
      }
    }
    // What goes over the wire, from Chromium's network log: the first load again with the
    // browser asking for one encoding at a time (the relay serves dist/'s precompressed
    // .gz / .br files, scripts/precompress.mjs).
    for (const encoding of ['gzip', 'br']) transferred[encoding] = await transferredBytes(server.url, origin, encoding);
  } finally {
    await (server.stop ?? server.close)();
  }

  let total = 0;
  const rows = [];
  for (const name of files) {
    const raw = await readFile(join(DIST_DIR, name));
    const gz = gzipSync(raw, { level: 9 }).length;
    total += gz;
    rows.push(`  ${name.padEnd(48)} ${String(raw.length).padStart(9)} B  ${String(gz).padStart(8)} B gz`);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
  console.log(`first load (${files.length} files; probe worker and media load later, on demand):`);
  console.log(rows.join('\n'));
  console.log(
    `  total (gzip -9): ${kb(total)}  (goal <= ${kb(GOAL_BYTES)}: ${total <= GOAL_BYTES ? 'met' : 'NOT met'}; ` +
      `limit ${kb(LIMIT_BYTES)})`,
  );
  console.log(
    `time to interactive form: median ${median(times.map((t) => t.inPage))} ms after navigation start ` +
      `(performance.now at data-ready), ${median(times.map((t) => t.wall))} ms wall clock; ` +
      `runs: ${times.map((t) => t.inPage).join(', ')} ms`,
  );
  for (const [encoding, t] of Object.entries(transferred)) {
    console.log(
      `  transferred with Accept-Encoding: ${encoding} (Chromium network log, bodies): ${kb(t.bytes)} ` +
        `in ${t.files} files, ${t.encoded} of them sent ${encoding}-encoded`,
    );
  }
  assert.ok(files.some((f) => f.endsWith('.wasm')), 'the wasm was loaded');
  assert.ok(!files.some((f) => f.startsWith('probe-worker')), 'the probe worker is not part of the first load');
  assert.ok(total <= LIMIT_BYTES, `first load ${kb(total)} gzipped > the limit ${kb(LIMIT_BYTES)}`);
});

/**
 * Loads the page once with only `encoding` accepted and sums the encoded body sizes of the
 * first-load files that Chromium's network log reports; counts those that came encoded.
 */
async function transferredBytes(url, origin, encoding) {
  const browser = await launchBrowser();
  try {
    const { page } = await openPage(browser.context);
    await page.setExtraHTTPHeaders({ 'accept-encoding': encoding });
    const done = [];
    page.on('requestfinished', (req) => {
      const u = new URL(req.url());
      const name = u.pathname === '/' ? 'index.html' : basename(u.pathname);
      if (u.origin === origin && KINDS.test(name)) done.push(req);
    });
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => document.body?.dataset.ready === '1', null, { timeout: 60_000 });
    let bytes = 0;
    let encoded = 0;
    for (const req of done) {
      bytes += (await req.sizes()).responseBodySize;
      const response = await req.response();
      if ((await response?.headerValue('content-encoding')) === encoding) encoded++;
    }
    return { bytes, files: done.length, encoded };
  } finally {
    await browser.close();
  }
}
