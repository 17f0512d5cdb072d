// The task list when things change under it, against the real relay binary and its simulator
// in Chromium (issue 19, points 4 and 7):
//   - Cancel on a task the list still shows PENDING but that has just started: the refusal is
//     told in plain words, the task's new state is shown and Cancel is gone (not "Cancel
//     failed: HTTP 400 UnsupportedOperation: …").
//   - The relay stops while a task runs: the poll error is on the task, in plain words ("The
//     relay at … is not answering."), with the next retry's countdown, within seconds.
// Screenshots go to tests/artifacts/ui-task-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRelay, until, withAppPage } from './ui-helpers.mjs';
import { ALLOWED, FAKE, fill, openTab, submit, taskStatus, waitStatus } from './ui-forms.mjs';

const SCALE = 60;

const withPage = (relay, name, fn, allow) => withAppPage(relay, name, fn, { allow, timeScale: SCALE });

/** Submits a Wan 2.7 edit (frozen simulator clock: it stays PENDING); resolves to its id. */
async function pendingTask(page) {
  await openTab(page, 'wan27_edit');
  await page.fill('#wan27_edit-prompt', 'Make it snow.');
  await fill(page, 'wan27_edit', 'video', `${FAKE}/snow.mp4`);
  const id = await submit(page, 'wan27_edit');
  await waitStatus(page, id, 'pending');
  return id;
}

describe('task states against the relay and the simulator', { timeout: 180_000 }, () => {
  let relay;
  before(async () => {
    relay = await startRelay({ timeScale: SCALE });
    await relay.sim.scale(0);
  });
  after(async () => {
    await relay?.stop();
  });

  test('Cancel on a task that has just started says so, shows its state and is gone', async () => {
    // The cancel's 400 is the point of the test.
    const allow = [...ALLOWED, /HTTP 400: POST .*\/cancel$/, /status of 400 .*\/cancel\b/];
    await withPage(relay, 'ui-task-cancel-too-late', async ({ page }) => {
      const id = await pendingTask(page);
      const row = `li.task[data-task-id="${id}"]`;
      // Hold the page's task reads, so the list still says PENDING when the task starts.
      let release;
      let held = new Promise((r) => (release = r));
      let holding = true;
      await page.route('**/api/v1/tasks/**', async (route) => {
        if (holding && route.request().method() === 'GET') await held;
        await route.continue();
      });
      await relay.sim.advance(10);
      assert.match(JSON.stringify(await relay.sim.task(id)), /RUNNING/);
      assert.equal(await taskStatus(page, id), 'pending');
      const refused = page.waitForResponse((r) => r.url().endsWith(`/tasks/${id}/cancel`));
      await page.click(`${row} button.cancel`);
      assert.equal((await refused).status(), 400);
      holding = false;
      release();
      await waitStatus(page, id, 'running', 15_000);
      const note = await until(async () => (await page.textContent(`${row} .task-note`)).trim(), 'the note');
      assert.match(note, /Too late to cancel: the task has just started running/);
      assert.doesNotMatch(note, /HTTP|400|UnsupportedOperation/);
      assert.equal(await page.$(`${row} button.cancel`), null, 'no Cancel on a running task');
    }, allow);
  });

  test('a stopped relay: the poll error is on the task in plain words, with a live countdown', async () => {
    // A relay of its own: this test stops it.
    const own = await startRelay({ timeScale: SCALE });
    let stopped = false;
    try {
      await own.sim.scale(0);
      const allow = [...ALLOWED, /ERR_CONNECTION_REFUSED/, /Failed to load resource/];
      await withPage(own, 'ui-task-relay-down', async ({ page }) => {
        const id = await pendingTask(page);
        const error = `li.task[data-task-id="${id}"] .poll-error`;
        assert.equal(await page.$(error), null);
        await own.stop();
        stopped = true;
        const origin = new URL(own.url).origin;
        // Within seconds (not the half minute of silence before), and in plain words.
        const first = await until(async () => (await page.$(error)) && page.textContent(error), 'a poll error on the task', 10_000);
        assert.ok(first.includes(`The relay at ${origin} is not answering.`), first);
        assert.doesNotMatch(first, /Failed to fetch|network error/i);
        // The next retry's countdown, live: once the backoff is a few seconds long, it counts down.
        const seconds = (text) => Number(/Trying again in (\d+) s\./.exec(text)?.[1] ?? NaN);
        const long = await until(async () => {
          const text = await page.textContent(error);
          return seconds(text) >= 3 && text;
        }, 'a countdown of 3 s or more', 30_000);
        await new Promise((r) => setTimeout(r, 1300));
        const later = await page.textContent(error);
        assert.ok(seconds(later) < seconds(long), `${long} → ${later}`);
        assert.equal(await taskStatus(page, id), 'pending');
      }, allow);
    } finally {
      if (!stopped) await own.stop();
    }
  });
});
