import { useEffect, useRef, type KeyboardEvent } from 'react';
import { X } from 'lucide-react';
import { useSpec, type ChangesTab } from '../model/spec-context';
import { PendingTab } from './PendingTab';
import { HistoryTab } from './HistoryTab';
import '../styles/changes.css';

const tabs: { id: ChangesTab; label: string }[] = [
  { id: 'pending', label: 'Pending' },
  { id: 'history', label: 'History' },
];

/**
 * The Changes panel, beside whatever view is open: it is not modal, so the diff follows edits in the Switches
 * view as they are made. Escape closes it and gives the keyboard back to the toggle.
 */
export function ChangesDrawer() {
  const s = useSpec();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const open = s.panel.open;
  useEffect(() => {
    if (open) headingRef.current?.focus();
  }, [open]);
  if (!open) return null;
  const close = () => {
    s.closePanel();
    document.querySelector<HTMLElement>('[data-testid="changes-toggle"]')?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    // Escape in a dialog opened from the panel closes that dialog only.
    if (e.key === 'Escape' && !e.defaultPrevented && !(e.target as HTMLElement).closest('dialog')) {
      e.preventDefault();
      close();
    }
  };
  const onTabKey = (e: KeyboardEvent, i: number) => {
    // Arrow keys move between tabs, as in every tab strip.
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    if (!next) return;
    s.openPanel(next.id);
    document.getElementById(`changes-tab-${next.id}`)?.focus();
  };
  return (
    <aside
      className="changes"
      aria-labelledby="changes-title"
      id="changes-panel"
      data-testid="changes-panel"
      onKeyDown={onKeyDown}
    >
      <header className="changes__header">
        <div className="changes__heading">
          <h2 id="changes-title" ref={headingRef} tabIndex={-1}>
            Changes
          </h2>
          {s.specName && <span className="changes__spec">spec {s.specName}</span>}
        </div>
        <button
          type="button"
          className="icon-button"
          onClick={close}
          aria-label="Close the Changes panel"
          title="Close (Esc)"
        >
          <X size={16} aria-hidden />
        </button>
      </header>
      <div className="changes__tabs" role="tablist" aria-label="Changes">
        {tabs.map((t, i) => (
          <button
            key={t.id}
            id={`changes-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={s.panel.tab === t.id}
            aria-controls={`changes-tabpanel-${t.id}`}
            tabIndex={s.panel.tab === t.id ? 0 : -1}
            className="changes__tab"
            data-testid={`changes-tab-${t.id}`}
            onClick={() => s.openPanel(t.id)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        className="changes__panel"
        role="tabpanel"
        id={`changes-tabpanel-${s.panel.tab}`}
        aria-labelledby={`changes-tab-${s.panel.tab}`}
      >
        {s.panel.tab === 'pending' ? <PendingTab /> : <HistoryTab />}
      </div>
    </aside>
  );
}
