// The Vercel AI SDK's Alibaba provider (npm `ai` + `@ai-sdk/alibaba`, pinned in
// package.json) driven through the real wanedit-relay binary to the DashScope simulator:
// `experimental_generateVideo` with text-to-video and image-to-video models, which the relay
// does not know and must pass through when the caller pays; and, with a key held by the relay,
// the 403 of `--allow-model` unless the operator allowed them.
//
// Run: node --test tests/ai-sdk/ (after `npm ci` in tests/ai-sdk and building the relay and
// the simulator). Loopback only.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { experimental_generateVideo as generateVideo, APICallError } from 'ai';
import { createAlibaba } from '@ai-sdk/alibaba';
import { REPO_DIR, simControl, startRelay, startSim } from './procs.mjs';

const TIME_SCALE = '100';
const CREATE_PATH = '/api/v1/services/aigc/video-generation/video-synthesis';
// The simulator's result video: every generic task succeeds with it.
const SAMPLE_MP4 = readFileSync(join(REPO_DIR, 'crates/sim/assets/result.mp4'));
const IMAGE_URL = 'http://wanx.alicdn.com/material/20250318/image_reference_1_5_16.png';
// Polls every 100 ms (the default is every 5 s), for at most a minute.
const POLL = { intervalMs: 100, timeoutMs: 60000 };

/**
 * The AI SDK's default downloader refuses private and loopback addresses (an SSRF guard in
 * @ai-sdk/provider-utils' validateDownloadUrl), and the simulator's result links are on
 * 127.0.0.1. So the result is fetched with plain fetch; everything else is the SDK's own.
 */
async function download({ url }) {
  const res = await fetch(url);
  assert.equal(res.status, 200, `download ${url}`);
  return { data: new Uint8Array(await res.arrayBuffer()), mediaType: res.headers.get('content-type') };
}

/** A fetch that records each exchange the provider makes (observes only). */
function recordingFetch() {
  const calls = [];
  const f = async (url, init = {}) => {
    const res = await fetch(url, init);
    const text = await res.clone().text();
    calls.push({
      method: init.method ?? 'GET',
      url: String(url),
      requestHeaders: Object.fromEntries(new Headers(init.headers).entries()),
      requestBody: typeof init.body === 'string' ? init.body : null,
      status: res.status,
      headers: Object.fromEntries(res.headers.entries()),
      body: text,
    });
    return res;
  };
  f.calls = calls;
  return f;
}

/** The relay's `X-Wanedit-Warnings` as [code, path] pairs (comma-separated `code path`). */
function warningsOf(headers) {
  const value = headers['x-wanedit-warnings'];
  if (!value) return [];
  return value.split(',').map((item) => {
    const m = /^\s*([a-z][a-z0-9_]*) (\S+)\s*$/.exec(item);
    assert.ok(m, `X-Wanedit-Warnings item ${JSON.stringify(item)} is not 'code path'`);
    return [m[1], m[2]];
  });
}

async function t2v(alibaba, modelId) {
  return generateVideo({
    model: alibaba.video(modelId),
    prompt: 'A small red kite flying over a green hill, gentle wind, morning light.',
    resolution: '1280x720',
    duration: 5,
    seed: 42,
    poll: POLL,
    maxRetries: 0,
    download,
  });
}

async function i2v(alibaba, modelId) {
  return generateVideo({
    model: alibaba.video(modelId),
    prompt: { image: IMAGE_URL, text: 'The girl turns and smiles at the camera.' },
    resolution: '1280x720',
    duration: 5,
    poll: POLL,
    maxRetries: 0,
    download,
  });
}

function assertVideo(result, modelId) {
  assert.equal(result.videos.length, 1);
  assert.equal(result.video.mediaType, 'video/mp4');
  assert.deepEqual(Buffer.from(result.video.uint8Array), SAMPLE_MP4, 'the simulator sample video');
  const meta = result.providerMetadata.alibaba;
  assert.match(meta.taskId, /^[0-9a-f-]{36}$/);
  assert.match(meta.videoUrl, /\.mp4\?/);
  assert.equal(result.responses[0].modelId, modelId);
}

/** The provider's create call (the last accepted one) and its JSON body. */
function created(f) {
  const calls = f.calls.filter((c) => c.method === 'POST' && c.url.endsWith(CREATE_PATH));
  assert.ok(calls.length >= 1, 'one create call');
  const c = calls[calls.length - 1];
  return { call: c, body: JSON.parse(c.requestBody) };
}

describe('caller pays: relay --simulate passes models it does not know', () => {
  let relay;
  before(async () => {
    relay = await startRelay(['--simulate', '--sim-time-scale', TIME_SCALE]);
  });
  after(async () => relay?.stop());

  test("experimental_generateVideo with alibaba.video('wan2.7-t2v') gets a video", async () => {
    const f = recordingFetch();
    const alibaba = createAlibaba({ videoBaseURL: `${relay.url}/sim`, apiKey: 'sk-caller-own-key', fetch: f });
    const result = await t2v(alibaba, 'wan2.7-t2v');
    assertVideo(result, 'wan2.7-t2v');

    const { call, body } = created(f);
    assert.equal(call.status, 200, call.body);
    assert.equal(call.requestHeaders['x-dashscope-async'], 'enable');
    assert.equal(call.requestHeaders.authorization, 'Bearer sk-caller-own-key');
    // What the provider builds for the wan2.7 protocol: a resolution tier and a ratio.
    assert.deepEqual(body, {
      model: 'wan2.7-t2v',
      input: { prompt: 'A small red kite flying over a green hill, gentle wind, morning light.' },
      parameters: { duration: 5, seed: 42, resolution: '720P', ratio: '16:9' },
    });
    // A model the relay's rules do not describe is a warning (forwarded, never refused).
    assert.ok(warningsOf(call.headers).some(([, path]) => path === 'model'), JSON.stringify(call.headers));
    // The simulator received that body unchanged.
    const [seen] = (await simControl(relay.simUrl, '/requests?route=submit')).filter(
      (r) => r.status === 200 && r.body?.model === 'wan2.7-t2v',
    );
    assert.deepEqual(seen.body, body);
    assert.equal(seen.body_len, Buffer.byteLength(call.requestBody));
    // And the provider polled the task through the relay until it succeeded.
    const polls = f.calls.filter((c) => c.url.endsWith(`/sim/api/v1/tasks/${result.providerMetadata.alibaba.taskId}`));
    assert.ok(polls.length >= 1);
    assert.equal(JSON.parse(polls.at(-1).body).output.task_status, 'SUCCEEDED');
  });

  test("experimental_generateVideo with alibaba.video('wan2.6-i2v') gets a video", async () => {
    const f = recordingFetch();
    const alibaba = createAlibaba({ videoBaseURL: `${relay.url}/sim`, apiKey: 'sk-caller-own-key', fetch: f });
    const result = await i2v(alibaba, 'wan2.6-i2v');
    assertVideo(result, 'wan2.6-i2v');
    const { call, body } = created(f);
    assert.equal(call.status, 200, call.body);
    assert.deepEqual(body, {
      model: 'wan2.6-i2v',
      input: { prompt: 'The girl turns and smiles at the camera.', img_url: IMAGE_URL },
      parameters: { duration: 5, resolution: '720P' },
    });
  });

  test('a model DashScope does not have comes back as its 404 ModelNotFound', async () => {
    const f = recordingFetch();
    const alibaba = createAlibaba({ videoBaseURL: `${relay.url}/sim`, apiKey: 'sk-caller-own-key', fetch: f });
    await assert.rejects(t2v(alibaba, 'wan9.9-t2v'), (e) => {
      assert.ok(APICallError.isInstance(e), `APICallError, got ${e}`);
      assert.equal(e.statusCode, 404);
      assert.equal(JSON.parse(e.responseBody).code, 'ModelNotFound');
      return true;
    });
    // The relay forwarded it (the simulator, playing DashScope, answered).
    const seen = (await simControl(relay.simUrl, '/requests?route=submit')).filter((r) => r.body?.model === 'wan9.9-t2v');
    assert.equal(seen.length, 1);
    assert.equal(seen[0].status, 404);
  });
});

describe('relay holds the key: --allow-model decides which models it pays for', () => {
  const canary = `sk-canary-${randomBytes(16).toString('hex')}`;
  const token = `relay-token-${randomBytes(16).toString('hex')}`;
  let sim;
  let strict; // default allow-list: the editing models only
  let open; // --allow-model for the text- and image-to-video models
  before(async () => {
    sim = await startSim(['--time-scale', TIME_SCALE, '--key', canary]);
    const common = ['--upstream', `sim=${sim.url}`, '--access-token', token];
    strict = await startRelay(common, { DASHSCOPE_API_KEY: canary });
    open = await startRelay([...common, '--allow-model', 'wan2.*-t2v', '--allow-model', 'wan2.6-i2v'], {
      DASHSCOPE_API_KEY: canary,
    });
  });
  after(async () => {
    await strict?.stop();
    await open?.stop();
    await sim?.stop();
  });

  for (const [modelId, run] of [
    ['wan2.7-t2v', t2v],
    ['wan2.6-i2v', i2v],
  ]) {
    test(`${modelId} is 403 RelayModelNotAllowed by default`, async () => {
      const before = (await simControl(sim.url, '/requests?route=submit')).length;
      const f = recordingFetch();
      const alibaba = createAlibaba({ videoBaseURL: `${strict.url}/sim`, apiKey: token, fetch: f });
      await assert.rejects(run(alibaba, modelId), (e) => {
        assert.ok(APICallError.isInstance(e), `APICallError, got ${e}`);
        assert.equal(e.statusCode, 403);
        const data = JSON.parse(e.responseBody);
        assert.equal(data.code, 'RelayModelNotAllowed');
        assert.match(data.message, /--allow-model/);
        assert.ok(data.request_id);
        return true;
      });
      assert.equal((await simControl(sim.url, '/requests?route=submit')).length, before, 'nothing forwarded');
      assert.ok(f.calls.every((c) => !c.body.includes(canary) && !JSON.stringify(c.headers).includes(canary)));
    });

    test(`${modelId} passes with --allow-model, on the relay's key`, async () => {
      const f = recordingFetch();
      const alibaba = createAlibaba({ videoBaseURL: `${open.url}/sim`, apiKey: token, fetch: f });
      const result = await run(alibaba, modelId);
      assertVideo(result, modelId);
      const { call } = created(f);
      assert.equal(call.requestHeaders.authorization, `Bearer ${token}`);
      // Upstream, the create and every poll carried the relay's key (index 0, the canary).
      const log = (await simControl(sim.url, '/requests')).filter((r) => r.route === 'submit' || r.route === 'task_get');
      const mine = log.filter((r) => r.body?.model === modelId || r.path.endsWith(result.providerMetadata.alibaba.taskId));
      assert.ok(mine.length >= 2);
      assert.ok(mine.every((r) => r.key_index === 0));
      // The key never came back, and never reached the relay's log.
      for (const c of f.calls) {
        assert.ok(!c.body.includes(canary) && !JSON.stringify(c.headers).includes(canary), c.url);
      }
      assert.ok(!open.lines.join('\n').includes(canary));
      assert.ok(!open.lines.join('\n').includes(token));
    });
  }
});
