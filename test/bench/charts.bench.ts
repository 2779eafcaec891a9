/// <reference lib="dom" />
/**
 * Monitor view with 20 live charts (receive and transmit each) updating at 1 Hz in Chromium: frame rate from
 * requestAnimationFrame deltas while the samples stream in, beside the same page with the charts held still.
 * Real samples: `novanet serve --lab`, three veth pairs added to the lab so it has 20+ series, a ping between two
 * lab namespaces so values move. The tail fills for WARMUP_S first (default 310 s: full 5-minute charts, 300
 * points per line); CHARTS_BENCH_WARMUP_S=30 gives a quick, lighter run.
 * Run: node --import tsx test/bench/charts.bench.ts   (root, Debian chromium)
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, serve } from '../e2e/support/browser';

const LAB = `nnchart${process.pid % 10000}`;
const CHARTS = 20;
const WARMUP_S = Number(process.env.CHARTS_BENCH_WARMUP_S ?? 310);
const MEASURE_S = 30;

interface FrameStats {
  frames: number;
  fps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  over20: number;
  longTasks: number;
  longTaskMs: number;
  updates: number;
}

/** rAF deltas and long tasks over `seconds`, and how many new samples the first chart showed meanwhile. */
async function measure(page: Page, seconds: number): Promise<FrameStats> {
  // A string, not a function: tsx's helpers do not exist in the page.
  const raw = (await page.evaluate(`new Promise((resolve) => {
    const frames = []; const tasks = []; const seen = new Set();
    const chart = document.querySelector('.chart-card');
    const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) tasks.push(e.duration); });
    try { obs.observe({ type: 'longtask', buffered: false }); } catch {}
    let last = performance.now(); const end = last + ${seconds * 1000};
    const tick = (t) => {
      frames.push(t - last); last = t;
      seen.add(chart ? chart.getAttribute('data-last-at') : '');
      if (t < end) requestAnimationFrame(tick); else { obs.disconnect(); resolve({ frames: frames.slice(1), tasks, updates: seen.size - 1 }); }
    };
    requestAnimationFrame(tick);
  })`)) as { frames: number[]; tasks: number[]; updates: number };
  const sorted = [...raw.frames].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
  const total = raw.frames.reduce((s, f) => s + f, 0);
  return {
    frames: raw.frames.length,
    fps: (raw.frames.length / total) * 1000,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? NaN,
    over20: raw.frames.filter((f) => f > 20).length,
    longTasks: raw.tasks.length,
    longTaskMs: raw.tasks.reduce((s, d) => s + d, 0),
    updates: raw.updates,
  };
}

const line = (name: string, s: FrameStats) =>
  `  ${name.padEnd(26)} ${s.fps.toFixed(1).padStart(5)} fps  frame p50 ${s.p50.toFixed(1)} / p95 ${s.p95.toFixed(1)} / p99 ${s.p99.toFixed(1)} / max ${s.max.toFixed(0)} ms  >20 ms: ${s.over20}/${s.frames}  long tasks ${s.longTasks} (${s.longTaskMs.toFixed(0)} ms)  sample updates seen ${s.updates}`;

/** page.waitForFunction evaluates its string with eval, which the page's CSP refuses: poll with evaluate. */
async function waitForTrue(page: Page, expr: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate(expr))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function labAnswers(): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (spawnSync('ip', ['netns', 'exec', `${LAB}-vm1`, 'ping', '-c', '1', '-W', '1', '10.77.0.12']).status === 0)
      return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the lab never forwarded');
}

async function main(): Promise<void> {
  const dirs = ['NOVANET_CONFIG_DIR', 'NOVANET_HELPER_STATE_DIR', 'NOVANET_CAPTURE_DIR'].map((v) => {
    const d = mkdtempSync(join(tmpdir(), 'nn-bench-charts-'));
    process.env[v] = d;
    return d;
  });
  const served = await serve(['--lab', '--lab-name', LAB]);
  const browser = await launchBrowser();
  const ping = spawn('ip', ['netns', 'exec', `${LAB}-vm1`, 'ping', '-q', '-i', '0.1', '-s', '1200', '10.77.0.12'], {
    stdio: 'ignore',
  });
  try {
    await labAnswers();
    // veth, not dummy: this kernel has no dummy driver.
    const extra = Array.from({ length: 3 }, (_, i) => [
      `link add nnb${i} type veth peer name nnc${i}`,
      `link set nnb${i} up`,
      `link set nnc${i} up`,
    ]).flat();
    execFileSync('ip', ['-n', LAB, '-batch', '-'], { input: `${extra.join('\n')}\n` });
    // Tall enough that every chart is on screen and painted: the worst case.
    const page = await browser.newPage({ viewport: { width: 1920, height: 1800 } });
    await page.goto(served.url);
    await page.getByTestId('app-shell').waitFor();
    await page.getByTestId('nav-monitor').click();
    await page.getByTestId('series-picker').waitFor();
    await waitForTrue(page, `document.querySelectorAll('[data-testid^="series-option-"]').length >= ${CHARTS + 1}`);
    const keys = (await page.evaluate(`[...document.querySelectorAll('[data-testid^="series-option-"]')]
      .map((e) => e.getAttribute('data-testid').slice('series-option-'.length)).filter((k) => k !== 'if:lo')`)) as string[];
    const want = keys.slice(0, CHARTS);
    for (const k of want) {
      const box = page.getByTestId(`series-option-${k}`).locator('input');
      if (!(await box.isChecked())) await box.check();
    }
    for (const k of keys.slice(CHARTS)) {
      const box = page.getByTestId(`series-option-${k}`).locator('input');
      if (await box.isChecked()) await box.uncheck();
    }
    await waitForTrue(page, `document.querySelectorAll('.chart-card').length === ${CHARTS}`);
    await page.mouse.move(2, 1790);
    console.log(
      `monitor view, ${CHARTS} charts (rx and tx lines each) at 1 Hz, viewport 1920x1800; warming up ${WARMUP_S} s`,
    );
    await page.waitForTimeout(WARMUP_S * 1000);
    const points = (await page.evaluate(
      `Math.min(...[...document.querySelectorAll('.chart-card')].map((c) => Number(c.getAttribute('data-points'))))`,
    )) as number;
    const live = await measure(page, MEASURE_S);
    await page.getByTestId('pause-toggle').click();
    const held = await measure(page, MEASURE_S);
    console.log(`  points per line: ${points} (of which real samples: about ${Math.min(points, WARMUP_S)})`);
    console.log(line('live, updating at 1 Hz', live));
    console.log(line('held still (paused)', held));
    console.log(`  ratio live / held: ${(live.fps / held.fps).toFixed(2)}   (target: live >= 50 fps)`);
  } finally {
    ping.kill();
    await browser.close();
    await served.stop();
    spawnSync(process.execPath, ['bin/novanet.js', 'lab', 'down', '--name', LAB], { stdio: 'ignore' });
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
