import { useState } from 'react';
import { ArrowRightLeft, Monitor, Plus, Unplug } from 'lucide-react';
import type { Domain } from '../../../shared/model/host-state';
import { useModel } from '../model/model-context';
import { useSpec } from '../model/spec-context';
import { issuesAt } from '../switches/spec-edit';
import { ActionsHeader, PanelTitle, SectionIssues } from './EntryTable';
import { MoveNicDialog, describeHost, type NicRef } from './MoveNicDialog';
import { sectionOf } from './net-edit';
import {
  describeTarget,
  freshMac,
  hostNicTarget,
  macsInUse,
  nicLock,
  nicTargetOf,
  removeNic,
  vmEntry,
  vmLock,
} from './nic-edit';

type Editing = { vm: string; nic: NicRef; isNew?: boolean };

/** libvirt domains and their network cards; NovaNet's cards can be added, moved and detached through the spec. */
export function VmList() {
  const s = useSpec();
  const { snapshot } = useModel();
  const [editing, setEditing] = useState<Editing>();
  const state = snapshot.data?.state;
  const domains = state?.domains ?? [];
  const missing = sectionOf(s.draft, 'vms').filter((v) => !domains.some((d) => d.name === v.name));
  const add = (vm: string) =>
    setEditing({ vm, isNew: true, nic: { mac: freshMac(macsInUse(s.draft, state)), model: 'virtio' } });
  return (
    <section className="net-panel" data-testid="vms-panel">
      <PanelTitle
        title="Virtual machines"
        text="libvirt domains and their network cards. NovaNet adds, moves and detaches the cards it attached; the VM itself and its other cards stay as they are."
      />
      <SectionIssues issues={s.issues} section="vms" />
      {domains.length === 0 && missing.length === 0 ? (
        <p className="net-panel__empty" data-testid="vms-empty">
          No virtual machines on this host
          {state?.sources.libvirt?.status === 'ok' ? '.' : ' that libvirt could tell (see the note above).'}
        </p>
      ) : (
        <div className="vm-list">
          {domains.map((d) => (
            <VmCard key={d.id} domain={d} onEdit={setEditing} onAdd={() => add(d.name)} />
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
      {editing && (
        <MoveNicDialog vm={editing.vm} nic={editing.nic} isNew={editing.isNew} onClose={() => setEditing(undefined)} />
      )}
    </section>
  );
}

function VmCard({ domain, onEdit, onAdd }: { domain: Domain; onEdit(e: Editing): void; onAdd(): void }) {
  const s = useSpec();
  const running = domain.state === 'running';
  const entry = vmEntry(s.draft, domain.name);
  const bad = entry.index === undefined ? 0 : issuesAt(s.issues, `vms[${entry.index}]`, true).length;
  const onHost = new Set(domain.nics.map((n) => n.mac.toLowerCase()));
  // Cards the spec adds that the VM does not have yet.
  const toAttach = (entry.vm.nics ?? []).filter((n) => !onHost.has(n.mac.toLowerCase()));
  const detach = (mac: string) => s.setDraft((d) => removeNic(d, domain.name, mac));
  const addLock = vmLock(domain, s.specName);
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
        <button
          type="button"
          className="button button--small vm-card__add"
          onClick={onAdd}
          disabled={!!addLock}
          title={addLock ?? 'A new card of NovaNet’s on a network or switch'}
          data-testid={`add-nic-${domain.name}`}
        >
          <Plus size={14} aria-hidden /> Add network card…
        </button>
      </div>
      {domain.nics.length === 0 && toAttach.length === 0 ? (
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
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {domain.nics.map((n) => {
                const want = nicTargetOf(s.draft, domain.name, n.mac);
                const have = hostNicTarget(n);
                const moves = want && (!have || describeTarget(want) !== describeTarget(have));
                const lock = nicLock(domain, s.specName, n.mac);
                const mine = !lock && !!want;
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
                      {!!lock && <span className="muted net-table__sub">not NovaNet’s</span>}
                    </td>
                    <td className="mono">{n.target ?? <span className="muted">{running ? '—' : 'off'}</span>}</td>
                    <td className="num">{n.vlan ?? <span className="muted">—</span>}</td>
                    <td className="net-table__actions">
                      <NicActions
                        mac={n.mac}
                        lock={lock}
                        onMove={() => onEdit({ vm: domain.name, nic: n })}
                        onDetach={mine ? () => detach(n.mac) : undefined}
                      />
                    </td>
                  </tr>
                );
              })}
              {toAttach.map((n) => {
                const want = nicTargetOf(s.draft, domain.name, n.mac);
                return (
                  <tr key={n.mac} className="is-new" data-testid={`vm-nic-${n.mac}`}>
                    <td className="mono">{n.mac}</td>
                    <td>{n.model ?? 'virtio'}</td>
                    <td>
                      <span className="state-pill state-pill--pending" data-testid="nic-pending">
                        attach → {want ? describeTarget(want) : 'nothing yet'}
                      </span>
                    </td>
                    <td className="muted">—</td>
                    <td className="num muted">—</td>
                    <td className="net-table__actions">
                      <NicActions
                        mac={n.mac}
                        lock={null}
                        onMove={() =>
                          onEdit({ vm: domain.name, nic: { mac: n.mac, ...(n.model ? { model: n.model } : {}) } })
                        }
                        onDetach={() => detach(n.mac)}
                      />
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

function NicActions({
  mac,
  lock,
  onMove,
  onDetach,
}: {
  mac: string;
  lock: string | null;
  onMove(): void;
  onDetach?: () => void;
}) {
  return (
    <span className="net-actions">
      <button
        type="button"
        className="button button--small"
        onClick={onMove}
        disabled={!!lock}
        title={lock ?? 'Put this card on another network or port group'}
        data-testid={`move-${mac}`}
      >
        <ArrowRightLeft size={14} aria-hidden /> Move to…
      </button>
      {onDetach && (
        <button
          type="button"
          className="icon-button"
          onClick={onDetach}
          aria-label={`Detach card ${mac}`}
          title="Detach this card (on apply)"
          data-testid={`detach-${mac}`}
        >
          <Unplug size={14} aria-hidden />
        </button>
      )}
    </span>
  );
}
