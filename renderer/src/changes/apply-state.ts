/**
 * One apply as the Changes panel shows it, folded from `apply.progress` events. Pure (no DOM, no React) so the
 * order and edge cases of the helper's events are unit-testable.
 *
 * Events can arrive before `apply.start` has answered with the applyId (the helper may already be running), so
 * until the id is known every event is kept and replayed once it is.
 */
import type { ApplyProgress } from '../../../shared/ipc/contract';
import type { Step } from '../../../shared/plan/operations';

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'undone';
export type ApplyPhase = 'starting' | 'applying' | 'verifying' | 'trial' | 'committing' | 'rolling-back' | 'finished';
export type ApplyResultName = NonNullable<ApplyProgress['outcome']>['result'];

export interface ApplyRun {
  kind: 'apply' | 'revert';
  spec: string;
  /** For a revert: the version it goes back to (0: before the first version). */
  revertTo?: number;
  applyId?: string;
  /** The steps previewed when the apply started; the server plans again and reports its own count. */
  steps: Step[];
  serverSteps?: number;
  status: StepStatus[];
  /** Per step: the helper's message when it failed. */
  stepMessages: (string | undefined)[];
  phase: ApplyPhase;
  trial?: { seconds: number; deadline: string };
  /** Probe results and other lines worth showing, oldest first. */
  notes: string[];
  commands: { argv: string[]; exitCode: number; stderr?: string }[];
  /** The user answered the trial; the buttons wait for the verdict. */
  answered?: 'keep' | 'revert';
  outcome?: { result: ApplyResultName; reason?: string; version?: number };
  /** Could not start, or the server gave up without a verdict. */
  error?: string;
  /** Events that arrived before the applyId was known. */
  early: ApplyProgress[];
}

export type ApplyAction =
  | { type: 'start'; kind: ApplyRun['kind']; spec: string; steps: Step[]; revertTo?: number }
  | { type: 'started'; applyId: string; steps: number }
  | { type: 'progress'; progress: ApplyProgress }
  | { type: 'answer'; answer: 'keep' | 'revert' }
  | { type: 'answer-failed'; message: string }
  | { type: 'start-failed'; message: string }
  | { type: 'lost'; message: string }
  | { type: 'dismiss' };

export function newRun(kind: ApplyRun['kind'], spec: string, steps: Step[], revertTo?: number): ApplyRun {
  return {
    kind,
    spec,
    ...(revertTo !== undefined ? { revertTo } : {}),
    steps,
    status: steps.map(() => 'pending'),
    stepMessages: steps.map(() => undefined),
    phase: 'starting',
    notes: [],
    commands: [],
    early: [],
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function setStatus(run: ApplyRun, index: number, status: StepStatus, message?: string): ApplyRun {
  const grow = Math.max(run.status.length, index + 1);
  const st = [...run.status, ...Array<StepStatus>(grow - run.status.length).fill('pending')];
  const msgs = [...run.stepMessages, ...Array<undefined>(grow - run.stepMessages.length).fill(undefined)];
  st[index] = status;
  if (message) msgs[index] = message;
  return { ...run, status: st, stepMessages: msgs };
}

/** Folds one helper event (relayed by the server) into the run. */
export function applyEvent(run: ApplyRun, p: ApplyProgress): ApplyRun {
  const e = p.event as Record<string, unknown> & { type: string };
  if (p.outcome) {
    const o = p.outcome;
    return {
      ...run,
      phase: 'finished',
      outcome: { result: o.result, ...(o.reason ? { reason: o.reason } : {}), version: o.version },
    };
  }
  switch (e.type) {
    case 'started':
      return { ...run, phase: 'applying' };
    case 'batch': {
      const steps = Array.isArray(e.steps)
        ? (e.steps as unknown[]).filter((x): x is number => typeof x === 'number')
        : [];
      let next = run;
      for (const i of steps) if ((next.status[i] ?? 'pending') === 'pending') next = setStatus(next, i, 'running');
      return next;
    }
    case 'step': {
      const status = e.status === 'done' || e.status === 'failed' || e.status === 'undone' ? e.status : undefined;
      if (typeof e.index !== 'number' || !status) return run;
      return setStatus(run, e.index, status, str(e.message));
    }
    case 'command': {
      const argv = Array.isArray(e.argv) ? (e.argv as unknown[]).map(String) : [];
      const stderr = str(e.stderr);
      return {
        ...run,
        commands: [
          ...run.commands,
          { argv, exitCode: typeof e.exitCode === 'number' ? e.exitCode : -1, ...(stderr ? { stderr } : {}) },
        ],
      };
    }
    case 'probe':
      return {
        ...run,
        notes: [
          ...run.notes,
          `${e.ok ? 'Reachable' : 'Not reachable'}${e.phase === 'trial' ? ' during the trial' : ' before the change'}: ${str(e.label) ?? 'probe'}`,
        ],
      };
    case 'applied':
      // Steps still running when the helper says "applied" finished with their batch.
      return { ...run, phase: 'verifying', status: run.status.map((s) => (s === 'running' ? 'done' : s)) };
    case 'trial': {
      const seconds = typeof e.seconds === 'number' ? e.seconds : 0;
      const deadline = str(e.deadline) ?? new Date(Date.now() + seconds * 1000).toISOString();
      return { ...run, phase: 'trial', trial: { seconds, deadline } };
    }
    case 'committed':
      return { ...run, phase: 'committing' };
    case 'rolledback':
      return {
        ...run,
        phase: 'rolling-back',
        notes: [...run.notes, `Rolling back: ${str(e.reason) ?? 'no reason given'}`],
      };
    case 'error':
      // The helper's own errors are followed by a verdict; the server's (apply could not run) are not: the
      // provider ends the run if no verdict follows.
      return { ...run, error: str(e.message) ?? 'the apply failed' };
    default:
      return run;
  }
}

export function reduceApply(run: ApplyRun | undefined, action: ApplyAction): ApplyRun | undefined {
  switch (action.type) {
    case 'start':
      return newRun(action.kind, action.spec, action.steps, action.revertTo);
    case 'dismiss':
      return run && run.phase === 'finished' ? undefined : run;
  }
  if (!run) return run;
  switch (action.type) {
    case 'started': {
      let next: ApplyRun = { ...run, applyId: action.applyId, serverSteps: action.steps, early: [] };
      for (const p of run.early) if (p.applyId === action.applyId) next = applyEvent(next, p);
      return next;
    }
    case 'progress': {
      if (run.phase === 'finished') return run;
      if (!run.applyId) return { ...run, early: [...run.early, action.progress] };
      return action.progress.applyId === run.applyId ? applyEvent(run, action.progress) : run;
    }
    case 'answer':
      return { ...run, answered: action.answer };
    case 'answer-failed': {
      const { answered: _dropped, ...rest } = run;
      return { ...rest, notes: [...run.notes, action.message] };
    }
    case 'start-failed':
      return { ...run, phase: 'finished', error: action.message };
    case 'lost':
      return run.phase === 'finished' ? run : { ...run, phase: 'finished', error: action.message };
  }
}

export function isActive(run: ApplyRun | undefined): boolean {
  return !!run && run.phase !== 'finished';
}

/** Whole seconds left of the trial at `now` (ms), never below 0 nor above the trial's length. */
export function secondsLeft(trial: { seconds: number; deadline: string }, now: number): number {
  const end = Date.parse(trial.deadline);
  if (Number.isNaN(end)) return trial.seconds;
  return Math.max(0, Math.min(trial.seconds, Math.ceil((end - now) / 1000)));
}
