import ELK from 'elkjs/lib/elk.bundled.js';
import { LARGE_GRAPH, readElkPositions, toElkGraph, type LayoutInput, type LayoutResult } from './elk-graph';
import { pendantChains } from './chains';

// The bundled build runs ELK in-process (its own fake worker); this module is loaded inside our worker, or on
// the main thread only when a worker cannot be started.
const elk = new ELK();

export async function runLayout(input: LayoutInput): Promise<LayoutResult> {
  // Small graphs get ELK's own placement of every node; folding chains only pays off on big ones.
  const chains = input.nodes.length > LARGE_GRAPH ? pendantChains(input) : new Map<string, string[]>();
  return readElkPositions(await elk.layout(toElkGraph(input, chains)), chains);
}
