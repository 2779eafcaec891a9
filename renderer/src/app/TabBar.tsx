import type { ReactNode } from 'react';
import '../styles/tabs.css';

export interface TabItem<T extends string> {
  id: T;
  label: ReactNode;
}

/**
 * A view's tabs (ARIA tablist): one tab stop, Left/Right move between tabs and select them. Each tab's element id
 * and test id are `${idPrefix}-${id}`; `panelId` names the tabpanel a tab controls.
 */
export function TabBar<T extends string>({
  label,
  idPrefix,
  tabs,
  current,
  onSelect,
  panelId,
}: {
  label: string;
  idPrefix: string;
  tabs: TabItem<T>[];
  current: NoInfer<T>;
  onSelect(id: NoInfer<T>): void;
  panelId(id: NoInfer<T>): string;
}) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t, i) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`${idPrefix}-${t.id}`}
          aria-selected={current === t.id}
          aria-controls={panelId(t.id)}
          tabIndex={current === t.id ? 0 : -1}
          className="tab"
          data-testid={`${idPrefix}-${t.id}`}
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => {
            if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
            const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!.id;
            onSelect(next);
            document.getElementById(`${idPrefix}-${next}`)?.focus();
          }}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
