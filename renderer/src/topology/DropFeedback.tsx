import { useContext, useEffect, useRef, type KeyboardEvent } from 'react';
import { ArrowRightToLine, Layers, X } from 'lucide-react';
import { SpecContext } from '../model/spec-context';
import { PopupMenu } from '../capture/PopupMenu';
import { destinationText, type Destination } from './drop-edit';
import type { DropMenuState, DropNotice, DropOver } from './use-node-drop';
import '../styles/capture.css';
import '../styles/drop.css';

/** How long a drop's result stays on screen unless dismissed. */
const NOTICE_MS = 8000;

interface Props {
  over: DropOver | null;
  menu: DropMenuState | null;
  onChoose(dest: Destination | null): void;
  notice: DropNotice | null;
  onDismiss(): void;
}

/** What a drag over the graph will do, the port-group menu of a drop on a switch, and what the drop did. */
export function DropFeedback({ over, menu, onChoose, notice, onDismiss }: Props) {
  const spec = useContext(SpecContext);
  useEffect(() => {
    if (!notice) return;
    const t = window.setTimeout(onDismiss, NOTICE_MS);
    return () => clearTimeout(t);
  }, [notice, onDismiss]);
  return (
    <>
      {over && (
        <div
          className={`drop-status drop-status--${over.check.ok ? 'ok' : 'refused'}`}
          role="status"
          data-testid="drop-status"
        >
          {over.text}
        </div>
      )}
      {!over && notice && (
        <div className={`drop-status drop-status--${notice.tone}`} role="status" data-testid="drop-notice">
          <span>{notice.text}</span>
          {notice.tone === 'done' && spec && (
            <button type="button" className="drop-status__action" onClick={() => spec.openPanel('pending')}>
              Review changes
            </button>
          )}
          <button type="button" className="icon-button" onClick={onDismiss} aria-label="Dismiss">
            <X size={14} aria-hidden />
          </button>
        </div>
      )}
      {menu && <DropMenu menu={menu} onChoose={onChoose} />}
    </>
  );
}

function DropMenu({ menu, onChoose }: { menu: DropMenuState; onChoose(dest: Destination | null): void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) onChoose(null);
    };
    document.addEventListener('pointerdown', onDown, true);
    return () => document.removeEventListener('pointerdown', onDown, true);
  }, [onChoose]);
  const onKey = (e: KeyboardEvent) => {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') onChoose(null);
    else if (e.key === 'ArrowDown') items[(at + 1) % items.length]?.focus();
    else if (e.key === 'ArrowUp') items[(at - 1 + items.length) % items.length]?.focus();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  return (
    <PopupMenu menu={menu} menuRef={ref} testId="drop-menu" onKeyDown={onKey}>
      {menu.choices.map((d) => {
        const group = d.kind === 'switch' ? d.portGroup : undefined;
        return (
          <button
            key={destinationText(d)}
            type="button"
            role="menuitem"
            className="node-menu__item"
            data-testid={`drop-choice-${group ?? '-'}`}
            onClick={() => onChoose(d)}
          >
            {group ? <Layers size={15} aria-hidden /> : <ArrowRightToLine size={15} aria-hidden />}
            {group ? `Port group ${group}` : 'No port group'}
          </button>
        );
      })}
    </PopupMenu>
  );
}
