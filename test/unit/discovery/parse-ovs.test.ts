import { describe, expect, it } from 'vitest';
import { OVS_TABLES, ovsListArgs, parseOvs } from '../../../electron/services/discovery/parse-ovs';
import { OutputError } from '../../../electron/services/discovery/tool-output';
import { ovsBridgeSchema, type OvsBridge, type OvsPort } from '../../../shared/model/host-state';
import { fixture } from '../support/lab-state';

const lab = () => parseOvs(fixture('lab/ovs.json'));
const only = (bridges: OvsBridge[]): OvsBridge => {
  expect(bridges).toHaveLength(1);
  return bridges[0] as OvsBridge;
};
const port = (b: OvsBridge, name: string): OvsPort => {
  const p = b.ports.find((x) => x.name === name);
  if (!p) throw new Error(`no port ${name}`);
  return p;
};

describe('ovsListArgs', () => {
  it('lists the five tables in one transaction, separated by --', () => {
    const args = ovsListArgs();
    expect(args[0]).toBe('--format=json');
    expect(args.filter((a) => a === '--')).toHaveLength(4);
    expect(args.filter((a, i) => args[i - 1] === 'list')).toEqual(['Bridge', 'Port', 'Interface', 'Mirror', 'Controller']);
    expect(args).toContain(`--columns=${OVS_TABLES.Mirror.join(',')}`);
    // argv, never a command string: no element carries spaces or shell syntax.
    for (const a of args) expect(a).toMatch(/^[A-Za-z0-9_=,-]+$/);
  });

  it('matches the headings of the recorded transaction, table by table', () => {
    const lines = fixture('lab/ovs.json').trim().split('\n');
    const tables = Object.values(OVS_TABLES);
    expect(lines.map((l) => (JSON.parse(l) as { headings: string[] }).headings)).toEqual(tables.map((t) => [...t]));
  });
});

describe('parseOvs on the recorded lab', () => {
  it('reads ovsbr0 on the userspace datapath, with its controller, protocols and owner', () => {
    const b = only(lab());
    expect(ovsBridgeSchema.safeParse(b).success).toBe(true);
    expect(b).toMatchObject({
      id: 'ovs:ovsbr0',
      uuid: '2ecbdfa6-0f5a-4657-9aa8-56960d0e10c6',
      name: 'ovsbr0',
      datapathType: 'netdev',
      failMode: undefined,
      controllers: ['tcp:127.0.0.1:6653'],
      protocols: ['OpenFlow13'],
      externalIds: { 'novanet-owner': 'lab' },
    });
  });

  it('reads every port, sorted by name, with access tags and trunks', () => {
    const b = only(lab());
    expect(b.ports.map((p) => p.name)).toEqual(['enp4s0-trunk', 'ovs-gw', 'ovsbr0', 'vm4-eth0', 'vm5-eth0']);
    expect(port(b, 'vm4-eth0')).toMatchObject({ tag: 10, trunks: [] });
    expect(port(b, 'vm5-eth0')).toMatchObject({ tag: 20, trunks: [] });
    expect(port(b, 'enp4s0-trunk')).toMatchObject({ tag: undefined, trunks: [10, 20], vlanMode: undefined });
    expect(port(b, 'ovs-gw')).toMatchObject({ tag: undefined, trunks: [] });
  });

  it('resolves interfaces with type, ofport and MAC; an empty type means a system port', () => {
    const b = only(lab());
    expect(port(b, 'vm4-eth0').interfaces).toEqual([
      { name: 'vm4-eth0', type: 'system', ofport: 4, mac: '32:71:a1:67:fb:b1', error: undefined, options: {}, externalIds: {} },
    ]);
    expect(port(b, 'ovs-gw').interfaces[0]).toMatchObject({ type: 'internal', ofport: 1 });
    expect(port(b, 'ovsbr0').interfaces[0]).toMatchObject({ type: 'internal', ofport: 65534, mac: 'a6:df:cb:2e:57:46' });
    expect(port(b, 'enp4s0-trunk').interfaces[0]).toMatchObject({ type: 'internal', ofport: 3 });
  });

  it('reads mirror m0: source vm4-eth0, output enp4s0-trunk, by port name', () => {
    expect(only(lab()).mirrors).toEqual([
      {
        uuid: 'bb3ae887-459a-4dfe-8b55-3523f1296686',
        name: 'm0',
        selectAll: false,
        selectSrcPorts: ['vm4-eth0'],
        selectDstPorts: [],
        selectVlans: [],
        outputPort: 'enp4s0-trunk',
        outputVlan: undefined,
        externalIds: {},
      },
    ]);
  });

  it('does not depend on the order of rows inside a table', () => {
    const lines = fixture('lab/ovs.json').trim().split('\n').map((l) => JSON.parse(l) as { headings: string[]; data: unknown[] });
    const reversed = lines.map((t) => JSON.stringify({ ...t, data: [...t.data].reverse() })).join('\n');
    expect(parseOvs(reversed)).toEqual(lab());
  });
});

describe('parseOvs on a hand-written kernel-datapath transaction', () => {
  it('reads an empty datapath_type as the kernel (system) datapath, and vlan_mode', () => {
    const b = only(parseOvs(fixture('unit/ovs-kernel.json')));
    expect(b.datapathType).toBe('system');
    expect(b.controllers).toEqual([]);
    expect(b.protocols).toEqual([]);
    expect(b.mirrors).toEqual([]);
    expect(port(b, 'eth1')).toMatchObject({ trunks: [10, 20, 30], vlanMode: 'trunk' });
    expect(port(b, 'vm4-eth0')).toMatchObject({ tag: 10, vlanMode: 'access' });
  });

  it('reads a database with no bridges as none', () => {
    const empty = Object.values(OVS_TABLES)
      .map((h) => JSON.stringify({ data: [], headings: h }))
      .join('\n');
    expect(parseOvs(empty)).toEqual([]);
  });
});

describe('bad ovs-vsctl output', () => {
  const lines = fixture('lab/ovs.json').trim().split('\n');

  it('refuses output with a missing table line, naming ovs-vsctl', () => {
    const text = lines.slice(0, 4).join('\n');
    expect(() => parseOvs(text)).toThrow(OutputError);
    expect(() => parseOvs(text)).toThrow('ovs-vsctl returned 4 tables, expected 5');
    expect(() => parseOvs('')).toThrow('ovs-vsctl returned 0 tables, expected 5');
  });

  it.each([
    ['a table cut in half', 2, (l: string) => l.slice(0, Math.floor(l.length / 2)), /^ovs-vsctl list Interface returned output that is not JSON/],
    ['garbage', 0, () => 'ovs-vsctl: unix:/run/db.sock: database connection failed', /^ovs-vsctl list Bridge returned output that is not JSON/],
    ['rows that are not lists', 1, () => '{"headings":["_uuid"],"data":"none"}', /^ovs-vsctl list Port returned unexpected JSON at data/],
    ['missing headings', 4, () => '{"data":[]}', /^ovs-vsctl list Controller returned unexpected JSON at headings/],
  ])('refuses %s with an OutputError naming the tool and table', (_what, index, edit, message) => {
    const text = lines.map((l, i) => (i === index ? edit(l) : l)).join('\n');
    expect(() => parseOvs(text)).toThrow(OutputError);
    expect(() => parseOvs(text)).toThrow(message);
  });
});
