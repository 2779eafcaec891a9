import { FlaskConical, Globe, Monitor, RefreshCw, Server } from 'lucide-react';
import { useModel } from '../model/model-context';
import { SourceStatusBar } from './SourceStatusBar';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function Header({ title }: { title: string }) {
  const { info, snapshot, refresh } = useModel();
  const i = info.data;
  const takenAt = snapshot.data ? new Date(snapshot.data.state.takenAt) : undefined;
  return (
    <header className="header">
      <div className="header__title">
        <h1>{title}</h1>
        <div className="header__target">
          <Server size={14} aria-hidden />
          <span className="header__target-label" data-testid="target-label" title="Host or namespace being shown">
            {i?.targetLabel ?? (info.isError ? 'Target unknown' : 'Connecting…')}
          </span>
          {i && (
            <span
              className="badge"
              data-testid="transport"
              title={i.transport === 'electron' ? 'Desktop app (Electron IPC)' : 'Web mode (WebSocket to novanet serve)'}
            >
              {i.transport === 'electron' ? <Monitor size={12} aria-hidden /> : <Globe size={12} aria-hidden />}
              {i.transport === 'electron' ? 'Desktop' : 'Web'}
            </span>
          )}
          {i?.lab && (
            <span className="badge badge--lab" title="A throwaway lab namespace, safe to change">
              <FlaskConical size={12} aria-hidden />
              Lab
            </span>
          )}
        </div>
      </div>
      <div className="header__end">
        {snapshot.data && <SourceStatusBar state={snapshot.data.state} />}
        {takenAt && !Number.isNaN(takenAt.getTime()) && (
          <span className="header__updated" title="Updates arrive by themselves when the host changes">
            Updated <time dateTime={snapshot.data?.state.takenAt}>{timeFormat.format(takenAt)}</time>
          </span>
        )}
        <button
          type="button"
          className="icon-button"
          onClick={refresh}
          aria-label="Read the host again"
          title="Read the host again"
          data-testid="refresh-button"
        >
          <RefreshCw size={16} className={snapshot.isFetching ? 'spin' : undefined} aria-hidden />
        </button>
      </div>
    </header>
  );
}
