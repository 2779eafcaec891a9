/** fast-check generators of valid VM-network values, shared by the round-trip property tests. */
import fc from 'fast-check';
import { intToIp } from '../../../shared/spec/ipv4';
import { networkModes, nicModels } from '../../../shared/spec/vm-networks';

export const objectName = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
export const ifName = fc.stringMatching(/^[a-z][a-z0-9_-]{0,14}$/);
export const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
export const domainName = fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.'));
export const mac = fc
  .array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 })
  .filter((o) => o.some((x) => x !== 0))
  .map((o) => o.map((x, i) => (i === 0 ? x & 0xfe : x).toString(16).padStart(2, '0')).join(':'))
  .filter((m) => m !== '00:00:00:00:00:00');
export const vlan = fc.integer({ min: 1, max: 4094 });
export const leaseTime = fc.oneof(
  fc.constant('infinite'),
  fc.integer({ min: 120, max: 86_400 }).map(String),
  fc.integer({ min: 2, max: 1440 }).map((m) => `${m}m`),
  fc.integer({ min: 1, max: 720 }).map((h) => `${h}h`),
);
/** Free text with the characters XML must escape, but no control characters (the schema refuses those). */
export const description = fc.string({
  unit: fc.constantFrom(...'ab Z09&<>"\'éß;#,=/'.split('')),
  minLength: 1,
  maxLength: 40,
});

/** A subnet with its gateway (first host), and addresses drawn inside it. */
export const subnet = fc
  .record({
    a: fc.integer({ min: 1, max: 223 }),
    b: fc.integer({ min: 0, max: 255 }),
    prefix: fc.integer({ min: 16, max: 28 }),
  })
  .map(({ a, b, prefix }) => {
    const network = (a * 2 ** 24 + b * 2 ** 16) & ~(2 ** (32 - prefix) - 1);
    const net = network >>> 0;
    return { net, prefix, size: 2 ** (32 - prefix), gateway: `${intToIp(net + 1)}/${prefix}` };
  });

const hostIn = (s: { net: number; size: number }) =>
  fc.integer({ min: 2, max: s.size - 2 }).map((k) => intToIp(s.net + k));

export const dhcp = (s: { net: number; size: number }) =>
  fc.record({
    ranges: fc.array(
      fc
        .tuple(hostIn(s), hostIn(s), fc.option(leaseTime, { nil: undefined }))
        .map(([start, end, leaseTime]) => (leaseTime ? { start, end, leaseTime } : { start, end })),
      { maxLength: 3 },
    ),
    hosts: fc.array(
      fc
        .tuple(mac, fc.option(label, { nil: undefined }), hostIn(s))
        .map(([m, name, ip]) => (name ? { mac: m, name, ip } : { mac: m, ip })),
      { maxLength: 4 },
    ),
  });

export const portGroup = fc.oneof(
  objectName.map((name) => ({ name })),
  fc.tuple(objectName, vlan).map(([name, v]) => ({ name, vlan: v })),
  fc
    .tuple(objectName, fc.array(vlan, { minLength: 1, maxLength: 5 }), fc.option(vlan, { nil: undefined }))
    .map(([name, trunk, nativeVlan]) => ({ name, trunk, nativeVlan })),
);

type SwitchView = {
  type: 'linux' | 'ovs';
  portGroups: { name: string; vlan?: number; trunk?: number[]; nativeVlan?: number }[];
};
/** A spec network entry (input form) plus the switch a bridge-mode network points at. */
export const network = fc
  .constantFrom(...networkModes)
  .chain((mode): fc.Arbitrary<{ net: Record<string, unknown>; sw: SwitchView | undefined }> => {
    const common = { name: objectName, description: fc.option(description, { nil: undefined }) };
    if (mode === 'bridge') {
      return fc
        .record({
          ...common,
          bridge: ifName,
          sw: fc.record({
            type: fc.constantFrom('linux' as const, 'ovs' as const),
            portGroups: fc.uniqueArray(portGroup, { selector: (g) => g.name, maxLength: 3 }),
          }),
        })
        .map(({ sw, ...n }) => ({ net: { ...n, mode }, sw }));
    }
    return subnet.chain((s) =>
      fc
        .record({
          ...common,
          bridge: fc.option(ifName, { nil: undefined }),
          dhcp: fc.option(dhcp(s), { nil: undefined }),
          domain: fc.option(domainName, { nil: undefined }),
          withIp: mode === 'nat' || mode === 'route' ? fc.constant(true) : fc.boolean(),
        })
        .map(({ dhcp: d, domain, withIp, ...n }) => ({
          net: {
            ...n,
            mode,
            ...(withIp ? { ipv4: { address: s.gateway, ...(d ? { dhcp: d } : {}) } } : {}),
            ...(domain ? { dns: { domain } } : {}),
          },
          sw: undefined,
        })),
    );
  });

export const nicModel = fc.constantFrom(...nicModels);
