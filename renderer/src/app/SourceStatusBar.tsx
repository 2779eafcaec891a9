import { CircleAlert, CircleCheck, CircleMinus } from 'lucide-react';
import type { HostState } from '../../../shared/model/host-state';
import { describeSource, sourceReports, type SourceHealth } from '../model/sources';

const icons: Record<SourceHealth, typeof CircleCheck> = { ok: CircleCheck, failed: CircleAlert, neutral: CircleMinus };

/** One compact indicator per discovery source; the full reason is in the tooltip and in the partial banner. */
export function SourceStatusBar({ state }: { state: HostState }) {
  const reports = sourceReports(state);
  return (
    <ul className="sources" aria-label="Discovery sources">
      {reports.map((r) => {
        const Icon = icons[r.health];
        const text = describeSource(r);
        return (
          <li
            key={r.name}
            className={`source source--${r.health}`}
            data-testid={`source-status-${r.name}`}
            data-status={r.status}
            title={text}
          >
            <Icon size={14} aria-hidden />
            <span className="source__label">{r.label}</span>
            <span className="visually-hidden">{r.health === 'ok' ? ', ok' : `: ${r.message ?? r.status}`}</span>
          </li>
        );
      })}
    </ul>
  );
}
