import { useEffect, useState, type ReactNode } from 'react';
import { CircleAlert, LoaderCircle, RotateCw, Unplug } from 'lucide-react';
import { describeError } from '../model/describe-error';

/** Quick answers should not flash a spinner, so it appears only after this long. */
const LOADING_DELAY_MS = 300;

/** Renders `backticked` parts of a message as code, so commands in hints read as commands. */
export function WithCode({ text }: { text: string }) {
  return (
    <>
      {text.split('`').map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}
    </>
  );
}

export function LoadingState({ text }: { text: string }) {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const t = window.setTimeout(() => setVisible(true), LOADING_DELAY_MS);
    return () => clearTimeout(t);
  }, []);
  return (
    <div className="state" aria-busy="true" data-testid="state-loading" data-visible={visible}>
      {visible && (
        <div className="state__card" role="status">
          <LoaderCircle className="spin state__icon" size={32} aria-hidden />
          <p className="state__title">{text}</p>
        </div>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="state" data-testid="state-empty">
      <div className="state__card">
        <Unplug className="state__icon" size={36} aria-hidden />
        <h2 className="state__title">{title}</h2>
        <div className="state__body">{children}</div>
      </div>
    </div>
  );
}

export function ErrorState({ error, onRetry, retrying }: { error: unknown; onRetry(): void; retrying: boolean }) {
  const d = describeError(error);
  return (
    <div className="state" data-testid="state-error">
      <div className="state__card state__card--error" role="alert">
        <CircleAlert className="state__icon" size={36} aria-hidden />
        <h2 className="state__title">{d.title}</h2>
        <p className="state__message" data-testid="error-message">
          <WithCode text={d.message} />
        </p>
        {d.hint && (
          <p className="state__body">
            <WithCode text={d.hint} />
          </p>
        )}
        <button type="button" className="button button--primary" onClick={onRetry} disabled={retrying} data-testid="retry-button">
          <RotateCw size={16} className={retrying ? 'spin' : undefined} aria-hidden />
          {retrying ? 'Retrying…' : 'Retry'}
        </button>
      </div>
    </div>
  );
}
