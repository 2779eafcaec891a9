import { useEffect, useRef } from 'react';
import { CircleAlert, CircleCheck, TriangleAlert, Undo2 } from 'lucide-react';
import type { ApplyRun } from './apply-state';
import { WithCode } from '../app/StatePanels';

/** The helper's and server's reasons, in the words of the person who was asked. */
function reasonText(reason: string | undefined, answered?: 'keep' | 'revert'): string | undefined {
  if (!reason) return undefined;
  if (reason === 'not confirmed in time') return 'Nobody kept the changes before the time ran out.';
  if (reason === 'not confirmed' && answered === 'revert') return 'Rolled back as you asked.';
  return reason.charAt(0).toUpperCase() + reason.slice(1);
}

/** The verdict of a finished apply, with the one action left: back to the pending changes. */
export function ApplyResult({ run, onDone }: { run: ApplyRun; onDone(): void }) {
  const doneRef = useRef<HTMLButtonElement>(null);
  useEffect(() => doneRef.current?.focus(), []);
  const o = run.outcome;
  const what = run.kind === 'revert' ? `Revert to version ${run.revertTo}` : 'Changes';
  let tone: 'ok' | 'warn' | 'error' = 'error';
  let title: string;
  let body: string | undefined;
  if (o?.result === 'committed') {
    tone = 'ok';
    title = run.kind === 'revert' ? `Reverted to version ${run.revertTo}` : 'Changes kept';
    body = `Saved as version ${o.version} of ${run.spec}.`;
  } else if (o?.result === 'rolled-back') {
    tone = 'warn';
    title = `${what} rolled back`;
    body = reasonText(o.reason, run.answered) ?? 'The host is as it was before.';
  } else if (o?.result === 'failed') {
    title = `${what} failed; the host was restored`;
    body = reasonText(o.reason ?? run.error);
  } else if (o?.result === 'rollback-incomplete') {
    title = 'Rollback incomplete: check the host';
    body = `${reasonText(o.reason) ?? 'Some steps could not be undone.'} The helper finishes an interrupted rollback on its next start; \`novanet history --spec ${run.spec}\` shows what was recorded.`;
  } else {
    title = run.kind === 'revert' ? 'The revert could not run' : 'The changes could not be applied';
    body = run.error;
  }
  const Icon =
    tone === 'ok'
      ? CircleCheck
      : tone === 'warn'
        ? Undo2
        : o?.result === 'rollback-incomplete'
          ? TriangleAlert
          : CircleAlert;
  return (
    <section
      className={`result result--${tone}`}
      data-testid="apply-result"
      data-result={o?.result ?? 'error'}
      role="status"
    >
      <Icon size={20} aria-hidden className="result__icon" />
      <div className="result__text">
        <h3 className="result__title">{title}</h3>
        {body && (
          <p className="result__body">
            <WithCode text={body} />
          </p>
        )}
      </div>
      <button ref={doneRef} type="button" className="button button--small" onClick={onDone} data-testid="result-done">
        Done
      </button>
    </section>
  );
}
