import { memo, useMemo, useState } from 'react';
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Pause, Radar, X } from 'lucide-react';
import type { SeriesInfo, StatsRange } from '../../../shared/model/stats';
import {
  formatAxisTick,
  formatAxisTime,
  formatDateTime,
  formatRate,
  niceScale,
  timeTicks,
  type RateUnit,
} from './format';
import { LIVE_SPAN_MS, lastValue, type RatePoint } from './series-store';
import { seriesKindSingular } from './use-series-list';
import { useFramePaced } from './use-frame-paced';
import { SeriesIcon } from './SeriesIcon';

type Pick = (p: RatePoint) => number | null;
// Module-level so Recharts sees the same accessor every render (a new function would redraw every path).
const accessors: Record<RateUnit, { rx: Pick; tx: Pick }> = {
  bits: { rx: (p) => p.rxBps, tx: (p) => p.txBps },
  bytes: { rx: (p) => (p.rxBps === null ? null : p.rxBps / 8), tx: (p) => (p.txBps === null ? null : p.txBps / 8) },
};
const chartMargin = { top: 6, right: 10, bottom: 0, left: 0 };
const axisTick = { fontSize: 10.5, fill: 'var(--nn-text-muted)' };
const activeDot = { r: 3, strokeWidth: 0 };
/** An idle series is drawn against 1 kbit/s (125 B/s). */
const yFloor: Record<RateUnit, number> = { bits: 1000, bytes: 125 };

interface TooltipProps {
  active?: boolean;
  payload?: readonly { payload?: RatePoint }[];
  unit: RateUnit;
}
function ChartTooltip({ active, payload, unit }: TooltipProps) {
  const p = payload?.[0]?.payload;
  if (!active || !p) return null;
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip__time">{formatDateTime(p.t)}</div>
      <div>
        <i className="swatch swatch--rx" aria-hidden /> Receive <b>{formatRate(p.rxBps, unit)}</b>
      </div>
      <div>
        <i className="swatch swatch--tx" aria-hidden /> Transmit <b>{formatRate(p.txBps, unit)}</b>
      </div>
    </div>
  );
}

interface PlotProps {
  points: readonly RatePoint[];
  unit: RateUnit;
  range: StatsRange;
  domain: [number, number];
}

/** The Recharts tree, memoised: it is reconciled only when the frame-paced props change. */
const ChartBody = memo(function ChartBody({ points, unit, range, domain }: PlotProps) {
  const acc = accessors[unit];
  const tooltip = useMemo(() => <ChartTooltip unit={unit} />, [unit]);
  const ticks = useMemo(() => timeTicks(domain[0], domain[1], range), [domain, range]);
  const y = useMemo(() => {
    let max = 0;
    for (const p of points) {
      if (p.t < domain[0]) continue;
      max = Math.max(max, acc.rx(p) ?? 0, acc.tx(p) ?? 0);
    }
    return niceScale(max, yFloor[unit]);
  }, [points, domain, acc, unit]);
  return (
    <ResponsiveContainer width="100%" height="100%" minWidth={0} initialDimension={{ width: 400, height: 150 }}>
      <AreaChart data={points as RatePoint[]} margin={chartMargin}>
        <CartesianGrid vertical={false} stroke="var(--nn-chart-grid)" />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={domain}
          ticks={ticks}
          allowDataOverflow
          tickFormatter={(t: number) => formatAxisTime(t, range)}
          tick={axisTick}
          minTickGap={48}
          stroke="var(--nn-border-strong)"
          tickLine={false}
        />
        <YAxis
          width={52}
          tickFormatter={(v: number) => formatAxisTick(v, unit)}
          tick={axisTick}
          domain={[0, y.top]}
          ticks={y.ticks}
          interval={0}
          stroke="var(--nn-border-strong)"
          tickLine={false}
          axisLine={false}
        />
        <Tooltip content={tooltip} isAnimationActive={false} cursor={{ stroke: 'var(--nn-border-strong)' }} />
        <Area
          dataKey={acc.rx}
          name="Receive"
          type="linear"
          stroke="var(--nn-chart-rx)"
          fill="var(--nn-chart-rx)"
          fillOpacity={0.16}
          strokeWidth={1.6}
          dot={false}
          activeDot={activeDot}
          isAnimationActive={false}
        />
        <Area
          dataKey={acc.tx}
          name="Transmit"
          type="linear"
          stroke="var(--nn-chart-tx)"
          fill="var(--nn-chart-tx)"
          fillOpacity={0.1}
          strokeWidth={1.6}
          dot={false}
          activeDot={activeDot}
          isAnimationActive={false}
        />
      </AreaChart>
    </ResponsiveContainer>
  );
});

/**
 * A chart's plot, taking new data frame-paced (see use-frame-paced.ts) so 20 charts do not all redraw in one
 * frame; while it waits, the memoised body above is not even reconciled.
 */
const ChartPlot = memo(function ChartPlot(props: PlotProps) {
  return <ChartBody {...useFramePaced(props)} />;
});

interface ChartProps {
  seriesKey: string;
  info: SeriesInfo | undefined;
  points: readonly RatePoint[];
  unit: RateUnit;
  range: StatsRange;
  /** The toolbar's pause: every chart holds still. */
  paused: boolean;
  loading: boolean;
  onRemove(key: string): void;
  /** Opens the capture form on the series' graph object (a port group, a VM NIC, an interface). */
  onCapture?(nodeId: string, label: string): void;
}

/** One series: receive and transmit over the chosen range; the pointer over it holds it still. */
export const SeriesChart = memo(function SeriesChart(p: ChartProps) {
  const [held, setHeld] = useState<readonly RatePoint[] | null>(null);
  const [pausedAt, setPausedAt] = useState<readonly RatePoint[] | null>(null);
  // The toolbar pause keeps what was on screen when it was pressed; hover does the same for one chart.
  if (p.paused && pausedAt === null) setPausedAt(p.points);
  if (!p.paused && pausedAt !== null) setPausedAt(null);
  const shown = held ?? pausedAt ?? p.points;
  const last = lastValue(shown);
  const domain = useMemo<[number, number]>(() => {
    const lastT = shown[shown.length - 1]?.t ?? Date.now();
    return p.range === '5m' ? [lastT - LIVE_SPAN_MS, lastT] : [shown[0]?.t ?? lastT - 1, lastT];
  }, [shown, p.range]);
  const label = p.info?.label ?? p.seriesKey;
  const kind = p.info?.kind;
  const still = held !== null || pausedAt !== null;
  return (
    <article
      className={`chart-card${still ? ' is-held' : ''}`}
      data-testid={`chart-${p.seriesKey}`}
      data-rx={last?.rxBps ?? ''}
      data-tx={last?.txBps ?? ''}
      data-points={shown.length}
      data-last-at={last?.t ?? ''}
      aria-label={`${label}: receive ${formatRate(last?.rxBps, p.unit)}, transmit ${formatRate(last?.txBps, p.unit)}`}
      onPointerEnter={() => setHeld(p.points)}
      onPointerLeave={() => setHeld(null)}
    >
      <header className="chart-card__head">
        {kind && <SeriesIcon kind={kind} />}
        <h3
          className="chart-card__title"
          title={p.info?.members.length ? `${label}: ${p.info.members.join(', ')}` : label}
        >
          {label}
        </h3>
        {kind && <span className="chart-card__kind">{seriesKindSingular[kind]}</span>}
        {still && (
          <span className="chart-card__held" title="Updates resume when the pointer leaves the chart">
            <Pause size={11} aria-hidden /> Paused
          </span>
        )}
        <span className="chart-card__now" data-testid="chart-now">
          <span title="Receive">
            <i className="swatch swatch--rx" aria-hidden />
            <span className="chart-card__dir">Rx</span>
            <span className="chart-card__val">{formatRate(last?.rxBps, p.unit)}</span>
          </span>
          <span title="Transmit">
            <i className="swatch swatch--tx" aria-hidden />
            <span className="chart-card__dir">Tx</span>
            <span className="chart-card__val">{formatRate(last?.txBps, p.unit)}</span>
          </span>
        </span>
        {p.onCapture && p.info?.nodeId && (
          <button
            type="button"
            className="icon-button icon-button--small"
            aria-label={`Capture on ${label}`}
            title="Capture here…"
            data-testid="chart-capture"
            onClick={() =>
              p.onCapture?.(p.info?.nodeId as string, `${label} (${kind ? seriesKindSingular[kind] : 'series'})`)
            }
          >
            <Radar size={14} aria-hidden />
          </button>
        )}
        <button
          type="button"
          className="icon-button icon-button--small"
          aria-label={`Remove the chart of ${label}`}
          title="Remove chart"
          onClick={() => p.onRemove(p.seriesKey)}
        >
          <X size={14} aria-hidden />
        </button>
      </header>
      <div className="chart-card__plot">
        {shown.length === 0 ? (
          <p className="chart-card__empty">{p.loading ? 'Loading history…' : 'Waiting for the first sample…'}</p>
        ) : (
          <ChartPlot points={shown} unit={p.unit} range={p.range} domain={domain} />
        )}
      </div>
    </article>
  );
});
