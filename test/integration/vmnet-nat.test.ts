/**
 * NAT and port forwards through `novanet apply -f SPEC --yes` on a router namespace: a LAN namespace behind a
 * NovaNet switch reaches an "upstream" namespace through masquerade (the upstream's TCP server sees the router's
 * address, not the client's); a port forward on the router answers from a TCP server inside the LAN; IP forwarding
 * is turned on only for this and put back (off) when the NAT goes; removing the section leaves no table
 * `inet novanet`; a foreign nft table in the same namespace is never touched; bad input changes nothing (exit 2,
 * field named).
 *
 * Namespaces are `nntb-<pid>-*`; the TCP servers are started here and ended by PID in afterAll, also on failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { NetworkSpecInput } from '../../shared/spec/schema';
import { scopeDir } from '../../shared/plan/operations-vmnet';
import { parseSpec } from '../../shared/spec/validate';
import { run } from '../../electron/services/runner';
import { applyRequest, endPid, planSpec, replanSteps, runHelper, Sandbox, snapshot } from '../support/apply-harness';
import { HELPER_EXIT } from '../../shared/plan/helper-protocol';
import { CliRunner } from '../support/cli-run';
import { skipSuite } from '../support/requirements';

const skip = skipSuite('NAT and port forwards through apply (integration)', {
  root: true,
  tools: ['ip', 'nft', 'dnsmasq'],
  files: [{ path: '/usr/sbin/sysctl', pkg: 'procps' }],
});

const SPEC = 'nntb-nat';
const BR = 'nntbbrn';
const sb = skip ? undefined : new Sandbox('nntb');
const cli = new CliRunner();
const dir = mkdtempSync(join(tmpdir(), 'nntb-nat-'));
const servers: ChildProcess[] = [];
let rtr = '';
let lan = '';
let up = '';

type Nat = NonNullable<NetworkSpecInput['nat']>[number];
const nat = (over: Partial<Nat> = {}): Nat => ({
  name: 'lan-out',
  sources: ['10.68.0.0/24'],
  outInterface: 'up0',
  portForwards: [{ protocol: 'tcp', port: 8080, to: '10.68.0.10:8000' }],
  ...over,
});
const spec = (n: Nat | null): NetworkSpecInput => ({
  apiVersion: 'novanet/v1',
  kind: 'HostNetwork',
  metadata: { name: SPEC },
  switches: [{ name: BR, type: 'linux', addresses: ['10.68.0.1/24'], uplinks: ['lp0'] }],
  ...(n ? { nat: [n] } : {}),
});
const specFile = (name: string, s: NetworkSpecInput) => {
  const p = join(dir, `${name}.yaml`);
  writeFileSync(p, stringify(s));
  return p;
};

const inNs = async (ns: string, argv: string[]) =>
  (await run(['ip', 'netns', 'exec', ns, ...argv], { timeoutMs: 15_000 })).stdout;
const forwarding = async () => (await inNs(rtr, ['sysctl', '-n', 'net.ipv4.ip_forward'])).trim();
const tables = async () => (await inNs(rtr, ['nft', 'list', 'tables'])).trim().split('\n').sort();
const FOREIGN = 'table ip nntbforeign';
const foreign = () => inNs(rtr, ['nft', 'list', 'table', 'ip', 'nntbforeign']);

/** Processes whose command line names this namespace's run directory (a dnsmasq the helper started). */
const ourProcesses = () =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(scopeDir(rtr));
      } catch {
        return false;
      }
    });

/** A TCP server in `ns` that answers each connection with `tag` and the peer's address, then closes it. */
async function tcpServer(ns: string, host: string, port: number, tag: string): Promise<void> {
  const code = `require('net').createServer((s) => s.end('${tag} ' + s.remoteAddress.replace(/^::ffff:/, ''))).listen(${port}, '${host}', () => console.log('ready'));`;
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  servers.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`TCP server in ${ns} ended (${c})`)));
  });
}

/** Connects from `ns` and returns what the server said (empty when nothing answered within 3 s). */
async function tcpAsk(ns: string, host: string, port: number): Promise<string> {
  const code = `const s = require('net').connect(${port}, '${host}'); let d = ''; s.on('data', (x) => (d += x)); s.on('end', () => { process.stdout.write(d); process.exit(0); }); s.on('error', () => process.exit(0)); setTimeout(() => process.exit(0), 3000);`;
  return (await run(['ip', 'netns', 'exec', ns, process.execPath, '-e', code], { timeoutMs: 10_000 })).stdout.trim();
}

beforeAll(async () => {
  if (!sb) return;
  await cli.build();
  [rtr = '', lan = '', up = ''] = await sb.addNamespaces('rtr', 'lan', 'up');
  await sb.ip(rtr, [
    `link add lp0 type veth peer name eth0 netns ${lan}`,
    `link add up0 type veth peer name eth0 netns ${up}`,
    'addr add 198.51.100.1/24 dev up0',
    'link set up0 up',
  ]);
  await sb.ip(lan, ['addr add 10.68.0.10/24 dev eth0', 'link set eth0 up', 'route add default via 10.68.0.1']);
  await sb.ip(up, ['addr add 198.51.100.2/24 dev eth0', 'link set eth0 up']);
  // A new namespace copies the host's forwarding; start from off so turning it on and back is visible.
  await inNs(rtr, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=0']);
  // Someone else's table (as libvirt's or firewalld's would be), on the same forward hook.
  await run(['ip', 'netns', 'exec', rtr, 'nft', '-f', '-'], {
    input:
      'table ip nntbforeign {\n  chain fw {\n    type filter hook forward priority 10; policy accept;\n    ip saddr 192.0.2.1 drop\n  }\n}\n',
  });
  await tcpServer(up, '198.51.100.2', 9000, 'upstream');
  await tcpServer(lan, '10.68.0.10', 8000, 'inner');
}, 120_000);

afterAll(async () => {
  for (const s of servers) if (s.pid) await endPid(s.pid);
  if (sb) {
    rmSync(scopeDir(rtr), { recursive: true, force: true });
    await sb.destroy();
  }
  cli.remove();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(skip)('NAT and port forwards (nftables) through novanet apply', () => {
  let foreignBefore = '';

  it('before: the client cannot reach upstream (no forwarding, no NAT)', async () => {
    foreignBefore = await foreign();
    expect(await forwarding()).toBe('0');
    expect(await tcpAsk(lan, '198.51.100.2', 9000)).toBe('');
  });

  it('applies masquerade and a port forward: table inet novanet loaded, forwarding on, re-planning empty', async () => {
    const r = cli.run(['apply', '-f', specFile('v1', spec(nat())), '--netns', rtr, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /Load NAT table inet novanet: masquerade 10\.68\.0\.0\/24 out of up0; forward tcp\/8080 on up0 to 10\.68\.0\.10:8000/,
    );
    expect(r.stdout).toMatch(/Turn on IPv4 forwarding/);
    expect(await tables()).toEqual(['table inet novanet', FOREIGN]);
    expect(await forwarding()).toBe('1');
    expect(await foreign()).toBe(foreignBefore);
    expect(await replanSteps({ netns: rtr }, parseSpec(spec(nat())).spec!)).toEqual([]);
  });

  it('the client reaches upstream through masquerade: upstream sees the router address', async () => {
    expect(await tcpAsk(lan, '198.51.100.2', 9000)).toBe('upstream 198.51.100.1');
  });

  it('the port forward answers from the server inside the LAN', async () => {
    expect(await tcpAsk(up, '198.51.100.1', 8080)).toBe('inner 198.51.100.2');
  });

  it('bad input changes nothing: exit 2, the field named', async () => {
    const rules = await inNs(rtr, ['nft', 'list', 'table', 'inet', 'novanet']);
    const port = cli.run([
      'apply',
      '-f',
      specFile('bad1', spec(nat({ portForwards: [{ protocol: 'tcp', port: 70000, to: '10.68.0.10:8000' }] }))),
      '--netns',
      rtr,
      '--yes',
    ]);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/nat\[0\]\.portForwards\[0\]\.port/);
    const nowhere = cli.run([
      'apply',
      '-f',
      specFile('bad2', spec(nat({ portForwards: [{ protocol: 'tcp', port: 8080, to: '203.0.113.9:80' }] }))),
      '--netns',
      rtr,
      '--yes',
    ]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/nat\[0\]\.portForwards\[0\]\.to: 203\.0\.113\.9 is in no subnet NovaNet manages/);
    expect(await inNs(rtr, ['nft', 'list', 'table', 'inet', 'novanet'])).toBe(rules);
    expect(await forwarding()).toBe('1');
  });

  it('a changed forward reloads the table alone; the old port no longer answers', async () => {
    const r = cli.run([
      'apply',
      '-f',
      specFile('v2', spec(nat({ portForwards: [{ protocol: 'tcp', port: 8081, to: '10.68.0.10:8000' }] }))),
      '--netns',
      rtr,
      '--yes',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/^\s+\d+\. /gm)).toHaveLength(1);
    expect(await tcpAsk(up, '198.51.100.1', 8081)).toBe('inner 198.51.100.2');
    expect(await tcpAsk(up, '198.51.100.1', 8080)).toBe('');
    expect(await foreign()).toBe(foreignBefore);
  });

  it('a change not confirmed in time rolls back to the previous table', async () => {
    const rules = await inNs(rtr, ['nft', 'list', 'table', 'inet', 'novanet']);
    const r = cli.run([
      'apply',
      '-f',
      specFile('v3', spec(nat({ sources: ['10.68.0.0/25'], portForwards: [] }))),
      '--netns',
      rtr,
      '--confirm-timeout',
      '1',
    ]);
    expect(r.code, r.stderr).toBe(4);
    expect(await inNs(rtr, ['nft', 'list', 'table', 'inet', 'novanet'])).toBe(rules);
    expect(await tcpAsk(up, '198.51.100.1', 8081)).toBe('inner 198.51.100.2');
  });

  it('removing the section leaves no table inet novanet, forwarding as it was, the foreign table untouched', async () => {
    const r = cli.run(['apply', '-f', specFile('gone', spec(null)), '--netns', rtr, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Remove NAT table inet novanet/);
    expect(r.stdout).toMatch(/Put IPv4 forwarding back off/);
    expect(await tables()).toEqual([FOREIGN]);
    expect(await forwarding()).toBe('0');
    expect(await foreign()).toBe(foreignBefore);
    expect(existsSync(scopeDir(rtr))).toBe(false);
    expect(await tcpAsk(lan, '198.51.100.2', 9000)).toBe('');
    expect(await replanSteps({ netns: rtr }, parseSpec(spec(null)).spec!)).toEqual([]);
  });

  it('a first NAT not confirmed in time rolls back to no table and forwarding off', async () => {
    const r = cli.run(['apply', '-f', specFile('v4', spec(nat())), '--netns', rtr, '--confirm-timeout', '1']);
    expect(r.code, r.stderr).toBe(4);
    expect(await tables()).toEqual([FOREIGN]);
    expect(await forwarding()).toBe('0');
    expect(existsSync(scopeDir(rtr))).toBe(false);
  });

  it('a fault at every step k of a DHCP + NAT plan leaves the namespace exactly as before (table, forwarding, dnsmasq)', async () => {
    const target = { netns: rtr };
    const before = await snapshot(target);
    const dhcp = [{ name: 'lan', interface: BR, ranges: [{ start: '10.68.0.100', end: '10.68.0.150' }] }];
    const { plan } = await planSpec(target, { ...spec(nat()), dhcp });
    expect(plan.steps.map((x) => x.op.op).slice(-3)).toEqual(['dhcp.start', 'nft.table.load', 'sysctl.forward']);
    for (let k = 0; k < plan.steps.length; k++) {
      const r = await runHelper(applyRequest(plan), { stateDir: sb!.stateDir, faultAt: k });
      const tag = `fault at step ${k} (${plan.steps[k]!.description}): ${JSON.stringify(r.events.filter((e) => e.type !== 'step'))}`;
      expect(r.code, tag).toBe(HELPER_EXIT.failedRolledBack);
      expect(
        r.events.find((e) => e.type === 'rolledback'),
        tag,
      ).toMatchObject({ clean: true });
      expect(await snapshot(target), tag).toEqual(before);
      expect(await tables(), tag).toEqual([FOREIGN]);
      expect(await forwarding(), tag).toBe('0');
      expect(existsSync(scopeDir(rtr)), tag).toBe(false);
      expect(ourProcesses(), tag).toEqual([]);
      expect(sb!.journals(), tag).toEqual([]);
    }
  }, 120_000);
});
