// The web UI as a newcomer finds it (issue 19, points 4, 5, 6, 8 and 9), against the real relay
// binary and its simulator in Chromium:
//   - the relay's connection state is live: "connected" with the last contact, and plain words
//     when it stops; uploads and submits then fail at once, in those words;
//   - form drafts (prompt, parameters, tab, uploaded oss:// references with their expiry)
//     survive a reload, expired uploads are dropped, "Clear form" discards the draft;
//   - "Try an example" fills a valid request for every operation: on the simulator from its
//     own sample media (each submitted and followed to SUCCEEDED), on intl from the
//     documents' sample URLs;
//   - on a phone, Submit brings the new task into view and offers a "Tasks (n)" jump;
//   - an unreachable preview is fetched once and its failure shown; a URL with a space is
//     encoded with a warning; outpainting without expansion warns; the simulator's result
//     link expires within 24 h on the wall clock; "use as input" leaves no stale "Submitted".
// Screenshots go to tests/artifacts/ui-newcomer-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, startRelay, unexpected, until } from './ui-helpers.mjs';
import { ALLOWED, OPS, fill, openTab, slide, submit, uiFixture, upload, waitStatus } from './ui-forms.mjs';

const SCALE = 60;
// A reload cancels the page's requests in flight.
const RELOADS = [...ALLOWED, /net::ERR_ABORTED/];
// The documents' sample media are on the internet, which the tests do not reach.
const DOC_MEDIA = /wanx\.alicdn\.com|help-static-aliyun-doc\.aliyuncs\.com/;

async function withPage(relay, name, fn, { allow = ALLOWED, ...opts } = {}) {
  const app = await openApp(relay, { timeScale: SCALE, ...opts });
  try {
    await fn(app);
  } finally {
    await app.shot(`ui-newcomer-${name}`).catch(() => {});
    const left = unexpected(app.problems, allow);
    await app.close();
    assert.deepEqual(left, [], 'browser problems');
  }
}

const statusOf = (page) =>
  page.$eval('.relay-status', (el) => ({ state: el.dataset.state, text: el.textContent.trim() }));

describe('the relay connection, shown live', { timeout: 120_000 }, () => {
  test('a stopped relay is shown in plain words; uploads and submits fail at once', async () => {
    const relay = await startRelay({ timeScale: SCALE });
    const root = relay.url.replace(/\/$/, '');
    // Everything the page asks of the stopped relay fails.
    const down = [/ERR_CONNECTION_REFUSED/, /ERR_EMPTY_RESPONSE/, /ERR_ABORTED/, /Failed to load resource/];
    try {
      await withPage(relay, 'relay-down', async ({ page }) => {
        const up = await until(async () => {
          const s = await statusOf(page);
          return s.state === 'up' && s.text.includes('last contact') ? s : null;
        }, 'connected with the last contact');
        assert.match(up.text, /Relay connected/);

        await openTab(page, 'video_repainting');
        await page.fill('#video_repainting-prompt', 'a red car');
        await page.selectOption('#video_repainting-control_condition', 'depth');
        // A first upload while the relay is up (the media reader is loaded from it).
        const slot = '#form-video_repainting [data-field="video_url"] .media';
        await upload(page, 'video_repainting', 'video_url', uiFixture('clip_480x360_16fps_1s.mp4'));
        await relay.stop();

        const gone = await until(async () => {
          const s = await statusOf(page);
          return s.state === 'down' ? s : null;
        }, 'the stopped relay noticed', 15_000);
        assert.ok(gone.text.includes(`The relay at ${root} is not answering`), gone.text);
        assert.ok(!gone.text.includes('Relay connected'), gone.text);
        assert.match(gone.text, /last contact \d+ s ago/);

        // Another upload fails at once, in plain words.
        const started = Date.now();
        await page.setInputFiles(`${slot} input[type=file]`, uiFixture('clip_480x360_16fps_1s.mp4'));
        await page.waitForSelector(`${slot} .upload.failed`, { timeout: 5_000 });
        const took = Date.now() - started;
        const uploadText = await page.textContent(`${slot} .upload.failed`);
        assert.ok(uploadText.includes(`The relay at ${root} is not answering`), uploadText);
        assert.ok(!/Failed to fetch|network error/.test(uploadText), uploadText);
        assert.ok(took < 4_000, `the upload failed after ${took} ms`);
        console.log(`upload with the relay down: failed after ${took} ms`);

        // A submit too.
        await page.click(`${slot} button.clear`);
        await fill(page, 'video_repainting', 'video_url', 'https://media.example.invalid/in.mp4');
        await until(() => page.$eval('#form-video_repainting button.submit', (b) => !b.disabled), 'submit enabled');
        await page.click('#form-video_repainting button.submit');
        const failed = await page.waitForSelector('#video_repainting-submit-status .failed', { timeout: 15_000 });
        const submitText = await failed.textContent();
        assert.ok(submitText.includes(`The relay at ${root} is not answering`), submitText);
        assert.ok(!/Failed to fetch|network error/.test(submitText), submitText);
      }, { allow: [...ALLOWED, ...down] });
    } finally {
      await relay.stop();
    }
  });
});

describe('drafts, examples, phone, previews, expiry', { timeout: 600_000 }, () => {
  let relay;
  before(async () => {
    relay = await startRelay({ timeScale: SCALE });
  });
  after(async () => {
    await relay?.stop();
  });

  test('a draft per operation survives reload; expired uploads dropped; Clear form discards it', async () => {
    await withPage(relay, 'draft', async ({ page }) => {
      await openTab(page, 'video_repainting');
      await page.fill('#video_repainting-prompt', 'a steampunk car');
      await page.selectOption('#video_repainting-control_condition', 'depth');
      await page.fill('#video_repainting-seed', '42');
      await page.dispatchEvent('#video_repainting-seed', 'change');
      const oss = await upload(page, 'video_repainting', 'video_url', uiFixture('clip_480x360_16fps_1s.mp4'));
      await openTab(page, 'wan27_edit');
      await page.fill('#wan27_edit-prompt', 'claymation');
      await openTab(page, 'video_repainting');

      await until(async () => {
        const d = await page.evaluate(() => JSON.parse(localStorage.getItem('wanedit.drafts.v1') ?? '{}'));
        return d.forms?.video_repainting?.uploads?.[oss] ? d : null;
      }, 'the draft stored with its upload');
      await page.reload({ waitUntil: 'load' });
      await page.waitForFunction(() => document.body?.dataset.ready === '1');

      assert.equal(await page.getAttribute('#tab-video_repainting', 'aria-selected'), 'true', 'the tab');
      assert.equal(await page.inputValue('#video_repainting-prompt'), 'a steampunk car');
      assert.equal(await page.inputValue('#video_repainting-control_condition'), 'depth');
      assert.equal(await page.inputValue('#video_repainting-seed'), '42');
      assert.equal(await page.inputValue('#video_repainting-video_url'), oss);
      assert.match(await page.textContent('#form-video_repainting .actions .note'), /Draft restored/);
      await openTab(page, 'wan27_edit');
      assert.equal(await page.inputValue('#wan27_edit-prompt'), 'claymation');
      await openTab(page, 'video_repainting');
      const json = await page.textContent('#form-video_repainting .request-json');
      assert.ok(json.includes(oss) && json.includes('"seed": 42'), json);

      // The upload's 48 h have passed: the restored draft drops it and says so.
      await page.evaluate((url) => {
        const d = JSON.parse(localStorage.getItem('wanedit.drafts.v1'));
        d.forms.video_repainting.uploads[url] = Date.now() - 1000;
        localStorage.setItem('wanedit.drafts.v1', JSON.stringify(d));
      }, oss);
      await page.reload({ waitUntil: 'load' });
      await page.waitForFunction(() => document.body?.dataset.ready === '1');
      assert.equal(await page.inputValue('#video_repainting-video_url'), '');
      assert.equal(await page.inputValue('#video_repainting-prompt'), 'a steampunk car');
      assert.match(await page.textContent('#form-video_repainting .actions .note'), /older than 48 h/);

      // Clear form discards the draft of that form only.
      await page.click('#form-video_repainting button.clear-form');
      assert.equal(await page.inputValue('#video_repainting-prompt'), '');
      await page.reload({ waitUntil: 'load' });
      await page.waitForFunction(() => document.body?.dataset.ready === '1');
      assert.equal(await page.inputValue('#video_repainting-prompt'), '');
      assert.equal(await page.inputValue('#video_repainting-control_condition'), '');
      await openTab(page, 'wan27_edit');
      assert.equal(await page.inputValue('#wan27_edit-prompt'), 'claymation');
    }, { allow: RELOADS });
  });

  test('"Try an example" on the simulator: every operation valid, submitted, SUCCEEDED', async () => {
    await withPage(relay, 'examples-sim', async ({ page }) => {
      assert.equal(await page.inputValue('#upstream'), 'sim');
      const ids = {};
      for (const op of OPS) {
        await openTab(page, op);
        await page.click(`#form-${op} button.try-example`);
        const json = JSON.parse(await page.textContent(`#form-${op} .request-json`));
        const text = JSON.stringify(json);
        assert.ok(text.includes('oss://dashscope-instant/wanedit-samples/'), `${op}: ${text}`);
        assert.ok(json.input.prompt.length > 0, op);
        const errors = await page.$$eval(`#form-${op} li.issue.error`, (els) => els.map((e) => e.textContent));
        assert.deepEqual(errors, [], `${op} has no errors`);
        ids[op] = await submit(page, op);
      }
      await relay.sim.advance(3600);
      for (const op of OPS) await waitStatus(page, ids[op], 'succeeded', 90_000);
    });
  });

  test('"Try an example" on intl uses the documents\' own sample URLs', async () => {
    await withPage(relay, 'examples-intl', async ({ page }) => {
      // Nothing leaves the machine: the previews of the documents' media fail at once.
      await page.route(DOC_MEDIA, (route) => route.abort());
      await page.selectOption('#upstream', 'intl');
      const expected = {
        video_edit: 'http://wanx.alicdn.com/material/20250318/video_edit_2.mp4',
        image_reference: 'http://wanx.alicdn.com/material/20250318/image_reference_1_5_16.png',
        wan27_edit: 'wan2.7-videoedit-style-change.mp4',
      };
      for (const [op, url] of Object.entries(expected)) {
        await openTab(page, op);
        await page.click(`#form-${op} button.try-example`);
        const text = await page.textContent(`#form-${op} .request-json`);
        assert.ok(text.includes(url), `${op}: ${text}`);
        assert.ok(!text.includes('oss://'), text);
        const errors = await page.$$eval(`#form-${op} li.issue.error`, (els) => els.map((e) => e.textContent));
        assert.deepEqual(errors, [], `${op} has no errors`);
      }
    }, { allow: [...ALLOWED, DOC_MEDIA] });
  });

  test('phone: Submit brings the new task into view and offers "Tasks (n)"', async () => {
    await withPage(relay, 'phone-submit', async ({ page }) => {
      await openTab(page, 'video_outpainting');
      await page.click('#form-video_outpainting button.try-example');
      const id = await submit(page, 'video_outpainting');
      const jump = await page.waitForSelector('#video_outpainting-submit-status .tasks-jump', { state: 'visible' });
      assert.match(await jump.textContent(), /Tasks \(1\)/);
      const inView = await until(
        () =>
          page.$eval(`li.task[data-task-id="${id}"]`, (el) => {
            const r = el.getBoundingClientRect();
            return r.top < innerHeight && r.bottom > 0;
          }),
        'the new task in view',
        5_000,
      );
      assert.ok(inView);
      // The jump works from anywhere on the page.
      await page.evaluate(() => scrollTo(0, 0));
      await page.click('#video_outpainting-submit-status .tasks-jump');
      await until(
        () => page.$eval('#tasks-h', (el) => el.getBoundingClientRect().top < innerHeight),
        'the task list in view after the jump',
        5_000,
      );
    }, { viewport: { width: 390, height: 844 } });
  });

  test('an unreachable preview is fetched once and its failure shown', async () => {
    const url = 'http://127.0.0.1:9/unreachable.mp4';
    await withPage(relay, 'preview-fails', async ({ page }) => {
      const fetched = [];
      page.on('request', (r) => {
        if (r.url().startsWith('http://127.0.0.1:9/')) fetched.push(r.url());
      });
      await openTab(page, 'video_repainting');
      for (let i = 0; i < 5; i += 1) {
        await fill(page, 'video_repainting', 'video_url', url);
        await page.fill('#video_repainting-prompt', `try ${i}`);
        await page.waitForTimeout(300);
      }
      await page.waitForSelector('#form-video_repainting [data-field="video_url"] .preview-failed');
      assert.ok(fetched.length <= 2, `the preview was fetched ${fetched.length} times`);
      console.log(`unreachable preview, 5 fills: ${fetched.length} GET(s)`);
      // Asked to, it tries once more.
      const before = fetched.length;
      await page.click('#form-video_repainting [data-field="video_url"] button.retry-preview');
      await page.waitForSelector('#form-video_repainting [data-field="video_url"] .preview-failed');
      assert.ok(fetched.length > before && fetched.length <= before + 2, `${fetched.length - before} more`);
    }, { allow: [...ALLOWED, /127\.0\.0\.1:9\//] });
  });

  test('a URL with a space is encoded, with a warning', async () => {
    await withPage(relay, 'url-space', async ({ page }) => {
      await openTab(page, 'video_repainting');
      await fill(page, 'video_repainting', 'video_url', 'https://media.example.invalid/my clip.mp4');
      assert.equal(await page.inputValue('#video_repainting-video_url'), 'https://media.example.invalid/my%20clip.mp4');
      const warning = await page.textContent('#form-video_repainting [data-field="video_url"] .url-encoded');
      assert.match(warning, /spaces/);
      const json = await page.textContent('#form-video_repainting .request-json');
      assert.ok(json.includes('my%20clip.mp4') && !json.includes('my clip'), json);
      await fill(page, 'video_repainting', 'video_url', 'https://media.example.invalid/clip.mp4');
      assert.equal(await page.$('#form-video_repainting [data-field="video_url"] .url-encoded'), null);
    });
  });

  test('outpainting with every scale at 1.0 warns', async () => {
    await withPage(relay, 'outpaint-none', async ({ page }) => {
      await openTab(page, 'video_outpainting');
      await page.fill('#video_outpainting-prompt', 'a violinist');
      await fill(page, 'video_outpainting', 'video_url', 'https://media.example.invalid/in.mp4');
      const warning = await page.waitForSelector('#form-video_outpainting .outpaint-none');
      assert.match(await warning.textContent(), /1\.0/);
      await slide(page, 'video_outpainting', 'top_scale', 1.5);
      await until(async () => (await page.$('#form-video_outpainting .outpaint-none')) === null, 'no warning');
    });
  });

  test('the simulator\'s result link expires within 24 h of the wall clock, and use as input clears "Submitted"', async () => {
    await withPage(relay, 'expiry-use-input', async ({ page }) => {
      // The simulator's clock has run far ahead of the wall clock (hours at 60×).
      await relay.sim.advance(6 * 3600);
      await openTab(page, 'video_repainting');
      await page.click('#form-video_repainting button.try-example');
      const id = await submit(page, 'video_repainting');
      await relay.sim.advance(3600);
      await waitStatus(page, id, 'succeeded', 90_000);
      const src = await page.getAttribute(`li.task[data-task-id="${id}"] video.result-video`, 'src');
      const expires = Number(new URL(src).searchParams.get('Expires'));
      const left = expires - Date.now() / 1000;
      assert.ok(left > 0 && left <= 86_400, `the link expires in ${(left / 3600).toFixed(2)} h`);
      // The countdown the task shows agrees (at most 24 h, e.g. "Link expires in 24 min").
      const shown = await page.textContent(`li.task[data-task-id="${id}"] .expiry`);
      const h = Number(shown.match(/(\d+) h/)?.[1] ?? 0);
      const min = Number(shown.match(/(\d+) min/)?.[1] ?? 0);
      assert.ok(/\d/.test(shown) && h * 60 + min <= 24 * 60, shown);

      // The result into the same form: its "Submitted: <id>" belongs to the old request.
      assert.ok(await page.$('#video_repainting-submit-status code.task-id'));
      await page.selectOption(`#use-${id}`, 'video_repainting');
      await page.click(`li.task[data-task-id="${id}"] button.use-input`);
      await until(async () => (await page.inputValue('#video_repainting-video_url')) === src, 'the result as input');
      assert.equal(await page.$('#video_repainting-submit-status code.task-id'), null, 'no stale Submitted');
    });
  });
});
