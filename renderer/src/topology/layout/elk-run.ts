import ELK from 'elkjs/lib/elk.bundled.js';
import { readElkPositions, toElkGraph, type LayoutInput, type LayoutResult } from './elk-graph';

// The bundled build runs ELK in-process (its own fake worker); this module is loaded inside our worker, or on
// the main thread only when a worker cannot be started.
const elk = new ELK();

export async function runLayout(input: LayoutInput): Promise<LayoutResult> {
  return readElkPositions(await elk.layout(toElkGraph(input)));
}
