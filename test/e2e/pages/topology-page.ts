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
