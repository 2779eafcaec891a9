import { useState } from 'react';
import { useModel } from '../model/model-context';
import { useSpec } from '../model/spec-context';
import { DhcpDialog } from './DhcpDialog';
import { EntryTable, PanelHead, SectionIssues } from './EntryTable';
import { newDhcp } from './entry-choices';
import { removeItem, sectionOf, type DhcpDoc } from './net-edit';

/** Standalone DHCP servers, for switches libvirt does not manage. */
export function DhcpPanel() {
  const s = useSpec();
  const state = useModel().snapshot.data?.state;
  const [editing, setEditing] = useState<{ index: number | undefined; initial: DhcpDoc }>();
  const items = sectionOf(s.draft, 'dhcp');
  const add = () => setEditing({ index: undefined, initial: newDhcp(s.draft, state) });
  return (
    <section className="net-panel" data-testid="dhcp-panel">
      <PanelHead
        title="DHCP servers"
        text="dnsmasq run by NovaNet on a switch or interface that carries an address (libvirt networks have their own)."
        addLabel="New DHCP server"
        addTestId="add-dhcp"
        onAdd={add}
      />
      <SectionIssues issues={s.issues} section="dhcp" />
      {items.length === 0 ? (
        <p className="net-panel__empty">No standalone DHCP servers in this spec.</p>
      ) : (
        <EntryTable
          section="dhcp"
          label="DHCP servers"
          items={items}
          issues={s.issues}
          onEdit={(i) => setEditing({ index: i, initial: items[i]! })}
          onRemove={(i) => s.setDraft((d) => removeItem(d, 'dhcp', i))}
          columns={[
            { label: 'Interface', className: 'mono', cell: (d) => d.interface },
            {
              label: 'Ranges',
              className: 'mono',
              cell: (d) =>
                (d.ranges ?? []).map((r) => `${r.start} – ${r.end}`).join(', ') || <span className="muted">none</span>,
            },
            { label: 'Reserved', className: 'num', cell: (d) => d.hosts?.length ?? 0 },
            {
              label: 'Router',
              className: 'mono',
              cell: (d) => d.options?.router ?? <span className="muted">self</span>,
            },
          ]}
        />
      )}
      {editing && <DhcpDialog index={editing.index} initial={editing.initial} onClose={() => setEditing(undefined)} />}
    </section>
  );
}
