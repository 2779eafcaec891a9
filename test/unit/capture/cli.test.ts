/** `novanet capture ...` refusals: exit 2 for bad input, 3 for a missing namespace, and nothing started or recorded. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, main } from '../../../electron/cli/index';
import { resolveTool } from '../../../electron/services/runner';
import { captureCliOutput } from '../../support/cli-output';

let dir: string;
const saved = process.env.NOVANET_CONFIG_DIR;
const { stdout, stderr } = captureCliOutput();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nn-capcli-'));
  process.env.NOVANET_CONFIG_DIR = join(dir, 'config');
});
afterEach(() => {
  if (saved === undefined) delete process.env.NOVANET_CONFIG_DIR;
  else process.env.NOVANET_CONFIG_DIR = saved;
  rmSync(dir, { recursive: true, force: true });
});

const start = (...extra: string[]) =>
  main(['capture', 'start', '--interface', 'lo', '--output', join(dir, 'x.pcap'), ...extra]);

describe('novanet capture start: bad input exits 2, nothing started', () => {
  it.each([
    [['--duration', '0'], /--duration must be a number greater than 0/],
    [['--duration', '-5'], /--duration/],
    [['--count', '0'], /--count must be a whole number greater than 0/],
    [['--count', '2.5'], /--count must be a whole number/],
    [['--rotate-size', '1', '--rotate-count', '0'], /--rotate-count must be a whole number greater than 0/],
    [['--rotate-count', '3'], /--rotate-count: needs --rotate-size/],
    [['--snaplen', '10'], /--snaplen: must be a whole number of bytes from 64/],
    [['--filter', '-w /tmp/x'], /--filter: must be one line and must not start with "-"/],
    [['--netns', '../x'], /--netns/],
  ])('%j', async (extra, message) => {
    expect(await start(...extra)).toBe(EXIT.usage);
    expect(stderr()).toMatch(message);
    expect(() => readdirSync(join(dir, 'config', 'captures'))).toThrow();
  });

  it('an unknown namespace exits 3', async () => {
    expect(await start('--netns', 'novanet-no-such-ns-x')).toBe(EXIT.notFound);
    expect(stderr()).toMatch(/--netns: network namespace "novanet-no-such-ns-x" does not exist/);
  });

  it.skipIf(!resolveTool('ip'))('an unknown interface names it', async () => {
    expect(await main(['capture', 'start', '--interface', 'nosuchif0', '--output', join(dir, 'x.pcap')])).toBe(
      EXIT.usage,
    );
    expect(stderr()).toMatch(/--interface: nosuchif0 does not exist in the host namespace/);
  });

  it.skipIf(!resolveTool('tcpdump') || !resolveTool('ip'))(
    'a filter with a syntax error gives the compiler message',
    async () => {
      expect(await start('--filter', 'icmp and and')).toBe(EXIT.usage);
      expect(stderr()).toMatch(/--filter: can't parse filter expression: syntax error/);
      expect(await start('--filter', 'port 99999')).toBe(EXIT.usage);
      expect(stderr()).toMatch(/--filter: illegal port number 99999 > 65535/);
    },
  );

  it.skipIf(!resolveTool('tcpdump') || !resolveTool('ip'))(
    'an output that is a symlink, a device or a directory',
    async () => {
      symlinkSync('/etc/hostname', join(dir, 'link.pcap'));
      for (const [path, re] of [
        [join(dir, 'link.pcap'), /--output: .* is a symbolic link/],
        ['/dev/null', /--output: \/dev\/null is a device/],
        [dir, /--output: .* is a directory/],
      ] as const) {
        expect(await main(['capture', 'start', '--interface', 'lo', '--output', path])).toBe(EXIT.usage);
        expect(stderr()).toMatch(re);
      }
    },
  );
});

describe('novanet capture stop / list / delete', () => {
  it('an unknown id exits 3, a malformed one 2', async () => {
    expect(await main(['capture', 'stop', '20990101-000000-abcdef'])).toBe(EXIT.notFound);
    expect(await main(['capture', 'stop', '../x'])).toBe(EXIT.usage);
    expect(await main(['capture', 'delete', '20990101-000000-abcdef'])).toBe(EXIT.notFound);
  });
  it('lists nothing yet', async () => {
    expect(await main(['capture', 'list'])).toBe(EXIT.ok);
    expect(stdout()).toBe('No captures yet.\n');
  });
});
