/** Page object for the Topology view. Tests speak in user terms; selectors live here only. */
import type { Locator, Page } from 'playwright-core';

export class TopologyPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.getByTestId('app-shell').waitFor();
    await this.page.getByTestId('topology-canvas').waitFor();
  }

  node(id: string): Locator {
    return this.page.locator(`.react-flow__node[data-id="${id}"]`);
  }

  edge(id: string): Locator {
    return this.page.locator(`[data-testid="rf__edge-${id}"]`);
  }

  /** Right-clicks the middle of an edge's drawn line (idle edges have no hit area of their own). */
  async rightClickEdge(id: string): Promise<void> {
    const path = this.edge(id).locator('.react-flow__edge-path');
    await path.waitFor({ state: 'attached' });
    const at = await path.evaluate((el) => {
      const p = el as SVGPathElement;
      const mid = p.getPointAtLength(p.getTotalLength() / 2);
      const m = p.getScreenCTM()!;
      return { x: mid.x * m.a + mid.y * m.c + m.e, y: mid.x * m.b + mid.y * m.d + m.f };
    });
    await this.page.mouse.click(at.x, at.y, { button: 'right' });
  }

  async select(id: string): Promise<void> {
    await this.node(id).click();
    await this.page.getByTestId('details-panel').waitFor();
  }

  details(): Locator {
    return this.page.getByTestId('details-panel');
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('search-input').fill(text);
  }

  sourceStatus(source: string): Locator {
    return this.page.getByTestId(`source-status-${source}`);
  }

  async fitView(): Promise<void> {
    await this.page.locator('.react-flow__controls-fitview').click();
  }
}
