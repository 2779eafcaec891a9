/** Page object for the Changes panel: pending steps, apply, the trial, history. */
import type { Locator, Page } from 'playwright-core';

export class ChangesPage {
  constructor(readonly page: Page) {}

  panel(): Locator {
    return this.page.getByTestId('changes-panel');
  }

  async open(tab: 'pending' | 'history' = 'pending'): Promise<void> {
    if (!(await this.panel().isVisible())) await this.page.getByTestId('changes-toggle').click();
    await this.page.getByTestId(`changes-tab-${tab}`).click();
  }

  async close(): Promise<void> {
    if (await this.panel().isVisible()) await this.page.getByTestId('changes-toggle').click();
    await this.panel().waitFor({ state: 'hidden' });
  }

  async count(): Promise<number> {
    return Number(await this.page.getByTestId('changes-count').getAttribute('data-count'));
  }

  /** Waits until the badge shows `n` pending steps. */
  async waitForCount(n: number, timeout = 10_000): Promise<void> {
    await this.page.waitForFunction(
      (want) => document.querySelector('[data-testid="changes-count"]')?.getAttribute('data-count') === String(want),
      n,
      { timeout },
    );
  }

  step(index: number): Locator {
    return this.page.getByTestId(`step-${index}`);
  }

  applyButton(): Locator {
    return this.page.getByTestId('apply-button');
  }

  async setTrialSeconds(s: number): Promise<void> {
    await this.page.getByTestId('trial-seconds').selectOption(String(s));
  }

  /** Waits until the Apply button is enabled (the plan is checked) and presses it. */
  async apply(): Promise<void> {
    await this.page.waitForSelector('[data-testid="apply-button"]:not([disabled])', { timeout: 15_000 });
    await this.applyButton().click();
  }

  countdown(): Locator {
    return this.page.getByTestId('countdown');
  }

  async waitForTrial(timeout = 60_000): Promise<void> {
    await this.page.getByTestId('keep-button').waitFor({ timeout });
  }

  async keep(): Promise<void> {
    await this.page.getByTestId('keep-button').click();
  }

  async revertNow(): Promise<void> {
    await this.page.getByTestId('revert-button').click();
  }

  result(): Locator {
    return this.page.getByTestId('apply-result');
  }

  /** Waits for the verdict and returns it (committed, rolled-back, failed, ...). */
  async waitForResult(timeout = 90_000): Promise<string> {
    await this.result().waitFor({ timeout });
    return (await this.result().getAttribute('data-result')) ?? '';
  }

  async dismissResult(): Promise<void> {
    await this.page.getByTestId('result-done').click();
  }

  historyRow(version: number): Locator {
    return this.page.getByTestId(`history-row-${version}`);
  }

  /** Opens the revert dialog of `version`, waits for its plan, confirms; returns the plan shown. */
  async revertTo(version: number, beforeConfirm?: () => Promise<void>): Promise<string> {
    await this.page.getByTestId(`history-revert-${version}`).click();
    const dialog = this.page.getByTestId('revert-dialog');
    await dialog.waitFor();
    await this.page.waitForSelector('[data-testid="revert-confirm"]:not([disabled])', { timeout: 15_000 });
    const text = (await dialog.textContent()) ?? '';
    await beforeConfirm?.();
    await this.page.getByTestId('revert-confirm').click();
    await dialog.waitFor({ state: 'hidden' });
    return text;
  }
}
