/**
 * Captures of this process (the app, or one CLI run) plus the records of every other: start, stop, list,
 * delete. A capture run by another process (a detached `novanet capture run`) is stopped by signalling that
 * process, and only after checking it is that very process (PID, start time and command line).
 */
import { lstatSync, unlinkSync } from 'node:fs';
import { FINAL_STATES, type CaptureInfo } from '../../../shared/model/capture';
import { NovanetError, ValidationError } from '../../../shared/ipc/errors';
import { API_FIELDS, preflight, type CaptureInput, type FieldNames } from './preflight';
import { CaptureSession, type SessionListeners } from './session';
import {
  listRecords,
  loadRecord,
  newCaptureId,
  ownerAlive,
  publicInfo,
  refresh,
  removeRecord,
  saveRecord,
  type StoredCapture,
} from './store';

const STOP_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Signals the process that runs a capture and waits until it has finished the files and the record. */
export async function stopDetached(r: StoredCapture, timeoutMs = STOP_TIMEOUT_MS): Promise<CaptureInfo> {
  if (FINAL_STATES.includes(r.state)) return publicInfo(refresh(r));
  if (!ownerAlive(r)) {
    const gone = refresh(r);
    saveRecord(gone);
    return publicInfo(gone);
  }
  if (r.owner !== 'cli')
    throw new ValidationError(`capture ${r.id} runs in the NovaNet app (pid ${r.pid}); stop it there`);
  process.kill(r.pid as number, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = loadRecord(r.id);
    if (FINAL_STATES.includes(now.state)) return publicInfo(refresh(now));
    if (!ownerAlive(now)) {
      const gone = refresh(now);
      saveRecord(gone);
      return publicInfo(gone);
    }
    if (Date.now() > deadline)
      throw new NovanetError(
        `capture ${r.id} did not finish within ${timeoutMs / 1000} s of being stopped (pid ${r.pid})`,
      );
    await sleep(100);
  }
}

export type StartInput = Omit<CaptureInput, 'id' | 'owner'> & { id?: string };

export class CaptureManager {
  private readonly sessions = new Map<string, CaptureSession>();

  constructor(private readonly opts: { owner: 'app' | 'cli'; listeners?: SessionListeners } = { owner: 'app' }) {}

  /** Checks everything, starts the helper and resolves once tcpdump listens. Bad input: ValidationError, nothing left. */
  async start(input: StartInput, fields: FieldNames = API_FIELDS): Promise<CaptureSession> {
    const id = input.id ?? newCaptureId();
    const plan = await preflight({ ...input, id, owner: this.opts.owner }, fields);
    const session = new CaptureSession(plan, this.opts.listeners);
    this.sessions.set(id, session);
    void session.ended.finally(() => this.sessions.delete(id));
    try {
      await session.started;
    } catch (err) {
      await session.ended;
      // Refused input (the helper's own filter compile) leaves no trace; other failures stay listed with why.
      if (err instanceof ValidationError) removeRecord(id);
      throw err;
    }
    return session;
  }

  session(id: string): CaptureSession | undefined {
    return this.sessions.get(id);
  }

  async stop(id: string): Promise<CaptureInfo> {
    const mine = this.sessions.get(id);
    if (mine) return publicInfo(await mine.stop('stopped'));
    return stopDetached(loadRecord(id));
  }

  get(id: string): CaptureInfo {
    const mine = this.sessions.get(id);
    return publicInfo(mine ? mine.info : refresh(loadRecord(id)));
  }

  /** Every capture on record, oldest first; this process's running ones with their live counters. */
  list(): CaptureInfo[] {
    return listRecords().map((r) => publicInfo(this.sessions.get(r.id)?.info ?? refresh(r)));
  }

  /** Deletes an ended capture's files (regular files only) and its record; returns the paths removed. */
  delete(id: string): string[] {
    if (this.sessions.has(id)) throw new ValidationError(`capture ${id} is running; stop it first`);
    const r = refresh(loadRecord(id));
    if (!FINAL_STATES.includes(r.state)) throw new ValidationError(`capture ${id} is running; stop it first`);
    const removed: string[] = [];
    for (const f of r.files) {
      try {
        if (!lstatSync(f.path).isFile()) continue;
        unlinkSync(f.path);
        removed.push(f.path);
      } catch {
        /* already gone */
      }
    }
    removeRecord(id);
    return removed;
  }

  /** Stops this process's captures (the app quitting): files are finished, not cut. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.stop('stopped')));
  }
}
