/**
 * Live traffic on the topology's edges: width and colour by bit/s, red where errors or drops are counted.
 * Edge objects are reused while their level does not change, so React Flow redraws only edges whose look changed.
 */
import { startTransition, useCallback, useMemo, useRef, useState } from 'react';
import type { SeriesSample, StatsSampleEvent } from '../../../shared/model/stats';
import type { TopologyGraph } from '../../../shared/topology/graph';
import type { NetFlowEdge } from '../topology/flow-types';
import { formatRate } from './format';
import { edgeCaptureNode, edgeLoad, loadLevel } from './edge-traffic';
import { useSeriesList } from './use-series-list';
import { useStatsSubscription } from './use-stats-subscription';

const spec = { kinds: ['interface' as const, 'vnic' as const], intervalS: 2 };
const STORAGE = 'novanet.topology.traffic';

export interface EdgeTraffic {
  edges: NetFlowEdge[];
  enabled: boolean;
  setEnabled(on: boolean): void;
  /** For "Capture here…" on an edge. */
  captureNodeOf(edgeId: string): string | undefined;
  error: Error | null;
}

export function useEdgeTraffic(graph: TopologyGraph, edges: NetFlowEdge[]): EdgeTraffic {
  const [enabled, setEnabledState] = useState(() => localStorage.getItem(STORAGE) === 'on');
  const setEnabled = useCallback((on: boolean) => {
    setEnabledState(on);
    try {
      localStorage.setItem(STORAGE, on ? 'on' : 'off');
    } catch {
      // Not remembered; the toggle still works.
    }
  }, []);
  const list = useSeriesList(enabled);
  const [latest, setLatest] = useState<ReadonlyMap<string, SeriesSample>>(new Map());
  const onSample = useCallback((e: StatsSampleEvent) => {
    const m = new Map(e.samples.map((s) => [s.key, s]));
    startTransition(() => setLatest(m));
  }, []);
  const error = useStatsSubscription(enabled ? spec : null, onSample);

  const nodes = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph.nodes]);
  const keyOfNode = useMemo(() => {
    const m = new Map<string, string>();
    for (const s of list.data?.series ?? [])
      if (s.nodeId && (s.kind === 'interface' || s.kind === 'vnic')) m.set(s.nodeId, s.key);
    return m;
  }, [list.data]);
  const graphEdges = useMemo(() => new Map(graph.edges.map((e) => [e.id, e])), [graph.edges]);

  const cache = useRef(new Map<string, { base: NetFlowEdge; sig: string; edge: NetFlowEdge }>());
  const out = useMemo(() => {
    if (!enabled) return edges;
    const next = new Map<string, { base: NetFlowEdge; sig: string; edge: NetFlowEdge }>();
    const result = edges.map((e) => {
      const ge = graphEdges.get(e.id);
      const load = ge && edgeLoad(ge, nodes, keyOfNode, latest);
      if (!load) return e;
      const level = loadLevel(load.bps);
      if (level === 0 && !load.bad) return e;
      const rate = formatRate(load.bps, 'bits');
      const sig = `${level}|${load.bad}|${rate}`;
      const hit = cache.current.get(e.id);
      const edge =
        hit && hit.base === e && hit.sig === sig
          ? hit.edge
          : {
              ...e,
              className: `${e.className ?? ''} traffic traffic-l${level}${load.bad ? ' traffic-bad' : ''}`,
              label: typeof e.label === 'string' && e.label ? `${e.label} · ${rate}` : rate,
            };
      next.set(e.id, { base: e, sig, edge });
      return edge;
    });
    cache.current = next;
    return result;
  }, [enabled, edges, graphEdges, nodes, keyOfNode, latest]);

  const captureNodeOf = useCallback(
    (edgeId: string) => {
      const ge = graphEdges.get(edgeId);
      return ge ? edgeCaptureNode(ge, nodes, keyOfNode) : undefined;
    },
    [graphEdges, nodes, keyOfNode],
  );

  return { edges: out, enabled, setEnabled, captureNodeOf, error };
}
