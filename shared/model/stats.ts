/**
 * Live statistics and alerts, as they cross the IPC boundary. Pure zod + types: the renderer's charts, the
 * monitor service and the CLI share these names. Every rate is per second; `Bps` is bit/s (not bytes).
 */
import { z } from 'zod';
import { targetSchema } from './target';

export const statsRateFields = [
  'rxBps',
  'txBps',
  'rxPps',
  'txPps',
  'rxErrors',
  'txErrors',
  'rxDrops',
  'txDrops',
] as const;
export type StatsRateField = (typeof statsRateFields)[number];

const rate = z.number().nonnegative();
export const statsRatesSchema = z.object({
  /** bit/s received (Ethernet frame bytes as the kernel counts them, times 8). */
  rxBps: rate,
  txBps: rate,
  rxPps: rate,
  txPps: rate,
  /** Receive / transmit errors per second. */
  rxErrors: rate,
  txErrors: rate,
  /** Drops per second (receive: dropped + missed, as /proc/net/dev sums them). */
  rxDrops: rate,
  txDrops: rate,
});
export type StatsRates = z.infer<typeof statsRatesSchema>;

/** One interface over one sampling interval: what `novanet stats --json` prints, one per line. */
export const statsSampleSchema = statsRatesSchema.extend({
  ifname: z.string(),
  /** End of the interval (ISO time). */
  at: z.string(),
  /** Length of the interval the rates cover, in seconds (the timer's jitter is not hidden). */
  intervalS: z.number().positive(),
});
export type StatsSample = z.infer<typeof statsSampleSchema>;

/** What a series adds up: one interface, a VM's NIC, a VM, a port group or a switch. */
export const seriesKinds = ['interface', 'vnic', 'vm', 'portgroup', 'switch'] as const;
export const seriesKindSchema = z.enum(seriesKinds);
export type SeriesKind = z.infer<typeof seriesKindSchema>;

/**
 * Series keys: `if:<ifname>`, `vnic:<domain>:<mac>` and `vm:<domain>` (the graph's own ids), `pg:<switch>:<group>`,
 * `switch:<name>`. Stable across snapshots, like graph ids.
 */
export const seriesKeySchema = z
  .string()
  .min(3)
  .max(300)
  .regex(/^(if|vnic|vm|pg|switch):./, 'must start with if:, vnic:, vm:, pg: or switch:');
export type SeriesKey = z.infer<typeof seriesKeySchema>;

export const interfaceKey = (ifname: string): SeriesKey => `if:${ifname}`;
export const switchKey = (name: string): SeriesKey => `switch:${name}`;
export const portGroupKey = (sw: string, group: string): SeriesKey => `pg:${sw}:${group}`;

export const seriesInfoSchema = z.object({
  key: seriesKeySchema,
  kind: seriesKindSchema,
  label: z.string(),
  /** The topology graph node this series belongs to (charts and edge widths are looked up by it). */
  nodeId: z.string().optional(),
  /** Interfaces summed into this series. */
  members: z.array(z.string()),
  /**
   * `guest`: receive and transmit are the VM's (a tap's tx is the guest's rx, as `virsh domifstat` reports);
   * `device`: the kernel devices' own directions (for a switch: rx = what entered the switch through its ports).
   */
  perspective: z.enum(['device', 'guest']),
  /** Link speed in bit/s where the device reports a real one (physical NICs, bonds). */
  speedBps: z.number().positive().optional(),
  /** For vNICs, VMs, port groups: the switch they plug into. */
  switch: z.string().optional(),
});
export type SeriesInfo = z.infer<typeof seriesInfoSchema>;

export const seriesSampleSchema = statsRatesSchema.extend({ key: seriesKeySchema });
export type SeriesSample = z.infer<typeof seriesSampleSchema>;

/** Push of one subscription: only the series it asked for. */
export const statsSampleEventSchema = z.object({
  subscriptionId: z.string(),
  at: z.string(),
  intervalS: z.number().positive(),
  samples: z.array(seriesSampleSchema),
});
export type StatsSampleEvent = z.infer<typeof statsSampleEventSchema>;

export const statsSubscribeParamsSchema = z
  .object({
    target: targetSchema.optional(),
    /** Renew or change an existing subscription (its lease restarts); omitted: a new one. */
    subscriptionId: z.string().max(64).optional(),
    keys: z.array(seriesKeySchema).max(512).optional(),
    /** Every series of these kinds (with `top`: only the busiest N by rx+tx bit/s). */
    kinds: z.array(seriesKindSchema).max(seriesKinds.length).optional(),
    top: z.number().int().min(1).max(200).optional(),
    /** Seconds between pushes: the view's own pace; samples are averaged over it. */
    intervalS: z.number().int().min(1).max(60).default(1),
  })
  .strict()
  .refine((p) => (p.keys?.length ?? 0) + (p.kinds?.length ?? 0) > 0, { message: 'name keys or kinds', path: ['keys'] });
export type StatsSubscribeParams = z.input<typeof statsSubscribeParamsSchema>;
export const statsSubscribeResultSchema = z.object({
  subscriptionId: z.string(),
  intervalS: z.number().int(),
  /** The subscription ends unless renewed within this many seconds (a closed view cannot leak a sampler). */
  leaseS: z.number().int(),
});

export const statsRanges = ['5m', '1h', '24h', '7d'] as const;
export const statsRangeSchema = z.enum(statsRanges);
export type StatsRange = z.infer<typeof statsRangeSchema>;

export const statsHistoryParamsSchema = z
  .object({
    target: targetSchema.optional(),
    keys: z.array(seriesKeySchema).min(1).max(64),
    range: statsRangeSchema,
    /** Points per series at most; the step grows in whole multiples of the stored resolution. */
    maxPoints: z.number().int().min(10).max(10_000).default(1500),
  })
  .strict();
export type StatsHistoryParams = z.input<typeof statsHistoryParamsSchema>;

/** Columns of one series: value i is at `start + i * stepS` seconds; null where nothing was sampled. */
const column = z.array(z.number().nullable());
export const historySeriesSchema = z.object({
  key: seriesKeySchema,
  rxBps: column,
  txBps: column,
  rxPps: column,
  txPps: column,
  rxErrors: column,
  txErrors: column,
  rxDrops: column,
  txDrops: column,
});
export type HistorySeries = z.infer<typeof historySeriesSchema>;
export const statsHistoryResultSchema = z.object({
  range: statsRangeSchema,
  /** Epoch milliseconds of the first point. */
  start: z.number(),
  stepS: z.number().int().positive(),
  points: z.number().int(),
  series: z.array(historySeriesSchema),
});
export type StatsHistory = z.infer<typeof statsHistoryResultSchema>;

// ---- Alerts -------------------------------------------------------------------------------------------------

export const alertKinds = ['bandwidth', 'errors', 'drops', 'link-down', 'anomaly'] as const;
export const alertKindSchema = z.enum(alertKinds);
export type AlertKind = z.infer<typeof alertKindSchema>;

export const anomalyRuleSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Flag a rate more than k standard deviations from its recent mean... */
    k: z.number().min(2).max(50).default(6),
    /** ...over roughly this many minutes (EWMA window)... */
    windowMin: z.number().int().min(1).max(240).default(15),
    /** ...and by at least this many bit/s, so idle links do not alarm on a few packets. */
    floorBps: z.number().nonnegative().default(1_000_000),
  })
  .strict();

/** Thresholds for the interfaces whose name matches `interface` (exact, or a glob with `*`). Later rules win per field. */
export const alertRuleSchema = z
  .object({
    interface: z.string().min(1).max(64).default('*'),
    /** Percent of the link speed (only where the device reports a real speed). */
    bandwidthPct: z.number().min(1).max(100).optional(),
    /** Absolute bit/s in either direction (for virtual devices, whose nominal speed means nothing). */
    bandwidthBps: z.number().positive().optional(),
    /** rx+tx errors per second. */
    errorsPerS: z.number().nonnegative().optional(),
    /** rx+tx drops per second. */
    dropsPerS: z.number().nonnegative().optional(),
    /** An interface that was up, is still administratively up, and lost its link. */
    linkDown: z.boolean().optional(),
    anomaly: anomalyRuleSchema.optional(),
    /** A condition must hold this long to raise, and be gone this long to clear. */
    holdS: z.number().int().min(0).max(3600).optional(),
  })
  .strict();
export type AlertRule = z.infer<typeof alertRuleSchema>;
export const alertRulesSchema = z.array(alertRuleSchema).max(500);

export const alertSchema = z.object({
  /** `<series key>|<kind>[|rx|tx]`: the same condition keeps its id while it lasts. */
  id: z.string(),
  key: seriesKeySchema,
  ifname: z.string(),
  kind: alertKindSchema,
  direction: z.enum(['rx', 'tx']).optional(),
  severity: z.enum(['warning', 'critical']),
  message: z.string(),
  since: z.string(),
  /** The observed value and the limit it crossed (units by kind: bit/s, per second, or 0/1 for link-down). */
  value: z.number(),
  threshold: z.number(),
});
export type Alert = z.infer<typeof alertSchema>;

export const alertEventSchema = z.object({ type: z.enum(['raised', 'cleared']), at: z.string(), alert: alertSchema });
export type AlertEvent = z.infer<typeof alertEventSchema>;

export const alertsChangedSchema = z.object({
  at: z.string(),
  target: targetSchema,
  events: z.array(alertEventSchema),
  active: z.array(alertSchema),
});
export type AlertsChanged = z.infer<typeof alertsChangedSchema>;

export const alertsListResultSchema = z.object({ active: z.array(alertSchema), recent: z.array(alertEventSchema) });

/** `950 Mbit/s`, `1.2 Gbit/s`: SI steps of 1000, as link speeds are quoted. */
export function formatBitRate(bps: number): string {
  const units = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
  let v = bps;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[i]}`;
}

// ---- Method params and results (for the IPC contract) ------------------------------------------------------

const targetOnly = z.object({ target: targetSchema.optional() }).strict();
export const statsSeriesParamsSchema = targetOnly;
export const statsSeriesResultSchema = z.object({
  series: z.array(seriesInfoSchema),
  /** How counters are read: /proc/net/dev (one file read per tick) or `ip -j -s link` (one process per tick). */
  method: z.enum(['proc', 'ip']),
  intervalS: z.number().positive(),
});
export const statsUnsubscribeParamsSchema = z.object({ subscriptionId: z.string().max(64) }).strict();
export const okResultSchema = z.object({ ok: z.boolean() });
export const alertsListParamsSchema = targetOnly;
export const alertRulesResultSchema = z.object({ rules: alertRulesSchema });
export const alertsSetRulesParamsSchema = z.object({ rules: alertRulesSchema }).strict();
