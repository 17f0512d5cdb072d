// The embeddable editor (web/embed/README.md) in real headless Chromium, against the real relay
// binary and its simulator, from host pages served on ANOTHER origin (tests/fixtures/embed/,
// `http://localhost:<port>`, while the relay is `http://127.0.0.1:<port>` and allows that origin
// with --allow-origin):
//
//   1. two editors from the five-line snippet: one completes a task and the page receives
//      validation → submitted → status… → SUCCEEDED → succeeded, with one task id; the other
//      editor gets none of it and keeps its own form;
//   2. a hostile host stylesheet does not break or restyle the editor; the editor's CSS does not
//      restyle the host's elements; --wanedit-accent themes one editor and not the other;
//   3. attributes changed at run time (lang, operations, body, relay) take effect;
//   4. mount()/unmount() through the JS API leaves no listener, timer or poll behind, twice.
//
// Every test fails on an unexpected console error, page error, failed request or HTTP error.
// Screenshots go to tests/artifacts/embed-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DIST_DIR, launchBrowser, openPage, screenshot } from './harness.mjs';
import { startRelay, unexpected, until } from './ui-helpers.mjs';
import { ALLOWED, FAKE } from './ui-forms.mjs';
import {
  EMBED_FIXTURES,
  Editor,
  allReady,
  describeLive,
  eventTrace,
  formatDiffs,
  fullStyle,
  instr,
  liveTimers,
  originOf,
  recorded,
  recordedAtDocument,
  serveHost,
  styleDiff,
  styleOf,
  waitEvent,
  withTimeout,
} from './embed-helpers.mjs';

// The simulator runs 60× faster than real time; the relay tells the editor so in its
// /api/relay/config, and the editor polls on that clock.
const SCALE = 60;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let host;
let relay;
let relayB;
let browser;
let R; // the relay's origin

before(async () => {
  host = await serveHost();
  relay = await startRelay({ timeScale: SCALE, extraArgs: ['--allow-origin', host.origin] });
  R = originOf(relay);
  host.vars.RELAY = R;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await relay?.stop();
  await relayB?.stop();
  await host?.close();
});

/**
 * Opens `path` of the host server in a fresh page (`init`: a script file installed before any
 * page script), runs `fn`, saves tests/artifacts/<name>.png, and fails on unexpected problems.
 */
async function withHostPage(name, path, fn, { allow = ALLOWED, init } = {}) {
  const { page, problems } = await openPage(browser.context);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  let failure;
  try {
    if (init) await page.addInitScript({ path: init });
    const res = await page.goto(host.url(path), { waitUntil: 'load' });
    assert.equal(res?.status(), 200, `GET ${path}`);
    await fn({ page, requests });
  } catch (err) {
    failure = err;
  }
  const shot = await screenshot(page, name).catch((err) => `(screenshot failed: ${err.message})`);
  console.log(`screenshot: ${shot}`);
  const left = unexpected(problems, allow);
  await page.close().catch(() => {});
  if (failure) {
    if (problems.length) failure.message += `\nbrowser problems:\n  - ${problems.join('\n  - ')}`;
    throw failure;
  }
  assert.deepEqual(left, [], 'browser problems');
}

/** The sim's task queries for one task. */
async function taskGets(r, id) {
  return (await r.sim.requests('task_get')).filter((q) => q.path.endsWith(`/tasks/${id}`));
}

const TASK_EVENTS = ['wanedit-submitted', 'wanedit-status', 'wanedit-succeeded', 'wanedit-failed'];

describe('embedded editor (<wanedit-editor>, mount())', () => {
  const T = { timeout: 90_000 };
  test('two editors on a page of another origin: one completes a task, events in order, the other untouched', T, async () => {
    await withHostPage('embed-two-editors', 'two-editors.html', async ({ page, requests }) => {
      assert.notEqual(await page.evaluate(() => location.origin), R, 'the host page is on another origin');
      await allReady(page);
      const ed1 = new Editor(page, '#ed1');
      const ed2 = new Editor(page, '#ed2');

      // Both announced themselves, and both run from the relay's files and the app's one wasm.
      const ready = (await recorded(page)).filter((e) => e.type === 'wanedit-ready').map((e) => e.on);
      assert.deepEqual(ready.sort(), ['ed1', 'ed2'], 'one wanedit-ready per editor');
      assert.ok(requests.includes(`${R}/embed.js`), 'embed.js loaded from the relay');
      const wasm = requests.filter((u) => u.endsWith('.wasm'));
      const appWasm = readFileSync(join(DIST_DIR, 'index.html'), 'utf8').match(/wanedit-web-[0-9a-f]+_bg\.wasm/)?.[0];
      assert.ok(appWasm, 'dist/index.html names the app wasm');
      assert.deepEqual(
        wasm.filter((u) => !u.includes('probe-worker')),
        [`${R}/${appWasm}`],
        `the app's wasm, fetched once from the relay for both editors (saw ${JSON.stringify(wasm)})`,
      );

      // Each editor offers its own operations in its own language.
      assert.deepEqual((await ed1.visibleTabs()).sort(), ['video_edit', 'wan27_edit']);
      assert.deepEqual((await ed2.visibleTabs()).sort(), ['video_edit', 'video_outpainting']);
      assert.equal((await ed1.tab('video_edit').textContent()).trim(), 'Local editing');
      assert.equal((await ed2.tab('video_edit').textContent()).trim(), '局部编辑');

      // The same ids live in both shadow roots; typing in one form leaves the other alone.
      await ed1.openTab('video_edit');
      await ed2.openTab('video_edit');
      await ed1.control('video_edit', 'prompt').fill('ed1: a lion sips coffee.');
      assert.equal(await ed2.value('video_edit', 'prompt'), '', 'ed2 prompt untouched by ed1');
      await ed2.control('video_edit', 'prompt').fill('ed2: a tiger reads a paper.');
      await ed2.fill('video_edit', 'video_url', `${FAKE}/ed2.mp4`);
      assert.equal(await ed1.value('video_edit', 'prompt'), 'ed1: a lion sips coffee.', 'ed1 prompt untouched by ed2');
      assert.equal(await ed1.value('video_edit', 'video_url'), '', 'ed1 video URL untouched by ed2');
      const body2 = await ed2.getBody();
      assert.equal(body2?.input?.prompt, 'ed2: a tiger reads a paper.');
      assert.equal(body2?.input?.video_url, `${FAKE}/ed2.mp4`);
      assert.equal((await ed1.getBody())?.input?.prompt, 'ed1: a lion sips coffee.');

      // Editor 1 completes a Wan 2.7 edit against the relay and its simulator.
      const prompt = 'Turn the host page into a watercolour painting.';
      await ed1.openTab('wan27_edit');
      await ed1.control('wan27_edit', 'prompt').fill(prompt);
      await ed1.fill('wan27_edit', 'video', `${FAKE}/host.mp4`);
      const id = await ed1.submit('wan27_edit');
      await ed1.waitStatus(id, 'succeeded', 60_000);
      await waitEvent(page, (e) => e.on === 'ed1' && e.type === 'wanedit-succeeded', 'wanedit-succeeded on ed1');
      await ed1.$(`li.task[data-task-id="${id}"] video.result-video`).waitFor();
      assert.match(JSON.stringify(await relay.sim.task(id)), /SUCCEEDED/, 'the simulator ran the task');

      // The events of editor 1, in order.
      const ev1 = await recorded(page, 'ed1');
      const trace = eventTrace(ev1.filter((e) => e.type !== 'wanedit-validation' || e.detail?.operation === 'wan27_edit'));
      const iSub = ev1.findIndex((e) => e.type === 'wanedit-submitted');
      assert.ok(iSub >= 0, `a wanedit-submitted event (saw: ${trace})`);
      const sub = ev1[iSub].detail;
      assert.equal(sub.taskId, id, 'submitted.taskId is the task the form shows');
      assert.equal(sub.operation, 'wan27_edit');
      assert.match(String(sub.model), /wan2\.7/);
      assert.equal(typeof sub.requestId, 'string');
      assert.ok(sub.requestId.length > 0, 'submitted.requestId');
      assert.equal(sub.body?.input?.prompt, prompt, 'submitted.body is the request sent');

      const before = ev1.slice(0, iSub).filter((e) => e.type === 'wanedit-validation' && e.detail?.operation === 'wan27_edit');
      assert.ok(before.length > 0, `validation events for wan27_edit before submitted (saw: ${trace})`);
      for (const v of before) {
        assert.equal(typeof v.detail.valid, 'boolean');
        assert.ok(Array.isArray(v.detail.issues), 'validation.issues is an array');
      }
      const lastVal = before.at(-1).detail;
      assert.equal(lastVal.valid, true, `the last validation before submitting is valid (${JSON.stringify(lastVal)})`);
      assert.equal(lastVal.body?.input?.prompt, prompt);
      const invalid = before.find((v) => v.detail.valid === false);
      assert.ok(invalid, `a validation event reported the form invalid before the video was set (saw: ${trace})`);
      assert.ok(
        invalid.detail.issues.every((i) => ['path', 'code', 'severity', 'message'].every((k) => k in i)),
        `issues carry path, code, severity, message: ${JSON.stringify(invalid.detail.issues)}`,
      );

      const tail = ev1.slice(iSub + 1).filter((e) => TASK_EVENTS.includes(e.type));
      console.log(`ed1 events: ${eventTrace([...before.slice(-2), ev1[iSub], ...tail])}`);
      assert.ok(!tail.some((e) => e.type === 'wanedit-failed' || e.type === 'wanedit-submitted'), `no failure, one submit (${trace})`);
      const statuses = tail.filter((e) => e.type === 'wanedit-status');
      const names = statuses.map((e) => e.detail.status);
      for (const s of statuses) {
        assert.equal(s.detail.taskId, id, `status events carry the task id (${trace})`);
        assert.equal(s.detail.task?.output?.task_status, s.detail.status, 'status.task is the query answer');
      }
      assert.equal(names.at(-1), 'SUCCEEDED', `the last status is SUCCEEDED (${names})`);
      assert.ok(names.slice(0, -1).length > 0, `PENDING/RUNNING before SUCCEEDED (${names})`);
      assert.ok(names.slice(0, -1).every((n) => n === 'PENDING' || n === 'RUNNING'), `${names}`);
      assert.ok(names.every((n, i) => i === 0 || n !== names[i - 1]), `one event per status change (${names})`);
      const last = tail.at(-1);
      assert.equal(last.type, 'wanedit-succeeded', `succeeded comes last, after status SUCCEEDED (${trace})`);
      assert.equal(tail.filter((e) => e.type === 'wanedit-succeeded').length, 1);
      assert.equal(last.detail.taskId, id);
      assert.match(String(last.detail.videoUrl), /^https?:\/\/\S+$/, 'succeeded.videoUrl');
      assert.equal(last.detail.task?.output?.video_url, last.detail.videoUrl, 'succeeded.task has the video_url');
      for (const e of ev1) {
        assert.ok(e.bubbles && e.composed && e.targetIsElement, `${e.type}: bubbles, composed, target is the element`);
      }
      const atDoc = (await recordedAtDocument(page)).filter((e) => TASK_EVENTS.includes(e.type));
      assert.ok(atDoc.length === tail.length + 1 && atDoc.every((e) => e.target === 'ed1'), 'the events reach document from ed1');

      // Editor 2: no task events, its form as it was, no task in its list.
      const ev2 = await recorded(page, 'ed2');
      assert.deepEqual(
        ev2.filter((e) => TASK_EVENTS.includes(e.type)).map((e) => e.type),
        [],
        `ed2 got no task events (${eventTrace(ev2)})`,
      );
      assert.ok(
        ev2.filter((e) => e.type === 'wanedit-validation').every((e) => ['video_edit', 'video_outpainting'].includes(e.detail.operation)),
        `ed2's validation events are about its own forms (${eventTrace(ev2)})`,
      );
      assert.equal(await ed2.value('video_edit', 'prompt'), 'ed2: a tiger reads a paper.');
      assert.equal(await ed2.value('video_edit', 'video_url'), `${FAKE}/ed2.mp4`);
      assert.equal(await ed2.taskCount(), 0, 'ed2 lists no task');
      assert.equal(await ed1.taskCount(), 1);
      await ed1.openTab('video_edit');
      assert.equal(await ed1.value('video_edit', 'prompt'), 'ed1: a lion sips coffee.', "ed1's other form kept its value");
    });
  });

  test('a hostile host stylesheet neither breaks nor restyles the editor', T, async () => {
    const parts = {
      root: '.wanedit',
      tab: '#tab-wan27_edit',
      otherTab: '#tab-video_edit',
      submit: '#form-wan27_edit button.submit',
      prompt: '#wan27_edit-prompt',
      label: '#form-wan27_edit label',
      tasksHeading: '.tasks h2',
    };
    const props = [
      'display', 'visibility', 'opacity', 'color', 'background-color', 'font-size', 'font-family',
      'font-weight', 'font-style', 'line-height', 'letter-spacing', 'word-spacing', 'text-transform',
      'text-align', 'text-indent', 'text-shadow', 'white-space', 'cursor', 'padding-top', 'padding-left',
      'margin-top', 'border-top-width', 'border-top-style', 'border-top-left-radius', 'box-sizing',
    ];
    const signature = async (page) => {
      const ed = new Editor(page, '#ed1');
      await ed.openTab('wan27_edit');
      const out = {};
      for (const [name, sel] of Object.entries(parts)) out[name] = await styleOf(ed.$(sel).first(), props);
      return out;
    };
    let clean;
    await withHostPage('embed-clean', 'two-editors.html', async ({ page }) => {
      await allReady(page);
      clean = await signature(page);
    });
    await withHostPage('embed-hostile-css', 'hostile.html', async ({ page }) => {
      await allReady(page);
      // The host stylesheet is in force on the page itself.
      assert.equal(await page.$eval('body', (b) => getComputedStyle(b).fontSize), '40px');
      assert.equal(await page.$eval('.panel', (d) => getComputedStyle(d).display), 'none');
      const ed1 = new Editor(page, '#ed1');
      const ed2 = new Editor(page, '#ed2');
      for (const [ed, ops] of [[ed1, ['wan27_edit', 'video_edit']], [ed2, ['video_edit', 'video_outpainting']]]) {
        for (const op of ops) {
          const box = await ed.tab(op).boundingBox();
          assert.ok(box && box.width > 0 && box.height > 0, `${ed.sel} tab ${op} has a box: ${JSON.stringify(box)}`);
          assert.ok(await ed.tab(op).isVisible(), `${ed.sel} tab ${op} visible`);
        }
      }
      await ed1.openTab('wan27_edit');
      // Measured in the same state as on the clean page (form untouched).
      const hostile = {};
      for (const [name, sel] of Object.entries(parts)) hostile[name] = await styleOf(ed1.$(sel).first(), props);
      const submit = ed1.submitButton('wan27_edit');
      const box = await submit.boundingBox();
      assert.ok(box && box.width > 0 && box.height > 0, `Submit has a box: ${JSON.stringify(box)}`);
      assert.equal(await styleOf(submit, ['visibility']).then((s) => s.visibility), 'visible');
      // Usable: fill in, submit, the task runs.
      await ed1.control('wan27_edit', 'prompt').fill('Despite the host CSS.');
      await ed1.fill('wan27_edit', 'video', `${FAKE}/hostile.mp4`);
      const id = await ed1.submit('wan27_edit');
      await waitEvent(page, (e) => e.type === 'wanedit-submitted' && e.detail?.taskId === id, 'submitted');
      await ed1.waitStatus(id, 'succeeded', 60_000);
      await ed2.openTab('video_outpainting');
      assert.ok(await ed2.$('#form-video_outpainting').isVisible());

      // Nothing of the host's CSS reaches into the editor: same computed styles as on a clean page.
      const diffs = Object.fromEntries(
        Object.keys(parts)
          .map((name) => [name, styleDiff(clean[name], hostile[name], new Set())])
          .filter(([, d]) => Object.keys(d).length > 0),
      );
      assert.equal(
        Object.keys(diffs).length,
        0,
        `editor styles that differ between a clean and a hostile host page (clean → hostile):\n${formatDiffs(diffs)}`,
      );
    });
  });

  test("the editor's CSS does not restyle the host page's elements", T, async () => {
    const ids = await (async () => {
      const html = readFileSync(join(EMBED_FIXTURES, 'host-styles.html'), 'utf8');
      return ['html', 'body', ...[...html.matchAll(/id="(h-[a-z0-9-]+)"/g)].map((m) => `#${m[1]}`)];
    })();
    const styles = async (page) => {
      const out = {};
      for (const sel of ids) out[sel] = await fullStyle(page, sel);
      return out;
    };
    let without;
    await withHostPage('embed-host-styles-without', 'host-styles.html', async ({ page }) => {
      await page.waitForSelector('body[data-host-ready="1"]', { state: 'attached' });
      without = await styles(page);
    });
    await withHostPage('embed-host-styles-with', 'host-styles.html?editor=1', async ({ page }) => {
      await page.waitForSelector('body[data-host-ready="1"]', { state: 'attached' });
      const ed = new Editor(page, '#ed');
      assert.ok(await ed.tab('wan27_edit').isVisible(), 'the editor is on the page');
      const withEditor = await styles(page);
      const diffs = Object.fromEntries(
        ids.map((sel) => [sel, styleDiff(without[sel], withEditor[sel])]).filter(([, d]) => Object.keys(d).length > 0),
      );
      assert.equal(
        Object.keys(diffs).length,
        0,
        `host element styles that change when an editor is on the page (without → with):\n${formatDiffs(diffs)}`,
      );
      const docSheets = await page.evaluate(() => ({
        adopted: document.adoptedStyleSheets.length,
        links: [...document.querySelectorAll('link[rel="stylesheet"], style')].map((e) => e.outerHTML.slice(0, 80)),
      }));
      assert.deepEqual(docSheets, { adopted: 0, links: [] }, 'no stylesheet added to the host document');
    });
  });

  test('--wanedit-accent themes one editor, not the other', T, async () => {
    await withHostPage('embed-theme', 'two-editors.html', async ({ page }) => {
      await allReady(page);
      const ed1 = new Editor(page, '#ed1');
      const ed2 = new Editor(page, '#ed2');
      await ed1.openTab('video_edit');
      await ed2.openTab('video_edit');
      const bg = async (ed) => (await styleOf(ed.submitButton('video_edit'), ['background-color']))['background-color'];
      const before1 = await bg(ed1);
      const before2 = await bg(ed2);
      assert.equal(before1, before2, 'both editors start with the same accent');
      assert.notEqual(before1, 'rgb(255, 0, 0)');
      await page.evaluate(() => document.getElementById('ed1').style.setProperty('--wanedit-accent', 'rgb(255, 0, 0)'));
      await until(async () => (await bg(ed1)) === 'rgb(255, 0, 0)', 'ed1 Submit background rgb(255, 0, 0)', 5000);
      assert.equal(await bg(ed2), before2, "ed2's Submit keeps its colour");
      // Set on an ancestor, it reaches both.
      await page.evaluate(() => document.body.style.setProperty('--wanedit-accent', 'rgb(0, 128, 0)'));
      await until(async () => (await bg(ed2)) === 'rgb(0, 128, 0)', 'ed2 Submit background from an ancestor', 5000);
      assert.equal(await bg(ed1), 'rgb(255, 0, 0)', 'the element beats its ancestor');
    });
  });

  test('attributes changed at run time: lang, operations, body, relay', T, async () => {
    relayB = await startRelay({ timeScale: SCALE, extraArgs: ['--allow-origin', host.origin] });
    const RB = originOf(relayB);
    await withHostPage('embed-attributes', 'one-editor.html', async ({ page }) => {
      await allReady(page);
      const ed = new Editor(page, '#ed');
      assert.equal((await ed.tab('video_edit').textContent()).trim(), 'Local editing');

      // lang
      await ed.setAttr('lang', 'zh');
      await until(async () => (await ed.tab('video_edit').textContent()).trim() === '局部编辑', 'Chinese tab names', 5000);
      assert.equal((await ed.tab('wan27_edit').textContent()).trim(), 'Wan 2.7 视频编辑');
      await screenshot(page, 'embed-attributes-zh');
      await ed.setAttr('lang', 'en');
      await until(async () => (await ed.tab('video_edit').textContent()).trim() === 'Local editing', 'English again', 5000);

      // operations
      assert.deepEqual((await ed.visibleTabs()).sort(), ['video_edit', 'video_repainting', 'wan27_edit']);
      await ed.openTab('wan27_edit');
      await ed.setAttr('operations', 'video_edit');
      await until(async () => JSON.stringify(await ed.visibleTabs()) === '["video_edit"]', 'only the video_edit tab', 5000)
        .catch(async (err) => {
          err.message += ` (visible tabs: ${JSON.stringify(await ed.visibleTabs())})`;
          throw err;
        });
      assert.ok(await ed.$('#form-video_edit').isVisible(), 'the remaining form is shown');
      assert.equal(await ed.$('#form-wan27_edit').isVisible(), false, 'the removed form is gone');
      await ed.setAttr('operations', 'video_edit,video_repainting');
      await until(
        async () => JSON.stringify((await ed.visibleTabs()).sort()) === '["video_edit","video_repainting"]',
        'comma-separated operations',
        5000,
      );

      // body
      const body = {
        model: 'wan2.1-vace-plus',
        input: {
          function: 'video_edit',
          prompt: 'A lion in a suit sips coffee.',
          video_url: `${FAKE}/attr.mp4`,
          mask_image_url: `${FAKE}/attr-mask.png`,
          mask_frame_id: 1,
        },
        parameters: { mask_type: 'tracking', expand_ratio: 0.05 },
      };
      await ed.openTab('video_repainting');
      await ed.setAttr('body', JSON.stringify(body));
      await until(async () => isDeepStrictEqual(await ed.getBody(), body), 'getBody() is the body set', 5000)
        .catch(async (err) => {
          err.message += ` (getBody: ${JSON.stringify(await ed.getBody())})`;
          throw err;
        });
      assert.deepEqual(await ed.getBody(), body);
      assert.ok(await ed.$('#form-video_edit').isVisible(), 'the body picked its form');
      assert.equal(await ed.value('video_edit', 'prompt'), body.input.prompt);
      assert.equal(await ed.value('video_edit', 'video_url'), body.input.video_url);
      assert.equal(await ed.value('video_edit', 'mask_image_url'), body.input.mask_image_url);
      assert.equal(await ed.value('video_edit', 'mask_frame_id'), '1');
      assert.equal(await ed.value('video_edit', 'mask_type'), 'tracking');
      assert.equal(Number(await ed.value('video_edit', 'expand_ratio')), 0.05);

      // key-mode: `own` asks for the user's key, `relay` does not.
      const keyInputs = async () => {
        const inputs = ed.$('input[type="password"]');
        let n = 0;
        for (let i = 0; i < (await inputs.count()); i++) if (await inputs.nth(i).isVisible()) n++;
        return n;
      };
      assert.equal(await keyInputs(), 0, 'no key input with key-mode relay (the default)');
      await ed.setAttr('key-mode', 'own');
      await until(async () => (await keyInputs()) === 1, 'a key input with key-mode="own"', 5000);
      await ed.setAttr('key-mode', 'relay');
      await until(async () => (await keyInputs()) === 0, 'no key input with key-mode="relay"', 5000);

      // relay: the next submit goes to the second relay, and so do its polls.
      const submitsA = (await relay.sim.requests('submit')).length;
      const config = page.waitForRequest((r) => r.url().startsWith(`${RB}/api/relay/config`), { timeout: 10_000 });
      await ed.setAttr('relay', `${RB}/sim`);
      await config;
      const id = await ed.submit('video_edit');
      const submitsB = await relayB.sim.requests('submit');
      assert.equal(submitsB.length, 1, 'one create at relay B');
      assert.equal(submitsB[0].body?.input?.prompt, body.input.prompt);
      assert.equal((await relay.sim.requests('submit')).length, submitsA, 'no create at relay A');
      await waitEvent(page, (e) => e.type === 'wanedit-status' && e.detail?.taskId === id, 'a status event');
      await until(async () => (await taskGets(relayB, id)).length > 0, 'the task polled at relay B', 15_000);
      assert.equal((await taskGets(relay, id)).length, 0, 'and not at relay A');
      const sub = (await recorded(page, 'ed')).find((e) => e.type === 'wanedit-submitted');
      assert.equal(sub?.detail?.taskId, id);
    });
  });

  test('bad options and attributes are errors naming them; the editor keeps its last good values', T, async () => {
    await withHostPage(
      'embed-bad-input',
      'one-editor.html',
      async ({ page }) => {
        await withTimeout(page.evaluate(() => customElements.whenDefined('wanedit-editor').then(() => document.querySelector('#ed').ready)), 'editor ready');
        // mount(): each bad option rejects with an Error that names the option; nothing is mounted.
        const rejections = await page.evaluate(async (src) => {
          const { mount } = await import(src);
          const cases = [
            { operations: 'video_edit inpaint' },
            { lang: 'fr' },
            { keyMode: 'mine' },
            { relay: 'ftp://relay.example.com/intl' },
            { body: '{"model": "wan2.7-videoedit"' },
            { operations: 'video_edit', body: { model: 'wan2.7-videoedit', input: { media: [] } } },
            { oprations: 'video_edit' },
          ];
          const out = [];
          for (const options of cases) {
            const div = document.createElement('div');
            document.body.append(div);
            try {
              await mount(div, options);
              out.push('mounted');
            } catch (e) {
              out.push(`${e instanceof Error}|${e.message}|${div.shadowRoot?.childElementCount ?? 0}`);
            }
            div.remove();
          }
          return out;
        }, `${R}/embed.js`);
        const names = ['operations', 'lang', 'keyMode', 'relay', 'body', 'body', 'options'];
        rejections.forEach((r, i) => {
          const [isError, message, children] = r.split('|');
          assert.equal(isError, 'true', r);
          assert.match(message, new RegExp(`option \`${names[i]}\``), r);
          assert.equal(children, '0', `nothing left mounted: ${r}`);
        });
        assert.match(rejections[0], /"inpaint"/);
        // An attribute with a bad value: a wanedit-error event naming it; the last good value stays.
        const result = await page.evaluate(async () => {
          const el = document.querySelector('#ed');
          const errors = [];
          el.addEventListener('wanedit-error', (e) => errors.push(e.detail.message));
          const tabs = () => [...el.shadowRoot.querySelectorAll('[role=tab]')].filter((t) => !t.hidden).map((t) => t.id);
          const before = tabs();
          el.setAttribute('operations', 'video_edit nonsense');
          el.setAttribute('lang', 'klingon');
          await new Promise((r) => setTimeout(r, 100));
          let setBodyError = '';
          try {
            el.setBody('{"model": 5}');
          } catch (e) {
            setBodyError = e.message;
          }
          return { errors, before, after: tabs(), lang: el.shadowRoot.querySelector('.wanedit').lang, setBodyError };
        });
        assert.equal(result.errors.length, 2, JSON.stringify(result));
        assert.match(result.errors[0], /option `operations`.*"nonsense"/);
        assert.match(result.errors[1], /option `lang`.*"klingon"/);
        assert.deepEqual(result.after, result.before);
        assert.equal(result.lang, 'en');
        assert.match(result.setBodyError, /option `body`/);
      },
      { allow: [...ALLOWED, /wanedit-editor option `(operations|lang)`/] },
    );
  });

  test('unmount() leaves no listener, timer or poll behind; a second mount works the same', T, async () => {
    const sim = `${R}/sim`;
    const allow = [...ALLOWED, /net::ERR_ABORTED.*\/sim\/api\/v1\/tasks\//];
    try {
      await withHostPage(
        'embed-unmount',
        'blank.html',
        async ({ page }) => {
          const ed = new Editor(page, '#here');
          const beforeImport = await instr(page, '#here');
          await withTimeout(
            page.evaluate(async (src) => {
              window.__embed = await import(src);
            }, `${R}/embed.js`),
            'import(embed.js)',
          );
          await sleep(300);
          const base = await instr(page, '#here');
          const baseIds = new Set(base.listeners.map((l) => l.id));
          const report = [];
          if (liveTimers(base) !== liveTimers(beforeImport)) {
            console.log(`note: importing embed.js left timers running:\n${describeLive(base.timers)}`);
          }
          const importIds = new Set(beforeImport.listeners.map((l) => l.id));
          const byImport = base.listeners.filter((l) => !importIds.has(l.id));
          if (byImport.length) console.log(`note: listeners added by importing embed.js:\n${describeLive(byImport)}`);
          const cycles = [];
          for (const cycle of [1, 2]) {
            await relay.sim.scale(SCALE);
            await withTimeout(
              page.evaluate(
                async ({ relay, cycle }) => {
                  const el = document.getElementById('here');
                  window.__h = await window.__embed.mount(el, { relay, operations: ['wan27_edit'], lang: 'en' });
                  window.__mounted = cycle;
                },
                { relay: sim, cycle },
              ),
              `mount ${cycle}`,
            );
            await until(
              async () => (await recorded(page, 'here')).filter((e) => e.type === 'wanedit-ready').length === cycle,
              `mount ${cycle}: wanedit-ready`,
              5000,
            );
            // Freeze the simulator: the task stays PENDING and the editor keeps polling it.
            await relay.sim.scale(0);
            const prompt = `Mount ${cycle}: make it snow.`;
            await ed.control('wan27_edit', 'prompt').fill(prompt);
            await ed.fill('wan27_edit', 'video', `${FAKE}/mount${cycle}.mp4`);
            const body = await page.evaluate(() => window.__h.getBody());
            assert.equal(body?.input?.prompt, prompt, `mount ${cycle}: handle.getBody()`);
            const id = await ed.submit('wan27_edit');
            await until(async () => (await taskGets(relay, id)).length >= 2, `mount ${cycle}: polls of ${id}`, 15_000);
            const during = await instr(page, '#here');
            await page.evaluate(() => window.__h.unmount());
            assert.equal(
              await page.evaluate(() => !!document.getElementById('here').shadowRoot?.querySelector('.wanedit')),
              false,
              `unmount ${cycle} removed the editor`,
            );
            // Timers back to the baseline (a short settle for callbacks already queued).
            let settled;
            const end = Date.now() + 3000;
            do {
              await sleep(100);
              settled = await instr(page, '#here');
            } while (liveTimers(settled) > liveTimers(base) && Date.now() < end);
            const polls = (await taskGets(relay, id)).length;
            await sleep(2500); // many poll intervals on the 60× clock
            const quiet = await instr(page, '#here');
            const pollsAfter = (await taskGets(relay, id)).length;
            const leftListeners = quiet.listeners.filter(
              (l) => !baseIds.has(l.id) && ['window', 'document', 'host', 'connected'].includes(l.where),
            );
            const leftOther = quiet.listeners.filter(
              (l) =>
                !baseIds.has(l.id) &&
                l.where === 'other' &&
                !['AbortSignal', 'XMLHttpRequest', 'XMLHttpRequestUpload', 'FileReader'].includes(l.what),
            );
            const c = {
              cycle,
              id,
              timersDuringPolling: liveTimers(during),
              listenersDuringPolling: Object.entries(
                during.listeners
                  .filter((l) => !baseIds.has(l.id))
                  .reduce((m, l) => ((m[l.where] = (m[l.where] ?? 0) + 1), m), {}),
              )
                .map(([k, v]) => `${v} ${k}`)
                .join(', '),
              timersAfter: liveTimers(quiet),
              timersBase: liveTimers(base),
              timerList: quiet.timers,
              callbacksRunInQuietWindow: quiet.fired - settled.fired,
              timersCreatedInQuietWindow: quiet.created - settled.created,
              fetchesInQuietWindow: quiet.fetches - settled.fetches,
              lastFetches: quiet.fetches > settled.fetches ? quiet.lastFetches.slice(-(quiet.fetches - settled.fetches)) : [],
              lastFired: quiet.lastFired,
              pollsAfterUnmount: pollsAfter - polls,
              leftListeners,
              leftOther,
              detachedListeners: quiet.listeners.filter((l) => !baseIds.has(l.id) && l.where === 'detached').length,
            };
            cycles.push(c);
            report.push(
              `cycle ${cycle}: while polling ${c.timersDuringPolling} timers and listeners on ${c.listenersDuringPolling || 'nothing'}; timers after unmount ${c.timersAfter} (baseline ${c.timersBase}); ` +
                `callbacks run/created/fetches in the quiet window ${c.callbacksRunInQuietWindow}/${c.timersCreatedInQuietWindow}/${c.fetchesInQuietWindow}; ` +
                `polls after unmount ${c.pollsAfterUnmount}; listeners left on window/document/host/page ${leftListeners.length}, ` +
                `on other objects ${leftOther.length}, on detached nodes ${c.detachedListeners}`,
            );
          }
          console.log(report.join('\n'));
          for (const c of cycles) {
            const tag = `mount ${c.cycle}`;
            assert.equal(c.pollsAfterUnmount, 0, `${tag}: the simulator got no query for ${c.id} after unmount`);
            assert.equal(c.fetchesInQuietWindow, 0, `${tag}: no fetch after unmount: ${JSON.stringify(c.lastFetches)}`);
            assert.equal(c.timersAfter, c.timersBase, `${tag}: live timers back to the baseline; left:\n${describeLive(c.timerList)}`);
            assert.equal(
              c.callbacksRunInQuietWindow + c.timersCreatedInQuietWindow,
              0,
              `${tag}: no timer ran or was set after unmount; last run:\n${describeLive(c.lastFired.map((f) => ({ ...f, delay: '?' })))}`,
            );
            assert.deepEqual(c.leftListeners.map((l) => `${l.where} ${l.what} ${l.type}`), [], `${tag}: listeners left:\n${describeLive(c.leftListeners)}`);
            assert.deepEqual(c.leftOther.map((l) => `${l.what} ${l.type}`), [], `${tag}: listeners left on other objects:\n${describeLive(c.leftOther)}`);
          }
          assert.equal(cycles[1].timersAfter, cycles[0].timersAfter, 'no timer growth between mounts');
          assert.equal(cycles[1].leftListeners.length, cycles[0].leftListeners.length, 'no listener growth between mounts');
          // The element can be mounted a third time and is usable (the earlier tasks are gone
          // with the in-memory task list).
          await relay.sim.scale(SCALE);
          await withTimeout(
            page.evaluate(async (relay) => {
              window.__h = await window.__embed.mount(document.getElementById('here'), { relay, operations: ['wan27_edit'], lang: 'en' });
            }, sim),
            'mount 3',
          );
          await ed.control('wan27_edit', 'prompt').fill('Third mount.');
          assert.equal((await page.evaluate(() => window.__h.getBody()))?.input?.prompt, 'Third mount.');
        },
        { allow, init: join(EMBED_FIXTURES, 'instrument.js') },
      );
    } finally {
      await relay.sim.scale(SCALE);
    }
  });
});
