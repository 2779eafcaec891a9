/**
 * The Networks view's form <-> spec mapping: what a dialog writes is what the schema and the host checks judge,
 * with the paths its fields show errors under; the rows, choices and NIC moves it offers come from the recorded lab.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../../shared/spec/validate';
import { emptySpec, type SpecDoc } from '../../../renderer/src/changes/spec-doc';
import {
  bridgeChoices,
  changeMode,
  defaultRange,
  formatExpiry,
  itemIssues,
  itemPath,
  networkRows,
  newNetwork,
  putItem,
  removeItem,
  setAddress,
  setDhcp,
  suggestFor,
  tidyIssues,
  type NetworkDoc,
} from '../../../renderer/src/networks/net-edit';
import {
  freshMac,
  macsInUse,
  nicLock,
  removeNic,
  hostNicTarget,
  moveNic,
  nicTargetOf,
} from '../../../renderer/src/networks/nic-edit';
import {
  dhcpInterfaceChoices,
  natOutChoices,
  natSourceChoices,
  newDhcp,
  newNat,
} from '../../../renderer/src/networks/entry-choices';
import { labState } from '../support/lab-state';

const state = labState();
const spec = (extra: Partial<SpecDoc> = {}): SpecDoc => ({ ...emptySpec('ws'), ...extra });

describe('a new network', () => {
  it('is NAT on the first free subnet with DHCP over its upper half, and valid as it is', () => {
    const n = newNetwork(spec(), state);
    expect(n).toEqual({
      name: 'vmnet',
      mode: 'nat',
      autostart: true,
      ipv4: {
        address: '192.168.100.1/24',
        dhcp: { ranges: [{ start: '192.168.100.128', end: '192.168.100.254' }], hosts: [] },
      },
    });
    expect(itemIssues(spec(), 'networks', undefined, n, state)).toEqual([]);
  });

  it('skips subnets the spec already uses and names taken on the host', () => {
    const first = newNetwork(spec(), state);
    const doc = putItem(spec(), 'networks', undefined, first);
    const second = newNetwork(doc, state);
    expect(second.name).toBe('vmnet1');
    expect(second.ipv4?.address).toBe('192.168.101.1/24');
  });

  it('does not count its own subnet as taken when the suggestion is asked while editing it', () => {
    const doc = putItem(spec(), 'networks', undefined, newNetwork(spec(), state));
    const s = suggestFor(state, doc, 0);
    expect(s).toMatchObject({ address: '192.168.100.1/24' });
    expect(suggestFor(undefined, doc)).toEqual({ error: 'the host has not been read yet' });
  });
});

describe('mode, address and DHCP edits', () => {
  const base = newNetwork(spec(), state);
  const suggestion = suggestFor(state, spec());

  it('bridge mode drops the address and DNS and points at a switch; leaving it brings an address back', () => {
    const withDns: NetworkDoc = { ...base, dns: { domain: 'lab.internal' } };
    const b = changeMode(withDns, 'bridge', { suggestion, bridge: 'br0' });
    expect(b).toEqual({ name: 'vmnet', mode: 'bridge', autostart: true, bridge: 'br0' });
    expect(parseSpec(putItem(spec(), 'networks', undefined, b)).issues).toEqual([]);
    const back = changeMode(b, 'nat', { suggestion });
    expect(back.bridge).toBeUndefined();
    expect(back.ipv4?.address).toBe('192.168.100.1/24');
  });

  it('isolated keeps the address it has; the schema, not the form, says routed needs one', () => {
    expect(changeMode(base, 'isolated', { suggestion }).ipv4).toEqual(base.ipv4);
    const routed: NetworkDoc = { name: 'r', mode: 'route' };
    const issues = parseSpec(putItem(spec(), 'networks', undefined, routed)).issues;
    expect(issues.map((i) => i.path)).toEqual(['networks[0].ipv4']);
  });

  it('DHCP on prefills the range from the subnet; off removes the block', () => {
    const off = setDhcp(base, false);
    expect(off.ipv4).toEqual({ address: '192.168.100.1/24' });
    expect(setDhcp(off, true).ipv4?.dhcp).toEqual({
      ranges: [{ start: '192.168.100.128', end: '192.168.100.254' }],
      hosts: [],
    });
    expect(defaultRange('10.0.0.1/30')).toBeUndefined();
    expect(defaultRange('10.0.0.1/')).toBeUndefined();
  });

  it('a new subnet moves the prefilled range with it, but never a range the user typed', () => {
    const moved = setAddress(base, '10.20.0.1/16');
    expect(moved.ipv4?.dhcp?.ranges).toEqual([{ start: '10.20.128.0', end: '10.20.255.254' }]);
    const typed = {
      ...base,
      ipv4: { ...base.ipv4!, dhcp: { ranges: [{ start: '192.168.100.10', end: '192.168.100.20' }] } },
    };
    expect(setAddress(typed, '10.20.0.1/16').ipv4?.dhcp?.ranges).toEqual([
      { start: '192.168.100.10', end: '192.168.100.20' },
    ]);
  });
});

describe('issues of an entry before it reaches the draft', () => {
  it('names the field of a range outside the subnet, a bad MAC and a duplicate reservation', () => {
    const n = newNetwork(spec(), state);
    const bad: NetworkDoc = {
      ...n,
      ipv4: {
        address: n.ipv4!.address,
        dhcp: {
          ranges: [{ start: '192.168.100.10', end: '192.168.200.5' }],
          hosts: [
            { mac: '01:00:5e:00:00:01', ip: '192.168.100.5' },
            { mac: '52:54:00:00:00:10', name: 'web', ip: '192.168.100.6' },
          ],
        },
      },
    };
    // The schema speaks first (the multicast MAC); the host checks follow once the entry parses.
    expect(itemIssues(spec(), 'networks', undefined, bad, state).map((i) => i.path)).toEqual([
      'networks[0].ipv4.dhcp.hosts[0].mac',
    ]);
    const hosts = [
      { mac: '52:54:00:00:00:10', ip: '192.168.100.5' },
      { mac: '52:54:00:00:00:10', ip: '192.168.100.6' },
    ];
    const paths = itemIssues(
      spec(),
      'networks',
      undefined,
      { ...bad, ipv4: { ...bad.ipv4!, dhcp: { ...bad.ipv4!.dhcp, hosts } } },
      state,
    ).map((i) => i.path);
    expect(paths).toContain('networks[0].ipv4.dhcp.ranges[0].end');
    expect(paths).toContain('networks[0].ipv4.dhcp.hosts[1].mac');
  });

  it('reports a subnet overlapping a host network at the address field, and only issues of that entry', () => {
    const other: NetworkDoc = {
      name: 'x',
      mode: 'nat',
      ipv4: { address: '10.99.0.1/24' },
      bridge: 'this-name-is-far-too-long',
    };
    const doc = putItem(spec(), 'networks', undefined, other);
    const n: NetworkDoc = { name: 'clash', mode: 'nat', ipv4: { address: '192.168.211.1/24' } };
    expect(itemPath(doc, 'networks', undefined)).toBe('networks[1]');
    const issues = itemIssues(doc, 'networks', undefined, n, state);
    expect(issues).toEqual([
      { path: 'networks[1].ipv4.address', message: expect.stringContaining('nntest-net') as string },
    ]);
  });
});

describe('the networks table', () => {
  it('lists the spec entries first, then host networks read-only with who owns them', () => {
    const doc = putItem(spec(), 'networks', undefined, {
      name: 'nntest-net',
      mode: 'nat',
      ipv4: { address: '192.168.211.1/24' },
    });
    const rows = networkRows(doc, state);
    expect(rows.map((r) => [r.name, r.readOnly, !!r.spec, !!r.host])).toEqual([
      ['nntest-net', false, true, true],
      ['default', true, false, true],
    ]);
    const owned = {
      ...state,
      networks: state.networks.map((n) => ({ ...n, owner: n.name === 'default' ? 'ws' : 'other' })),
    };
    const rows2 = networkRows(spec(), owned);
    expect(rows2.map((r) => [r.name, r.readOnly, r.owner])).toEqual([
      ['default', false, undefined],
      ['nntest-net', true, 'other'],
    ]);
    expect(removeItem(doc, 'networks', 0).networks).toEqual([]);
  });
});

describe('choices the dialogs offer', () => {
  it('bridge mode offers the spec switches, then host bridges that are not a libvirt network’s', () => {
    const c = bridgeChoices(spec({ switches: [{ name: 'br-lan' }] }), state).map((x) => x.name);
    expect(c[0]).toBe('br-lan');
    expect(c).toContain('br0');
    expect(c).not.toContain('virbr-nnt');
  });

  it('DHCP listens where there is an address; NAT goes out where there is one, sources come from the spec', () => {
    const doc = spec({ switches: [{ name: 'br-lan', addresses: ['10.10.0.1/24'] }] });
    const d = dhcpInterfaceChoices(doc, state);
    expect(d[0]).toEqual({ name: 'br-lan', detail: 'switch, 10.10.0.1/24', cidrs: ['10.10.0.1/24'] });
    expect(d.map((x) => x.name)).toContain('br0');
    expect(d.map((x) => x.name)).not.toContain('lo');
    expect(natOutChoices(state).map((x) => x.name)).toContain('enp4s0');
    expect(natOutChoices(state).map((x) => x.name)).not.toContain('enp3s0');
    const withNet = putItem(doc, 'networks', undefined, { name: 'n1', ipv4: { address: '192.168.150.1/24' } });
    expect(natSourceChoices(withNet)).toEqual([
      { cidr: '192.168.150.0/24', what: 'network n1' },
      { cidr: '10.10.0.0/24', what: 'switch br-lan' },
    ]);
  });
});

describe('moving a VM NIC', () => {
  const nic = state.domains[0]!.nics[1]!;

  it('adds the VM and the NIC with its model, then changes only that NIC', () => {
    const doc = moveNic(spec(), 'nntest-vm', nic.mac, nic.model, { network: 'nntest-net' });
    expect(doc.vms).toEqual([{ name: 'nntest-vm', nics: [{ mac: nic.mac, model: 'e1000', network: 'nntest-net' }] }]);
    const again = moveNic(doc, 'nntest-vm', nic.mac.toUpperCase(), nic.model, {
      switch: 'br-lan',
      portGroup: 'servers',
    });
    expect(again.vms).toEqual([
      { name: 'nntest-vm', nics: [{ mac: nic.mac, model: 'e1000', switch: 'br-lan', portGroup: 'servers' }] },
    ]);
    expect(nicTargetOf(again, 'nntest-vm', nic.mac)).toEqual({ switch: 'br-lan', portGroup: 'servers' });
    const other = moveNic(again, 'nntest-vm', '52:54:00:aa:bb:01', 'virtio', { switch: 'br-lan', portGroup: '' });
    expect(other.vms?.[0]?.nics).toHaveLength(2);
    expect(other.vms?.[0]?.nics?.[1]).toEqual({ mac: '52:54:00:aa:bb:01', model: 'virtio', switch: 'br-lan' });
    expect(parseSpec(other).issues).toEqual([]);
  });

  it('reads where the host has a NIC in the spec’s words', () => {
    expect(hostNicTarget(state.domains[0]!.nics[0]!)).toEqual({ network: 'nntest-net', portGroup: 'web' });
    expect(hostNicTarget(nic)).toEqual({ switch: 'br-lan' });
    expect(hostNicTarget({ type: 'direct', source: 'enp3s0' })).toBeUndefined();
  });
});

describe('lease expiry', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  it('says when, relative to now', () => {
    expect(formatExpiry(null, now)).toBe('never');
    expect(formatExpiry('2026-01-01T12:00:30Z', now)).toBe('in 30 s');
    expect(formatExpiry('2026-01-01T12:42:00Z', now)).toBe('in 42 min');
    expect(formatExpiry('2026-01-01T15:05:00Z', now)).toBe('in 3 h 5 min');
    expect(formatExpiry('2026-01-03T13:00:00Z', now)).toBe('in 2 d 1 h');
    expect(formatExpiry('2026-01-01T11:58:00Z', now)).toBe('expired 2 min ago');
    expect(formatExpiry('soon', now)).toBe('soon');
  });
});

describe('new DHCP and NAT entries', () => {
  it('DHCP starts on a switch with its subnet’s upper half, never on a host NIC; NAT goes out the first NIC', () => {
    expect(newDhcp(spec(), state)).toEqual({
      name: 'dhcp',
      interface: 'br0',
      ranges: [{ start: '10.77.0.128', end: '10.77.0.254' }],
      hosts: [],
    });
    const noBridges = { ...state, links: state.links.filter((l) => l.kind !== 'bridge' && l.kind !== 'ovs-internal') };
    expect(newDhcp(spec(), noBridges).interface).toBe('');
    const doc = putItem(spec(), 'networks', undefined, { name: 'n1', ipv4: { address: '192.168.150.1/24' } });
    const nat = newNat(doc, state);
    expect(nat).toEqual({
      name: 'nat',
      sources: ['192.168.150.0/24'],
      outInterface: natOutChoices(state)[0]!.name,
      portForwards: [],
    });
    expect(itemIssues(doc, 'nat', undefined, nat, state)).toEqual([]);
  });
});

describe('cards NovaNet may change', () => {
  it('only the cards NovaNet attached, on a VM whose NovaNet metadata names this spec', () => {
    const xml =
      `<domain><name>v</name><metadata><novanet:nics xmlns:novanet="https://novanet.invalid/xmlns/1" owner="ws">` +
      `<novanet:nic mac="52:54:00:00:00:01"/></novanet:nics></metadata></domain>`;
    expect(nicLock({ owner: 'ws', xml }, 'ws', '52:54:00:00:00:01')).toBeNull();
    expect(nicLock({ owner: 'ws', xml }, 'ws', '52:54:00:00:00:02')).toMatch(/did not attach/);
    expect(nicLock({}, 'ws', '52:54:00:00:00:01')).toMatch(/did not attach/);
    expect(nicLock({ owner: 'other', xml }, 'ws', '52:54:00:00:00:01')).toMatch(/managed by spec other/);
    expect(nicLock({ owner: 'ws', xml, persistent: false }, 'ws', '52:54:00:00:00:01')).toMatch(/transient/);
  });

  it('a new card gets a QEMU MAC nobody uses; detaching takes it out of the spec only', () => {
    const taken = macsInUse(moveNic(spec(), 'nntest-vm', '52:54:00:00:00:01', 'virtio', { network: 'n' }), state);
    expect(taken).toEqual(['52:54:00:aa:bb:01', '52:54:00:aa:bb:02', '52:54:00:00:00:01']);
    const seq = [0, 0, 1 / 256, 0, 0, 2 / 256];
    expect(freshMac(taken, () => seq.shift() ?? 0)).toBe('52:54:00:00:00:02');
    const doc = moveNic(spec(), 'nntest-vm', '52:54:00:00:00:01', 'virtio', { network: 'n' });
    expect(removeNic(doc, 'nntest-vm', '52:54:00:00:00:01').vms).toEqual([{ name: 'nntest-vm', nics: [] }]);
    expect(removeNic(doc, 'other-vm', '52:54:00:00:00:01')).toBe(doc);
  });
});

describe('issues a dialog shows', () => {
  it('an empty field says so once', () => {
    const doc = putItem(spec(), 'nat', undefined, { name: 'n', sources: ['10.0.0.0/24'], outInterface: '' });
    const raw = parseSpec(doc).issues.filter((i) => i.path === 'nat[0].outInterface');
    expect(raw.length).toBeGreaterThan(1);
    expect(tidyIssues(raw)).toEqual([{ path: 'nat[0].outInterface', message: 'must not be empty' }]);
  });
});
