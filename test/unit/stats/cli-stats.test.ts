/** `novanet stats` through the real CLI entry: exit codes for bad input, and a real read of this host's lo. */
import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../../electron/cli/index';
import { parseStatsOptions } from '../../../electron/cli/stats-command';
import { statsSampleSchema } from '../../../shared/model/stats';
import { captureCliOutput } from '../../support/cli-output';

const { stdout, stderr } = captureCliOutput();

describe('novanet stats input', () => {
  it.each([
    [['--interval', '0'], '--interval: must be a number of seconds from 0.1 to 3600 (got "0")'],
    [['--interval', '-1'], '--interval: must be a number of seconds from 0.1 to 3600 (got "-1")'],
    [['--interval', '1e3x'], '--interval'],
    [['--count', '0'], '--count: must be a whole number from 1 (got "0")'],
    [['--count', '-3'], '--count: must be a whole number from 1 (got "-3")'],
    [['--count', '2.5'], '--count'],
    [['--interface', '-eth0'], "--interface: must not start with '-'"],
    [['--interface', 'a/b'], '--interface'],
    [['--netns', '../x'], '--netns'],
  ])('%j exits 2 naming the flag, printing nothing', async (args, message) => {
    expect(await main(['stats', ...args])).toBe(EXIT.usage);
    expect(stderr()).toContain(message);
    expect(stdout()).toBe('');
  });

  it('exits 3 for a namespace that does not exist', async () => {
    expect(await main(['stats', '--netns', 'novanet-no-such-ns', '--count', '1'])).toBe(EXIT.notFound);
    expect(stderr()).toContain('network namespace "novanet-no-such-ns" does not exist');
  });

  it('parses good input: fractions of a second, no count means until interrupted', () => {
    expect(parseStatsOptions({ interval: '0.5', netns: 'lab' })).toEqual({
      target: { netns: 'lab' },
      intervalMs: 500,
      count: Infinity,
    });
    expect(parseStatsOptions({ interval: '2', count: '3', interface: 'eth0' })).toMatchObject({
      ifname: 'eth0',
      intervalMs: 2000,
      count: 3,
    });
  });
});

describe('novanet stats on this host (no root needed: /proc/self/net/dev)', () => {
  it('prints one JSON sample per line for --interface lo, named as documented', async () => {
    expect(await main(['stats', '--interface', 'lo', '--interval', '0.2', '--count', '2', '--json'])).toBe(EXIT.ok);
    const lines = stdout().trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      const s = statsSampleSchema.strict().parse(JSON.parse(l));
      expect(s.ifname).toBe('lo');
      expect(s.intervalS).toBeGreaterThan(0.1);
      expect(Object.keys(s).sort()).toEqual([
        'at',
        'ifname',
        'intervalS',
        'rxBps',
        'rxDrops',
        'rxErrors',
        'rxPps',
        'txBps',
        'txDrops',
        'txErrors',
        'txPps',
      ]);
    }
  });

  it('prints a table without --json', async () => {
    expect(await main(['stats', '--interval', '0.1', '--count', '1'])).toBe(EXIT.ok);
    expect(stdout()).toMatch(/^INTERFACE\s+RX\s+TX\s+RX PKT\/S\s+TX PKT\/S\s+ERR\/S RX\/TX\s+DROP\/S RX\/TX$/m);
    expect(stdout()).toMatch(/^lo\s+\d/m);
  });

  it('exits 2 for an interface this host does not have', async () => {
    expect(await main(['stats', '--interface', 'nn-no-such0', '--count', '1'])).toBe(EXIT.usage);
    expect(stderr()).toContain('--interface: nn-no-such0 does not exist on this host');
  });
});
