import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { History, Undo2 } from 'lucide-react';
import type { VersionSummary } from '../../../shared/ipc/contract';
import { useModel } from '../model/model-context';
import { specQueryKeys, useSpec } from '../model/spec-context';
import { LoadingState, ErrorState } from '../app/StatePanels';
import { RevertDialog } from './RevertDialog';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const rel = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function relativeTime(iso: string, now = Date.now()): string {
  const s = Math.round((Date.parse(iso) - now) / 1000);
  if (Math.abs(s) < 60) return rel.format(s, 'second');
  if (Math.abs(s) < 3600) return rel.format(Math.round(s / 60), 'minute');
  if (Math.abs(s) < 86400) return rel.format(Math.round(s / 3600), 'hour');
  return rel.format(Math.round(s / 86400), 'day');
}

const resultText: Record<VersionSummary['result'], string> = {
  committed: 'Kept',
  'rolled-back': 'Rolled back',
  failed: 'Failed',
  'rollback-incomplete': 'Rollback incomplete',
};

/** Every version of the selected spec, newest first, each with one-click revert (after a confirmation). */
export function HistoryTab() {
  const { api } = useModel();
  const s = useSpec();
  const spec = s.specName;
  const [reverting, setReverting] = useState<number | undefined>();
  const q = useQuery({
    queryKey: specQueryKeys.history(spec ?? ''),
    enabled: !!spec,
    queryFn: async () => (await api.invoke('history.list', { spec })).versions,
  });
  if (!spec || q.isPending) return <LoadingState text="Reading the history…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} retrying={q.isFetching} />;
  const versions = q.data;
  const current = versions.find((v) => v.result === 'committed')?.version;
  const busy = !!s.run && s.run.phase !== 'finished';
  const disabledWhy = s.privilegeBlocker ?? (busy ? 'An apply is in progress.' : undefined);
  if (versions.length === 0) {
    return (
      <div className="pending__empty" data-testid="history-empty">
        <History size={28} aria-hidden />
        <p>No versions of {spec} yet.</p>
        <p className="muted">Every apply is kept here, with who applied it, when and what happened.</p>
      </div>
    );
  }
  return (
    <div className="history">
      <ol className="history__list" aria-label={`Versions of ${spec}, newest first`}>
        {versions.map((v) => (
          <li key={v.version} className="history__item" data-testid={`history-row-${v.version}`}>
            <div className="history__line">
              <span className="history__version">v{v.version}</span>
              <span className={`result-pill result-pill--${v.result}`}>{resultText[v.result]}</span>
              {v.version === current && <span className="badge badge--current">current</span>}
              <RevertButton version={v.version} why={disabledWhy} onClick={() => setReverting(v.version)} />
            </div>
            <div className="history__meta">
              <time dateTime={v.at} title={when.format(new Date(v.at))}>
                {relativeTime(v.at)}
              </time>{' '}
              · {v.user} · {v.steps} step{v.steps === 1 ? '' : 's'}
            </div>
            {v.reason && <div className="history__reason">{v.reason}</div>}
          </li>
        ))}
        <li className="history__item history__origin" data-testid="history-row-0">
          <div className="history__line">
            <span className="history__version">v0</span>
            <span className="muted">Before version 1</span>
            <RevertButton version={0} why={disabledWhy} onClick={() => setReverting(0)} />
          </div>
          <div className="history__meta">Nothing owned by {spec}</div>
        </li>
      </ol>
      {reverting !== undefined && (
        <RevertDialog spec={spec} version={reverting} onClose={() => setReverting(undefined)} />
      )}
    </div>
  );
}

function RevertButton({ version, why, onClick }: { version: number; why: string | undefined; onClick(): void }) {
  return (
    <button
      type="button"
      className="button button--small"
      onClick={onClick}
      disabled={!!why}
      title={why ?? (version === 0 ? 'Revert to the state before version 1' : `Revert to version ${version}`)}
      aria-label={version === 0 ? 'Revert to before version 1' : `Revert to version ${version}`}
      data-testid={`history-revert-${version}`}
    >
      <Undo2 size={14} aria-hidden />
      Revert…
    </button>
  );
}
