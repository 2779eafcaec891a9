/** Settings → Host capabilities in Chromium: what this kernel can and cannot do, as the user sees it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, serve, screenshot, CHROMIUM, type Served } from './support/browser';
import { TopologyPage } from './pages/topology-page';
import { SettingsPage } from './pages/settings-page';
import { skipSuite } from '../support/requirements';
import { probeCapabilities } from '../../electron/services/capabilities';

const LAB = `nnset${process.pid % 10000}`;
const skip = skipSuite('settings (e2e)', { root: true, tools: ['ip', 'nft', 'tc'], files: [{ path: CHROMIUM, pkg: 'chromium' }] });

describe.skipIf(skip)('settings: host capabilities', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    served = await serve(['--lab', '--lab-name', LAB]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await new TopologyPage(page).open(served.url);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('shows every feature as the probe found it, with the reason for what is missing', async () => {
    const settings = new SettingsPage(page);
    await settings.open();
    const caps = await probeCapabilities();
    for (const [name, f] of Object.entries(caps.features)) {
      expect(await settings.state(name)).toBe(f.available ? 'available' : 'missing');
    }
    const missing = Object.entries(caps.features).find(([, f]) => !f.available);
    if (missing) expect(await settings.capability(missing[0]).textContent()).toContain(missing[1].detail ?? '');
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'settings-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'settings-dark');
  });
});
