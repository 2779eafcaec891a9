/**
 * The journal: written (and fsynced) before every batch, so a helper killed half-way leaves enough on disk for the
 * next start to undo exactly what may have run. Lives in a root-owned directory only the helper writes.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
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

/** On disk: the plan once (`<id>.json`), and the small state that changes per batch (`<id>.state.json`). */
const stateSchema = z.object({ applied: z.array(z.number().int()), pending: z.array(z.number().int()), phase: journalSchema.shape.phase });

function writeDurably(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export class JournalFile {
  readonly path: string;
  private planWritten: boolean;
  constructor(
    public data: Journal,
    path?: string,
  ) {
    this.planWritten = path !== undefined;
    this.path = path ?? join(journalDir(), `${Date.now()}-${process.pid}-${data.plan.spec}.json`);
  }

  /**
   * Atomic and durable: a crash leaves either the old or the new state, never half of one. The plan (which can be
   * large) is written once; each batch after that rewrites only which steps ran.
   */
  save(): void {
    if (!this.planWritten) {
      writeDurably(this.path, JSON.stringify({ plan: this.data.plan, startedAt: this.data.startedAt }));
      this.planWritten = true;
    }
    const state = { applied: this.data.applied.map((s) => s.index), pending: this.data.pending.map((s) => s.index), phase: this.data.phase };
    writeDurably(stateFile(this.path), JSON.stringify(state));
  }

  remove(): void {
    rmSync(stateFile(this.path), { force: true });
    rmSync(this.path, { force: true });
  }
}

const stateFile = (path: string) => path.replace(/\.json$/, '.state.json');

/** A helper still running owns its journal: recovery must not undo an apply that is in progress. */
export function ownerAlive(path: string): boolean {
  const pid = Number(/^\d+-(\d+)-/.exec(basename(path))?.[1]);
  if (!Number.isInteger(pid) || pid === process.pid) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('novanet');
  } catch {
    return false;
  }
}

/**
 * One apply per target at a time: a lock file naming the helper that holds it. A lock whose helper is gone is
 * taken over. Returns a release function, or the holder's pid.
 */
export function lockTarget(target: object): { release(): void } | { heldBy: number } {
  const dir = join(stateDir(), 'locks');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${Buffer.from(JSON.stringify(target)).toString('base64url').slice(0, 120)}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(path, 'utf8'));
      if (ownerAlive(`0-${holder}-lock`)) return { heldBy: holder };
      rmSync(path, { force: true });
    }
  }
  return { heldBy: -1 };
}

export function openJournals(): JournalFile[] {
  const dir = journalDir();
  const out: JournalFile[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.json') || f.endsWith('.state.json')) continue;
    const path = join(dir, f);
    if (ownerAlive(path)) continue;
    try {
      const head = z.object({ plan: planSchema, startedAt: z.string() }).parse(JSON.parse(readFileSync(path, 'utf8')));
      // No state yet: the helper died before its first batch, so nothing ran.
      let state: z.infer<typeof stateSchema> = { applied: [], pending: [], phase: 'applying' };
      try {
        state = stateSchema.parse(JSON.parse(readFileSync(stateFile(path), 'utf8')));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const step = (i: number) => head.plan.steps[i];
      const pick = (ids: number[]) => ids.map(step).filter((x): x is NonNullable<typeof x> => !!x);
      out.push(new JournalFile({ plan: head.plan, startedAt: head.startedAt, applied: pick(state.applied), pending: pick(state.pending), phase: state.phase }, path));
    } catch {
      // A journal that cannot be read cannot be acted on; keep it aside for a person to look at.
      renameSync(path, `${path}.unreadable`);
    }
  }
  return out;
}
