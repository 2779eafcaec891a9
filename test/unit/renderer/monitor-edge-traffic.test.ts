import { describe, expect, it } from 'vitest';
import { edgeCaptureNode, edgeLoad, loadLevel } from '../../../renderer/src/monitor/edge-traffic';
import type { SeriesSample } from '../../../shared/model/stats';

const nodes = new Map([
  ['br', { kind: 'bridge' as const }],
  ['port', { kind: 'veth' as const }],
  ['peer', { kind: 'veth' as const }],
  ['ns', { kind: 'namespace' as const }],
  ['nic', { kind: 'nic' as const }],
  ['vlan', { kind: 'vlan' as const }],
]);
const keyOfNode = new Map([
  ['br', 'if:br'],
  ['port', 'if:port'],
  ['nic', 'if:nic'],
  ['vlan', 'if:vlan'],
]);
const s = (key: string, bps: number, errors = 0): SeriesSample => ({
  key,
  rxBps: bps,
  txBps: 0,
  rxPps: 0,
  txPps: 0,
  rxErrors: errors,
  txErrors: 0,
  rxDrops: 0,
  txDrops: 0,
});

describe('edge traffic', () => {
  it("takes a bridge port's traffic for its member edge, not the bridge device's own", () => {
    const latest = new Map(
      [
        ['if:br', s('if:br', 50)],
        ['if:port', s('if:port', 9000)],
      ].map(([k, v]) => [k as string, v as SeriesSample]),
    );
    expect(edgeLoad({ source: 'port', target: 'br' }, nodes, keyOfNode, latest)).toEqual({
      key: 'if:port',
      nodeId: 'port',
      bps: 9000,
      bad: false,
    });
  });

  it('takes the quieter device when both ends carry counters, and keeps either end’s errors', () => {
    const latest = new Map(
      [
        ['if:nic', s('if:nic', 1e9, 2)],
        ['if:vlan', s('if:vlan', 1e6)],
      ].map(([k, v]) => [k as string, v as SeriesSample]),
    );
    expect(edgeLoad({ source: 'vlan', target: 'nic' }, nodes, keyOfNode, latest)).toEqual({
      key: 'if:vlan',
      nodeId: 'vlan',
      bps: 1e6,
      bad: true,
    });
    expect(edgeLoad({ source: 'ns', target: 'peer' }, nodes, keyOfNode, latest)).toBeUndefined();
  });

  it('captures an edge on its device end, else its non-container end', () => {
    expect(edgeCaptureNode({ source: 'port', target: 'br' }, nodes, keyOfNode)).toBe('port');
    expect(edgeCaptureNode({ source: 'ns', target: 'peer' }, nodes, keyOfNode)).toBe('peer');
  });

  it('grades bit/s on a log scale', () => {
    expect([0, 999, 5e3, 5e6, 5e7, 5e8, 5e9].map(loadLevel)).toEqual([0, 0, 1, 2, 3, 4, 5]);
  });
});
