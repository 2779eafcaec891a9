#!/usr/bin/env node
/**
 * novanet-helper: the only privileged part of NovaNet, run through pkexec (or directly by root). Fixed verbs,
 * canonical input only (the whole plan is re-validated against the schema), fixed tool paths, no shell, a journal
 * before every batch, rollback in reverse on any failure, and a trial that rolls back unless confirmed.
 *
 * stdin: one JSON request line; later, during the trial, "confirm" or "rollback <reason>".
 * stdout: JSON lines (HelperEvent). Exit codes: HELPER_EXIT.
 *
 * Installed twice under /usr/lib/novanet (one polkit action each, pinned by path): `novanet-helper` changes the
 * network (apply, recover), `novanet-capture-helper` only captures. The name it was started by decides.
 */
import { createInterface } from 'node:readline';
import { basename } from 'node:path';
import { requestSchema, HELPER_EXIT, type ApplyRequest, type HelperEvent } from '../shared/plan/helper-protocol';
import { JournalFile, lockTarget, openJournals } from './lib/journal';
import { batchesOf, runOps, undo, type Emit } from './lib/execute';
import { runTool, toolPath } from './lib/tools';
import { probeDns } from './lib/probe-dns';
import { capture } from './lib/capture';
import { verbsFor } from './lib/verbs';
import { qemuHook, startedAsHook } from './lib/qemu-hook';

// Events go to stdout, except during a capture, whose stdout carries the pcap stream.
let eventStream: NodeJS.WriteStream = process.stdout;
const emit: Emit = (e: HelperEvent) => eventStream.write(`${JSON.stringify(e)}\n`);

/** Test hook: make step k fail. Ignored under pkexec, where the environment is the caller's. */
function faultAt(): number | undefined {
  const v = process.env.PKEXEC_UID === undefined ? process.env.NOVANET_FAULT_AT : undefined;
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

async function recover(): Promise<number> {
  const journals = openJournals();
  for (const j of journals) {
    j.data.phase = 'rolling-back';
    j.save();
    await undo([...j.data.applied, ...j.data.pending], j.data.plan.target, emit);
    j.remove();
  }
  return journals.length;
}

async function probe(req: ApplyRequest, p: ApplyRequest['probes'][number]): Promise<boolean> {
  if (p.kind === 'dns') return probeDns(req.plan.target, p.name);
  const ping = toolPath('ping');
  const args = ['-c', '1', '-W', '1', '-n', '-q', p.address];
  const r = req.plan.target.netns
    ? await runTool('ip', ['netns', 'exec', req.plan.target.netns, ping, ...args], undefined, 5000)
    : await runTool('ping', args, undefined, 5000);
  return r.exitCode === 0;
}

async function apply(req: ApplyRequest, lines: AsyncIterator<string>): Promise<number> {
  const lock = lockTarget(req.plan.target);
  if ('heldBy' in lock) {
    emit({ type: 'error', message: `another apply on this target is running (helper pid ${lock.heldBy}); try again when it has finished` });
    return HELPER_EXIT.busy;
  }
  try {
    return await applyLocked(req, lines);
  } finally {
    lock.release();
  }
}

async function applyLocked(req: ApplyRequest, lines: AsyncIterator<string>): Promise<number> {
  const { plan } = req;
  // Only probes that pass now can tell us the change broke something.
  const probes: ApplyRequest['probes'] = [];
  for (const p of req.probes) {
    const ok = await probe(req, p);
    emit({ type: 'probe', label: p.label, ok, phase: 'before' });
    if (ok) probes.push(p);
  }
  const journal = new JournalFile({ plan, applied: [], pending: [], phase: 'applying', startedAt: new Date().toISOString() });
  emit({ type: 'started', steps: plan.steps.length, journal: journal.path });
  const fault = faultAt();

  const rollback = async (reason: string, code: number): Promise<number> => {
    journal.data.phase = 'rolling-back';
    journal.save();
    const clean = await undo([...journal.data.applied, ...journal.data.pending], plan.target, emit);
    journal.remove();
    emit({ type: 'rolledback', reason, clean });
    return clean ? code : HELPER_EXIT.rollbackIncomplete;
  };

  for (const batch of batchesOf(plan.steps)) {
    const faultHere = fault !== undefined && batch.steps.some((s) => s.index === fault);
    const steps = faultHere ? batch.steps.filter((s) => s.index < (fault as number)) : batch.steps;
    journal.data.pending = steps;
    journal.save();
    emit({ type: 'batch', tool: batch.tool, steps: steps.map((s) => s.index) });
    const r = await runOps(batch.tool, steps.map((s) => s.op), plan.target, emit);
    const ran = steps.slice(0, r.done);
    journal.data.applied.push(...ran);
    journal.data.pending = [];
    journal.save();
    for (const s of ran) emit({ type: 'step', index: s.index, status: 'done' });
    const failedStep = r.error ? steps[r.done] : faultHere ? batch.steps.find((s) => s.index === fault) : undefined;
    if (r.error || faultHere) {
      const message = r.error ?? `fault injected at step ${fault}`;
      if (failedStep) emit({ type: 'step', index: failedStep.index, status: 'failed', message });
      // A failed batch line or transaction changed nothing; only the steps before it are undone.
      return rollback(`step ${failedStep?.index ?? '?'} failed: ${message}`, HELPER_EXIT.failedRolledBack);
    }
  }
  emit({ type: 'applied' });
  if (req.trialSeconds === 0) {
    journal.remove();
    emit({ type: 'committed' });
    return HELPER_EXIT.committed;
  }

  journal.data.phase = 'trial';
  journal.save();
  const deadline = Date.now() + req.trialSeconds * 1000;
  emit({ type: 'trial', seconds: req.trialSeconds, deadline: new Date(deadline).toISOString() });
  const verdict = await trial(lines, deadline, async () => {
    for (const p of probes) {
      if (!(await probe(req, p))) {
        emit({ type: 'probe', label: p.label, ok: false, phase: 'trial' });
        return `connectivity probe failed: ${p.label}`;
      }
    }
    return null;
  });
  if (verdict === 'confirm') {
    journal.remove();
    emit({ type: 'committed' });
    return HELPER_EXIT.committed;
  }
  return rollback(verdict, HELPER_EXIT.rolledBack);
}

/** Waits for "confirm"; anything else, the caller going away, the deadline or a failing probe rolls back. */
async function trial(lines: AsyncIterator<string>, deadline: number, check: () => Promise<string | null>): Promise<'confirm' | string> {
  let done = false;
  const fromCaller = (async () => {
    const next = await lines.next();
    if (next.done) return 'the caller went away before confirming';
    const line = next.value.trim();
    if (line === 'confirm') return 'confirm';
    return line.startsWith('rollback') ? `rolled back on request${line.length > 8 ? `: ${line.slice(9, 200)}` : ''}` : `unexpected input during the trial`;
  })();
  const watch = (async () => {
    while (!done) {
      const left = deadline - Date.now();
      if (left <= 0) return 'not confirmed in time';
      const failed = await check();
      if (failed) return failed;
      await new Promise((r) => setTimeout(r, Math.min(1000, left)));
    }
    return 'stopped';
  })();
  const verdict = await Promise.race([fromCaller, watch]);
  done = true;
  return verdict;
}

async function main(): Promise<number> {
  if (startedAsHook(process.argv[1])) return qemuHook(process.argv.slice(2));
  if (process.getuid?.() !== 0) {
    emit({ type: 'error', message: 'novanet-helper must run as root (through pkexec)' });
    return HELPER_EXIT.notRoot;
  }
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const lines = rl[Symbol.asyncIterator]();
  const first = await lines.next();
  let raw: unknown;
  try {
    raw = JSON.parse(first.done ? '' : first.value);
  } catch {
    emit({ type: 'error', message: 'request: not a JSON line' });
    return HELPER_EXIT.invalid;
  }
  const parsed = requestSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    emit({ type: 'error', message: `request.${i?.path.join('.')}: ${i?.message}` });
    return HELPER_EXIT.invalid;
  }
  const allowed = verbsFor(process.argv[1] ?? '');
  if (!allowed.includes(parsed.data.verb)) {
    emit({ type: 'error', message: `request.verb: ${parsed.data.verb} is not allowed through ${basename(process.argv[1] ?? '')} (its polkit action covers ${allowed.join(', ')})` });
    return HELPER_EXIT.invalid;
  }
  // Before any change, finish a rollback a crash interrupted (a capture changes nothing: it need not wait).
  const recovered = parsed.data.verb === 'capture' ? 0 : await recover();
  if (parsed.data.verb === 'capture') {
    eventStream = process.stderr;
    // Ctrl-C on the caller's terminal reaches us too (pkexec keeps the terminal for its prompt): the caller
    // ends the capture by closing stdin, so tcpdump can still flush and report its counters.
    process.on('SIGINT', () => undefined);
    return capture(parsed.data, lines, emit);
  }
  if (parsed.data.verb === 'recover') {
    emit({ type: 'recovered', journals: recovered });
    return HELPER_EXIT.committed;
  }
  return apply(parsed.data, lines);
}

main().then(
  (code) => {
    process.exitCode = code;
    // stdin may still be open (the caller keeps it for the trial); do not wait for it.
    setImmediate(() => process.exit(code));
  },
  (err) => {
    // Nothing was rolled back here: the journal stays, and the next start finishes the rollback.
    emit({ type: 'error', message: `${err instanceof Error ? err.message : String(err)} (the next start of the helper rolls back what ran)` });
    process.exit(HELPER_EXIT.rollbackIncomplete);
  },
);
