/**
 * Pendant chains: runs of nodes that hang off the graph one after another to the right, such as a bridge port,
 * its veth peer in a namespace and that namespace. ELK's cost grows with the node count, and on real hosts these
 * chains are most of the nodes, so big graphs are laid out with each chain folded into its first node (made as
 * wide as the chain) and unfolded afterwards. The chain still lands where ELK would have put it: in consecutive
 * layers, on one row, since every member has only its neighbours in the chain.
 */
import { orientEdge, type Chains, type LayoutEdge, type LayoutInput, type LayoutNode } from './elk-graph';

export function pendantChains(input: LayoutInput): Chains {
  const byId = new Map<string, LayoutNode>(input.nodes.map((n) => [n.id, n]));
  const adjacent = new Map<string, Map<string, LayoutEdge>>();
  const link = (a: string, b: string, e: LayoutEdge) => {
    let m = adjacent.get(a);
    if (!m) adjacent.set(a, (m = new Map()));
    m.set(b, e);
  };
  for (const e of input.edges) {
    if (e.source === e.target || !byId.has(e.source) || !byId.has(e.target)) continue;
    link(e.source, e.target, e);
    link(e.target, e.source, e);
  }
  const degree = (id: string) => adjacent.get(id)?.size ?? 0;
  // True when the edge between a and b is drawn with a on the left.
  const leftOf = (a: string, b: string) => {
    const e = adjacent.get(a)!.get(b)!;
    const flip = orientEdge(byId.get(e.source)!, byId.get(e.target)!, e.kind);
    return (flip ? e.target : e.source) === a;
  };

  const chains = new Map<string, string[]>();
  const taken = new Set<string>();
  for (const leaf of input.nodes) {
    if (degree(leaf.id) !== 1 || taken.has(leaf.id)) continue;
    // Walk from the leaf towards the rest of the graph while nodes have exactly two neighbours.
    const run = [leaf.id];
    let prev = leaf.id;
    let cur: string | undefined = adjacent.get(leaf.id)!.keys().next().value;
    while (cur !== undefined && degree(cur) === 2 && !taken.has(cur)) {
      run.push(cur);
      const next: string | undefined = [...adjacent.get(cur)!.keys()].find((n) => n !== prev);
      prev = cur;
      cur = next;
    }
    run.reverse();
    // Only a chain that reads left to right from where it hangs can be unfolded as a row.
    if (cur !== undefined && !leftOf(cur, run[0]!)) continue;
    let end = 1;
    while (end < run.length && leftOf(run[end - 1]!, run[end]!)) end++;
    if (end < 2) continue;
    const head = run[0]!;
    const tail = run.slice(1, end);
    chains.set(head, tail);
    taken.add(head);
    for (const id of tail) taken.add(id);
  }
  return chains;
}
