/**
 * Every applied spec is kept as a version (when, who, where, the plan, the result) under the user's config
 * directory; every privileged command is appended to an audit log. Files are written by the user, never by root.
 */
import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { z } from 'zod';
import { networkSpecSchema, specNameSchema } from '../../shared/spec/schema';
import { planSchema } from '../../shared/plan/operations';
import { targetSchema } from '../../shared/model/target';
import { NotFoundError } from '../../shared/ipc/errors';
import { configDir } from './config-dir';

export const applyResultSchema = z.enum(['committed', 'failed', 'rolled-back', 'rollback-incomplete']);
export type ApplyResult = z.infer<typeof applyResultSchema>;

export const versionSchema = z.object({
  version: z.number().int().positive(),
  spec: specNameSchema,
  at: z.string(),
  user: z.string(),
  target: targetSchema,
  document: networkSpecSchema,
  plan: planSchema,
  result: applyResultSchema,
  reason: z.string().optional(),
});
export type Version = z.infer<typeof versionSchema>;

const historyDir = (spec: string) => join(configDir(), 'history', spec);
const file = (spec: string, v: number) => join(historyDir(spec), `${String(v).padStart(6, '0')}.json`);

export async function listVersions(spec?: string): Promise<Version[]> {
  const root = join(configDir(), 'history');
  const specs = spec ? [spec] : await readdir(root).catch(() => [] as string[]);
  const out: Version[] = [];
  for (const s of specs) {
    for (const f of (await readdir(historyDir(s)).catch(() => [] as string[])).filter((x) => x.endsWith('.json')).sort()) {
      const parsed = versionSchema.safeParse(JSON.parse(await readFile(join(historyDir(s), f), 'utf8')));
      if (parsed.success) out.push(parsed.data);
    }
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

export async function getVersion(spec: string, version: number): Promise<Version> {
  try {
    return versionSchema.parse(JSON.parse(await readFile(file(spec, version), 'utf8')));
  } catch {
    throw new NotFoundError(`version ${version} of spec ${spec} is not in the history`);
  }
}

/** The spec as last committed, if any: what "drift" is measured against. */
export async function lastCommitted(spec: string): Promise<Version | undefined> {
  return (await listVersions(spec)).filter((v) => v.result === 'committed').pop();
}

export async function recordVersion(v: Omit<Version, 'version' | 'user' | 'at'>): Promise<Version> {
  await mkdir(historyDir(v.spec), { recursive: true, mode: 0o700 });
  const existing = await listVersions(v.spec);
  let version = (existing[existing.length - 1]?.version ?? 0) + 1;
  // Two applies of one spec may finish together: the exclusive create decides who gets a number.
  for (;;) {
    const full: Version = { ...v, version, at: new Date().toISOString(), user: userInfo().username };
    try {
      await writeFile(file(v.spec, version), `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      return full;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || version > 1_000_000) throw err;
      version++;
    }
  }
}

export async function audit(entry: { spec: string; argv: string[]; input?: string[]; exitCode: number; stderr?: string }): Promise<void> {
  await mkdir(configDir(), { recursive: true, mode: 0o700 });
  const line = { at: new Date().toISOString(), user: userInfo().username, ...entry };
  await appendFile(join(configDir(), 'audit.log'), `${JSON.stringify(line)}\n`, { mode: 0o600 });
}
