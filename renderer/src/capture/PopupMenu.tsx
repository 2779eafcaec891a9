import { useLayoutEffect, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import '../styles/capture.css';

export interface MenuPlace {
  x: number;
  y: number;
  title: string;
}

/**
 * A small menu at a point on the graph (capture here, a drop's port group): its title, then its items. Kept inside
 * the window near its edges, with focus on its first item each time it opens. Closing is the caller's.
 */
export function PopupMenu({
  menu,
  menuRef,
  testId,
  onKeyDown,
  children,
}: {
  menu: MenuPlace;
  menuRef: RefObject<HTMLDivElement | null>;
  testId: string;
  onKeyDown?(e: KeyboardEvent): void;
  children: ReactNode;
}) {
  useLayoutEffect(() => {
    const m = menuRef.current;
    if (!m) return;
    const r = m.getBoundingClientRect();
    m.style.left = `${Math.min(menu.x, window.innerWidth - r.width - 8)}px`;
    m.style.top = `${Math.min(menu.y, window.innerHeight - r.height - 8)}px`;
    m.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [menu, menuRef]);
  return (
    <div
      ref={menuRef}
      className="node-menu"
      role="menu"
      aria-label={menu.title}
      style={{ left: menu.x, top: menu.y }}
      data-testid={testId}
      onKeyDown={onKeyDown}
    >
      <div className="node-menu__title" title={menu.title}>
        {menu.title}
      </div>
      {children}
    </div>
  );
}
