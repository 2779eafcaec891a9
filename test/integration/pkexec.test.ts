/**
 * The real privilege path: a non-root user runs `novanet apply`, which starts the helper through pkexec;
 * polkitd decides from a test rule. The user's process lives in a namespace the test made, so everything the
 * helper changes is inside it. System files the test installs (policy, rule, helper copies, user) are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { skipSuite } from '../support/requirements';

const skip = skipSuite('pkexec + polkit (integration)', {
  root: true,
  tools: ['ip', 'pkexec', 'pkcheck', 'dbus-daemon', 'dbus-send', 'setpriv', 'useradd', 'userdel'],
  files: [{ path: '/usr/lib/polkit-1/polkitd', pkg: 'polkitd' }],
});

const NS = `nnpk${process.pid % 10000}`;
const USER = `nnpk${process.pid % 10000}`;
const DENIED = `nnpd${process.pid % 10000}`;
const ACTIONS = '/usr/share/polkit-1/actions/org.novanet.policy';
const RULE = '/etc/polkit-1/rules.d/49-novanet-test.rules';
const LIBDIR = '/usr/lib/novanet';
const started: number[] = [];
let startedBus = false;
const installed: string[] = [];
let work: string;

function startDaemon(argv: string[], ready: () => boolean): void {
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore', detached: true });
  child.unref();
  if (child.pid) started.push(child.pid);
  const until = Date.now() + 10_000;
  while (!ready() && Date.now() < until) spawnSync('sleep', ['0.1']);
}

function install(src: string | { text: string }, dest: string, mode: number): void {
  mkdirSync(resolve(dest, '..'), { recursive: true });
  if (typeof src === 'string') copyFileSync(src, dest);
  else writeFileSync(dest, src.text);
  chmodSync(dest, mode);
  installed.push(dest);
}

function uid(user: string): string {
  return execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim();
}

/** Runs the CLI as `user`, inside the test namespace, as a desktop user would run it. */
function cliAs(user: string, args: string[]) {
  const home = join(work, user);
  return spawnSync(
    'ip',
    ['netns', 'exec', NS, 'setpriv', `--reuid=${uid(user)}`, `--regid=${uid(user)}`, '--clear-groups', process.execPath, resolve('out/cli/novanet.mjs'), ...args],
    { encoding: 'utf8', env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: home, NOVANET_CONFIG_DIR: join(home, 'config'), LC_ALL: 'C' }, timeout: 120_000 },
  );
}

describe.skipIf(skip)('apply through pkexec and polkit as a non-root user', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'novanet-pkexec-'));
    chmodSync(work, 0o755);
    for (const u of [USER, DENIED]) {
      execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', u]);
      mkdirSync(join(work, u), { recursive: true });
      execFileSync('chown', [`${u}:`, join(work, u)]);
    }
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', ['-n', NS, '-batch', '-'], { input: 'link set lo up\nlink add up0 type veth peer name up1\n' });
    // A system bus that answers is used as it is; a socket left by a bus that is gone is replaced.
    const busAnswers = () => spawnSync('dbus-send', ['--system', '--print-reply', '--dest=org.freedesktop.DBus', '/', 'org.freedesktop.DBus.GetId']).status === 0;
    if (!busAnswers()) {
      mkdirSync('/run/dbus', { recursive: true });
      rmSync('/run/dbus/system_bus_socket', { force: true });
      startDaemon(['dbus-daemon', '--system', '--nofork', '--nopidfile'], busAnswers);
      startedBus = true;
    }
    install('helpers/org.novanet.policy', ACTIONS, 0o644);
    install(
      { text: `polkit.addRule(function (action, subject) {\n  if (action.id == "org.novanet.apply" && subject.user == "${USER}") return polkit.Result.YES;\n  if (action.id == "org.novanet.apply" && subject.user == "${DENIED}") return polkit.Result.NO;\n});\n` },
      RULE,
      0o644,
    );
    install('out/helper/novanet-helper.mjs', join(LIBDIR, 'novanet-helper'), 0o755);
    // polkitd reads actions and rules when it starts.
    startDaemon(['/usr/lib/polkit-1/polkitd', '--no-debug'], () => spawnSync('pkcheck', ['--action-id', 'org.novanet.apply', '--process', String(process.pid)]).status !== 127);
    spawnSync('sleep', ['1']);
  }, 60_000);

  afterAll(() => {
    for (const pid of started.reverse()) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    for (const f of installed) rmSync(f, { force: true });
    if (startedBus) rmSync('/run/dbus/system_bus_socket', { force: true });
    spawnSync('ip', ['netns', 'del', NS]);
    for (const u of [USER, DENIED]) spawnSync('userdel', [u]);
    rmSync(work, { recursive: true, force: true });
  });

  const spec = () => {
    const file = join(work, 'spec.yaml');
    writeFileSync(file, 'apiVersion: novanet/v1\nkind: HostNetwork\nmetadata: { name: pk }\nswitches:\n  - { name: br-pk, uplinks: [up0], addresses: [10.99.0.1/24] }\n');
    chmodSync(file, 0o644);
    return file;
  };

  it('applies as an authorised user: the helper runs as root through pkexec, the files are the user\'s', () => {
    const r = cliAs(USER, ['apply', '-f', spec(), '--yes', '--json']);
    expect(r.stderr).not.toMatch(/Not authorized|not allowed/);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}')).toMatchObject({ result: 'committed' });
    const link = JSON.parse(execFileSync('ip', ['-n', NS, '-j', '-d', 'link', 'show', 'br-pk'], { encoding: 'utf8' }))[0];
    expect(link.ifalias).toBe('novanet:pk');
    const audit = readFileSync(join(work, USER, 'config', 'audit.log'), 'utf8');
    expect(audit).toContain('br-pk');
    expect(execFileSync('stat', ['-c', '%U', join(work, USER, 'config', 'audit.log')], { encoding: 'utf8' }).trim()).toBe(USER);
  });

  it('refuses a user polkit says no to, and changes nothing', () => {
    const before = execFileSync('ip', ['-n', NS, '-j', 'link', 'show'], { encoding: 'utf8' });
    const other = join(work, 'other.yaml');
    writeFileSync(other, 'apiVersion: novanet/v1\nkind: HostNetwork\nmetadata: { name: pk2 }\nswitches:\n  - { name: br-pk2, uplinks: [up1] }\n');
    chmodSync(other, 0o644);
    const r = cliAs(DENIED, ['apply', '-f', other, '--yes', '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}')).toMatchObject({ result: 'failed' });
    expect(execFileSync('ip', ['-n', NS, '-j', 'link', 'show'], { encoding: 'utf8' })).toBe(before);
  });
});
