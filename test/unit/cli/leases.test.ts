/** `novanet leases`: flags validated like every other command (exit 2 names the flag, 3 for a missing namespace). */
import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../../electron/cli/index';
import { captureCliOutput } from '../../support/cli-output';

const { stdout, stderr } = captureCliOutput();

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
