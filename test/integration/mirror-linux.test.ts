/**
 * Linux-bridge mirrors (tc mirred) applied for real through the helper: a bridge with two talking ports (a and b
 * ping each other from their own namespaces) and a third port whose peer namespace runs tcpdump. Per direction,
 * the monitor sees exactly the mirrored ICMP; removing the mirror leaves none of NovaNet's filters or qdiscs and
 * a foreign clsact filter untouched; a fault at every step rolls back exactly.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../electron/services/discovery/index';
import type { Target } from '../../shared/model/target';
import type { NetworkSpecInput } from '../../shared/spec/schema';
import { HELPER_EXIT } from '../../shared/plan/helper-protocol';
import { tcCookieFor } from '../../shared/plan/operations-tc';
import {
  applyRequest,
  pingFrom,
  planSpec,
  replanSteps,
  runHelper,
  Sandbox,
  sh,
  snapshot,
} from '../support/apply-harness';
import { skipSuite } from '../support/requirements';

const skip = skipSuite('mirrors on Linux bridges (integration)', {
  root: true,
  tools: ['ip', 'tc', 'ping', 'tcpdump'],
});

type Mirror = NonNullable<NetworkSpecInput['mirrors']>[number];
const specOf = (mirrors: Mirror[]): NetworkSpecInput => ({
  apiVersion: 'novanet/v1',
  kind: 'HostNetwork',
  metadata: { name: 'ws' },
  switches: [{ name: 'br-m', ports: [{ name: 'p1' }, { name: 'p2' }, { name: 'pm' }] }],
  mirrors,
});
const tap = (direction: Mirror['direction'], sources = ['p1']): Mirror => ({
  name: 'tap',
  switch: 'br-m',
  sources,
  direction,
  output: 'pm',
});

describe.skipIf(skip)('mirrors on Linux bridges: tc mirred to a monitor port', () => {
  let sb: Sandbox;
  let sw: string;
  let a: string;
  let b: string;
  let mon: string;
  let target: Target;

  async function converge(input: NetworkSpecInput) {
    const { plan, spec } = await planSpec(target, input);
    const r = await runHelper(applyRequest(plan), { stateDir: sb.stateDir });
    expect(r.code, r.stderr + JSON.stringify(r.events.filter((e) => e.type !== 'step'))).toBe(HELPER_EXIT.committed);
    expect(await replanSteps(target, spec)).toEqual([]);
    return plan;
  }
  /** Links, bridges and every tc filter on the bridge's ports, as discovery reads them. */
  const state = async () => ({ ...(await snapshot(target)), tc: (await discover(target, { resolvePeers: false })).tc });

  /** ICMP seen by tcpdump on the monitor's end while a pings b three times: "request 10.94.0.1" / "reply 10.94.0.2". */
  async function monitored(): Promise<string[]> {
    const dump = spawn('ip', ['netns', 'exec', mon, 'tcpdump', '-i', 'm0', '-n', '-l', '--immediate-mode', 'icmp'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    dump.stdout.on('data', (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      dump.stderr.on('data', (d) => String(d).includes('listening on') && resolve());
      dump.on('exit', (code) => reject(new Error(`tcpdump ended (${code})`)));
    });
    expect(await pingFrom(a, '10.94.0.2', 3, 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const ended = new Promise((r) => dump.once('close', r));
    dump.kill('SIGINT');
    await ended;
    return out
      .split('\n')
      .map((l) => / IP (\S+) > \S+: ICMP echo (request|reply)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[2]} ${m[1]}`);
  }

  beforeAll(async () => {
    sb = new Sandbox('nntd');
    [sw, a, b, mon] = (await sb.addNamespaces('sw', 'a', 'b', 'mon')) as [string, string, string, string];
    target = { netns: sw };
    await sb.ip(sw, [
      `link add p1 type veth peer name a0 netns ${a}`,
      `link add p2 type veth peer name b0 netns ${b}`,
      `link add pm type veth peer name m0 netns ${mon}`,
    ]);
    await sb.ip(a, ['addr add 10.94.0.1/24 dev a0', 'link set a0 up']);
    await sb.ip(b, ['addr add 10.94.0.2/24 dev b0', 'link set b0 up']);
    await sb.ip(mon, ['link set m0 up']);
    await converge(specOf([]));
    // A foreign filter on p2's clsact (not a mirror, outside NovaNet's priorities): it must outlive every change.
    await sh(['tc', '-n', sw, 'qdisc', 'add', 'dev', 'p2', 'clsact']);
    await sh([
      'tc',
      '-n',
      sw,
      'filter',
      'add',
      'dev',
      'p2',
      'egress',
      'pref',
      '10',
      'protocol',
      'ip',
      'u32',
      'match',
      'u32',
      '0',
      '0',
      'classid',
      '1:1',
    ]);
    // The bridge learns both MACs now, so later pings are not flooded to the monitor port by themselves.
    expect(await pingFrom(a, '10.94.0.2', 2, 2)).toBe(true);
  });
  afterAll(async () => {
    await sb?.destroy();
  });

  it('without a mirror the monitor port sees no ICMP between a and b', async () => {
    expect(await monitored()).toEqual([]);
  });

  it.each([
    ['ingress', ['request 10.94.0.1']],
    ['egress', ['reply 10.94.0.2']],
    ['both', ['request 10.94.0.1', 'reply 10.94.0.2']],
  ] as const)(
    'direction %s: the monitor sees what p1 sends (ingress) and/or receives (egress)',
    async (direction, kinds) => {
      const plan = await converge(specOf([tap(direction)]));
      console.log(`${direction}: ${plan.steps.map((s) => s.argv.join(' ')).join(' | ')}`);
      const seen = await monitored();
      expect(new Set(seen)).toEqual(new Set(kinds));
      for (const k of kinds) expect(seen.filter((s) => s === k)).toHaveLength(3);
      const filters = (await discover(target, { resolvePeers: false })).tc?.filters.filter(
        (f) => f.cookie === tcCookieFor('ws'),
      );
      expect(filters?.map((f) => `${f.dev} ${f.direction} ${f.mirredTo}`).sort()).toEqual(
        (direction === 'both' ? ['egress', 'ingress'] : [direction]).map((d) => `p1 ${d} pm`),
      );
    },
  );

  it('removing the mirror leaves no filter or qdisc of ours and the foreign filter untouched', async () => {
    await converge(specOf([tap('both', ['p1', 'p2'])]));
    await converge(specOf([]));
    const tc = (await discover(target, { resolvePeers: false })).tc;
    expect(tc).toEqual({ clsact: ['p2'], filters: [{ dev: 'p2', direction: 'egress', pref: 10, kind: 'u32' }] });
    expect(await monitored()).toEqual([]);
  });

  it('a fault at every step k, adding or removing mirrors, leaves the target exactly as before', async () => {
    for (const [from, to] of [
      [specOf([]), specOf([tap('both', ['p1', 'p2'])])],
      [specOf([tap('both', ['p1', 'p2'])]), specOf([tap('ingress', ['p2'])])],
    ] as const) {
      await converge(from);
      const before = await state();
      const { plan } = await planSpec(target, to);
      expect(plan.steps.length).toBeGreaterThan(0);
      for (let k = 0; k < plan.steps.length; k++) {
        const r = await runHelper(applyRequest(plan), { stateDir: sb.stateDir, faultAt: k });
        const tag = `fault at step ${k} (${plan.steps[k]!.description})`;
        expect(r.code, `${tag}: ${r.stderr}`).toBe(HELPER_EXIT.failedRolledBack);
        expect(
          r.events.find((e) => e.type === 'rolledback'),
          tag,
        ).toMatchObject({ clean: true });
        expect(await state(), tag).toEqual(before);
      }
    }
  });
});
