/** Page object for the Switches view. Tests speak in user terms; selectors live here only. */
import type { Locator, Page } from 'playwright-core';

export class SwitchesPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-switches').click();
    await this.page.getByTestId('switches-view').waitFor();
  }

  row(name: string): Locator {
    return this.page.getByTestId(`switch-row-${name}`);
  }

  async addLinuxSwitch(name: string): Promise<void> {
    await this.page.getByTestId('add-switch').click();
    await this.page.getByTestId('switch-name').fill(name);
    await this.page.getByTestId('switch-type').selectOption('linux');
    await this.row(name).waitFor();
  }

  async checkUplink(ifname: string): Promise<void> {
    await this.page.getByTestId(`uplink-${ifname}`).check();
  }

  /** Adds a port group; `vlan` makes it an access group, `trunk` ("10, 20, 30-40") a trunk. */
  async addPortGroup(index: number, name: string, opts: { vlan?: string; trunk?: string } = {}): Promise<void> {
    await this.page.getByTestId('add-port-group').click();
    await this.page.getByTestId(`port-group-name-${index}`).fill(name);
    if (opts.vlan !== undefined) await this.setVlan(index, opts.vlan);
    if (opts.trunk !== undefined) {
      await this.page.getByTestId(`port-group-mode-${index}`).selectOption('trunk');
      await this.page.getByTestId(`port-group-trunk-${index}`).fill(opts.trunk);
    }
  }

  async setVlan(index: number, vlan: string): Promise<void> {
    await this.page.getByTestId(`port-group-mode-${index}`).selectOption('access');
    await this.page.getByTestId(`port-group-vlan-${index}`).fill(vlan);
  }

  fieldError(path: string): Locator {
    return this.page.getByTestId(`field-error-${path}`);
  }

  async removeSelectedSwitch(): Promise<void> {
    await this.page.getByTestId('remove-switch').click();
  }
}
