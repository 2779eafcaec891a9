import { useSyncExternalStore } from 'react';
import { FINAL_STATES } from '../../../shared/model/capture';
import { formatSize } from '../monitor/format';
import { useCapture } from './capture-context';
import { CaptureForm } from './CaptureForm';
import { CaptureList } from './CaptureList';
import { PacketList } from './PacketList';
import '../styles/capture.css';

/** Capture: a Wireshark-style capture dialog beside the live packet list, and the captures on disk below. */
export function CaptureView() {
  const cap = useCapture();
  useSyncExternalStore(cap.packets.subscribe, cap.packets.snapshot);
  const selected = cap.list.data?.captures.find((c) => c.id === cap.selectedId);
  const live = selected ? cap.packets.progressOf(selected.id) : undefined;
  const state = selected ? (live && !FINAL_STATES.includes(selected.state) ? live.state : selected.state) : undefined;
  // Progress events come less often than packet batches: the newest listed packet's number may be ahead.
  const rows = cap.packets.view(selected?.id ?? null).rows;
  const packets = Math.max(live?.packets ?? selected?.packets ?? 0, rows[rows.length - 1]?.no ?? 0);
  return (
    <div className="capture" data-testid="capture-view">
      <CaptureForm />
      <div className="capture__main">
        <section className="capture__packets" aria-labelledby="packets-title">
          <header className="capture__packets-head">
            <h2 id="packets-title">Packets</h2>
            {selected ? (
              <span className="capture__summary" data-testid="capture-summary" data-state={state}>
                <span className={`state-pill state-pill--${state}`}>{state}</span>
                <b>{selected.interface}</b>
                {selected.filter && <code>{selected.filter}</code>}
                <span>{packets.toLocaleString()} packets</span>
                <span>{formatSize(live?.bytes ?? selected.bytes)}</span>
                {selected.dropped ? <span className="is-bad">{selected.dropped} dropped by the kernel</span> : null}
                {selected.error && <span className="is-bad">{selected.error}</span>}
              </span>
            ) : (
              <span className="mon-card__meta">no capture selected</span>
            )}
          </header>
          <PacketList startedAt={selected?.startedAt} finished={!!state && FINAL_STATES.includes(state)} />
        </section>
        <CaptureList />
      </div>
    </div>
  );
}
