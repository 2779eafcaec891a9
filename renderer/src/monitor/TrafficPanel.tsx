import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useModel } from '../model/model-context';
import { useToasts } from '../alerts/toast-context';
import { useOptionalCapture } from '../capture/capture-context';
import { chartsToCsv } from './csv';
import { chartsToPng, download, fileStamp } from './export-png';
import { ErrorsPanel } from './ErrorsPanel';
import { MonitorToolbar } from './MonitorToolbar';
import { SeriesChart } from './SeriesChart';
import { SeriesPicker } from './SeriesPicker';
import { TopTalkers } from './TopTalkers';
import { useChartData } from './use-chart-data';
import { useMonitorPrefs } from './use-monitor-prefs';
import { useOverview } from './use-overview';
import { seriesByKey, useSeriesList } from './use-series-list';
import { lastValue } from './series-store';

const noKeys: string[] = [];

/** Charts of the picked series, the busiest series now, and where errors and drops happen. */
export function TrafficPanel({ active }: { active: boolean }) {
  const { targetKey, info } = useModel();
  const toasts = useToasts();
  const list = useSeriesList();
  const series = list.data?.series;
  const byKey = useMemo(() => seriesByKey(series), [series]);
  const prefs = useMonitorPrefs(targetKey, series);
  // Series that left the host (a VM shut down) keep their place in the saved choice but get no chart.
  const keys = useMemo(
    () => (prefs.keys && series ? prefs.keys.filter((k) => byKey.has(k)) : noKeys),
    [prefs.keys, series, byKey],
  );
  const charted = useMemo(() => new Set(keys), [keys]);
  const chart = useChartData(keys, prefs.range);
  const overview = useOverview(true);
  const [paused, setPaused] = useState(false);
  const [exporting, setExporting] = useState<'csv' | 'png' | null>(null);
  const grid = useRef<HTMLDivElement>(null);
  // The capture model changes with every packet: charts get a stable callback, not the model.
  const capture = useOptionalCapture();
  const captureRef = useRef(capture);
  useLayoutEffect(() => {
    captureRef.current = capture;
  });
  const onCapture = useCallback((nodeId: string, label: string) => captureRef.current?.captureNode(nodeId, label), []);

  const lastAt = useMemo(() => {
    let newest = 0;
    for (const pts of chart.data.values()) newest = Math.max(newest, lastValue(pts)?.t ?? 0);
    return newest || null;
  }, [chart.data]);

  const title = `NovaNet traffic on ${info.data?.targetLabel ?? 'this host'}`;
  const exportCsv = useCallback(() => {
    setExporting('csv');
    try {
      const csv = chartsToCsv(
        keys.map((k) => ({ key: k, label: byKey.get(k)?.label ?? k, points: chart.data.get(k) ?? [] })),
        prefs.unit,
      );
      download(`novanet-traffic-${fileStamp()}.csv`, new Blob([csv], { type: 'text/csv' }));
    } finally {
      setExporting(null);
    }
  }, [keys, byKey, chart.data, prefs.unit]);
  const exportPng = useCallback(async () => {
    if (!grid.current) return;
    setExporting('png');
    try {
      download(`novanet-traffic-${fileStamp()}.png`, await chartsToPng(grid.current, title));
    } catch (err) {
      toasts.push({
        tone: 'error',
        title: 'The PNG could not be made',
        body: err instanceof Error ? err.message : String(err),
      });
    } finally {
      setExporting(null);
    }
  }, [title, toasts]);

  return (
    <div className="traffic">
      <MonitorToolbar
        range={prefs.range}
        onRange={prefs.setRange}
        unit={prefs.unit}
        onUnit={prefs.setUnit}
        paused={paused}
        onPause={setPaused}
        lastAt={lastAt}
        canExport={keys.length > 0}
        exporting={exporting}
        onExportCsv={exportCsv}
        onExportPng={() => void exportPng()}
      />
      <div className="traffic__body">
        <SeriesPicker series={series ?? []} selected={keys} onToggle={prefs.toggle} onClear={prefs.clear} />
        <div className="traffic__main">
          {list.isError && <p className="banner banner--error">The series could not be read: {list.error.message}</p>}
          {chart.error && (
            <p className="banner banner--error">Live statistics are unavailable: {chart.error.message}</p>
          )}
          {keys.length === 0 ? (
            <div className="traffic__empty" data-testid="charts-empty">
              <p className="traffic__empty-title">{list.isPending ? 'Reading the series…' : 'No chart yet'}</p>
              {!list.isPending && (
                <p>Pick interfaces, VMs, port groups or switches on the left, or chart a row of Top talkers.</p>
              )}
            </div>
          ) : (
            <div className="chart-grid" ref={grid} data-testid="chart-grid">
              {keys.map((k) => (
                <SeriesChart
                  key={k}
                  seriesKey={k}
                  info={byKey.get(k)}
                  points={chart.data.get(k) ?? []}
                  unit={prefs.unit}
                  range={prefs.range}
                  paused={(paused && prefs.range === '5m') || !active}
                  loading={chart.loading}
                  onRemove={prefs.toggle}
                  onCapture={capture ? onCapture : undefined}
                />
              ))}
            </div>
          )}
          <div className="traffic__tables">
            <TopTalkers
              latest={overview.latest}
              series={byKey}
              unit={prefs.unit}
              charted={charted}
              onToggleChart={prefs.toggle}
            />
            <ErrorsPanel
              tallies={overview.errors}
              latest={overview.latest}
              series={byKey}
              ready={overview.at !== null}
            />
          </div>
        </div>
      </div>
    </div>
  );
}
