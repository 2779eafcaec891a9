/**
 * The Monitor view in Debian's Chromium against `novanet serve --lab`: charts move while two lab namespaces ping
 * each other, exports hold what the charts show, and a threshold crossed raises an alert in the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, serve, screenshot, ARTIFACTS, CHROMIUM, type Served } from './support/browser';
import { TopologyPage } from './pages/topology-page';
import { MonitorPage } from './pages/monitor-page';
import { CapturePage } from './pages/capture-page';
import { labAnswers, throwawayStateDirs, until } from './support/lab';
import { skipSuite } from '../support/requirements';

const LAB = `nnmon${process.pid % 10000}`;
const skip = skipSuite('monitor (e2e)', {
  root: true,
  tools: ['ip', 'ping', 'tcpdump', 'ovs-vsctl', 'ovsdb-server', 'ovs-vswitchd'],
  files: [{ path: CHROMIUM, pkg: 'chromium' }],
});
const VM1 = 'if:vm1-eth0';

/** Pings vm2 from vm1 inside the lab (no host interface sees it) until stopped. */
let pingError: Error | undefined;
function ping(seconds: number, size = 1000): ChildProcess {
  const p = spawn(
    'ip',
    ['netns', 'exec', `${LAB}-vm1`, 'ping', '-q', '-i', '0.2', '-s', String(size), '-w', String(seconds), '10.77.0.12'],
    { stdio: 'ignore' },
  );
  p.on('error', (err) => (pingError = err));
  return p;
}


describe.skipIf(skip)('monitor view', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let mon: MonitorPage;
  let traffic: ChildProcess | undefined;
  const dirs: string[] = [];

  beforeAll(async () => {
    dirs.push(...throwawayStateDirs('nn-e2e-mon-'));
    served = await serve(['--lab', '--lab-name', LAB]);
    await labAnswers(LAB);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    await new TopologyPage(page).open(served.url);
    mon = new MonitorPage(page);
    await mon.open();
  });
  afterAll(async () => {
    traffic?.kill();
    await browser?.close();
    await served?.stop();
    // serve removes the lab it started; once statistics ran it has been seen to exit without doing so.
    spawnSync(process.execPath, ['bin/novanet.js', 'lab', 'down', '--name', LAB], { stdio: 'ignore' });
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('charts a value that changes while the lab namespaces ping each other', async () => {
    await mon.chartSeries(VM1);
    const idle = await until('a first sample', async () => {
      const r = await mon.reading(VM1);
      return r.at > 0 && r;
    });
    traffic = ping(60);
    // 1000-byte pings five times a second: about 42 kbit/s each way on vm1's port.
    const busy = await until(
      'the chart to show the ping',
      async () => {
        const r = await mon.reading(VM1);
        return r.rx > 20_000 && r.tx > 20_000 && r;
      },
      20_000,
      async () => ({ reading: await mon.reading(VM1), ping: traffic?.exitCode, pingError: pingError?.message }),
    );
    expect(busy.rx).toBeGreaterThan(idle.rx);
    expect(busy.text).not.toBe(idle.text);
    expect(busy.text).toMatch(/kbit\/s/);
    const later = await until('another sample', async () => {
      const r = await mon.reading(VM1);
      return r.at > busy.at && r;
    });
    expect(later.at).toBeGreaterThan(busy.at);
    await expect(mon.talker(VM1).isVisible()).resolves.toBe(true);
  });

  it('holds a chart still while the pointer is over it', async () => {
    await mon.chart(VM1).hover();
    const held = await mon.reading(VM1);
    await page.waitForTimeout(2500);
    const still = await mon.reading(VM1);
    expect(still.at).toBe(held.at);
    await expect(mon.chart(VM1).textContent()).resolves.toContain('Paused');
    await page.mouse.move(5, 880);
    await until('the chart to move again', async () => (await mon.reading(VM1)).at > held.at);
  });

  it('switches units and ranges, and sorts the top talkers', async () => {
    await mon.toggleUnits();
    await until(
      'B/s on the chart',
      async () => /B\/s/.test((await mon.reading(VM1)).text) && !/bit\/s/.test((await mon.reading(VM1)).text),
    );
    await mon.toggleUnits();
    await until('bit/s again', async () => /bit\/s/.test((await mon.reading(VM1)).text));
    await page.getByTestId('sort-rxPps').click();
    await expect(mon.talkers().getAttribute('data-sort')).resolves.toBe('rxPps');
    await mon.range('1h');
    await until('history for the last hour', async () => (await mon.reading(VM1)).at > 0);
    await mon.range('5m');
    await until('the live tail again', async () => (await mon.reading(VM1)).at > 0);
  });

  it('exports the charted data as CSV and the charts as PNG', async () => {
    const csv = await mon.export('csv');
    expect(csv.suggestedFilename()).toMatch(/^novanet-traffic-.*\.csv$/);
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text.split('\r\n')[0]).toContain('rx (bit/s)');
    expect(text).toContain(`,vm1-eth0,${VM1},`);
    const png = await mon.export('png');
    const bytes = readFileSync((await png.path())!);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(10_000);
    // Kept beside the screenshots: the exported image is looked at, not only its header.
    await png.saveAs(join(ARTIFACTS, 'monitor-export.png'));
  });

  it('raises an alert in the page when a rule is crossed', async () => {
    await mon.alertsTab();
    await mon.addRule({ interface: 'vm1-eth0', bandwidthMbps: '0.01', holdS: '0' });
    await until('the rules to save', async () => (await page.getByTestId('rules-save').isDisabled()) || undefined);
    await mon.badge().waitFor({ timeout: 20_000 });
    expect(Number(await mon.badge().getAttribute('data-count'))).toBeGreaterThanOrEqual(1);
    await expect(page.getByTestId('active-alerts').textContent()).resolves.toContain('vm1-eth0');
    await until('a toast', async () => (await mon.toasts().filter({ hasText: 'vm1-eth0' }).count()) > 0);
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'monitor-alerts-light');
    await mon.trafficTab();
  });

  it('looks right in light and dark', async () => {
    await mon.chartSeries('switch:br0');
    await until('a busy chart', async () => (await mon.reading('switch:br0')).rx > 10_000);
    await mon.talker(VM1).waitFor();
    await page.mouse.move(5, 880);
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'monitor-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'monitor-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('draws live traffic on the topology edges when asked', async () => {
    const topo = new TopologyPage(page);
    await page.getByTestId('nav-topology').click();
    await page.getByTestId('topology-canvas').waitFor();
    await page.getByTestId('traffic-toggle').click();
    const edge = topo.edge(`member:link:${LAB}:vm1-eth0->link:${LAB}:br0`);
    await until('a traffic-coloured edge', async () => /\btraffic\b/.test((await edge.getAttribute('class')) ?? ''));
    await expect(edge.textContent()).resolves.toMatch(/kbit\/s/);
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'topology-traffic-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByTestId('traffic-toggle').click();
    await until('plain edges again', async () => !/\btraffic\b/.test((await edge.getAttribute('class')) ?? ''));
  });

  it("captures on a port group from its chart: the series' id is the graph's, resolved to the group's port", async () => {
    const monitor = new MonitorPage(page);
    await monitor.open();
    const key = 'pg:ovsbr0:vlan10';
    await monitor.chartSeries(key);
    await monitor.chart(key).getByTestId('chart-capture').click();
    const cap = new CapturePage(page);
    await page.getByTestId('capture-view').waitFor();
    expect(await cap.source()).toBe(`node:${key}`);
    await cap.fill({ filter: '', count: '', duration: '' });
    const id = await cap.startNew();
    await until('the capture to run', async () => (await cap.captureRow(id).getAttribute('data-state')) === 'running');
    await expect(cap.captureRow(id).textContent()).resolves.toContain('vm4-eth0');
    await cap.stop();
    await until('the capture to stop', async () => (await cap.captureRow(id).getAttribute('data-state')) !== 'running');
  });
});
