/**
 * The `ip` operations "bridge my NIC" adds: the bridge takes its uplink's MAC, and the IPv4 default route moves
 * from the NIC to the bridge. Each is one `ip -batch` line, so the whole move (enslave, addresses, route) runs as
 * one batch and the connection is without a route for microseconds, not for a round trip to the user.
 */
import { z } from 'zod';
import { ifNameSchema } from '../model/target';
import { bridgeMacSchema, ipv4Schema } from '../spec/schema';

const route = { gateway: ipv4Schema, dev: ifNameSchema, metric: z.number().int().min(0).max(4_294_967_295).optional() };

export const bridgeNicOperations = [
  z.object({ op: z.literal('link.set.address'), name: ifNameSchema, mac: bridgeMacSchema }).strict(),
  z.object({ op: z.literal('route.add.default'), ...route }).strict(),
  z.object({ op: z.literal('route.del.default'), ...route }).strict(),
] as const;

type BridgeNicOp =
  | { op: 'link.set.address'; name: string; mac: string }
  | { op: 'route.add.default' | 'route.del.default'; gateway: string; dev: string; metric?: number };

export function isBridgeNicOp(op: { op: string }): op is BridgeNicOp {
  return op.op === 'link.set.address' || op.op === 'route.add.default' || op.op === 'route.del.default';
}

/** The batch line's words after `ip`. */
export function bridgeNicWords(op: BridgeNicOp): string[] {
  if (op.op === 'link.set.address') return ['link', 'set', 'dev', op.name, 'address', op.mac];
  const verb = op.op === 'route.add.default' ? 'add' : 'del';
  return [
    'route',
    verb,
    'default',
    'via',
    op.gateway,
    'dev',
    op.dev,
    ...(op.metric !== undefined ? ['metric', String(op.metric)] : []),
  ];
}
