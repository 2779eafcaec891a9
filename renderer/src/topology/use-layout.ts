/**
 * Node positions for the current graph. Runs ELK only when the graph has nodes without a position, and then
 * places just those (see layout/place-new.ts), so a host change never reshuffles what the user is looking at.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TopologyGraph } from '../../../shared/topology/graph';
import type { LayoutInput, XY } from './layout/elk-graph';
import { layoutGraph } from './layout/layout-client';
import { layoutStoreFor, type LayoutStore } from './layout/layout-store';
import { gridPositions, placeNewNodes } from './layout/place-new';
import { rankOf } from './kind-style';

export interface LayoutState {
  positions: ReadonlyMap<string, XY>;
  /** True once every node that will be drawn first has a position. */
  ready: boolean;
  arranging: boolean;
  error: string | undefined;
  store: LayoutStore;
  /** Increments after each layout that started from nothing, so the view can fit to it. */
  fullLayouts: number;
  rearrange(): void;
}

function toLayoutInput(graph: TopologyGraph): LayoutInput {
  return {
    nodes: graph.nodes.map((n) => ({ id: n.id, kind: n.kind, label: n.label, netns: n.netns })),
    edges: graph.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, kind: e.kind })),
  };
}

export function useLayout(graph: TopologyGraph, targetKey: string): LayoutState {
  const store = useMemo(() => layoutStoreFor(targetKey), [targetKey]);
  const [version, setVersion] = useState(0);
  const [arranging, setArranging] = useState(false);
  const [error, setError] = useState<string>();
  const [fullLayouts, setFullLayouts] = useState(0);
  const inflight = useRef(0);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEffect(() => {
    const ids = graph.nodes.map((n) => n.id);
    if (ids.every((id) => store.has(id))) return;
    const fromScratch = !ids.some((id) => store.has(id));
    const input = toLayoutInput(graph);
    inflight.current++;
    setArranging(true);
    // Results are merged even if a newer graph arrived meanwhile: they only fill positions still missing,
    // and dropping them would starve the layout while the host keeps changing.
    const started = performance.now();
    layoutGraph(input)
      .then((fresh) => {
        store.setMany(placeNewNodes(store.snapshot(), fresh, ids, input.edges));
        // Visible in the browser's performance timeline; the e2e performance check reads it.
        performance.measure('novanet:layout', { start: started, detail: { nodes: ids.length, fromScratch } });
        if (mounted.current) setError(undefined);
      })
      .catch((err: unknown) => {
        console.error(err);
        const missing = graph.nodes.filter((n) => !store.has(n.id)).map((n) => ({ id: n.id, rank: rankOf(n.kind) }));
        store.setMany(gridPositions(missing));
        if (mounted.current) setError(err instanceof Error ? err.message : String(err));
      })
      .finally(() => {
        inflight.current--;
        if (!mounted.current) return;
        setVersion((v) => v + 1);
        if (fromScratch) setFullLayouts((n) => n + 1);
        if (inflight.current === 0) setArranging(false);
      });
  }, [graph, store]);

  // eslint-disable-next-line react-hooks/exhaustive-deps -- the store mutates in place; version marks changes
  const positions = useMemo(() => store.snapshot(), [store, version]);
  const ready = graph.nodes.length === 0 || graph.nodes.some((n) => positions.has(n.id));

  // Replaces every position at once when ELK answers, so the old drawing stays until the new one is ready.
  const latestGraph = useRef(graph);
  useEffect(() => {
    latestGraph.current = graph;
  }, [graph]);
  const rearrange = useCallback(() => {
    inflight.current++;
    setArranging(true);
    layoutGraph(toLayoutInput(latestGraph.current))
      .then((fresh) => {
        store.clear();
        store.setMany(Object.entries(fresh));
        if (mounted.current) {
          setError(undefined);
          setFullLayouts((n) => n + 1);
        }
      })
      .catch((err: unknown) => {
        if (mounted.current) setError(err instanceof Error ? err.message : String(err));
      })
      .finally(() => {
        inflight.current--;
        if (!mounted.current) return;
        setVersion((v) => v + 1);
        if (inflight.current === 0) setArranging(false);
      });
  }, [store]);

  return { positions, ready, arranging, error, store, fullLayouts, rearrange };
}
