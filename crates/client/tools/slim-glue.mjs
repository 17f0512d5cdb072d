// Slims the JavaScript and the WebAssembly names of a wasm-bindgen module after wasm-opt
// (build-npm.sh runs it):
//
//   node slim-glue.mjs DIR NAME [FILE...]
//
// 1. Renames the names DIR/NAME_bg.wasm and its glue DIR/NAME.js share. wasm-bindgen names
//    every import `__wbg_<function>_<16 hex digits>` and some exports after whole Rust
//    paths; each appears in the module and in the glue, and random hex digits do not
//    compress. Imports become `a`, `b`, … of one module `a`, exports likewise (see
//    `exportAction` for the ones kept). The glue defines each import once, as a key of its
//    imports object, and reaches the exports as `wasm.<name>`: every rewrite must match the
//    expected number of times (`replaceExactly`), so when wasm-bindgen's output changes shape
//    the script exits 1 naming the pattern, and the build fails rather than produce a broken
//    package. tools/slim-glue.test.mjs runs it on a fixed sample.
// 2. Removes whole-line comments (`// …`, `/* … */`, the JSDoc wasm-bindgen copies from the
//    Rust docs) and indentation from DIR/NAME.js and each FILE (the package's `index.js`; its
//    documentation is `index.d.ts`). Neither has multi-line strings, which is checked too.
//
// Together about 6 KB gzipped of the main module (wasm and JavaScript).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, name, ...extra] = process.argv.slice(2);
if (!dir || !name) {
  console.error('usage: node slim-glue.mjs DIR NAME [FILE...]');
  process.exit(2);
}
const wasmPath = join(dir, `${name}_bg.wasm`);
const jsPath = join(dir, `${name}.js`);
const wasm = readFileSync(wasmPath);
let js = readFileSync(jsPath, 'utf8');

function fail(message) {
  console.error(`slim-glue: ${message}`);
  process.exit(1);
}

// --- WebAssembly binary reading and writing ------------------------------------------------
let pos = 0;
function leb() {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const byte = wasm[pos++];
    result |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if (byte < 0x80) return Number(result);
  }
}
function bytes(n) {
  const b = wasm.subarray(pos, pos + n);
  pos += n;
  return b;
}
const utf8 = new TextDecoder('utf-8', { fatal: true });
function str() {
  return utf8.decode(bytes(leb()));
}
function encLeb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}
function encStr(s) {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([encLeb(b.length), b]);
}
function limits() {
  const start = pos;
  const flags = wasm[pos++];
  leb();
  if (flags & 1) leb();
  return wasm.subarray(start, pos);
}

// `a`, `b`, … `z`, `A` … `Z`, `aa`, `ab`, …: valid JavaScript identifiers and unique.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
function shortName(i) {
  let s = '';
  do {
    s = ALPHABET[i % ALPHABET.length] + s;
    i = Math.floor(i / ALPHABET.length) - 1;
  } while (i >= 0);
  return s;
}

// An export the glue reaches only as `wasm.<name>` is renamed in the module; one the glue
// also wraps in an internal function of the same name (closure shims, whose names are whole
// Rust paths) is renamed in both, the function becoming `__w<n>`; one the glue exports under
// the same name (`validate`) keeps its name.
const escape = (s) => s.replace(/[$.*+?^(){}[\]|\\]/g, '\\$&');
const count = (re) => js.match(re)?.length ?? 0;
const jsRenames = new Map(); // glue function name -> new
function exportAction(field) {
  const all = count(new RegExp(`\\b${escape(field)}\\b`, 'g'));
  const viaWasm = count(new RegExp(`\\bwasm\\.${escape(field)}\\b`, 'g'));
  if (all === viaWasm) return 'rename';
  if (count(new RegExp(`\\bexport\\b[^\\n]*\\b${escape(field)}\\b`, 'g'))) return 'keep';
  const local = `__w${jsRenames.size}`;
  if (count(new RegExp(`\\b${escape(local)}\\b`, 'g'))) return 'keep';
  jsRenames.set(field, local);
  return 'rename';
}

if (wasm.readUInt32LE(0) !== 0x6d736100) fail(`${wasmPath} is not a WebAssembly module`);
pos = 8;
const parts = [wasm.subarray(0, 8)];
const renamedImports = new Map(); // old name -> new
const renamedExports = new Map();
const keptExports = new Set();
const modules = new Set();
let importNames = 0;
let exportNames = 0;
while (pos < wasm.length) {
  const id = wasm[pos++];
  const size = leb();
  const start = pos;
  const end = start + size;
  if (id === 2 || id === 7) {
    const n = leb();
    const entries = [encLeb(n)];
    for (let i = 0; i < n; i++) {
      if (id === 2) {
        modules.add(str());
        const field = str();
        const kindStart = pos;
        const kind = wasm[pos++];
        if (kind === 0) leb();
        else if (kind === 1) {
          pos++;
          limits();
        } else if (kind === 2) limits();
        else if (kind === 3) pos += 2;
        else if (kind === 4) {
          pos++;
          leb();
        } else fail(`unknown import kind ${kind}`);
        if (renamedImports.has(field)) fail(`import ${field} appears twice`);
        const short = shortName(importNames++);
        renamedImports.set(field, short);
        entries.push(encStr('a'), encStr(short), wasm.subarray(kindStart, pos));
      } else {
        const field = str();
        const kindStart = pos;
        pos++;
        leb();
        let out = field;
        if (exportAction(field) === 'rename') {
          out = shortName(exportNames++);
          renamedExports.set(field, out);
        } else {
          keptExports.add(field);
        }
        entries.push(encStr(out), wasm.subarray(kindStart, pos));
      }
    }
    if (pos !== end) fail(`section ${id} did not parse to its end`);
    const body = Buffer.concat(entries);
    parts.push(Buffer.from([id]), encLeb(body.length), body);
  } else {
    parts.push(wasm.subarray(start - 1 - encLeb(size).length, end));
  }
  pos = end;
}
if (modules.size !== 1) fail(`expected imports from one module, got: ${[...modules].join(', ')}`);
const [moduleName] = modules;
for (const short of renamedExports.values()) {
  if (keptExports.has(short)) fail(`export name ${short} would clash`);
}

// --- The glue ------------------------------------------------------------------------------
function replaceExactly(pattern, replacement, expected, what) {
  let n = 0;
  js = js.replace(pattern, () => {
    n++;
    return replacement;
  });
  if (n !== expected) fail(`${what}: expected ${expected} occurrence(s) in ${jsPath}, found ${n}`);
}
// The imports object: `"./NAME_bg.js": import0`.
replaceExactly(new RegExp(`"${escape(moduleName)}":`, 'g'), '"a":', 1, `module ${moduleName}`);
for (const [field, short] of renamedImports) {
  // Each import is one key of the imports object: `        name: function(…`.
  replaceExactly(new RegExp(`(?<=\\n\\s*)${escape(field)}(?=:)`, 'g'), short, 1, `import ${field}`);
  if (count(new RegExp(`\\b${escape(field)}\\b`, 'g'))) fail(`import ${field} is used elsewhere in the glue`);
}
// Each renamed export is reached only as `wasm.<name>` (counted by `exportAction`); a glue
// function named after one must be defined exactly once (`function <name>(`).
for (const [field, short] of renamedExports) {
  js = js.replace(new RegExp(`\\bwasm\\.${escape(field)}\\b`, 'g'), `wasm.${short}`);
}
for (const [field, local] of jsRenames) {
  replaceExactly(new RegExp(`\\bfunction ${escape(field)}\\(`, 'g'), `function ${local}(`, 1, `glue function ${field}`);
  js = js.replace(new RegExp(`\\b${escape(field)}\\b`, 'g'), local);
}

// --- Comments and indentation ----------------------------------------------------------------
function stripComments(text, path) {
  const out = [];
  let inBlock = false;
  for (const [i, line] of text.split('\n').entries()) {
    const t = line.trim();
    if (inBlock) {
      if (t.includes('*/')) {
        if (!t.endsWith('*/')) fail(`${path}:${i + 1}: code after a block comment`);
        inBlock = false;
      }
    } else if (t.startsWith('//') || (t.startsWith('/*') && t.endsWith('*/'))) {
      // a comment line
    } else if (t.startsWith('/*')) {
      inBlock = true;
    } else if (t !== '') {
      // An odd number of backticks: a template literal goes on to the next line, whose
      // indentation (or `//`) would be part of the string.
      if ((t.match(/`/g)?.length ?? 0) % 2) fail(`${path}:${i + 1}: a multi-line template literal`);
      out.push(t);
    }
  }
  if (inBlock) fail(`${path}: an unterminated block comment`);
  return out.join('\n') + '\n';
}

writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(jsPath, stripComments(js, jsPath));
for (const file of extra) writeFileSync(file, stripComments(readFileSync(file, 'utf8'), file));
console.log(
  `slim-glue: ${name}: ${renamedImports.size} imports and ${renamedExports.size} exports ` +
    `renamed (${jsRenames.size} glue functions with them), ${keptExports.size} exports kept ` +
    `(${[...keptExports].join(', ')})`,
);
