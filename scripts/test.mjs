#!/usr/bin/env node
// `npm test`: build once, then unit, integration, e2e and (when qemu is there) the full-kernel VM suite.
// Each suite gates itself on its system tools (test/support/requirements.ts); NOVANET_STRICT=1 turns a skip
// into a failure. Exit code: non-zero if any suite failed.
import { spawnSync } from 'node:child_process';

const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'e2e', 'vm'];
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: process.env }).status ?? 1;

const started = Date.now();
if (run(process.execPath, ['scripts/build.mjs']) !== 0) process.exit(1);
const results = [];
for (const suite of suites) {
  const t0 = Date.now();
  const code = run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', suite]);
  results.push({ suite, code, s: ((Date.now() - t0) / 1000).toFixed(1) });
}
console.log('\nNovaNet test summary');
for (const r of results) console.log(`  ${r.suite.padEnd(12)} ${r.code === 0 ? 'passed' : 'FAILED'}  ${r.s} s`);
console.log(`  total ${((Date.now() - started) / 1000).toFixed(0)} s${process.env.NOVANET_STRICT === '1' ? ' (strict: skips are failures)' : ''}`);
const failed = results.filter((r) => r.code !== 0).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
