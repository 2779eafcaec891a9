/**
 * NovaNet's nft table: the script (atomic replace idiom, one table only), values re-checked, and the parser of
 * `nft -j list table inet novanet` - against a listing recorded from the real nft 1.0.6 after loading the
 * builder's script (test/fixtures/vmnet/nft-list-table.json), so the JSON shapes are nft's, not guessed.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  buildNftScript,
  natRulesModel,
  NFT_REMOVE_SCRIPT,
  parseNftTable,
  type NatRulesModel,
} from '../../../shared/plan/nft-ruleset';
import { ConfigValueError } from '../../../shared/plan/config-guard';
import { natSpecSchema } from '../../../shared/spec/vm-networks';

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/vmnet/nft-list-table.json', import.meta.url), 'utf8'),
) as { nftables: Record<string, unknown>[] };
/** The spec the fixture was generated from. */
const nat = [
  natSpecSchema.parse({
    name: 'lan-out',
    sources: ['10.10.0.0/24', '10.20.0.7/32'],
    outInterface: 'enp3s0',
    portForwards: [
      { protocol: 'tcp', port: 8080, to: '10.10.0.42:80' },
      { protocol: 'udp', port: 5353, to: '10.10.0.42:53' },
    ],
  }),
  natSpecSchema.parse({ name: 'lab', sources: ['192.168.150.0/24'], outInterface: 'wlan0' }),
];

describe('the script', () => {
  it('replaces the table atomically and names no other table', () => {
    const script = buildNftScript(natRulesModel(nat));
    const lines = script.split('\n');
    expect(lines.slice(1, 4)).toEqual(['table inet novanet {}', 'delete table inet novanet', 'table inet novanet {']);
    expect(script.match(/\btable\s+\S+\s+\S+/g)?.every((t) => t.startsWith('table inet novanet'))).toBe(true);
    expect(script).toContain(
      '    type nat hook postrouting priority srcnat; policy accept;\n    ip saddr 10.10.0.0/24 oifname "enp3s0" masquerade comment "lan-out"',
    );
    expect(script).toContain(
      'iifname "enp3s0" fib daddr type local tcp dport 8080 dnat ip to 10.10.0.42:80 comment "lan-out"',
    );
    expect(script).toContain(
      'type filter hook forward priority filter; policy accept;\n    ct state established,related accept',
    );
    expect(script).toContain('ip daddr 10.10.0.42 udp dport 53 ct status dnat accept comment "lan-out"');
  });
  it('masks host bits and writes /32 as a bare address, as nft prints it back', () => {
    const m = natRulesModel([
      natSpecSchema.parse({ name: 'n', sources: ['10.1.2.3/24', '10.9.9.9/32'], outInterface: 'eth0' }),
    ]);
    expect(m.masquerade[0]?.sources).toEqual(['10.1.2.0/24', '10.9.9.9/32']);
    expect(buildNftScript(m)).toContain('ip saddr 10.9.9.9 oifname "eth0" masquerade');
  });
  it('no NAT means no table: the removal script', () => {
    expect(buildNftScript({ masquerade: [], forwards: [] })).toBe(NFT_REMOVE_SCRIPT);
    expect(NFT_REMOVE_SCRIPT.split('\n').slice(1)).toEqual(['table inet novanet {}', 'delete table inet novanet', '']);
  });
  it.each([
    [
      'outInterface',
      { masquerade: [{ name: 'n', sources: ['10.0.0.0/8'], outInterface: 'eth0" accept; #' }], forwards: [] },
      'masquerade[0].outInterface',
    ],
    [
      'a source',
      { masquerade: [{ name: 'n', sources: ['10.0.0.0/8 counter'], outInterface: 'eth0' }], forwards: [] },
      'masquerade[0].sources[0]',
    ],
    [
      'a name',
      { masquerade: [{ name: 'n"\n}', sources: ['10.0.0.0/8'], outInterface: 'eth0' }], forwards: [] },
      'masquerade[0].name',
    ],
    [
      'a port',
      { masquerade: [], forwards: [{ name: 'n', protocol: 'tcp', port: 0, to: '10.0.0.1:80', inInterface: 'eth0' }] },
      'forwards[0].port',
    ],
    [
      'a target',
      {
        masquerade: [],
        forwards: [{ name: 'n', protocol: 'tcp', port: 80, to: '10.0.0.1:80\n', inInterface: 'eth0' }],
      },
      'forwards[0].to',
    ],
    [
      'a protocol',
      { masquerade: [], forwards: [{ name: 'n', protocol: 'sctp', port: 80, to: '10.0.0.1:80', inInterface: 'eth0' }] },
      'forwards[0].protocol',
    ],
  ])('refuses %s that would break the rule', (_what, model, field) => {
    try {
      buildNftScript(model as NatRulesModel);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigValueError);
      expect((e as ConfigValueError).field).toBe(field);
    }
  });
});

describe('parsing nft -j list table inet novanet', () => {
  it('gives back the model the script was built from, with no drift', () => {
    expect(parseNftTable(fixture)).toEqual({ exists: true, drift: [], ...natRulesModel(nat) });
  });
  it('no table: exists false and nothing in it', () => {
    expect(parseNftTable({ nftables: [{ metainfo: { version: '1.0.6' } }] })).toEqual({
      exists: false,
      masquerade: [],
      forwards: [],
      drift: [],
    });
  });
  it('ignores other tables in a full ruleset listing', () => {
    const other = [
      { table: { family: 'ip', name: 'libvirt_network', handle: 1 } },
      {
        chain: {
          family: 'ip',
          table: 'libvirt_network',
          name: 'forward',
          handle: 1,
          type: 'filter',
          hook: 'forward',
          prio: 0,
          policy: 'accept',
        },
      },
      { rule: { family: 'ip', table: 'libvirt_network', chain: 'forward', handle: 2, expr: [{ drop: null }] } },
    ];
    expect(parseNftTable({ nftables: [...fixture.nftables, ...other] }).drift).toEqual([]);
  });
  it('reports a rule added by hand, a removed forward rule and a changed policy as drift', () => {
    const items = structuredClone(fixture.nftables);
    items.push({
      rule: {
        family: 'inet',
        table: 'novanet',
        chain: 'prerouting',
        handle: 99,
        expr: [{ counter: { packets: 0, bytes: 0 } }, { accept: null }],
      },
    });
    const fwdRules = items.filter((i) => (i.rule as { chain?: string } | undefined)?.chain === 'forward');
    items.splice(items.indexOf(fwdRules[fwdRules.length - 1]!), 1);
    (
      items.find((i) => (i.chain as { name?: string } | undefined)?.name === 'forward')!.chain as { policy: string }
    ).policy = 'drop';
    expect(parseNftTable({ nftables: items }).drift).toEqual([
      'chain forward is not "type filter hook forward priority 0; policy accept"',
      'unrecognised rule in chain prerouting: counter accept',
      'missing rule in chain forward: ip daddr 10.10.0.42 udp dport 53 ct status dnat accept comment "lan-out"',
    ]);
  });
});
