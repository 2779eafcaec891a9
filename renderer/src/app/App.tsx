import { useState } from 'react';
import { Waypoints, type LucideIcon } from 'lucide-react';
import { Sidebar } from './Sidebar';
import { Header } from './Header';
import { TopologyView } from '../topology/TopologyView';

export interface ViewDef {
  id: string;
  title: string;
  icon: LucideIcon;
  render: () => React.ReactNode;
}

/** Only views that work are listed; new ones join this array when they do. */
const views: ViewDef[] = [{ id: 'topology', title: 'Topology', icon: Waypoints, render: () => <TopologyView /> }];

export function App() {
  const [viewId, setViewId] = useState(views[0]!.id);
  const view = views.find((v) => v.id === viewId) ?? views[0]!;
  return (
    <div className="app" data-testid="app-shell">
      <Sidebar views={views} current={view.id} onSelect={setViewId} />
      <div className="app__main">
        <Header title={view.title} />
        <main className="app__view" id="main" aria-label={view.title}>
          {view.render()}
        </main>
      </div>
    </div>
  );
}
