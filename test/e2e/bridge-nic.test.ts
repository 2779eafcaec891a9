/// <reference lib="dom" />
/**
 * "Bridge my NIC" in Debian's Chromium against `novanet serve --lab`, as root with the real helper: a lab NIC with
 * an address and the default route to a gateway namespace is bridged from its details panel in the topology; the
 * wizard shows what moves, the Changes drawer applies it under the trial (the gateway ping keeps passing), and
 * afterwards the bridge holds the address, MAC and route, the NIC is its uplink in the graph, and the gateway
 * still answers. The Switches view opens the same wizard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, serve, screenshot, CHROMIUM, type Served } from './support/browser';
import { throwawayStateDirs } from './support/lab';
import { ChangesPage } from './pages/changes-page';
import { TopologyPage } from './pages/topology-page';
import { skipSuite } from '../support/requirements';

const LAB = `ntte${process.pid % 10000}b`;
const GW_NS = `${LAB}-gw`;
const NIC = 'nicb0';
const BRIDGE = 'br-nicb0';
const skip = skipSuite('bridge my NIC (e2e)', {
  root: true,
  tools: ['ip', 'bridge', 'ping', 'ovs-vsctl', 'ovsdb-server', 'ovs-vswitchd'],
  files: [{ path: CHROMIUM, pkg: 'chromium' }],
});
const id = (name: string) => `link:${LAB}:${name}`;
const ipj = (args: string[]) =>
  JSON.parse(execFileSync('ip', ['-n', LAB, '-j', ...args], { encoding: 'utf8' })) as Record<string, unknown>[];

describe.skipIf(skip)('bridge my NIC', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let topo: TopologyPage;
  let changes: ChangesPage;
  let dirs: string[] = [];
  let mac = '';
  const savedEnv = ['NOVANET_CONFIG_DIR', 'NOVANET_HELPER_STATE_DIR', 'NOVANET_CAPTURE_DIR'].map(
    (k) => [k, process.env[k]] as const,
  );

  beforeAll(async () => {
    dirs = throwawayStateDirs('nn-e2e-bridge-');
    served = await serve(['--lab', '--lab-name', LAB]);
    execFileSync('ip', ['netns', 'add', GW_NS]);
    execFileSync('ip', ['-n', LAB, '-batch', '-'], {
      input: [
        `link add ${NIC} type veth peer name gwb0 netns ${GW_NS}`,
        `addr add 10.67.0.10/24 dev ${NIC}`,
        `link set ${NIC} up`,
        'route add default via 10.67.0.1',
      ].join('\n'),
    });
    execFileSync('ip', ['-n', GW_NS, '-batch', '-'], { input: 'addr add 10.67.0.1/24 dev gwb0\nlink set gwb0 up\n' });
    mac = String(ipj(['link', 'show', 'dev', NIC])[0]!.address);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    topo = new TopologyPage(page);
    changes = new ChangesPage(page);
    await topo.open(served.url);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    spawnSync(process.execPath, ['bin/novanet.js', 'lab', 'down', '--name', LAB], { stdio: 'ignore' });
    spawnSync('ip', ['netns', 'del', GW_NS], { stdio: 'ignore' });
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('opens the wizard from the Switches view too', async () => {
    await page.getByTestId('nav-switches').click();
    await page.getByTestId('switches-view').getByTestId('bridge-nic-action').click();
    await page.getByTestId('bridge-nic-wizard').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('bridge-nic-wizard').waitFor({ state: 'hidden' });
    await page.getByTestId('nav-topology').click();
  });

  it("shows what moves from the NIC's details panel, and adds the switch to the spec", async () => {
    await topo.node(id(NIC)).waitFor({ timeout: 10_000 });
    await topo.select(id(NIC));
    await topo.details().getByTestId('bridge-nic-action').click();
    const wizard = page.getByTestId('bridge-nic-wizard');
    await wizard.waitFor();
    await expect(page.getByTestId('bridge-nic-select').inputValue()).resolves.toBe(NIC);
    await expect(page.getByTestId('bridge-nic-name').inputValue()).resolves.toBe(BRIDGE);
    const moves = (await page.getByTestId('bridge-nic-moves').textContent()) ?? '';
    expect(moves).toContain('10.67.0.10/24');
    expect(moves).toContain(mac);
    expect(moves).toContain('via 10.67.0.1');
    await screenshot(page, 'bridge-nic-wizard-light');
    await page.getByTestId('bridge-nic-add').click();
    await wizard.waitFor({ state: 'hidden' });
    await changes.panel().waitFor();
    // The plan follows the draft after a short debounce: wait for the route's command, then read the rest.
    await changes.panel().getByText(`ip -n ${LAB} route add default via 10.67.0.1 dev ${BRIDGE}`).waitFor();
    await expect(changes.panel().textContent()).resolves.toContain(`ip -n ${LAB} addr del 10.67.0.10/24 dev ${NIC}`);
    await screenshot(page, 'bridge-nic-plan-light');
  });

  it('applies under the trial, keeps; the bridge has address, MAC and route, and the gateway answers', async () => {
    await changes.setTrialSeconds(60);
    await changes.apply();
    await changes.waitForTrial();
    await screenshot(page, 'bridge-nic-trial-light');
    await changes.keep();
    await expect(changes.waitForResult()).resolves.toBe('committed');
    expect(ipj(['route', 'show', 'default'])).toEqual([expect.objectContaining({ gateway: '10.67.0.1', dev: BRIDGE })]);
    expect(ipj(['link', 'show', 'dev', BRIDGE])[0]!.address).toBe(mac);
    expect(ipj(['link', 'show', 'dev', NIC])[0]!.master).toBe(BRIDGE);
    const ping = spawnSync('ip', ['netns', 'exec', LAB, 'ping', '-c', '1', '-W', '2', '10.67.0.1'], {
      stdio: 'ignore',
    });
    expect(ping.status).toBe(0);
    await changes.dismissResult();
    await changes.close();
    await topo.edge(`member:${id(NIC)}->${id(BRIDGE)}`).waitFor({ timeout: 10_000 });
    await screenshot(page, 'bridge-nic-applied-light');
  });
});
