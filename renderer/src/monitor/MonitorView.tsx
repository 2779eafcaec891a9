import { useEffect, useRef, useState } from 'react';
import { useAlerts } from '../alerts/alerts-context';
import { AlertsPanel } from '../alerts/AlertsPanel';
import { TrafficPanel } from './TrafficPanel';
import '../styles/monitor.css';

type Tab = 'traffic' | 'alerts';

/** Monitor: live and historical traffic, and the alerts with their rules. */
export function MonitorView() {
  const alerts = useAlerts();
  const [tab, setTab] = useState<Tab>('traffic');
  // A notification's "Show alerts" opens this tab, also when the view was already open.
  const seen = useRef(alerts.showRequest);
  useEffect(() => {
    if (alerts.showRequest === seen.current) return;
    seen.current = alerts.showRequest;
    setTab('alerts');
  }, [alerts.showRequest]);
  const tabs: { id: Tab; label: string }[] = [
    { id: 'traffic', label: 'Traffic' },
    { id: 'alerts', label: 'Alerts' },
  ];
  return (
    <div className="monitor" data-testid="monitor-view">
      <div className="monitor__tabs" role="tablist" aria-label="Monitor">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`monitor-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`monitor-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            className="monitor__tab"
            data-testid={`monitor-tab-${t.id}`}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
              const next = tabs[(tabs.findIndex((x) => x.id === tab) + 1) % tabs.length]!.id;
              setTab(next);
              document.getElementById(`monitor-tab-${next}`)?.focus();
            }}
          >
            {t.label}
            {t.id === 'alerts' && alerts.active.length > 0 && (
              <span
                className={`count-badge${alerts.active.some((a) => a.severity === 'critical') ? ' count-badge--error' : ''}`}
              >
                {alerts.active.length}
              </span>
            )}
          </button>
        ))}
      </div>
      {/* Traffic stays mounted behind the Alerts tab: its live tail and top talkers keep filling, held still. */}
      <div
        className="monitor__panel"
        role="tabpanel"
        id="monitor-panel-traffic"
        aria-labelledby="monitor-tab-traffic"
        hidden={tab !== 'traffic'}
      >
        <TrafficPanel active={tab === 'traffic'} />
      </div>
      {tab === 'alerts' && (
        <div className="monitor__panel" role="tabpanel" id="monitor-panel-alerts" aria-labelledby="monitor-tab-alerts">
          <AlertsPanel />
        </div>
      )}
    </div>
  );
}
