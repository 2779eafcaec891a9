/**
 * Capture in Debian's Chromium against `novanet serve --lab` (as root, so the helper runs tcpdump directly): a
 * capture started and stopped from the page fills the live packet list while lab namespaces ping each other, a
 * bad filter shows tcpdump's own message, and "Capture here…" on the graph opens the form on that object.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, serve, screenshot, CHROMIUM, type Served } from './support/browser';
import { TopologyPage } from './pages/topology-page';
import { CapturePage } from './pages/capture-page';
import { labAnswers, throwawayStateDirs, until } from './support/lab';
import { skipSuite } from '../support/requirements';

const LAB = `nncap${process.pid % 10000}`;
const skip = skipSuite('capture (e2e)', {
  root: true,
  tools: ['ip', 'ping', 'tcpdump', 'ovs-vsctl', 'ovsdb-server', 'ovs-vswitchd'],
  files: [{ path: CHROMIUM, pkg: 'chromium' }],
});

function ping(seconds: number): ChildProcess {
  return spawn('ip', ['netns', 'exec', `${LAB}-vm1`, 'ping', '-q', '-i', '0.2', '-w', String(seconds), '10.77.0.12'], {
    stdio: 'ignore',
  });
}


describe.skipIf(skip)('capture view', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let cap: CapturePage;
  let traffic: ChildProcess | undefined;
  const dirs: string[] = [];

  beforeAll(async () => {
    dirs.push(...throwawayStateDirs('nn-e2e-cap-'));
    served = await serve(['--lab', '--lab-name', LAB]);
    await labAnswers(LAB);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await new TopologyPage(page).open(served.url);
    cap = new CapturePage(page);
    await cap.open();
  });
  afterAll(async () => {
    traffic?.kill();
    await browser?.close();
    await served?.stop();
    spawnSync(process.execPath, ['bin/novanet.js', 'lab', 'down', '--name', LAB], { stdio: 'ignore' });
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('shows the filter compiler’s message under the filter and starts nothing', async () => {
    await cap.captureOn('if:vm1-eth0');
    await cap.fill({ filter: 'icmp and' });
    await cap.start();
    await cap.filterError().waitFor();
    expect(await cap.filterError().textContent()).toMatch(/syntax error/);
    await expect(page.getByTestId('capture-filter').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(cap.captureRows().count()).resolves.toBe(0);
  });

  it('fills the live packet list with ICMP rows while pinging, and stops from the page', async () => {
    await cap.fill({ filter: 'icmp' });
    await expect(cap.filterError().count()).resolves.toBe(0);
    const id = await cap.startNew();
    traffic = ping(30);
    await until('ICMP rows', async () => (await cap.rows().count()) >= 6);
    const protocols = await cap.rows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-protocol')));
    expect(new Set(protocols)).toEqual(new Set(['ICMP']));
    await expect(cap.rows().first().textContent()).resolves.toMatch(/10\.77\.0\.1[12].*ICMP.*echo/);
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'capture-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'capture-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await cap.stop();
    await until(
      'the capture to complete',
      async () => (await cap.captureRow(id).getAttribute('data-state')) === 'completed',
    );
    const listed = Number(await cap.packetList().getAttribute('data-count'));
    expect(listed).toBeGreaterThanOrEqual(6);
    const rowText = (await cap.captureRow(id).textContent()) ?? '';
    expect(rowText).toContain('vm1-eth0');
    expect(rowText).toContain('Completed');
  });

  it('ends a capture by itself at its packet count', async () => {
    await cap.fill({ filter: 'icmp', count: '4' });
    const id = await cap.startNew();
    await until(
      'the count to end it',
      async () => (await cap.captureRow(id).getAttribute('data-state')) === 'completed',
    );
    await until('four rows', async () => (await cap.rows().count()) === 4);
    await cap.fill({ count: '' });
  });

  it('opens the capture form on a graph object from its context menu, and captures there', async () => {
    const topo = new TopologyPage(page);
    await page.getByTestId('nav-topology').click();
    const node = topo.node(`link:${LAB}:vm2-eth0`);
    await node.waitFor();
    await node.click({ button: 'right' });
    await page.getByTestId('node-menu-capture').click();
    await page.getByTestId('capture-view').waitFor();
    expect(await cap.source()).toBe(`node:link:${LAB}:vm2-eth0`);
    await expect(page.getByTestId('capture-filter').evaluate((el) => el === document.activeElement)).resolves.toBe(
      true,
    );
    await cap.fill({ filter: 'icmp', count: '2' });
    const id = await cap.startNew();
    await until(
      'the capture on the node to end',
      async () => (await cap.captureRow(id).getAttribute('data-state')) === 'completed',
    );
    await expect(cap.captureRow(id).textContent()).resolves.toContain('vm2-eth0');
  });

  it('offers "Capture here…" on an idle edge too (no traffic drawn on it), for the device that carries it', async () => {
    const topo = new TopologyPage(page);
    await page.getByTestId('nav-topology').click();
    const id = `member:link:${LAB}:vm2-eth0->link:${LAB}:br0`;
    await topo.edge(id).waitFor({ state: 'attached' });
    expect(await topo.edge(id).getAttribute('class')).not.toMatch(/\btraffic\b/);
    await topo.rightClickEdge(id);
    const menu = page.getByTestId('node-menu');
    await menu.waitFor();
    await expect(menu.getAttribute('aria-label')).resolves.toMatch(/^Link through .*vm2-eth0/);
    await page.getByTestId('node-menu-capture').click();
    await page.getByTestId('capture-view').waitFor();
    expect(await cap.source()).toBe(`node:link:${LAB}:vm2-eth0`);
    // A right-click on empty canvas offers nothing.
    await page.getByTestId('nav-topology').click();
    await page.locator('.react-flow__pane').click({ button: 'right', position: { x: 5, y: 5 } });
    await expect(page.getByTestId('node-menu').count()).resolves.toBe(0);
    await cap.open();
  });

  it('deletes a capture after asking', async () => {
    const ids = await cap.captureRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')));
    expect(ids.length).toBeGreaterThanOrEqual(3);
    const id = await cap.selectedId();
    await cap.delete(id);
    await expect(cap.captureRow(id).count()).resolves.toBe(0);
    await expect(cap.captureRows().count()).resolves.toBe(ids.length - 1);
  });
});
