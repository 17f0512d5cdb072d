// The test stack of wanedit-client: the DashScope simulator (`wanedit-sim`, frozen clock) and,
// in front of it, the real relay (`wanedit-relay`, pass-through key mode, an access token, no
// rate limit, JSON logs) on loopback. Used by the browser suite's harness (harness.mjs) and
// by the npm package specs (tests/client-*.spec.mjs).
//
//   const stack = await startStack({ allowOrigins: ['http://127.0.0.1:8917'] });
//   stack.simUrl        http://127.0.0.1:P   (DashScope routes + /__sim control routes)
//   stack.relayUrl      http://127.0.0.1:Q   (the client's base URL is relayUrl + '/sim')
//   stack.token         the relay's access token (X-Relay-Token)
//   stack.relayRequests()  the relay's request log lines ({route, status, method, …})
//   await stack.stopRelay(); await stack.startRelay();   (same port: a real network outage)
//   await stack.close();
//
// Binaries: $WANEDIT_BIN_DIR or <repo>/target/debug (cargo build -p wanedit-relay -p wanedit-sim).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN_DIR = process.env.WANEDIT_BIN_DIR ?? join(REPO, 'target', 'debug');
export const SIM_KEY = 'sk-sim';
export const TOKEN = 'client-test-token';

function bin(name) {
  const path = join(BIN_DIR, name);
  if (!existsSync(path)) {
    throw new Error(`${path} not found: cargo build -p wanedit-relay -p wanedit-sim`);
  }
  return path;
}

/** Spawns `cmd`; resolves with the child and the first stdout line matching `re` (its match). */
function startProcess(cmd, args, re, onLine, timeoutMs = 20000) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'info', NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    // Log lines may come on either stream (the relay logs to one of them).
    let done = false;
    const timer = setTimeout(() => {
      if (!done) {
        done = true;
        child.kill('SIGKILL');
        reject(new Error(`${cmd} did not start in ${timeoutMs} ms; stderr:\n${stderr}`));
      }
    }, timeoutMs);
    child.on('exit', (code) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        reject(new Error(`${cmd} exited with ${code}; stderr:\n${stderr}`));
      }
    });
    const online = (line) => {
      onLine?.(line);
      const m = !done && line.match(re);
      if (m) {
        done = true;
        clearTimeout(timer);
        resolvePromise({ child, match: m });
      }
    };
    createInterface({ input: child.stdout }).on('line', online);
    createInterface({ input: child.stderr }).on('line', online);
  });
}

function stopProcess(child) {
  return new Promise((resolvePromise) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolvePromise();
    child.once('exit', () => resolvePromise());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

export async function startStack({ allowOrigins = [], token = TOKEN } = {}) {
  const { child: sim, match: simMatch } = await startProcess(
    bin('wanedit-sim'),
    ['--listen', '127.0.0.1:0', '--time-scale', '0', '--key', SIM_KEY],
    /listening on (http:\/\/\S+)/,
  );
  const simUrl = simMatch[1];
  const requests = [];
  let relay = null;
  let relayAddr = '127.0.0.1:0';
  const relayArgs = () => {
    const args = [
      '--listen', relayAddr,
      '--upstream', `sim=${simUrl}`,
      '--upload-host-allow', simUrl,
      '--rate-limit', '0',
      '--log-format', 'json',
    ];
    for (const o of allowOrigins) args.push('--allow-origin', o);
    if (token) args.push('--access-token', token);
    return args;
  };
  const onLine = (line) => {
    try {
      const rec = JSON.parse(line);
      if (rec.message === 'request') requests.push(rec);
    } catch {
      // not a JSON log line
    }
  };
  async function startRelay() {
    if (relay) return;
    const { child, match } = await startProcess(bin('wanedit-relay'), relayArgs(), /"wanedit-relay listening","addr":"([^"]+)"/, onLine);
    relay = child;
    relayAddr = match[1];
  }
  async function stopRelay() {
    const child = relay;
    relay = null;
    await stopProcess(child);
  }
  try {
    await startRelay();
  } catch (e) {
    await stopProcess(sim);
    throw e;
  }
  return {
    simUrl,
    relayUrl: `http://${relayAddr}`,
    token,
    key: SIM_KEY,
    relayRequests: () => requests.slice(),
    clearRelayRequests: () => {
      requests.length = 0;
    },
    relayRunning: () => relay !== null,
    startRelay,
    stopRelay,
    async close() {
      await stopRelay();
      await stopProcess(sim);
    },
  };
}

/** Calls a simulator control route (`/__sim/...`). */
export async function simControl(simUrl, method, path, body) {
  const res = await fetch(`${simUrl}/__sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} /__sim${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}
