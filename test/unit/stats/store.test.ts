import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIELDS, History, type TierSpec } from '../../../electron/services/stats/ring';
import {
  alertRulesPath,
  DEFAULT_ALERT_RULES,
  historyPath,
  loadAlertRules,
  loadHistory,
  pruneStaleHistories,
  saveAlertRules,
  saveHistory,
} from '../../../electron/services/stats/store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnstats-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SMALL: TierSpec[] = [
  { resS: 1, capacity: 6 },
  { resS: 3, capacity: 4 },
  { resS: 9, capacity: 4 },
];
const vals = (x: number, f = 0) => Float64Array.from({ length: FIELDS }, (_, i) => (i < 4 ? x + i : f));
const everything = (h: History, name: string) =>
  [1, 3, 9].map((res) => h.read(name, res, 0, 80 / res, 1).map((c) => [...c]));

describe('history store', () => {
  it('puts each target in its own file under the config dir', () => {
    expect(historyPath({}, dir)).toBe(join(dir, 'stats', 'host.nnstats'));
    expect(historyPath({ netns: 'lab-1' }, dir)).toBe(join(dir, 'stats', 'netns-lab-1.nnstats'));
  });

  it('gives back every tier, fault array, open bucket and the minute tier on disk after a save and load', () => {
    const path = historyPath({ netns: 'x' }, dir);
    const { history: h, status } = loadHistory(path, SMALL);
    expect(status).toBe('absent');
    for (let s = 0; s < 70; s++) {
      h.record('eth0', s - 1, s, vals(s, s % 10 === 0 ? 3 : 0));
      if (s < 20 || s > 40) h.record('vnet1', s - 1, s, vals(1000 - s));
    }
    expect(h.rows.get('eth0')!.tiers[2]!.block).toBeGreaterThanOrEqual(0);
    const bytes = saveHistory(h, path);
    expect(bytes).toBe(readFileSync(path).length);
    const before = ['eth0', 'vnet1'].map((n) => everything(h, n));
    h.close();
    const loaded = loadHistory(path, SMALL);
    expect(loaded.status).toBe('loaded');
    expect(['eth0', 'vnet1'].map((n) => everything(loaded.history, n))).toEqual(before);
    expect(before[0]![2]!.flat().some((v) => !Number.isNaN(v))).toBe(true);
    expect(loaded.history.bytes()).toBe(h.bytes());
    // And it goes on from there: the next second lands after what was saved; new rows get their own block.
    loaded.history.record('eth0', 69, 70, vals(5));
    expect(Math.round(loaded.history.read('eth0', 1, 70, 1, 1)[0]![0]!)).toBe(5);
    expect(loaded.history.cold.used()).toEqual([0, 1]);
    expect(loaded.history.cold.alloc()).toBe(2);
    loaded.history.close();
  });

  it('starts empty when there is no file, and makes no minute-tier file until a minute is kept', () => {
    const path = join(dir, 'none.nnstats');
    const { history, status } = loadHistory(path, SMALL);
    expect(status).toBe('absent');
    history.record('eth0', 0, 1, vals(1));
    expect(existsSync(join(dir, 'none.week'))).toBe(false);
    history.close();
  });

  it('removes history files untouched for more than 8 days (all their data has aged out), nothing else', () => {
    for (const n of ['old.nnstats', 'old.week', 'new.nnstats', 'alert-rules.json']) writeFileSync(join(dir, n), 'x');
    const nineDaysAgo = (Date.now() - 9 * 86_400_000) / 1000;
    for (const n of ['old.nnstats', 'old.week', 'alert-rules.json']) utimesSync(join(dir, n), nineDaysAgo, nineDaysAgo);
    expect(pruneStaleHistories(dir).sort()).toEqual(['old.nnstats', 'old.week']);
    expect(readdirSync(dir).sort()).toEqual(['alert-rules.json', 'new.nnstats']);
  });

  it('sets a damaged file or one of another layout aside (.bad) and starts empty, never throws', () => {
    const h = new History(SMALL);
    h.record('eth0', 0, 1, vals(1));
    const path = join(dir, 'a.nnstats');
    saveHistory(h, path);
    const other = loadHistory(path, [{ resS: 1, capacity: 7 }, ...SMALL.slice(1)]);
    expect(other).toMatchObject({ status: 'discarded', reason: 'written with other ring sizes' });
    expect(existsSync(`${path}.bad`)).toBe(true);

    saveHistory(h, path);
    writeFileSync(path, readFileSync(path).subarray(0, 200));
    expect(loadHistory(path, SMALL)).toMatchObject({ status: 'discarded' });
    writeFileSync(path, 'garbage');
    const g = loadHistory(path, SMALL);
    expect(g).toMatchObject({ status: 'discarded', reason: 'not a NovaNet statistics file' });
    expect(g.history.rows.size).toBe(0);
  });
});

describe('alert rules store', () => {
  it('keeps the user rules and falls back to the defaults for a missing or bad file', () => {
    const path = alertRulesPath(dir);
    expect(loadAlertRules(path)).toEqual(DEFAULT_ALERT_RULES);
    saveAlertRules([{ interface: 'eth*', bandwidthBps: 5e8 }], path);
    expect(loadAlertRules(path)).toEqual([{ interface: 'eth*', bandwidthBps: 5e8 }]);
    writeFileSync(path, '{not json');
    expect(loadAlertRules(path)).toEqual(DEFAULT_ALERT_RULES);
    writeFileSync(path, JSON.stringify([{ interface: 'x', bandwidthPct: 900 }]));
    expect(loadAlertRules(path)).toEqual(DEFAULT_ALERT_RULES);
  });
});
