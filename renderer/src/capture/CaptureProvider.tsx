import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { FINAL_STATES } from '../../../shared/model/capture';
import { useModel } from '../model/model-context';
import { CaptureContext, type CaptureModel, type CapturePrefill } from './capture-context';
import { PacketStore } from './packet-store';

const listKey = ['capture.list'] as const;

/**
 * Captures outlive the Capture view: a capture started there keeps streaming while the user looks at the graph,
 * and its packets are there when they come back. Events are heard from app start for that reason.
 */
export function CaptureProvider({ children, onOpen }: { children: ReactNode; onOpen(): void }) {
  const { api } = useModel();
  const queryClient = useQueryClient();
  const store = useRef(new PacketStore()).current;
  const [selectedId, select] = useState<string | null>(null);
  const [prefill, setPrefill] = useState<CapturePrefill | null>(null);
  const list = useQuery({
    queryKey: listKey,
    queryFn: () => api.invoke('capture.list', {}),
    // Sizes and durations of running captures grow; finished ones do not need polling.
    refetchInterval: (q) => (q.state.data?.captures.some((c) => !FINAL_STATES.includes(c.state)) ? 2000 : 30_000),
  });
  const refresh = useCallback(() => void queryClient.invalidateQueries({ queryKey: listKey }), [queryClient]);

  useEffect(() => {
    const states = new Map<string, string>();
    const offProgress = api.on('capture.progress', (p) => {
      store.setProgress(p);
      // A capture starting (here or from the CLI) while none is shown becomes the one whose packets are listed.
      if (!states.has(p.id) && (p.state === 'starting' || p.state === 'running')) select((cur) => cur ?? p.id);
      // A new capture (maybe from the CLI) or a changed state: the list has new rows or final numbers.
      if (states.get(p.id) !== p.state) refresh();
      states.set(p.id, p.state);
    });
    const offPackets = api.on('capture.packets', (b) => store.addPackets(b));
    return () => {
      offProgress();
      offPackets();
    };
  }, [api, store, refresh]);

  const seq = useRef(0);
  const captureNode = useCallback(
    (nodeId: string, label: string) => {
      setPrefill({ nodeId, label, seq: ++seq.current });
      onOpen();
    },
    [onOpen],
  );

  const model = useMemo<CaptureModel>(
    () => ({ list, packets: store, selectedId, select, prefill, captureNode, refresh }),
    [list, store, selectedId, prefill, captureNode, refresh],
  );
  return <CaptureContext.Provider value={model}>{children}</CaptureContext.Provider>;
}
