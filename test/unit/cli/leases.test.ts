/** `novanet leases`: flags validated like every other command (exit 2 names the flag, 3 for a missing namespace). */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { EXIT, main } from '../../../electron/cli/index';

let out: MockInstance;
let err: MockInstance;
const stdout = () => out.mock.calls.map((c) => String(c[0])).join('');
const stderr = () => err.mock.calls.map((c) => String(c[0])).join('');

beforeEach(() => {
  out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('novanet leases', () => {
  it('is listed in the help with its flags', async () => {
    expect(await main(['--help'])).toBe(EXIT.ok);
    expect(stdout()).toMatch(/^\s+leases\b/m);
    expect(await main(['leases', '--help'])).toBe(EXIT.ok);
    for (const flag of ['--netns', '--json']) expect(stdout()).toContain(flag);
  });

  it('refuses a bad namespace name (2, the flag named) and a missing namespace (3)', async () => {
    expect(await main(['leases', '--netns', '-x'])).toBe(EXIT.usage);
    expect(stderr()).toMatch(/--netns: /);
    expect(await main(['leases', '--netns', 'novanet-does-not-exist-xyz', '--json'])).toBe(EXIT.notFound);
    expect(stderr()).toMatch(/network namespace "novanet-does-not-exist-xyz" does not exist/);
    expect(stdout()).not.toMatch(/leases/);
  });
});
