import { createContext, useContext } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import type { CaptureInfo } from '../../../shared/model/capture';
import type { PacketStore } from './packet-store';

/** What "Capture here…" on the graph hands to the capture form. */
export interface CapturePrefill {
  nodeId: string;
  label: string;
  /** Bumped per request, so asking twice for the same node still refills the form. */
  seq: number;
}

export interface CaptureModel {
  list: UseQueryResult<{ captures: CaptureInfo[] }, Error>;
  packets: PacketStore;
  /** The capture whose packets the list shows. */
  selectedId: string | null;
  select(id: string | null): void;
  prefill: CapturePrefill | null;
  /** Opens the Capture view with the form set to this graph node. */
  captureNode(nodeId: string, label: string): void;
  refresh(): void;
}

export const CaptureContext = createContext<CaptureModel | null>(null);

export function useCapture(): CaptureModel {
  const c = useContext(CaptureContext);
  if (!c) throw new Error('useCapture must be used inside <CaptureProvider>');
  return c;
}

/** Used by the topology's context menu, which may render where no capture provider is (tests, storybooks). */
export function useOptionalCapture(): CaptureModel | null {
  return useContext(CaptureContext);
}
