// The TypeScript types of the packed npm package (hand-written npm/index.d.ts) against the
// package itself, so they cannot drift (tests/typescript.rs checks them against the Rust
// types, natively):
//   1. `tsc --noEmit` (strict; npm `typescript`, pinned in tests/package.json) compiles
//      tests/types/usage.ts against the tarball's types (including its `@ts-expect-error`
//      lines, which must fail), plus a file generated here that states, as type equalities,
//      that the declared value exports and `Client` members are exactly the runtime ones and
//      that each options interface declares exactly the options probed below;
//   2. each of those options is read by the WebAssembly: a wrongly typed value is refused
//      with an error naming it.
// Needs the tarball (crates/client/build-npm.sh); scripts/test.sh client-npm runs this.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..', '..');
const NPM_DIR = join(REPO, 'target', 'npm');
const TSC = join(REPO, 'tests', 'node_modules', '.bin', 'tsc');
const BASE_URL = 'http://127.0.0.1:9'; // never reached: every probe fails before a request
const WRONG = []; // the wrong type for every option (strings, numbers, booleans, functions, objects)
const BODY = { model: 'wan2.7-videoedit', input: { prompt: 'p', media: [{ type: 'video', url: 'https://example.com/a.mp4' }] } };

let dir;
let pkg;

before(async () => {
  const tgz = existsSync(NPM_DIR) && readdirSync(NPM_DIR).find((f) => /^wanedit-.*\.tgz$/.test(f));
  assert.ok(tgz, `no tarball in ${NPM_DIR}: run crates/client/build-npm.sh`);
  dir = mkdtempSync(join(tmpdir(), 'wanedit-types-'));
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  execFileSync('tar', ['-xzf', join(NPM_DIR, tgz), '-C', modules]);
  execFileSync('mv', [join(modules, 'package'), join(modules, 'wanedit')]);
  writeFileSync(join(dir, 'package.json'), '{"type": "module", "private": true}\n');
  pkg = await import(pathToFileURL(join(modules, 'wanedit', 'node.js')).href);
});

/**
 * How to hand each option of an options interface a wrong value. The calls also get an
 * `AbortSignal` that fires after 3 s (unless `signal` is the option probed), so an option
 * the WebAssembly does not read ends the call as `aborted` instead of retrying for ever.
 */
const client = () => new pkg.Client({ baseUrl: BASE_URL });
const bad = (name) => ({ signal: AbortSignal.timeout(3000), [name]: WRONG });
const PROBES = {
  ClientOptions: (name) => new pkg.Client(name === 'baseUrl' ? { baseUrl: WRONG } : { baseUrl: BASE_URL, [name]: WRONG }),
  RetryOptions: (name) => new pkg.Client({ baseUrl: BASE_URL, retry: { [name]: WRONG } }),
  CallOptions: (name) => client().get('t-1', bad(name)),
  WaitOptions: (name) => client().wait('t-1', bad(name)),
  RunOptions: (name) => client().run(BODY, bad(name)),
  UploadOptions: (name) => client().upload(new Uint8Array(16), { model: 'wan2.7-videoedit', ...bad(name) }),
};
const OPTIONS = {
  ClientOptions: ['baseUrl', 'apiKey', 'workspace', 'relayToken', 'retry', 'timeScale', 'history'],
  RetryOptions: ['maxAttempts', 'baseDelayMs', 'maxDelayMs'],
  CallOptions: ['signal'],
  WaitOptions: ['signal', 'timeoutMs', 'onUpdate', 'onRetry', 'cancelOnTimeout', 'model', 'request', 'submittedAt', 'inputVideoSeconds'],
  RunOptions: ['signal', 'timeoutMs', 'onSubmitted', 'onUpdate', 'onRetry', 'cancelOnTimeout', 'inputVideoSeconds'],
  UploadOptions: ['signal', 'model', 'filename', 'onProgress'],
};

/** String keys of `proto` and its prototypes (not Object's), without `constructor` and `__…`. */
function methods(proto) {
  const out = new Set();
  for (let p = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) if (k !== 'constructor' && !k.startsWith('__')) out.add(k);
  }
  return [...out].sort();
}

const literal = (names) => (names.length ? names.map((n) => `'${n}'`).join(' | ') : 'never');

test('tsc --noEmit: the usage file and the runtime surface against the packed types', () => {
  const exportsAtRuntime = Object.keys(pkg).filter((k) => !k.startsWith('__')).sort();
  const lines = [
    "import * as w from 'wanedit';",
    `import type { ${Object.keys(OPTIONS).join(', ')} } from 'wanedit';`,
    'type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;',
    `export const valueExports: Same<keyof typeof w, ${literal(exportsAtRuntime)}> = true;`,
    `export const clientMembers: Same<keyof w.Client, ${literal(methods(pkg.Client.prototype))}> = true;`,
    ...Object.entries(OPTIONS).map(([iface, names]) => `export const ${iface}Match: Same<keyof ${iface}, ${literal(names)}> = true;`),
  ];
  writeFileSync(join(dir, 'surface.ts'), `${lines.join('\n')}\n`);
  copyFileSync(join(HERE, 'types', 'usage.ts'), join(dir, 'usage.ts'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        lib: ['es2022', 'dom'],
        types: [],
      },
      files: ['usage.ts', 'surface.ts'],
    }),
  );
  const r = spawnSync(TSC, ['-p', dir, '--pretty', 'false'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}\n(surface.ts:\n${lines.join('\n')})`);
});

for (const [iface, names] of Object.entries(OPTIONS)) {
  for (const name of names) {
    test(`${iface}.${name} is read by the WebAssembly`, async () => {
      await assert.rejects(
        async () => PROBES[iface](name),
        (e) => {
          assert.ok(e instanceof pkg.WanError, `a WanError, not ${e}`);
          assert.equal(e.kind, 'invalid_request');
          assert.match(e.message, new RegExp(`options\\.(retry\\.)?${name}\\b`));
          return true;
        },
      );
    });
  }
}
