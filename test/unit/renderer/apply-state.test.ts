/**
 * The Changes panel's fold of `apply.progress` events: the helper's real event order for a kept apply, a trial
 * that ran out, a failing step rolled back, events that arrive before apply.start answers, other applies'
 * events, and the countdown arithmetic.
 */
import { describe, expect, it } from 'vitest';
import type { ApplyProgress } from '../../../shared/ipc/contract';
import type { Step } from '../../../shared/plan/operations';
import {
  applyEvent,
  isActive,
  reduceApply,
  secondsLeft,
  type ApplyAction,
  type ApplyRun,
} from '../../../renderer/src/changes/apply-state';

const step = (index: number): Step => ({
  index,
  op: { op: 'link.set.state', name: `t${index}`, up: true },
  inverse: [],
  description: `Bring t${index} up`,
  object: 'switch br-x',
  argv: ['ip', 'link', 'set', 'dev', `t${index}`, 'up'],
});
const STEPS = [step(0), step(1), step(2)];
const ev = (
  event: Record<string, unknown> & { type: string },
  applyId = 'A',
  outcome?: ApplyProgress['outcome'],
): ApplyAction => ({
  type: 'progress',
  progress: { applyId, event, ...(outcome ? { outcome } : {}) },
});

function fold(actions: ApplyAction[], from?: ApplyRun): ApplyRun | undefined {
  return actions.reduce<ApplyRun | undefined>((r, a) => reduceApply(r, a), from);
}

const start: ApplyAction = { type: 'start', kind: 'apply', spec: 'ws', steps: STEPS };

describe('reduceApply', () => {
  it('follows a kept apply: batch running, steps done, applied, trial, committed, verdict', () => {
    let run = fold([start, { type: 'started', applyId: 'A', steps: 3 }]);
    expect(run?.phase).toBe('starting');
    run = fold(
      [ev({ type: 'started', steps: 3, journal: '/j' }), ev({ type: 'batch', tool: 'ip', steps: [0, 1, 2] })],
      run,
    );
    expect(run?.status).toEqual(['running', 'running', 'running']);
    run = fold(
      [
        ev({ type: 'step', index: 0, status: 'done' }),
        ev({ type: 'command', argv: ['ip', '-batch', '-'], exitCode: 0 }),
      ],
      run,
    );
    expect(run?.status).toEqual(['done', 'running', 'running']);
    run = fold([ev({ type: 'applied' })], run);
    // Steps of a batch that finished as a whole are done.
    expect(run?.status).toEqual(['done', 'done', 'done']);
    expect(run?.phase).toBe('verifying');
    run = fold([ev({ type: 'trial', seconds: 30, deadline: '2030-01-01T00:00:30.000Z' })], run);
    expect(run?.phase).toBe('trial');
    expect(run?.trial).toEqual({ seconds: 30, deadline: '2030-01-01T00:00:30.000Z' });
    run = fold([{ type: 'answer', answer: 'keep' }, ev({ type: 'committed' })], run);
    expect(run?.answered).toBe('keep');
    expect(isActive(run)).toBe(true);
    run = fold([ev({ type: 'done' }, 'A', { result: 'committed', version: 4 })], run);
    expect(run?.phase).toBe('finished');
    expect(run?.outcome).toEqual({ result: 'committed', version: 4 });
    expect(run?.commands).toEqual([{ argv: ['ip', '-batch', '-'], exitCode: 0 }]);
    expect(isActive(run)).toBe(false);
  });

  it('a failed step and its undone predecessors, then a failed verdict with the reason', () => {
    const run = fold([
      start,
      { type: 'started', applyId: 'A', steps: 3 },
      ev({ type: 'step', index: 0, status: 'done' }),
      ev({ type: 'step', index: 1, status: 'failed', message: 'RTNETLINK answers: File exists' }),
      ev({ type: 'rolledback', reason: 'step 1 failed: RTNETLINK answers: File exists', clean: true }),
      ev({ type: 'step', index: 0, status: 'undone' }),
      ev({ type: 'done' }, 'A', {
        result: 'failed',
        reason: 'step 1 failed: RTNETLINK answers: File exists',
        version: 2,
      }),
    ]);
    expect(run?.status).toEqual(['undone', 'failed', 'pending']);
    expect(run?.stepMessages[1]).toBe('RTNETLINK answers: File exists');
    expect(run?.outcome?.result).toBe('failed');
    expect(run?.notes.some((n) => n.startsWith('Rolling back'))).toBe(true);
  });

  it('keeps events that arrive before the applyId is known and replays only its own', () => {
    const run = fold([
      start,
      ev({ type: 'started', steps: 3, journal: '/j' }),
      ev({ type: 'step', index: 0, status: 'done' }),
      ev({ type: 'step', index: 2, status: 'done' }, 'OTHER'),
      { type: 'started', applyId: 'A', steps: 3 },
      ev({ type: 'step', index: 1, status: 'done' }, 'OTHER'),
    ]);
    expect(run?.phase).toBe('applying');
    expect(run?.status).toEqual(['done', 'pending', 'pending']);
    expect(run?.early).toEqual([]);
  });

  it('a start that fails ends the run with the message; dismiss clears only finished runs', () => {
    const running = fold([start]);
    expect(reduceApply(running, { type: 'dismiss' })).toBe(running);
    const failed = fold([start, { type: 'start-failed', message: 'nothing to apply' }]);
    expect(failed?.phase).toBe('finished');
    expect(failed?.error).toBe('nothing to apply');
    expect(reduceApply(failed, { type: 'dismiss' })).toBeUndefined();
  });

  it('a server error without a verdict is recorded, and "lost" ends the run with it', () => {
    let run = fold([
      start,
      { type: 'started', applyId: 'A', steps: 3 },
      ev({ type: 'error', message: 'helper exited' }),
    ]);
    expect(run?.phase).toBe('starting');
    expect(run?.error).toBe('helper exited');
    run = fold([{ type: 'lost', message: 'helper exited' }], run);
    expect(run?.phase).toBe('finished');
  });

  it('an answer the server did not take can be given again', () => {
    const run = fold([start, { type: 'answer', answer: 'revert' }, { type: 'answer-failed', message: 'too late' }]);
    expect(run?.answered).toBeUndefined();
    expect(run?.notes).toContain('too late');
  });

  it('ignores step events with odd shapes', () => {
    const run = fold([start, { type: 'started', applyId: 'A', steps: 3 }]);
    if (!run) throw new Error('no run');
    expect(applyEvent(run, { applyId: 'A', event: { type: 'step', index: 'x', status: 'done' } })).toBe(run);
    expect(applyEvent(run, { applyId: 'A', event: { type: 'step', index: 0, status: 'weird' } })).toBe(run);
  });
});

describe('secondsLeft', () => {
  const trial = { seconds: 30, deadline: '2030-01-01T00:00:30.000Z' };
  const t0 = Date.parse('2030-01-01T00:00:00.000Z');
  it('counts whole seconds up, clamped to the trial', () => {
    expect(secondsLeft(trial, t0)).toBe(30);
    expect(secondsLeft(trial, t0 + 100)).toBe(30);
    expect(secondsLeft(trial, t0 + 29_001)).toBe(1);
    expect(secondsLeft(trial, t0 + 31_000)).toBe(0);
    // A clock behind the helper's never shows more than the trial's length.
    expect(secondsLeft(trial, t0 - 60_000)).toBe(30);
    expect(secondsLeft({ seconds: 15, deadline: 'garbage' }, t0)).toBe(15);
  });
});
