import { CircleCheck, TriangleAlert } from 'lucide-react';
import type { SeriesInfo, SeriesSample } from '../../../shared/model/stats';
import { formatAgo, formatPerSecond } from './format';
import type { ErrorTally } from './series-store';

interface Props {
  tallies: readonly ErrorTally[];
  latest: ReadonlyMap<string, SeriesSample>;
  series: ReadonlyMap<string, SeriesInfo>;
  /** False until the first sample: "no errors" would be a guess before it. */
  ready: boolean;
}

const round = (n: number) => (n < 10 ? Number(n.toFixed(1)) : Math.round(n)).toLocaleString('en-US');

/** Interfaces that counted errors or drops in the last five minutes, worst first. */
export function ErrorsPanel({ tallies, latest, series, ready }: Props) {
  return (
    <section className="mon-card" aria-labelledby="errors-title" data-testid="errors-panel">
      <header className="mon-card__head">
        <h2 id="errors-title">Errors and drops</h2>
        <span className="mon-card__meta">last 5 minutes</span>
      </header>
      {tallies.length === 0 ? (
        <p className="mon-card__ok">
          {ready ? (
            <>
              <CircleCheck size={16} aria-hidden /> No interface counted errors or drops.
            </>
          ) : (
            'Waiting for the first sample…'
          )}
        </p>
      ) : (
        <table className="mon-table">
          <thead>
            <tr>
              <th scope="col">Interface</th>
              <th scope="col" className="num">
                Errors
              </th>
              <th scope="col" className="num">
                Drops
              </th>
              <th scope="col" className="num">
                Errors/s now
              </th>
              <th scope="col" className="num">
                Drops/s now
              </th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {tallies.map((t) => {
              const now = latest.get(t.key);
              return (
                <tr key={t.key}>
                  <th scope="row">
                    <span className="mon-table__name">
                      <TriangleAlert size={13} className="is-bad" aria-hidden />
                      {series.get(t.key)?.label ?? t.key.replace(/^if:/, '')}
                    </span>
                  </th>
                  <td className={`num${t.errors > 0 ? ' is-bad' : ''}`}>{round(t.errors)}</td>
                  <td className={`num${t.drops > 0 ? ' is-bad' : ''}`}>{round(t.drops)}</td>
                  <td className="num">{formatPerSecond(now ? now.rxErrors + now.txErrors : null)}</td>
                  <td className="num">{formatPerSecond(now ? now.rxDrops + now.txDrops : null)}</td>
                  <td>{formatAgo(t.lastAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
