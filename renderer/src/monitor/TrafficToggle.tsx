import { Activity } from 'lucide-react';
import '../styles/monitor.css';

/** The graph's "show live traffic" switch, floating top left of the canvas, with the scale it draws. */
export function TrafficToggle({
  on,
  onChange,
  error,
}: {
  on: boolean;
  onChange(on: boolean): void;
  error: Error | null;
}) {
  return (
    <div className="traffic-toggle">
      <button
        type="button"
        className={`chip${on ? ' is-on' : ''}`}
        aria-pressed={on}
        onClick={() => onChange(!on)}
        data-testid="traffic-toggle"
        title={
          on
            ? 'Hide live traffic on the edges'
            : 'Show live traffic on the edges: wider and warmer is busier, red has errors or drops'
        }
      >
        <Activity size={13} aria-hidden />
        Traffic
      </button>
      {on && (
        <span className="traffic-toggle__scale" aria-hidden title="Edge width and colour by bit/s">
          <i className="traffic-swatch traffic-l1" />
          <i className="traffic-swatch traffic-l3" />
          <i className="traffic-swatch traffic-l5" />
          <span>1 k → 1 G</span>
          <i className="traffic-swatch traffic-bad" />
          <span>errors</span>
        </span>
      )}
      {on && error && (
        <span className="traffic-toggle__error" role="status">
          Live traffic unavailable: {error.message}
        </span>
      )}
    </div>
  );
}
