/**
 * What the privileged helper reads and writes. Requests arrive as one JSON line on stdin; the helper answers with
 * JSON lines on stdout. During the trial it reads further lines: "confirm" or "rollback <reason>".
 */
import { z } from 'zod';
import { planSchema } from './operations';
import { ifNameSchema, netnsNameSchema } from '../model/target';

/**
 * A DNS lookup during the trial goes to the target's own resolver; the name is one argv element after `--`, and a
 * hostname cannot start with '-' or carry anything but letters, digits, '-' and dots.
 */
export const dnsProbeNameSchema = z
  .string()
  .max(253)
  .regex(/^(?!-)[A-Za-z0-9-]{1,63}(\.(?!-)[A-Za-z0-9-]{1,63})*\.?$/, 'must be a hostname like example.com');

/** Connectivity checks of the trial, kept only if they pass before the change. */
export const probeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ping'), address: z.string().regex(/^[0-9a-fA-F.:]+$/), label: z.string().max(80) }).strict(),
  z.object({ kind: z.literal('dns'), name: dnsProbeNameSchema, label: z.string().max(80) }).strict(),
]);
export type Probe = z.infer<typeof probeSchema>;

export const applyRequestSchema = z
  .object({
    verb: z.literal('apply'),
    plan: planSchema,
    /** Seconds the change stays on trial before it rolls back by itself; 0 commits at once. */
    trialSeconds: z.number().int().min(0).max(3600),
    /** Gateways to ping and names to look up during the trial, kept only if they pass before the change. */
    probes: z.array(probeSchema).max(8).default([]),
  })
  .strict();
export const recoverRequestSchema = z.object({ verb: z.literal('recover') }).strict();

/**
 * A packet capture. The filter is one argv element after `--`, so it can never be read as an option; it is
 * compiled (`tcpdump -d`) before anything starts. pcap bytes go to stdout, events to stderr.
 */
export const captureRequestSchema = z
  .object({
    verb: z.literal('capture'),
    target: z.object({ netns: netnsNameSchema.optional() }).strict(),
    interface: ifNameSchema,
    filter: z
      .string()
      .max(2048, 'must be at most 2048 characters')
      .refine((f) => !f.trimStart().startsWith('-'), 'must not start with "-"')
      .refine((f) => !/[\0\n\r]/.test(f), 'must be one line')
      .default(''),
    snaplen: z.number().int().min(64).max(262_144).default(262_144),
    count: z.number().int().positive().optional(),
  })
  .strict();
export type CaptureRequest = z.infer<typeof captureRequestSchema>;

export const requestSchema = z.discriminatedUnion('verb', [applyRequestSchema, recoverRequestSchema, captureRequestSchema]);
export type HelperRequest = z.infer<typeof requestSchema>;
export type ApplyRequest = z.infer<typeof applyRequestSchema>;

export type HelperEvent =
  | { type: 'started'; steps: number; journal: string }
  | { type: 'probe'; label: string; ok: boolean; phase: 'before' | 'trial' }
  | { type: 'batch'; tool: string; steps: number[] }
  | { type: 'step'; index: number; status: 'done' | 'failed' | 'undone'; message?: string }
  /** A privileged command that ran; for a batch, `input` holds its lines (each one command). */
  | { type: 'command'; argv: string[]; input?: string[]; exitCode: number; stderr?: string }
  | { type: 'applied' }
  | { type: 'trial'; seconds: number; deadline: string }
  | { type: 'committed' }
  | { type: 'rolledback'; reason: string; clean: boolean }
  | { type: 'recovered'; journals: number }
  | { type: 'capture-started'; interface: string; linkType?: string }
  | { type: 'capture-ended'; captured: number; received: number; dropped: number }
  | { type: 'error'; message: string };

/** Distinct exit codes, as gsd-backlight-helper has. */
export const HELPER_EXIT = {
  committed: 0,
  failedRolledBack: 1,
  invalid: 2,
  notRoot: 3,
  rolledBack: 4,
  rollbackIncomplete: 5,
  /** Another apply on the same target is running. */
  busy: 6,
} as const;
