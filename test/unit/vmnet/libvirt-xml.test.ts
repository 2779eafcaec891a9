/**
 * libvirt network XML: every mode built as libvirt expects it, parsed back to the same model (property test over
 * random valid networks), metacharacters escaped where free text may hold them and refused everywhere else, and
 * libvirt's own additions (uuid, mac, stp, virtualport parameters) ignored on the way back.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildDhcpHostXml,
  buildDhcpRangeXml,
  buildNetworkXml,
  networkXmlModel,
  parseNetworkXml,
  type NetworkXmlModel,
} from '../../../shared/plan/libvirt-xml';
import { ConfigValueError } from '../../../shared/plan/config-guard';
import { XmlParseError } from '../../../shared/plan/xml-common';
import { libvirtNetworkSpecSchema } from '../../../shared/spec/vm-networks';
import { network } from './arbitraries';
import { labNat } from './support';

const model = (input: Record<string, unknown>, sw?: Parameters<typeof networkXmlModel>[2]) =>
  networkXmlModel(libvirtNetworkSpecSchema.parse(input), 'ws', sw);

describe('building', () => {
  it('a NAT network with DHCP, reservations, DNS domain and ownership', () => {
    const xml = buildNetworkXml(model(labNat()));
    expect(xml).toBe(
      [
        '<network>',
        '  <name>lab-nat</name>',
        '  <metadata>',
        '    <novanet:owner xmlns:novanet="https://novanet.invalid/xmlns/1">ws</novanet:owner>',
        '  </metadata>',
        '  <forward mode="nat"/>',
        '  <bridge name="virbr-lab" stp="on" delay="0"/>',
        '  <domain name="lab.internal" localOnly="yes"/>',
        '  <ip address="192.168.150.1" prefix="24">',
        '    <dhcp>',
        '      <range start="192.168.150.100" end="192.168.150.199">',
        '        <lease expiry="1" unit="hours"/>',
        '      </range>',
        '      <host mac="52:54:00:00:00:10" name="web" ip="192.168.150.10"/>',
        '    </dhcp>',
        '  </ip>',
        '</network>',
        '',
      ].join('\n'),
    );
  });
  it.each([
    ['route', '<forward mode="route"/>'],
    ['open', '<forward mode="open"/>'],
  ])('mode %s forwards that way', (mode, el) => {
    expect(buildNetworkXml(model(labNat({ mode })))).toContain(el);
  });
  it('isolated has no <forward> at all', () => {
    expect(buildNetworkXml(model(labNat({ mode: 'isolated' })))).not.toContain('forward');
  });
  it('bridge on Open vSwitch: virtualport and port groups with VLAN tags, trunk and native VLAN', () => {
    const xml = buildNetworkXml(
      model(
        { name: 'dmz', mode: 'bridge', bridge: 'ovs-dmz' },
        {
          type: 'ovs',
          portGroups: [
            { name: 'dmz', vlan: 30 },
            { name: 'tr', trunk: [10, '20-21'], nativeVlan: 5 },
          ],
        },
      ),
    );
    expect(xml).toContain('<forward mode="bridge"/>\n  <bridge name="ovs-dmz"/>\n  <virtualport type="openvswitch"/>');
    expect(xml).toContain('<portgroup name="dmz">\n    <vlan>\n      <tag id="30"/>');
    expect(xml).toContain(
      '<vlan trunk="yes">\n      <tag id="5" nativeMode="untagged"/>\n      <tag id="10"/>\n      <tag id="20"/>\n      <tag id="21"/>',
    );
  });
  it('bridge on a Linux bridge: port groups by name only (libvirt 9 refuses <vlan> there)', () => {
    const m = model(
      { name: 'lan', mode: 'bridge', bridge: 'br-lan' },
      { type: 'linux', portGroups: [{ name: 'servers', vlan: 10 }] },
    );
    expect(m.portGroups).toEqual([{ name: 'servers' }]);
    const xml = buildNetworkXml(m);
    expect(xml).not.toContain('virtualport');
    expect(xml).not.toContain('vlan');
    expect(() => buildNetworkXml({ ...m, portGroups: [{ name: 'servers', vlan: 10 }] })).toThrow(
      /only on Open vSwitch/,
    );
  });
  it('lease units: seconds, minutes, hours, and infinite as expiry 0', () => {
    const ranges = ['3600', '30m', '48h', 'infinite'].map((leaseTime, i) => ({
      start: `192.168.150.${100 + i * 10}`,
      end: `192.168.150.${105 + i * 10}`,
      leaseTime,
    }));
    const xml = buildNetworkXml(model(labNat({ ipv4: { address: '192.168.150.1/24', dhcp: { ranges } } })));
    expect(xml).toContain('<lease expiry="3600" unit="seconds"/>');
    expect(xml).toContain('<lease expiry="30" unit="minutes"/>');
    expect(xml).toContain('<lease expiry="48" unit="hours"/>');
    expect(xml).toContain('<lease expiry="0"/>');
  });
});

describe('escaping and refusing', () => {
  it('a description with XML metacharacters is escaped and round-trips', () => {
    const m = model(labNat({ description: `R&D <lab> "net" 'x'` }));
    const xml = buildNetworkXml(m);
    expect(xml).toContain('description="R&amp;D &lt;lab&gt; &quot;net&quot; &apos;x&apos;"');
    expect(parseNetworkXml(xml).description).toBe(`R&D <lab> "net" 'x'`);
  });
  it.each([
    ['name', { name: 'a<b' }, 'network.name'],
    ['name', { name: 'a&b' }, 'network.name'],
    ['bridge', { bridge: 'br"x' }, 'network.bridge'],
    ['owner', { owner: 'ws</novanet:owner>' }, 'network.owner'],
    ['description', { description: 'a\u0007b' }, 'network.description'],
    ['description', { description: 'two\nlines' }, 'network.description'],
    ['domain', { dns: { domain: 'a&b.lab' } }, 'network.dns.domain'],
    [
      'host name',
      {
        ipv4: {
          address: '192.168.150.1/24',
          dhcp: { ranges: [], hosts: [{ mac: '52:54:00:00:00:10', name: 'a\nb', ip: '192.168.150.10' }] },
        },
      },
      'network.ipv4.dhcp.hosts[0].name',
    ],
  ])('a %s the schema would refuse is refused by the builder too', (_what, over, field) => {
    const m = { ...model(labNat()), ...over } as NetworkXmlModel;
    try {
      buildNetworkXml(m);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigValueError);
      expect((e as ConfigValueError).field).toBe(field);
    }
  });
});

describe('net-update elements (reservations changed live)', () => {
  it('one <host> or <range>, canonical and checked', () => {
    expect(buildDhcpHostXml({ mac: '52:54:00:AA:00:10', name: 'web', ip: '192.168.150.10' })).toBe(
      '<host mac="52:54:00:aa:00:10" name="web" ip="192.168.150.10"/>',
    );
    expect(buildDhcpHostXml({ mac: '52:54:00:aa:00:11', ip: '192.168.150.11' })).toBe(
      '<host mac="52:54:00:aa:00:11" ip="192.168.150.11"/>',
    );
    expect(buildDhcpRangeXml({ start: '192.168.150.100', end: '192.168.150.199', leaseTime: '30m' })).toBe(
      '<range start="192.168.150.100" end="192.168.150.199">\n  <lease expiry="30" unit="minutes"/>\n</range>',
    );
    expect(() =>
      buildDhcpHostXml({ mac: '52:54:00:aa:00:10', name: 'a"/><host mac="x', ip: '192.168.150.10' }),
    ).toThrow(/host\.name/);
    expect(() => buildDhcpRangeXml({ start: '192.168.150.100', end: '192.168.150.199', leaseTime: '1x' })).toThrow(
      /range\.leaseTime/,
    );
  });
});

describe('parsing what libvirt returns', () => {
  it("ignores uuid, mac, stp, a virtualport's parameters, IPv6 and an empty portgroup body", () => {
    const xml = `<network>
  <name>dmz</name>
  <uuid>a24e7b23-c5e4-4300-8605-eb9c838c35e1</uuid>
  <metadata>
    <novanet:owner xmlns:novanet="https://novanet.invalid/xmlns/1" description="A &amp; B">ws</novanet:owner>
  </metadata>
  <forward mode='bridge'/>
  <bridge name='ovs-dmz'/>
  <virtualport type='openvswitch'><parameters interfaceid='x'/></virtualport>
  <portgroup name='plain'>
  </portgroup>
  <portgroup name='servers'><vlan><tag id='10'/></vlan></portgroup>
</network>`;
    expect(parseNetworkXml(xml)).toEqual({
      name: 'dmz',
      mode: 'bridge',
      bridge: 'ovs-dmz',
      owner: 'ws',
      description: 'A & B',
      virtualPort: 'openvswitch',
      portGroups: [{ name: 'plain' }, { name: 'servers', vlan: 10 }],
    });
  });
  it('reads netmask instead of prefix, defaults lease units to minutes, and finds our metadata under any prefix', () => {
    const xml = `<network><name>n</name><metadata><nn:owner xmlns:nn="https://novanet.invalid/xmlns/1">ws</nn:owner><other xmlns="urn:x">y</other></metadata>
      <mac address='52:54:00:7b:c0:46'/><ip family='ipv6' address='fd00::1' prefix='64'/><ip address='10.0.0.1' netmask='255.255.252.0'><dhcp><range start='10.0.0.10' end='10.0.0.20'><lease expiry='90'/></range></dhcp></ip></network>`;
    expect(parseNetworkXml(xml)).toEqual({
      name: 'n',
      mode: 'isolated',
      owner: 'ws',
      ipv4: {
        address: '10.0.0.1/22',
        dhcp: { ranges: [{ start: '10.0.0.10', end: '10.0.0.20', leaseTime: '90m' }], hosts: [] },
      },
    });
  });
  it('a network without NovaNet metadata has no owner; metadata in another namespace is not ours', () => {
    expect(parseNetworkXml('<network><name>default</name><forward/></network>')).toEqual({
      name: 'default',
      mode: 'nat',
    });
    expect(
      parseNetworkXml(
        '<network><name>x</name><metadata><novanet:owner xmlns:novanet="urn:evil">ws</novanet:owner></metadata></network>',
      ).owner,
    ).toBeUndefined();
  });
  it('refuses what NovaNet does not manage, and DOCTYPE entity tricks', () => {
    expect(() => parseNetworkXml("<network><name>p</name><forward mode='passthrough'/></network>")).toThrow(
      XmlParseError,
    );
    expect(() => parseNetworkXml('<!DOCTYPE n [<!ENTITY e "x">]><network><name>&e;</name></network>')).toThrow(
      /DOCTYPE/,
    );
    expect(() => parseNetworkXml('<network><uuid>x</uuid></network>')).toThrow(/without a <name>/);
  });
});

describe('round trip (property)', () => {
  it('build -> parse gives back the model, for random valid networks of every mode', () => {
    fc.assert(
      fc.property(network, ({ net, sw }) => {
        const m = networkXmlModel(libvirtNetworkSpecSchema.parse(net), 'ws', sw);
        expect(parseNetworkXml(buildNetworkXml(m))).toEqual(m);
      }),
      { numRuns: 400 },
    );
  });
});
