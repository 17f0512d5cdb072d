// Issue 19, point 10: the embedded editor on real host pages (another origin), against the real
// relay binary and its simulator in headless Chromium:
//
//   1. removed 0–10 ms after being added and re-added 50 ms later (a router re-rendering), the
//      editor comes back: a full shadow root and a fresh wanedit-ready;
//   2. switching `storage-key` switches the task list cleanly (no merged lists, nothing written
//      under the other key); editors on one key share tasks by id, on one page and, through the
//      `storage` event, across tabs;
//   3. a refused origin (UI files self-hosted), an unreachable relay and a failed Submit fire
//      wanedit-error / wanedit-failed with a message that names --allow-origin;
//   4. `hide-account-tasks`, `--wanedit-radius` on inputs and buttons, `theme`;
//   5. editors of one page read the relay's configuration once;
//   6. under a strict Content-Security-Policy (the README's directives, no 'unsafe-inline') there
//      is no violation through every form, a local file and the mask editor; without
//      `worker-src blob:` a local file fails with a plain message instead of loading forever.
//
// Screenshots: tests/artifacts/embed-hosts-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { DIST_DIR, launchBrowser, listenLocal, openPage, screenshot, sendFile } from './harness.mjs';
import { startRelay, unexpected, until } from './ui-helpers.mjs';
import { ALLOWED, FAKE } from './ui-forms.mjs';
import { Editor, originOf, serveHost, withTimeout } from './embed-helpers.mjs';
import { maskFixture } from './mask-helpers.mjs';

let host;
let relay;
let browser;
let R;

before(async () => {
  host = await serveHost();
  relay = await startRelay({ timeScale: 60, extraArgs: ['--allow-origin', host.origin] });
  R = originOf(relay);
  host.vars.RELAY = R;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await relay?.stop();
  await host?.close();
});

/** Opens the blank host page, loads embed.js from `base` and records wanedit-* events. */
async function hostPage(name, fn, { allow = ALLOWED, base, url } = {}) {
  const { page, problems } = await openPage(browser.context);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  let failure;
  try {
    await page.goto(url ?? host.url('blank.html'), { waitUntil: 'load' });
    await page.evaluate(async (src) => {
      window.__all = [];
      window.__watch = (el) => {
        for (const type of ['wanedit-ready', 'wanedit-error', 'wanedit-failed', 'wanedit-submitted']) {
          el.addEventListener(type, (ev) => window.__all.push({ on: el.id, type, detail: JSON.parse(JSON.stringify(ev.detail ?? null)) }));
        }
      };
      window.__editor = (id, attrs) => {
        const el = document.createElement('wanedit-editor');
        el.id = id;
        for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
        window.__watch(el);
        return el;
      };
      await import(src);
    }, `${base ?? R}/embed.js`);
    await fn({ page, requests });
  } catch (err) {
    failure = err;
  }
  await screenshot(page, `embed-hosts-${name}`).catch(() => {});
  const left = unexpected(problems, allow);
  await page.close().catch(() => {});
  if (failure) {
    if (problems.length) failure.message += `\nbrowser problems:\n  - ${problems.join('\n  - ')}`;
    throw failure;
  }
  assert.deepEqual(left, [], 'browser problems');
}

const events = (page, on, type) =>
  page.evaluate(([on, type]) => window.__all.filter((e) => (!on || e.on === on) && (!type || e.type === type)), [on, type]);

/** Adds an editor to the page and waits for its wanedit-ready. */
async function addEditor(page, id, attrs) {
  await page.evaluate(([id, attrs]) => document.body.append(window.__editor(id, attrs)), [id, attrs]);
  await until(async () => (await events(page, id, 'wanedit-ready')).length > 0, `${id} ready`);
  return new Editor(page, `#${id}`);
}

async function submitWan27(ed, prompt) {
  await ed.openTab('wan27_edit');
  await ed.control('wan27_edit', 'prompt').fill(prompt);
  await ed.fill('wan27_edit', 'video', `${FAKE}/host.mp4`);
  return ed.submit('wan27_edit');
}

const taskIds = (ed) => ed.$('li.task').evaluateAll((rows) => rows.map((r) => r.dataset.taskId));

describe('embedded editor on real host pages', () => {
  const T = { timeout: 120_000 };

  test('quick remove and re-add (0–10 ms, back 50 ms later) leaves a working editor', T, async () => {
    await hostPage('readd', async ({ page }) => {
      // First load: removed before the wasm has even loaded.
      for (const [id, delay] of [['cold', 5]]) {
        await quickReadd(page, id, delay);
      }
      // With the module loaded (the editor mounts at once): the case a router hits.
      for (const [id, delay] of [['warm0', 0], ['warm5', 5], ['warm10', 10]]) {
        await quickReadd(page, id, delay);
      }
      const ed = new Editor(page, '#warm10');
      assert.deepEqual(await ed.visibleTabs(), ['wan27_edit']);
    });
  });

  test('storage-key switching is clean; editors on one key share tasks by id', T, async () => {
    await hostPage('storage', async ({ page }) => {
      const a = await addEditor(page, 'a', { relay: `${R}/sim`, operations: 'wan27_edit', 'storage-key': 'acme-a' });
      const idA = await submitWan27(a, 'acme-a: a lion sips coffee.');
      await until(async () => (await taskIds(a)).includes(idA), 'A lists its task');
      const keyA = 'wanedit.embed.acme-a.wanedit.tasks.v1';
      const keyB = 'wanedit.embed.acme-b.wanedit.tasks.v1';
      assert.match(await page.evaluate((k) => localStorage.getItem(k) ?? '', keyA), new RegExp(idA));

      await page.evaluate(() => document.getElementById('a').setAttribute('storage-key', 'acme-b'));
      await until(async () => (await taskIds(a)).length === 0, "acme-b's list is empty: nothing of acme-a's");
      await new Promise((r) => setTimeout(r, 1500)); // polls of the old task would land now
      assert.deepEqual(await taskIds(a), []);
      assert.doesNotMatch(await page.evaluate((k) => localStorage.getItem(k) ?? '', keyB), new RegExp(idA), "A's task is not written under acme-b");
      await page.evaluate(() => document.getElementById('a').setAttribute('storage-key', 'acme-a'));
      await until(async () => (await taskIds(a)).join() === idA, "back on acme-a: exactly acme-a's task");

      // Two editors of one page on one key: a task submitted in one shows in the other.
      const s1 = await addEditor(page, 's1', { relay: `${R}/sim`, operations: 'wan27_edit', 'storage-key': 'shared' });
      const s2 = await addEditor(page, 's2', { relay: `${R}/sim`, operations: 'wan27_edit', 'storage-key': 'shared' });
      const id1 = await submitWan27(s1, 'shared: one.');
      await until(async () => (await taskIds(s2)).includes(id1), 's2 shows the task s1 submitted');
      const id2 = await submitWan27(s2, 'shared: two.');
      await until(async () => (await taskIds(s1)).includes(id2), 's1 shows the task s2 submitted');
      const stored = await page.evaluate(() => localStorage.getItem('wanedit.embed.shared.wanedit.tasks.v1'));
      assert.ok(stored.includes(id1) && stored.includes(id2), 'the stored list holds both (no last-writer-wins)');

      // Another tab on the same key gets new tasks through the `storage` event.
      const { page: tab2 } = await openPage(browser.context);
      try {
        await tab2.goto(host.url('blank.html'), { waitUntil: 'load' });
        await tab2.evaluate(async (src) => {
          await import(src);
          const el = document.createElement('wanedit-editor');
          el.id = 't';
          el.setAttribute('relay', src.replace(/embed\.js$/, 'sim'));
          el.setAttribute('operations', 'wan27_edit');
          el.setAttribute('storage-key', 'shared');
          document.body.append(el);
          await el.ready;
        }, `${R}/embed.js`);
        const t = new Editor(tab2, '#t');
        const id3 = await submitWan27(s1, 'shared: three, for the other tab.');
        await until(async () => (await taskIds(t)).includes(id3), 'the other tab shows the new task');
        await until(async () => (await taskIds(s1)).length === 3, 's1 still has all three');
      } finally {
        await tab2.close();
      }
      // A result video whose list was switched away stops loading.
    }, { allow: [...ALLOWED, /\/results\/.*ERR_ABORTED/] });
  });

  test('refused origin, unreachable relay and failed Submit fire events naming --allow-origin', T, async () => {
    // The UI files self-hosted on an origin the relay does not allow.
    const self = await serveDistWithPage();
    try {
      await hostPage(
        'refused',
        async ({ page }) => {
          await page.evaluate((R) => document.body.append(window.__editor('r', { relay: `${R}/sim` })), R);
          const [err] = await until(async () => {
            const e = await events(page, 'r', 'wanedit-error');
            return e.length ? e : null;
          }, 'wanedit-error for the refused origin');
          assert.equal(err.detail.code, 'origin_refused');
          assert.ok(err.detail.message.includes(`--allow-origin ${self.origin}`), err.detail.message);
          const shown = new Editor(page, '#r').$('.wanedit-problem');
          assert.ok(await shown.isVisible(), 'the editor shows why');
          assert.ok((await shown.textContent()).includes('--allow-origin'));
        },
        // The refused reads, and the opaque probe of the relay's root (its body is not read).
        { base: self.origin, url: `${self.origin}/page.html`, allow: [/api\/relay\/config/, /CORS|Access-Control|refused this page's origin/, /HEAD http:\/\/127\.0\.0\.1:\d+\/: net::ERR_ABORTED/] },
      );
    } finally {
      await self.close();
    }

    await hostPage(
      'unreachable',
      async ({ page }) => {
        await page.evaluate(() => document.body.append(window.__editor('u', { relay: 'http://127.0.0.1:9/sim' })));
        const [err] = await until(async () => {
          const e = await events(page, 'u', 'wanedit-error');
          return e.length ? e : null;
        }, 'wanedit-error for the unreachable relay');
        assert.equal(err.detail.code, 'relay_unreachable');
        assert.ok(err.detail.message.includes(`--allow-origin ${host.origin}`), err.detail.message);
      },
      { allow: [/127\.0\.0\.1:9\//, /not answering/] },
    );

    const relayB = await startRelay({ timeScale: 60, extraArgs: ['--allow-origin', host.origin] });
    const B = originOf(relayB);
    try {
      await hostPage(
        'failed-submit',
        async ({ page }) => {
          const ed = await addEditor(page, 'f', { relay: `${B}/sim`, operations: 'wan27_edit' });
          await ed.openTab('wan27_edit');
          await ed.control('wan27_edit', 'prompt').fill('The relay stops before this is sent.');
          await ed.fill('wan27_edit', 'video', `${FAKE}/host.mp4`);
          await relayB.stop();
          const button = ed.submitButton('wan27_edit');
          await until(() => button.isEnabled(), 'Submit enabled');
          await button.click();
          const [failed] = await until(async () => {
            const e = await events(page, 'f', 'wanedit-failed');
            return e.length ? e : null;
          }, 'wanedit-failed for the failed Submit');
          assert.equal(failed.detail.stage, 'submit');
          assert.equal(failed.detail.operation, 'wan27_edit');
          assert.ok(failed.detail.message.includes(`--allow-origin ${host.origin}`), failed.detail.message);
        },
        { allow: [...ALLOWED, new RegExp(B.replace(/[.]/g, '\\.'))] },
      );
    } finally {
      await relayB.stop().catch(() => {});
    }
  });

  test('hide-account-tasks, --wanedit-radius on inputs and buttons, theme', T, async () => {
    await hostPage('look', async ({ page }) => {
      await page.emulateMedia({ colorScheme: 'dark' });
      const attrs = { relay: `${R}/sim`, operations: 'wan27_edit' };
      const plain = await addEditor(page, 'plain', attrs);
      const hidden = await addEditor(page, 'hidden', { ...attrs, 'hide-account-tasks': '', style: '--wanedit-radius: 13px' });
      const light = await addEditor(page, 'light', { ...attrs, theme: 'light' });
      const dark = await addEditor(page, 'dark', { ...attrs, theme: 'dark' });

      assert.equal(await plain.$('.load-account').isVisible(), true);
      assert.equal(await hidden.$('.load-account').isVisible(), false, 'hide-account-tasks hides the button');
      await page.evaluate(() => document.getElementById('hidden').removeAttribute('hide-account-tasks'));
      await until(() => hidden.$('.load-account').isVisible(), 'shown again once the attribute is removed');

      const radius = (ed, sel) => ed.$(sel).first().evaluate((el) => getComputedStyle(el).borderTopLeftRadius);
      assert.equal(await radius(hidden, '#wan27_edit-prompt'), '13px', 'the prompt input');
      assert.equal(await radius(hidden, 'button.submit'), '13px', 'a button');
      assert.equal(await radius(plain, 'button.submit'), '6px', 'the default');

      const panel = (ed) => ed.$('.wanedit').evaluate((el) => getComputedStyle(el).getPropertyValue('--panel').trim());
      assert.equal(await panel(plain), '#1f2228', 'auto follows the dark OS setting');
      assert.equal(await panel(light), '#fff', 'theme="light" stays light in a dark OS');
      assert.equal(await panel(dark), '#1f2228');
      await page.emulateMedia({ colorScheme: 'light' });
      assert.equal(await panel(plain), '#fff');
      assert.equal(await panel(dark), '#1f2228', 'theme="dark" stays dark in a light OS');
      await page.evaluate(() => document.getElementById('dark').setAttribute('theme', 'auto'));
      await until(async () => (await panel(dark)) === '#fff', 'theme changed to auto at run time');
    });
  });

  test('editors of one page read the relay configuration once', T, async () => {
    await hostPage('one-config', async ({ page, requests }) => {
      const attrs = { relay: `${R}/sim`, operations: 'wan27_edit' };
      for (const id of ['c1', 'c2', 'c3']) await addEditor(page, id, attrs);
      await page.evaluate(
        ([R]) => Promise.all(['m1', 'm2'].map(async (id) => {
          const { mount } = await import(`${R}/embed.js`);
          const el = document.createElement('div');
          el.id = id;
          document.body.append(el);
          await mount(el, { relay: `${R}/sim`, operations: 'wan27_edit' });
        })),
        [R],
      );
      const reads = requests.filter((u) => u.endsWith('/api/relay/config'));
      assert.equal(reads.length, 1, `one read for five editors (saw ${reads.length})`);
    });
  });
});

describe('embedded editor under a strict Content-Security-Policy', () => {
  const T = { timeout: 120_000 };
  const OPS = ['image_reference', 'video_repainting', 'video_edit', 'video_extension', 'video_outpainting', 'wan27_edit'];
  const fileInput = (ed) => ed.$('#form-video_edit [data-field="video_url"] .media input[type=file]');

  test("no violation without 'unsafe-inline': every form, a local file, the mask editor", T, async () => {
    await hostPage(
      'csp-strict',
      async ({ page }) => {
        await withTimeout(page.evaluate(() => customElements.whenDefined('wanedit-editor').then(() => document.getElementById('ed').ready)), 'ready');
        const ed = new Editor(page, '#ed');
        for (const op of OPS) await ed.openTab(op);
        await ed.openTab('video_edit');
        await fileInput(ed).setInputFiles(maskFixture('mask_1280x720.mp4'));
        await ed.$('#form-video_edit [data-field="video_url"] :is(.upload.done, .upload.blocked, .upload.failed)').first().waitFor({ timeout: 30_000 });
        await ed.$('#form-video_edit .draw-mask').click();
        await ed.$('#form-video_edit .mask-modal[data-ready="1"]').waitFor({ timeout: 30_000 });
        const box = await ed.$('#form-video_edit .mask-viewport').boundingBox();
        await page.mouse.move(box.x + 100, box.y + 100);
        await page.mouse.down();
        await page.mouse.move(box.x + 220, box.y + 160, { steps: 6 });
        await page.mouse.up();
        await page.keyboard.press('r');
        await page.mouse.move(box.x + 300, box.y + 100);
        await page.mouse.down();
        await page.mouse.move(box.x + 360, box.y + 160, { steps: 4 });
        await page.mouse.up();
        await page.keyboard.press('Escape');
        await ed.openTab('video_outpainting');
        const violations = await page.evaluate(() => window.__violations);
        assert.deepEqual(violations, [], `CSP violations: ${JSON.stringify(violations)}`);
      },
      { url: host.url('csp-strict.html') },
    );
  });

  test('without worker-src blob: a local file fails with a plain message, not "Loading…" for good', T, async () => {
    await hostPage(
      'csp-no-worker',
      async ({ page }) => {
        await withTimeout(page.evaluate(() => customElements.whenDefined('wanedit-editor').then(() => document.getElementById('ed').ready)), 'ready');
        const ed = new Editor(page, '#ed');
        await ed.openTab('video_edit');
        await fileInput(ed).setInputFiles(maskFixture('mask_1280x720.mp4'));
        const error = ed.$('#form-video_edit [data-field="video_url"] .issue.error');
        await error.first().waitFor({ timeout: 45_000 });
        const text = await error.first().textContent();
        assert.match(text, /worker-src blob:/, text);
      },
      { url: host.url('csp-no-worker.html'), allow: [...ALLOWED, /worker|Content Security Policy/i] },
    );
  });
});

/** Removes a fresh editor `delay` ms after adding it and re-adds it 50 ms later; it must come back. */
async function quickReadd(page, id, delay) {
  await page.evaluate(
    ([id, delay, R]) => {
      const el = window.__editor(id, { relay: `${R}/sim`, operations: 'wan27_edit' });
      (window.__els ??= {})[id] = el;
      document.body.append(el);
      setTimeout(() => {
        el.remove();
        setTimeout(() => document.body.append(el), 50);
      }, delay);
    },
    [id, delay, R],
  );
  await withTimeout(
    page.evaluate(async (id) => {
      const el = window.__els[id];
      for (;;) {
        await new Promise((r) => setTimeout(r, 100));
        if (el.isConnected && el.shadowRoot?.querySelector('.wanedit [role="tab"]')) {
          await el.ready;
          return;
        }
      }
    }, id),
    `${id} (removed after ${delay} ms, re-added 50 ms later) renders and is ready`,
  );
  const ready = await events(page, id, 'wanedit-ready');
  assert.ok(ready.length >= 1, `${id}: a wanedit-ready after the re-add`);
}

/** dist/ served on another origin the relay does not allow (self-hosted UI files), with a page. */
async function serveDistWithPage() {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/page.html') {
      const body = Buffer.from('<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>self-hosted</title></head><body><h1>Self-hosted UI files</h1></body></html>');
      sendFile(req, res, 'page.html', body);
      return;
    }
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    const file = join(DIST_DIR, rel);
    if (!file.startsWith(DIST_DIR + sep) || !(await stat(file).catch(() => null))?.isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    sendFile(req, res, file, await readFile(file));
  });
  await listenLocal(server);
  return {
    origin: `http://localhost:${server.address().port}`,
    close: () => new Promise((ok) => {
      server.closeAllConnections?.();
      server.close(() => ok());
    }),
  };
}
