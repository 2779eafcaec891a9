/// <reference lib="dom" />
/**
 * The Switches view and the Changes panel in Debian's Chromium against `novanet serve --lab`, as root with the
 * real helper: create a Linux switch with an uplink and a port group, see the plan, apply, keep, see it in the
 * graph, let a trial expire, revert from history. History and the helper's journal go to throwaway directories.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, serve, screenshot, CHROMIUM, type Served } from './support/browser';
import { SwitchesPage } from './pages/switches-page';
import { ChangesPage } from './pages/changes-page';
import { TopologyPage } from './pages/topology-page';
import { skipSuite } from '../support/requirements';
import { until } from './support/lab';

const LAB = `nnsw${process.pid % 10000}`;
const SWITCH = 'br-e2e';
const UPLINK = 'e2e-up0';
const skip = skipSuite('switches (e2e)', {
  root: true,
  tools: ['ip', 'bridge', 'ovs-vsctl', 'ovsdb-server', 'ovs-vswitchd'],
  files: [{ path: CHROMIUM, pkg: 'chromium' }],
});
const id = (name: string) => `link:${LAB}:${name}`;

/** Whether the lab namespace has a link of that name, asked of the kernel rather than the UI. */
function hostHas(name: string): boolean {
  try {
    execFileSync('ip', ['-n', LAB, 'link', 'show', 'dev', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(skip)('switches view and changes panel', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let switches: SwitchesPage;
  let changes: ChangesPage;
  let topo: TopologyPage;
  const dirs: string[] = [];
  const savedEnv = { config: process.env.NOVANET_CONFIG_DIR, helper: process.env.NOVANET_HELPER_STATE_DIR };

  beforeAll(async () => {
    const dir = (p: string) => {
      const d = mkdtempSync(join(tmpdir(), p));
      dirs.push(d);
      return d;
    };
    process.env.NOVANET_CONFIG_DIR = dir('nn-e2e-config-');
    process.env.NOVANET_HELPER_STATE_DIR = dir('nn-e2e-helper-');
    served = await serve(['--lab', '--lab-name', LAB]);
    execFileSync('ip', ['-n', LAB, 'link', 'add', UPLINK, 'type', 'veth', 'peer', 'name', 'e2e-up1']);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    switches = new SwitchesPage(page);
    changes = new ChangesPage(page);
    topo = new TopologyPage(page);
    await topo.open(served.url);
    await switches.open();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    if (savedEnv.config === undefined) delete process.env.NOVANET_CONFIG_DIR;
    else process.env.NOVANET_CONFIG_DIR = savedEnv.config;
    if (savedEnv.helper === undefined) delete process.env.NOVANET_HELPER_STATE_DIR;
    else process.env.NOVANET_HELPER_STATE_DIR = savedEnv.helper;
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('starts with the default spec and an empty state', async () => {
    await expect(page.getByTestId('spec-picker').inputValue()).resolves.toBe('workstation');
    await page.getByTestId('add-switch-empty').waitFor();
    await expect(page.getByTestId('switches-view').textContent()).resolves.toContain('No switches yet');
    await changes.waitForCount(0);
  });

  it('shows an invalid VLAN under its field, and Apply stays disabled with the reason', async () => {
    await switches.addLinuxSwitch(SWITCH);
    await switches.checkUplink(UPLINK);
    await switches.addPortGroup(0, 'servers', { vlan: '4095' });
    const error = switches.fieldError('switches[0].portGroups[0].vlan');
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain('4094');
    await expect(page.getByTestId('port-group-vlan-0').getAttribute('aria-invalid')).resolves.toBe('true');
    await changes.open();
    await expect(changes.applyButton().isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('apply-blocker').textContent()).resolves.toMatch(/problem/);
    await page.getByTestId('port-group-vlan-0').scrollIntoViewIfNeeded();
    await screenshot(page, 'switches-invalid-light');
    await switches.setVlan(0, '10');
    await error.waitFor({ state: 'detached' });
  });

  it('lists the pending steps per object with their exact commands', async () => {
    await changes.waitForCount(5);
    await expect(changes.step(0).textContent()).resolves.toContain(`Create Linux bridge ${SWITCH}`);
    await expect(changes.step(0).textContent()).resolves.toContain(`ip -n ${LAB} link add ${SWITCH} type bridge`);
    const all = (await changes.panel().textContent()) ?? '';
    expect(all).toContain(`ip -n ${LAB} link set dev ${UPLINK} master ${SWITCH}`);
    await expect(page.getByTestId(`plan-group-switch-${SWITCH}`).count()).resolves.toBe(1);
    await expect(switches.row(SWITCH).textContent()).resolves.toContain(UPLINK);
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'switches-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'switches-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('styles the pending switch and its uplink in the graph before anything is applied', async () => {
    await page.getByTestId('nav-topology').click();
    // The switch does not exist yet: a placeholder stands for it; the uplink it takes is marked as changing.
    await page.locator(`.react-flow__node.is-pending-add[data-id="${id(SWITCH)}"]`).waitFor({ timeout: 10_000 });
    await page.locator(`.react-flow__node.is-pending-change[data-id="${id(UPLINK)}"]`).waitFor({ timeout: 10_000 });
    await screenshot(page, 'topology-pending-light');
    await page.getByTestId('nav-switches').click();
  });

  it('applies with progress per step, counts down, keeps; the switch is in the graph', async () => {
    await changes.setTrialSeconds(60);
    await changes.apply();
    await changes.waitForTrial();
    for (let i = 0; i < 5; i++) await expect(changes.step(i).getAttribute('data-status')).resolves.toBe('done');
    const first = Number(await changes.countdown().textContent());
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(60);
    await page.waitForFunction(
      (f) => Number(document.querySelector('[data-testid="countdown"]')?.textContent) < f,
      first,
      { timeout: 5000 },
    );
    await screenshot(page, 'changes-trial-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'changes-trial-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await changes.keep();
    await expect(changes.waitForResult()).resolves.toBe('committed');
    await expect(changes.result().textContent()).resolves.toContain('version 1');
    expect(hostHas(SWITCH)).toBe(true);
    await changes.dismissResult();
    await changes.waitForCount(0);

    await page.getByTestId('nav-topology').click();
    await topo.node(id(SWITCH)).waitFor({ timeout: 10_000 });
    await topo.edge(`member:${id(UPLINK)}->${id(SWITCH)}`).waitFor({ timeout: 10_000 });
    await screenshot(page, 'switches-topology-light');
  });

  it('rolls back by itself when the countdown runs out', async () => {
    await switches.open();
    await switches.addLinuxSwitch('br-e2e-tmp');
    await changes.open();
    await changes.setTrialSeconds(15);
    await changes.apply();
    await changes.waitForTrial();
    expect(hostHas('br-e2e-tmp')).toBe(true);
    await expect(changes.waitForResult(60_000)).resolves.toBe('rolled-back');
    await expect(changes.result().textContent()).resolves.toMatch(/time ran out/);
    await screenshot(page, 'changes-rolled-back-light');
    expect(hostHas('br-e2e-tmp')).toBe(false);
    expect(hostHas(SWITCH)).toBe(true);
    await changes.dismissResult();
    // The rolled-back edit is still the draft: the user may fix it and try again, or remove it.
    await switches.row('br-e2e-tmp').click();
    await switches.removeSelectedSwitch();
    await changes.waitForCount(0);
  });

  it('edits an Open vSwitch switch with a trunk group and an internal port, in the form and as YAML', async () => {
    await switches.open();
    await page.getByTestId('add-switch').click();
    await page.getByTestId('switch-name').fill('ovs-e2e');
    await page.getByTestId('switch-type').selectOption('ovs');
    await switches.checkUplink('e2e-up1');
    await page.getByTestId('ovs-fail-mode').selectOption('secure');
    await switches.addPortGroup(0, 'dmz', { vlan: '30' });
    await switches.addPortGroup(1, 'uplinks', { trunk: '10, 20, 30-32' });
    await page.getByTestId('add-port').click();
    await page.getByTestId('port-internal-0').check();
    await page.getByTestId('port-name-0').fill('dmz-gw');
    await page.getByTestId('port-group-of-0').selectOption('dmz');
    await changes.open();
    await page.getByText('Add internal port dmz-gw to ovs-e2e in VLAN 30').waitFor();
    await page.getByTestId('port-group-trunk-1').scrollIntoViewIfNeeded();
    await screenshot(page, 'switches-ovs-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'switches-ovs-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByTestId('yaml-toggle').click();
    const yaml = await page.getByTestId('yaml-text').inputValue();
    expect(yaml).toContain('name: ovs-e2e');
    expect(yaml).toContain('failMode: secure');
    expect(yaml).toMatch(/trunk:\s*\n\s*- 10\n\s*- 20\n\s*- 30-32/);
    await page.getByTestId('yaml-text').fill(yaml.replace('vlan: 30', 'vlan: 4095'));
    await page.getByTestId('switches-view').getByText('switches[1].portGroups[0].vlan').waitFor();
    await expect(page.getByTestId('switches-view').textContent()).resolves.toContain('must be from 1 to 4094');
    await screenshot(page, 'switches-yaml-light');
    await page.getByTestId('yaml-toggle').click();
    await switches.fieldError('switches[1].portGroups[0].vlan').waitFor();

    await page.getByTestId('discard-edits').click();
    await changes.waitForCount(0);
    await switches.row('ovs-e2e').waitFor({ state: 'detached' });
  });

  it('adds a mirror to a Linux switch: a tc mirred plan, inline validation of its sources', async () => {
    execFileSync('ip', ['-n', LAB, 'link', 'add', 'e2e-mon0', 'type', 'veth', 'peer', 'name', 'e2e-mon1']);
    await switches.open();
    await switches.row(SWITCH).click();
    await page.getByTestId('add-port').click();
    await page.locator('[data-testid="port-name-0"] option[value="e2e-mon0"]').waitFor({ state: 'attached' });
    await page.getByTestId('port-name-0').selectOption('e2e-mon0');
    // The switch's group has a VLAN (which a Linux bridge cannot do without VLAN filtering): this port stays untagged.
    await page.getByTestId('port-group-of-0').selectOption({ label: 'No group (untagged)' });
    await page.getByTestId('add-mirror').click();
    const mirror = page.getByTestId('mirror-mirror');
    await mirror.waitFor();
    // The starting point: the first port mirrored both ways to the last one.
    await expect(mirror.getByTestId(`mirror-source-${UPLINK}`).isChecked()).resolves.toBe(true);
    await expect(mirror.getByTestId('mirror-output').inputValue()).resolves.toBe('e2e-mon0');
    await expect(mirror.getByTestId('mirror-source-e2e-mon0').isDisabled()).resolves.toBe(true);
    await expect(mirror.getByTestId('mirror-vlans').count()).resolves.toBe(0);
    await changes.open();
    const all = () => changes.panel().textContent();
    await until(
      'the tc steps',
      async () => ((await all()) ?? '').includes(`tc -n ${LAB} qdisc add dev ${UPLINK} clsact`),
      20_000,
      async () => [await all(), await page.getByTestId('switches-view').textContent()],
    );
    expect(await all()).toMatch(
      new RegExp(`tc -n ${LAB} filter add dev ${UPLINK} ingress pref 49152 .*mirred egress mirror dev e2e-mon0`),
    );
    expect(await all()).toMatch(new RegExp(`tc -n ${LAB} filter add dev ${UPLINK} egress pref 49152 `));
    await mirror.getByTestId('mirror-direction').selectOption('ingress');
    await until('one direction only', async () => !((await all()) ?? '').includes(`dev ${UPLINK} egress pref`));

    await mirror.getByTestId(`mirror-source-${UPLINK}`).uncheck();
    const error = switches.fieldError('mirrors[0].sources');
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain('a mirror needs sources or vlans');
    await expect(page.getByTestId('spec-level-issues').count()).resolves.toBe(0);
    await expect(changes.applyButton().isDisabled()).resolves.toBe(true);
    await mirror.getByTestId(`mirror-source-${UPLINK}`).check();
    await error.waitFor({ state: 'detached' });
    await mirror.scrollIntoViewIfNeeded();
    await screenshot(page, 'switches-mirror-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'switches-mirror-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Renaming the switch takes its mirror along (no dangling mirrors[0].switch).
    await page.getByTestId('switch-name').fill('br-e2e2');
    await page.getByTestId('yaml-toggle').click();
    expect(await page.getByTestId('yaml-text').inputValue()).toMatch(
      /mirrors:\s*\n\s*- name: mirror\n\s*switch: br-e2e2/,
    );
    await page.getByTestId('yaml-toggle').click();
    await page.getByTestId('discard-edits').click();
    await changes.waitForCount(0);
    execFileSync('ip', ['-n', LAB, 'link', 'del', 'e2e-mon0']);
  });

  it('reverts from history to the state before the first version', async () => {
    await changes.open('history');
    await changes.historyRow(1).waitFor();
    await expect(changes.historyRow(1).textContent()).resolves.toContain('Kept');
    await expect(changes.historyRow(2).textContent()).resolves.toContain('Rolled back');
    await screenshot(page, 'history-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'history-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    const shown = await changes.revertTo(0, () =>
      screenshot(page, 'history-revert-dialog-light').then(() => undefined),
    );
    expect(shown).toContain(`Delete bridge ${SWITCH}`);
    await changes.waitForTrial();
    await changes.keep();
    await expect(changes.waitForResult()).resolves.toBe('committed');
    expect(hostHas(SWITCH)).toBe(false);
    expect(hostHas(UPLINK)).toBe(true);
    await changes.dismissResult();

    await page.getByTestId('nav-topology').click();
    await topo.node(id(UPLINK)).waitFor();
    await topo.node(id(SWITCH)).waitFor({ state: 'detached', timeout: 10_000 });
    await changes.open('history');
    await changes.historyRow(3).waitFor();
  });
});
