import { useMemo, useState } from 'react';
import { ArrowDown, ArrowUp, LineChart } from 'lucide-react';
import type { SeriesInfo, SeriesKind, SeriesSample } from '../../../shared/model/stats';
import { formatPerSecond, formatRate, type RateUnit } from './format';
import { SeriesIcon } from './SeriesIcon';
import { seriesKindLabels, seriesKindOrder } from './use-series-list';

type SortKey = 'total' | 'rx' | 'tx' | 'rxPps' | 'txPps' | 'errors' | 'drops';
const columns: { key: SortKey; label: string; title: string }[] = [
  { key: 'rx', label: 'Receive', title: 'Received, per second' },
  { key: 'tx', label: 'Transmit', title: 'Transmitted, per second' },
  { key: 'rxPps', label: 'Pkts in', title: 'Packets received per second' },
  { key: 'txPps', label: 'Pkts out', title: 'Packets transmitted per second' },
  { key: 'errors', label: 'Errors', title: 'Receive and transmit errors per second' },
  { key: 'drops', label: 'Drops', title: 'Receive and transmit drops per second' },
];
const value: Record<SortKey, (s: SeriesSample) => number> = {
  total: (s) => s.rxBps + s.txBps,
  rx: (s) => s.rxBps,
  tx: (s) => s.txBps,
  rxPps: (s) => s.rxPps,
  txPps: (s) => s.txPps,
  errors: (s) => s.rxErrors + s.txErrors,
  drops: (s) => s.rxDrops + s.txDrops,
};
const ROWS = 12;

interface Props {
  latest: ReadonlyMap<string, SeriesSample>;
  series: ReadonlyMap<string, SeriesInfo>;
  unit: RateUnit;
  charted: ReadonlySet<string>;
  onToggleChart(key: string): void;
}

/** The busiest series now, sortable by any rate; a row's chart button adds or removes its chart. */
export function TopTalkers({ latest, series, unit, charted, onToggleChart }: Props) {
  const [sort, setSort] = useState<SortKey>('total');
  const [kind, setKind] = useState<SeriesKind>('interface');
  const rows = useMemo(() => {
    const v = value[sort];
    return [...latest.values()]
      .filter((s) => series.get(s.key)?.kind === kind)
      .sort((a, b) => v(b) - v(a) || a.key.localeCompare(b.key))
      .slice(0, ROWS);
  }, [latest, series, kind, sort]);
  const header = (c: { key: SortKey; label: string; title: string }) => {
    const on = sort === c.key;
    return (
      <th key={c.key} scope="col" className="num" aria-sort={on ? 'descending' : 'none'}>
        <button
          type="button"
          className={`sort-button${on ? ' is-on' : ''}`}
          title={`${c.title}; sort by it`}
          onClick={() => setSort(on && c.key !== 'total' ? 'total' : c.key)}
          data-testid={`sort-${c.key}`}
        >
          {c.label}
          {on ? <ArrowDown size={12} aria-hidden /> : <ArrowUp size={12} className="sort-button__idle" aria-hidden />}
        </button>
      </th>
    );
  };
  return (
    <section className="mon-card" aria-labelledby="talkers-title">
      <header className="mon-card__head">
        <h2 id="talkers-title">Top talkers</h2>
        <div className="segmented segmented--small" role="group" aria-label="Kind of series">
          {seriesKindOrder.map((k) => (
            <button key={k} type="button" aria-pressed={kind === k} onClick={() => setKind(k)}>
              {seriesKindLabels[k]}
            </button>
          ))}
        </div>
      </header>
      <table className="mon-table" data-testid="top-talkers" data-sort={sort}>
        <thead>
          <tr>
            <th scope="col">Name</th>
            {columns.map(header)}
            <th scope="col" className="mon-table__action">
              <span className="visually-hidden">Chart</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length + 2} className="mon-table__empty">
                {latest.size === 0
                  ? 'Waiting for the first sample…'
                  : `No ${seriesKindLabels[kind].toLowerCase()} on this host.`}
              </td>
            </tr>
          )}
          {rows.map((s) => {
            const info = series.get(s.key);
            const on = charted.has(s.key);
            const errs = s.rxErrors + s.txErrors;
            const drops = s.rxDrops + s.txDrops;
            return (
              <tr key={s.key} data-testid={`talker-${s.key}`}>
                <th scope="row">
                  <span className="mon-table__name">
                    {info && <SeriesIcon kind={info.kind} />}
                    {info?.label ?? s.key}
                  </span>
                </th>
                <td className="num">{formatRate(s.rxBps, unit)}</td>
                <td className="num">{formatRate(s.txBps, unit)}</td>
                <td className="num">{formatPerSecond(s.rxPps)}</td>
                <td className="num">{formatPerSecond(s.txPps)}</td>
                <td className={`num${errs > 0 ? ' is-bad' : ''}`}>{formatPerSecond(errs)}</td>
                <td className={`num${drops > 0 ? ' is-bad' : ''}`}>{formatPerSecond(drops)}</td>
                <td className="mon-table__action">
                  <button
                    type="button"
                    className={`icon-button icon-button--small${on ? ' is-on' : ''}`}
                    aria-pressed={on}
                    aria-label={`${on ? 'Remove' : 'Add'} the chart of ${info?.label ?? s.key}`}
                    title={on ? 'Remove its chart' : 'Chart it'}
                    onClick={() => onToggleChart(s.key)}
                  >
                    <LineChart size={14} aria-hidden />
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
