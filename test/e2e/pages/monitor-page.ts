/** Page object for the Monitor view (Traffic and Alerts tabs). Selectors live here only. */
import type { Download, Locator, Page } from 'playwright-core';

export class MonitorPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-monitor').click();
    await this.page.getByTestId('monitor-view').waitFor();
    await this.page.getByTestId('series-picker').waitFor();
  }

  option(key: string): Locator {
    return this.page.getByTestId(`series-option-${key}`);
  }

  /** Makes sure the series has a chart (the picker toggles). */
  async chartSeries(key: string): Promise<void> {
    const box = this.option(key).locator('input[type="checkbox"]');
    await box.waitFor();
    if (!(await box.isChecked())) await box.check();
    await this.chart(key).waitFor();
  }

  chart(key: string): Locator {
    return this.page.getByTestId(`chart-${key}`);
  }

  /** The chart's newest receive and transmit bit/s, when it was sampled, and how many points it draws. */
  async reading(key: string): Promise<{ rx: number; tx: number; points: number; at: number; text: string }> {
    const c = this.chart(key);
    const [rx, tx, points, at, text] = await Promise.all([
      c.getAttribute('data-rx'),
      c.getAttribute('data-tx'),
      c.getAttribute('data-points'),
      c.getAttribute('data-last-at'),
      c.getByTestId('chart-now').textContent(),
    ]);
    return {
      rx: Number(rx || 0),
      tx: Number(tx || 0),
      points: Number(points || 0),
      at: Number(at || 0),
      text: text ?? '',
    };
  }

  async range(r: '5m' | '1h' | '24h' | '7d'): Promise<void> {
    await this.page.getByTestId(`range-${r}`).click();
  }

  async toggleUnits(): Promise<void> {
    await this.page.getByTestId('units-toggle').click();
  }

  async export(kind: 'csv' | 'png'): Promise<Download> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByTestId(`export-${kind}`).click(),
    ]);
    return download;
  }

  talkers(): Locator {
    return this.page.getByTestId('top-talkers');
  }

  talker(key: string): Locator {
    return this.page.getByTestId(`talker-${key}`);
  }

  async alertsTab(): Promise<void> {
    await this.page.getByTestId('monitor-tab-alerts').click();
    await this.page.getByTestId('alerts-panel').waitFor();
  }

  async trafficTab(): Promise<void> {
    await this.page.getByTestId('monitor-tab-traffic').click();
    await this.page.getByTestId('series-picker').waitFor();
  }

  /** Adds a rule row and saves the rules. */
  async addRule(fields: { interface: string; bandwidthMbps?: string; holdS?: string }): Promise<void> {
    await this.page.getByTestId('rule-add').click();
    const rows = this.page.locator('[data-testid^="rule-"][data-testid$="-interface"]');
    const i = (await rows.count()) - 1;
    await this.page.getByTestId(`rule-${i}-interface`).fill(fields.interface);
    if (fields.bandwidthMbps) await this.page.getByTestId(`rule-${i}-bandwidthMbps`).fill(fields.bandwidthMbps);
    if (fields.holdS) await this.page.getByTestId(`rule-${i}-holdS`).fill(fields.holdS);
    await this.page.getByTestId('rules-save').click();
  }

  badge(): Locator {
    return this.page.getByTestId('alerts-badge');
  }

  toasts(): Locator {
    return this.page.getByTestId('toast');
  }
}
