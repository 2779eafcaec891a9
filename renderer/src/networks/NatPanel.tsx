import { useState } from 'react';
import { useModel } from '../model/model-context';
import { useSpec } from '../model/spec-context';
import { EntryTable, PanelHead, SectionIssues } from './EntryTable';
import { NatDialog } from './NatDialog';
import { newNat } from './entry-choices';
import { removeItem, sectionOf, type NatDoc } from './net-edit';

/** NAT and port forwards in NovaNet's own nftables table. */
export function NatPanel() {
  const s = useSpec();
  const state = useModel().snapshot.data?.state;
  const [editing, setEditing] = useState<{ index: number | undefined; initial: NatDoc }>();
  const items = sectionOf(s.draft, 'nat');
  const add = () => setEditing({ index: undefined, initial: newNat(s.draft, state) });
  return (
    <section className="net-panel" data-testid="nat-panel">
      <PanelHead
        title="NAT and port forwards"
        text="Masquerade subnets behind a host NIC and expose VM services, in NovaNet's own nftables table (inet novanet)."
        addLabel="New NAT"
        addTestId="add-nat"
        onAdd={add}
      />
      <SectionIssues issues={s.issues} section="nat" />
      {items.length === 0 ? (
        <p className="net-panel__empty">No NAT in this spec. libvirt NAT networks do their own and need none here.</p>
      ) : (
        <EntryTable
          section="nat"
          label="NAT rule sets"
          items={items}
          issues={s.issues}
          onEdit={(i) => setEditing({ index: i, initial: items[i]! })}
          onRemove={(i) => s.setDraft((d) => removeItem(d, 'nat', i))}
          columns={[
            {
              label: 'Sources',
              className: 'mono',
              cell: (n) => (n.sources ?? []).join(', ') || <span className="muted">none</span>,
            },
            { label: 'Out', className: 'mono', cell: (n) => n.outInterface },
            {
              label: 'Port forwards',
              className: 'mono',
              cell: (n) =>
                (n.portForwards ?? []).length === 0 ? (
                  <span className="muted">none</span>
                ) : (
                  <ul className="net-forwards">
                    {(n.portForwards ?? []).map((f, k) => (
                      <li key={k}>
                        {f.protocol}/{String(f.port)} → {f.to}
                      </li>
                    ))}
                  </ul>
                ),
            },
          ]}
        />
      )}
      {editing && <NatDialog index={editing.index} initial={editing.initial} onClose={() => setEditing(undefined)} />}
    </section>
  );
}
