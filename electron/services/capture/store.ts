/**
 * Capture records on disk: `configDir()/captures/ID.json`, one per capture, written by whichever process owns
 * the capture (the app, or a detached `novanet capture run`) and read by everyone (`capture list`, the app's
 * list). Writes are atomic (temp file + rename) so a reader never sees half a record.
 *
 * A record names its owner's PID and that process's start time, so a PID reused by an unrelated process is
 * never mistaken for the capture (and never signalled).
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureInfoSchema, FINAL_STATES, type CaptureInfo } from '../../../shared/model/capture';
import { NotFoundError } from '../../../shared/ipc/errors';
import { configDir } from '../config-dir';

export type StoredCapture = CaptureInfo & { procStart?: string };

export function capturesDir(): string {
  return join(configDir(), 'captures');
}

export const recordPath = (id: string) => join(capturesDir(), `${id}.json`);
export const logPath = (id: string) => join(capturesDir(), `${id}.log`);

/** Sortable and readable: `20260418-153012-a1b2c3`. */
export function newCaptureId(now = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function saveRecord(r: StoredCapture): void {
  mkdirSync(capturesDir(), { recursive: true, mode: 0o700 });
  const tmp = `${recordPath(r.id)}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(r, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, recordPath(r.id));
}

export function loadRecord(id: string): StoredCapture {
  let raw: string;
  try {
    raw = readFileSync(recordPath(id), 'utf8');
  } catch {
    throw new NotFoundError(`no capture ${id} (see \`novanet capture list\`)`);
  }
  const parsed = captureInfoSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new NotFoundError(`capture ${id}: its record is damaged`);
  const procStart = (JSON.parse(raw) as { procStart?: unknown }).procStart;
  return { ...parsed.data, ...(typeof procStart === 'string' ? { procStart } : {}) };
}

export function listRecords(): StoredCapture[] {
  let names: string[];
  try {
    names = readdirSync(capturesDir()).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: StoredCapture[] = [];
  for (const n of names) {
    try {
      out.push(loadRecord(n.slice(0, -'.json'.length)));
    } catch {
      /* a damaged record is skipped, not fatal for the list */
    }
  }
  return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

export function removeRecord(id: string): void {
  rmSync(recordPath(id), { force: true });
  rmSync(logPath(id), { force: true });
}

/** Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** The process the record names is alive, is the same process (start time), and for the CLI runs this capture. */
export function ownerAlive(r: StoredCapture): boolean {
  if (r.pid === undefined) return false;
  const start = processStart(r.pid);
  if (start === undefined || (r.procStart !== undefined && start !== r.procStart)) return false;
  if (r.owner === 'cli') {
    const argv = cmdline(r.pid);
    return argv.includes('run') && argv.includes(r.id);
  }
  return true;
}

/** The record as it is now: files' sizes re-read, and a capture whose process has gone marked interrupted. */
export function refresh(r: StoredCapture): StoredCapture {
  // Files removed by hand since are left out rather than shown as empty.
  const files = r.files.flatMap((f) => {
    try {
      return [{ path: f.path, bytes: lstatSync(f.path).size }];
    } catch {
      return [];
    }
  });
  const gone = !FINAL_STATES.includes(r.state) && !ownerAlive(r);
  // A running capture's record is saved about once a second; its age is worked out now.
  const durationMs =
    r.state === 'running' || r.state === 'stopping'
      ? Math.max(r.durationMs, Date.now() - Date.parse(r.startedAt))
      : r.durationMs;
  return {
    ...r,
    files,
    durationMs,
    ...(gone
      ? {
          state: 'interrupted' as const,
          error: r.error ?? 'the process that ran this capture ended without finishing it',
        }
      : {}),
  };
}

/** Strips what only the store uses before a record leaves the services. */
export function publicInfo(r: StoredCapture): CaptureInfo {
  const { procStart: _p, ...info } = r;
  return info;
}
