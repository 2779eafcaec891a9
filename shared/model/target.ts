import { z } from 'zod';
import { ValidationError } from '../ipc/errors';

/** Kernel/iproute2 rules for an interface or namespace name: 1-15 chars, no '/', ':', whitespace, not '.'/'..', no leading '-'. */
export const ifNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(15, 'must be at most 15 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, "may contain only letters, digits, '_', '.' and '-'")
  .refine((s) => !s.startsWith('-'), "must not start with '-'")
  .refine((s) => s !== '.' && s !== '..', "must not be '.' or '..'");

export const netnsNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, "may contain only letters, digits, '_', '.' and '-'")
  .refine((s) => !s.startsWith('-') && s !== '.' && s !== '..', 'is not a valid namespace name');

/** `unix:/abs/path` or `tcp:host:port`, as ovs-vsctl --db takes it. */
export const ovsDbSchema = z
  .string()
  .regex(/^(unix:\/[^\s\0]+|tcp:[A-Za-z0-9.:[\]-]+:\d+)$/, 'must be unix:/ABSOLUTE/PATH or tcp:HOST:PORT');

export const libvirtUriSchema = z
  .string()
  .regex(/^[a-z0-9+]+:\/\/[^\s\0]*$/, 'must be a libvirt URI such as qemu:///system');

/** Where a read or a change goes. Empty means the host itself. */
export const targetSchema = z
  .object({
    netns: netnsNameSchema.optional(),
    ovsDb: ovsDbSchema.optional(),
    libvirtUri: libvirtUriSchema.optional(),
  })
  .strict();

export type Target = z.infer<typeof targetSchema>;

export const DEFAULT_LIBVIRT_URI = 'qemu:///system';

export function describeTarget(t: Target): string {
  const parts = [t.netns ? `netns ${t.netns}` : 'host'];
  if (t.ovsDb) parts.push(`ovs ${t.ovsDb}`);
  if (t.libvirtUri) parts.push(`libvirt ${t.libvirtUri}`);
  return parts.join(', ');
}

const FLAG_OF: Record<string, string> = { netns: '--netns', ovsDb: '--ovs-db', libvirtUri: '--libvirt' };

/** The target flags shared by the CLI and the desktop app; errors name the flag the user typed. */
export function targetFromFlags(flags: { netns?: string; ovsDb?: string; libvirt?: string }): Target {
  const raw = { netns: flags.netns, ovsDb: flags.ovsDb, libvirtUri: flags.libvirt };
  const parsed = targetSchema.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: FLAG_OF[String(i.path[0])] ?? String(i.path[0] ?? 'target'), message: i.message }));
  throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
}
