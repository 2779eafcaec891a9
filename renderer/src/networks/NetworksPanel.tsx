import { useState } from 'react';
import { Lock, Undo2 } from 'lucide-react';
import { useModel } from '../model/model-context';
import { useSpec } from '../model/spec-context';
import { issuesAt } from '../switches/spec-edit';
import { ProblemMark } from '../switches/fields';
import { ActionsHeader, RowActions, PanelHead, SectionIssues } from './EntryTable';
import { NetworkWizard } from './NetworkWizard';
import {
  hostSubnet,
  modeInfo,
  networkRows,
  newNetwork,
  removeItem,
  putItem,
  sectionOf,
  type NetworkDoc,
  type NetworkRow,
} from './net-edit';
import type { NetworkMode } from '../../../shared/spec/vm-networks';

type Editing = { index: number | undefined; initial: NetworkDoc } | undefined;

/** The libvirt networks: this spec's (editable) and the rest of the host's (read-only), in one table. */
export function NetworksPanel() {
  const s = useSpec();
  const state = useModel().snapshot.data?.state;
  const [editing, setEditing] = useState<Editing>();
  const rows = networkRows(s.draft, state);
  const baseNets = sectionOf(s.base.data?.document, 'networks');
  const add = () => setEditing({ index: undefined, initial: newNetwork(s.draft, state) });
  return (
    <section className="net-panel" aria-labelledby="net-networks-title" data-testid="networks-panel">
      <PanelHead
        title="Virtual networks"
        text="libvirt networks VMs attach to: NAT, routed, open, isolated, or bridged onto a switch."
        addLabel="New network"
        addTestId="add-network"
        onAdd={add}
      />
      <SectionIssues issues={s.issues} section="networks" />
      {rows.length === 0 ? (
        <p className="net-panel__empty" data-testid="networks-empty">
          No virtual networks on this host or in the spec yet. “New network” creates one with a free subnet.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="net-table" aria-label="Virtual networks" data-testid="networks-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Mode</th>
                <th scope="col">Bridge</th>
                <th scope="col">Subnet</th>
                <th scope="col" className="net-col-dhcp">
                  DHCP
                </th>
                <th scope="col">State</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <NetworkTableRow
                  key={r.name + (r.spec ? `#${r.spec.index}` : '')}
                  row={r}
                  onEdit={() => r.spec && setEditing({ index: r.spec.index, initial: r.spec.net })}
                  onRemove={() => r.spec && s.setDraft((d) => removeItem(d, 'networks', r.spec!.index))}
                  onKeep={() => {
                    const b = baseNets.find((n) => n.name === r.name);
                    if (b) s.setDraft((d) => putItem(d, 'networks', undefined, b));
                  }}
                  canKeep={baseNets.some((n) => n.name === r.name)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <NetworkWizard index={editing.index} initial={editing.initial} onClose={() => setEditing(undefined)} />
      )}
    </section>
  );
}

function NetworkTableRow({
  row,
  onEdit,
  onRemove,
  onKeep,
  canKeep,
}: {
  row: NetworkRow;
  onEdit(): void;
  onRemove(): void;
  onKeep(): void;
  canKeep: boolean;
}) {
  const { issues, plan } = useSpec();
  const { spec, host } = row;
  const removed = !spec && !row.readOnly;
  const mode = (spec?.net.mode ?? host?.forwardMode ?? 'nat') as NetworkMode | string;
  const modeLabel = mode in modeInfo ? modeInfo[mode as NetworkMode].label : mode;
  const subnet = spec ? spec.net.ipv4?.address : hostSubnet(host);
  const bridge = spec?.net.bridge ?? host?.bridge;
  const ranges = spec ? (spec.net.ipv4?.dhcp?.ranges ?? []) : (host?.ips.flatMap((i) => i.dhcpRanges) ?? []);
  const reservations = spec?.net.ipv4?.dhcp?.hosts?.length ?? 0;
  const bad = spec ? issuesAt(issues, `networks[${spec.index}]`, true).length : 0;
  const pending = plan?.steps.filter((st) => st.object === `network ${row.name}`).length ?? 0;
  return (
    <tr
      className={`${row.readOnly ? 'is-foreign' : ''}${removed ? ' is-removed' : ''}`}
      data-testid={`network-row-${row.name}`}
      onDoubleClick={spec ? onEdit : undefined}
    >
      <td className="net-table__name">
        {removed ? <s>{row.name}</s> : row.name}
        <ProblemMark count={bad} />
        {row.readOnly && (
          <span
            className="state-pill net-badge"
            data-testid="network-foreign"
            title={row.owner ? `Managed by spec ${row.owner}` : 'Not made by NovaNet: shown, never changed'}
          >
            <Lock size={10} aria-hidden /> {row.owner ? `spec ${row.owner}` : 'not NovaNet’s'}
          </span>
        )}
      </td>
      <td>{modeLabel}</td>
      <td className="mono">{bridge ?? <span className="muted">auto</span>}</td>
      <td className="mono">{subnet || <span className="muted">none</span>}</td>
      <td className="net-col-dhcp">
        {ranges.length === 0 ? (
          <span className="muted">off</span>
        ) : (
          <span className="mono" title={ranges.map((r) => `${r.start} – ${r.end}`).join('\n')}>
            {ranges[0]!.start} – {ranges[0]!.end.split('.').pop()}
            {ranges.length > 1 && ` +${ranges.length - 1}`}
          </span>
        )}
        {reservations > 0 && <span className="muted"> · {reservations} reserved</span>}
      </td>
      <td>
        <NetworkState row={row} pending={pending} removed={removed} />
      </td>
      <td className="net-table__actions">
        {spec ? (
          <RowActions name={row.name} onEdit={onEdit} onRemove={onRemove} />
        ) : removed && canKeep ? (
          <button type="button" className="link-button" onClick={onKeep} aria-label={`Keep ${row.name}`}>
            <Undo2 size={12} aria-hidden /> Keep
          </button>
        ) : null}
      </td>
    </tr>
  );
}

function NetworkState({ row, pending, removed }: { row: NetworkRow; pending: number; removed: boolean }) {
  const h = row.host;
  return (
    <span className="net-state">
      {removed ? (
        <span className="state-pill state-pill--down">Removed on apply</span>
      ) : !h ? (
        <span className="state-pill state-pill--new">Not on the host yet</span>
      ) : (
        <span className={`state-pill state-pill--${h.active ? 'up' : 'down'}`} data-testid="network-active">
          {h.active ? 'Active' : 'Inactive'}
        </span>
      )}
      {h?.autostart && <span className="state-pill">Autostart</span>}
      {pending > 0 && <span className="state-pill state-pill--pending">{pending} pending</span>}
    </span>
  );
}
