// The npm package's validate() against the validation golden table of wanedit-core
// (crates/core/tests/golden.rs): for every body of the corpus, the same issues in the same
// order, identical in severity, code and path. This holds the WebAssembly build (its own
// toolchain, features and size tuning) to exactly what the native validator decides.
//
// Runs the package as built by crates/client/build-npm.sh (target/npm/wanedit, the files the
// tarball holds), in Node.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_DIR } from './harness.mjs';

const GOLDEN = join(REPO_DIR, 'crates', 'core', 'tests', 'fixtures', 'golden');
const PACKAGE = join(REPO_DIR, 'target', 'npm', 'wanedit');

test('npm validate() gives the golden table for every corpus body', async () => {
  if (!existsSync(join(PACKAGE, 'node.js'))) {
    execFileSync(join(REPO_DIR, 'crates', 'client', 'build-npm.sh'), ['--skip-size-check'], { stdio: 'inherit' });
  }
  const { validate } = await import(pathToFileURL(join(PACKAGE, 'node.js')).href);
  const corpus = JSON.parse(readFileSync(join(GOLDEN, 'corpus.json'), 'utf8'));
  const want = readFileSync(join(GOLDEN, 'validation.tsv'), 'utf8').split('\n').filter(Boolean);
  assert.ok(corpus.length > 2000, `corpus too small: ${corpus.length}`);
  const got = [];
  for (const { id, body } of corpus) {
    const issues = validate(body);
    if (issues.length === 0) got.push(`${id}\tok`);
    for (const i of issues) got.push(`${id}\t${i.severity}\t${i.code}\t${i.path}`);
  }
  const diffs = [];
  for (let n = 0; n < Math.max(want.length, got.length) && diffs.length < 20; n++) {
    if (want[n] !== got[n]) diffs.push(`  want ${want[n]}\n  got  ${got[n]}`);
  }
  assert.equal(diffs.length, 0, `npm validate() differs from validation.tsv:\n${diffs.join('\n')}`);
  console.log(`golden: ${corpus.length} bodies, ${got.length} rows identical to the native validator`);
});
