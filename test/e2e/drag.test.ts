/// <reference lib="dom" />
/**
 * Drag-to-place in Debian's Chromium against `novanet serve --lab`, as root with the real helper: a switch with a
 * port group is made in the Switches view, a free lab interface is dragged onto it in the topology, the port-group
 * menu is answered, the graph marks the pending change, and after apply + keep the interface is a port of the
 * switch, in the kernel and in the graph. A drop on a foreign switch is refused with its reason and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, serve, screenshot, CHROMIUM, type Served } from './support/browser';
import { throwawayStateDirs } from './support/lab';
import { SwitchesPage } from './pages/switches-page';
import { ChangesPage } from './pages/changes-page';
import { TopologyPage } from './pages/topology-page';
import { skipSuite } from '../support/requirements';

const LAB = `ntte${process.pid % 10000}`;
const SWITCH = 'br-drag';
const PORT = 'drag0';
const skip = skipSuite('drag to place (e2e)', {
  root: true,
  tools: ['ip', 'bridge', 'ovs-vsctl', 'ovsdb-server', 'ovs-vswitchd'],
  files: [{ path: CHROMIUM, pkg: 'chromium' }],
});
const id = (name: string) => `link:${LAB}:${name}`;

/** The master the kernel reports for a link of the lab namespace, if any. */
function masterOf(name: string): string | undefined {
  const out = execFileSync('ip', ['-n', LAB, '-j', 'link', 'show', 'dev', name], { encoding: 'utf8' });
  return (JSON.parse(out) as { master?: string }[])[0]?.master;
}

/** A real pointer drag, in small steps, from the middle of one node to the middle of another. */
async function dragNode(page: Page, topo: TopologyPage, from: string, to: string): Promise<void> {
  const a = await topo.node(from).boundingBox();
  const b = await topo.node(to).boundingBox();
  if (!a || !b) throw new Error(`${from} or ${to} is not on screen`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 12, a.y + a.height / 2 + 12, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
}

describe.skipIf(skip)('drag an interface onto a port group', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let topo: TopologyPage;
  let changes: ChangesPage;
  let switches: SwitchesPage;
  let dirs: string[] = [];
  /** Steps of the switch alone: the drop adds to them. */
  let switchSteps = 0;
  const savedEnv = ['NOVANET_CONFIG_DIR', 'NOVANET_HELPER_STATE_DIR', 'NOVANET_CAPTURE_DIR'].map(
    (k) => [k, process.env[k]] as const,
  );

  beforeAll(async () => {
    dirs = throwawayStateDirs('nn-e2e-drag-');
    served = await serve(['--lab', '--lab-name', LAB]);
    execFileSync('ip', ['-n', LAB, 'link', 'add', PORT, 'type', 'veth', 'peer', 'name', 'drag1']);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    topo = new TopologyPage(page);
    changes = new ChangesPage(page);
    switches = new SwitchesPage(page);
    await topo.open(served.url);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    spawnSync(process.execPath, ['bin/novanet.js', 'lab', 'down', '--name', LAB], { stdio: 'ignore' });
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('plans a new switch with a port group from the Switches view', async () => {
    await switches.open();
    await switches.addLinuxSwitch(SWITCH);
    await switches.addPortGroup(0, 'servers');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="changes-count"]')?.getAttribute('data-count')) > 0,
    );
    switchSteps = await changes.count();
    await page.getByTestId('nav-topology').click();
    await topo.node(id(SWITCH)).waitFor({ timeout: 10_000 });
    await topo.node(id(PORT)).waitFor({ timeout: 10_000 });
    await topo.fitView();
  });

  it('refuses a drop on a switch the spec does not own, says why, and puts the node back', async () => {
    // The node's place in flow coordinates (its transform), which a banner shifting the viewport does not change.
    const place = () => topo.node(id(PORT)).evaluate((el) => (el as HTMLElement).style.transform);
    const before = await place();
    await dragNode(page, topo, id(PORT), id('br0'));
    await page.locator(`.react-flow__node.is-drop-refused[data-id="${id('br0')}"]`).waitFor();
    await expect(page.getByTestId('drop-status').textContent()).resolves.toContain('br0 is not a switch of spec');
    await screenshot(page, 'drag-refused-light');
    await page.mouse.up();
    await expect(page.getByTestId('drop-notice').textContent()).resolves.toContain('NovaNet changes only its own');
    await changes.waitForCount(switchSteps);
    await expect.poll(place, { timeout: 5_000 }).toBe(before);
  });

  it('drops the interface on the switch, asks for the port group, and marks the change as pending', async () => {
    await dragNode(page, topo, id(PORT), id(SWITCH));
    await page.locator(`.react-flow__node.is-drop-ok[data-id="${id(SWITCH)}"]`).waitFor();
    await expect(page.getByTestId('drop-status').textContent()).resolves.toContain(
      `choose a port group of ${SWITCH} for ${PORT}: servers or none`,
    );
    await page.mouse.up();
    await page.getByTestId('drop-menu').waitFor();
    await screenshot(page, 'drag-menu-light');
    await page.getByTestId('drop-choice-servers').click();
    await expect(page.getByTestId('drop-notice').textContent()).resolves.toContain(
      `${PORT} goes on port group servers of ${SWITCH}`,
    );
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid="changes-count"]')?.getAttribute('data-count')) > n,
      switchSteps,
    );
    await page.locator(`.react-flow__node.is-pending-change[data-id="${id(PORT)}"]`).waitFor({ timeout: 10_000 });
    await screenshot(page, 'drag-pending-light');
    await changes.open();
    await expect(changes.panel().textContent()).resolves.toContain(
      `ip -n ${LAB} link set dev ${PORT} master ${SWITCH}`,
    );
  });

  it('applies and keeps: the interface is a port of the switch in the kernel and in the graph', async () => {
    await changes.setTrialSeconds(60);
    await changes.apply();
    await changes.waitForTrial();
    await changes.keep();
    await expect(changes.waitForResult()).resolves.toBe('committed');
    expect(masterOf(PORT)).toBe(SWITCH);
    await changes.dismissResult();
    await changes.close();
    await topo.edge(`member:${id(PORT)}->${id(SWITCH)}`).waitFor({ timeout: 10_000 });
    await screenshot(page, 'drag-applied-light');
  });

  it('offers the same placement from the details panel, by keyboard', async () => {
    await topo.select(id(PORT));
    await topo.details().getByTestId('place-action').click();
    const dialog = page.getByTestId('place-dialog');
    await dialog.waitFor();
    // Already in servers: the choices are the switch without a group only.
    await expect(dialog.textContent()).resolves.toContain(`${SWITCH} (no port group)`);
    await expect(dialog.textContent()).resolves.not.toContain('port group servers');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });
});
