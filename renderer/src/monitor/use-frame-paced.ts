/**
 * Spreads chart redraws over animation frames. A 1 Hz sample changes every chart at once; drawn in one task,
 * 20 Recharts charts block the main thread for over 100 ms (7 dropped frames a second). Recharts renders
 * through its own store, which React's transitions cannot slice, so the slicing is done here: each frame redraws
 * charts until a few milliseconds are spent, and the rest wait for the next frame.
 */
import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';

/** Leaves room in a 16.7 ms frame for style, layout and paint of what was redrawn. */
const BUDGET_MS = 6;
const queue = new Set<() => void>();
let scheduled = false;

function run(): void {
  scheduled = false;
  const start = performance.now();
  for (const job of queue) {
    queue.delete(job);
    job();
    if (performance.now() - start > BUDGET_MS) break;
  }
  if (queue.size > 0) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(run);
}

/** Returns `value`, taking a new one only in a frame with time to spare for it. */
export function useFramePaced<T>(value: T): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (Object.is(shown, value)) return;
    // Rendered synchronously inside the frame's budget, not in a later task that would block a frame.
    const job = () => flushSync(() => setShown(value));
    queue.add(job);
    schedule();
    return () => {
      queue.delete(job);
    };
  }, [value, shown]);
  return shown;
}
