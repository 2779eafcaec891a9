/**
 * Runs one apply at a time: starts it, follows its `apply.progress` events, answers the trial (keep or roll
 * back), and reports the finished run once.
 */
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { useMutation } from '@tanstack/react-query';
import type { NovanetApi } from '../../../shared/ipc/contract';
import type { Step } from '../../../shared/plan/operations';
import { describeError } from '../model/describe-error';
import { reduceApply, type ApplyRun } from './apply-state';
import type { SpecDoc } from './spec-doc';

/** A server error event without a verdict after this long means the apply ended without one. */
const VERDICT_GRACE_MS = 5000;
/**
 * The server accepts an answer only once it has verified the change, which takes a moment after the trial
 * starts; an answer that comes earlier is repeated until it is taken or the trial is over.
 */
const ANSWER_RETRY_MS = 400;

export interface StartArgs {
  kind: ApplyRun['kind'];
  document: SpecDoc;
  steps: Step[];
  trialSeconds: number;
  revertTo?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function useApplyRun(api: NovanetApi, onFinished: (run: ApplyRun) => void) {
  const [run, dispatch] = useReducer(reduceApply, undefined);
  const runRef = useRef(run);
  runRef.current = run;
  const finishedRef = useRef<ApplyRun | undefined>(undefined);
  const onFinishedRef = useRef(onFinished);
  onFinishedRef.current = onFinished;

  useEffect(() => api.on('apply.progress', (progress) => dispatch({ type: 'progress', progress })), [api]);

  useEffect(() => {
    if (run?.phase === 'finished' && finishedRef.current !== run) {
      finishedRef.current = run;
      onFinishedRef.current(run);
    }
  }, [run]);

  const serverError = run && run.phase !== 'finished' && run.error;
  useEffect(() => {
    if (!serverError) return;
    const t = window.setTimeout(() => dispatch({ type: 'lost', message: serverError }), VERDICT_GRACE_MS);
    return () => clearTimeout(t);
  }, [serverError]);

  const start = useMutation({
    mutationFn: (a: StartArgs) => api.invoke('apply.start', { document: a.document, trialSeconds: a.trialSeconds }),
    onMutate: (a) => {
      const spec = a.document.metadata.name;
      dispatch({
        type: 'start',
        kind: a.kind,
        spec,
        steps: a.steps,
        ...(a.revertTo !== undefined ? { revertTo: a.revertTo } : {}),
      });
    },
    onSuccess: (r) => dispatch({ type: 'started', applyId: r.applyId, steps: r.steps }),
    onError: (err) => {
      const d = describeError(err);
      dispatch({
        type: 'start-failed',
        message: d.title === 'Reading the host failed' ? d.message : `${d.title}: ${d.message}`,
      });
    },
  });

  const answer = useCallback(
    async (kind: 'keep' | 'revert') => {
      const cur = runRef.current;
      if (!cur?.applyId || cur.phase !== 'trial' || cur.answered) return;
      const applyId = cur.applyId;
      dispatch({ type: 'answer', answer: kind });
      const method = kind === 'keep' ? 'apply.confirm' : 'apply.rollback';
      try {
        for (;;) {
          const r = await api.invoke(method, { applyId });
          if (r.ok) return;
          const now = runRef.current;
          // The run moved on by itself (verification failed, or the deadline passed): nothing to answer.
          if (!now || now.applyId !== applyId || now.phase !== 'trial') return;
          if (now.trial && Date.parse(now.trial.deadline) < Date.now()) break;
          await sleep(ANSWER_RETRY_MS);
        }
        dispatch({
          type: 'answer-failed',
          message: 'The apply stopped waiting for an answer before it could be given.',
        });
      } catch (err) {
        dispatch({ type: 'answer-failed', message: `Could not send the answer: ${describeError(err).message}` });
      }
    },
    [api],
  );

  return {
    run,
    start: start.mutate,
    keep: useCallback(() => void answer('keep'), [answer]),
    rollback: useCallback(() => void answer('revert'), [answer]),
    dismiss: useCallback(() => dispatch({ type: 'dismiss' }), []),
  };
}
