// The npm package `wanedit` as its users get it: the tarball from `npm pack`
// (crates/client/build-npm.sh) installed into a temporary folder, then
//   - used from Node 20 (the "node" export: WebAssembly loaded from the package directory)
//     against the simulator directly and through the relay;
//   - used from a plain HTML page (`<script type="module">`, the browser export) in headless
//     Chromium through the relay.
//
// The simulator runs with a frozen clock; tests advance it. Builds what is missing first:
// the tarball (build-npm.sh --skip-size-check) and the sim/relay binaries.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { REPO, startStack, simControl, BIN_DIR } from '../crates/client/tests/stack.mjs';

const NPM_DIR = join(REPO, 'target', 'npm');
const MEDIA = join(REPO, 'crates', 'core', 'tests', 'fixtures', 'media');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
const MODEL = 'wan2.7-videoedit';
const body = (url = 'https://example.com/in.mp4') => ({
  model: MODEL,
  input: { prompt: 'make it snow', media: [{ type: 'video', url }] },
});

function tarball() {
  const found = existsSync(NPM_DIR) ? readdirSync(NPM_DIR).filter((f) => /^wanedit-.*\.tgz$/.test(f)) : [];
  return found.length ? join(NPM_DIR, found[0]) : null;
}

function ensureBuilt() {
  if (!tarball()) {
    execFileSync(join(REPO, 'crates', 'client', 'build-npm.sh'), ['--skip-size-check'], { stdio: 'inherit' });
  }
  if (!existsSync(join(BIN_DIR, 'wanedit-relay')) || !existsSync(join(BIN_DIR, 'wanedit-sim'))) {
    execFileSync('cargo', ['build', '-q', '-p', 'wanedit-sim', '-p', 'wanedit-relay'], { cwd: REPO, stdio: 'inherit' });
  }
}

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** Serves `root` on a loopback port; records every path requested. */
function serve(root) {
  const seen = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    seen.push(path);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep)) return res.writeHead(403).end();
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    res.end(await readFile(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, seen, url: `http://127.0.0.1:${server.address().port}` })));
}

let dir; // the temporary project the tarball is installed into
let page; // static server of `dir`
let stack;
let w; // the package, imported the way Node users import it

before(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'wanedit-npm-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'npm-test', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', tarball()], { cwd: dir, stdio: 'inherit' });
  // A module inside the project, so 'wanedit' resolves through node_modules and "exports".
  writeFileSync(join(dir, 'entry.mjs'), "export * from 'wanedit';\n");
  page = await serve(dir);
  stack = await startStack({ allowOrigins: [page.url] });
  w = await import(pathToFileURL(join(dir, 'entry.mjs')).href);
});

after(async () => {
  page?.server.close();
  await stack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sim = (method, path, b) => simControl(stack.simUrl, method, path, b);
const advance = (seconds) => sim('POST', '/clock/advance', { seconds });
const simRequests = async (route) => sim('GET', `/requests?route=${route}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A client straight to the simulator (Node needs no relay). */
const direct = (extra = {}) =>
  new w.Client({ baseUrl: stack.simUrl, apiKey: stack.key, timeScale: 60, retry: { baseDelayMs: 50, maxDelayMs: 800 }, ...extra });
/** A client through the relay. */
const relayed = (extra = {}) =>
  new w.Client({ baseUrl: `${stack.relayUrl}/sim`, apiKey: stack.key, relayToken: stack.token, timeScale: 60, retry: { baseDelayMs: 50, maxDelayMs: 800 }, ...extra });

async function fresh() {
  await advance(1); // a new virtual second for the per-second limits
  await sim('DELETE', '/faults');
}

describe('the package in Node 20', () => {
  test('the tarball holds the documented files and the node export loads without init()', async () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', 'wanedit', 'package.json'), 'utf8'));
    assert.equal(pkg.name, 'wanedit');
    assert.equal(pkg.exports['.'].node, './node.js');
    for (const f of ['index.js', 'node.js', 'index.d.ts', 'wanedit.js', 'wanedit_bg.wasm', 'probe/wanedit_probe.js', 'probe/wanedit_probe_bg.wasm', 'README.md']) {
      assert.ok(existsSync(join(dir, 'node_modules', 'wanedit', f)), f);
    }
    for (const name of ['init', 'initSync', 'loadProbe', 'validate', 'needsOssResolve', 'toCurl', 'probeMedia', 'checkMedia', 'Client', 'WanError']) {
      assert.ok(name in w, name);
    }
    await w.init(); // a no-op in Node, but the same code works everywhere
    assert.deepEqual(w.validate(body()), []);
  });

  test('validate, needsOssResolve and toCurl keep DashScope names', () => {
    const issues = w.validate({ model: MODEL, input: { prompt: 'x', media: [{ type: 'video', url: 'ftp://a/b.mp4' }] }, parameters: { seed: -1 } });
    assert.ok(issues.length >= 2);
    for (const i of issues) assert.deepEqual(Object.keys(i).sort(), ['code', 'message', 'path', 'severity']);
    assert.ok(issues.some((i) => i.path === 'input.media[0].url' && i.severity === 'error'));
    assert.ok(issues.some((i) => i.path === 'parameters.seed' && i.code === 'out_of_range'));
    assert.equal(w.needsOssResolve(body('oss://d/x.mp4')), true);
    assert.equal(w.needsOssResolve(body()), false);
    const curl = w.toCurl(body('oss://d/x.mp4'), 'https://dashscope-intl.aliyuncs.com');
    assert.match(curl, /X-DashScope-OssResourceResolve: enable/);
    assert.match(curl, /\$DASHSCOPE_API_KEY/);
    const cyclic = {};
    cyclic.self = cyclic;
    assert.throws(() => w.validate(cyclic), (e) => e instanceof w.WanError && e.kind === 'invalid_request');
  });

  test('probeMedia and checkMedia on real files; bad bytes throw invalid_media', () => {
    const mp4 = w.probeMedia(readFileSync(join(MEDIA, 'clip_64x48_16fps_1s.mp4')));
    assert.equal(mp4.format, 'mp4');
    assert.equal(mp4.width, 64);
    assert.equal(mp4.height, 48);
    assert.equal(mp4.frame_count, 16);
    const png = w.probeMedia(new Uint8Array(readFileSync(join(MEDIA, 'img_300x400_alpha.png'))));
    assert.deepEqual({ format: png.format, width: png.width, height: png.height, has_alpha: png.has_alpha }, { format: 'png', width: 300, height: 400, has_alpha: true });
    assert.throws(() => w.probeMedia(new Uint8Array([1, 2, 3, 4])), (e) => e instanceof w.WanError && e instanceof Error && e.kind === 'invalid_media' && e.name === 'WanError');
    const issues = w.checkMedia(png, 'reference_image', MODEL);
    assert.ok(issues.some((i) => i.code === 'has_alpha' && i.path === 'input.media'), JSON.stringify(issues));
    assert.ok(w.checkMedia(mp4, 'video', MODEL).some((i) => i.code === 'duration_too_short'));
    assert.throws(() => w.checkMedia(mp4, 'video', 'wan2.1-vace-plus'), (e) => e.kind === 'invalid_request');
  });

  test('run straight against the simulator: onSubmitted, onUpdate, snake_case answers', async () => {
    await fresh();
    const client = direct();
    const seen = [];
    let submitted = null;
    setTimeout(() => advance(600), 400);
    const task = await client.run(body(), {
      onSubmitted: (id) => {
        submitted = id;
        seen.push('submitted');
      },
      onUpdate: (t) => seen.push(t.output.task_status),
      // The body has no parameters.duration: the output is as long as the input video.
      inputVideoSeconds: 4,
    });
    assert.equal(task.output.task_status, 'SUCCEEDED');
    assert.equal(task.output.task_id, submitted);
    assert.match(task.output.video_url, new RegExp(submitted));
    assert.ok('request_id' in task && 'submit_time' in task.output, JSON.stringify(task));
    assert.deepEqual(seen, ['submitted', 'PENDING', 'SUCCEEDED']);
    const got = await client.get(submitted);
    assert.equal(got.output.task_status, 'SUCCEEDED');
    const list = await client.list({ task_id: submitted, page_size: 5 });
    assert.ok(list.data.some((t) => t.task_id === submitted && t.status === 'SUCCEEDED'), JSON.stringify(list));
  });

  test('the history store: run times go into the store given; a throwing store never fails a wait', async () => {
    const KEY = 'wanedit.pollHistory.v1';
    const items = new Map();
    const store = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
    const client = direct({ history: store });
    for (const n of [1, 2]) {
      await fresh();
      setTimeout(() => advance(600), 400);
      const task = await client.run(body(), {});
      assert.equal(task.output.task_status, 'SUCCEEDED');
      const entries = JSON.parse(items.get(KEY));
      // Each wait reads what the earlier ones stored and adds its own run.
      assert.equal(entries.length, n, items.get(KEY));
      const [kind, resolution, output, runMs] = entries.at(-1);
      assert.deepEqual([kind, resolution, output], ['wan2.7', '1080P', 0]);
      assert.ok(runMs > 0, items.get(KEY));
    }
    // Node's default store is memory (Node 20 has no localStorage): nothing to give, nothing fails.
    await fresh();
    setTimeout(() => advance(600), 400);
    assert.equal((await direct().run(body(), {})).output.task_status, 'SUCCEEDED');
    const throwing = {
      getItem() { throw new Error('blocked'); },
      setItem() { throw new Error('full'); },
    };
    await fresh();
    setTimeout(() => advance(600), 400);
    assert.equal((await direct({ history: throwing }).run(body(), {})).output.task_status, 'SUCCEEDED');
    for (const bad of [5, 'localStorage', {}, { getItem() {} }]) {
      assert.throws(() => direct({ history: bad }), (e) => e.kind === 'invalid_request' && /options\.history/.test(e.message), String(bad));
    }
  });

  test('onRetry hears of each failed poll with the wait before the next', async () => {
    await fresh();
    const client = direct();
    const created = await client.submit(body());
    const id = created.output.task_id;
    await sim('POST', '/faults', { kind: 'status', status: 503, times: 2, path_prefix: `/api/v1/tasks/${id}` });
    const retries = [];
    const seen = [];
    setTimeout(() => advance(600), 1500);
    const task = await client.wait(id, {
      onRetry: (e, delayMs) => retries.push([e instanceof w.WanError, e.kind, e.status, delayMs > 0]),
      onUpdate: (t) => seen.push(t.output.task_status),
    });
    assert.equal(task.output.task_status, 'SUCCEEDED');
    assert.deepEqual(retries, [[true, 'server', 503, true], [true, 'server', 503, true]]);
    // The first answer after the failures is told too (so a "retrying" note can be cleared).
    assert.equal(seen[0], 'PENDING');
    assert.equal(seen.at(-1), 'SUCCEEDED');
  });

  test('upload → oss:// → submit is accepted only because the client sends the resolve header', async () => {
    await fresh();
    const client = direct();
    const progress = [];
    const url = await client.upload(new Uint8Array(readFileSync(join(MEDIA, 'clip_64x48_16fps_1s.mp4'))), {
      model: MODEL,
      onProgress: (f) => progress.push(f),
    });
    assert.match(url, /^oss:\/\/.+\/upload\.mp4$/, 'a name guessed from the bytes');
    assert.deepEqual(progress, [0, 1], 'Node has no XMLHttpRequest: fetch, 0 and 1');
    // Without the header the simulator (like DashScope) refuses the oss:// URL...
    const raw = await fetch(`${stack.simUrl}/api/v1/services/aigc/video-generation/video-synthesis`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dashscope-async': 'enable', authorization: `Bearer ${stack.key}` },
      body: JSON.stringify(body(url)),
    });
    assert.equal(raw.status, 400);
    assert.match(await raw.text(), /does not appear to be valid/);
    // ...the client sends it.
    const created = await client.submit(body(url));
    assert.equal(created.output.task_status, 'PENDING');
    const rec = (await simRequests('submit')).filter((r) => r.status === 200).at(-1);
    assert.equal(rec.headers['x-dashscope-ossresourceresolve'], 'enable');
    assert.equal(rec.body.input.media[0].url, url);
  });

  test('through the relay: cancel, the 400 after, and errors as WanError', async () => {
    await fresh();
    const client = relayed();
    const { output } = await client.submit(body());
    assert.equal(await client.cancel(output.task_id), undefined);
    const again = await client.cancel(output.task_id).catch((e) => e);
    assert.ok(again instanceof w.WanError, String(again));
    assert.equal(again.kind, 'invalid_request');
    assert.equal(again.status, 400);
    assert.equal(again.code, 'UnsupportedOperation');
    assert.equal(again.task_id, output.task_id);
    assert.equal(typeof again.request_id, 'string');
    const canceled = await client.wait(output.task_id).catch((e) => e);
    assert.equal(canceled.kind, 'canceled');
    assert.equal(canceled.task.output.task_status, 'CANCELED');

    const noToken = await new w.Client({ baseUrl: `${stack.relayUrl}/sim`, apiKey: stack.key }).get(output.task_id).catch((e) => e);
    assert.equal(noToken.kind, 'auth');
    assert.equal(noToken.status, 401);
  });

  test('FAILED tasks reject with task_failed and the code', async () => {
    await fresh();
    await sim('POST', '/fail-next', { code: 'InvalidParameter', message: 'The size is not match' });
    setTimeout(() => advance(600), 300);
    const e = await relayed().run(body()).catch((x) => x);
    assert.equal(e.kind, 'task_failed');
    assert.equal(e.code, 'InvalidParameter');
    assert.equal(e.task.output.message, 'The size is not match');
    assert.match(e.message, /InvalidParameter/);
  });

  test('timeout with cancelOnTimeout cancels the PENDING task; abort rejects at once', async () => {
    await fresh();
    const client = relayed();
    const { output } = await client.submit(body());
    const t0 = Date.now();
    const e = await client.wait(output.task_id, { timeoutMs: 700, cancelOnTimeout: true }).catch((x) => x);
    assert.equal(e.kind, 'timeout');
    assert.ok(Date.now() - t0 >= 700);
    assert.equal((await sim('GET', `/tasks/${output.task_id}`)).status, 'CANCELED');

    const second = (await client.submit(body())).output.task_id;
    const ac = new AbortController();
    setTimeout(() => ac.abort('the user left'), 200);
    const t1 = Date.now();
    const a = await client.wait(second, { signal: ac.signal }).catch((x) => x);
    assert.equal(a.kind, 'aborted');
    assert.equal(a.task_id, second);
    assert.ok(Date.now() - t1 < 1500);
    assert.equal((await sim('GET', `/tasks/${second}`)).status, 'PENDING');
  });

  test('an invalid body is refused with issues and never sent', async () => {
    await fresh();
    const before = (await simRequests('submit')).length;
    stack.clearRelayRequests();
    const e = await relayed().submit({ model: MODEL, input: { prompt: '' } }).catch((x) => x);
    assert.ok(e instanceof w.WanError);
    assert.equal(e.kind, 'invalid_request');
    assert.ok(Array.isArray(e.issues) && e.issues.some((i) => i.severity === 'error'), JSON.stringify(e.issues));
    assert.equal((await simRequests('submit')).length, before);
    assert.deepEqual(stack.relayRequests(), []);
  });

  test('bad options are invalid_request errors (camelCase options)', async () => {
    assert.throws(() => new w.Client({ base_url: 'x' }), (e) => e.kind === 'invalid_request' && /baseUrl/.test(e.message));
    assert.throws(() => new w.Client({ baseUrl: 'x', retry: { maxAttempts: 0 } }), (e) => e.kind === 'invalid_request');
    const e = await direct().wait('abc', { timeoutMs: 'soon' }).catch((x) => x);
    assert.equal(e.kind, 'invalid_request');
    for (const bad of [0, -2, '5 s']) {
      const v = await direct().wait('abc', { inputVideoSeconds: bad }).catch((x) => x);
      assert.equal(v.kind, 'invalid_request');
      assert.match(v.message, /options\.inputVideoSeconds/);
    }
    const s = await direct().get('abc', { signal: {} }).catch((x) => x);
    assert.equal(s.kind, 'invalid_request');
    const u = await direct().upload(new Uint8Array(4), {}).catch((x) => x);
    assert.equal(u.kind, 'invalid_request');
  });

  test('an aborted wait leaves no timer behind: the process exits at once', async () => {
    await fresh();
    const id = (await relayed().submit(body())).output.task_id;
    const script = `
      import { Client } from 'wanedit';
      const c = new Client(${JSON.stringify({ baseUrl: `${stack.relayUrl}/sim`, apiKey: stack.key, relayToken: stack.token })});
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 300);
      const e = await c.wait(${JSON.stringify(id)}, { signal: ac.signal, model: 'wan2.1-vace-plus' }).catch((x) => x);
      console.log(e.kind);
    `;
    writeFileSync(join(dir, 'abort.mjs'), script);
    const t0 = Date.now();
    const out = await new Promise((ok, fail) => {
      const child = spawn(process.execPath, ['abort.mjs'], { cwd: dir });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.stderr.on('data', (d) => (text += d));
      child.on('exit', (code) => (code === 0 ? ok(text) : fail(new Error(`exit ${code}: ${text}`))));
    });
    assert.equal(out.trim(), 'aborted');
    // The VACE schedule's next poll would be seconds away; nothing may keep Node alive.
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  });
});

describe('the package in a plain HTML page (headless Chromium)', () => {
  let browser;
  let tab;

  before(async () => {
    writeFileSync(
      join(dir, 'index.html'),
      `<!doctype html><meta charset="utf-8"><title>wanedit</title>
<script type="module">
  import * as w from './node_modules/wanedit/index.js';
  window.w = w;
  await w.init();
  window.ready = true;
</script>`,
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    tab = await browser.newPage();
    tab.on('pageerror', (e) => console.error('pageerror', e));
    page.seen.length = 0;
    await tab.goto(`${page.url}/index.html`);
    await tab.waitForFunction(() => window.ready === true, null, { timeout: 20000 });
  });

  after(async () => {
    await browser?.close();
  });

  test('init() loads the main module only; probeMedia needs loadProbe()', async () => {
    assert.ok(page.seen.includes('/node_modules/wanedit/wanedit_bg.wasm'), page.seen.join(' '));
    assert.ok(!page.seen.some((p) => p.includes('probe')), 'the probe module is not loaded yet');
    const before = await tab.evaluate(() => {
      try {
        window.w.probeMedia(new Uint8Array(8));
        return 'no error';
      } catch (e) {
        return `${e instanceof window.w.WanError} ${e.kind}`;
      }
    });
    assert.equal(before, 'true invalid_request');
    const png = [...readFileSync(join(MEDIA, 'img_400x300.png'))];
    const info = await tab.evaluate(async (bytes) => {
      await window.w.loadProbe();
      return window.w.probeMedia(new Uint8Array(bytes));
    }, png);
    assert.deepEqual({ format: info.format, width: info.width, height: info.height }, { format: 'png', width: 400, height: 300 });
    assert.ok(page.seen.includes('/node_modules/wanedit/probe/wanedit_probe_bg.wasm'));
  });

  test('run through the relay from the page; errors are WanError instances', async () => {
    await fresh();
    const cfg = { baseUrl: `${stack.relayUrl}/sim`, apiKey: stack.key, relayToken: stack.token, timeScale: 60, retry: { baseDelayMs: 50 } };
    setTimeout(() => advance(600), 500);
    const result = await tab.evaluate(async ({ cfg, b }) => {
      const c = new window.w.Client(cfg);
      const seen = [];
      const task = await c.run(b, { onSubmitted: (id) => seen.push(id), onUpdate: (t) => seen.push(t.output.task_status) });
      const bad = await c.submit({ model: 'wan2.7-videoedit' }).catch((e) => e);
      const history = JSON.parse(localStorage.getItem('wanedit.pollHistory.v1') ?? '[]');
      return { status: task.output.task_status, seen, history, bad: { isWanError: bad instanceof window.w.WanError, isError: bad instanceof Error, kind: bad.kind, issues: bad.issues.length } };
    }, { cfg, b: body() });
    assert.equal(result.status, 'SUCCEEDED');
    // In a browser the client learns into localStorage by default.
    assert.ok(result.history.length >= 1 && result.history.at(-1)[0] === 'wan2.7', JSON.stringify(result.history));
    assert.equal(result.seen.length, 3);
    assert.deepEqual(result.seen.slice(1), ['PENDING', 'SUCCEEDED']);
    assert.deepEqual(result.bad, { isWanError: true, isError: true, kind: 'invalid_request', issues: 1 });
  });

  test('wanedit/embed: the editor from the package mounts in the page and runs a task through the relay', async () => {
    await fresh();
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', 'wanedit', 'package.json'), 'utf8'));
    assert.deepEqual(pkg.exports['./embed'], { types: './embed/embed.d.ts', default: './embed/embed.js' });
    assert.ok(existsSync(join(dir, 'node_modules', 'wanedit', 'embed', 'embed.d.ts')));
    const options = {
      relay: `${stack.relayUrl}/sim`,
      keyMode: 'own',
      apiKey: stack.key,
      relayToken: stack.token,
      operations: ['wan27_edit'],
      body: body(),
    };
    const submitted = await tab.evaluate(async (options) => {
      // The simulator's clock runs 60x here (the relay does not publish it: not --simulate).
      localStorage.setItem('wanedit.debug.timeScale', '60');
      const { mount } = await import('./node_modules/wanedit/embed/embed.js');
      const host = document.createElement('div');
      document.body.append(host);
      window.embedEvents = [];
      for (const name of ['submitted', 'status', 'succeeded', 'failed']) {
        host.addEventListener(`wanedit-${name}`, (e) => window.embedEvents.push([name, e.detail.status ?? e.detail.taskId]));
      }
      window.editor = await mount(host, options);
      window.finished = new Promise((r) => ['wanedit-succeeded', 'wanedit-failed'].forEach((n) => host.addEventListener(n, r)));
      const sent = new Promise((r) => host.addEventListener('wanedit-submitted', (e) => r(e.detail), { once: true }));
      host.shadowRoot.querySelector('#form-wan27_edit button.primary').click();
      return sent;
    }, options);
    assert.match(submitted.taskId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(submitted.body, body());
    await advance(600);
    const events = await tab.evaluate(async () => {
      await window.finished;
      window.editor.unmount();
      return window.embedEvents;
    });
    assert.deepEqual(events.map((e) => e[0]).filter((n, i, a) => n !== 'status' || a[i - 1] !== 'status'), ['submitted', 'status', 'succeeded']);
    assert.equal(events.at(-2)[1], 'SUCCEEDED');
    assert.ok(page.seen.some((p) => /^\/node_modules\/wanedit\/embed\/wanedit-web-.*_bg\.wasm$/.test(p)), page.seen.join(' '));
  });

  test('upload from the page reports progress (XMLHttpRequest) and returns an oss:// URL', async () => {
    await fresh();
    const cfg = { baseUrl: `${stack.relayUrl}/sim`, apiKey: stack.key, relayToken: stack.token };
    const out = await tab.evaluate(async (cfg) => {
      const c = new window.w.Client(cfg);
      const progress = [];
      const file = new File([new Uint8Array(3_000_000)], 'big clip.mp4', { type: 'video/mp4' });
      const url = await c.upload(file, { model: 'wan2.7-videoedit', onProgress: (f) => progress.push(f) });
      return { url, progress };
    }, cfg);
    // The space is made URL-safe by core's one filename rule (validation refuses spaces in URLs).
    assert.match(out.url, /^oss:\/\/.+\/big_clip\.mp4$/);
    assert.equal(out.progress[0], 0);
    assert.equal(out.progress.at(-1), 1);
    assert.ok(out.progress.length >= 3, `intermediate progress: ${out.progress}`);
  });
});
