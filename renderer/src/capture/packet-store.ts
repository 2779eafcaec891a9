/**
 * Live packet summaries per capture, outside React: the server sends at most 20 per 100 ms, and the list keeps
 * the newest MAX_ROWS of them (the full capture is in the file; Wireshark is the tool for all of it).
 */
import type { CapturePackets, CaptureProgress, PacketSummary } from '../../../shared/model/capture';

export const MAX_ROWS = 5000;

export interface PacketView {
  rows: readonly PacketSummary[];
  /** Packets the server left out of the live list (rate bound), and rows this list dropped (its own cap). */
  omitted: number;
  trimmed: number;
  version: number;
}

const EMPTY: PacketView = Object.freeze({
  rows: Object.freeze([]) as readonly PacketSummary[],
  omitted: 0,
  trimmed: 0,
  version: 0,
});

export class PacketStore {
  private readonly views = new Map<string, PacketView>();
  private readonly progress = new Map<string, CaptureProgress>();
  private readonly listeners = new Set<() => void>();
  private version = 0;

  constructor(readonly cap = MAX_ROWS) {}

  view(id: string | null): PacketView {
    return (id && this.views.get(id)) || EMPTY;
  }

  progressOf(id: string): CaptureProgress | undefined {
    return this.progress.get(id);
  }

  /** A changing number that React's useSyncExternalStore compares; any change of any capture bumps it. */
  snapshot = (): number => this.version;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  addPackets(batch: CapturePackets): void {
    const prev = this.views.get(batch.id) ?? EMPTY;
    let rows = prev.rows.concat(batch.packets);
    let trimmed = prev.trimmed;
    if (rows.length > this.cap) {
      trimmed += rows.length - this.cap;
      rows = rows.slice(rows.length - this.cap);
    }
    this.views.set(batch.id, { rows, omitted: prev.omitted + batch.more, trimmed, version: prev.version + 1 });
    this.emit();
  }

  setProgress(p: CaptureProgress): void {
    this.progress.set(p.id, p);
    this.emit();
  }

  forget(id: string): void {
    this.views.delete(id);
    this.progress.delete(id);
    this.emit();
  }

  private emit(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
