import { useModel } from '../model/model-context';
import type { ViewDef } from './App';
import { Logo } from './Logo';
import { ChangesToggle } from '../changes/ChangesToggle';

export function Sidebar({ views, current, onSelect }: { views: ViewDef[]; current: string; onSelect(id: string): void }) {
  const { info } = useModel();
  return (
    <nav className="sidebar" aria-label="Views">
      <div className="sidebar__brand">
        <Logo />
        <span className="sidebar__name">NovaNet</span>
      </div>
      <ul className="sidebar__list">
        {views.map((v) => {
          const Icon = v.icon;
          const Badge = v.badge;
          const active = v.id === current;
          return (
            <li key={v.id}>
              <button
                type="button"
                className={`sidebar__item${active ? ' is-active' : ''}`}
                aria-current={active ? 'page' : undefined}
                data-testid={`nav-${v.id}`}
                onClick={() => onSelect(v.id)}
              >
                <Icon size={18} aria-hidden />
                <span>{v.title}</span>
                {Badge && <Badge />}
              </button>
            </li>
          );
        })}
      </ul>
      <div className="sidebar__changes">
        <ChangesToggle />
      </div>
      <div className="sidebar__footer">{info.data ? `Version ${info.data.version}` : ' '}</div>
    </nav>
  );
}
