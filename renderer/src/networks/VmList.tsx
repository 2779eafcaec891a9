import { useState } from 'react';
import { ArrowRightLeft, Monitor } from 'lucide-react';
import type { Domain, DomainNic } from '../../../shared/model/host-state';
import { useModel } from '../model/model-context';
import { useSpec } from '../model/spec-context';
import { issuesAt } from '../switches/spec-edit';
import { SectionIssues } from './EntryTable';
import { MoveNicDialog, describeHost } from './MoveNicDialog';
import { describeTarget, hostNicTarget, nicTargetOf, sectionOf } from './net-edit';

/** libvirt domains with their NICs; each NIC can be moved to another network or port group through the spec. */
export function VmList() {
  const s = useSpec();
  const { snapshot } = useModel();
  const [moving, setMoving] = useState<{ vm: string; nic: DomainNic }>();
  const domains = snapshot.data?.state.domains ?? [];
  const missing = sectionOf(s.draft, 'vms').filter((v) => !domains.some((d) => d.name === v.name));
  return (
    <section className="net-panel" data-testid="vms-panel">
      <div className="net-panel__head">
        <div>
          <h2>Virtual machines</h2>
          <p className="field__hint">
            libvirt domains and their network cards. “Move to…” puts a card on another network or port group; NovaNet
            manages the cards it is told about, never the VM itself.
          </p>
        </div>
      </div>
      <SectionIssues issues={s.issues} section="vms" />
      {domains.length === 0 && missing.length === 0 ? (
        <p className="net-panel__empty" data-testid="vms-empty">
          No virtual machines on this host
          {snapshot.data?.state.sources.libvirt?.status === 'ok' ? '' : ' (libvirt is not available)'}.
        </p>
      ) : (
        <div className="vm-list">
          {domains.map((d) => (
            <VmCard key={d.id} domain={d} onMove={(nic) => setMoving({ vm: d.name, nic })} />
          ))}
          {missing.map((v) => (
            <div key={v.name} className="vm-card" data-testid={`vm-${v.name}`}>
              <div className="vm-card__head">
                <Monitor size={16} aria-hidden className="vm-card__icon" />
                <h3>{v.name}</h3>
                <span className="state-pill state-pill--missing">Not on the host</span>
              </div>
            </div>
          ))}
        </div>
      )}
      {moving && <MoveNicDialog vm={moving.vm} nic={moving.nic} onClose={() => setMoving(undefined)} />}
    </section>
  );
}

function VmCard({ domain, onMove }: { domain: Domain; onMove(nic: DomainNic): void }) {
  const s = useSpec();
  const running = domain.state === 'running';
  const vmIndex = sectionOf(s.draft, 'vms').findIndex((v) => v.name === domain.name);
  const bad = vmIndex < 0 ? 0 : issuesAt(s.issues, `vms[${vmIndex}]`, true).length;
  return (
    <div className="vm-card" data-testid={`vm-${domain.name}`}>
      <div className="vm-card__head">
        <Monitor size={16} aria-hidden className="vm-card__icon" />
        <h3>{domain.name}</h3>
        <span className={`state-pill state-pill--${running ? 'up' : 'down'}`}>{domain.state}</span>
        {!domain.persistent && <span className="state-pill">transient</span>}
        {bad > 0 && (
          <span className="state-pill state-pill--missing">
            {bad} problem{bad === 1 ? '' : 's'}
          </span>
        )}
      </div>
      {domain.nics.length === 0 ? (
        <p className="net-panel__empty">No network cards.</p>
      ) : (
        <div className="table-scroll">
          <table className="net-table" aria-label={`Network cards of ${domain.name}`}>
            <thead>
              <tr>
                <th scope="col">MAC</th>
                <th scope="col">Model</th>
                <th scope="col">Attached to</th>
                <th scope="col">Tap</th>
                <th scope="col" className="num">
                  VLAN
                </th>
                <th scope="col" className="net-table__actions">
                  <span className="visually-hidden">Move</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {domain.nics.map((n) => {
                const want = nicTargetOf(s.draft, domain.name, n.mac);
                const have = hostNicTarget(n);
                const moves = want && (!have || describeTarget(want) !== describeTarget(have));
                return (
                  <tr key={n.id} data-testid={`vm-nic-${n.mac}`}>
                    <td className="mono">{n.mac}</td>
                    <td>{n.model ?? <span className="muted">default</span>}</td>
                    <td>
                      {describeHost(n)}
                      {moves && (
                        <span className="state-pill state-pill--pending net-badge" data-testid="nic-pending">
                          → {describeTarget(want)}
                        </span>
                      )}
                    </td>
                    <td className="mono">{n.target ?? <span className="muted">{running ? '—' : 'off'}</span>}</td>
                    <td className="num">{n.vlan ?? <span className="muted">—</span>}</td>
                    <td className="net-table__actions">
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => onMove(n)}
                        data-testid={`move-${n.mac}`}
                      >
                        <ArrowRightLeft size={14} aria-hidden /> Move to…
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
