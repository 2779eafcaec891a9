/**
 * The privileged helper's input validation, against the real helper (built from helpers/novanet-helper.ts) run as
 * root with a JSON request on stdin: anything outside the schema - an operation outside the allowlist, an argument
 * shaped like an option, a name with whitespace or a newline, extra keys, an unchecked target - is refused with
 * exit code 2 and an `error` event naming the field, and nothing runs: no journal, no command, and a valid step
 * placed before the bad one has not touched the sandbox namespace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { HELPER_EXIT } from '../../../shared/plan/helper-protocol';
import { helperBinary, runHelper, sh, Sandbox, type HelperResult } from '../../support/apply-harness';
import { skipSuite } from '../../support/requirements';

const skip = skipSuite('helper input validation (real helper as root)', { root: true, tools: ['ip'] });

type Json = Record<string, unknown>;
const step = (op: Json, extra: Json = {}, index = 0): Json => ({ index, op, inverse: [], description: 'test', object: 'test', argv: ['ip', 'link'], ...extra });

describe.skipIf(skip)('helper input validation', () => {
  let sb: Sandbox;
  let ns: string;
  /** A valid first step: creating this bridge would show that something ran. */
  let canary: Json;
  const plan = (steps: Json[], extra: Json = {}): Json => ({ apiVersion: 'novanet/v1', spec: 'ws', target: { netns: ns }, steps, warnings: [], ...extra });
  const apply = (p: Json, extra: Json = {}): Json => ({ verb: 'apply', plan: p, trialSeconds: 0, probes: [], ...extra });

  beforeAll(async () => {
    await helperBinary();
    sb = new Sandbox('nnhp');
    [ns] = (await sb.addNamespaces('a')) as [string];
    canary = step({ op: 'link.add.bridge', name: 'nncanary' });
  });
  afterAll(async () => {
    await sb?.destroy();
  });

  async function refused(request: unknown, field: string | RegExp): Promise<HelperResult> {
    const r = await runHelper(request, { stateDir: sb.stateDir });
    expect(r.code, JSON.stringify(r.events)).toBe(HELPER_EXIT.invalid);
    const errors = r.events.filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    const message = (errors[0] as { message: string }).message;
    if (typeof field === 'string') expect(message.startsWith(`request.${field}:`), message).toBe(true);
    else expect(message).toMatch(field);
    // Nothing ran: no other event at all, no journal written, the canary bridge absent.
    expect(r.events.map((e) => e.type)).toEqual(['error']);
    expect(sb.journals()).toEqual([]);
    const links = JSON.parse(await sh(['ip', '-n', ns, '-j', 'link', 'show'])) as { ifname: string }[];
    expect(links.map((l) => l.ifname)).not.toContain('nncanary');
    return r;
  }

  it('an operation outside the allowlist, as a step or as an inverse', async () => {
    await refused(apply(plan([canary, step({ op: 'shell.exec', cmd: 'touch /tmp/nn-pwned' }, {}, 1)])), /^request\.plan\.steps\.1\.op\.op: Invalid discriminator value/);
    await refused(apply(plan([canary, step({ op: 'link.del', name: 'x' }, { inverse: [{ op: 'shell.exec', cmd: 'id' }] }, 1)])), /^request\.plan\.steps\.1\.inverse\.0\.op: /);
    await refused(apply(plan([step({ op: 'ovs.vsctl', args: ['emer-reset'] })])), /^request\.plan\.steps\.0\.op\.op: /);
    expect(existsSync('/tmp/nn-pwned')).toBe(false);
  });

  it('arguments shaped like options', async () => {
    await refused(apply(plan([canary, step({ op: 'link.add.bridge', name: '-x' }, {}, 1)])), 'plan.steps.1.op.name');
    await refused(apply(plan([canary, step({ op: 'link.set.master', name: 'eth0', master: '--force' }, {}, 1)])), 'plan.steps.1.op.master');
    await refused(apply(plan([step({ op: 'addr.add', dev: '-n', cidr: '10.0.0.1/24' })])), 'plan.steps.0.op.dev');
    await refused(apply(plan([step({ op: 'addr.add', dev: 'br0', cidr: '-1' })])), 'plan.steps.0.op.cidr');
    await refused(apply(plan([step({ op: 'ovs.br.set', name: 'br0', controller: '--help' })])), 'plan.steps.0.op.controller');
    await refused(apply(plan([step({ op: 'ovs.br.add', name: 'br0', datapath: 'netdev', owner: '--x' })])), 'plan.steps.0.op.owner');
    await refused(apply(plan([step({ op: 'ovs.port.add', bridge: '--db=unix:/x', name: 'p0', owner: 'ws' })])), 'plan.steps.0.op.bridge');
    await refused(apply(plan([]), { probes: [{ kind: 'ping', address: '-f', label: 'flood' }] }), 'probes.0.address');
  });

  it('every bad name of the issue list, in the op name', async () => {
    for (const name of ['', 'a'.repeat(16), '.', '..', 'a/b', 'a b', '-x', 'br0\nlink del lo', 'a:b', 'a\tb']) {
      await refused(apply(plan([canary, step({ op: 'link.del', name }, {}, 1)])), 'plan.steps.1.op.name');
    }
  });

  it('values that would split a batch line or an ovs-vsctl transaction', async () => {
    await refused(apply(plan([step({ op: 'link.set.alias', name: 'br0', alias: 'novanet:ws\nlink del lo' })])), 'plan.steps.0.op.alias');
    await refused(apply(plan([step({ op: 'ovs.br.add', name: 'br0', datapath: 'netdev', owner: 'ws -- del-br ovsbr0' })])), 'plan.steps.0.op.owner');
    await refused(apply(plan([step({ op: 'ovs.br.set', name: 'br0', controller: 'tcp:1.2.3.4:6653 -- emer-reset' })])), 'plan.steps.0.op.controller');
    await refused(apply(plan([step({ op: 'link.add.vxlan', name: 'vx0', vni: 1, dstPort: 4789, remote: '192.0.2.1 dev lo' })])), 'plan.steps.0.op.remote');
  });

  it('extra keys anywhere', async () => {
    await refused(apply(plan([canary]), { sudo: true }), /^request\.: Unrecognized key: "sudo"/);
    await refused(apply(plan([canary], { shell: 'x' })), /^request\.plan: Unrecognized key: "shell"/);
    await refused(apply(plan([step({ op: 'link.del', name: 'br0' }, { run: 'rm' })])), /^request\.plan\.steps\.0: Unrecognized key: "run"/);
    await refused(apply(plan([step({ op: 'link.del', name: 'br0', force: true })])), /^request\.plan\.steps\.0\.op: Unrecognized key: "force"/);
    await refused(apply(plan([canary], { target: { netns: ns, extra: 1 } })), /^request\.plan\.target: Unrecognized key: "extra"/);
  });

  it('an unchecked target: a namespace path that escapes /run/netns, an option, an ovsDb with spaces', async () => {
    // Before 2440d99 the first of these ran its batch in the host's own namespace.
    await refused(apply(plan([step({ op: 'link.del', name: 'nnhp-nothing' })], { target: { netns: '../../proc/1/ns/net' } })), 'plan.target.netns');
    await refused(apply(plan([step({ op: 'link.del', name: 'nnhp-nothing' })], { target: { netns: '-x' } })), 'plan.target.netns');
    await refused(apply(plan([step({ op: 'ovs.br.del', name: 'br0' })], { target: { ovsDb: 'tcp:1.2.3.4:6640 --x' } })), 'plan.target.ovsDb');
  });

  it('wrong types and values: trial seconds, VLAN ids, VNI, MTU, verbs, non-JSON', async () => {
    await refused(apply(plan([canary]), { trialSeconds: -1 }), 'trialSeconds');
    await refused(apply(plan([canary]), { trialSeconds: '30' }), 'trialSeconds');
    await refused(apply(plan([step({ op: 'bridge.vlan.add', dev: 'p0', vid: 4095, pvid: true, untagged: true })])), 'plan.steps.0.op.vid');
    await refused(apply(plan([step({ op: 'bridge.vlan.add', dev: 'p0', vid: '1e3', pvid: true, untagged: true })])), 'plan.steps.0.op.vid');
    await refused(apply(plan([step({ op: 'link.add.vxlan', name: 'vx0', vni: 16_777_216, dstPort: 4789 })])), 'plan.steps.0.op.vni');
    await refused(apply(plan([step({ op: 'link.set.mtu', name: 'p0', mtu: 67 })])), 'plan.steps.0.op.mtu');
    await refused(apply(plan([canary], { apiVersion: 'novanet/v2' })), 'plan.apiVersion');
    await refused({ verb: 'shell', cmd: 'id' }, 'verb');
    await refused({ verb: 'recover', all: true }, /^request\.: Unrecognized key: "all"/);
    const bin = await helperBinary();
    for (const input of ['not json\n', '\n', '{"verb":"apply",\n']) {
      const r = spawnSync(process.execPath, [bin], { input, env: { PATH: '/usr/bin:/bin', NOVANET_HELPER_STATE_DIR: sb.stateDir }, encoding: 'utf8' });
      expect(r.status).toBe(HELPER_EXIT.invalid);
      expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; message: string })).toEqual([{ type: 'error', message: 'request: not a JSON line' }]);
    }
  });

  it('a valid request runs: the step argv is for display only, the helper maps the operation itself', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'nnhp-')), 'pwned');
    const p = plan([step({ op: 'link.add.bridge', name: 'nncanary' }, { inverse: [{ op: 'link.del', name: 'nncanary' }], argv: ['touch', marker] })]);
    const r = await runHelper(apply(p), { stateDir: sb.stateDir });
    expect(r.code, JSON.stringify(r.events)).toBe(HELPER_EXIT.committed);
    const cmd = r.events.find((e) => e.type === 'command') as { argv: string[] };
    expect(cmd.argv).toEqual(['/usr/sbin/ip', '-n', ns, '-batch', '-']);
    expect(existsSync(marker)).toBe(false);
    expect(await sh(['ip', '-n', ns, '-o', 'link', 'show', 'nncanary'])).toContain('nncanary');
    await sh(['ip', '-n', ns, 'link', 'del', 'nncanary']);
    expect(readdirSync(join(sb.stateDir, 'journal')).filter((f) => f.endsWith('.json'))).toEqual([]);
    rmSync(join(marker, '..'), { recursive: true, force: true });
  });

  it('refuses to run as a non-root user (exit 3), before reading the request', async () => {
    const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
    if (!setpriv) return void console.warn('setpriv (util-linux) not found: non-root check skipped');
    const bin = await helperBinary();
    const r = spawnSync(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin], { input: `${JSON.stringify(apply(plan([canary])))}\n`, encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    expect(r.status).toBe(HELPER_EXIT.notRoot);
    expect(JSON.parse(r.stdout.trim())).toEqual({ type: 'error', message: 'novanet-helper must run as root (through pkexec)' });
  });
});
