import { LoaderCircle } from 'lucide-react';
import type { ApplyRun, ApplyPhase } from './apply-state';
import { PlanGroups } from './PlanGroups';
import { TrialPrompt } from './TrialPrompt';
import { ApplyResult } from './ApplyResult';
import { commandText } from './StepRow';

const phaseText: Record<Exclude<ApplyPhase, 'trial' | 'finished'>, string> = {
  starting: 'Starting the privileged helper…',
  applying: 'Applying…',
  verifying: 'Verifying the host…',
  committing: 'Keeping the changes…',
  'rolling-back': 'Rolling back…',
};

/** One apply from start to verdict: what runs now, the trial, the result, and every command the helper ran. */
export function RunView({
  run,
  onKeep,
  onRevert,
  onDone,
}: {
  run: ApplyRun;
  onKeep(): void;
  onRevert(): void;
  onDone(): void;
}) {
  const total = run.steps.length;
  const done = run.status.filter((s) => s === 'done').length;
  const phase = run.phase;
  const busy = phase !== 'trial' && phase !== 'finished';
  return (
    <div className="run" data-testid="apply-run" data-phase={run.phase}>
      {busy && (
        <div className="run__status" role="status">
          <LoaderCircle size={16} className="spin" aria-hidden />
          <span>
            {phase === 'applying' ? `Applying: ${done} of ${total} steps done` : busy ? phaseText[phase] : ''}
          </span>
          <progress className="run__progress" max={total || 1} value={done} aria-label="Steps done" />
        </div>
      )}
      {run.phase === 'trial' && <TrialPrompt run={run} onKeep={onKeep} onRevert={onRevert} />}
      {run.phase === 'finished' && <ApplyResult run={run} onDone={onDone} />}
      {run.serverSteps !== undefined && run.serverSteps !== total && (
        <p className="run__note">
          The host changed after this preview: the apply runs {run.serverSteps} steps. Statuses follow the helper&apos;s
          step numbers.
        </p>
      )}
      {run.notes.length > 0 && (
        <ul className="run__notes">
          {run.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      <h3 className="changes__subtitle">{run.kind === 'revert' ? `Revert to version ${run.revertTo}` : 'Steps'}</h3>
      <PlanGroups steps={run.steps} status={run.status} messages={run.stepMessages} />
      {run.commands.length > 0 && (
        <details className="run__commands">
          <summary>Commands run ({run.commands.length})</summary>
          <ol>
            {run.commands.map((c, i) => (
              <li key={i} className={c.exitCode === 0 ? undefined : 'is-failed'}>
                <code>{commandText(c.argv)}</code> <span className="run__exit">exit {c.exitCode}</span>
                {c.stderr && <pre className="run__stderr">{c.stderr}</pre>}
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}
