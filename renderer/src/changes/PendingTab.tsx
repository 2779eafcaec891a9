import { CircleAlert, CircleCheck, LoaderCircle, Play, TriangleAlert } from 'lucide-react';
import { useSpec } from '../model/spec-context';
import { PlanGroups } from './PlanGroups';
import { RunView } from './RunView';

const TRIAL_CHOICES = [15, 30, 60, 120, 300];

/** The pending diff of the draft against the host, and Apply; during an apply, its progress. */
export function PendingTab() {
  const s = useSpec();
  if (s.run) return <RunView run={s.run} onKeep={s.keep} onRevert={s.rollback} onDone={s.dismissRun} />;
  const steps = s.plan?.steps ?? [];
  const drift = !s.dirty && s.base.data?.source === 'history' && steps.length > 0;
  return (
    <div className="pending">
      <div className="pending__body">
        {s.issues.length > 0 && (
          <section className="issues" aria-labelledby="issues-title" data-testid="spec-issues">
            <h3 id="issues-title" className="issues__title">
              <CircleAlert size={16} aria-hidden />
              {s.issues.length === 1 ? '1 problem to fix' : `${s.issues.length} problems to fix`}
            </h3>
            <ul>
              {s.issues.map((i, n) => (
                <li key={n}>
                  <code>{i.path}</code> {i.message}
                </li>
              ))}
            </ul>
          </section>
        )}
        {s.planError && (
          <p className="issues" role="alert">
            The changes could not be checked: {s.planError.message}
          </p>
        )}
        {drift && (
          <p className="pending__drift" data-testid="drift-note">
            <TriangleAlert size={15} aria-hidden />
            <span>
              No edits, but the host no longer matches version {s.base.data?.version} of {s.specName}. Applying brings
              it back.
            </span>
          </p>
        )}
        {(s.plan?.warnings ?? []).map((w, i) => (
          <p key={i} className="pending__drift">
            <TriangleAlert size={15} aria-hidden />
            <span>{w}</span>
          </p>
        ))}
        {steps.length > 0 && <PlanGroups steps={steps} />}
        {s.plan && steps.length === 0 && (
          <div className="pending__empty" data-testid="no-changes">
            <CircleCheck size={28} aria-hidden />
            <p>No pending changes: the host matches {s.specName}.</p>
            <p className="muted">Edit a switch in the Switches view; the steps it takes show up here.</p>
          </div>
        )}
        {s.plan === undefined && s.planning && s.issues.length === 0 && (
          <div className="pending__empty" role="status">
            <LoaderCircle size={24} className="spin" aria-hidden />
            <p>Checking the changes against the host…</p>
          </div>
        )}
      </div>
      <footer className="pending__footer">
        <div className="pending__controls">
          <label className="pending__trial">
            <span>Confirm within</span>
            <select
              value={s.trialSeconds}
              onChange={(e) => s.setTrialSeconds(Number(e.target.value))}
              data-testid="trial-seconds"
            >
              {[...new Set([...TRIAL_CHOICES, s.trialSeconds])]
                .sort((a, b) => a - b)
                .map((n) => (
                  <option key={n} value={n}>
                    {n < 60 ? `${n} s` : `${n / 60} min`}
                  </option>
                ))}
            </select>
          </label>
          <button
            type="button"
            className="button button--primary"
            onClick={s.apply}
            disabled={!!s.applyBlocker}
            aria-describedby={s.applyBlocker ? 'apply-blocker' : undefined}
            data-testid="apply-button"
          >
            {s.planning ? <LoaderCircle size={16} className="spin" aria-hidden /> : <Play size={16} aria-hidden />}
            Apply{steps.length ? ` ${steps.length} step${steps.length === 1 ? '' : 's'}` : ''}
          </button>
        </div>
        {s.applyBlocker && (
          <p id="apply-blocker" className="pending__blocker" data-testid="apply-blocker">
            {s.applyBlocker}
          </p>
        )}
      </footer>
    </div>
  );
}
