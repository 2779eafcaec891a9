import { useId, useState } from 'react';
import { FileCode2, FilePlus2, GitCompareArrows, RotateCcw } from 'lucide-react';
import { useSpec } from '../model/spec-context';
import { NewSpecDialog } from './NewSpecDialog';
import { BridgeNicAction } from '../bridge-nic/BridgeNicAction';

/** Which spec is being edited, where it came from, and the actions on the whole spec. */
export function SpecBar({ yaml, onYaml }: { yaml: boolean; onYaml(on: boolean): void }) {
  const s = useSpec();
  const id = useId();
  const [creating, setCreating] = useState(false);
  const b = s.base.data;
  const steps = s.plan?.steps.length ?? 0;
  const phase = s.run?.phase;
  const source =
    phase === 'trial'
      ? 'Applied, waiting for you to keep it'
      : phase && phase !== 'finished'
        ? 'Applying…'
        : !b
          ? 'Loading…'
          : b.source === 'history'
            ? `Version ${b.version} applied`
            : 'Not applied yet';
  const sourceTitle =
    b?.source === 'host'
      ? 'No version of this spec was applied from here; it shows what the spec owns on the host now.'
      : undefined;
  return (
    <div className="spec-bar">
      <div className="spec-bar__pick">
        <label htmlFor={id} className="spec-bar__label">
          Spec
        </label>
        <select
          id={id}
          className="input"
          value={s.specName ?? ''}
          data-testid="spec-picker"
          onChange={(e) => s.selectSpec(e.target.value)}
        >
          {s.specNames.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button type="button" className="button button--small" onClick={() => setCreating(true)} data-testid="new-spec">
          <FilePlus2 size={14} aria-hidden />
          New spec…
        </button>
      </div>
      <div className="spec-bar__status" data-testid="spec-source">
        <span className="muted spec-bar__source" title={sourceTitle}>
          {source}
        </span>
        {s.dirty && (!phase || phase === 'finished') && (
          <span className="state-pill state-pill--pending">Edited, not applied</span>
        )}
      </div>
      <div className="spec-bar__actions">
        {s.dirty && (
          <button
            type="button"
            className="button button--small"
            data-testid="discard-edits"
            onClick={s.discard}
            title="Forget the edits; go back to the spec as last applied"
          >
            <RotateCcw size={14} aria-hidden />
            Discard edits
          </button>
        )}
        <BridgeNicAction label="Bridge a NIC…" className="button button--small" />
        <button
          type="button"
          className="button button--small"
          aria-pressed={yaml}
          onClick={() => onYaml(!yaml)}
          data-testid="yaml-toggle"
        >
          <FileCode2 size={14} aria-hidden />
          YAML
        </button>
        {!s.panel.open && (
          <button
            type="button"
            className={`button button--small${steps ? ' button--primary' : ''}`}
            onClick={() => s.openPanel('pending')}
            data-testid="review-changes"
          >
            <GitCompareArrows size={14} aria-hidden />
            Review {steps ? `${steps} change${steps === 1 ? '' : 's'}` : 'changes'}
          </button>
        )}
      </div>
      {creating && (
        <NewSpecDialog
          existing={s.specNames}
          onClose={() => setCreating(false)}
          onCreate={(name) => {
            s.selectSpec(name);
            setCreating(false);
          }}
        />
      )}
    </div>
  );
}
