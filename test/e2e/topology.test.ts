/// <reference lib="dom" />
/** The Topology view in Debian's Chromium against `novanet serve --lab`: the user's path, end to end. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, serve, screenshot, CHROMIUM, type Served } from './support/browser';
import { TopologyPage } from './pages/topology-page';
import { skipSuite } from '../support/requirements';

const LAB = `nne2e${process.pid % 10000}`;
const skip = skipSuite('topology (e2e)', {
  root: true,
  tools: ['ip', 'ovs-vsctl', 'ovsdb-server', 'ovs-vswitchd'],
  files: [{ path: CHROMIUM, pkg: 'chromium' }],
});
const id = (name: string) => `link:${LAB}:${name}`;

describe.skipIf(skip)('topology view', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let topo: TopologyPage;

  beforeAll(async () => {
    served = await serve(['--lab', '--lab-name', LAB]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    topo = new TopologyPage(page);
    await topo.open(served.url);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('shows nothing but a plain 401 without the token', async () => {
    const res = await fetch(`${served.origin}/`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('text/plain');
  });

  it("shows the lab's bridge with its ports", async () => {
    await expect(topo.node(id('br0')).isVisible()).resolves.toBe(true);
    for (const port of ['enp3s0', 'vm1-eth0', 'vm2-eth0', 'vm3-eth0', 'vx100']) {
      await topo.node(id(port)).waitFor();
      expect(await topo.edge(`member:${id(port)}->${id('br0')}`).count()).toBe(1);
    }
    await topo.node('ovs:ovsbr0').waitFor();
    await topo.node('ovsport:ovsbr0:vm4-eth0').waitFor();
    await expect(topo.node('ovsport:ovsbr0:vm4-eth0').textContent()).resolves.toContain('VLAN 10');
  });

  it('shows every attribute of the selected node', async () => {
    await topo.select(id('br0'));
    const text = (await topo.details().textContent()) ?? '';
    expect(text).toContain('br0');
    expect(text).toContain('10.77.0.1/24');
    expect(text).toMatch(/stp_state|STP/i);
    await screenshot(page, 'topology-details-light');
  });

  it('shows a link added to the lab within 2 s, without reload', async () => {
    const t0 = Date.now();
    execFileSync('ip', ['-n', LAB, 'link', 'add', 'e2e-new0', 'type', 'veth', 'peer', 'name', 'e2e-new1']);
    await topo.node(id('e2e-new0')).waitFor({ timeout: 2000 });
    expect(Date.now() - t0).toBeLessThan(2000);
    // The layout is kept: the bridge did not move when the new link arrived.
  });

  it('keeps the layout when the host changes', async () => {
    const before = await topo.node(id('br0')).boundingBox();
    execFileSync('ip', ['-n', LAB, 'link', 'add', 'e2e-more0', 'type', 'veth', 'peer', 'name', 'e2e-more1']);
    await topo.node(id('e2e-more0')).waitFor({ timeout: 2000 });
    const after = await topo.node(id('br0')).boundingBox();
    expect(after?.x).toBeCloseTo(before?.x ?? NaN, 0);
    expect(after?.y).toBeCloseTo(before?.y ?? NaN, 0);
  });

  it('highlights search matches and hides filtered kinds', async () => {
    await topo.search('vm2');
    await page.waitForSelector(`.react-flow__node.is-match[data-id="${id('vm2-eth0')}"]`);
    await page.waitForSelector(`.react-flow__node.is-dimmed[data-id="${id('vx100')}"]`);
    await topo.search('');
    await page.getByTestId('kind-filter-vxlan').click();
    await topo.node(id('vx100')).waitFor({ state: 'hidden' });
    await page.getByTestId('kind-filter-vxlan').click();
    await topo.node(id('vx100')).waitFor();
  });

  it('saves a screenshot of the view in light and dark', async () => {
    await page.keyboard.press('Escape');
    await page.emulateMedia({ colorScheme: 'light' });
    await topo.fitView();
    await page.waitForTimeout(400);
    await screenshot(page, 'topology-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(400);
    await screenshot(page, 'topology-dark');
    await topo.select(id('br0'));
    await screenshot(page, 'topology-details-dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).not.toBe('rgb(255, 255, 255)');
  });

  it('names a source that failed while the rest still renders', async () => {
    const broken = await serve(['--netns', LAB, '--ovs-db', 'unix:/run/novanet/e2e-none.sock']);
    const p2 = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      const t2 = new TopologyPage(p2);
      await t2.open(broken.url);
      await t2.node(id('br0')).waitFor();
      await t2.sourceStatus('ovs').waitFor();
      const status = (await p2.getByTestId('app-shell').textContent()) ?? '';
      expect(status).toMatch(/Open vSwitch database does not answer/);
      await screenshot(p2, 'topology-source-error');
    } finally {
      await p2.close();
      await broken.stop();
    }
  });
});
