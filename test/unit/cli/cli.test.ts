import { describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { EXIT, exitCodeFor, main } from '../../../electron/cli/index';
import { NotFoundError, PermissionError, UnavailableError, ValidationError } from '../../../shared/ipc/errors';
import { VERSION } from '../../../electron/services/version';
import { captureCliOutput } from '../../support/cli-output';

const MISSING_NS = 'novanet-does-not-exist-xyz';

const { stdout, stderr } = captureCliOutput();

describe('novanet --help and --version', () => {
  it('lists the commands and exits 0', async () => {
    expect(await main(['--help'])).toBe(EXIT.ok);
    for (const cmd of ['topology', 'serve', 'lab']) expect(stdout()).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    expect(stderr()).toBe('');
  });

  it('documents the target flags on topology', async () => {
    expect(await main(['topology', '--help'])).toBe(EXIT.ok);
    for (const flag of ['--netns', '--ovs-db', '--libvirt', '--json']) expect(stdout()).toContain(flag);
  });

  it('prints the version', async () => {
    expect(await main(['--version'])).toBe(EXIT.ok);
    expect(stdout().trim()).toBe(VERSION);
  });
});

describe('novanet usage errors exit 2', () => {
  it('refuses an unknown option', async () => {
    expect(await main(['--bogus'])).toBe(EXIT.usage);
    expect(stderr()).toContain("unknown option '--bogus'");
  });

  it('refuses an unknown command', async () => {
    expect(await main(['destroy-everything'])).toBe(EXIT.usage);
    expect(stderr()).toContain("unknown command 'destroy-everything'");
  });

  it("refuses topology --netns '-bad', naming --netns", async () => {
    expect(await main(['topology', '--netns', '-bad'])).toBe(EXIT.usage);
    expect(stderr()).toMatch(/^novanet: --netns: /);
    expect(stderr()).not.toContain('target.netns');
    expect(stdout()).toBe('');
  });

  it.each([
    [['topology', '--netns', 'a/b'], '--netns'],
    [['topology', '--netns', 'x'.repeat(65)], '--netns'],
    [['topology', '--ovs-db', 'db.sock'], '--ovs-db'],
    [['topology', '--libvirt', 'qemu system'], '--libvirt'],
  ])('refuses %j, naming %s', async (argv, flag) => {
    expect(await main(argv)).toBe(EXIT.usage);
    expect(stderr()).toContain(`${flag}: `);
  });

  it.each([['70000'], ['65536'], ['-1'], ['80x'], ['']])('refuses serve --port %j', async (port) => {
    expect(await main(['serve', '--port', port])).toBe(EXIT.usage);
    expect(stderr()).toContain('must be a port number 0-65535');
    expect(stdout()).not.toContain('serving');
  });

  it('refuses a bad lab name before doing anything', async () => {
    expect(await main(['lab', 'up', '--name', '-x'])).toBe(EXIT.usage);
    expect(stderr()).toMatch(/^novanet: --name: /);
  });
});

describe('novanet with a namespace that does not exist exits 3', () => {
  it('topology (runs the real ip)', async () => {
    expect(await main(['topology', '--netns', MISSING_NS])).toBe(EXIT.notFound);
    expect(stderr()).toBe(`novanet: network namespace "${MISSING_NS}" does not exist\n`);
    expect(stdout()).toBe('');
  });

  it('serve refuses before serving', async () => {
    expect(await main(['serve', '--netns', MISSING_NS])).toBe(EXIT.notFound);
    expect(stdout()).toBe('');
  });

  it('lab status of a lab that is not up', async () => {
    expect(await main(['lab', 'status', '--name', MISSING_NS])).toBe(EXIT.notFound);
    expect(stdout()).toBe(`No lab named ${MISSING_NS} is up\n`);
  });
});

describe('exitCodeFor', () => {
  it('maps errors to the documented exit codes', () => {
    expect(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(0);
    expect(exitCodeFor(new CommanderError(1, 'commander.unknownOption', 'x'))).toBe(2);
    expect(exitCodeFor(new ValidationError('--netns: bad'))).toBe(2);
    expect(exitCodeFor(new NotFoundError('gone'))).toBe(3);
    expect(exitCodeFor(new PermissionError('root'))).toBe(1);
    expect(exitCodeFor(new UnavailableError('no ovs'))).toBe(1);
    expect(exitCodeFor(new Error('x'))).toBe(1);
    expect(exitCodeFor('x')).toBe(1);
    expect(EXIT).toEqual({ ok: 0, failed: 1, usage: 2, notFound: 3, rolledBack: 4 });
  });
});
