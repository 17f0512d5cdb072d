// Checks the packed `wanedit` tarball in a Vite project (run by scripts/client-vite.sh, which
// installs Vite from the npm registry into a temporary folder first):
//   1. `vite build`, the output served statically and loaded in headless Chromium;
//   2. the Vite dev server, loaded in headless Chromium.
// Each page imports 'wanedit' like an application does, calls init(), validate(), the Client
// constructor (a WanError), Client.upload (which loads the upload module; a WanError for the
// missing model), loadProbe() and probeMedia().
//
//   node vite-check.mjs <project dir>    (vite and the tarball installed in it)

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { createServer as netServer } from 'node:net';
// playwright-core from tests/node_modules (this file is not below tests/).
import { chromium } from '../../../tests/node_modules/playwright-core/index.mjs';

const dir = process.argv[2];
const vite = join(dir, 'node_modules', '.bin', 'vite');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];

await writeFile(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/main.js"></script>\n');
await writeFile(
  join(dir, 'main.js'),
  `import { init, validate, Client, WanError, loadProbe, probeMedia } from 'wanedit';
window.run = async () => {
  await init();
  const issues = validate({ model: 'wan2.7-videoedit' }).length;
  let ctor = null;
  try { new Client({}); } catch (e) { ctor = e instanceof WanError ? e.kind : String(e); }
  const upload = await new Client({ baseUrl: location.origin })
    .upload(new Uint8Array([1, 2, 3]), {})
    .then(() => 'resolved', (e) => (e instanceof WanError ? e.kind : String(e)));
  await loadProbe();
  let probe = null;
  try { probeMedia(new Uint8Array([1, 2, 3])); } catch (e) { probe = e.kind; }
  return { issues, ctor, upload, probe };
};
window.ready = true;
`,
);

function run(cmd, args) {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd: dir, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`${cmd} ${args.join(' ')}: exit ${code}`))));
  });
}

async function check(browser, url) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  await page.goto(url);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 20000 });
  const result = await page.evaluate(() => window.run().catch((e) => `error: ${e}`));
  await page.close();
  const want = JSON.stringify({ issues: 1, ctor: 'invalid_request', upload: 'invalid_request', probe: 'invalid_media' });
  if (JSON.stringify(result) !== want || problems.length) {
    throw new Error(`${url}: got ${JSON.stringify(result)}, want ${want}; ${problems.join('; ')}`);
  }
}

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ARGS });
let failed = false;
try {
  await run(vite, ['build', '--logLevel', 'warn']);
  const root = join(dir, 'dist');
  const server = createServer(async (req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = normalize(join(root, p === '/' ? 'index.html' : p));
    if (!file.startsWith(root + sep)) return res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    await check(browser, `http://127.0.0.1:${server.address().port}/`);
    console.log('ok: vite build');
  } catch (e) {
    failed = true;
    console.error(`FAIL: vite build: ${e.message}`);
  } finally {
    server.close();
  }

  const port = await new Promise((ok) => {
    const s = netServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => ok(p));
    });
  });
  const dev = spawn(vite, ['--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise((ok, fail) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`vite dev did not start: ${out}`)), 20000);
      dev.stdout.on('data', (d) => {
        out += d;
        const m = out.replace(/\x1b\[[0-9;]*m/g, '').match(/Local:\s+(http:\/\/\S+)/);
        if (m) {
          clearTimeout(timer);
          ok(m[1]);
        }
      });
    });
    await check(browser, url);
    console.log('ok: vite dev server');
  } catch (e) {
    failed = true;
    console.error(`FAIL: vite dev server: ${e.message}`);
  } finally {
    dev.kill('SIGTERM');
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
