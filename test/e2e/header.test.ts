/// <reference lib="dom" />
/**
 * The header at 1440x900 with the Changes panel open, light and dark: the discovery-source pills stay on one line
 * inside the header (no wrap, nothing cut off), a source that is not ok keeps its name, and every pill still names
 * its source for the pointer (title) and for screen readers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, serve, screenshot, CHROMIUM, type Served } from './support/browser';
import { TopologyPage } from './pages/topology-page';
import { ChangesPage } from './pages/changes-page';
import { throwawayStateDirs } from './support/lab';
import { skipSuite } from '../support/requirements';

const LAB = `nnhd${process.pid % 10000}`;
const skip = skipSuite('header (e2e)', {
  root: true,
  tools: ['ip', 'ovs-vsctl', 'ovsdb-server', 'ovs-vswitchd'],
  files: [{ path: CHROMIUM, pkg: 'chromium' }],
});

describe.skipIf(skip)('header with the Changes panel open at 1440 px', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  const dirs: string[] = [];

  beforeAll(async () => {
    dirs.push(...throwawayStateDirs('nn-e2e-hdr-'));
    served = await serve(['--lab', '--lab-name', LAB]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await new TopologyPage(page).open(served.url);
    await page.getByTestId('nav-switches').click();
    await new ChangesPage(page).open();
    await page.getByTestId('source-status-ip').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    spawnSync(process.execPath, ['bin/novanet.js', 'lab', 'down', '--name', LAB], { stdio: 'ignore' });
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it.each(['light', 'dark'] as const)('keeps the source pills on one line, inside the header (%s)', async (scheme) => {
    await page.emulateMedia({ colorScheme: scheme });
    await screenshot(page, `header-changes-open-${scheme}`);
    const m = await page.evaluate(() => {
      const header = document.querySelector('.header') as HTMLElement;
      const pills = Array.from(document.querySelectorAll('.sources .source')) as HTMLElement[];
      const tops = new Set(pills.map((p) => Math.round(p.getBoundingClientRect().top)));
      const h = header.getBoundingClientRect();
      return {
        rows: tops.size,
        inside: pills.every((p) => {
          const r = p.getBoundingClientRect();
          return r.left >= h.left && r.right <= h.right && r.top >= h.top && r.bottom <= h.bottom;
        }),
        overflow: header.scrollWidth - header.clientWidth,
        named: pills.every((p) => !!p.title && !!p.textContent?.trim()),
        visibleNames: pills
          .filter((p) => !p.classList.contains('source--ok'))
          .map((p) => (p.querySelector('.source__label') as HTMLElement | null)?.offsetWidth ?? 0),
      };
    });
    expect(m).toMatchObject({ rows: 1, inside: true, overflow: 0, named: true });
    // A source that needs attention (libvirt is skipped in a lab) is still named on screen.
    expect(m.visibleNames.every((w) => w > 0)).toBe(true);
  });

  it('names every source on screen again when the panel closes and there is room', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await new ChangesPage(page).close();
    const widths = await page.$$eval('.sources .source__label', (els) =>
      els.map((e) => (e as HTMLElement).offsetWidth),
    );
    expect(widths.length).toBeGreaterThanOrEqual(4);
    expect(widths.every((w) => w > 10)).toBe(true);
    await screenshot(page, 'header-changes-closed-light');
  });
});
