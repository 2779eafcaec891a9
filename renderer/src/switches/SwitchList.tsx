import type { KeyboardEvent } from 'react';
import { Network, Plus, Undo2 } from 'lucide-react';
import type { HostState } from '../../../shared/model/host-state';
import type { Plan } from '../../../shared/plan/operations';
import type { SpecIssue } from '../../../shared/spec/validate';
import type { SwitchDoc } from '../changes/spec-doc';
import { issuesAt } from './spec-edit';
import { ProblemMark } from './fields';

interface Row {
  sw: SwitchDoc;
  index: number;
}

/** What the host says about a switch, or that it does not exist yet. */
export function hostStateOf(
  sw: SwitchDoc,
  state: HostState | undefined,
): { text: string; tone: 'up' | 'down' | 'new' } {
  const type = sw.type ?? 'linux';
  const link = state?.links.find((l) => l.name === sw.name);
  const exists = type === 'ovs' ? state?.ovsBridges.some((b) => b.name === sw.name) : link?.kind === 'bridge';
  if (!exists) return { text: 'New', tone: 'new' };
  if (!link || !link.adminUp) return { text: 'Down', tone: 'down' };
  return {
    text: link.operState === 'up' || link.operState === 'unknown' ? 'Up' : link.operState,
    tone: link.operState === 'down' ? 'down' : 'up',
  };
}

export function SwitchList({
  switches,
  removed,
  selected,
  state,
  plan,
  issues,
  onSelect,
  onAdd,
  onRestore,
}: {
  switches: SwitchDoc[];
  removed: SwitchDoc[];
  selected: number;
  state: HostState | undefined;
  plan: Plan | null | undefined;
  issues: SpecIssue[];
  onSelect(i: number): void;
  onAdd(): void;
  onRestore(sw: SwitchDoc): void;
}) {
  const rows: Row[] = switches.map((sw, index) => ({ sw, index }));
  const pending = (name: string) => plan?.steps.filter((s) => s.object === `switch ${name}`).length ?? 0;
  const onKey = (e: KeyboardEvent, i: number) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect(i);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(switches.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)));
      onSelect(next);
      document.querySelector<HTMLElement>(`[data-switch-index="${next}"]`)?.focus();
    }
  };
  return (
    <section className="switch-list" aria-labelledby="switch-list-title">
      <div className="switch-list__head">
        <h2 id="switch-list-title">Switches</h2>
        <button type="button" className="button button--small" onClick={onAdd} data-testid="add-switch">
          <Plus size={14} aria-hidden />
          Add switch
        </button>
      </div>
      {rows.length === 0 && removed.length === 0 ? (
        <p className="switch-list__empty">No switches in this spec yet.</p>
      ) : (
        <table className="switch-table" role="grid" aria-readonly="true" aria-label="Switches of this spec">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="col-type">
                Type
              </th>
              <th scope="col" className="col-uplinks">
                Uplinks
              </th>
              <th scope="col" className="num col-groups" title="Port groups">
                Groups
              </th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ sw, index }) => {
              const host = hostStateOf(sw, state);
              const n = pending(sw.name);
              const bad = issuesAt(issues, `switches[${index}]`, true).length;
              const uplinks = sw.uplinks ?? [];
              return (
                <tr
                  key={index}
                  className={`switch-row${index === selected ? ' is-selected' : ''}`}
                  aria-selected={index === selected}
                  tabIndex={index === selected ? 0 : -1}
                  data-switch-index={index}
                  data-testid={`switch-row-${sw.name}`}
                  onClick={() => onSelect(index)}
                  onKeyDown={(e) => onKey(e, index)}
                >
                  <td className="switch-row__name" title={sw.name}>
                    <Network
                      size={14}
                      className={`switch-row__icon ${(sw.type ?? 'linux') === 'ovs' ? 'kind-ovs-bridge' : 'kind-bridge'}`}
                      aria-label={(sw.type ?? 'linux') === 'ovs' ? 'Open vSwitch' : 'Linux bridge'}
                    />
                    {sw.name || <em className="muted">unnamed</em>}
                    <ProblemMark count={bad} />
                  </td>
                  <td className="col-type" title={(sw.type ?? 'linux') === 'ovs' ? 'Open vSwitch' : 'Linux bridge'}>
                    {(sw.type ?? 'linux') === 'ovs' ? 'OVS' : 'Linux'}
                  </td>
                  <td className="switch-row__uplinks col-uplinks" title={uplinks.join(', ')}>
                    {uplinks.length ? uplinks.join(', ') : <span className="muted">none</span>}
                  </td>
                  <td className="num col-groups">{sw.portGroups?.length ?? 0}</td>
                  <td>
                    <span className={`state-pill state-pill--${host.tone}`}>{host.text}</span>
                    {n > 0 && (
                      <span className="state-pill state-pill--pending" title={`${n} pending step${n === 1 ? '' : 's'}`}>
                        {n} pending
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
            {removed.map((sw) => (
              <tr
                key={`removed-${sw.name}`}
                className="switch-row is-removed"
                data-testid={`switch-removed-${sw.name}`}
              >
                <td className="switch-row__name">
                  <s>{sw.name}</s>
                </td>
                <td colSpan={3} className="muted" title="Deleted from the host on apply">
                  Removed
                </td>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => onRestore(sw)}
                    aria-label={`Keep ${sw.name}`}
                  >
                    <Undo2 size={12} aria-hidden /> Keep
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
