import { useEffect, useRef, useState } from 'react';
import { useAlerts } from '../alerts/alerts-context';
import { AlertsPanel } from '../alerts/AlertsPanel';
import { TrafficPanel } from './TrafficPanel';
import { TabBar, type TabItem } from '../app/TabBar';
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
  const tabs: TabItem<Tab>[] = [
    { id: 'traffic', label: 'Traffic' },
    {
      id: 'alerts',
      label: (
        <>
          Alerts
          {alerts.active.length > 0 && (
            <span
              className={`count-badge${alerts.active.some((a) => a.severity === 'critical') ? ' count-badge--error' : ''}`}
            >
              {alerts.active.length}
            </span>
          )}
        </>
      ),
    },
  ];
  return (
    <div className="monitor" data-testid="monitor-view">
      <TabBar
        label="Monitor"
        idPrefix="monitor-tab"
        tabs={tabs}
        current={tab}
        onSelect={setTab}
        panelId={(id) => `monitor-panel-${id}`}
      />
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
