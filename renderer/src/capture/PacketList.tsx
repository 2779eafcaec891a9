import { useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { PacketSummary } from '../../../shared/model/capture';
import { useCapture } from './capture-context';

const ROW = 24;
/** Rows drawn beyond the visible ones, so fast scrolling does not show blank rows for a frame. */
const OVERSCAN = 12;

const protocolClass = (p: string) => `proto proto--${p.toLowerCase().replace(/[^a-z0-9]/g, '') || 'other'}`;

function Row({ p, t0, index }: { p: PacketSummary; t0: number; index: number }) {
  return (
    <div
      className="packet-row"
      role="row"
      aria-rowindex={index + 2}
      data-testid="packet-row"
      data-protocol={p.protocol}
      style={{ transform: `translateY(${index * ROW}px)` }}
    >
      <span role="cell" className="num">
        {p.no}
      </span>
      <span role="cell" className="num">
        {(p.time - t0).toFixed(6)}
      </span>
      <span role="cell" className="packet-row__addr" title={p.src}>
        {p.src}
      </span>
      <span role="cell" className="packet-row__addr" title={p.dst}>
        {p.dst}
      </span>
      <span role="cell">
        <span className={protocolClass(p.protocol)}>{p.protocol}</span>
      </span>
      <span role="cell" className="num">
        {p.length}
      </span>
      <span role="cell" className="packet-row__info" title={p.summary}>
        {p.summary}
      </span>
    </div>
  );
}

/**
 * The live packet list of the selected capture: only the rows in view are in the DOM (the list holds up to 5000),
 * and it follows the newest packet unless the user scrolled up to read.
 */
export function PacketList({ startedAt, finished }: { startedAt?: string; finished?: boolean }) {
  const { packets, selectedId } = useCapture();
  useSyncExternalStore(packets.subscribe, packets.snapshot);
  const view = packets.view(selectedId);
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(300);
  const follow = useRef(true);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    follow.current = true;
  }, [selectedId]);
  useLayoutEffect(() => {
    const el = box.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [view.rows.length]);

  const rows = view.rows;
  const t0 = startedAt ? Date.parse(startedAt) / 1000 : (rows[0]?.time ?? 0);
  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);
  const visible = [];
  for (let i = first; i < last; i++) visible.push(<Row key={rows[i]!.no} p={rows[i]!} t0={t0} index={i} />);

  return (
    <div className="packets" role="table" aria-label="Captured packets" aria-rowcount={rows.length + 1}>
      <div className="packet-row packet-row--head" role="row" aria-rowindex={1}>
        <span role="columnheader" className="num">
          No.
        </span>
        <span role="columnheader" className="num">
          Time (s)
        </span>
        <span role="columnheader">Source</span>
        <span role="columnheader">Destination</span>
        <span role="columnheader">Protocol</span>
        <span role="columnheader" className="num">
          Length
        </span>
        <span role="columnheader">Info</span>
      </div>
      <div
        className="packets__body"
        ref={box}
        tabIndex={0}
        aria-label="Packet rows (scroll with the arrow keys)"
        data-testid="packet-list"
        data-count={rows.length}
        onScroll={(e) => {
          const el = e.currentTarget;
          setScrollTop(el.scrollTop);
          follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW;
        }}
      >
        <div className="packets__spacer" style={{ height: rows.length * ROW }}>
          {visible}
        </div>
        {rows.length === 0 && (
          <p className="packets__empty">
            {!selectedId
              ? 'Start a capture, or pick one in the list below, to see its packets.'
              : finished
                ? 'The live list holds what arrived while this window was open. Open the file to see every packet.'
                : 'No packet yet. Packets appear here as they are captured.'}
          </p>
        )}
      </div>
      {(view.omitted > 0 || view.trimmed > 0) && (
        <p className="packets__note" data-testid="packets-omitted">
          {view.omitted > 0 &&
            `${view.omitted.toLocaleString()} packets were captured but not listed here (the live list is limited to 200 a second). `}
          {view.trimmed > 0 && `The oldest ${view.trimmed.toLocaleString()} rows left the list. `}
          All of them are in the file.
        </p>
      )}
    </div>
  );
}
