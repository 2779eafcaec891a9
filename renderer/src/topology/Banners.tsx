import type { ReactNode } from 'react';
import { CircleAlert, RotateCw, TriangleAlert } from 'lucide-react';
import type { HostState } from '../../../shared/model/host-state';
import { sourceReports } from '../model/sources';
import { describeError } from '../model/describe-error';
import { WithCode } from '../app/StatePanels';

export function Banner({
  tone,
  testId,
  children,
  action,
}: {
  tone: 'warning' | 'error';
  testId: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  const Icon = tone === 'error' ? CircleAlert : TriangleAlert;
  return (
    <div className={`banner banner--${tone}`} role={tone === 'error' ? 'alert' : 'status'} data-testid={testId}>
      <Icon size={16} className="banner__icon" aria-hidden />
      <div className="banner__text">{children}</div>
      {action}
    </div>
  );
}

/** Names every source that could not be read and why; the graph below still shows the rest. */
export function PartialBanner({ state }: { state: HostState }) {
  const failed = sourceReports(state).filter((r) => r.health === 'failed');
  if (failed.length === 0) return null;
  return (
    <Banner tone="warning" testId="partial-banner">
      <strong>
        {failed.length === 1 ? 'One source could not be read' : `${failed.length} sources could not be read`}; the graph
        shows everything else.
      </strong>
      <ul className="banner__list">
        {failed.map((r) => (
          <li key={r.name} data-testid={`partial-source-${r.name}`}>
            <span className="banner__source">{r.label}:</span>{' '}
            <WithCode text={r.message ?? (r.status === 'unavailable' ? 'unavailable' : 'failed')} />
          </li>
        ))}
      </ul>
    </Banner>
  );
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A refresh failed but an older snapshot is still on screen: say so, and how old it is. */
export function StaleBanner({ error, takenAt, onRetry }: { error: unknown; takenAt: string; onRetry(): void }) {
  const d = describeError(error);
  const at = new Date(takenAt);
  return (
    <Banner
      tone="error"
      testId="stale-banner"
      action={
        <button type="button" className="button button--small" onClick={onRetry} data-testid="retry-button">
          <RotateCw size={14} aria-hidden />
          Retry
        </button>
      }
    >
      <strong>{d.title}.</strong> <WithCode text={d.message} />{' '}
      {!Number.isNaN(at.getTime()) && <>Showing the snapshot from {timeFormat.format(at)}.</>}
    </Banner>
  );
}
