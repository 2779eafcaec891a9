import { describe, expect, it } from 'vitest';
import {
  VIRSH_MARKER,
  parseDomainXml,
  parseNetworkXml,
  parseVirshLists,
  splitDumps,
  virshDumpCommand,
  virshListCommand,
  virshQuote,
} from '../../../electron/services/discovery/parse-virsh';
import { OutputError } from '../../../electron/services/discovery/tool-output';
import { domainSchema, libvirtNetworkSchema } from '../../../shared/model/host-state';
import { fixture, labLibvirt } from '../support/lab-state';

const lists = () => parseVirshLists(fixture('virsh-list.txt'));

describe('parseVirshLists on the recorded list call', () => {
  it('reads both networks and the domain with their states', () => {
    expect(lists()).toEqual({
      networks: [
        { name: 'default', active: false, autostart: false, persistent: true },
        { name: 'nntest-net', active: true, autostart: false, persistent: true },
      ],
      domains: [{ name: 'nntest-vm', state: 'shut off' }],
    });
  });

  it('reads empty lists (no networks, no domains)', () => {
    expect(parseVirshLists(`${VIRSH_MARKER}\n`)).toEqual({ networks: [], domains: [] });
  });

  it('refuses output without the marker or with an odd line, naming virsh', () => {
    expect(() => parseVirshLists(' default   active   yes   yes\n')).toThrow(new OutputError('virsh returned truncated list output'));
    expect(() => parseVirshLists(` default active\n${VIRSH_MARKER}`)).toThrow(/^virsh net-list: unexpected line/);
    expect(() => parseVirshLists(`${VIRSH_MARKER} 1 nntest-vm\n`)).toThrow(/^virsh list: unexpected line/);
    expect(() => parseVirshLists(`${VIRSH_MARKER}\n${VIRSH_MARKER}\n${VIRSH_MARKER}\n`)).toThrow(OutputError);
  });
});

describe('virsh command strings', () => {
  it('lists networks and domains in one call separated by the echo marker', () => {
    expect(virshListCommand()).toBe(`net-list --all; echo ${VIRSH_MARKER}; list --all; echo ${VIRSH_MARKER}; list --transient --name`);
  });

  it('dumps every object quoted, networks first, separated by the marker', () => {
    expect(virshDumpCommand(lists())).toBe(
      `net-dumpxml 'default'; echo ${VIRSH_MARKER}; net-dumpxml 'nntest-net'; echo ${VIRSH_MARKER}; dumpxml 'nntest-vm'`,
    );
  });

  it("quotes names with spaces and semicolons so virsh reads them as one argument", () => {
    expect(virshQuote('my vm; destroy x')).toBe("'my vm; destroy x'");
  });

  it.each(["it's", "'", "a';destroy 'b", 'two\nlines'])('refuses to address %j', (name) => {
    expect(() => virshQuote(name)).toThrow(OutputError);
    expect(() => virshQuote(name)).toThrow('cannot address libvirt object');
    expect(() => virshDumpCommand({ networks: [], domains: [{ name, state: 'running' }] })).toThrow(OutputError);
  });
});

describe('splitDumps', () => {
  it('splits the recorded dump into the objects it was asked for', () => {
    const l = lists();
    const parts = splitDumps(fixture('virsh-dumpxml.txt'), { networks: [l.networks[1]!], domains: l.domains });
    expect(parts.networks).toHaveLength(1);
    expect(parts.networks[0]).toMatch(/^<network>[\s\S]*<name>nntest-net<\/name>/);
    expect(parts.domains[0]).toMatch(/^<domain type='qemu'>/);
  });

  it('keeps positions when a command in the middle printed nothing', () => {
    const out = `<network><name>a</name></network>\n${VIRSH_MARKER}\n${VIRSH_MARKER}<domain><name>d</name></domain>`;
    const parts = splitDumps(out, { networks: [{ name: 'a', active: true, autostart: true, persistent: true }, { name: 'gone', active: true, autostart: true, persistent: true }], domains: [{ name: 'd', state: 'running' }] });
    expect(parts.networks[1]?.trim()).toBe('');
    expect(parts.domains[0]).toContain('<name>d</name>');
  });
});

describe('libvirt networks', () => {
  const [def, nntest] = labLibvirt().networks;

  it('reads nntest-net: active NAT network on virbr-nnt with DHCP and portgroup web', () => {
    expect(libvirtNetworkSchema.safeParse(nntest).success).toBe(true);
    expect(nntest).toEqual({
      id: 'net:nntest-net',
      name: 'nntest-net',
      uuid: '3b98c79e-1dcd-48d8-90f1-39f2389eb70e',
      active: true,
      persistent: true,
      autostart: false,
      bridge: 'virbr-nnt',
      forwardMode: 'nat',
      forwardDev: undefined,
      ips: [{ family: 'ipv4', address: '192.168.211.1', prefix: 24, dhcpRanges: [{ start: '192.168.211.100', end: '192.168.211.200' }] }],
      portGroups: [{ name: 'web', vlan: undefined }],
      virtualPortType: undefined,
    });
  });

  it('reads default: inactive NAT network 192.168.122.1/24 on virbr0', () => {
    expect(def).toMatchObject({
      id: 'net:default',
      name: 'default',
      active: false,
      forwardMode: 'nat',
      bridge: 'virbr0',
      ips: [{ family: 'ipv4', address: '192.168.122.1', prefix: 24, dhcpRanges: [{ start: '192.168.122.2', end: '192.168.122.254' }] }],
    });
  });

  it('reads isolated, routed, bridge/OVS, IPv6 and tagged portgroups', () => {
    const meta = { name: 'x', active: true, autostart: true, persistent: true };
    const xml = `<network>
      <name>x</name><uuid>u</uuid>
      <forward mode='bridge'/>
      <bridge name='ovsbr0'/>
      <virtualport type='openvswitch'/>
      <ip family='ipv6' address='fd00::1' prefix='64'/>
      <portgroup name='web'><vlan><tag id='10'/></vlan></portgroup>
      <portgroup name='db'><vlan><tag id='20'/></vlan></portgroup>
    </network>`;
    expect(parseNetworkXml(xml, meta)).toMatchObject({
      forwardMode: 'bridge',
      bridge: 'ovsbr0',
      virtualPortType: 'openvswitch',
      ips: [{ family: 'ipv6', address: 'fd00::1', prefix: 64, dhcpRanges: [] }],
      portGroups: [
        { name: 'web', vlan: 10 },
        { name: 'db', vlan: 20 },
      ],
    });
    expect(parseNetworkXml('<network><name>iso</name></network>', { ...meta, name: 'iso' }).forwardMode).toBe('isolated');
    expect(parseNetworkXml("<network><name>r</name><forward mode='route' dev='eth0'/></network>", { ...meta, name: 'r' })).toMatchObject({ forwardMode: 'route', forwardDev: 'eth0' });
    expect(parseNetworkXml('<network><name>n</name><forward/></network>', { ...meta, name: 'n' }).forwardMode).toBe('nat');
    expect(parseNetworkXml("<network><name>m</name><ip address='10.0.0.1' netmask='255.255.0.0'/></network>", { ...meta, name: 'm' }).ips[0]?.prefix).toBe(16);
  });

  it('refuses XML that answers for another network than the one asked', () => {
    expect(() => parseNetworkXml('<network><name>other</name></network>', { name: 'x', active: true, autostart: true, persistent: true })).toThrow(/answered for other where x was asked/);
  });

  it('refuses XML without a network name', () => {
    const meta = { name: 'x', active: true, autostart: true, persistent: true };
    expect(() => parseNetworkXml('', meta)).toThrow(OutputError);
    expect(() => parseNetworkXml('error: failed to get network', meta)).toThrow('virsh net-dumpxml returned XML without a network name');
  });
});

describe('libvirt domains', () => {
  const [vm] = labLibvirt().domains;

  it('reads nntest-vm, shut off, with its two NICs', () => {
    expect(domainSchema.safeParse(vm).success).toBe(true);
    expect(vm).toMatchObject({ id: 'vm:nntest-vm', name: 'nntest-vm', uuid: '35e3d32e-3130-40ff-8686-4a55f163d052', state: 'shut off' });
    expect(vm?.nics).toEqual([
      {
        id: 'vnic:nntest-vm:52:54:00:aa:bb:01',
        mac: '52:54:00:aa:bb:01',
        type: 'network',
        source: 'nntest-net',
        portGroup: 'web',
        target: undefined,
        model: 'virtio',
        vlan: undefined,
        virtualPortType: undefined,
      },
      {
        id: 'vnic:nntest-vm:52:54:00:aa:bb:02',
        mac: '52:54:00:aa:bb:02',
        type: 'bridge',
        source: 'br-lan',
        portGroup: undefined,
        target: undefined,
        model: 'e1000',
        vlan: 20,
        virtualPortType: 'openvswitch',
      },
    ]);
  });

  it('reads the host tap of a running domain and direct (macvtap) NICs', () => {
    const xml = `<domain type='kvm'><name>web1</name><uuid>u1</uuid><devices>
      <interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='br0'/><target dev='vnet3'/><model type='virtio'/></interface>
      <interface type='direct'><mac address='52:54:00:00:00:02'/><source dev='enp3s0' mode='bridge'/><target dev='macvtap0'/></interface>
    </devices></domain>`;
    const d = parseDomainXml(xml, { name: 'web1', state: 'running' });
    expect(d.nics.map((n) => [n.type, n.source, n.target])).toEqual([
      ['bridge', 'br0', 'vnet3'],
      ['direct', 'enp3s0', 'macvtap0'],
    ]);
    expect(parseDomainXml('<domain><name>bare</name></domain>', { name: 'bare', state: 'paused' }).nics).toEqual([]);
  });

  it('refuses XML without a domain name', () => {
    expect(() => parseDomainXml('<domain/>', { name: 'x', state: 'running' })).toThrow('virsh dumpxml returned XML without a domain name');
  });
});
