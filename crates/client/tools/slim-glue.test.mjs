// slim-glue.mjs on a fixed sample: a small WebAssembly module (built here, byte by byte) and
// glue in the shape wasm-bindgen 0.2.130 writes (`--target web`). Checks the exact output, and
// that each shape the script relies on, when changed, makes it exit 1 naming the pattern.
//
//   node --test crates/client/tools/slim-glue.test.mjs   (scripts/test.sh client-npm runs it)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'slim-glue.mjs');
const IMPORT_A = '__wbg_fetch_0123456789abcdef';
const IMPORT_B = '__wbg_settimeout_fedcba9876543210';
const SHIM = 'wasm_bindgen_2a14___convert__closures_____invoke___true_';

// --- A WebAssembly module: imports IMPORT_A, IMPORT_B from ./x_bg.js; exports `memory`,
// `validate`, `__wbindgen_malloc` and SHIM. -------------------------------------------------
const leb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const str = (s) => [...leb(Buffer.byteLength(s)), ...Buffer.from(s)];
const section = (id, body) => [id, ...leb(body.length), ...body];
const vec = (items) => [...leb(items.length), ...items.flat()];
function module(imports, exports) {
  const fnType = [0x60, 0, 0]; // () -> ()
  return Buffer.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([fnType])),
    ...section(2, vec(imports.map(([m, f]) => [...str(m), ...str(f), 0x00, 0x00]))),
    ...section(3, vec([[0x00]])), // one function, type 0
    ...section(5, vec([[0x00, 0x01]])), // memory, min 1 page
    ...section(7, vec(exports.map(([name, kind, index]) => [...str(name), kind, ...leb(index)]))),
    ...section(10, vec([[0x02, 0x00, 0x0b]])), // body: no locals, end
  ]);
}
const WASM = module(
  [
    ['./x_bg.js', IMPORT_A],
    ['./x_bg.js', IMPORT_B],
  ],
  [
    ['memory', 2, 0],
    ['validate', 0, 2],
    ['__wbindgen_malloc', 0, 2],
    [SHIM, 0, 2],
  ],
);

/** wasm-bindgen's names in a WebAssembly module: [module, field] imports and export names. */
function wasmNames(bytes) {
  let pos = 8;
  const u = () => {
    let r = 0;
    let s = 0;
    for (;;) {
      const b = bytes[pos++];
      r |= (b & 0x7f) << s;
      s += 7;
      if (b < 0x80) return r;
    }
  };
  const name = () => {
    const n = u();
    const s = bytes.subarray(pos, pos + n).toString();
    pos += n;
    return s;
  };
  const imports = [];
  const exports = [];
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = u();
    const end = pos + size;
    if (id === 2) {
      for (let n = u(); n--; ) {
        imports.push([name(), name()]);
        pos += 2; // kind 0 and a type index < 128
      }
    } else if (id === 7) {
      for (let n = u(); n--; ) {
        exports.push(name());
        pos++;
        u();
      }
    }
    pos = end;
  }
  return { imports, exports };
}

const GLUE = `/* @ts-self-types="./x.d.ts" */

/**
 * Every issue of a create-task body: \`[]\` when valid.
 * @param {any} body
 * @returns {any}
 */
export function validate(body) {
    const ptr = wasm.__wbindgen_malloc(8, 1);
    return wasm.validate(body, ptr);
}

function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        ${IMPORT_A}: function(arg0) {
            return fetch(arg0);
        },
        ${IMPORT_B}: function(arg0, arg1) {
            // a comment inside
            return setTimeout(arg0, arg1);
        },
    };
    return {
        __proto__: null,
        "./x_bg.js": import0,
    };
}

function ${SHIM}(arg0, arg1) {
    wasm.${SHIM}(arg0, arg1);
}
const closure = (a, b) => ${SHIM}(a, b);
`;

const EXPECTED = `export function validate(body) {
const ptr = wasm.b(8, 1);
return wasm.validate(body, ptr);
}
function __wbg_get_imports() {
const import0 = {
__proto__: null,
a: function(arg0) {
return fetch(arg0);
},
b: function(arg0, arg1) {
return setTimeout(arg0, arg1);
},
};
return {
__proto__: null,
"a": import0,
};
}
function __w0(arg0, arg1) {
wasm.c(arg0, arg1);
}
const closure = (a, b) => __w0(a, b);
`;

/** Runs slim-glue on `wasm` + `glue` in a fresh directory. */
function run(glue, wasm = WASM) {
  const dir = mkdtempSync(join(tmpdir(), 'slim-glue-'));
  try {
    writeFileSync(join(dir, 'x_bg.wasm'), wasm);
    writeFileSync(join(dir, 'x.js'), glue);
    const r = spawnSync(process.execPath, [SCRIPT, dir, 'x'], { encoding: 'utf8' });
    return {
      status: r.status,
      stdout: r.stdout,
      stderr: r.stderr,
      js: readFileSync(join(dir, 'x.js'), 'utf8'),
      wasm: readFileSync(join(dir, 'x_bg.wasm')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('renames the shared names and strips the comments, exactly', () => {
  const r = run(GLUE);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.js, EXPECTED);
  assert.deepEqual(wasmNames(r.wasm), {
    imports: [
      ['a', 'a'],
      ['a', 'b'],
    ],
    exports: ['a', 'validate', 'b', 'c'],
  });
  assert.match(r.stdout, /2 imports and 3 exports renamed \(1 glue functions with them\), 1 exports kept \(validate\)/);
  // The rest of the module is untouched (same sections after the export names).
  assert.equal(r.wasm.length, WASM.length - (IMPORT_A.length + IMPORT_B.length - 2) - 2 * ('./x_bg.js'.length - 1)
    - ('memory'.length - 1) - ('__wbindgen_malloc'.length - 1) - (SHIM.length - 1));
});

for (const [what, glue, message] of [
  ['the imports object is keyed differently', GLUE.replace('"./x_bg.js": import0', 'wbg: import0'), /module \.\/x_bg\.js: expected 1 occurrence\(s\) .* found 0/],
  ['an import is not a key of the imports object', GLUE.replace(`${IMPORT_B}: function`, `["${IMPORT_B}"]: function`), new RegExp(`import ${IMPORT_B}: expected 1 occurrence\\(s\\) .* found 0`)],
  ['an import is also used elsewhere', `${GLUE}const f = import0.${IMPORT_A};\n`, new RegExp(`import ${IMPORT_A} is used elsewhere`)],
  ['a closure shim is not a plain function', GLUE.replace(`function ${SHIM}(`, `const ${SHIM} = function(`), new RegExp(`glue function ${SHIM}: expected 1 occurrence\\(s\\) .* found 0`)],
  ['a multi-line template literal', `${GLUE}const t = \`a\nb\`;\n`, /a multi-line template literal/],
]) {
  test(`fails naming the pattern when ${what}`, () => {
    const r = run(glue);
    assert.equal(r.status, 1, `exit status (stderr: ${r.stderr})`);
    assert.match(r.stderr, /^slim-glue: /);
    assert.match(r.stderr, message);
    assert.equal(r.js, glue, 'nothing written');
  });
}

test('fails on imports from two modules', () => {
  const two = module(
    [
      ['./x_bg.js', IMPORT_A],
      ['env', IMPORT_B],
    ],
    [['memory', 2, 0]],
  );
  const r = run(GLUE, two);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /expected imports from one module, got: \.\/x_bg\.js, env/);
});
