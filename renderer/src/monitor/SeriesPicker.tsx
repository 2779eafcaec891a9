import { useDeferredValue, useMemo, useState } from 'react';
import { Search, X } from 'lucide-react';
import type { SeriesInfo } from '../../../shared/model/stats';
import { SeriesIcon } from './SeriesIcon';
import { seriesKindLabels, seriesKindOrder } from './use-series-list';

/** History reads at most 64 series per call, and 20 charts already fill two screens. */
export const MAX_CHARTS = 32;

interface Props {
  series: readonly SeriesInfo[];
  selected: readonly string[];
  onToggle(key: string): void;
  onClear(): void;
}

function matches(s: SeriesInfo, q: string): boolean {
  if (!q) return true;
  const hay = `${s.label} ${s.key} ${s.members.join(' ')} ${s.switch ?? ''}`.toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .every((w) => hay.includes(w));
}

/** Which series have a chart: grouped by kind, searchable, a checkbox each. */
export function SeriesPicker({ series, selected, onToggle, onClear }: Props) {
  const [query, setQuery] = useState('');
  const q = useDeferredValue(query.trim());
  const chosen = useMemo(() => new Set(selected), [selected]);
  const groups = useMemo(
    () =>
      seriesKindOrder
        .map((kind) => ({ kind, items: series.filter((s) => s.kind === kind && matches(s, q)) }))
        .filter((g) => g.items.length > 0),
    [series, q],
  );
  const full = selected.length >= MAX_CHARTS;
  return (
    <aside className="series-picker" data-testid="series-picker" aria-label="Series to chart">
      <div className="series-picker__search">
        <Search size={14} className="series-picker__search-icon" aria-hidden />
        <input
          type="search"
          className="input series-picker__input"
          placeholder="Filter series"
          aria-label="Filter series by name"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && query) {
              e.preventDefault();
              setQuery('');
            }
          }}
          data-testid="series-search"
        />
      </div>
      <div className="series-picker__status">
        <span>
          {selected.length} of {series.length} charted
        </span>
        {selected.length > 0 && (
          <button type="button" className="link-button" onClick={onClear}>
            <X size={12} aria-hidden /> Clear
          </button>
        )}
      </div>
      <div className="series-picker__list">
        {groups.length === 0 && (
          <p className="series-picker__none">{series.length ? 'No series matches.' : 'No series yet.'}</p>
        )}
        {groups.map((g) => (
          <fieldset key={g.kind} className="series-picker__group">
            <legend>
              {seriesKindLabels[g.kind]} <span className="series-picker__count">{g.items.length}</span>
            </legend>
            {g.items.map((s) => {
              const on = chosen.has(s.key);
              return (
                <label
                  key={s.key}
                  className={`series-option${on ? ' is-on' : ''}`}
                  data-testid={`series-option-${s.key}`}
                  title={s.members.length > 1 ? `Sum of ${s.members.join(', ')}` : s.key}
                >
                  <input type="checkbox" checked={on} disabled={!on && full} onChange={() => onToggle(s.key)} />
                  <SeriesIcon kind={s.kind} />
                  <span className="series-option__label">{s.label}</span>
                  {s.members.length > 1 && <span className="series-option__meta">{s.members.length}</span>}
                </label>
              );
            })}
          </fieldset>
        ))}
      </div>
      {full && <p className="series-picker__full">At most {MAX_CHARTS} charts at once.</p>}
    </aside>
  );
}
