import { GitCompareArrows, LoaderCircle, TimerReset } from 'lucide-react';
import { useSpec } from '../model/spec-context';

/** The way to the Changes panel from every view, with the number of pending steps (or problems) on it. */
export function ChangesToggle() {
  const s = useSpec();
  const steps = s.plan?.steps.length ?? 0;
  const problems = s.issues.length;
  const run = s.run;
  const active = !!run && run.phase !== 'finished';
  const Icon = run?.phase === 'trial' ? TimerReset : active ? LoaderCircle : GitCompareArrows;
  let label = 'Changes';
  if (run?.phase === 'trial') label += ': waiting for you to keep or revert';
  else if (active) label += ': applying';
  else if (problems) label += `: ${problems} problem${problems === 1 ? '' : 's'} to fix`;
  else if (steps) label += `: ${steps} pending step${steps === 1 ? '' : 's'}`;
  return (
    <button
      type="button"
      className={`sidebar__item changes-toggle${s.panel.open ? ' is-active' : ''}`}
      aria-expanded={s.panel.open}
      aria-controls="changes-panel"
      aria-label={label}
      title={label}
      data-testid="changes-toggle"
      onClick={() => (s.panel.open ? s.closePanel() : s.openPanel())}
    >
      <Icon size={18} aria-hidden className={active && run?.phase !== 'trial' ? 'spin' : undefined} />
      <span>Changes</span>
      {problems > 0 ? (
        <span className="count-badge count-badge--error" data-testid="changes-count" data-count={problems}>
          {problems}
        </span>
      ) : (
        <span
          className={`count-badge${steps ? '' : ' count-badge--zero'}`}
          data-testid="changes-count"
          data-count={steps}
        >
          {s.planning && s.plan === undefined ? <LoaderCircle size={11} className="spin" aria-hidden /> : steps}
        </span>
      )}
    </button>
  );
}
