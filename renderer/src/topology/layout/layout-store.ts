/**
 * Node positions for the session, per target: what ELK placed and what the user dragged. Kept in
 * sessionStorage so a reload of the same window keeps the user's arrangement; a new window starts fresh.
 */
import type { XY } from './elk-graph';

const PREFIX = 'novanet.layout.v1:';
const SAVE_DELAY_MS = 400;

export class LayoutStore {
  private positions = new Map<string, XY>();
  private saveTimer: number | undefined;

  constructor(private readonly storageKey: string) {
    try {
      const raw = sessionStorage.getItem(storageKey);
      if (raw) {
        for (const [id, [x, y]] of Object.entries(JSON.parse(raw) as Record<string, [number, number]>)) {
          if (Number.isFinite(x) && Number.isFinite(y)) this.positions.set(id, { x, y });
        }
      }
    } catch {
      // Storage disabled or corrupt: start with an empty layout.
    }
  }

  has(id: string): boolean {
    return this.positions.has(id);
  }

  get(id: string): XY | undefined {
    return this.positions.get(id);
  }

  get size(): number {
    return this.positions.size;
  }

  /** A copy, so React sees a new value each time the store changes. */
  snapshot(): ReadonlyMap<string, XY> {
    return new Map(this.positions);
  }

  set(id: string, p: XY): void {
    this.positions.set(id, { x: p.x, y: p.y });
    this.scheduleSave();
  }

  setMany(entries: Iterable<[string, XY]>): void {
    for (const [id, p] of entries) this.positions.set(id, p);
    this.scheduleSave();
  }

  clear(): void {
    this.positions.clear();
    this.scheduleSave();
  }

  private scheduleSave(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = window.setTimeout(() => {
      this.saveTimer = undefined;
      const out: Record<string, [number, number]> = {};
      for (const [id, p] of this.positions) out[id] = [p.x, p.y];
      try {
        sessionStorage.setItem(this.storageKey, JSON.stringify(out));
      } catch {
        // Quota or disabled storage: positions still live in memory for this page.
      }
    }, SAVE_DELAY_MS);
  }
}

const stores = new Map<string, LayoutStore>();

export function layoutStoreFor(targetKey: string): LayoutStore {
  let store = stores.get(targetKey);
  if (!store) {
    store = new LayoutStore(PREFIX + targetKey);
    stores.set(targetKey, store);
  }
  return store;
}
