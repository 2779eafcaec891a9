/**
 * Standalone DHCP through `novanet apply -f SPEC --yes` on a namespace: a Linux switch with an address and a
 * `dhcp` section gets a real dnsmasq, run by the helper from the config it generated; client namespaces (veths into
 * the switch) run busybox's udhcpc: one gets a lease in the range, the reserved MAC its fixed address. The leases
 * show in `novanet leases` and the `vmnet.leases` handler; re-planning is empty; a changed range restarts dnsmasq
 * (new PID, the client moves into the new range); bad input changes nothing (exit 2, field named); removing the
 * section stops dnsmasq and leaves no file behind.
 *
 * Namespaces are `nntb-<pid>-*`; every dnsmasq is ended by the PID in its pid file in afterAll, also on failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { NetworkSpecInput } from '../../shared/spec/schema';
import { vmnetLeasesResultSchema, type Lease } from '../../shared/model/vmnet';
import { dnsmasqFiles, scopeDir } from '../../shared/plan/operations-vmnet';
import { createVmnetHandlers } from '../../electron/services/vmnet-leases';
import { run } from '../../electron/services/runner';
import { applyRequest, endPid, replanSteps, runHelper, Sandbox } from '../support/apply-harness';
import { HELPER_EXIT } from '../../shared/plan/helper-protocol';
import type { Operation, Plan } from '../../shared/plan/operations';
import { CliRunner } from '../support/cli-run';
import { skipSuite } from '../support/requirements';
import { parseSpec } from '../../shared/spec/validate';

const skip = skipSuite('standalone DHCP through apply (integration)', {
  root: true,
  tools: ['ip', 'dnsmasq'],
  files: [{ path: '/bin/busybox', pkg: 'busybox-static' }],
});

const SPEC = 'nntb-dhcp';
const BR = 'nntbbrd';
const RESERVED_MAC = '02:00:00:00:00:42';
const sb = skip ? undefined : new Sandbox('nntb');
const cli = new CliRunner();
const dir = mkdtempSync(join(tmpdir(), 'nntb-dhcp-'));
let srv = '';
let c1 = '';
let c2 = '';

const spec = (range: [string, string] | null, extra: Partial<NetworkSpecInput> = {}): NetworkSpecInput => ({
  apiVersion: 'novanet/v1',
  kind: 'HostNetwork',
  metadata: { name: SPEC },
  ...(range
    ? {
        switches: [{ name: BR, type: 'linux', addresses: ['10.66.0.1/24'], uplinks: ['p1', 'p2'] }],
        dhcp: [
          {
            name: 'lan',
            interface: BR,
            ranges: [{ start: range[0], end: range[1], leaseTime: '1h' }],
            hosts: [{ mac: RESERVED_MAC, name: 'c2', ip: '10.66.0.42' }],
            options: { router: '10.66.0.1' },
          },
        ],
      }
    : {}),
  ...extra,
});
const specFile = (name: string, s: NetworkSpecInput) => {
  const p = join(dir, `${name}.yaml`);
  writeFileSync(p, stringify(s));
  return p;
};
const files = () => dnsmasqFiles(srv, SPEC, 'lan');
const pidNow = () => (existsSync(files().pidFile) ? Number(readFileSync(files().pidFile, 'utf8').trim()) : undefined);
const alive = (pid: number | undefined) => pid !== undefined && existsSync(`/proc/${pid}`);

/** busybox udhcpc, once, in the foreground; the address offered and acknowledged. */
async function dhcpLease(ns: string): Promise<string | undefined> {
  const r = await run(
    [
      'ip',
      'netns',
      'exec',
      ns,
      '/bin/busybox',
      'udhcpc',
      '-i',
      'eth0',
      '-n',
      '-q',
      '-f',
      '-t',
      '6',
      '-T',
      '1',
      '-s',
      '/bin/true',
    ],
    {
      timeoutMs: 20_000,
      okExitCodes: [1],
    },
  );
  return /lease of (\S+) obtained/.exec(`${r.stdout}\n${r.stderr}`)?.[1];
}

const inRange = (ip: string | undefined, lo: number, hi: number) => {
  const last = Number(ip?.split('.')[3]);
  return ip?.startsWith('10.66.0.') === true && last >= lo && last <= hi;
};

beforeAll(async () => {
  if (!sb) return;
  await cli.build();
  [srv = '', c1 = '', c2 = ''] = await sb.addNamespaces('srv', 'c1', 'c2');
  await sb.ip(srv, [
    'link add p1 type veth peer name eth0 netns ' + c1,
    'link add p2 type veth peer name eth0 netns ' + c2,
  ]);
  await sb.ip(c1, ['link set eth0 address 02:00:00:00:00:11', 'link set eth0 up']);
  await sb.ip(c2, [`link set eth0 address ${RESERVED_MAC}`, 'link set eth0 up']);
}, 120_000);

afterAll(async () => {
  if (sb) {
    // A failed test may leave dnsmasq running: end it by its own pid file, then the namespaces go.
    const root = `${scopeDir(srv)}/dnsmasq`;
    for (const owner of existsSync(root) ? readdirSync(root) : []) {
      for (const f of readdirSync(`${root}/${owner}`).filter((x) => x.endsWith('.pid'))) {
        const pid = Number(readFileSync(`${root}/${owner}/${f}`, 'utf8').trim());
        if (Number.isInteger(pid) && pid > 1 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(scopeDir(srv)))
          await endPid(pid);
      }
    }
    rmSync(scopeDir(srv), { recursive: true, force: true });
    await sb.destroy();
  }
  cli.remove();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(skip)('standalone DHCP (dnsmasq) through novanet apply', () => {
  let firstPid: number | undefined;

  it('applies a switch with an address and a dhcp section: dnsmasq runs from the helper config, files readable by the app', async () => {
    const r = cli.run(['apply', '-f', specFile('v1', spec(['10.66.0.100', '10.66.0.150'])), '--netns', srv, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Start DHCP server lan on nntbbrd/);
    firstPid = pidNow();
    expect(alive(firstPid)).toBe(true);
    const cmdline = readFileSync(`/proc/${firstPid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toEqual(['/usr/sbin/dnsmasq', '-C', files().conf, '']);
    expect(readFileSync(files().conf, 'utf8')).toMatch(/^dhcp-range=10\.66\.0\.100,10\.66\.0\.150,1h$/m);
    expect(statSync(files().leaseFile).mode & 0o777).toBe(0o644);
    expect(statSync(files().conf).mode & 0o777).toBe(0o644);
    const parsed = parseSpec(spec(['10.66.0.100', '10.66.0.150']));
    expect(await replanSteps({ netns: srv }, parsed.spec!)).toEqual([]);
  });

  it('a client gets a lease in the range; the reserved MAC gets its fixed address', async () => {
    const ip1 = await dhcpLease(c1);
    expect(inRange(ip1, 100, 150)).toBe(true);
    expect(await dhcpLease(c2)).toBe('10.66.0.42');
  });

  it('novanet leases and the vmnet.leases handler list both, the reservation marked', async () => {
    const r = cli.run(['leases', '--netns', srv, '--json']);
    expect(r.code).toBe(0);
    const out = vmnetLeasesResultSchema.parse(JSON.parse(r.stdout));
    const byMac = new Map<string, Lease>(out.leases.map((l) => [l.mac, l]));
    expect(byMac.get(RESERVED_MAC)).toMatchObject({
      source: 'dnsmasq',
      network: 'lan',
      interface: BR,
      ip: '10.66.0.42',
      hostname: 'c2',
      reserved: true,
    });
    expect(byMac.get('02:00:00:00:00:11')).toMatchObject({ source: 'dnsmasq', network: 'lan', reserved: false });
    expect(inRange(byMac.get('02:00:00:00:00:11')?.ip, 100, 150)).toBe(true);
    expect(out.errors).toEqual([]);
    const viaIpc = await createVmnetHandlers({})['vmnet.leases']({ target: { netns: srv } });
    expect(viaIpc).toEqual(out);
    const table = cli.run(['leases', '--netns', srv]);
    expect(table.stdout).toMatch(/lan\s+dnsmasq\s+nntbbrd\s+10\.66\.0\.42\s+02:00:00:00:00:42\s+c2\s+\S+\s+yes/);
  });

  it('an unprivileged user reads the same leases (lease files 0644 under a run directory it may pass through)', () => {
    // The bundled CLI, copied where the user may read it; run as nobody, in no namespace (the leases are files).
    const pub = mkdtempSync(join(tmpdir(), 'nntb-pub-'));
    try {
      chmodSync(pub, 0o755);
      copyFileSync(join(cli.dir, 'novanet.mjs'), join(pub, 'novanet.mjs'));
      chmodSync(join(pub, 'novanet.mjs'), 0o644);
      const r = spawnSync(
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          join(pub, 'novanet.mjs'),
          'leases',
          '--netns',
          srv,
          '--json',
        ],
        {
          encoding: 'utf8',
          env: { PATH: '/usr/bin:/bin', NOVANET_CONFIG_DIR: join(pub, 'config') },
        },
      );
      expect(r.status, r.stderr).toBe(0);
      const out = vmnetLeasesResultSchema.parse(JSON.parse(r.stdout));
      expect(out.errors).toEqual([]);
      expect(out.leases.map((l) => l.mac).sort()).toEqual(['02:00:00:00:00:11', RESERVED_MAC]);
    } finally {
      rmSync(pub, { recursive: true, force: true });
    }
  });

  it('bad input changes nothing: exit 2, the field named', () => {
    const outside = cli.run([
      'apply',
      '-f',
      specFile('bad1', spec(['10.67.0.100', '10.67.0.150'])),
      '--netns',
      srv,
      '--yes',
    ]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/dhcp\[0\]\.ranges\[0\]/);
    const badHost = spec(['10.66.0.100', '10.66.0.150']);
    (badHost.dhcp as { hosts: { name: string }[] }[])[0]!.hosts[0]!.name = 'c2,evil';
    const comma = cli.run(['apply', '-f', specFile('bad2', badHost), '--netns', srv, '--yes']);
    expect(comma.code).toBe(2);
    expect(comma.stderr).toMatch(/dhcp\[0\]\.hosts\[0\]\.name: contains a comma/);
    expect(pidNow()).toBe(firstPid);
    expect(alive(firstPid)).toBe(true);
  });

  it('a changed range restarts dnsmasq; the client moves into the new range', async () => {
    const r = cli.run(['apply', '-f', specFile('v2', spec(['10.66.0.160', '10.66.0.170'])), '--netns', srv, '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Restart DHCP server lan on nntbbrd with its new settings/);
    expect(r.stdout.match(/^\s+\d+\. /gm)).toHaveLength(1);
    const pid = pidNow();
    expect(pid).not.toBe(firstPid);
    expect(alive(firstPid)).toBe(false);
    expect(alive(pid)).toBe(true);
    expect(inRange(await dhcpLease(c1), 160, 170)).toBe(true);
    expect(await dhcpLease(c2)).toBe('10.66.0.42');
  });

  it('a restart that fails (dnsmasq cannot start) brings the previous server back: the failed step changes nothing', async () => {
    const conf = readFileSync(files().conf, 'utf8');
    const current = parseSpec(spec(['10.66.0.160', '10.66.0.170'])).spec!.dhcp[0]!;
    // An interface that does not exist passes `dnsmasq --test` (syntax only) and fails the start itself.
    const op: Operation = { op: 'dhcp.start', owner: SPEC, dhcp: { ...current, interface: 'nntbnope' } };
    const plan: Plan = {
      apiVersion: 'novanet/v1',
      spec: SPEC,
      target: { netns: srv },
      warnings: [],
      steps: [
        {
          index: 0,
          op,
          inverse: [{ op: 'dhcp.start', owner: SPEC, dhcp: current }],
          description: 'bad restart',
          object: 'dhcp lan',
          argv: [],
        },
      ],
    };
    const r = await runHelper(applyRequest(plan), { stateDir: sb!.stateDir });
    expect(r.code, JSON.stringify(r.events)).toBe(HELPER_EXIT.failedRolledBack);
    expect(r.events.find((e) => e.type === 'step' && e.status === 'failed')).toMatchObject({
      message: expect.stringMatching(/did not start: .*nntbnope/),
    });
    expect(readFileSync(files().conf, 'utf8')).toBe(conf);
    expect(alive(pidNow())).toBe(true);
    expect(await dhcpLease(c2)).toBe('10.66.0.42');
  });

  it('a change not confirmed in time rolls back: dnsmasq runs again from the previous config', async () => {
    const r = cli.run([
      'apply',
      '-f',
      specFile('v3', spec(['10.66.0.180', '10.66.0.190'])),
      '--netns',
      srv,
      '--confirm-timeout',
      '1',
    ]);
    expect(r.code, r.stderr).toBe(4);
    expect(readFileSync(files().conf, 'utf8')).toMatch(/^dhcp-range=10\.66\.0\.160,10\.66\.0\.170,1h$/m);
    expect(alive(pidNow())).toBe(true);
    expect(await replanSteps({ netns: srv }, parseSpec(spec(['10.66.0.160', '10.66.0.170'])).spec!)).toEqual([]);
  });

  it('removing the section and the switch stops dnsmasq and leaves nothing', async () => {
    const pid = pidNow();
    const r = cli.run(['apply', '-f', specFile('gone', spec(null)), '--netns', srv, '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Stop DHCP server lan on nntbbrd/);
    expect(alive(pid)).toBe(false);
    expect(existsSync(scopeDir(srv))).toBe(false);
    const links = (await run(['ip', '-n', srv, '-o', 'link', 'show'])).stdout;
    expect(links).not.toMatch(BR);
    expect(JSON.parse(cli.run(['leases', '--netns', srv, '--json']).stdout)).toEqual({ leases: [], errors: [] });
  });
});
