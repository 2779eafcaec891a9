import { useState, useSyncExternalStore } from 'react';
import { FolderOpen, LoaderCircle, Square, Trash2 } from 'lucide-react';
import { FINAL_STATES, type CaptureInfo } from '../../../shared/model/capture';
import { Dialog } from '../changes/Dialog';
import { useModel } from '../model/model-context';
import { useToasts } from '../alerts/toast-context';
import { formatDateTime, formatDuration, formatSize } from '../monitor/format';
import { useCapture } from './capture-context';

const stateLabels: Record<CaptureInfo['state'], string> = {
  starting: 'Starting',
  running: 'Running',
  stopping: 'Stopping',
  completed: 'Completed',
  failed: 'Failed',
  interrupted: 'Interrupted',
};
const endLabels = {
  count: 'packet limit reached',
  duration: 'time limit reached',
  stopped: 'stopped',
  error: 'error',
} as const;

function DeleteDialog({ capture, onClose }: { capture: CaptureInfo; onClose(): void }) {
  const { api } = useModel();
  const cap = useCapture();
  const toasts = useToasts();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const size = capture.files.reduce((s, f) => s + f.bytes, 0);
  const confirm = async () => {
    setBusy(true);
    try {
      const r = await api.invoke('capture.delete', { id: capture.id });
      cap.packets.forget(capture.id);
      if (cap.selectedId === capture.id) cap.select(null);
      cap.refresh();
      toasts.push({
        tone: 'success',
        title: 'Capture deleted',
        body: `${r.deleted.length} file${r.deleted.length === 1 ? '' : 's'} removed.`,
      });
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Delete this capture?"
      testId="capture-delete-dialog"
      onClose={onClose}
      onSubmit={() => void confirm()}
      footer={
        <>
          <button type="button" className="button" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <button type="submit" className="button button--danger" disabled={busy} data-testid="capture-delete-confirm">
            {busy ? <LoaderCircle size={15} className="spin" aria-hidden /> : <Trash2 size={15} aria-hidden />}
            Delete
          </button>
        </>
      }
    >
      <p>
        The capture on <b>{capture.interface}</b> from {formatDateTime(capture.startedAt)} and its{' '}
        {capture.files.length} file{capture.files.length === 1 ? '' : 's'} ({formatSize(size)}) are removed from disk.
        This cannot be undone.
      </p>
      {error && (
        <p role="alert" className="dialog__error">
          {error}
        </p>
      )}
    </Dialog>
  );
}

/** Every capture of this app and the CLI: its numbers, and open, stop or delete it. */
export function CaptureList() {
  const { api } = useModel();
  const cap = useCapture();
  const toasts = useToasts();
  useSyncExternalStore(cap.packets.subscribe, cap.packets.snapshot);
  const [deleting, setDeleting] = useState<CaptureInfo | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const captures = [...(cap.list.data?.captures ?? [])].sort((a, b) => b.startedAt.localeCompare(a.startedAt));

  const act = async (id: string, what: 'open' | 'stop') => {
    setPending(`${what}:${id}`);
    try {
      if (what === 'stop') await api.invoke('capture.stop', { id });
      else {
        const r = await api.invoke('capture.open', { id });
        toasts.push({
          tone: 'info',
          title: r.opened === 'wireshark' ? 'Opened in Wireshark' : 'Shown in its folder',
          body: r.path,
        });
      }
    } catch (err) {
      toasts.push({
        tone: 'error',
        title: what === 'stop' ? 'The capture could not be stopped' : 'The capture could not be opened',
        body: err instanceof Error ? err.message : String(err),
      });
    } finally {
      setPending(null);
      cap.refresh();
    }
  };

  return (
    <section className="capture-list" aria-labelledby="captures-title">
      <header className="capture-list__head">
        <h2 id="captures-title">Captures</h2>
        <span className="mon-card__meta">
          {cap.list.isPending ? 'Reading…' : `${captures.length} on disk or running`}
        </span>
      </header>
      {cap.list.isError && <p className="field-errors">The captures could not be listed: {cap.list.error.message}</p>}
      <div className="capture-list__scroll">
        <table className="mon-table capture-table" data-testid="capture-list">
          <thead>
            <tr>
              <th scope="col">State</th>
              <th scope="col">Interface</th>
              <th scope="col">Filter</th>
              <th scope="col">Started</th>
              <th scope="col" className="num">
                Duration
              </th>
              <th scope="col" className="num">
                Packets
              </th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col" className="num">
                Files
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {captures.length === 0 && !cap.list.isPending && (
              <tr>
                <td colSpan={9} className="mon-table__empty">
                  No capture yet. Start one above, or right-click an object on the Topology graph.
                </td>
              </tr>
            )}
            {captures.map((c) => {
              const live = cap.packets.progressOf(c.id);
              const state = live && !FINAL_STATES.includes(c.state) ? live.state : c.state;
              const running = !FINAL_STATES.includes(state);
              const selected = cap.selectedId === c.id;
              const size = c.files.reduce((s, f) => s + f.bytes, 0);
              return (
                <tr
                  key={c.id}
                  className={`capture-row${selected ? ' is-selected' : ''}`}
                  data-testid={`capture-row-${c.id}`}
                  data-state={state}
                  aria-selected={selected}
                  onClick={() => cap.select(c.id)}
                >
                  <td>
                    <span
                      className={`state-pill state-pill--${state}`}
                      title={c.error ?? (c.endReason ? endLabels[c.endReason] : undefined)}
                    >
                      {running && <span className="live-dot" aria-hidden />}
                      {stateLabels[state]}
                    </span>
                  </td>
                  <th scope="row">
                    <button
                      type="button"
                      className="capture-row__select"
                      aria-pressed={selected}
                      onClick={() => cap.select(c.id)}
                      title="Show its packets"
                    >
                      {c.interface}
                    </button>
                    {c.target.netns && <span className="capture-row__ns">{c.target.netns}</span>}
                  </th>
                  <td className="capture-row__filter">
                    {c.filter ? <code>{c.filter}</code> : <span className="muted">all packets</span>}
                  </td>
                  <td title={formatDateTime(c.startedAt)}>{new Date(c.startedAt).toLocaleTimeString()}</td>
                  <td className="num">
                    {formatDuration(running ? Date.now() - Date.parse(c.startedAt) : c.durationMs)}
                  </td>
                  <td className="num">{(live?.packets ?? c.packets).toLocaleString()}</td>
                  <td className="num">{formatSize(Math.max(size, live?.bytes ?? 0))}</td>
                  <td className="num" title={c.files.map((f) => f.path).join('\n')}>
                    {c.files.length}
                  </td>
                  <td className="capture-row__actions" onClick={(e) => e.stopPropagation()}>
                    {running ? (
                      <button
                        type="button"
                        className="button button--small"
                        disabled={pending !== null}
                        onClick={() => void act(c.id, 'stop')}
                        data-testid="capture-row-stop"
                      >
                        {pending === `stop:${c.id}` ? (
                          <LoaderCircle size={13} className="spin" aria-hidden />
                        ) : (
                          <Square size={12} aria-hidden />
                        )}{' '}
                        Stop
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="button button--small"
                        disabled={pending !== null || c.files.length === 0}
                        onClick={() => void act(c.id, 'open')}
                        title="Open in Wireshark when it is installed, else show the file in its folder"
                        data-testid="capture-open"
                      >
                        {pending === `open:${c.id}` ? (
                          <LoaderCircle size={13} className="spin" aria-hidden />
                        ) : (
                          <FolderOpen size={13} aria-hidden />
                        )}{' '}
                        Open
                      </button>
                    )}
                    <button
                      type="button"
                      className="icon-button icon-button--small"
                      disabled={running}
                      aria-label={`Delete the capture on ${c.interface}`}
                      title={running ? 'Stop it first' : 'Delete its files'}
                      onClick={() => setDeleting(c)}
                      data-testid="capture-delete"
                    >
                      <Trash2 size={14} aria-hidden />
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {deleting && <DeleteDialog capture={deleting} onClose={() => setDeleting(null)} />}
    </section>
  );
}
