import { useEffect, useRef, useState } from 'react';
import { Check, LoaderCircle, TimerReset, Undo2 } from 'lucide-react';
import { secondsLeft, type ApplyRun } from './apply-state';

/** "Keep these changes?" with the seconds left before the helper rolls back by itself. */
export function TrialPrompt({ run, onKeep, onRevert }: { run: ApplyRun; onKeep(): void; onRevert(): void }) {
  const trial = run.trial;
  const [now, setNow] = useState(() => Date.now());
  const keepRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, []);
  // The one thing to do now: put the keyboard on it.
  useEffect(() => keepRef.current?.focus(), []);
  if (!trial) return null;
  const left = secondsLeft(trial, now);
  const fraction = trial.seconds > 0 ? left / trial.seconds : 0;
  const answered = run.answered;
  return (
    <section className="trial" aria-labelledby="trial-title" data-testid="trial-prompt">
      <div className="trial__head">
        <TimerReset size={20} aria-hidden className="trial__icon" />
        <div>
          <h3 id="trial-title" className="trial__title">
            Keep these changes?
          </h3>
          <p className="trial__text">
            {left > 0 ? (
              <>
                They are applied and verified. Unless you keep them, they are rolled back in{' '}
                <strong className="trial__count" data-testid="countdown" aria-live="off">
                  {left}
                </strong>{' '}
                s.
              </>
            ) : (
              <>
                Time is up: rolling back <span data-testid="countdown">0</span>…
              </>
            )}
          </p>
        </div>
      </div>
      <div
        className="trial__bar"
        role="progressbar"
        aria-label="Time left to keep the changes"
        aria-valuemin={0}
        aria-valuemax={trial.seconds}
        aria-valuenow={left}
      >
        <div className="trial__fill" style={{ width: `${fraction * 100}%` }} />
      </div>
      <div className="trial__actions">
        <button
          ref={keepRef}
          type="button"
          className="button button--primary"
          data-testid="keep-button"
          onClick={onKeep}
          disabled={!!answered || left === 0}
        >
          {answered === 'keep' ? (
            <LoaderCircle size={16} className="spin" aria-hidden />
          ) : (
            <Check size={16} aria-hidden />
          )}
          {answered === 'keep' ? 'Keeping…' : 'Keep changes'}
        </button>
        <button
          type="button"
          className="button"
          data-testid="revert-button"
          onClick={onRevert}
          disabled={!!answered || left === 0}
        >
          {answered === 'revert' ? (
            <LoaderCircle size={16} className="spin" aria-hidden />
          ) : (
            <Undo2 size={16} aria-hidden />
          )}
          {answered === 'revert' ? 'Reverting…' : 'Revert now'}
        </button>
      </div>
    </section>
  );
}
