/** Page object for the Capture view and the graph's "Capture here…" menu. */
import type { Locator, Page } from 'playwright-core';

export class CapturePage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-capture').click();
    await this.page.getByTestId('capture-view').waitFor();
  }

  /** `if:<device>` or `node:<graph node id>`. */
  async captureOn(source: string): Promise<void> {
    await this.page.getByTestId('capture-interface').selectOption(source);
  }

  source(): Promise<string> {
    return this.page.getByTestId('capture-interface').inputValue();
  }

  async fill(fields: { filter?: string; count?: string; duration?: string }): Promise<void> {
    if (fields.filter !== undefined) await this.page.getByTestId('capture-filter').fill(fields.filter);
    if (fields.count !== undefined) await this.page.getByTestId('capture-count').fill(fields.count);
    if (fields.duration !== undefined) await this.page.getByTestId('capture-duration').fill(fields.duration);
  }

  async start(): Promise<void> {
    await this.page.getByTestId('capture-start').click();
  }

  /** Starts a capture and returns its id, once the list shows it as the selected (listed) capture. */
  async startNew(): Promise<string> {
    const selected = this.page.locator('[data-testid^="capture-row-"][aria-selected="true"]');
    const before = (await selected.count()) ? await selected.getAttribute('data-testid') : null;
    await this.start();
    const fresh = this.page.locator(
      `[data-testid^="capture-row-"][aria-selected="true"]${before ? `:not([data-testid="${before}"])` : ''}`,
    );
    await fresh.waitFor();
    return ((await fresh.getAttribute('data-testid')) ?? '').replace('capture-row-', '');
  }

  async stop(): Promise<void> {
    await this.page.getByTestId('capture-stop').click();
  }

  filterError(): Locator {
    return this.page.getByTestId('capture-filter-error');
  }

  packetList(): Locator {
    return this.page.getByTestId('packet-list');
  }

  rows(): Locator {
    return this.page.getByTestId('packet-row');
  }

  captureRows(): Locator {
    return this.page.locator('[data-testid^="capture-row-"]');
  }

  captureRow(id: string): Locator {
    return this.page.getByTestId(`capture-row-${id}`);
  }

  /** The id of the capture shown in the packet list (the one just started). */
  async selectedId(): Promise<string> {
    const row = this.page.locator('[data-testid^="capture-row-"][aria-selected="true"]');
    await row.waitFor();
    return ((await row.getAttribute('data-testid')) ?? '').replace('capture-row-', '');
  }

  async delete(id: string): Promise<void> {
    await this.captureRow(id).getByTestId('capture-delete').click();
    await this.page.getByTestId('capture-delete-confirm').click();
    await this.captureRow(id).waitFor({ state: 'detached' });
  }
}
