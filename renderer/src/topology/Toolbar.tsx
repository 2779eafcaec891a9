import type { KeyboardEvent, RefObject } from 'react';
import { Search, X } from 'lucide-react';
import { nodeKinds, nodeKindLabels } from '../../../shared/topology/graph';
import { kindIcons, kindShortLabels, unknownKindIcon } from './kind-style';

interface ToolbarProps {
  searchRef: RefObject<HTMLInputElement | null>;
  query: string;
  onQuery(q: string): void;
  /** Enter in the search box: go to the next match. */
  onNextMatch(backwards: boolean): void;
  /** Escape in an empty search box. */
  onEscape(): void;
  matchCount: number | null;
  counts: ReadonlyMap<string, number>;
  hiddenKinds: ReadonlySet<string>;
  onToggleKind(kind: string): void;
  onShowAll(): void;
}

const knownOrder = new Map<string, number>(nodeKinds.map((k, i) => [k, i]));

export function Toolbar(p: ToolbarProps) {
  const kinds = [...p.counts.keys()].sort((a, b) => (knownOrder.get(a) ?? 99) - (knownOrder.get(b) ?? 99));
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      p.onNextMatch(e.shiftKey);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      if (p.query) p.onQuery('');
      else p.onEscape();
    }
  };
  return (
    <div className="toolbar">
      <div className="search">
        <Search size={15} className="search__icon" aria-hidden />
        <input
          ref={p.searchRef}
          type="search"
          className="search__input"
          placeholder="Search by name or address"
          aria-label="Search objects by name or address (Enter: next match)"
          data-testid="search-input"
          value={p.query}
          onChange={(e) => p.onQuery(e.target.value)}
          onKeyDown={onKeyDown}
        />
        {p.query && (
          <button type="button" className="search__clear" onClick={() => p.onQuery('')} aria-label="Clear search">
            <X size={14} aria-hidden />
          </button>
        )}
      </div>
      {p.matchCount !== null && (
        <span className="toolbar__matches" role="status" data-testid="search-count">
          {p.matchCount === 0 ? 'No match' : p.matchCount === 1 ? '1 match' : `${p.matchCount} matches`}
        </span>
      )}
      <div className="kind-filters" role="group" aria-label="Show objects of kind">
        {kinds.map((k) => {
          const Icon = kindIcons[k as keyof typeof kindIcons] ?? unknownKindIcon;
          const shown = !p.hiddenKinds.has(k);
          const label = nodeKindLabels[k as keyof typeof nodeKindLabels] ?? k;
          const short = kindShortLabels[k as keyof typeof kindShortLabels] ?? k;
          return (
            <button
              key={k}
              type="button"
              className={`chip kind-${k}${shown ? ' is-on' : ''}`}
              aria-pressed={shown}
              title={`${shown ? 'Hide' : 'Show'} ${label} objects`}
              aria-label={`${label}: ${p.counts.get(k)}`}
              data-testid={`kind-filter-${k}`}
              onClick={() => p.onToggleKind(k)}
            >
              <Icon size={13} className="chip__icon" aria-hidden />
              <span>{short}</span>
              <span className="chip__count">{p.counts.get(k)}</span>
            </button>
          );
        })}
        {p.hiddenKinds.size > 0 && (
          <button type="button" className="link-button" onClick={p.onShowAll} data-testid="kind-filter-all">
            Show all
          </button>
        )}
      </div>
    </div>
  );
}
