/**
 * The stats handlers on this host's own counters (/proc/self/net/dev, no root), with a hand-made topology:
 * subscriptions carry only what they asked for, history has the documented shape, rules persist, close saves.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStatsHandlers, type StatsApi, type StatsEvents } from '../../../electron/services/stats/api';
import { topBy } from '../../../electron/services/stats/monitor';
import { historyPath } from '../../../electron/services/stats/store';
import { statsHistoryResultSchema, statsSampleEventSchema, type StatsSampleEvent } from '../../../shared/model/stats';
import { NotFoundError, ValidationError } from '../../../shared/ipc/errors';
import type { HostState } from '../../../shared/model/host-state';

let dir: string;
let api: StatsApi;
const events: { event: keyof StatsEvents; payload: unknown }[] = [];
const samples = () => events.filter((e) => e.event === 'stats.sample').map((e) => e.payload as StatsSampleEvent);

const lo = {
  id: 'link::lo',
  ifindex: 1,
  name: 'lo',
  kind: 'loopback' as const,
  kernelKind: '',
  mtu: 65536,
  operState: 'unknown',
  adminUp: true,
  carrier: true,
  addresses: [],
  attributes: {},
};
const fakeHost = async (): Promise<HostState> =>
  ({
    target: {},
    takenAt: new Date().toISOString(),
    namespaces: [],
    links: [lo],
    bridges: [{ id: 'link::lo-br', name: 'lo-br', stp: { enabled: false }, vlanFiltering: false, ports: [] }],
    ovsBridges: [],
    networks: [],
    domains: [],
    sources: {},
  }) as unknown as HostState;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnstats-api-'));
  events.length = 0;
  api = createStatsHandlers({}, (event, payload) => events.push({ event, payload }), {
    dir,
    watch: false,
    discover: fakeHost,
  });
});
afterEach(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const until = async (cond: () => boolean, ms = 4000) => {
  const t0 = Date.now();
  while (!cond() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 20));
};

describe('topBy', () => {
  it('keeps the n highest scores, highest first, in one pass', () => {
    const score = [5, 1, 9, 7, 3, 9.5, 0];
    expect(topBy([0, 1, 2, 3, 4, 5, 6], 3, (i) => score[i]!)).toEqual([5, 2, 3]);
    expect(topBy([1, 4], 5, (i) => score[i]!)).toEqual([4, 1]);
    expect(topBy([], 2, () => 0)).toEqual([]);
  });
});

describe('stats handlers', () => {
  it('lists series of every interface of the target, read from /proc', async () => {
    const { series, method, intervalS } = await api.handlers['stats.series']({});
    expect(method).toBe('proc');
    expect(intervalS).toBe(1);
    expect(series.find((s) => s.key === 'if:lo')).toMatchObject({ kind: 'interface', nodeId: 'link::lo' });
    expect(series.find((s) => s.key === 'switch:lo-br')).toMatchObject({ kind: 'switch', members: [] });
  });

  it('pushes only the subscribed series, at the subscription pace, until unsubscribed', async () => {
    const { subscriptionId, leaseS } = await api.handlers['stats.subscribe']({ keys: ['if:lo'], intervalS: 1 });
    expect(leaseS).toBe(60);
    await until(() => samples().length >= 2);
    const got = samples();
    expect(got.length).toBeGreaterThanOrEqual(2);
    for (const e of got) {
      expect(statsSampleEventSchema.safeParse(e).success).toBe(true);
      expect(e.subscriptionId).toBe(subscriptionId);
      expect(e.samples.map((s) => s.key)).toEqual(['if:lo']);
    }
    expect(await api.handlers['stats.unsubscribe']({ subscriptionId })).toEqual({ ok: true });
    const n = samples().length;
    await new Promise((r) => setTimeout(r, 1300));
    expect(samples().length).toBe(n);
    expect(await api.handlers['stats.unsubscribe']({ subscriptionId })).toEqual({ ok: false });
  });

  it('ends every subscription when the last stats.sample listener goes', async () => {
    await api.handlers['stats.subscribe']({ kinds: ['interface'], top: 1, intervalS: 1 });
    await until(() => samples().length >= 1);
    expect(samples()[0]!.samples).toHaveLength(1);
    api.listenersChanged('stats.sample', 0);
    await new Promise((r) => setTimeout(r, 50));
    const n = samples().length;
    await new Promise((r) => setTimeout(r, 1300));
    expect(samples().length).toBe(n);
  });

  it('answers history in columns with nulls where nothing was sampled, and refuses unknown keys and bad params', async () => {
    await api.handlers['stats.series']({});
    await new Promise((r) => setTimeout(r, 2200));
    const h = await api.handlers['stats.history']({ keys: ['if:lo'], range: '5m' });
    expect(statsHistoryResultSchema.safeParse(h).success).toBe(true);
    expect(h).toMatchObject({ range: '5m', stepS: 1, points: 300 });
    const rx = h.series[0]!.rxBps;
    expect(rx[0]).toBeNull();
    expect(rx.filter((v) => v !== null).length).toBeGreaterThanOrEqual(1);
    expect((await api.handlers['stats.history']({ keys: ['if:lo'], range: '24h' })).stepS).toBe(60);
    expect(await api.handlers['stats.history']({ keys: ['if:lo'], range: '7d', maxPoints: 10_000 })).toMatchObject({
      stepS: 120,
      points: 5040,
    });
    await expect(api.handlers['stats.history']({ keys: ['vm:nope'], range: '1h' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(api.handlers['stats.history']({ keys: [], range: '1h' })).rejects.toBeInstanceOf(ValidationError);
    await expect(api.handlers['stats.history']({ keys: ['if:lo'], range: '2h' as '1h' })).rejects.toThrow(
      /params.range/,
    );
  });

  it('keeps alert rules in the config dir and saves the history on close', async () => {
    expect((await api.handlers['alerts.getRules']({})).rules[0]).toMatchObject({ interface: '*', linkDown: true });
    const rules = [{ interface: 'lo', bandwidthBps: 1e9, holdS: 1 }];
    await api.handlers['alerts.setRules']({ rules });
    expect(JSON.parse(readFileSync(join(dir, 'alert-rules.json'), 'utf8'))).toEqual(rules);
    expect(await api.handlers['alerts.list']({})).toEqual({ active: [], recent: [] });
    await api.close();
    expect(existsSync(historyPath({}, dir))).toBe(true);
    await expect(api.handlers['stats.series']({})).rejects.toThrow(/closed/);
  });

  it('fails with NotFoundError for a namespace that does not exist, and starts nothing', async () => {
    await expect(api.handlers['stats.series']({ target: { netns: 'novanet-no-such-ns' } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(existsSync(historyPath({ netns: 'novanet-no-such-ns' }, dir))).toBe(false);
    expect(existsSync(join(dir, 'stats', 'netns-novanet-no-such-ns.week'))).toBe(false);
  });
});
