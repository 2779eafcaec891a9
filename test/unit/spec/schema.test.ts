/**
 * The spec schema: every bad input of issue 3's "Bad input" list is refused with an issue that names the field
 * (path) and says why; YAML goes through the `yaml` package as users write it; trunks expand as documented.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { expandTrunk, networkSpecSchema, type NetworkSpecInput } from '../../../shared/spec/schema';
import { parseSpec, type SpecIssue } from '../../../shared/spec/validate';

/** A valid spec touching every section; each test breaks one field of a fresh copy. */
function base(): NetworkSpecInput & Record<string, unknown> {
  return {
    apiVersion: 'novanet/v1',
    kind: 'HostNetwork',
    metadata: { name: 'workstation' },
    switches: [
      {
        name: 'br-lan',
        type: 'linux',
        uplinks: ['enp3s0'],
        addresses: ['10.10.0.1/24'],
        mtu: 1500,
        stp: { enabled: true, priority: 32768, forwardDelay: 4, helloTime: 2, maxAge: 20 },
        vlanFiltering: true,
        portGroups: [
          { name: 'servers', vlan: 10 },
          { name: 'trunk', trunk: [10, 20, '30-40'], nativeVlan: 20 },
        ],
        ports: [{ name: 'vm-web-eth0', portGroup: 'servers' }],
      },
      {
        name: 'ovs-dmz',
        type: 'ovs',
        uplinks: ['enp4s0'],
        datapath: 'auto',
        failMode: 'standalone',
        controller: { target: 'tcp:127.0.0.1:6653', protocols: ['OpenFlow13'] },
        portGroups: [{ name: 'dmz', vlan: 30 }],
        ports: [{ name: 'dmz-gw', portGroup: 'dmz', internal: true }],
      },
    ],
    vlans: [{ name: 'vlan100', parent: 'enp3s0', id: 100 }],
    overlays: [{ name: 'vx-t1', type: 'vxlan', vni: 10001, local: '192.0.2.10', remote: '192.0.2.20', dstPort: 4789, switch: 'br-lan' }],
  };
}

/** Sets `value` at a dotted/indexed path like `switches.0.ports.0.name` in a fresh base spec. */
function withValue(path: string, value: unknown): unknown {
  const spec = base() as Record<string, unknown>;
  const keys = path.split('.');
  let o = spec as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[keys[keys.length - 1] as string] = value;
  return spec;
}

function issuesOf(data: unknown): SpecIssue[] {
  const r = parseSpec(data);
  if (r.issues.length === 0) expect(r.spec).toBeDefined();
  else expect(r.spec).toBeUndefined();
  return r.issues;
}

describe('the base spec', () => {
  it('is valid and fills defaults', () => {
    const r = parseSpec(base());
    expect(r.issues).toEqual([]);
    expect(r.spec?.switches[1]?.addresses).toEqual([]);
    expect(parseSpec({ apiVersion: 'novanet/v1', kind: 'HostNetwork', metadata: { name: 'x' } }).spec).toMatchObject({ switches: [], vlans: [], overlays: [] });
    expect(parseSpec({ apiVersion: 'novanet/v1', kind: 'HostNetwork', metadata: { name: 'x' }, switches: [{ name: 'br0' }] }).spec?.switches[0]?.type).toBe('linux');
  });
});

describe('interface names follow the kernel rules, at every place a name appears', () => {
  const badNames: [string, RegExp][] = [
    ['', /must not be empty/],
    ['a'.repeat(16), /at most 15 characters/],
    ['.', /must not be '\.' or '\.\.'/],
    ['..', /must not be '\.' or '\.\.'/],
    ['a/b', /may contain only/],
    ['a b', /may contain only/],
    ['a:b', /may contain only/],
    ['-x', /must not start with '-'/],
    ['--force', /must not start with '-'/],
    ['a\nb', /may contain only/],
    ['eth0\n', /may contain only/],
    ['a\tb', /may contain only/],
  ];
  const places: [string, string][] = [
    ['switches.0.name', 'switches[0].name'],
    ['switches.0.uplinks.0', 'switches[0].uplinks[0]'],
    ['switches.0.ports.0.name', 'switches[0].ports[0].name'],
    ['switches.1.ports.0.name', 'switches[1].ports[0].name'],
    ['vlans.0.name', 'vlans[0].name'],
    ['vlans.0.parent', 'vlans[0].parent'],
    ['overlays.0.name', 'overlays[0].name'],
    ['overlays.0.switch', 'overlays[0].switch'],
  ];
  for (const [name, why] of badNames) {
    it(`refuses ${JSON.stringify(name)}`, () => {
      for (const [at, path] of places) {
        const issues = issuesOf(withValue(at, name));
        expect(issues.length, `${at} = ${JSON.stringify(name)}`).toBeGreaterThan(0);
        expect(issues.every((i) => i.path === path), JSON.stringify(issues)).toBe(true);
        expect(issues.some((i) => why.test(i.message)), JSON.stringify(issues)).toBe(true);
      }
    });
  }

  it('accepts 15 characters and the allowed punctuation', () => {
    expect(issuesOf(withValue('switches.0.name', 'a'.repeat(15)))).toEqual([]);
    expect(issuesOf(withValue('switches.0.name', 'br_lan.2-x'))).toEqual([]);
    expect(issuesOf(withValue('switches.0.name', '.x'))).toEqual([]);
  });

  it('refuses bad spec names (metadata.name) and bad port-group names', () => {
    for (const n of ['', 'Work', '-x', 'a b', 'a/b', 'x'.repeat(33), 'a\nb']) {
      const issues = issuesOf(withValue('metadata.name', n));
      expect(issues.map((i) => i.path)).toContain('metadata.name');
    }
    for (const n of ['', 'a b', 'a\nb', 'a/b']) {
      expect(issuesOf(withValue('switches.0.portGroups.0.name', n)).map((i) => i.path)).toContain('switches[0].portGroups[0].name');
    }
  });
});

describe('VLAN ids are whole numbers 1-4094', () => {
  const vlanPlaces: [string, string][] = [
    ['switches.0.portGroups.0.vlan', 'switches[0].portGroups[0].vlan'],
    ['switches.0.portGroups.1.nativeVlan', 'switches[0].portGroups[1].nativeVlan'],
    ['vlans.0.id', 'vlans[0].id'],
  ];
  const bad: [unknown, RegExp][] = [
    [0, /from 1 to 4094/],
    [4095, /from 1 to 4094/],
    [-1, /from 1 to 4094/],
    ['1e3', /whole number from 1 to 4094/],
    ['10', /whole number from 1 to 4094/],
    [1.5, /whole number/],
    [null, /whole number from 1 to 4094/],
    [true, /whole number from 1 to 4094/],
  ];
  for (const [v, why] of bad) {
    it(`refuses ${JSON.stringify(v)}`, () => {
      for (const [at, path] of vlanPlaces) {
        const issues = issuesOf(withValue(at, v));
        expect(issues.length).toBeGreaterThan(0);
        expect(issues.every((i) => i.path === path && why.test(i.message)), `${at}: ${JSON.stringify(issues)}`).toBe(true);
      }
    });
  }
  it('accepts 1, 4094 and 1000', () => {
    for (const v of [1, 4094, 1000]) for (const [at] of vlanPlaces) expect(issuesOf(withValue(at, v))).toEqual([]);
  });

  it('trunk entries: ids and ranges, each refused entry named by index', () => {
    const issues = issuesOf(withValue('switches.0.portGroups.1.trunk', [10, '30-40', '40-30', '0-5', '4000-4095', 4095, 1.5, 'x', '1e3']));
    const paths = new Set(issues.map((i) => i.path));
    expect(paths).toEqual(new Set([2, 3, 4, 5, 6, 7, 8].map((i) => `switches[0].portGroups[1].trunk[${i}]`)));
    expect(issues.find((i) => i.path.endsWith('trunk[2]'))?.message).toMatch(/start <= end/);
    expect(issuesOf(withValue('switches.0.portGroups.1.trunk', []))[0]?.path).toBe('switches[0].portGroups[1].trunk');
  });

  it('a group is an access VLAN or a trunk, not both; nativeVlan needs a trunk', () => {
    const both = issuesOf(withValue('switches.0.portGroups.0', { name: 'g', vlan: 10, trunk: [20] }));
    expect(both).toEqual([{ path: 'switches[0].portGroups[0].trunk', message: expect.stringMatching(/either an access VLAN/) }]);
    const native = issuesOf(withValue('switches.0.portGroups.0', { name: 'g', vlan: 10, nativeVlan: 10 }));
    expect(native).toEqual([{ path: 'switches[0].portGroups[0].nativeVlan', message: 'nativeVlan needs a trunk' }]);
  });
});

describe('VNI and MTU ranges', () => {
  it('VNI: 0 and 16777215 pass; 16777216, -1 and 1.5 are refused', () => {
    expect(issuesOf(withValue('overlays.0.vni', 16_777_215))).toEqual([]);
    expect(issuesOf(withValue('overlays.0.vni', 0))).toEqual([]);
    expect(issuesOf(withValue('overlays.0.vni', 16_777_216))).toEqual([{ path: 'overlays[0].vni', message: 'must be below 2^24 (16777216)' }]);
    expect(issuesOf(withValue('overlays.0.vni', -1))[0]?.path).toBe('overlays[0].vni');
    expect(issuesOf(withValue('overlays.0.vni', 1.5))).toEqual([{ path: 'overlays[0].vni', message: 'must be a whole number' }]);
  });
  it('MTU: 68 and 65535 pass; 67 and 65536 are refused', () => {
    expect(issuesOf(withValue('switches.0.mtu', 68))).toEqual([]);
    expect(issuesOf(withValue('switches.0.mtu', 65535))).toEqual([]);
    expect(issuesOf(withValue('switches.0.mtu', 67))).toEqual([{ path: 'switches[0].mtu', message: 'must be from 68 to 65535' }]);
    expect(issuesOf(withValue('switches.0.mtu', 65536))).toEqual([{ path: 'switches[0].mtu', message: 'must be from 68 to 65535' }]);
    expect(issuesOf(withValue('switches.0.mtu', 1500.5))[0]?.path).toBe('switches[0].mtu');
  });
  it('STP timers have their kernel ranges', () => {
    expect(issuesOf(withValue('switches.0.stp.forwardDelay', 1))).toEqual([{ path: 'switches[0].stp.forwardDelay', message: 'must be from 2 to 30 seconds' }]);
    expect(issuesOf(withValue('switches.0.stp.helloTime', 11))[0]?.path).toBe('switches[0].stp.helloTime');
    expect(issuesOf(withValue('switches.0.stp.maxAge', 41))[0]?.path).toBe('switches[0].stp.maxAge');
    expect(issuesOf(withValue('switches.0.stp.priority', 65536))[0]?.path).toBe('switches[0].stp.priority');
  });
  it('addresses, tunnel endpoints and controller targets', () => {
    expect(issuesOf(withValue('switches.0.addresses', ['10.0.0.1']))[0]?.path).toBe('switches[0].addresses[0]');
    expect(issuesOf(withValue('switches.0.addresses', ['10.0.0.256/24']))[0]?.path).toBe('switches[0].addresses[0]');
    expect(issuesOf(withValue('switches.0.addresses', ['fd00::1/64', '10.0.0.1/32']))).toEqual([]);
    expect(issuesOf(withValue('overlays.0.remote', '192.0.2.300'))[0]?.path).toBe('overlays[0].remote');
    expect(issuesOf(withValue('switches.1.controller.target', 'tcp:1.2.3.4:6653; reboot'))[0]?.path).toBe('switches[1].controller.target');
    expect(issuesOf(withValue('switches.1.controller.protocols', ['OpenFlow16']))[0]?.path).toBe('switches[1].controller.protocols[0]');
  });
  it('overlay rules: GENEVE needs a remote; remote and group exclude each other', () => {
    expect(issuesOf(withValue('overlays.0', { name: 'gn0', type: 'geneve', vni: 1 }))).toEqual([{ path: 'overlays[0].remote', message: 'a GENEVE tunnel needs a remote' }]);
    expect(issuesOf(withValue('overlays.0', { name: 'vx0', type: 'vxlan', vni: 1, remote: '192.0.2.1', group: '239.1.1.1' }))).toEqual([{ path: 'overlays[0].group', message: 'remote and group exclude each other' }]);
  });
});

describe('unknown keys and wrong types', () => {
  it('names unknown keys at every level', () => {
    expect(issuesOf({ ...base(), extra: 1 })).toEqual([{ path: '(root)', message: 'unknown key "extra"' }]);
    expect(issuesOf(withValue('switches.0.colour', 'red'))).toEqual([{ path: 'switches[0]', message: 'unknown key "colour"' }]);
    expect(issuesOf(withValue('switches.0.stp.bogus', 1))).toEqual([{ path: 'switches[0].stp', message: 'unknown key "bogus"' }]);
    expect(issuesOf(withValue('switches.0.ports.0.vlan', 10))).toEqual([{ path: 'switches[0].ports[0]', message: 'unknown key "vlan"' }]);
    expect(issuesOf(withValue('switches.0.portGroups.0.tagged', true))).toEqual([{ path: 'switches[0].portGroups[0]', message: 'unknown key "tagged"' }]);
    expect(issuesOf(withValue('metadata.labels', {}))).toEqual([{ path: 'metadata', message: 'unknown key "labels"' }]);
    expect(issuesOf(withValue('overlays.0.ttl', 3))).toEqual([{ path: 'overlays[0]', message: 'unknown key "ttl"' }]);
    const two = issuesOf(withValue('vlans.0', { name: 'v', parent: 'p', id: 3, a: 1, b: 2 }));
    expect(two).toEqual([{ path: 'vlans[0]', message: 'unknown keys "a", "b"' }]);
  });

  it('names wrong types', () => {
    const cases: [string, unknown, string][] = [
      ['switches.0.uplinks', 'enp3s0', 'switches[0].uplinks'],
      ['switches.0.stp', 'yes', 'switches[0].stp'],
      ['switches.0.stp.enabled', 'true', 'switches[0].stp.enabled'],
      ['switches.0.type', 'bond', 'switches[0].type'],
      ['switches.0.mtu', '1500', 'switches[0].mtu'],
      ['switches.0.ports', { name: 'x' }, 'switches[0].ports'],
      ['switches.0.ports.0.internal', 'no', 'switches[0].ports[0].internal'],
      ['switches.1.datapath', 'kernel', 'switches[1].datapath'],
      ['switches', {}, 'switches'],
      ['overlays.0.type', 'gre', 'overlays[0].type'],
      ['apiVersion', 'novanet/v2', 'apiVersion'],
      ['kind', 'Other', 'kind'],
      ['metadata', 'ws', 'metadata'],
    ];
    for (const [at, v, path] of cases) {
      const issues = issuesOf(withValue(at, v));
      expect(issues.map((i) => i.path), `${at}=${JSON.stringify(v)}`).toEqual([path]);
    }
    expect(issuesOf(null)[0]?.path).toBe('(root)');
    expect(issuesOf('apiVersion: novanet/v1')[0]?.path).toBe('(root)');
  });

  it('reports every problem at once, not just the first', () => {
    const spec = withValue('switches.0.mtu', 67) as ReturnType<typeof base>;
    (spec.vlans as { id: number }[])[0]!.id = 0;
    (spec.overlays as { vni: number }[])[0]!.vni = 16_777_216;
    expect(issuesOf(spec).map((i) => i.path).sort()).toEqual(['overlays[0].vni', 'switches[0].mtu', 'vlans[0].id']);
  });
});

describe('YAML through the yaml package', () => {
  const doc = (vlan: string) => `apiVersion: novanet/v1
kind: HostNetwork
metadata: { name: workstation }
switches:
  - name: ovs-dmz
    type: ovs
    portGroups:
      - name: dmz
        vlan: ${vlan}
    ports:
      - { name: dmz-gw, portGroup: dmz, internal: true }
`;

  it('a document as users write it parses and validates', () => {
    const r = parseSpec(parseYaml(doc('30')));
    expect(r.issues).toEqual([]);
    expect(r.spec?.switches[0]?.portGroups[0]?.vlan).toBe(30);
  });

  it('unquoted `vlan: 1e3` is a YAML number (1000) and is a valid VLAN; quoted "1e3" is a string and is refused', () => {
    const unquoted = parseYaml(doc('1e3')) as { switches: { portGroups: { vlan: unknown }[] }[] };
    expect(unquoted.switches[0]?.portGroups[0]?.vlan).toBe(1000);
    expect(parseSpec(unquoted).issues).toEqual([]);
    const quoted = parseYaml(doc('"1e3"'));
    expect(parseSpec(quoted).issues).toEqual([{ path: 'switches[0].portGroups[0].vlan', message: 'must be a whole number from 1 to 4094' }]);
    // Other YAML number spellings land as numbers too: 5e3 is 5000 (out of range), 1.5e3 is 1500 (valid).
    expect(parseSpec(parseYaml(doc('5e3'))).issues).toEqual([{ path: 'switches[0].portGroups[0].vlan', message: 'must be from 1 to 4094' }]);
    expect(parseSpec(parseYaml(doc('1.5e3'))).issues).toEqual([]);
    expect(parseSpec(parseYaml(doc('4.5'))).issues[0]?.message).toMatch(/whole number/);
  });

  it('unknown keys and wrong types in YAML are named', () => {
    const bad = `${doc('30')}    mtu: big\n    colour: red\n`;
    const issues = parseSpec(parseYaml(bad)).issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'switches[0]', message: 'unknown key "colour"' },
        { path: 'switches[0].mtu', message: expect.stringMatching(/expected number/) },
      ]),
    );
  });

  it('a name with a newline from a YAML block scalar is refused', () => {
    const y = `apiVersion: novanet/v1\nkind: HostNetwork\nmetadata: { name: ws }\nswitches:\n  - name: |\n      br0\n      rm\n`;
    const issues = parseSpec(parseYaml(y)).issues;
    expect(issues).toEqual([{ path: 'switches[0].name', message: expect.stringMatching(/may contain only/) }]);
  });

  it('round-trips: stringify then parse gives the same spec', () => {
    const spec = parseSpec(base()).spec!;
    expect(parseSpec(parseYaml(stringifyYaml(spec))).spec).toEqual(spec);
  });
});

describe('JSON Schema from the same zod schema', () => {
  it('is generated and closed (additionalProperties false) at the top and per switch', () => {
    interface Js {
      additionalProperties?: boolean;
      properties: Record<string, Js & { items: Js; enum?: string[] }>;
    }
    const js = z.toJSONSchema(networkSpecSchema, { io: 'input', unrepresentable: 'any' }) as unknown as Js;
    expect(js.additionalProperties).toBe(false);
    expect(Object.keys(js.properties)).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'switches', 'vlans', 'overlays']));
    const sw = js.properties.switches!.items;
    expect(sw.additionalProperties).toBe(false);
    expect(sw.properties.type!.enum).toEqual(['linux', 'ovs']);
    expect(sw.properties.mtu).toMatchObject({ minimum: 68, maximum: 65535 });
  });
});

describe('expandTrunk', () => {
  it('expands ranges, keeps single ids, sorts and removes duplicates', () => {
    expect(expandTrunk([10, 20, '30-40'])).toEqual([10, 20, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
    expect(expandTrunk(['5-7', 6, 3, '7-8', 3])).toEqual([3, 5, 6, 7, 8]);
    expect(expandTrunk(['100-100'])).toEqual([100]);
    expect(expandTrunk([])).toEqual([]);
    expect(expandTrunk(['1-4094'])).toHaveLength(4094);
  });
  it('expands exactly what the schema accepted', () => {
    const r = parseSpec(withValue('switches.0.portGroups.1.trunk', ['4090-4094', 1]));
    expect(expandTrunk(r.spec!.switches[0]!.portGroups[1]!.trunk!)).toEqual([1, 4090, 4091, 4092, 4093, 4094]);
  });
});
