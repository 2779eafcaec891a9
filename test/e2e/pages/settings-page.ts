/** Page object for Settings → Host capabilities. */
import type { Locator, Page } from 'playwright-core';

export class SettingsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-settings').click();
    await this.page.getByTestId('capabilities-table').waitFor();
  }

  capability(name: string): Locator {
    return this.page.getByTestId(`capability-${name}`);
  }

  async state(name: string): Promise<string | null> {
    return this.capability(name).getAttribute('data-state');
  }
}
