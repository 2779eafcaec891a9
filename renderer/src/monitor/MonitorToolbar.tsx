import { FileDown, ImageDown, LoaderCircle, Pause, Play } from 'lucide-react';
import { statsRanges, type StatsRange } from '../../../shared/model/stats';
import { formatClock, unitLabel, type RateUnit } from './format';

const rangeLabels: Record<StatsRange, { short: string; long: string }> = {
  '5m': { short: '5 min', long: 'Last 5 minutes, live (1 s steps)' },
  '1h': { short: '1 h', long: 'Last hour (10 s steps)' },
  '24h': { short: '24 h', long: 'Last 24 hours (from 10 s steps)' },
  '7d': { short: '7 d', long: 'Last 7 days (from 1 min steps)' },
};

interface Props {
  range: StatsRange;
  onRange(r: StatsRange): void;
  unit: RateUnit;
  onUnit(u: RateUnit): void;
  paused: boolean;
  onPause(p: boolean): void;
  lastAt: number | null;
  canExport: boolean;
  exporting: 'csv' | 'png' | null;
  onExportCsv(): void;
  onExportPng(): void;
}

export function MonitorToolbar(p: Props) {
  const live = p.range === '5m';
  return (
    <div className="mon-toolbar" role="toolbar" aria-label="Chart options">
      <div className="segmented" role="group" aria-label="Time range">
        {statsRanges.map((r) => (
          <button
            key={r}
            type="button"
            aria-pressed={p.range === r}
            title={rangeLabels[r].long}
            data-testid={`range-${r}`}
            onClick={() => p.onRange(r)}
          >
            {rangeLabels[r].short}
          </button>
        ))}
      </div>
      <button
        type="button"
        className="button button--small units-toggle"
        data-testid="units-toggle"
        data-unit={p.unit}
        title={`Showing ${p.unit === 'bits' ? 'bits' : 'bytes'} per second; press for ${p.unit === 'bits' ? 'bytes' : 'bits'}`}
        aria-label={`Units: ${unitLabel(p.unit)}. Switch to ${unitLabel(p.unit === 'bits' ? 'bytes' : 'bits')}`}
        onClick={() => p.onUnit(p.unit === 'bits' ? 'bytes' : 'bits')}
      >
        <span className={p.unit === 'bits' ? 'is-on' : undefined}>bit/s</span>
        <span className={p.unit === 'bytes' ? 'is-on' : undefined}>B/s</span>
      </button>
      {live && (
        <button
          type="button"
          className="button button--small"
          aria-pressed={p.paused}
          onClick={() => p.onPause(!p.paused)}
          data-testid="pause-toggle"
          title={p.paused ? 'Resume the live charts' : 'Hold the charts still (hovering one chart holds it too)'}
        >
          {p.paused ? <Play size={14} aria-hidden /> : <Pause size={14} aria-hidden />}
          {p.paused ? 'Resume' : 'Pause'}
        </button>
      )}
      <span className="mon-toolbar__status" role="status" data-testid="monitor-status">
        {live ? (
          <>
            <span className={`live-dot${p.paused ? ' is-paused' : p.lastAt ? '' : ' is-waiting'}`} aria-hidden />
            {p.paused ? 'Paused' : p.lastAt ? `Live · ${formatClock(p.lastAt)}` : 'Connecting…'}
          </>
        ) : (
          rangeLabels[p.range].long
        )}
      </span>
      <span className="mon-toolbar__spacer" />
      <button
        type="button"
        className="button button--small"
        onClick={p.onExportCsv}
        disabled={!p.canExport || p.exporting !== null}
        data-testid="export-csv"
        title="Save the charted data as CSV"
      >
        {p.exporting === 'csv' ? (
          <LoaderCircle size={14} className="spin" aria-hidden />
        ) : (
          <FileDown size={14} aria-hidden />
        )}
        CSV
      </button>
      <button
        type="button"
        className="button button--small"
        onClick={p.onExportPng}
        disabled={!p.canExport || p.exporting !== null}
        data-testid="export-png"
        title="Save the charts as a PNG image"
      >
        {p.exporting === 'png' ? (
          <LoaderCircle size={14} className="spin" aria-hidden />
        ) : (
          <ImageDown size={14} aria-hidden />
        )}
        PNG
      </button>
    </div>
  );
}
