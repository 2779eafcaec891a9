/// <reference lib="dom" />
/**
 * Topology view with ~1000 nodes in Chromium: time to first render of every node, and frame times while panning
 * (requestAnimationFrame deltas). The nodes are real: a namespace with 330 bridges, each with a veth pair.
 * Run: npm run bench -- topology-render   (root, Debian chromium)
 */
import { execFileSync } from 'node:child_process';
import { launchBrowser, serve } from '../e2e/support/browser';

const NS = `nnrender${process.pid % 10000}`;
const BRIDGES = 330;

async function main(): Promise<void> {
  execFileSync('ip', ['netns', 'add', NS]);
  const lines: string[] = [];
  for (let i = 0; i < BRIDGES; i++) lines.push(`link add br${i} type bridge`, `link add p${i} type veth peer name q${i}`, `link set p${i} master br${i}`);
  execFileSync('ip', ['-n', NS, '-batch', '-'], { input: lines.join('\n') + '\n' });
  const served = await serve(['--netns', NS]);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const results: number[] = [];
    for (let round = 0; round < 3; round++) {
      const t0 = Date.now();
      await page.goto(served.url);
      await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length >= n, BRIDGES * 3, { timeout: 60_000, polling: 'raf' });
      results.push(Date.now() - t0);
    }
    const nodes = await page.evaluate(() => document.querySelectorAll('.react-flow__node').length);
    // Pan with the mouse for ~2 s and collect frame deltas.
    const pane = page.locator('.react-flow__pane');
    const box = await pane.boundingBox();
    if (!box) throw new Error('no pane');
    // A string, not a function: tsx's name helpers do not exist in the page.
    await page.evaluate(`(() => {
      window.__frames = []; window.__stop = false; let last = performance.now();
      const tick = (t) => { window.__frames.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    })()`);
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 0; i < 120; i++) {
      const a = (i / 120) * Math.PI * 4;
      await page.mouse.move(cx + Math.cos(a) * 300, cy + Math.sin(a) * 200);
    }
    await page.mouse.up();
    const frames = (await page.evaluate('(() => { window.__stop = true; return window.__frames.slice(2); })()')) as number[];
    const sorted = [...frames].sort((a, b) => a - b);
    const mean = frames.reduce((s, f) => s + f, 0) / frames.length;
    const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? NaN;
    console.log(`topology view, ${nodes} nodes in the DOM (graph of ${BRIDGES * 3 + 1} links)`);
    console.log(`  first render (navigation to all nodes drawn): ${results.map((r) => `${r} ms`).join(', ')}   (target < 1500 ms)`);
    console.log(`  panning: ${frames.length} frames, mean ${mean.toFixed(1)} ms = ${(1000 / mean).toFixed(0)} fps, p95 ${p95.toFixed(1)} ms   (target >= 50 fps)`);
  } finally {
    await browser.close();
    await served.stop();
    execFileSync('ip', ['netns', 'del', NS]);
  }
}

await main();
