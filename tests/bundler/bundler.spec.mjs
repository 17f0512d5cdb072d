// The npm package `wanedit` in the bundlers its users have: the packed tarball
// (crates/client/build-npm.sh) installed into a temporary project, then
//   - `vite build`, the output served statically;
//   - the Vite dev server;
//   - esbuild (`bundle`, `splitting`, ESM), with the `.wasm` files copied next to the output
//     as the package README tells esbuild users to do;
// each loaded in headless Chromium. The page imports 'wanedit' as an application does and
// calls init(), validate(), the Client constructor (a WanError), Client.upload (which loads
// the lazy upload module; a WanError for the missing model), loadProbe() and probeMedia()
// (the lazy probe module). A page that never uploads or probes must not download their
// modules. Vite and esbuild are pinned in tests/bundler/package.json (scripts/setup.sh
// installs them).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build as viteBuild, createServer as viteServer } from 'vite';
import { build as esbuild } from 'esbuild';
import { REPO_DIR, launchBrowser, serveStatic } from '../harness.mjs';

const NPM_DIR = join(REPO_DIR, 'target', 'npm');
const WASM_FILES = ['wanedit_bg.wasm', 'upload/wanedit_upload_bg.wasm', 'probe/wanedit_probe_bg.wasm'];

function tarball() {
  const found = existsSync(NPM_DIR) ? readdirSync(NPM_DIR).filter((f) => /^wanedit-.*\.tgz$/.test(f)) : [];
  return found.length ? join(NPM_DIR, found[0]) : null;
}

const MAIN_JS = `import { init, validate, Client, WanError, loadProbe, probeMedia } from 'wanedit';
window.loadMain = async () => {
  await init();
  return validate({ model: 'wan2.7-videoedit' }).map((i) => i.code + ' ' + i.path);
};
window.run = async () => {
  let ctor = null;
  try { new Client({}); } catch (e) { ctor = e instanceof WanError ? e.kind : String(e); }
  const upload = await new Client({ baseUrl: location.origin })
    .upload(new Uint8Array([1, 2, 3]), {})
    .then(() => 'resolved', (e) => (e instanceof WanError ? e.kind : String(e)));
  await loadProbe();
  let probe = null;
  try { probeMedia(new Uint8Array([1, 2, 3])); } catch (e) { probe = e.kind; }
  return { ctor, upload, probe };
};
window.ready = true;
`;

let dir; // the temporary project: the tarball installed, index.html + main.js

before(() => {
  if (!tarball()) {
    execFileSync(join(REPO_DIR, 'crates', 'client', 'build-npm.sh'), ['--skip-size-check'], { stdio: 'inherit' });
  }
  dir = mkdtempSync(join(tmpdir(), 'wanedit-bundler-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bundler-test', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', tarball()], {
    cwd: dir,
    stdio: 'inherit',
  });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>\n',
  );
  writeFileSync(join(dir, 'main.js'), MAIN_JS);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Loads `url` in a fresh browser, checks the main module alone first, then the lazy modules.
 * The browser is closed before the server, which otherwise waits for its kept-alive sockets.
 */
async function check(url) {
  const t0 = Date.now();
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  const problems = [];
  const wasm = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    if (/\.wasm(\?|$)/.test(r.url())) wasm.push(new URL(r.url()).pathname);
  });
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.ready === true, null, { timeout: 20000 });
    const issues = await page.evaluate(() => window.loadMain());
    assert.deepEqual(issues, ['missing_field input'], 'validate() in the bundled main module');
    assert.equal(wasm.length, 1, `only the main module is downloaded before upload/probe: ${wasm}`);
    const result = await page.evaluate(() => window.run().catch((e) => `error: ${e}`));
    assert.deepEqual(result, { ctor: 'invalid_request', upload: 'invalid_request', probe: 'invalid_media' });
    assert.equal(wasm.length, 3, `the upload and probe modules load on demand: ${wasm}`);
    assert.deepEqual(problems, []);
    console.log(`  loaded and checked in Chromium in ${Date.now() - t0} ms`);
  } finally {
    await browser.close();
  }
}

describe('wanedit in bundlers (packed tarball, headless Chromium)', () => {
  test('vite build', async () => {
    const t0 = Date.now();
    await viteBuild({ root: dir, logLevel: 'warn', build: { outDir: join(dir, 'dist-vite') } });
    console.log(`  vite build: ${Date.now() - t0} ms`);
    const server = await serveStatic(join(dir, 'dist-vite'));
    try {
      await check(server.url);
    } finally {
      await server.close();
    }
  });

  test('vite dev server', async () => {
    const server = await viteServer({ root: dir, logLevel: 'warn', server: { host: '127.0.0.1', port: 0 } });
    await server.listen();
    try {
      await check(server.resolvedUrls.local[0]);
    } finally {
      await server.close();
    }
  });

  test('esbuild (bundle + splitting, .wasm files copied next to the output)', async () => {
    const out = join(dir, 'dist-esbuild');
    const t0 = Date.now();
    await esbuild({
      absWorkingDir: dir,
      entryPoints: ['main.js'],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      outdir: out,
      logLevel: 'warning',
    });
    console.log(`  esbuild: ${Date.now() - t0} ms`);
    writeFileSync(join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>\n');
    for (const f of WASM_FILES) copyFileSync(join(dir, 'node_modules', 'wanedit', f), join(out, f.split('/').pop()));
    const server = await serveStatic(out);
    try {
      await check(server.url);
    } finally {
      await server.close();
    }
  });
});
