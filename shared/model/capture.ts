/**
 * Packet capture: what the UI, the CLI and the services say to each other about captures. Pure zod, no I/O.
 * The privileged side's own request is `captureRequestSchema` (shared/plan/helper-protocol.ts); these schemas
 * are the user-facing layer above it (limits, rotation, files, live packet list).
 */
import { z } from 'zod';
import { ifNameSchema, netnsNameSchema, targetSchema } from './target';

export const CAPTURE_LIMITS = {
  minSnaplen: 64,
  maxSnaplen: 262_144,
  /** A week: longer captures belong to a dedicated tool. */
  maxDurationSeconds: 7 * 24 * 3600,
  maxCount: 1_000_000_000,
  maxRotateSizeMb: 100_000,
  maxRotateCount: 10_000,
  /** Live packet list: at most this many summaries per window, the rest counted as "more". */
  liveBatch: 20,
  liveWindowMs: 100,
} as const;

/** Capture ids are file names in the captures directory: no dots, no slashes. */
export const captureIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'is not a capture id');

/** Same rules as the helper applies: one line, never option-like (it is passed after `--`). */
export const bpfFilterSchema = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine((f) => !f.trimStart().startsWith('-'), 'must not start with "-"')
  .refine((f) => !/[\0\n\r]/.test(f), 'must be one line');

export const captureStartParamsSchema = z
  .object({
    target: targetSchema.optional(),
    /** A device name, or... */
    interface: ifNameSchema.optional(),
    /** ...a node of the topology graph (VM NIC, switch, OVS port, port group, libvirt network, link). */
    nodeId: z.string().min(1).max(512).optional(),
    filter: bpfFilterSchema.optional(),
    durationSeconds: z
      .number()
      .positive('must be more than 0 seconds')
      .max(CAPTURE_LIMITS.maxDurationSeconds)
      .optional(),
    count: z
      .number()
      .int('must be a whole number')
      .positive('must be at least 1')
      .max(CAPTURE_LIMITS.maxCount)
      .optional(),
    snaplen: z.number().int().min(CAPTURE_LIMITS.minSnaplen).max(CAPTURE_LIMITS.maxSnaplen).optional(),
    rotateSizeMb: z
      .number()
      .int('must be a whole number of MB')
      .positive('must be at least 1 MB')
      .max(CAPTURE_LIMITS.maxRotateSizeMb)
      .optional(),
    rotateCount: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(CAPTURE_LIMITS.maxRotateCount)
      .optional(),
    /** Absolute path of the first file; default: the user's captures folder. */
    output: z.string().min(1).max(4096).optional(),
  })
  .strict()
  .refine((p) => (p.interface === undefined) !== (p.nodeId === undefined), {
    message: 'give either interface or nodeId',
    path: ['interface'],
  })
  .refine((p) => p.rotateCount === undefined || p.rotateSizeMb !== undefined, {
    message: 'rotateCount needs rotateSizeMb',
    path: ['rotateCount'],
  });
export type CaptureStartParams = z.infer<typeof captureStartParamsSchema>;

export const captureStates = ['starting', 'running', 'stopping', 'completed', 'failed', 'interrupted'] as const;
export const captureStateSchema = z.enum(captureStates);
export type CaptureState = z.infer<typeof captureStateSchema>;
export const FINAL_STATES: readonly CaptureState[] = ['completed', 'failed', 'interrupted'];

/** Why a capture ended: its packet count, its duration, someone stopped it, or something failed. */
export const captureEndReasonSchema = z.enum(['count', 'duration', 'stopped', 'error']);

export const captureFileSchema = z.object({ path: z.string(), bytes: z.number().int().nonnegative() });

export const captureInfoSchema = z.object({
  id: captureIdSchema,
  state: captureStateSchema,
  owner: z.enum(['app', 'cli']),
  target: z.object({ netns: netnsNameSchema.optional() }),
  interface: z.string(),
  nodeId: z.string().optional(),
  filter: z.string(),
  snaplen: z.number().int(),
  count: z.number().int().optional(),
  durationSeconds: z.number().optional(),
  rotateSizeMb: z.number().int().optional(),
  rotateCount: z.number().int().optional(),
  /** The first file's name; rotated files are numbered beside it (see electron/services/capture/rotate.ts). */
  output: z.string(),
  /** Files kept now, oldest first, with their size on disk. */
  files: z.array(captureFileSchema),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  durationMs: z.number().nonnegative(),
  /** Packets and bytes written (bytes include the pcap headers), counting files rotated away. */
  packets: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** tcpdump's own counters once it ended: captured, received by the filter, dropped by the kernel. */
  captured: z.number().int().optional(),
  received: z.number().int().optional(),
  dropped: z.number().int().optional(),
  linkType: z.number().int().optional(),
  endReason: captureEndReasonSchema.optional(),
  error: z.string().optional(),
  pid: z.number().int().optional(),
});
export type CaptureInfo = z.infer<typeof captureInfoSchema>;

export const packetSummarySchema = z.object({
  /** 1-based packet number within the capture. */
  no: z.number().int().positive(),
  /** Unix time in seconds, with the capture's sub-second precision. */
  time: z.number(),
  src: z.string(),
  dst: z.string(),
  protocol: z.string(),
  /** Length on the wire, in bytes. */
  length: z.number().int().nonnegative(),
  summary: z.string(),
});
export type PacketSummary = z.infer<typeof packetSummarySchema>;

export const captureProgressSchema = z.object({
  id: captureIdSchema,
  packets: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  state: captureStateSchema,
  dropped: z.number().int().optional(),
  error: z.string().optional(),
});
export type CaptureProgress = z.infer<typeof captureProgressSchema>;

/** A bounded batch of the live packet list; `more` counts packets of the same window left out of it. */
export const capturePacketsSchema = z.object({
  id: captureIdSchema,
  packets: z.array(packetSummarySchema).max(CAPTURE_LIMITS.liveBatch),
  more: z.number().int().nonnegative(),
});
export type CapturePackets = z.infer<typeof capturePacketsSchema>;

export const captureIdParamsSchema = z.object({ id: captureIdSchema }).strict();
export const captureStartResultSchema = z.object({ id: captureIdSchema });
export const captureStopResultSchema = z.object({ capture: captureInfoSchema });
export const captureListResultSchema = z.object({ captures: z.array(captureInfoSchema) });
export const captureDeleteResultSchema = z.object({ deleted: z.array(z.string()) });
export const captureOpenResultSchema = z.object({ opened: z.enum(['wireshark', 'folder']), path: z.string() });

/** Graph node id of a port group: `pg:SWITCH:GROUP` (SWITCH is an OVS bridge, Linux bridge or libvirt network). */
export function portGroupNodeId(owner: string, group: string): string {
  return `pg:${owner}:${group}`;
}
