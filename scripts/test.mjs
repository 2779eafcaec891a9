#!/usr/bin/env node
// `npm test`: build once, then unit, integration, e2e and (when qemu is there) the full-kernel VM suite.
// Each suite gates itself on its system tools (test/support/requirements.ts); NOVANET_STRICT=1 turns a skip
// into a failure. Exit code: non-zero if any suite failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';

const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'e2e', 'vm'];
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: process.env }).status ?? 1;

const started = Date.now();
if (run(process.execPath, ['scripts/build.mjs']) !== 0) process.exit(1);
const results = [];
for (const suite of suites) {
  const t0 = Date.now();
  // A JSON report beside the console one, so the summary can name what failed: CI logs keep only their tail.
  const report = `out/test-results/${suite}.json`;
  mkdirSync('out/test-results', { recursive: true });
  rmSync(report, { force: true });
  const code = run(process.execPath, [
    'node_modules/vitest/vitest.mjs', 'run', '--project', suite,
    '--reporter=default', '--reporter=json', `--outputFile.json=${report}`,
  ]);
  results.push({ suite, code, s: ((Date.now() - t0) / 1000).toFixed(1), failures: code === 0 ? [] : failuresIn(report) });
}

/** "file > test: first line of the error" for every failed test (or failed file) in a vitest JSON report. */
function failuresIn(report) {
  if (!existsSync(report)) return ['(no report: vitest did not finish)'];
  const out = [];
  for (const file of JSON.parse(readFileSync(report, 'utf8')).testResults ?? []) {
    const name = file.name.replace(`${process.cwd()}/`, '');
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failed) out.push(`${name} > ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
    if (!failed.length && file.status === 'failed') out.push(`${name}: ${firstLine(file.message)}`);
  }
  return out;
}

function firstLine(text = '') {
  return stripVTControlCharacters(text).split('\n').find((l) => l.trim())?.trim().slice(0, 300) ?? '';
}
console.log('\nNovaNet test summary');
for (const r of results) {
  console.log(`  ${r.suite.padEnd(12)} ${r.code === 0 ? 'passed' : 'FAILED'}  ${r.s} s`);
  for (const f of r.failures) console.log(`      ✗ ${f}`);
}
console.log(`  total ${((Date.now() - started) / 1000).toFixed(0)} s${process.env.NOVANET_STRICT === '1' ? ' (strict: skips are failures)' : ''}`);
const failed = results.filter((r) => r.code !== 0).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
