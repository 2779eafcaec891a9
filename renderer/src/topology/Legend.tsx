import { useState } from 'react';
import { ChevronDown, ChevronRight } from 'lucide-react';
import { edgeKinds, type EdgeKind } from '../../../shared/topology/graph';
import { edgeKindLabels } from './kind-style';

/** What each line style means; collapsed to a single button until asked for. */
export function Legend({ present }: { present: ReadonlySet<string> }) {
  const [open, setOpen] = useState(false);
  const kinds = edgeKinds.filter((k: EdgeKind) => present.has(k));
  if (kinds.length === 0) return null;
  return (
    <div className={`legend${open ? ' is-open' : ''}`}>
      <button
        type="button"
        className="legend__toggle"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid="legend-toggle"
      >
        {open ? <ChevronDown size={14} aria-hidden /> : <ChevronRight size={14} aria-hidden />}
        Legend
      </button>
      {open && (
        <ul className="legend__list">
          {kinds.map((k) => (
            <li key={k}>
              <svg width="36" height="10" aria-hidden className={`legend__line net-edge edge-${k}`}>
                <path className="react-flow__edge-path" d="M2 5 H34" />
              </svg>
              {edgeKindLabels[k]}
            </li>
          ))}
          <li>
            <svg width="36" height="10" aria-hidden className="legend__line net-edge edge-member is-down">
              <path className="react-flow__edge-path" d="M2 5 H34" />
            </svg>
            Link down
          </li>
        </ul>
      )}
    </div>
  );
}
