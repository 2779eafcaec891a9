/**
 * tc: which devices have a clsact qdisc and which filters sit on them, for Linux-bridge mirrors. Cheap by design:
 * one `tc -j qdisc show` for every device, then one `tc -j -batch` with a `filter show` line per clsact hook of a
 * bridge port (none at all on a host without clsact qdiscs).
 */
import { z } from 'zod';
import type { Link, TcFilter, TcState } from '../../../shared/model/host-state';
import { OutputError, parseJson } from './tool-output';

const qdiscsSchema = z.array(z.object({ kind: z.string(), dev: z.string() }).loose());
const actionSchema = z
  .object({ kind: z.string(), to_dev: z.string().optional(), cookie: z.string().optional() })
  .loose();
const filtersSchema = z.array(
  z
    .object({
      pref: z.number().int(),
      kind: z.string(),
      options: z
        .object({ actions: z.array(actionSchema).optional() })
        .loose()
        .optional(),
    })
    .loose(),
);

export const TC_QDISC_ARGS = ['-j', 'qdisc', 'show'];
const HOOKS = ['ingress', 'egress'] as const;

/** Devices with a clsact qdisc that are ports of a Linux bridge (the only place a NovaNet mirror hangs). */
export function clsactPorts(qdiscJson: string, links: readonly Link[]): { clsact: string[]; ports: string[] } {
  const clsact = [
    ...new Set(
      parseJson('tc qdisc show', qdiscJson || '[]', qdiscsSchema)
        .filter((q) => q.kind === 'clsact')
        .map((q) => q.dev),
    ),
  ].sort();
  const bridges = new Set(links.filter((l) => l.kind === 'bridge').map((l) => l.name));
  const ports = clsact.filter((dev) => links.some((l) => l.name === dev && l.master && bridges.has(l.master)));
  return { clsact, ports };
}

/** The batch for `tc -j -batch -`: both hooks of every port, in order. */
export function filterBatch(ports: readonly string[]): string {
  return ports.flatMap((dev) => HOOKS.map((h) => `filter show dev ${dev} ${h}\n`)).join('');
}

/** `tc -j -batch` prints one JSON array per line of the batch, in the batch's order. */
export function parseFilterBatch(stdout: string, ports: readonly string[], clsact: string[]): TcState {
  const lines = stdout.split('\n').filter((l) => l.trim());
  if (lines.length !== ports.length * HOOKS.length) {
    throw new OutputError(
      `tc filter show returned ${lines.length} answers for ${ports.length * HOOKS.length} questions (a device went away?)`,
    );
  }
  const filters: TcFilter[] = [];
  ports.forEach((dev, i) => {
    HOOKS.forEach((direction, j) => {
      const byPref = new Map<number, TcFilter>();
      for (const f of parseJson('tc filter show', lines[i * HOOKS.length + j] as string, filtersSchema)) {
        const entry = byPref.get(f.pref) ?? { dev, direction, pref: f.pref, kind: f.kind };
        const mirred = f.options?.actions?.find((a) => a.kind === 'mirred');
        if (mirred?.to_dev) entry.mirredTo = mirred.to_dev;
        if (mirred?.cookie) entry.cookie = mirred.cookie;
        byPref.set(f.pref, entry);
      }
      filters.push(...byPref.values());
    });
  });
  return { clsact, filters };
}
