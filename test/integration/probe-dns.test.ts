/**
 * The trial's DNS probe with real tools: a client namespace whose resolv.conf (/etc/netns/<ns>/resolv.conf) names a
 * dnsmasq in a server namespace, reached over a veth. A spec that enslaves the client's veth to a new bridge cuts
 * the route to the DNS server: `novanet apply` (real helper as root) rolls back at once, long before the confirm
 * timeout, with exit code 4 and a reason naming the DNS probe. A probe that fails before the change is not used.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { run } from '../../electron/services/runner';
import { applyPlan } from '../../electron/services/apply';
import { main } from '../../electron/cli/index';
import { APPLY_EXIT } from '../../electron/cli/spec-commands';
import { Sandbox, endPid, helperBinary, planSpec, sh } from '../support/apply-harness';
import { skipSuite } from '../support/requirements';

const skip = skipSuite('DNS connectivity probe (real helper, dnsmasq)', {
  root: true,
  tools: ['ip', 'dnsmasq', 'ping'],
  files: [{ path: '/usr/bin/getent', pkg: 'libc-bin' }],
});
const NAME = 'probe.test';
const SERVER_IP = '10.99.0.1';

describe.skipIf(skip)('DNS probe during the trial', () => {
  let sb: Sandbox;
  let client: string;
  let server: string;
  let dnsmasq: ChildProcess | undefined;
  let netnsDir: string | undefined;
  let createdEtcNetns = false;
  let configDir: string;
  const saved = [
    'NOVANET_HELPER_COMMAND',
    'NOVANET_HELPER_STATE_DIR',
    'NOVANET_CONFIG_DIR',
    'NOVANET_DNS_PROBE_NAME',
  ].map((k) => [k, process.env[k]] as const);

  const resolves = async (name = NAME): Promise<boolean> => {
    const r = await run(['ip', 'netns', 'exec', client, 'getent', 'ahosts', name], {
      timeoutMs: 5000,
      okExitCodes: [1, 2],
    });
    return r.exitCode === 0;
  };
  const masterOf = async (dev: string): Promise<string | undefined> =>
    (JSON.parse(await sh(['ip', '-n', client, '-j', 'link', 'show', 'dev', dev])) as { master?: string }[])[0]?.master;
  /**
   * A new bridge; br-cut takes the client's veth, the only way to the DNS server, as a port. STP keeps a new port
   * listening, then learning, for forwardDelay seconds each, and a bridge port drops what it receives meanwhile:
   * the route to the DNS server is cut for a minute, however the kernel would deliver the answers afterwards.
   */
  const specDoc = (name: string, bridge: string) => ({
    apiVersion: 'novanet/v1',
    kind: 'HostNetwork',
    metadata: { name },
    switches: [
      bridge === 'br-cut'
        ? { name: bridge, stp: { enabled: true, forwardDelay: 30 }, ports: [{ name: 'c0' }] }
        : { name: bridge },
    ],
  });
  const specFile = (name: string, bridge: string): string => {
    const file = join(sb.dir, `${name}.yaml`);
    writeFileSync(file, stringify(specDoc(name, bridge)));
    return file;
  };

  beforeAll(async () => {
    sb = new Sandbox('ntte');
    const names = await sb.addNamespaces('dc', 'ds');
    client = names[0]!;
    server = names[1]!;
    await sb.ip(client, [
      `link add c0 type veth peer name s0 netns ${server}`,
      'addr add 10.99.0.2/24 dev c0',
      'link set c0 up',
    ]);
    await sb.ip(server, [`addr add ${SERVER_IP}/24 dev s0`, 'link set s0 up']);
    // `ip netns exec` shows this file as the namespace's /etc/resolv.conf; one try of one second keeps failures quick.
    netnsDir = join('/etc/netns', client);
    createdEtcNetns = !existsSync('/etc/netns');
    mkdirSync(netnsDir, { recursive: true });
    writeFileSync(join(netnsDir, 'resolv.conf'), `nameserver ${SERVER_IP}\noptions timeout:1 attempts:1\n`);
    // `ip netns exec` execs dnsmasq in place, so this PID is dnsmasq's own.
    dnsmasq = spawn(
      'ip',
      [
        'netns',
        'exec',
        server!,
        'dnsmasq',
        '--no-daemon',
        '--port=53',
        `--listen-address=${SERVER_IP}`,
        '--bind-interfaces',
        '--no-resolv',
        '--no-hosts',
        '--conf-file=/dev/null',
        '--pid-file=',
        `--address=/${NAME}/10.0.0.1`,
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 50 && !(await resolves()); i++) await new Promise((r) => setTimeout(r, 100));
    configDir = mkdtempSync(join(tmpdir(), 'ntte-config-'));
    process.env.NOVANET_HELPER_COMMAND = JSON.stringify([process.execPath, await helperBinary()]);
    process.env.NOVANET_HELPER_STATE_DIR = sb.stateDir;
    process.env.NOVANET_CONFIG_DIR = configDir;
    process.env.NOVANET_DNS_PROBE_NAME = NAME;
  }, 60_000);

  afterAll(async () => {
    if (dnsmasq?.pid) await endPid(dnsmasq.pid);
    if (netnsDir) rmSync(netnsDir, { recursive: true, force: true });
    if (createdEtcNetns) rmdirSync('/etc/netns');
    await sb?.destroy();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('resolves through the namespace resolver before any change', async () => {
    expect(await resolves()).toBe(true);
  });

  it('chooses the DNS probe when it passes before, and keeps a change that leaves DNS working', async () => {
    const { plan, spec } = await planSpec({ netns: client }, specDoc('dnsok', 'br-ok'));
    const out = await applyPlan(plan, spec, { trialSeconds: 3, decide: async () => true });
    expect(out.result).toBe('committed');
    expect(out.events).toContainEqual({
      type: 'probe',
      label: `DNS lookup of ${NAME} via ${SERVER_IP}`,
      ok: true,
      phase: 'before',
    });
    expect(await resolves()).toBe(true);
  }, 60_000);

  it('rolls back at once, exit code 4, when a change cuts the route to the DNS server', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const t0 = Date.now();
    let code: number;
    let printed: string;
    try {
      code = await main(['apply', '-f', specFile('dnscut', 'br-cut'), '--netns', client, '--confirm-timeout', '60']);
      printed = write.mock.calls.map((c) => String(c[0])).join('');
    } finally {
      write.mockRestore();
      err.mockRestore();
    }
    const seconds = (Date.now() - t0) / 1000;
    expect(code).toBe(APPLY_EXIT['rolled-back']);
    expect(printed).toContain(`connectivity probe failed: DNS lookup of ${NAME} via ${SERVER_IP}`);
    // The probe decided, not the 60 s confirm timeout.
    expect(seconds).toBeLessThan(20);
    expect(await masterOf('c0')).toBeUndefined();
    expect(await resolves()).toBe(true);
    expect(sb.journals()).toEqual([]);
  }, 90_000);

  it('does not use a DNS probe that fails before the change', async () => {
    process.env.NOVANET_DNS_PROBE_NAME = 'missing.test';
    try {
      const { plan, spec } = await planSpec({ netns: client }, specDoc('dnsnx', 'br-cut'));
      const out = await applyPlan(plan, spec, { trialSeconds: 3, decide: async () => true });
      expect(out.events).toContainEqual({
        type: 'probe',
        label: `DNS lookup of missing.test via ${SERVER_IP}`,
        ok: false,
        phase: 'before',
      });
      expect(out.result).toBe('committed');
      expect(await masterOf('c0')).toBe('br-cut');
    } finally {
      process.env.NOVANET_DNS_PROBE_NAME = NAME;
    }
  }, 60_000);
});
