/**
 * Drag an interface or a VM NIC onto a switch or a libvirt network to place it there (see drop-edit.ts). While a
 * placeable node is dragged, the node under the pointer is marked as a good or a refused target; on drop the node
 * snaps back to its place in the layout and the spec draft is edited (a switch with port groups asks which one
 * first). Dropping on empty canvas is an ordinary move.
 */
import { useCallback, useContext, useMemo, useRef, useState, type MouseEvent as ReactMouseEvent } from 'react';
import { useReactFlow, type NodeChange } from '@xyflow/react';
import { SpecContext } from '../model/spec-context';
import type { XY } from './layout/elk-graph';
import type { NetFlowNode } from './flow-types';
import {
  checkDrop,
  destinationText,
  dragSourceOf,
  placeIn,
  sourceText,
  type Destination,
  type DragSource,
  type DropCheck,
} from './drop-edit';

export interface DropOver {
  id: string;
  check: DropCheck;
  text: string;
}
export interface DropMenuState {
  x: number;
  y: number;
  title: string;
  source: DragSource;
  choices: Destination[];
}
export interface DropNotice {
  tone: 'done' | 'refused';
  text: string;
}

interface Dragging {
  id: string;
  source: DragSource;
  start: XY;
}

const pointOf = (e: ReactMouseEvent | MouseEvent | TouchEvent): XY | undefined => {
  if ('clientX' in e) return { x: e.clientX, y: e.clientY };
  const t = e.changedTouches[0];
  return t ? { x: t.clientX, y: t.clientY } : undefined;
};

/** "servers, lab or none": what the menu will offer, said while hovering. */
function groupNames(choices: Destination[]): string {
  const names = choices.map((d) => (d.kind === 'switch' && d.portGroup ? d.portGroup : 'none'));
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? '');
}

export function useNodeDrop(onNodesChange: (changes: NodeChange<NetFlowNode>[]) => void) {
  const spec = useContext(SpecContext);
  const rf = useReactFlow<NetFlowNode>();
  const dragging = useRef<Dragging | null>(null);
  const [over, setOver] = useState<DropOver | null>(null);
  const [menu, setMenu] = useState<DropMenuState | null>(null);
  const [notice, setNotice] = useState<DropNotice | null>(null);
  const draft = spec?.draft;
  const setDraft = spec?.setDraft;

  /** The topmost other visible node under the pointer: where the user aims, whatever the dragged box overlaps. */
  const targetAt = useCallback(
    (e: ReactMouseEvent | MouseEvent | TouchEvent, draggedId: string): NetFlowNode | undefined => {
      const p = pointOf(e);
      if (!p) return undefined;
      const at = rf.screenToFlowPosition(p);
      const hits = rf.getIntersectingNodes({ x: at.x, y: at.y, width: 1, height: 1 }, true);
      return hits.filter((n) => n.id !== draggedId && !n.hidden).pop();
    },
    [rf],
  );

  const describe = useCallback(
    (source: DragSource, target: NetFlowNode): DropOver => {
      const check = checkDrop(draft, source, target.data.node);
      const text = !check.ok
        ? check.reason
        : check.choices.length === 1
          ? `Drop to place ${sourceText(source)} on ${destinationText(check.choices[0]!)}`
          : `Drop to choose a port group of ${target.data.node.label} for ${sourceText(source)}: ${groupNames(check.choices)}`;
      return { id: target.id, check, text };
    },
    [draft],
  );

  const place = useCallback(
    (source: DragSource, dest: Destination) => {
      setDraft?.((doc) => placeIn(doc, source, dest));
      setNotice({ tone: 'done', text: `${sourceText(source)} goes on ${destinationText(dest)} with the next apply` });
    },
    [setDraft],
  );

  const onNodeDragStart = useCallback(
    (_e: ReactMouseEvent | MouseEvent | TouchEvent, node: NetFlowNode) => {
      const source = draft ? dragSourceOf(node.data.node) : undefined;
      dragging.current = source ? { id: node.id, source, start: { ...node.position } } : null;
      setMenu(null);
      // The last drop's verdict would read as this one's.
      if (source) setNotice(null);
    },
    [draft],
  );

  const onNodeDrag = useCallback(
    (e: ReactMouseEvent | MouseEvent | TouchEvent, node: NetFlowNode) => {
      const d = dragging.current;
      if (!d) return;
      const target = targetAt(e, node.id);
      setOver((prev) => {
        if (!target) return null;
        // Same target as the last frame: keep the object so nothing re-renders.
        return prev?.id === target.id ? prev : describe(d.source, target);
      });
    },
    [targetAt, describe],
  );

  const onNodeDragStop = useCallback(
    (e: ReactMouseEvent | MouseEvent | TouchEvent, node: NetFlowNode) => {
      const d = dragging.current;
      dragging.current = null;
      setOver(null);
      if (!d) return;
      const target = targetAt(e, node.id);
      if (!target) return;
      // A drop on an object is not a move: the node goes back where the layout put it.
      onNodesChange([{ type: 'position', id: d.id, position: d.start, dragging: false }]);
      const { check, text } = describe(d.source, target);
      if (!check.ok) return setNotice({ tone: 'refused', text });
      if (check.choices.length === 1) return place(d.source, check.choices[0]!);
      const p = pointOf(e) ?? { x: 0, y: 0 };
      setMenu({
        ...p,
        title: `Place ${sourceText(d.source)} on ${target.data.node.label}`,
        source: d.source,
        choices: check.choices,
      });
    },
    [targetAt, describe, onNodesChange, place],
  );

  const choose = useCallback(
    (dest: Destination | null) => {
      if (menu && dest) place(menu.source, dest);
      setMenu(null);
    },
    [menu, place],
  );

  const handlers = useMemo(
    () => ({ onNodeDragStart, onNodeDrag, onNodeDragStop }),
    [onNodeDragStart, onNodeDrag, onNodeDragStop],
  );
  const dismissNotice = useCallback(() => setNotice(null), []);
  return { handlers, over, menu, choose, notice, dismissNotice };
}

/**
 * The nodes with the drop target marked. Only the target's object changes, and it is reused while neither it nor
 * the verdict changes, so a drag over a 1000-node graph re-renders one node, not all of them.
 */
export function useDropMarks(nodes: NetFlowNode[], over: DropOver | null): NetFlowNode[] {
  const cache = useRef<{ base?: NetFlowNode; cls?: string; out?: NetFlowNode }>({});
  return useMemo(() => {
    if (!over) return nodes;
    const cls = over.check.ok ? 'is-drop-ok' : 'is-drop-refused';
    return nodes.map((n) => {
      if (n.id !== over.id) return n;
      const c = cache.current;
      if (c.base === n && c.cls === cls && c.out) return c.out;
      const out = { ...n, className: n.className ? `${n.className} ${cls}` : cls };
      cache.current = { base: n, cls, out };
      return out;
    });
  }, [nodes, over]);
}
