/**
 * The generated VM-network configuration against the real tools: the nft script checks and loads in a throwaway
 * namespace (and leaves a foreign table there untouched), the dnsmasq config passes `dnsmasq --test`, and the
 * libvirt XML of every mode is accepted by the real libvirtd and comes back from `net-dumpxml` as the same model;
 * domain interfaces and NovaNet's NIC metadata survive attach-device/update-device/metadata on a defined (never
 * started) domain. libvirt objects carry an `nntest-<pid>-` prefix and are removed in afterAll even on failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTool } from '../../electron/services/runner';
import { buildDnsmasqConf } from '../../shared/plan/dnsmasq-conf';
import {
  buildInterfaceXml,
  buildNicMetadata,
  interfaceXmlModel,
  parseDomainInterfaces,
  parseNicMetadata,
} from '../../shared/plan/libvirt-interface-xml';
import {
  buildDhcpHostXml,
  buildDhcpRangeXml,
  buildNetworkXml,
  networkXmlModel,
  parseNetworkXml,
  type NetworkXmlModel,
} from '../../shared/plan/libvirt-xml';
import { buildNftScript, natRulesModel, NFT_REMOVE_SCRIPT, parseNftTable } from '../../shared/plan/nft-ruleset';
import { NOVANET_XMLNS } from '../../shared/plan/xml-common';
import { switchSchema } from '../../shared/spec/schema';
import { vmNetworkSectionsSchema } from '../../shared/spec/vm-networks';
import { skipSuite } from '../support/requirements';

const URI = 'qemu:///system';
const PID = process.pid % 100000;
const P = `nntest-${PID}-`;
const skip = skipSuite('VM-network config with the real tools (integration)', {
  root: true,
  tools: ['ip', 'nft', 'dnsmasq', 'virsh', 'libvirtd'],
});

const tool = (name: string) => resolveTool(name) ?? name;
const exec = (name: string, args: string[], input?: string) =>
  execFileSync(tool(name), args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
const virsh = (...args: string[]) => exec('virsh', ['-c', URI, ...args]);
const quietly = (f: () => unknown) => {
  try {
    f();
  } catch {
    /* already gone */
  }
};

const dir = skip ? '' : mkdtempSync(join(tmpdir(), 'novanet-vmnet-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const switches = [
  switchSchema.parse({
    name: 'nnt-lan',
    addresses: ['10.77.0.1/24'],
    vlanFiltering: true,
    portGroups: [{ name: 'servers', vlan: 10 }, { name: 'plain' }],
  }),
  switchSchema.parse({
    name: 'nnt-ovs',
    type: 'ovs',
    portGroups: [
      { name: 'dmz', vlan: 30 },
      { name: 'tr', trunk: [10, '20-21'] },
    ],
  }),
];
const sections = vmNetworkSectionsSchema.parse({
  networks: [
    {
      name: `${P}nat`,
      mode: 'nat',
      bridge: `nn${PID}n`,
      description: `R&D <lab> "nat" 'x'`,
      ipv4: {
        address: '192.168.231.1/24',
        dhcp: {
          ranges: [
            { start: '192.168.231.100', end: '192.168.231.149', leaseTime: '1h' },
            { start: '192.168.231.150', end: '192.168.231.159', leaseTime: '3600' },
            { start: '192.168.231.160', end: '192.168.231.169', leaseTime: '45m' },
            { start: '192.168.231.170', end: '192.168.231.179', leaseTime: 'infinite' },
          ],
          hosts: [
            { mac: '52:54:00:00:00:10', name: 'web', ip: '192.168.231.10' },
            { mac: '52:54:00:00:00:11', ip: '192.168.231.11' },
          ],
        },
      },
      dns: { domain: 'lab.internal' },
    },
    { name: `${P}route`, mode: 'route', bridge: `nn${PID}r`, ipv4: { address: '10.231.0.1/16' } },
    {
      name: `${P}open`,
      mode: 'open',
      bridge: `nn${PID}o`,
      ipv4: { address: '10.232.0.1/24', dhcp: { ranges: [{ start: '10.232.0.10', end: '10.232.0.20' }] } },
    },
    { name: `${P}iso`, mode: 'isolated', bridge: `nn${PID}i` },
    { name: `${P}lan`, mode: 'bridge', bridge: 'nnt-lan' },
    { name: `${P}ovs`, mode: 'bridge', bridge: 'nnt-ovs' },
  ],
  vms: [
    {
      name: `${P}vm`,
      nics: [
        { mac: '52:54:00:7e:50:01', network: `${P}nat`, model: 'e1000e' },
        { mac: '52:54:00:7e:50:02', switch: 'nnt-ovs', portGroup: 'dmz' },
        { mac: '52:54:00:7e:50:03', switch: 'nnt-ovs', portGroup: 'tr' },
        { mac: '52:54:00:7e:50:04', switch: 'nnt-lan', portGroup: 'servers' },
      ],
    },
  ],
  dhcp: [
    {
      name: 'lan-dhcp',
      interface: 'nnt-lan',
      ranges: [
        { start: '10.77.0.100', end: '10.77.0.150', leaseTime: '1h' },
        { start: '10.77.0.200', end: '10.77.0.210' },
      ],
      hosts: [{ mac: '02:00:00:00:00:42', name: 'c2', ip: '10.77.0.42' }],
      options: { router: '10.77.0.1', dns: ['10.77.0.1', '192.0.2.53'] },
    },
  ],
  nat: [
    {
      name: 'lan-out',
      sources: ['10.77.0.0/24', '10.78.0.9/32'],
      outInterface: 'eth-up',
      portForwards: [
        { protocol: 'tcp', port: 8080, to: '10.77.0.42:80' },
        { protocol: 'udp', port: 5353, to: '10.77.0.42:53' },
      ],
    },
    { name: 'lab', sources: ['192.168.231.0/24'], outInterface: 'eth-up' },
  ],
});

describe.skipIf(skip)('nft: the NovaNet table in a throwaway namespace', () => {
  const ns = `${P}nft`;
  const inNs = (...args: string[]) => exec('ip', ['netns', 'exec', ns, tool('nft'), ...args]);
  const foreign =
    'table ip foreign {\n  chain forwarding {\n    type filter hook forward priority 0; policy accept;\n    ip saddr 10.0.0.0/8 counter drop\n  }\n}\n';
  const listRuleset = () => inNs('list', 'ruleset').replace(/table inet novanet \{[\s\S]*?\n\}\n?/, '');

  beforeAll(() => {
    exec('ip', ['netns', 'add', ns]);
    inNs('-f', file('foreign.nft', foreign));
  });
  afterAll(() => quietly(() => exec('ip', ['netns', 'del', ns])));

  it('checks, loads (table absent and present), lists back as the same model, and removes itself only', () => {
    const model = natRulesModel(sections.nat);
    const script = file('novanet.nft', buildNftScript(model));
    const before = listRuleset();
    inNs('-c', '-f', script);
    inNs('-f', script);
    // Loading again replaces the table in one transaction; the idiom works whether or not it exists.
    inNs('-f', script);
    expect(parseNftTable(JSON.parse(inNs('-j', 'list', 'table', 'inet', 'novanet')))).toEqual({
      exists: true,
      drift: [],
      ...model,
    });
    expect(listRuleset()).toBe(before);
    expect(inNs('list', 'tables').trim().split('\n').sort()).toEqual(['table inet novanet', 'table ip foreign']);

    const removal = file('remove.nft', NFT_REMOVE_SCRIPT);
    inNs('-c', '-f', removal);
    inNs('-f', removal);
    inNs('-f', removal);
    expect(inNs('list', 'tables').trim()).toBe('table ip foreign');
    expect(inNs('list', 'ruleset')).toBe(before);
  });
});

describe.skipIf(skip)('dnsmasq: the standalone DHCP config', () => {
  it('passes dnsmasq --test', () => {
    const d = sections.dhcp[0]!;
    const conf = file(
      'lan-dhcp.conf',
      buildDnsmasqConf(d, { leaseFile: join(dir, 'lan-dhcp.leases'), pidFile: join(dir, 'lan-dhcp.pid') }),
    );
    expect(exec('dnsmasq', ['--test', '-C', conf]) + '').toBe('');
  });
});

describe.skipIf(skip)('libvirt: networks of every mode, a domain interface and its metadata', () => {
  const owner = 'nntest';
  const models = sections.networks.map((n) =>
    networkXmlModel(
      n,
      owner,
      switches.find((s) => s.name === n.bridge),
    ),
  );
  const dom = sections.vms[0]!.name;

  beforeAll(() => {
    try {
      virsh('version');
    } catch {
      // GUIDE section 5: libvirtd runs here when started by hand.
      quietly(() => exec('virtlogd', ['-d']));
      exec('libvirtd', ['-d']);
      for (let i = 0; i < 50; i++) {
        try {
          virsh('version');
          break;
        } catch {
          execFileSync('sleep', ['0.2']);
        }
      }
    }
  });
  afterAll(() => {
    quietly(() => virsh('undefine', dom));
    const left = virsh('net-list', '--all', '--name')
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s.startsWith(P));
    for (const n of left) {
      quietly(() => virsh('net-destroy', n));
      quietly(() => virsh('net-undefine', n));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(models.map((m): [string, NetworkXmlModel] => [m.mode + (m.virtualPort ? ' (ovs)' : ''), m]))(
    'mode %s: net-define accepts it and net-dumpxml parses back to the same model',
    (_mode, m) => {
      virsh('net-define', file(`${m.name}.xml`, buildNetworkXml(m)));
      expect(parseNetworkXml(virsh('net-dumpxml', m.name))).toEqual(m);
    },
  );

  it('the models cover every mode, OVS port-group VLANs and the description with metacharacters', () => {
    expect(new Set(models.map((m) => m.mode))).toEqual(new Set(['nat', 'route', 'open', 'isolated', 'bridge']));
    expect(models.find((m) => m.virtualPort)?.portGroups).toEqual([
      { name: 'dmz', vlan: 30 },
      { name: 'tr', trunk: [10, 20, 21] },
    ]);
    expect(virsh('net-dumpxml', `${P}nat`)).toContain('description="R&amp;D &lt;lab&gt; &quot;nat&quot; \'x\'"');
  });

  it('attach-device and update-device take the interfaces; metadata keeps the Linux-bridge VLANs', () => {
    virsh(
      'define',
      file(
        'dom.xml',
        `<domain type='qemu'><name>${dom}</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os><devices/></domain>`,
      ),
    );
    const wanted = sections.vms[0]!.nics.map((n) => interfaceXmlModel(n, switches));
    wanted.forEach((m, i) => virsh('attach-device', dom, file(`if${i}.xml`, buildInterfaceXml(m)), '--config'));
    expect(parseDomainInterfaces(virsh('dumpxml', dom, '--inactive'))).toEqual(wanted);

    // Move the Linux-bridge NIC onto the OVS trunk group: update-device finds it by MAC.
    const moved = interfaceXmlModel({ ...sections.vms[0]!.nics[3]!, switch: 'nnt-ovs', portGroup: 'tr' }, switches);
    virsh('update-device', dom, file('moved.xml', buildInterfaceXml(moved)), '--config');
    expect(parseDomainInterfaces(virsh('dumpxml', dom, '--inactive'))).toEqual([...wanted.slice(0, 3), moved]);

    const records = [{ mac: '52:54:00:7e:50:04', switch: 'nnt-lan', portGroup: 'servers', vlan: 10 }];
    virsh('metadata', dom, NOVANET_XMLNS, '--key', 'novanet', '--set', buildNicMetadata(owner, records), '--config');
    expect(parseNicMetadata(virsh('dumpxml', dom, '--inactive'))).toEqual({ owner, nics: records });
    expect(parseNicMetadata(virsh('metadata', dom, NOVANET_XMLNS, '--config'))).toEqual({ owner, nics: records });
  });

  it('net-update adds and removes a reservation and a range in the definition', () => {
    const net = `${P}nat`;
    const host = { mac: '52:54:00:00:00:12', name: 'db', ip: '192.168.231.12' };
    const range = { start: '192.168.231.200', end: '192.168.231.209', leaseTime: '2m' };
    virsh('net-update', net, 'add-last', 'ip-dhcp-host', buildDhcpHostXml(host), '--config');
    virsh('net-update', net, 'add-last', 'ip-dhcp-range', buildDhcpRangeXml(range), '--config');
    const dhcp = parseNetworkXml(virsh('net-dumpxml', net, '--inactive')).ipv4?.dhcp;
    expect(dhcp?.hosts.at(-1)).toEqual(host);
    expect(dhcp?.ranges.at(-1)).toEqual(range);
    virsh('net-update', net, 'delete', 'ip-dhcp-host', buildDhcpHostXml(host), '--config');
    virsh('net-update', net, 'delete', 'ip-dhcp-range', buildDhcpRangeXml(range), '--config');
    expect(parseNetworkXml(virsh('net-dumpxml', net, '--inactive'))).toEqual(models[0]);
  });

  it('net-undefine removes every test network', () => {
    for (const m of models) virsh('net-undefine', m.name);
    expect(
      virsh('net-list', '--all', '--name')
        .split('\n')
        .filter((s) => s.trim().startsWith(P)),
    ).toEqual([]);
  });
});
