// Issue 19, point 1: the mask editor never uploads an empty mask unseen. Scrubbing the frame
// slider keeps the one mask (mask_frame_id follows the slider); "Use mask" on an all-black mask
// asks first, and a confirmed empty mask shows core's `mask_empty` error at the mask field with
// Submit disabled; an all-white mask shows the `mask_full` warning and can be submitted.
// Real relay + simulator, headless Chromium. Screenshots: tests/artifacts/mask-empty-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, startRelay, unexpected, until } from './ui-helpers.mjs';
import { ALLOWED, submit } from './ui-forms.mjs';
import { MODAL, artifact, dragImage, editorState, maskFixture, openEditor, readExport } from './mask-helpers.mjs';

const FORM = '#form-video_edit';
const MASK_FIELD = `${FORM} [data-field="mask_image_url"]`;

let relay;
before(async () => {
  relay = await startRelay();
});
after(async () => {
  await relay?.stop();
});

/** Moves the frame slider to `frame` the way a user drags it (input events). */
async function scrubTo(page, frame) {
  await page.$eval(
    `${MODAL} .frame-slider`,
    (el, f) => {
      el.value = String(f);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    frame,
  );
}

/** The issue codes shown at the mask image field, with their kind. */
async function maskIssues(page) {
  return page.$$eval(`${MASK_FIELD} li.issue`, (items) =>
    items.map((i) => `${i.classList.contains('error') ? 'error' : 'warning'}:${i.dataset.code}`),
  );
}

describe('mask editor: one mask while scrubbing, no silent empty mask', () => {
  test('scrubbing keeps the drawing; mask_frame_id follows the slider', async () => {
    const app = await openApp(relay, { viewport: { width: 1400, height: 900 } });
    try {
      const { page } = app;
      await openEditor(page, maskFixture('mask_1280x720.mp4'));
      await dragImage(page, [[300, 300], [700, 400]], { steps: 10 });
      const drawn = await editorState(page);
      assert.ok(drawn.coverage > 0.01, `drawn ${drawn.coverage}`);
      for (const f of [4, 17, 9]) {
        await scrubTo(page, f);
        const s = await editorState(page);
        assert.equal(s.frame, f);
        assert.equal(s.coverage, drawn.coverage, `frame ${f}: the drawing stays`);
        assert.equal(s.undoSteps, drawn.undoSteps, `frame ${f}: and its history`);
      }
      assert.equal(await page.isEnabled(`${MODAL} .undo`), true, 'Undo stays available');
      await page.screenshot({ path: artifact('mask-empty-scrubbed.png') });
      await page.click(`${MODAL} .use-mask`);
      await until(() => page.$eval(`${FORM} .mask-editor`, (e) => e.dataset.exportUrl), 'export');
      const png = await readExport(page, [[500, 350]]);
      assert.deepEqual(png.at, [255], 'the stroke is in the exported mask');
      assert.ok(png.white > 0, 'not an empty mask');
      assert.equal(await page.inputValue('#video_edit-mask_frame_id'), '9');
      assert.deepEqual(await maskIssues(page), []);
      assert.equal(unexpected(app.problems, ALLOWED).length, 0, app.problems.join('\n'));
    } finally {
      await app.close();
    }
  });

  test('an empty mask is exported only when confirmed, then blocks Submit', async () => {
    const app = await openApp(relay, { viewport: { width: 1400, height: 900 } });
    try {
      const { page } = app;
      await openEditor(page, maskFixture('mask_1280x720.mp4'));
      await page.waitForSelector(`${FORM} [data-field="video_url"] .upload.done`, { timeout: 30_000 });
      await page.fill('#video_edit-prompt', 'A lion in a suit sips coffee.');
      // A stroke, erased by Clear: all black again.
      await dragImage(page, [[300, 300], [700, 400]], { steps: 10 });
      await page.click(`${MODAL} .clear`);
      assert.equal((await editorState(page)).coverage, 0);
      await page.click(`${MODAL} .use-mask`);
      const ask = page.locator(`${MODAL} .mask-confirm`);
      await ask.waitFor({ state: 'visible' });
      assert.match(await ask.textContent(), /all black/);
      await page.screenshot({ path: artifact('mask-empty-asked.png') });
      // Nothing was exported or handed to the form.
      assert.equal(await page.$eval(`${FORM} .mask-editor`, (e) => e.dataset.exportUrl ?? ''), '');
      assert.equal(await page.isVisible(MODAL), true, 'the editor stays open');
      assert.equal(await page.inputValue('#video_edit-mask_image_url'), '');
      // "Keep drawing" closes the question only.
      await page.click(`${MODAL} .keep-drawing`);
      await ask.waitFor({ state: 'hidden' });
      assert.equal(await page.isVisible(MODAL), true);
      // Asked again, and this time confirmed.
      await page.click(`${MODAL} .use-mask`);
      await ask.waitFor({ state: 'visible' });
      await page.click(`${MODAL} .use-empty-mask`);
      await page.waitForSelector(MODAL, { state: 'hidden' });
      const png = await readExport(page, [[0, 0]]);
      assert.equal(png.white, 0, 'the exported mask is the empty one');
      await until(async () => (await maskIssues(page)).includes('error:mask_empty'), 'mask_empty shown at the mask field');
      const submitButton = page.locator(`${FORM} button.submit`);
      await page.waitForSelector(`${MASK_FIELD} :is(.upload.done, .upload.blocked)`, { timeout: 30_000 });
      assert.equal(await submitButton.isDisabled(), true, 'Submit is disabled on the empty mask');
      await page.screenshot({ path: artifact('mask-empty-blocked.png') });

      // Invert: all white is a warning only, and the task can be submitted.
      await page.click(`${FORM} .draw-mask`);
      await page.waitForSelector(`${MODAL}[data-ready="1"]`);
      await page.click(`${MODAL} .invert`);
      assert.equal((await editorState(page)).coverage, 1);
      await page.click(`${MODAL} .use-mask`);
      await page.waitForSelector(MODAL, { state: 'hidden' });
      await until(async () => (await maskIssues(page)).join() === 'warning:mask_full', 'mask_full warning only');
      await page.waitForSelector(`${MASK_FIELD} .upload.done`, { timeout: 30_000 });
      await relay.sim.clearRequests();
      await submit(page, 'video_edit');
      const creates = await relay.sim.requests('submit');
      assert.equal(creates.length, 1);
      assert.match(creates[0].body.input.mask_image_url, /^oss:\/\//);
      assert.equal(unexpected(app.problems, ALLOWED).length, 0, app.problems.join('\n'));
    } finally {
      await app.close();
    }
  });
});
