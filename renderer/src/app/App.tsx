import { useState } from 'react';
import { Network, Settings, Waypoints, type LucideIcon } from 'lucide-react';
import { Sidebar } from './Sidebar';
import { Header } from './Header';
import { TopologyView } from '../topology/TopologyView';
import { SettingsView } from '../settings/SettingsView';
import { SwitchesView } from '../switches/SwitchesView';
import { SpecProvider } from '../changes/SpecProvider';
import { ChangesDrawer } from '../changes/ChangesDrawer';

export interface ViewDef {
  id: string;
  title: string;
  icon: LucideIcon;
  render: () => React.ReactNode;
}

/** Only views that work are listed; new ones join this array when they do. */
const views: ViewDef[] = [
  { id: 'topology', title: 'Topology', icon: Waypoints, render: () => <TopologyView /> },
  { id: 'switches', title: 'Switches', icon: Network, render: () => <SwitchesView /> },
  { id: 'settings', title: 'Settings', icon: Settings, render: () => <SettingsView /> },
];

export function App() {
  const [viewId, setViewId] = useState(views[0]!.id);
  const view = views.find((v) => v.id === viewId) ?? views[0]!;
  return (
    // The spec being edited outlives view changes, and the Changes panel is beside every view.
    <SpecProvider>
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
    </SpecProvider>
  );
}
