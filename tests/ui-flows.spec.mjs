// The web UI end to end, against the real relay binary and its simulator: every operation
// filled in, submitted and followed to SUCCEEDED; local files probed and uploaded; an invalid
// field blocking the submit; reload mid-task; cancel; a failed task; use as input; the
// account's task list; language switch and a phone-width screen. Screenshots go to
// tests/artifacts/ui-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startRelay, until, withAppPage } from './ui-helpers.mjs';
import {
  ALLOWED,
  FAKE,
  addRef,
  fill,
  fixture,
  issuesOf,
  openTab,
  resultLoaded,
  select,
  slide,
  storedTasks,
  submit,
  submitEnabled,
  taskStatus,
  uiFixture,
  upload,
  waitStatus,
} from './ui-forms.mjs';

// A reload cancels the page's requests in flight (a poll, the relay configuration).
const RELOADS = { allow: [...ALLOWED, /net::ERR_ABORTED/] };

// The simulator runs 60× faster than real time; the app is told so (it scales its polling).
const SCALE = 60;
let relay;

before(async () => {
  relay = await startRelay({ timeScale: SCALE });
});
after(async () => {
  await relay?.stop();
});

const withPage = (name, fn, { allow = ALLOWED, ...opts } = {}) =>
  withAppPage(relay, name, fn, { allow, timeScale: SCALE, ...opts });

describe('web UI against the relay and the simulator', { timeout: 300_000 }, () => {
  test('all six operations: filled in, submitted, followed to SUCCEEDED, result plays', async () => {
    await withPage('ui-tasks-succeeded', async ({ page, shot }) => {
      const ids = {};

      // 1. Multi-image reference: a local image (probed, checked, uploaded) and a URL as background.
      await openTab(page, 'image_reference');
      await page.fill('#image_reference-prompt', 'A girl walks out of a misty forest and smiles.');
      await addRef(page, 'image_reference');
      const oss = await upload(page, 'image_reference', 'ref_images_url', uiFixture('img_480x360.png'), 0);
      assert.match(oss, /^oss:\/\/.*\.png$/);
      const facts = await page.textContent('#form-image_reference [data-field="ref_images_url"] .facts');
      assert.match(facts, /PNG/);
      assert.match(facts, /480×360/);
      await addRef(page, 'image_reference');
      await fill(page, 'image_reference', 'ref_images_url-1', `${FAKE}/bg.png`);
      await page.selectOption('#image_reference-obj_or_bg-1', 'bg');
      await page.click('label[for="image_reference-size-720x1280"]');
      assert.equal(await page.isChecked('#image_reference-size-720x1280'), true);
      await shot('ui-form-image_reference');
      ids.image_reference = await submit(page, 'image_reference');
      // The task is on disk as soon as its id is known.
      assert.ok((await storedTasks(page)).some((t) => t.task_id === ids.image_reference));

      // 2. Video repainting.
      await openTab(page, 'video_repainting');
      await page.fill('#video_repainting-prompt', 'A black steampunk car driven by a gentleman.');
      await fill(page, 'video_repainting', 'video_url', `${FAKE}/repaint.mp4`);
      await select(page, 'video_repainting', 'control_condition', 'depth');
      await slide(page, 'video_repainting', 'strength', 0.7);
      await fill(page, 'video_repainting', 'seed', '42');
      await shot('ui-form-video_repainting');
      ids.video_repainting = await submit(page, 'video_repainting');

      // 3. Local editing with a mask image, tracking.
      await openTab(page, 'video_edit');
      await page.fill('#video_edit-prompt', 'A lion in a suit sips coffee in a Paris cafe.');
      await fill(page, 'video_edit', 'video_url', `${FAKE}/edit.mp4`);
      await fill(page, 'video_edit', 'mask_image_url', `${FAKE}/mask.png`);
      await fill(page, 'video_edit', 'mask_frame_id', '1');
      await select(page, 'video_edit', 'mask_type', 'tracking');
      await slide(page, 'video_edit', 'expand_ratio', 0.1);
      await select(page, 'video_edit', 'expand_mode', 'bbox');
      // The mask editor's hook sits in the local-editing form (tests/mask-editor.spec.mjs
      // covers the editor itself).
      assert.ok(await page.$('#form-video_edit [data-hook="mask-editor"] .draw-mask'));
      await shot('ui-form-video_edit');
      ids.video_edit = await submit(page, 'video_edit');

      // 4. Video extension: a first clip URL, and the current frame of a local video as the
      // last frame (drawn to a canvas, PNG, probed and uploaded).
      await openTab(page, 'video_extension');
      await page.fill('#video_extension-prompt', 'A dog in sunglasses skateboards down the street.');
      await fill(page, 'video_extension', 'first_clip_url', `${FAKE}/clip.mp4`);
      await page.setInputFiles('#frame-grab-file', uiFixture('clip_480x360_16fps_1s.mp4'));
      await page.waitForFunction(() => {
        const v = document.querySelector('.frame-grab video');
        return v && v.readyState >= 2;
      });
      await page.$eval('.frame-grab video', (v) => (v.currentTime = 0.5));
      await page.waitForFunction(() => !document.querySelector('.frame-grab video').seeking);
      await page.click('.frame-grab button.grab-last');
      await page.waitForSelector('#form-video_extension [data-field="last_frame_url"] .upload.done');
      const frameFacts = await page.textContent('#form-video_extension [data-field="last_frame_url"] .facts');
      assert.match(frameFacts, /PNG/);
      assert.match(frameFacts, /480×360/);
      assert.match(await page.inputValue('#video_extension-last_frame_url'), /^oss:\/\/.*\.png$/);
      await shot('ui-form-video_extension');
      ids.video_extension = await submit(page, 'video_extension');

      // 5. Video outpainting: a local MP4 (probed: its size drives the canvas preview).
      await openTab(page, 'video_outpainting');
      await page.fill('#video_outpainting-prompt', 'An elegant lady plays the violin before an orchestra.');
      await upload(page, 'video_outpainting', 'video_url', fixture('clip_64x48_16fps_1s.mp4'));
      for (const side of ['top_scale', 'bottom_scale', 'left_scale', 'right_scale']) {
        await slide(page, 'video_outpainting', side, 1.5);
      }
      await until(
        async () => /64×48 → 96×72/.test(await page.textContent('.outpaint figcaption')),
        'outpainting preview 64×48 → 96×72',
      );
      await shot('ui-form-video_outpainting');
      ids.video_outpainting = await submit(page, 'video_outpainting');

      // 6. Wan 2.7 video edit: a local MOV source, a reference image URL, 720P.
      await openTab(page, 'wan27_edit');
      await page.fill('#wan27_edit-prompt', 'Turn the scene into a watercolour painting.');
      await page.fill('#wan27_edit-negative_prompt', 'blur');
      await upload(page, 'wan27_edit', 'video', fixture('movie_320x240_24fps_2_5s.mov'));
      await addRef(page, 'wan27_edit', 'reference_image');
      await fill(page, 'wan27_edit', 'reference_image-0', `${FAKE}/style.jpg`);
      await select(page, 'wan27_edit', 'resolution', '720P');
      await select(page, 'wan27_edit', 'ratio', '4:3');
      await select(page, 'wan27_edit', 'audio_setting', 'origin');
      await shot('ui-form-wan27_edit');
      ids.wan27_edit = await submit(page, 'wan27_edit');

      // What the simulator received: one create per form, with the documented shapes.
      const creates = await relay.sim.requests('submit');
      const bodies = creates.map((r) => r.body ?? r.json ?? r);
      assert.ok(creates.length >= 6, `6 creates, saw ${creates.length}`);
      const text = JSON.stringify(bodies);
      for (const f of ['image_reference', 'video_repainting', 'video_edit', 'video_extension', 'video_outpainting']) {
        assert.ok(text.includes(f), `a ${f} create`);
      }
      assert.ok(text.includes('wan2.7-videoedit'));

      for (const [op, id] of Object.entries(ids)) {
        await waitStatus(page, id, 'succeeded', 90_000);
        const video = await resultLoaded(page, id);
        assert.ok(video.w > 0, `${op}: result video loaded`);
        const expiry = await page.textContent(`li.task[data-task-id="${id}"] .expiry`);
        // The link's life on the wall clock: at most 24 h (the simulator at 60× makes it 24 min).
        assert.match(expiry, /\d+ (h|min)/, `${op}: expiry countdown`);
        const left = Number(expiry.match(/(\d+) h/)?.[1] ?? 0) * 60 + Number(expiry.match(/(\d+) min/)?.[1] ?? 0);
        assert.ok(left > 0 && left <= 24 * 60, `${op}: expiry countdown ${expiry}`);
        assert.ok(await page.$(`li.task[data-task-id="${id}"] a.download[href]`));
      }
      await page.evaluate(() => document.querySelector('.tasks').scrollIntoView());
      await shot('ui-task-list');
    });
  });

  test('an invalid field shows its message beside it and nothing is sent', async () => {
    await withPage('ui-invalid', async ({ page }) => {
      await relay.sim.clearRequests();
      await openTab(page, 'video_repainting');
      await page.fill('#video_repainting-prompt', 'A car.');
      await fill(page, 'video_repainting', 'video_url', `${FAKE}/v.mp4`);
      await select(page, 'video_repainting', 'control_condition', 'posebody');
      await fill(page, 'video_repainting', 'seed', '-5');
      const seed = await issuesOf(page, 'video_repainting', 'seed');
      assert.equal(seed[0]?.code, 'out_of_range');
      assert.match(seed[0].message, /parameters\.seed is -5/);
      assert.equal(await submitEnabled(page, 'video_repainting'), false);
      // Neither Enter in a field nor a programmatic submit sends anything.
      await page.press('#video_repainting-seed', 'Enter');
      await page.$eval('#form-video_repainting form', (f) => f.requestSubmit());
      // A URL with Chinese characters is refused at its field too.
      await fill(page, 'video_repainting', 'video_url', `${FAKE}/视频.mp4`);
      const url = await issuesOf(page, 'video_repainting', 'video_url');
      assert.ok(url.some((i) => i.code === 'url_has_chinese'));
      // A local file that breaks the media rules is refused before any upload.
      await openTab(page, 'wan27_edit');
      const slot = '#form-wan27_edit [data-field="video"] .media';
      await page.setInputFiles(`${slot} input[type=file]`, fixture('clip_64x48_16fps_1s.mp4'));
      await page.waitForSelector(`${slot} .upload.blocked`);
      const video = await issuesOf(page, 'wan27_edit', 'video');
      assert.ok(video.some((i) => i.code === 'invalid_dimensions'), JSON.stringify(video));
      assert.ok(video.some((i) => i.code === 'duration_too_short'), JSON.stringify(video));
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(await relay.sim.requests('submit'), []);
      assert.deepEqual(await relay.sim.requests('upload_policy'), []);
      assert.deepEqual(await relay.sim.requests('oss_upload'), []);
    });
  });

  test('copy as curl and JSON; a file dropped on a media field', async () => {
    await withPage('ui-copy-drop', async ({ page }) => {
      await openTab(page, 'video_repainting');
      await page.fill('#video_repainting-prompt', 'A car.');
      await fill(page, 'video_repainting', 'video_url', `${FAKE}/v.mp4`);
      await select(page, 'video_repainting', 'control_condition', 'scribble');
      await page.click('#form-video_repainting button.copy-json');
      await until(async () => /Copied/.test(await page.textContent('#form-video_repainting .actions .note')), 'copied');
      const json = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
      assert.deepEqual(json, {
        model: 'wan2.1-vace-plus',
        input: { function: 'video_repainting', prompt: 'A car.', video_url: `${FAKE}/v.mp4` },
        parameters: { control_condition: 'scribble' },
      });
      assert.deepEqual(JSON.parse(await page.textContent('#form-video_repainting pre.request-json')), json);
      await page.click('#form-video_repainting button.copy-curl');
      await until(
        async () => (await page.evaluate(() => navigator.clipboard.readText())).startsWith('curl'),
        'curl on the clipboard',
      );
      const curl = await page.evaluate(() => navigator.clipboard.readText());
      assert.match(curl, /^curl --location '.*\/sim\/api\/v1\/services\/aigc\/video-generation\/video-synthesis'/);
      assert.match(curl, /Authorization: Bearer \$DASHSCOPE_API_KEY/);
      assert.match(curl, /X-DashScope-Async: enable/);

      // Drag and drop a PNG on a Wan 2.7 reference image.
      await openTab(page, 'wan27_edit');
      await addRef(page, 'wan27_edit', 'reference_image');
      const bytes = [...(await readFile(uiFixture('img_480x360.png')))];
      await page.evaluate((bytes) => {
        const file = new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' });
        const dt = new DataTransfer();
        dt.items.add(file);
        const zone = document.querySelector('#form-wan27_edit [data-field="reference_image"] .media-item .media');
        zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, bytes);
      await page.waitForSelector('#form-wan27_edit [data-field="reference_image"] .upload.done');
      assert.match(await page.inputValue('#wan27_edit-reference_image-0'), /^oss:\/\/.*dropped\.png$/);
    });
  });

  test('a reload mid-task resumes polling', async () => {
    await relay.sim.scale(0);
    try {
      await withPage('ui-reload-resumed', async ({ page }) => {
        await openTab(page, 'wan27_edit');
        await page.fill('#wan27_edit-prompt', 'Make it snow.');
        await fill(page, 'wan27_edit', 'video', `${FAKE}/snow.mp4`);
        const id = await submit(page, 'wan27_edit');
        assert.equal(await taskStatus(page, id), 'pending');
        await page.reload({ waitUntil: 'load' });
        await page.waitForFunction(() => document.body.dataset.ready === '1');
        assert.equal(await taskStatus(page, id), 'pending');
        await relay.sim.advance(10);
        await waitStatus(page, id, 'running');
        await relay.sim.advance(600);
        await waitStatus(page, id, 'succeeded');
        await resultLoaded(page, id);
      }, RELOADS);
    } finally {
      await relay.sim.scale(SCALE);
    }
  });

  test('cancel while PENDING', async () => {
    await relay.sim.scale(0);
    try {
      await withPage('ui-canceled', async ({ page }) => {
        await openTab(page, 'video_outpainting');
        await page.fill('#video_outpainting-prompt', 'Wider.');
        await fill(page, 'video_outpainting', 'video_url', `${FAKE}/o.mp4`);
        const id = await submit(page, 'video_outpainting');
        await waitStatus(page, id, 'pending');
        await page.click(`li.task[data-task-id="${id}"] button.cancel`);
        await waitStatus(page, id, 'canceled');
        assert.equal(await page.$(`li.task[data-task-id="${id}"] button.cancel`), null);
        const sim = await relay.sim.task(id);
        assert.match(JSON.stringify(sim), /CANCELED/);
      });
    } finally {
      await relay.sim.scale(SCALE);
    }
  });

  test('a failed task shows its code, message and a plain explanation', async () => {
    await relay.sim.failNext('InvalidParameter', 'The size is not match xxxxxx');
    await withPage('ui-failed', async ({ page }) => {
      await openTab(page, 'video_edit');
      await page.fill('#video_edit-prompt', 'A lion.');
      await fill(page, 'video_edit', 'video_url', `${FAKE}/v.mp4`);
      await fill(page, 'video_edit', 'mask_image_url', `${FAKE}/m.png`);
      const id = await submit(page, 'video_edit');
      await waitStatus(page, id, 'failed');
      const row = `li.task[data-task-id="${id}"]`;
      assert.equal((await page.textContent(`${row} .failure-code`)).trim(), 'InvalidParameter');
      assert.match(await page.textContent(`${row} .failure-message`), /The size is not match/);
      assert.match(await page.textContent(`${row} .explanation`), /mask must be exactly the video's size/);
    });
  });

  test('use as input, the account task list, Chinese, and a phone-width screen', async () => {
    await withPage(
      'ui-phone-zh',
      async ({ page, shot }) => {
        // The account's task list (the simulator's upstream allows it) brings in earlier tasks.
        assert.equal(await page.$$eval('li.task', (l) => l.length), 0);
        await page.click('button.load-account');
        await until(async () => (await page.$$eval('li.task', (l) => l.length)) > 0, 'account tasks');
        const ok = await page.$('li.task[data-status="succeeded"]');
        assert.ok(ok, 'a succeeded task from the account list');
        const id = await ok.getAttribute('data-task-id');
        await until(() => page.$(`li.task[data-task-id="${id}"] video.result-video`), 'its result');
        const src = await page.getAttribute(`li.task[data-task-id="${id}"] video.result-video`, 'src');
        // Use as input: the result becomes the source of a new Wan 2.7 edit.
        await page.selectOption(`#use-${id}`, 'wan27_edit');
        await page.click(`li.task[data-task-id="${id}"] button.use-input`);
        await page.waitForSelector('#tab-wan27_edit[aria-selected="true"]');
        assert.equal(await page.inputValue('#wan27_edit-video'), src);

        // Chinese.
        await page.selectOption('#lang', 'zh-CN');
        await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
        assert.equal((await page.textContent('#connect-h')).trim(), '连接');
        assert.equal((await page.textContent('#tab-video_edit')).trim(), '局部编辑');
        await page.fill('#wan27_edit-seed', '99999999999');
        const seed = await issuesOf(page, 'wan27_edit', 'seed');
        assert.match(seed[0].message, /超出范围/);
        await shot('ui-zh');

        // Phone width: nothing wider than the screen.
        await page.setViewportSize({ width: 390, height: 844 });
        await page.evaluate(() => window.scrollTo(0, 0));
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone screen`);
      },
      {},
    );
  });

  test('keys: session storage by default, local storage when remembered, never in a URL', async () => {
    await withPage('ui-connect', async ({ page }) => {
      await page.check('#key-mode-own');
      await page.fill('#api-key', 'sk-user-secret');
      let stored = await page.evaluate(() => [sessionStorage.getItem('wanedit.apiKey'), localStorage.getItem('wanedit.apiKey')]);
      assert.deepEqual(stored, ['sk-user-secret', null]);
      await page.check('#remember-key');
      stored = await page.evaluate(() => [sessionStorage.getItem('wanedit.apiKey'), localStorage.getItem('wanedit.apiKey')]);
      assert.deepEqual(stored, [null, 'sk-user-secret']);
      const settings = await page.evaluate(() => localStorage.getItem('wanedit.settings.v1'));
      assert.ok(!settings.includes('sk-user-secret'));
      await page.fill('#workspace', 'ws-123');
      await page.dispatchEvent('#workspace', 'change');
      await page.reload({ waitUntil: 'load' });
      await page.waitForFunction(() => document.body.dataset.ready === '1');
      assert.equal(await page.inputValue('#api-key'), 'sk-user-secret');
      assert.equal(await page.inputValue('#workspace'), 'ws-123');
      assert.equal(await page.isChecked('#key-mode-own'), true);
      // The key goes in a header to the relay, never into a URL.
      const urls = [];
      page.on('request', (r) => urls.push(r.url()));
      await openTab(page, 'wan27_edit');
      await page.fill('#wan27_edit-prompt', 'x');
      await fill(page, 'wan27_edit', 'video', `${FAKE}/k.mp4`);
      const created = page.waitForRequest((r) => r.url().endsWith('/video-synthesis'));
      await submit(page, 'wan27_edit');
      const req = await created;
      assert.equal(req.headers()['authorization'], 'Bearer sk-user-secret');
      assert.equal(req.headers()['x-dashscope-workspace'], 'ws-123');
      assert.ok(urls.every((u) => !u.includes('sk-user-secret')));
      // Back to the relay's key, and forget.
      await page.click('#connect-h');
      await page.click('.connect button.link');
      stored = await page.evaluate(() => [sessionStorage.getItem('wanedit.apiKey'), localStorage.getItem('wanedit.apiKey')]);
      assert.deepEqual(stored, [null, null]);
    }, RELOADS);
  });
});
