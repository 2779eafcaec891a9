import { useCallback, useState } from 'react';
import { Activity, Network, Radar, Router, Settings, Waypoints, type LucideIcon } from 'lucide-react';
import { Sidebar } from './Sidebar';
import { Header } from './Header';
import { TopologyView } from '../topology/TopologyView';
import { SettingsView } from '../settings/SettingsView';
import { SwitchesView } from '../switches/SwitchesView';
import { NetworksView } from '../networks/NetworksView';
import { SpecProvider } from '../changes/SpecProvider';
import { ChangesDrawer } from '../changes/ChangesDrawer';
import { MonitorView } from '../monitor/MonitorView';
import { CaptureView } from '../capture/CaptureView';
import { CaptureProvider } from '../capture/CaptureProvider';
import { AlertsProvider } from '../alerts/AlertsProvider';
import { AlertsBadge } from '../alerts/AlertsBadge';
import { ToastProvider } from '../alerts/Toasts';

export interface ViewDef {
  id: string;
  title: string;
  icon: LucideIcon;
  render: () => React.ReactNode;
  /** Shown after the title in the navigation (a count of things that need attention). */
  badge?: () => React.ReactNode;
}

/** Only views that work are listed; new ones join this array when they do. */
const views: ViewDef[] = [
  { id: 'topology', title: 'Topology', icon: Waypoints, render: () => <TopologyView /> },
  { id: 'switches', title: 'Switches', icon: Network, render: () => <SwitchesView /> },
  { id: 'networks', title: 'Networks', icon: Router, render: () => <NetworksView /> },
  { id: 'monitor', title: 'Monitor', icon: Activity, render: () => <MonitorView />, badge: () => <AlertsBadge /> },
  { id: 'capture', title: 'Capture', icon: Radar, render: () => <CaptureView /> },
  { id: 'settings', title: 'Settings', icon: Settings, render: () => <SettingsView /> },
];

export function App() {
  const [viewId, setViewId] = useState(views[0]!.id);
  const view = views.find((v) => v.id === viewId) ?? views[0]!;
  const openMonitor = useCallback(() => setViewId('monitor'), []);
  const openCapture = useCallback(() => setViewId('capture'), []);
  return (
    // The spec being edited outlives view changes, and the Changes panel is beside every view. So do alerts
    // (they notify from any view) and captures (they keep streaming while the user looks elsewhere).
    <SpecProvider>
      <ToastProvider>
        <AlertsProvider onOpen={openMonitor}>
          <CaptureProvider onOpen={openCapture}>
            <div className="app" data-testid="app-shell">
              <Sidebar views={views} current={view.id} onSelect={setViewId} />
              <div className="app__main">
                <Header title={view.title} />
                <main className="app__view" id="main" aria-label={view.title}>
                  {view.render()}
                </main>
              </div>
              <ChangesDrawer />
            </div>
          </CaptureProvider>
        </AlertsProvider>
      </ToastProvider>
    </SpecProvider>
  );
}
