/**
 * The journal: written (and fsynced) before every batch, so a helper killed half-way leaves enough on disk for the
 * next start to undo exactly what may have run. Lives in a root-owned directory only the helper writes.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { planSchema, stepSchema } from '../../shared/plan/operations';

export const journalSchema = z.object({
  plan: planSchema,
  /** Steps known to have run. */
  applied: z.array(stepSchema),
  /** Steps of the batch that was running: they may or may not have run. */
  pending: z.array(stepSchema),
  phase: z.enum(['applying', 'trial', 'rolling-back']),
  startedAt: z.string(),
});
export type Journal = z.infer<typeof journalSchema>;

export function stateDir(): string {
  // Tests run the helper directly as root with their own directory; under pkexec the environment is not trusted.
  const override = process.env.PKEXEC_UID === undefined ? process.env.NOVANET_HELPER_STATE_DIR : undefined;
  return override ?? '/var/lib/novanet';
}

function journalDir(): string {
  const dir = join(stateDir(), 'journal');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export class JournalFile {
  readonly path: string;
  constructor(
    public data: Journal,
    path?: string,
  ) {
    this.path = path ?? join(journalDir(), `${Date.now()}-${process.pid}-${data.plan.spec}.json`);
  }

  /** Atomic and durable: a crash leaves either the old or the new journal, never half of one. */
  save(): void {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(this.data));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}

export function openJournals(): JournalFile[] {
  const dir = journalDir();
  const out: JournalFile[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.json')) continue;
    const path = join(dir, f);
    try {
      out.push(new JournalFile(journalSchema.parse(JSON.parse(readFileSync(path, 'utf8'))), path));
    } catch {
      // A journal that cannot be read cannot be acted on; keep it aside for a person to look at.
      renameSync(path, `${path}.unreadable`);
    }
  }
  return out;
}
