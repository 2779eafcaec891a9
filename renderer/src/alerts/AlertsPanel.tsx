import { BellOff, CircleCheck, OctagonAlert, TriangleAlert } from 'lucide-react';
import type { Alert } from '../../../shared/model/stats';
import { formatAgo, formatDateTime } from '../monitor/format';
import { alertKindLabels, useAlerts } from './alerts-context';
import { RulesEditor } from './RulesEditor';

function SeverityIcon({ a }: { a: Pick<Alert, 'severity'> }) {
  return a.severity === 'critical' ? (
    <OctagonAlert size={15} className="sev sev--critical" aria-label="Critical" />
  ) : (
    <TriangleAlert size={15} className="sev sev--warning" aria-label="Warning" />
  );
}

/** The Monitor's Alerts tab: what is wrong now, what happened lately, and the rules that decide both. */
export function AlertsPanel() {
  const { active, recent, loading, error } = useAlerts();
  return (
    <div className="alerts-panel" data-testid="alerts-panel">
      <section className="mon-card" aria-labelledby="active-title">
        <header className="mon-card__head">
          <h2 id="active-title">Active alerts</h2>
          <span className="mon-card__meta">{loading ? 'Reading…' : `${active.length} active`}</span>
        </header>
        {error && <p className="field-errors">The alerts could not be read: {error.message}</p>}
        {active.length === 0 ? (
          <p className="mon-card__ok">
            <CircleCheck size={16} aria-hidden /> Nothing needs attention.
          </p>
        ) : (
          <ul className="alert-list" data-testid="active-alerts">
            {active.map((a) => (
              <li key={a.id} className={`alert-item alert-item--${a.severity}`} data-testid={`alert-${a.id}`}>
                <SeverityIcon a={a} />
                <span className="alert-item__kind">{alertKindLabels[a.kind]}</span>
                <span className="alert-item__message">{a.message}</span>
                <time className="alert-item__when" dateTime={a.since} title={formatDateTime(a.since)}>
                  since {formatAgo(a.since)}
                </time>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="mon-card" aria-labelledby="rules-title">
        <header className="mon-card__head">
          <h2 id="rules-title">Rules</h2>
          <span className="mon-card__meta">thresholds per interface</span>
        </header>
        <RulesEditor />
      </section>
      <section className="mon-card" aria-labelledby="recent-title">
        <header className="mon-card__head">
          <h2 id="recent-title">Recent events</h2>
        </header>
        {recent.length === 0 ? (
          <p className="mon-card__meta mon-card__meta--block">
            <BellOff size={14} aria-hidden /> No alert was raised or cleared since the monitor started.
          </p>
        ) : (
          <ul className="alert-list alert-list--recent">
            {recent.slice(0, 50).map((e, i) => (
              <li
                key={`${e.at}|${e.alert.id}|${i}`}
                className={`alert-item${e.type === 'cleared' ? ' is-cleared' : ` alert-item--${e.alert.severity}`}`}
              >
                {e.type === 'cleared' ? (
                  <CircleCheck size={15} className="sev sev--ok" aria-label="Cleared" />
                ) : (
                  <SeverityIcon a={e.alert} />
                )}
                <span className="alert-item__kind">
                  {e.type === 'cleared' ? 'Cleared' : alertKindLabels[e.alert.kind]}
                </span>
                <span className="alert-item__message">{e.alert.message}</span>
                <time className="alert-item__when" dateTime={e.at} title={formatDateTime(e.at)}>
                  {formatAgo(e.at)}
                </time>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
