import { useMemo } from 'react';
import { X } from 'lucide-react';
import { nodeKindLabels, type GraphNode, type TopologyGraph } from '../../../shared/topology/graph';
import { kindIcons, unknownKindIcon } from './kind-style';
import { neighboursOf } from './relations';
import { PlaceAction } from './PlaceAction';
import { BridgeNicDetailsAction } from '../bridge-nic/BridgeNicAction';
import '../styles/details.css';

function formatValue(v: string | number | boolean): string {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

const stateLabels: Record<string, string> = { up: 'Up', down: 'Down', unknown: 'Unknown' };

interface DetailsPanelProps {
  node: GraphNode;
  graph: TopologyGraph;
  onSelect(id: string): void;
  onClose(): void;
}

export function DetailsPanel({ node, graph, onSelect, onClose }: DetailsPanelProps) {
  const neighbours = useMemo(() => neighboursOf(graph, node), [graph, node]);
  const Icon = kindIcons[node.kind] ?? unknownKindIcon;
  // The graph builder may already list the namespace among the attributes.
  const showNetns = Boolean(node.netns) && !node.attributes.some(([k]) => k.toLowerCase() === 'namespace');
  return (
    <aside className="details" data-testid="details-panel" aria-labelledby="details-title">
      <header className="details__header">
        <span className={`kind-tile kind-${node.kind}`} aria-hidden>
          <Icon size={18} />
        </span>
        <div className="details__heading">
          <h2 id="details-title" className="details__title" data-testid="details-title">
            {node.label}
          </h2>
          <div className="details__meta">
            <span>{nodeKindLabels[node.kind] ?? node.kind}</span>
            <span className={`state-badge state-badge--${node.state}`}>{stateLabels[node.state] ?? node.state}</span>
          </div>
        </div>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close details" title="Close (Escape)">
          <X size={16} aria-hidden />
        </button>
      </header>
      <div className="details__body">
        {node.sublabel && <p className="details__sublabel">{node.sublabel}</p>}
        <PlaceAction node={node} graph={graph} />
        <BridgeNicDetailsAction node={node} />
        <section aria-labelledby="details-attrs">
          <h3 id="details-attrs" className="details__section">
            Attributes
          </h3>
          <dl className="attrs" data-testid="details-attributes">
            {showNetns && (
              <div className="attrs__row">
                <dt>Namespace</dt>
                <dd>{node.netns}</dd>
              </div>
            )}
            {node.attributes.map(([k, v], i) => (
              <div className="attrs__row" key={`${k}-${i}`}>
                <dt>{k}</dt>
                <dd>{formatValue(v)}</dd>
              </div>
            ))}
          </dl>
          {node.attributes.length === 0 && !showNetns && <p className="details__none">No attributes reported.</p>}
        </section>
        <section aria-labelledby="details-links">
          <h3 id="details-links" className="details__section">
            Connections <span className="details__count">{neighbours.length}</span>
          </h3>
          {neighbours.length === 0 ? (
            <p className="details__none">Not connected to anything.</p>
          ) : (
            <ul className="neighbours" data-testid="details-neighbours">
              {neighbours.map(({ node: n, edge, relation }) => {
                const NIcon = kindIcons[n.kind] ?? unknownKindIcon;
                return (
                  <li key={edge.id}>
                    <button type="button" className="neighbour" onClick={() => onSelect(n.id)} title={`Go to ${n.label}`}>
                      <span className={`kind-tile kind-tile--small kind-${n.kind}`} aria-hidden>
                        <NIcon size={13} />
                      </span>
                      <span className="neighbour__text">
                        <span className="neighbour__label">
                          {n.label}
                          {n.netns && <span className="neighbour__ns">{n.netns}</span>}
                        </span>
                        <span className="neighbour__relation">
                          {relation}
                          {edge.label ? ` · ${edge.label}` : ''}
                        </span>
                      </span>
                      <span className={`net-node__dot dot-${n.state}`} aria-label={stateLabels[n.state] ?? n.state} />
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      </div>
    </aside>
  );
}
