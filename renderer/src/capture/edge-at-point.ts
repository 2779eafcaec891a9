/**
 * The graph edge drawn within a few pixels of a point. Idle edges are click-through (no hit path: half the SVG of a
 * large graph), so a right-click on one lands on the pane; this finds the edge under it by geometry instead.
 */
const TOLERANCE_PX = 6;

export function edgeAtPoint(container: Element, x: number, y: number): string | undefined {
  for (const g of container.querySelectorAll<SVGGElement>('.react-flow__edge')) {
    const path = g.querySelector<SVGPathElement>('.react-flow__edge-path');
    const id = g.getAttribute('data-id');
    const ctm = path?.getScreenCTM();
    if (!path || !id || !ctm) continue;
    // The edge layer is scaled with the zoom: the tolerance is in screen pixels, the path in flow units.
    const tol = TOLERANCE_PX / (Math.hypot(ctm.a, ctm.b) || 1);
    const p = new DOMPoint(x, y).matrixTransform(ctm.inverse());
    const box = path.getBBox();
    if (p.x < box.x - tol || p.x > box.x + box.width + tol || p.y < box.y - tol || p.y > box.y + box.height + tol)
      continue;
    const before = path.style.strokeWidth;
    path.style.strokeWidth = `${2 * tol}px`;
    const hit = path.isPointInStroke(p);
    path.style.strokeWidth = before;
    if (hit) return id;
  }
  return undefined;
}
