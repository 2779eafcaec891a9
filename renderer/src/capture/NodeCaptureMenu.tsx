import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { Radar } from 'lucide-react';
import { nodeKindLabels, type TopologyGraph } from '../../../shared/topology/graph';
import { useOptionalCapture } from './capture-context';
import { edgeAtPoint } from './edge-at-point';
import { PopupMenu } from './PopupMenu';
import '../styles/capture.css';

interface MenuState {
  x: number;
  y: number;
  nodeId: string;
  title: string;
}

interface Props {
  /** The element around the graph: right-clicks (and the keyboard's menu key) on nodes and edges inside it. */
  containerRef: RefObject<HTMLElement | null>;
  graph: TopologyGraph;
  /** The node an edge's capture runs on (the device that carries the edge). */
  edgeNode(edgeId: string): string | undefined;
}

/**
 * "Capture here…" for the object under the pointer. Listens on the graph's container instead of React Flow's
 * callbacks, so the topology needs only to mount it; nodes get it by right-click or, focused, by the menu key.
 */
export function NodeCaptureMenu({ containerRef, graph, edgeNode }: Props) {
  const capture = useOptionalCapture();
  const [menu, setMenu] = useState<MenuState | null>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const graphRef = useRef(graph);
  const edgeNodeRef = useRef(edgeNode);
  useLayoutEffect(() => {
    graphRef.current = graph;
    edgeNodeRef.current = edgeNode;
  });

  useEffect(() => {
    const el = containerRef.current;
    if (!el || !capture) return;
    const onMenu = (e: MouseEvent) => {
      const t = e.target instanceof Element ? e.target : null;
      const nodeEl = t?.closest('.react-flow__node');
      const edgeEl = nodeEl ? null : t?.closest('.react-flow__edge');
      // An idle edge takes no pointer events: a right-click on it reaches the pane beneath.
      const idleEdge =
        nodeEl || edgeEl || !t?.closest('.react-flow__pane') ? undefined : edgeAtPoint(el, e.clientX, e.clientY);
      const id = (nodeEl ?? edgeEl)?.getAttribute('data-id') ?? idleEdge;
      const onEdge = !nodeEl && id !== undefined;
      const nodeId = id && (nodeEl ? id : edgeNodeRef.current(id));
      if (!nodeId) return;
      const g = graphRef.current;
      const n = g.nodes.find((x) => x.id === nodeId);
      if (!n) return;
      e.preventDefault();
      let { clientX: x, clientY: y } = e;
      // The menu key reports no pointer position: open below the focused node.
      if (x === 0 && y === 0 && (nodeEl ?? edgeEl)) {
        const r = (nodeEl ?? edgeEl)!.getBoundingClientRect();
        x = r.left + 12;
        y = r.bottom + 4;
      }
      returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      const kind = nodeKindLabels[n.kind] ?? n.kind;
      setMenu({
        x,
        y,
        nodeId,
        title: `${onEdge ? 'Link through ' : ''}${kind} ${n.label}${n.netns ? ` (${n.netns})` : ''}`,
      });
    };
    el.addEventListener('contextmenu', onMenu);
    return () => el.removeEventListener('contextmenu', onMenu);
  }, [containerRef, capture]);

  const close = useCallback((refocus: boolean) => {
    setMenu(null);
    if (refocus) returnTo.current?.focus();
  }, []);

  useEffect(() => {
    if (!menu) return;
    const onDown = (e: PointerEvent) => {
      if (!menuRef.current?.contains(e.target as Node)) close(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        close(true);
      }
    };
    const onScroll = () => close(false);
    document.addEventListener('pointerdown', onDown, true);
    document.addEventListener('keydown', onKey, true);
    window.addEventListener('wheel', onScroll, { passive: true });
    window.addEventListener('blur', onScroll);
    return () => {
      document.removeEventListener('pointerdown', onDown, true);
      document.removeEventListener('keydown', onKey, true);
      window.removeEventListener('wheel', onScroll);
      window.removeEventListener('blur', onScroll);
    };
  }, [menu, close]);

  if (!menu || !capture) return null;
  return (
    <PopupMenu menu={menu} menuRef={menuRef} testId="node-menu">
      <button
        type="button"
        role="menuitem"
        className="node-menu__item"
        data-testid="node-menu-capture"
        onClick={() => {
          const n = graph.nodes.find((x) => x.id === menu.nodeId);
          close(false);
          capture.captureNode(menu.nodeId, n ? `${n.label} (${nodeKindLabels[n.kind] ?? n.kind})` : menu.nodeId);
        }}
      >
        <Radar size={15} aria-hidden />
        Capture here…
      </button>
    </PopupMenu>
  );
}
