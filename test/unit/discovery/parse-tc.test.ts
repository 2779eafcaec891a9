/** tc discovery for Linux-bridge mirrors, on output recorded from iproute2 6.1 (`tc -j`). */
import { describe, expect, it } from 'vitest';
import { clsactPorts, filterBatch, parseFilterBatch } from '../../../electron/services/discovery/parse-tc';
import { veth } from '../plan/sim';

const QDISCS = JSON.stringify([
  { kind: 'noqueue', handle: '0:', dev: 'vb', root: true, refcnt: 2, options: {} },
  { kind: 'noqueue', handle: '0:', dev: 'va', root: true, refcnt: 2, options: {} },
  { kind: 'clsact', handle: 'ffff:', dev: 'va', parent: 'ffff:fff1', options: {} },
  { kind: 'clsact', handle: 'ffff:', dev: 'lone', parent: 'ffff:fff1', options: {} },
]);
// `filter show dev va ingress`, `... egress`: a NovaNet mirror (u32 match-all + mirred with a cookie), a foreign u32.
const VA_INGRESS =
  '[{"protocol":"all","pref":49152,"kind":"u32","chain":0},{"protocol":"all","pref":49152,"kind":"u32","chain":0,"options":{"fh":"800:","ht_divisor":1}},{"protocol":"all","pref":49152,"kind":"u32","chain":0,"options":{"fh":"800::800","order":2048,"key_ht":"800","bkt":"0","not_in_hw":true,"match":{"value":"0","mask":"0","offmask":"","off":0},"actions":[{"order":1,"kind":"mirred","mirred_action":"mirror","direction":"egress","to_dev":"vb","control_action":{"type":"pipe"},"index":1,"ref":1,"bind":1,"cookie":"6e6e6d31aabbccdd"}]}}]';
const VA_EGRESS =
  '[{"protocol":"ip","pref":10,"kind":"u32","chain":0},{"protocol":"ip","pref":10,"kind":"u32","chain":0,"options":{"fh":"801:","ht_divisor":1}},{"protocol":"ip","pref":10,"kind":"u32","chain":0,"options":{"fh":"801::800","order":2048,"key_ht":"801","bkt":"0","flowid":"1:1","not_in_hw":true,"match":{"value":"0","mask":"0","offmask":"","off":0}}}]';

describe('tc discovery', () => {
  const links = [
    veth('va', { master: 'br0' }),
    veth('vb', { master: 'br0' }),
    veth('lone'),
    { ...veth('br0'), kind: 'bridge' as const },
  ];

  it('asks for filters only on bridge ports that have a clsact qdisc, both hooks, in one batch', () => {
    const { clsact, ports } = clsactPorts(QDISCS, links);
    expect(clsact).toEqual(['lone', 'va']);
    expect(ports).toEqual(['va']);
    expect(filterBatch(ports)).toBe('filter show dev va ingress\nfilter show dev va egress\n');
    expect(clsactPorts('[]', links)).toEqual({ clsact: [], ports: [] });
  });

  it('reads one entry per priority and hook, with the mirred target and cookie', () => {
    expect(parseFilterBatch(`${VA_INGRESS}\n${VA_EGRESS}\n`, ['va'], ['va'])).toEqual({
      clsact: ['va'],
      filters: [
        { dev: 'va', direction: 'ingress', pref: 49152, kind: 'u32', mirredTo: 'vb', cookie: '6e6e6d31aabbccdd' },
        { dev: 'va', direction: 'egress', pref: 10, kind: 'u32' },
      ],
    });
  });

  it('fails loudly when the batch answered fewer questions than it was asked (a device went away)', () => {
    expect(() => parseFilterBatch(`${VA_INGRESS}\n`, ['va'], ['va'])).toThrow(/1 answers for 2 questions/);
    expect(() => parseFilterBatch('not json\n[]\n', ['va'], ['va'])).toThrow(/not JSON/);
  });
});
