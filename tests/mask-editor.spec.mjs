// The canvas mask editor of local editing, end to end against the relay and its simulator:
// synthetic pointer strokes give the expected exported pixels at 1280×720 and 1920×1080, the
// shortcuts work, the mask is restored on reopening, and a drawn mask is submitted and
// received by the simulator at the video's size. Screenshots: tests/artifacts/mask-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, startRelay, unexpected, until } from './ui-helpers.mjs';
import { ALLOWED, submit } from './ui-forms.mjs';
import { MODAL, dragImage, editorState, artifact, maskFixture, openEditor, pngSize, readExport, toPage } from './mask-helpers.mjs';

let relay;
before(async () => {
  relay = await startRelay();
});
after(async () => {
  await relay?.stop();
});

for (const [w, h] of [[1280, 720], [1920, 1080]]) {
  describe(`mask editor at ${w}x${h}`, () => {
    test('strokes export as a 0/255 PNG of the video size', async () => {
      const app = await openApp(relay, { viewport: { width: 1400, height: 900 } });
      try {
        const { page } = app;
        const s = await openEditor(page, maskFixture(`mask_${w}x${h}.mp4`));
        assert.equal(s.width, w);
        assert.equal(s.height, h);
        assert.equal(s.maxFrame, 33); // 16 fps × 2 s + 1
        assert.equal(s.tool, 'brush');
        // Brush 48 px: a horizontal stroke along y = h/4 from x = w/8 to 3w/8.
        const y = Math.round(h / 4);
        await dragImage(page, [[w / 8, y], [(3 * w) / 8, y]], { steps: 12 });
        let st = await editorState(page);
        assert.equal(st.undoSteps, 1);
        // Rectangle (R) in the lower right.
        await page.keyboard.press('r');
        await dragImage(page, [[w * 0.6, h * 0.6], [w * 0.8, h * 0.8]]);
        // Lasso (L): a triangle in the lower left.
        await page.keyboard.press('l');
        await dragImage(page, [[w * 0.1, h * 0.9], [w * 0.3, h * 0.9], [w * 0.2, h * 0.6]]);
        // Brush size keys.
        await page.keyboard.press('b');
        await page.keyboard.press(']');
        st = await editorState(page);
        assert.equal(st.diameter, 56);
        await page.keyboard.press('[');
        // Undo / redo of a throwaway stroke.
        await dragImage(page, [[w * 0.5, h * 0.1], [w * 0.55, h * 0.1]]);
        await page.keyboard.press('Control+z');
        st = await editorState(page);
        assert.equal(st.undoSteps, 3);
        assert.equal(st.redoSteps, 1);
        await page.keyboard.press('Control+Shift+z');
        await page.keyboard.press('Control+z');
        // Next frame key and back.
        await page.keyboard.press('.');
        assert.equal((await editorState(page)).frame, 2);
        await page.keyboard.press(',');
        assert.equal((await editorState(page)).frame, 1);
        await page.waitForTimeout(300);
        await page.screenshot({ path: artifact(`mask-editor-${w}x${h}.png`) });
        await page.click(`${MODAL} .use-mask`);
        await until(() => page.$eval('#form-video_edit .mask-editor', (e) => e.dataset.exportUrl), 'export');
        const samples = [
          [Math.round(w / 4), y], // stroke middle
          [Math.round(w / 8), y + 20], // stroke start cap (radius 24)
          [Math.round(w / 4), y + 30], // just outside the stroke
          [Math.round(w * 0.7), Math.round(h * 0.7)], // rectangle
          [Math.round(w * 0.2), Math.round(h * 0.8)], // lasso
          [Math.round(w * 0.52), Math.round(h * 0.1)], // undone stroke
          [0, 0],
          [w - 1, h - 1],
        ];
        const png = await readExport(page, samples);
        assert.equal(png.width, w);
        assert.equal(png.height, h);
        assert.equal(png.bitDepth, 8);
        assert.equal(png.colourType, 0);
        assert.equal(png.other, 0, 'only 0 and 255');
        assert.equal(png.greyMismatch, 0);
        assert.deepEqual(png.at, [255, 255, 0, 255, 255, 0, 0, 0]);
        assert.ok(png.white > 0.04 * w * h && png.white < 0.2 * w * h, `white ${png.white}`);
        assert.equal(await page.inputValue('#video_edit-mask_frame_id'), '1');
        assert.equal(unexpected(app.problems, ALLOWED).length, 0, app.problems.join('\n'));
      } finally {
        await app.close();
      }
    });
  });
}

describe('local editing with a drawn mask', () => {
  test('the simulator receives the mask at the video size; reopening restores it', async () => {
    const app = await openApp(relay, { viewport: { width: 1400, height: 900 } });
    try {
      const { page } = app;
      await relay.sim.clearRequests();
      await openEditor(page, maskFixture('mask_1280x720.mp4'));
      await page.waitForSelector('#form-video_edit [data-field="video_url"] .upload.done', { timeout: 30_000 });
      // Frame 5, a stroke there.
      for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
      assert.equal((await editorState(page)).frame, 5);
      await dragImage(page, [[300, 300], [700, 400]], { steps: 10 });
      const drawn = await editorState(page);
      await page.click(`${MODAL} .use-mask`);
      await page.waitForSelector('#form-video_edit [data-field="mask_image_url"] .upload.done', { timeout: 30_000 });
      const url = await page.inputValue('#video_edit-mask_image_url');
      assert.match(url, /^oss:\/\//);
      assert.equal(await page.inputValue('#video_edit-mask_frame_id'), '5');
      // Reopen: same frame, same mask and history.
      await page.click('#form-video_edit .draw-mask');
      await page.waitForSelector(`${MODAL}[data-ready="1"]`);
      const again = await editorState(page);
      assert.equal(again.frame, 5);
      assert.equal(again.undoSteps, drawn.undoSteps);
      assert.equal(again.coverage, drawn.coverage);
      assert.ok(again.panX >= 0 && again.panY >= 0 && again.zoom > 0.5, `fitted again: ${JSON.stringify(again)}`);
      await page.screenshot({ path: artifact('mask-editor-reopened.png') });
      await page.keyboard.press('Escape');
      await page.fill('#video_edit-prompt', 'A lion in a suit sips coffee.');
      await submit(page, 'video_edit');
      const creates = await relay.sim.requests('submit');
      assert.equal(creates.length, 1);
      const input = creates[0].body.input;
      assert.equal(input.mask_image_url, url);
      assert.equal(input.mask_frame_id, 5);
      const uploads = await relay.sim.requests('oss_upload');
      const stored = uploads.map((u) => u.note?.stored).filter((x) => x && url.endsWith(x.key));
      assert.equal(stored.length, 1, `the upload of ${url}`);
      const key = stored[0].key;
      const res = await fetch(`${relay.simUrl}/oss/${key}`);
      assert.equal(res.status, 200, `GET /oss/${key} (${url})`);
      const buf = Buffer.from(await res.arrayBuffer());
      assert.deepEqual(pngSize(buf), { width: 1280, height: 720 });
      assert.equal(unexpected(app.problems, ALLOWED).length, 0, app.problems.join('\n'));
    } finally {
      await app.close();
    }
  });
});

describe('mask editor view and tools', () => {
  test('wheel zoom towards the cursor, space-drag pan, eraser, invert, help', async () => {
    const app = await openApp(relay, { viewport: { width: 1400, height: 900 } });
    try {
      const { page } = app;
      await openEditor(page, maskFixture('mask_1280x720.mp4'));
      // Zoom in towards image point (400, 300): it stays under the cursor.
      const p = await toPage(page, 400, 300);
      await page.mouse.move(p.x, p.y);
      const before = await editorState(page);
      await page.mouse.wheel(0, -300);
      await until(async () => (await editorState(page)).zoom > before.zoom * 1.3, 'zoom in');
      const q = await toPage(page, 400, 300);
      assert.ok(Math.abs(q.x - p.x) < 1 && Math.abs(q.y - p.y) < 1, `${JSON.stringify(p)} vs ${JSON.stringify(q)}`);
      // Space + drag pans by the drag.
      const z = await editorState(page);
      await page.keyboard.down(' ');
      await page.mouse.down();
      await page.mouse.move(p.x + 100, p.y + 50, { steps: 5 });
      await page.mouse.up();
      await page.keyboard.up(' ');
      const panned = await editorState(page);
      assert.ok(Math.abs(panned.panX - z.panX - 100) < 1 && Math.abs(panned.panY - z.panY - 50) < 1);
      assert.equal(panned.undoSteps, 0, 'panning does not draw');
      // Fit, a brush stroke, then the eraser through its middle.
      await page.keyboard.press('f');
      await dragImage(page, [[200, 200], [600, 200]], { steps: 8 });
      await page.keyboard.press('e');
      await dragImage(page, [[400, 150], [400, 250]], { steps: 8 });
      await page.keyboard.press('Shift+I');
      const st = await editorState(page);
      assert.equal(st.undoSteps, 3);
      assert.ok(st.coverage > 0.9, `inverted coverage ${st.coverage}`);
      await page.keyboard.press('?');
      await page.waitForSelector(`${MODAL} .mask-help`, { state: 'visible' });
      await page.screenshot({ path: artifact('mask-editor-help.png') });
      await page.keyboard.press('Shift+I');
      await page.click(`${MODAL} .use-mask`);
      await until(() => page.$eval('#form-video_edit .mask-editor', (e) => e.dataset.exportUrl), 'export');
      const png = await readExport(page, [[300, 200], [400, 200], [500, 200], [400, 300]]);
      assert.deepEqual(png.at, [255, 0, 255, 0]);
      assert.equal(png.other, 0);
      assert.equal(unexpected(app.problems, ALLOWED).length, 0, app.problems.join('\n'));
    } finally {
      await app.close();
    }
  });
});
