// Writes `.br` (brotli, quality 11) and `.gz` (gzip -9) siblings of the web UI's text and wasm
// files, once at build time, so the relay (tower-http ServeDir, precompressed_br/gzip) sends
// them to browsers that accept them without compressing per request.
//
//   node scripts/precompress.mjs [dir]      (default: dist)
//
// Prints each encoding's total next to the raw one.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? 'dist';
const KINDS = /\.(html|js|mjs|wasm|css|svg|json|txt)$/;
const totals = { raw: 0, gz: 0, br: 0 };

function walk(d) {
  for (const name of readdirSync(d)) {
    const path = join(d, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (KINDS.test(name)) compress(path);
  }
}

function compress(path) {
  const body = readFileSync(path);
  const gz = gzipSync(body, { level: 9 });
  const br = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      [constants.BROTLI_PARAM_MODE]: /\.wasm$/.test(path) ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
    },
  });
  writeFileSync(`${path}.gz`, gz);
  writeFileSync(`${path}.br`, br);
  totals.raw += body.length;
  totals.gz += gz.length;
  totals.br += br.length;
}

walk(dir);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`precompressed ${dir}: ${kb(totals.raw)} raw, ${kb(totals.gz)} gzip -9, ${kb(totals.br)} brotli 11 (all files)`);
