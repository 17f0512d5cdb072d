// Page-level helpers of the web UI specs: fill the controls of a form by field name, submit,
// and read the task list. Field controls have ids `${op}-${field}` (lists: `-${index}`).

import { join } from 'node:path';
import { MEDIA_DIR, UI_FIXTURES, until } from './ui-helpers.mjs';

export const OPS = [
  'image_reference',
  'video_repainting',
  'video_edit',
  'video_extension',
  'video_outpainting',
  'wan27_edit',
];

/** A URL that fails fast and that specs allow to fail (previews of made-up media). */
export const FAKE = 'https://media.example.invalid';
export const ALLOWED = [/media\.example\.invalid/];

export const fixture = (name) => join(MEDIA_DIR, name);
export const uiFixture = (name) => join(UI_FIXTURES, name);

export async function openTab(page, op) {
  await page.click(`#tab-${op}`);
  await page.waitForSelector(`#form-${op}`);
}

export async function fill(page, op, field, value) {
  await page.fill(`#${op}-${field}`, value);
  // URL inputs commit on change.
  await page.dispatchEvent(`#${op}-${field}`, 'change');
}

export async function select(page, op, field, value) {
  await page.selectOption(`#${op}-${field}`, value);
}

/** Sets a range input (sliders) and fires `input`. */
export async function slide(page, op, field, value) {
  await page.$eval(
    `#${op}-${field}`,
    (el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    value,
  );
}

/** Adds a reference image slot; resolves to its index. */
export async function addRef(page, op, field = 'ref_images_url') {
  const before = await page.$$eval(`#form-${op} [data-field="${field}"] .media-item`, (els) => els.length);
  await page.click(`#form-${op} [data-field="${field}"] button.add`);
  await page.waitForSelector(`#${op}-${field}-${before}`);
  return before;
}

/** Chooses a local file for a media field (`index` for list items) and waits for its upload. */
export async function upload(page, op, field, path, index) {
  const slot =
    index === undefined
      ? `#form-${op} [data-field="${field}"] .media`
      : `#form-${op} [data-field="${field}"] .media-item[data-index="${index}"] .media`;
  await page.setInputFiles(`${slot} input[type=file]`, path);
  await page.waitForSelector(`${slot} .upload.done`, { timeout: 30_000 });
  const id = index === undefined ? `#${op}-${field}` : `#${op}-${field}-${index}`;
  const url = await page.inputValue(id);
  if (!url.startsWith('oss://')) throw new Error(`${id} is ${url} after the upload`);
  return url;
}

/** The issues shown beside a field: [{code, message}]. */
export async function issuesOf(page, op, field) {
  return page.$$eval(`#form-${op} [data-field="${field}"] li.issue`, (els) =>
    els.map((e) => ({ code: e.dataset.code, message: e.textContent.trim(), error: e.classList.contains('error') })),
  );
}

export async function submitEnabled(page, op) {
  return page.$eval(`#form-${op} button.submit`, (b) => !b.disabled);
}

/** Submits the form and resolves to the new task id. */
export async function submit(page, op) {
  await until(() => submitEnabled(page, op), `Submit of ${op} enabled`);
  await page.click(`#form-${op} button.submit`);
  const el = await page.waitForSelector(`#${op}-submit-status code.task-id`);
  return (await el.textContent()).trim();
}

export async function taskStatus(page, id) {
  return page.$eval(`li.task[data-task-id="${id}"]`, (el) => el.dataset.status).catch(() => null);
}

export async function waitStatus(page, id, status, timeout = 60_000) {
  return until(async () => (await taskStatus(page, id)) === status, `task ${id} ${status}`, timeout);
}

/** Waits until the result video of a task has loaded its metadata; resolves to its size. */
export async function resultLoaded(page, id) {
  return page.waitForFunction(
    (id) => {
      const v = document.querySelector(`li.task[data-task-id="${id}"] video.result-video`);
      return v && v.readyState >= 1 && v.videoWidth > 0 ? { w: v.videoWidth, h: v.videoHeight, d: v.duration } : null;
    },
    id,
    { timeout: 30_000 },
  ).then((h) => h.jsonValue());
}

export async function storedTasks(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem('wanedit.tasks.v1') ?? '[]'));
}
