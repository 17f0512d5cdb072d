// Browser smoke test: the Trunk build (dist/) loads in headless Chromium, the wasm runs and
// marks the page ready, and nothing logs an error or fails to load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withApp, waitForReady } from './harness.mjs';

test('web UI loads, wasm marks the page ready, no browser errors', { timeout: 120_000 }, async () => {
  await withApp('smoke', async ({ page, url }) => {
    const response = await page.goto(url, { waitUntil: 'load' });
    assert.equal(response?.status(), 200, `GET ${url}`);
    await waitForReady(page);
    assert.equal(await page.title(), 'wanedit');
    assert.equal((await page.textContent('h1'))?.trim(), 'wanedit');
    // Let late failures (lazy requests, async errors) surface before the clean check.
    await page.waitForLoadState('networkidle');
  });
});
