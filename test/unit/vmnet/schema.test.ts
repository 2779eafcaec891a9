/**
 * The VM-network sections' schema: formats and which fields go together. Each bad input from issue 5 yields an
 * issue naming the field and the reason.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { networkSpecSchema } from '../../../shared/spec/schema';
import { zodPath } from '../../../shared/spec/validate';
import { validateVmNetworks, vmNetworkSections, vmNetworkSectionsSchema } from '../../../shared/spec/vm-networks';
import { host as workstation, labNat, type SectionsInput } from './support';

/** The YAML of issue 5, with the switch its dhcp and VM NICs need. */
const ISSUE_5_YAML = `
apiVersion: novanet/v1
kind: HostNetwork
metadata: { name: ws }
switches:
  - name: br-lan
    addresses: [10.10.0.1/24]
    vlanFiltering: true
    portGroups: [{ name: servers, vlan: 10 }]
networks:
  - name: lab-nat
    mode: nat
    bridge: virbr-lab
    ipv4:
      address: 192.168.150.1/24
      dhcp:
        ranges: [{ start: 192.168.150.100, end: 192.168.150.199, leaseTime: 1h }]
        hosts: [{ mac: "52:54:00:00:00:10", name: web, ip: 192.168.150.10 }]
    dns: { domain: lab.internal }
    autostart: true
vms:
  - name: web01
    nics:
      - { mac: "52:54:00:aa:bb:cc", network: lab-nat, model: virtio }
      - { mac: "52:54:00:aa:bb:cd", switch: br-lan, portGroup: servers }
dhcp:
  - name: lan-dhcp
    interface: br-lan
    ranges: [{ start: 10.10.0.100, end: 10.10.0.150, leaseTime: 1h }]
    hosts: [{ mac: "02:00:00:00:00:42", name: c2, ip: 10.10.0.42 }]
    options: { router: 10.10.0.1, dns: [10.10.0.1] }
nat:
  - name: lan-out
    sources: [10.10.0.0/24]
    outInterface: enp3s0
    portForwards:
      - { protocol: tcp, port: 8080, to: "10.10.0.42:80" }
`;

function issues(input: SectionsInput | Record<string, unknown>): { path: string; message: string }[] {
  const r = vmNetworkSectionsSchema.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => ({ path: zodPath(i.path), message: i.message }));
}
const host = (h: Record<string, unknown>) => ({
  networks: [labNat({ ipv4: { address: '192.168.150.1/24', dhcp: { hosts: [h] } } })],
});
const nat = (f: Record<string, unknown>) => ({
  nat: [
    { name: 'n', outInterface: 'enp3s0', portForwards: [{ protocol: 'tcp', port: 8080, to: '10.10.0.42:80', ...f }] },
  ],
});

describe('the example of issue 5', () => {
  it('parses, with defaults and normalisation', () => {
    const r = vmNetworkSectionsSchema.parse({
      networks: [labNat()],
      vms: [
        {
          name: 'web01',
          nics: [
            { mac: '52:54:00:AA:BB:CC', network: 'lab-nat' },
            { mac: '52-54-00-aa-bb-cd', switch: 'br-lan', portGroup: 'servers' },
          ],
        },
      ],
      dhcp: [
        {
          name: 'lan-dhcp',
          interface: 'br-lan',
          ranges: [{ start: '10.10.0.100', end: '10.10.0.150', leaseTime: 3600 }],
          options: { router: '10.10.0.1', dns: ['10.10.0.1'] },
        },
      ],
      nat: [
        {
          name: 'lan-out',
          sources: ['10.10.0.0/24'],
          outInterface: 'enp3s0',
          portForwards: [{ protocol: 'tcp', port: 8080, to: '10.10.0.42:80' }],
        },
      ],
    });
    expect(r.networks[0]).toMatchObject({ mode: 'nat', autostart: true });
    expect(r.vms[0]?.nics.map((n) => [n.mac, n.model])).toEqual([
      ['52:54:00:aa:bb:cc', 'virtio'],
      ['52:54:00:aa:bb:cd', 'virtio'],
    ]);
    expect(r.dhcp[0]?.ranges[0]?.leaseTime).toBe('3600');
    expect(r.dhcp[0]?.hosts).toEqual([]);
  });
  it('every section defaults to empty, so a switches-only spec stays valid', () => {
    expect(vmNetworkSectionsSchema.parse({})).toEqual({ networks: [], vms: [], dhcp: [], nat: [] });
    const merged = z.object({ other: z.string(), ...vmNetworkSections }).strict();
    expect(merged.parse({ other: 'x' }).nat).toEqual([]);
  });
  it('spreads into the NetworkSpec schema: the YAML of issue 5 parses and validates as a whole', () => {
    // What schema.ts will do: z.object({ ...existing, ...vmNetworkSections }).strict(); extend() is the same here.
    const merged = networkSpecSchema.extend(vmNetworkSections);
    const spec = merged.parse(parseYaml(ISSUE_5_YAML));
    expect(spec.networks[0]?.name).toBe('lab-nat');
    expect(validateVmNetworks(spec, workstation())).toEqual([]);
    expect(Object.keys((z.toJSONSchema(merged, { io: 'input' }) as { properties: object }).properties)).toEqual(
      expect.arrayContaining(['switches', 'networks', 'vms', 'dhcp', 'nat']),
    );
  });
  it('gives a JSON Schema for the input side (novanet schema)', () => {
    const js = z.toJSONSchema(vmNetworkSectionsSchema, { io: 'input' }) as { properties: Record<string, unknown> };
    expect(Object.keys(js.properties)).toEqual(['networks', 'vms', 'dhcp', 'nat']);
  });
});

describe('MAC addresses', () => {
  it.each([
    ['01:00:5e:00:00:01', 'multicast'],
    ['ff:ff:ff:ff:ff:ff', 'multicast'],
    ['00:00:00:00:00:00', 'all zeros'],
    ['52:54:00:00:00', 'like 52:54:00:12:34:56'],
    ['52:54:00:00:00:0g', 'like 52:54:00:12:34:56'],
    ['52:54:00:00:00:10\n', 'like 52:54:00:12:34:56'],
  ])('%j is refused (%s)', (mac, why) => {
    expect(issues(host({ mac, ip: '192.168.150.10' }))).toEqual([
      { path: 'networks[0].ipv4.dhcp.hosts[0].mac', message: expect.stringContaining(why) },
    ]);
  });
  it('upper case and dashes are normalised', () => {
    const r = vmNetworkSectionsSchema.parse({
      vms: [{ name: 'v', nics: [{ mac: '02-AB-CD-EF-00-01', network: 'n' }] }],
    });
    expect(r.vms[0]?.nics[0]?.mac).toBe('02:ab:cd:ef:00:01');
  });
});

describe('host names (one RFC 1123 label)', () => {
  it.each([
    ['web\nx', 'contains a newline'],
    ['web,x', 'contains a comma'],
    ['web#x', "contains '#'"],
    ['web"x', 'contains a quote'],
    ["web'x", 'contains a quote'],
    ['web x', 'contains whitespace'],
    ['web.lab', "contains '.'"],
    ['-web', "starts or ends with '-'"],
    ['web-', "starts or ends with '-'"],
    ['a'.repeat(64), 'at most 63'],
  ])('%j is refused: %s', (name, why) => {
    expect(issues(host({ mac: '52:54:00:00:00:10', name, ip: '192.168.150.10' }))).toEqual([
      { path: 'networks[0].ipv4.dhcp.hosts[0].name', message: expect.stringContaining(why) },
    ]);
  });
  it('a plain label passes, and the name is optional', () => {
    expect(issues(host({ mac: '52:54:00:00:00:10', name: 'Web-01', ip: '192.168.150.10' }))).toEqual([]);
    expect(issues(host({ mac: '52:54:00:00:00:10', ip: '192.168.150.10' }))).toEqual([]);
  });
});

describe('XML metacharacters and other bad characters in names', () => {
  it.each(['lab<nat', 'lab>nat', 'lab&nat', "lab'nat", 'lab"nat', 'lab nat', 'lab/nat', 'lab\nnat', '-lab', '..', ''])(
    'network name %j is refused',
    (name) => {
      const r = issues({ networks: [labNat({ name })] });
      expect(r).toEqual([{ path: 'networks[0].name', message: expect.any(String) }]);
    },
  );
  it('the message names the character', () => {
    expect(issues({ networks: [labNat({ name: 'a<b' })] })[0]?.message).toMatch(
      /^contains '<' \(an XML metacharacter\)/,
    );
    expect(issues({ vms: [{ name: 'web&01' }] })).toEqual([
      { path: 'vms[0].name', message: expect.stringMatching(/^contains '&'/) },
    ]);
  });
  it('a DNS domain with & or a trailing dot is refused; a description with & is fine', () => {
    expect(issues({ networks: [labNat({ dns: { domain: 'lab&co.internal' } })] })[0]?.path).toBe(
      'networks[0].dns.domain',
    );
    expect(issues({ networks: [labNat({ dns: { domain: 'lab.internal.' } })] })[0]?.path).toBe(
      'networks[0].dns.domain',
    );
    expect(issues({ networks: [labNat({ description: 'R&D <lab> "net"' })] })).toEqual([]);
    expect(issues({ networks: [labNat({ description: 'two\nlines' })] })).toEqual([
      { path: 'networks[0].description', message: expect.stringContaining('newline') },
    ]);
  });
});

describe('ports and port forwards', () => {
  it.each([0, 65536, -1, 80.5])('port %j is refused', (port) => {
    expect(issues(nat({ port }))).toEqual([
      { path: 'nat[0].portForwards[0].port', message: expect.stringContaining('65535') },
    ]);
  });
  it.each([
    ['10.10.0.42:0', '1 to 65535'],
    ['10.10.0.42:65536', '1 to 65535'],
    ['10.10.0.42', 'IP:PORT'],
    ['10.10.0.256:80', 'IPv4 address'],
    ['host:80', 'IP:PORT'],
  ])('to %j is refused', (to, why) => {
    expect(issues(nat({ to }))).toEqual([{ path: 'nat[0].portForwards[0].to', message: expect.stringContaining(why) }]);
  });
  it('protocol is tcp or udp; a NAT entry needs sources or forwards', () => {
    expect(issues(nat({ protocol: 'icmp' }))).toEqual([
      { path: 'nat[0].portForwards[0].protocol', message: 'must be tcp or udp' },
    ]);
    expect(issues({ nat: [{ name: 'n', outInterface: 'enp3s0' }] })).toEqual([
      { path: 'nat[0].sources', message: 'a NAT entry needs sources or portForwards' },
    ]);
    expect(issues({ nat: [{ name: 'n', outInterface: 'enp3s0', sources: ['10.0.0.0/33'] }] })[0]?.path).toBe(
      'nat[0].sources[0]',
    );
  });
});

describe('lease times', () => {
  const lease = (leaseTime: unknown) =>
    vmNetworkSectionsSchema.safeParse({
      networks: [
        labNat({
          ipv4: {
            address: '192.168.150.1/24',
            dhcp: { ranges: [{ start: '192.168.150.100', end: '192.168.150.199', leaseTime }] },
          },
        }),
      ],
    });
  it.each([
    ['1h', '1h'],
    ['30m', '30m'],
    [3600, '3600'],
    ['3600', '3600'],
    ['2d', '48h'],
    ['infinite', 'infinite'],
  ])('%j becomes %j', (input, out) => {
    const r = lease(input);
    expect(r.success && r.data.networks[0]?.ipv4?.dhcp?.ranges[0]?.leaseTime).toBe(out);
  });
  it.each(['1x', '1 h', '60', '1m', 'forever', '-5'])('%j is refused', (input) => {
    const r = lease(input);
    expect(r.success).toBe(false);
    expect(zodPath(r.error?.issues[0]?.path ?? [])).toBe('networks[0].ipv4.dhcp.ranges[0].leaseTime');
  });
});

describe('fields that go together', () => {
  it('mode bridge needs a bridge and takes no address or DNS', () => {
    expect(issues({ networks: [{ name: 'b', mode: 'bridge' }] })).toEqual([
      { path: 'networks[0].bridge', message: expect.stringContaining('needs the switch') },
    ]);
    expect(issues({ networks: [labNat({ mode: 'bridge', bridge: 'br-lan' })] }).map((i) => i.path)).toEqual([
      'networks[0].ipv4',
      'networks[0].dns',
    ]);
  });
  it('nat and route need an address; open and isolated do not', () => {
    expect(issues({ networks: [{ name: 'n', mode: 'nat' }] })).toEqual([
      { path: 'networks[0].ipv4', message: expect.stringContaining('needs an address') },
    ]);
    expect(issues({ networks: [{ name: 'n', mode: 'route' }] })[0]?.path).toBe('networks[0].ipv4');
    expect(
      issues({
        networks: [
          { name: 'n', mode: 'isolated' },
          { name: 'o', mode: 'open' },
        ],
      }),
    ).toEqual([]);
  });
  it('the network address is a host address with a usable prefix', () => {
    expect(issues({ networks: [labNat({ ipv4: { address: '192.168.150.0/24' } })] })[0]).toEqual({
      path: 'networks[0].ipv4.address',
      message: expect.stringContaining('host address'),
    });
    expect(issues({ networks: [labNat({ ipv4: { address: '192.168.150.255/24' } })] })[0]?.path).toBe(
      'networks[0].ipv4.address',
    );
    expect(issues({ networks: [labNat({ ipv4: { address: '192.168.150.1/31' } })] })[0]?.message).toContain('/30');
    expect(issues({ networks: [labNat({ ipv4: { address: '192.168.150.1' } })] })[0]?.path).toBe(
      'networks[0].ipv4.address',
    );
  });
  it('a NIC names exactly one of network or switch', () => {
    expect(issues({ vms: [{ name: 'v', nics: [{ mac: '52:54:00:00:00:01' }] }] })).toEqual([
      { path: 'vms[0].nics[0].network', message: 'a NIC attaches to exactly one of network or switch' },
    ]);
    expect(
      issues({ vms: [{ name: 'v', nics: [{ mac: '52:54:00:00:00:01', network: 'n', switch: 'br-lan' }] }] })[0]?.path,
    ).toBe('vms[0].nics[0].switch');
  });
  it('unknown keys are refused everywhere', () => {
    expect(issues({ networks: [labNat({ forwardDev: 'eth0' })] })).toEqual([
      { path: 'networks[0]', message: expect.stringContaining('forwardDev') },
    ]);
    expect(
      issues({
        dhcp: [
          {
            name: 'd',
            interface: 'br-lan',
            ranges: [{ start: '10.10.0.100', end: '10.10.0.150' }],
            options: { gateway: '10.10.0.1' },
          },
        ],
      })[0]?.path,
    ).toBe('dhcp[0].options');
    expect(issues({ firewall: [] })[0]?.message).toContain('firewall');
  });
  it('a standalone DHCP server needs a range', () => {
    expect(issues({ dhcp: [{ name: 'd', interface: 'br-lan', ranges: [] }] })).toEqual([
      { path: 'dhcp[0].ranges', message: 'a DHCP server needs at least one range' },
    ]);
  });
});
