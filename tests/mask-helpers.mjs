// Helpers of the mask editor specs (tests/mask-*.spec.mjs): open the local-editing form with a
// local video, open the editor, draw with synthetic pointer input in image coordinates, and
// read the exported PNG back in the page.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS_DIR, REPO_DIR } from './harness.mjs';
import { openTab, upload } from './ui-forms.mjs';

export const MASK_FIXTURES = join(REPO_DIR, 'tests/fixtures');
export const maskFixture = (name) => join(MASK_FIXTURES, name);
/** A path in tests/artifacts/ (created). */
export function artifact(name) {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}

export const MODAL = '#form-video_edit .mask-modal';

/** Chooses the local video of the local-editing form and opens the mask editor on it. */
export async function openEditor(page, video) {
  await openTab(page, 'video_edit');
  // The upload may be refused (e.g. too large for the model); the editor only needs the file.
  await page.setInputFiles('#form-video_edit [data-field="video_url"] .media input[type=file]', video);
  // Wait for the probe (fps, duration), then open.
  await page.waitForSelector(
    '#form-video_edit [data-field="video_url"] :is(.upload.done, .upload.blocked, .upload.sending, .upload.failed)',
    { timeout: 30_000 },
  );
  await page.click('#form-video_edit .draw-mask');
  await page.waitForSelector(`${MODAL}[data-ready="1"]`, { timeout: 30_000 });
  return editorState(page);
}

export { upload };

/** The editor's data attributes (numbers). */
export async function editorState(page) {
  return page.$eval(MODAL, (el) => {
    const d = el.dataset;
    const n = (k) => Number(d[k]);
    return {
      width: n('width'), height: n('height'), frame: n('frame'), maxFrame: n('maxFrame'),
      tool: d.tool, diameter: n('diameter'), zoom: n('zoom'), panX: n('panX'), panY: n('panY'),
      undoSteps: n('undoSteps'), redoSteps: n('redoSteps'), historyBytes: n('historyBytes'),
      coverage: n('coverage'),
    };
  });
}

/** Page (client) coordinates of an image point. */
export async function toPage(page, ix, iy) {
  const s = await editorState(page);
  const box = await page.$eval(`${MODAL} .mask-viewport`, (el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + el.clientLeft, y: r.top + el.clientTop };
  });
  return { x: box.x + s.panX + ix * s.zoom, y: box.y + s.panY + iy * s.zoom };
}

/** A mouse drag through image points. */
export async function dragImage(page, points, { steps = 4 } = {}) {
  const first = await toPage(page, ...points[0]);
  await page.mouse.move(first.x, first.y);
  await page.mouse.down();
  for (const p of points.slice(1)) {
    const q = await toPage(page, ...p);
    await page.mouse.move(q.x, q.y, { steps });
  }
  await page.mouse.up();
}

/** Decodes the exported PNG (data-export-url) in the page: size, histogram, sampled pixels. */
export async function readExport(page, samples) {
  return page.evaluate(async ({ samples }) => {
    const url = document.querySelector('#form-video_edit .mask-editor').dataset.exportUrl;
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const img = new Image();
    img.src = url;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const data = g.getImageData(0, 0, c.width, c.height).data;
    let other = 0, white = 0, black = 0, greyMismatch = 0;
    for (let i = 0; i < data.length; i += 4) {
      const v = data[i];
      if (data[i + 1] !== v || data[i + 2] !== v) greyMismatch++;
      if (v === 255) white++;
      else if (v === 0) black++;
      else other++;
    }
    const at = samples.map(([x, y]) => data[(y * c.width + x) * 4]);
    // IHDR: colour type 0 = greyscale, bit depth 8.
    return { width: img.naturalWidth, height: img.naturalHeight, white, black, other, greyMismatch, at,
      bitDepth: bytes[24], colourType: bytes[25] };
  }, { samples });
}

/** Width and height from a PNG's IHDR. */
export function pngSize(buf) {
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}
