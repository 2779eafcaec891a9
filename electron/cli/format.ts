/** Human-readable tables for `novanet topology`. */
import type { HostState } from '../../shared/model/host-state';
import type { TopologyGraph } from '../../shared/topology/graph';
import { describeTarget } from '../../shared/model/target';

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatTopology(state: HostState, graph: TopologyGraph): string {
  const out: string[] = [`Target: ${describeTarget(state.target)}   taken ${state.takenAt}`, ''];
  out.push(
    table(
      ['SOURCE', 'STATUS', 'MS', 'DETAIL'],
      Object.entries(state.sources).map(([name, s]) => [name, s.status, s.durationMs.toFixed(0), s.message ?? '']),
    ),
    '',
  );
  out.push(
    table(
      ['LINK', 'KIND', 'STATE', 'MTU', 'MASTER', 'PEER/PARENT', 'ADDRESSES'],
      state.links.map((l) => [
        l.name,
        l.kind,
        l.operState,
        String(l.mtu),
        l.master ?? '',
        l.peer ? `${l.peer.name ?? `#${l.peer.ifindex}`}${l.peer.netns ? `@${l.peer.netns}` : ''}` : (l.parent ?? ''),
        l.addresses.map((a) => `${a.address}/${a.prefixLength}`).join(' '),
      ]),
    ),
  );
  if (state.bridges.length) {
    out.push('', table(['BRIDGE', 'STP', 'VLAN FILTERING', 'PORTS'], state.bridges.map((b) => [b.name, b.stp.enabled ? 'on' : 'off', b.vlanFiltering ? 'on' : 'off', b.ports.map((p) => `${p.name}(${p.state})`).join(' ')])));
  }
  if (state.ovsBridges.length) {
    out.push(
      '',
      table(
        ['OVS BRIDGE', 'DATAPATH', 'PORTS'],
        state.ovsBridges.map((b) => [
          b.name,
          b.datapathType,
          b.ports
            .filter((p) => p.name !== b.name)
            .map((p) => `${p.name}${p.tag !== undefined ? `[vlan ${p.tag}]` : p.trunks.length ? `[trunk ${p.trunks.join(',')}]` : ''}`)
            .join(' '),
        ]),
      ),
    );
  }
  if (state.networks.length) {
    out.push('', table(['NETWORK', 'MODE', 'ACTIVE', 'BRIDGE', 'SUBNET'], state.networks.map((n) => [n.name, n.forwardMode, n.active ? 'yes' : 'no', n.bridge ?? '', n.ips.map((i) => `${i.address}/${i.prefix}`).join(' ')])));
  }
  if (state.domains.length) {
    out.push('', table(['VM', 'STATE', 'NICS'], state.domains.map((d) => [d.name, d.state, d.nics.map((n) => `${n.mac}→${n.source ?? '?'}${n.target ? `(${n.target})` : ''}`).join(' ')])));
  }
  out.push('', `Graph: ${graph.nodes.length} nodes, ${graph.edges.length} edges`);
  return out.join('\n');
}
