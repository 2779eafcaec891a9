/** Page object for the Networks view. Tests speak in user terms; selectors live here only. */
import type { Locator, Page } from 'playwright-core';

export type NetworksTab = 'networks' | 'dhcp' | 'nat' | 'leases' | 'vms';

export class NetworksPage {
  constructor(readonly page: Page) {}

  view(): Locator {
    return this.page.getByTestId('networks-view');
  }

  async open(tab: NetworksTab = 'networks'): Promise<void> {
    await this.page.getByTestId('nav-networks').click();
    await this.view().waitFor();
    await this.page.getByTestId(`net-tab-${tab}`).click();
  }

  /** Makes a new spec and edits it, so the suite never touches the user's own specs. */
  async newSpec(name: string): Promise<void> {
    await this.page.getByTestId('new-spec').click();
    await this.page.getByTestId('new-spec-name').fill(name);
    await this.page.getByTestId('new-spec-create').click();
    await this.page.waitForFunction(
      (n) => (document.querySelector('[data-testid="spec-picker"]') as HTMLSelectElement | null)?.value === n,
      name,
    );
  }

  wizard(): Locator {
    return this.page.getByTestId('network-wizard');
  }

  async startNetwork(): Promise<void> {
    await this.page.getByTestId('add-network').click();
    await this.wizard().waitFor();
  }

  field(testId: string): Locator {
    return this.page.getByTestId(testId);
  }

  /** The error text under a field of the open dialog, by spec path (networks[0].ipv4.address). */
  fieldError(path: string): Locator {
    return this.page.getByTestId(`field-error-${path}`);
  }

  async save(): Promise<void> {
    await this.page.getByTestId('entry-save').click();
  }

  row(name: string): Locator {
    return this.page.getByTestId(`network-row-${name}`);
  }

  async removeNetwork(name: string): Promise<void> {
    await this.row(name).getByTestId(`remove-${name}`).click();
  }

  leasesTable(): Locator {
    return this.page.getByTestId('leases-table');
  }

  lease(mac: string): Locator {
    return this.page.getByTestId(`lease-${mac}`);
  }

  async filterLeases(network: string): Promise<void> {
    await this.page.getByTestId('leases-filter').selectOption(network);
  }
}
