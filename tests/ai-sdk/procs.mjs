// The real `wanedit-relay` and `wanedit-sim` binaries as child processes on free loopback
// ports, for the AI SDK spec. Binaries: WANEDIT_RELAY_BIN / WANEDIT_SIM_BIN (default
// target/debug/…; `scripts/test.sh ai-sdk` builds them). Every child is stopped by `stop()`
// (SIGTERM, SIGKILL after 5 s); each must start within 20 s.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RELAY_BIN = process.env.WANEDIT_RELAY_BIN ?? join(REPO_DIR, 'target/debug/wanedit-relay');
export const SIM_BIN = process.env.WANEDIT_SIM_BIN ?? join(REPO_DIR, 'target/debug/wanedit-sim');
const START_MS = 20000;

/** Spawns `bin args`, collecting its output lines; resolves once `pick(line)` returns a value. */
function start(bin, args, env, pick) {
  if (!existsSync(bin)) throw new Error(`${bin} not found: cargo build -p ${bin.split('/').pop()}`);
  const child = spawn(bin, args, {
    env: { PATH: process.env.PATH, RUST_LOG: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  const picked = {};
  const ready = new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`${bin} did not start:\n${lines.join('\n')}`)), START_MS);
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          lines.push(line);
          if (pick(line, picked)) {
            clearTimeout(timer);
            resolveReady();
          }
        }
      });
    }
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${bin} exited (${code}):\n${lines.join('\n')}`));
    });
  });
  const stop = () =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  return ready.then(
    () => ({ picked, lines, stop }),
    async (e) => {
      await stop();
      throw e;
    },
  );
}

function jsonFields(line) {
  try {
    const v = JSON.parse(line);
    return v.fields ? { ...v, ...v.fields } : v;
  } catch {
    return null;
  }
}

/**
 * Starts the relay (`--listen 127.0.0.1:0 --log-format json --rate-limit 0` plus `args`).
 * Returns `{ url, simUrl (with --simulate), lines, stop }`.
 */
export async function startRelay(args, env = {}) {
  const simulate = args.includes('--simulate');
  const p = await start(
    RELAY_BIN,
    ['--listen', '127.0.0.1:0', '--log-format', 'json', '--rate-limit', '0', ...args],
    env,
    (line, got) => {
      const f = jsonFields(line);
      if (f?.message === 'simulator listening' && f.addr) got.simUrl = `http://${f.addr}`;
      if (f?.message === 'wanedit-relay listening' && f.addr) got.url = `http://${f.addr}`;
      return got.url && (!simulate || got.simUrl);
    },
  );
  return { url: p.picked.url, simUrl: p.picked.simUrl, lines: p.lines, stop: p.stop };
}

/** Starts `wanedit-sim --listen 127.0.0.1:0` plus `args`. Returns `{ url, lines, stop }`. */
export async function startSim(args = []) {
  const p = await start(SIM_BIN, ['--listen', '127.0.0.1:0', ...args], {}, (line, got) => {
    const m = /wanedit-sim listening on (http:\/\/\S+)/.exec(line);
    if (m) got.url = m[1].replace(/\/$/, '');
    return Boolean(got.url);
  });
  return { url: p.picked.url, lines: p.lines, stop: p.stop };
}

/** GET/POST a simulator control route (`/__sim/...`). */
export async function simControl(simUrl, path, { method = 'GET', body } = {}) {
  const res = await fetch(`${simUrl}/__sim${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} /__sim${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}
