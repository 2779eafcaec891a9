/**
 * Domain `<interface>` elements for attach/update-device and the NovaNet NIC metadata for Linux-bridge VLANs:
 * built from spec NICs, parsed back (also out of a full `virsh dumpxml`), values refused at build time.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildInterfaceXml,
  buildNicMetadata,
  interfaceXmlModel,
  parseDomainInterfaces,
  parseInterfaceXml,
  parseNicMetadata,
  type InterfaceXmlModel,
} from '../../../shared/plan/libvirt-interface-xml';
import { ConfigValueError } from '../../../shared/plan/config-guard';
import { switchSchema } from '../../../shared/spec/schema';
import { vmNicSchema } from '../../../shared/spec/vm-networks';
import { ifName, mac, nicModel, objectName, vlan } from './arbitraries';
import { defaultSwitches } from './support';

const switches = defaultSwitches.map((s) => switchSchema.parse(s));
const nic = (n: Record<string, unknown>) => interfaceXmlModel(vmNicSchema.parse(n), switches);

describe('interface for a spec NIC', () => {
  it('on a libvirt network, with a port group', () => {
    const m = nic({ mac: '52:54:00:AA:BB:CC', network: 'lab-nat', portGroup: 'web', model: 'e1000e' });
    expect(m).toEqual({ mac: '52:54:00:aa:bb:cc', model: 'e1000e', source: { network: 'lab-nat', portGroup: 'web' } });
    expect(buildInterfaceXml(m)).toBe(
      '<interface type="network">\n  <mac address="52:54:00:aa:bb:cc"/>\n  <source network="lab-nat" portgroup="web"/>\n  <model type="e1000e"/>\n</interface>\n',
    );
  });
  it('on an OVS switch: virtualport and the port group VLAN, or trunk', () => {
    expect(buildInterfaceXml(nic({ mac: '52:54:00:aa:bb:cd', switch: 'ovs-dmz', portGroup: 'dmz' }))).toBe(
      [
        '<interface type="bridge">',
        '  <mac address="52:54:00:aa:bb:cd"/>',
        '  <source bridge="ovs-dmz"/>',
        '  <virtualport type="openvswitch"/>',
        '  <vlan>',
        '    <tag id="30"/>',
        '  </vlan>',
        '  <model type="virtio"/>',
        '</interface>',
        '',
      ].join('\n'),
    );
    expect(nic({ mac: '52:54:00:aa:bb:cd', switch: 'ovs-dmz', portGroup: 'tr' }).vlan).toEqual({ trunk: [10, 20, 21] });
    expect(nic({ mac: '52:54:00:aa:bb:cd', switch: 'ovs-dmz' })).toEqual({
      mac: '52:54:00:aa:bb:cd',
      model: 'virtio',
      source: { bridge: 'ovs-dmz' },
      virtualPort: 'openvswitch',
    });
  });
  it('on a Linux switch: no <vlan> (libvirt 9 cannot tag there); the builder refuses one', () => {
    const m = nic({ mac: '52:54:00:aa:bb:ce', switch: 'br-lan', portGroup: 'servers' });
    expect(m).toEqual({ mac: '52:54:00:aa:bb:ce', model: 'virtio', source: { bridge: 'br-lan' } });
    expect(() => buildInterfaceXml({ ...m, vlan: { vlan: 10 } })).toThrow(/Open vSwitch/);
  });
  it.each([
    [{ mac: '01:00:5e:00:00:01' }, 'interface.mac'],
    [{ source: { network: 'a"b' } }, 'interface.source.network'],
    [{ source: { bridge: 'br lan' } }, 'interface.source.bridge'],
    [{ model: 'virtio"/><evil' }, 'interface.model'],
  ])('refuses %j', (over, field) => {
    const base: InterfaceXmlModel = { mac: '52:54:00:aa:bb:cc', model: 'virtio', source: { network: 'n' } };
    expect(() => buildInterfaceXml({ ...base, ...over } as InterfaceXmlModel)).toThrow(ConfigValueError);
    try {
      buildInterfaceXml({ ...base, ...over } as InterfaceXmlModel);
    } catch (e) {
      expect((e as ConfigValueError).field).toBe(field);
    }
  });
});

describe('parsing', () => {
  it("a domain's interfaces as virsh dumpxml shows them (libvirt's additions dropped, other types skipped)", () => {
    const xml = `<domain type='qemu'><name>vm</name><devices>
      <interface type='bridge'><mac address='52:54:00:AA:BB:CD'/><source bridge='ovs-dmz'/>
        <vlan trunk='yes'><tag id='5' nativeMode='untagged'/><tag id='30'/></vlan>
        <virtualport type='openvswitch'><parameters interfaceid='0681d434-bb6b-42f8-b9a1-9cacd0ba7381'/></virtualport>
        <target dev='vnet3'/><model type='virtio'/><alias name='net0'/><address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/></interface>
      <interface type='network'><mac address='52:54:00:aa:bb:ce'/><source network='default' portgroup='web'/><model type='rtl8139'/></interface>
      <interface type='user'><mac address='52:54:00:aa:bb:cf'/></interface>
    </devices></domain>`;
    expect(parseDomainInterfaces(xml)).toEqual([
      {
        mac: '52:54:00:aa:bb:cd',
        model: 'virtio',
        source: { bridge: 'ovs-dmz' },
        virtualPort: 'openvswitch',
        vlan: { trunk: [30], nativeVlan: 5 },
      },
      { mac: '52:54:00:aa:bb:ce', model: 'rtl8139', source: { network: 'default', portGroup: 'web' } },
    ]);
  });
  it('round-trips random interfaces (property)', () => {
    const source = fc.oneof(
      fc
        .record({ network: objectName, portGroup: fc.option(objectName, { nil: undefined }) })
        .map((s) => (s.portGroup ? s : { network: s.network })),
      ifName.map((bridge) => ({ bridge })),
    );
    const model = fc
      .record({ mac, model: nicModel, source, ovs: fc.boolean(), v: fc.option(vlan, { nil: undefined }) })
      .map(({ ovs, v, ...m }): InterfaceXmlModel => {
        if (!ovs || !('bridge' in m.source)) return m;
        return v === undefined
          ? { ...m, virtualPort: 'openvswitch' }
          : { ...m, virtualPort: 'openvswitch', vlan: { vlan: v } };
      });
    fc.assert(
      fc.property(model, (m) => {
        expect(parseInterfaceXml(buildInterfaceXml(m))).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });
});

describe('NovaNet NIC metadata (Linux-bridge VLANs, for the qemu hook)', () => {
  const nics = [
    { mac: '52:54:00:aa:bb:ce', switch: 'br-lan', portGroup: 'servers', vlan: 10 },
    { mac: '52:54:00:aa:bb:cf', switch: 'br-lan', portGroup: 'trunk', trunk: [30, 20], nativeVlan: 5 },
  ];
  it('is built unprefixed for virsh metadata --set, and parsed back', () => {
    const xml = buildNicMetadata('ws', nics);
    expect(xml).toBe(
      '<nics owner="ws">\n  <nic mac="52:54:00:aa:bb:ce" switch="br-lan" portGroup="servers" vlan="10"/>\n  <nic mac="52:54:00:aa:bb:cf" switch="br-lan" portGroup="trunk" trunk="20 30" nativeVlan="5"/>\n</nics>\n',
    );
    expect(parseNicMetadata(xml)).toEqual({ owner: 'ws', nics: [nics[0], { ...nics[1], trunk: [20, 30] }] });
  });
  it('is found in a domain XML, in the namespace libvirt gave it', () => {
    const dom = `<domain type='qemu'><name>vm</name><metadata>
      <other:x xmlns:other="urn:other"/>
      <novanet:nics xmlns:novanet="https://novanet.invalid/xmlns/1" owner="ws"><novanet:nic mac="52:54:00:aa:bb:ce" switch="br-lan" portGroup="servers" vlan="10"/></novanet:nics>
    </metadata></domain>`;
    expect(parseNicMetadata(dom)).toEqual({ owner: 'ws', nics: [nics[0]] });
    expect(parseNicMetadata("<domain type='qemu'><name>vm</name></domain>")).toBeUndefined();
  });
  it('refuses values that are not canonical', () => {
    expect(() => buildNicMetadata('ws"', nics)).toThrow(ConfigValueError);
    expect(() => buildNicMetadata('ws', [{ ...nics[0]!, switch: 'br lan' }])).toThrow(/nics\[0\]\.switch/);
    expect(() => buildNicMetadata('ws', [{ ...nics[0]!, vlan: 4095 }])).toThrow(/nics\[0\]\.vlan/);
  });
});
