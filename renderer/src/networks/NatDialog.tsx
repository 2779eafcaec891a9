import { Plus, X } from 'lucide-react';
import { useModel } from '../model/model-context';
import { useSpec } from '../model/spec-context';
import { FieldErrors, SelectField, TextField } from '../switches/fields';
import { updateList } from '../switches/spec-edit';
import { CellInput, RemoveCell, RowsTable } from './DhcpRows';
import { EntryDialog } from './EntryDialog';
import { natOutChoices, natSourceChoices, withCurrent } from './entry-choices';
import type { ForwardDoc, NatDoc } from './net-edit';

/** Masquerade of subnets behind a host NIC, and port forwards from that NIC to a VM. */
export function NatDialog({
  index,
  initial,
  onClose,
}: {
  index: number | undefined;
  initial: NatDoc;
  onClose(): void;
}) {
  const s = useSpec();
  const state = useModel().snapshot.data?.state;
  const outs = natOutChoices(state);
  const known = natSourceChoices(s.draft);
  return (
    <EntryDialog
      section="nat"
      index={index}
      initial={initial}
      title={index === undefined ? 'New NAT rule set' : `Edit NAT ${initial.name}`}
      testId="nat-dialog"
      focus="nat-name"
      onClose={onClose}
    >
      {(n, set, at) => {
        const sources = n.sources ?? [];
        const forwards = n.portForwards ?? [];
        const setFwd = (k: number, fn: (f: ForwardDoc) => ForwardDoc) =>
          set((x) => ({ ...x, portForwards: updateList(x.portForwards, k, fn) }));
        const offer = known.filter((c) => !sources.includes(c.cidr));
        return (
          <>
            <div className="grid grid--2">
              <TextField
                label="Name"
                path={`${at}.name`}
                value={n.name}
                testId="nat-name"
                onChange={(name) => set((x) => ({ ...x, name }))}
              />
              <SelectField
                label="Out interface"
                path={`${at}.outInterface`}
                value={n.outInterface}
                testId="nat-out"
                hint="Traffic leaves with this NIC's address; forwards answer on it."
                options={[
                  ...(n.outInterface ? [] : [{ value: '', label: 'Choose a host NIC…' }]),
                  ...withCurrent(outs, n.outInterface).map((c) => ({
                    value: c.name,
                    label: `${c.name} (${c.detail})`,
                  })),
                ]}
                onChange={(o) => set((x) => ({ ...x, outInterface: o }))}
              />
            </div>
            <div className="field">
              <span className="field__label">Sources</span>
              <p className="field__hint">Subnets whose traffic is masqueraded behind the out interface.</p>
              {sources.length > 0 && (
                <ul className="address-list">
                  {sources.map((src, k) => (
                    <li key={k} className="address-row">
                      <CellInput
                        path={`${at}.sources[${k}]`}
                        label={`Source ${k + 1}`}
                        value={src}
                        placeholder="10.10.0.0/24"
                        testId={`nat-source-${k}`}
                        onChange={(v) => set((x) => ({ ...x, sources: updateList(x.sources, k, () => v) }))}
                      />
                      <button
                        type="button"
                        className="icon-button"
                        aria-label={`Remove source ${src}`}
                        onClick={() => set((x) => ({ ...x, sources: (x.sources ?? []).filter((_, i) => i !== k) }))}
                      >
                        <X size={14} aria-hidden />
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              <div className="net-chips">
                <button
                  type="button"
                  className="button button--small"
                  data-testid="add-nat-source"
                  onClick={() => set((x) => ({ ...x, sources: [...(x.sources ?? []), ''] }))}
                >
                  <Plus size={14} aria-hidden /> Add subnet
                </button>
                {offer.map((c) => (
                  <button
                    key={c.cidr}
                    type="button"
                    className="button button--small"
                    title={`The subnet of ${c.what}`}
                    data-testid={`nat-source-suggest-${c.cidr}`}
                    onClick={() => set((x) => ({ ...x, sources: [...(x.sources ?? []), c.cidr] }))}
                  >
                    <Plus size={14} aria-hidden /> {c.cidr} <span className="muted">({c.what})</span>
                  </button>
                ))}
              </div>
              <FieldErrors path={`${at}.sources`} />
            </div>
            <RowsTable
              title="Port forwards"
              hint="Connections to a port on the out interface go to an address in a managed subnet."
              columns={['Protocol', 'Port', 'To (IP:port)']}
              path={`${at}.portForwards`}
              addLabel="Add port forward"
              addTestId="add-forward"
              onAdd={() =>
                set((x) => ({
                  ...x,
                  portForwards: [...(x.portForwards ?? []), { protocol: 'tcp', port: '' as unknown as number, to: '' }],
                }))
              }
              rows={forwards.map((f, k) => {
                const p = `${at}.portForwards[${k}]`;
                return (
                  <tr key={k}>
                    <td className="col-proto">
                      <select
                        className="input"
                        aria-label={`Forward ${k + 1} protocol`}
                        value={f.protocol}
                        onChange={(e) =>
                          setFwd(k, (x) => ({ ...x, protocol: e.target.value as ForwardDoc['protocol'] }))
                        }
                      >
                        <option value="tcp">TCP</option>
                        <option value="udp">UDP</option>
                      </select>
                    </td>
                    <td className="col-port">
                      <CellInput
                        path={`${p}.port`}
                        label={`Forward ${k + 1} port`}
                        value={String(f.port ?? '')}
                        placeholder="8080"
                        testId={`forward-${k}-port`}
                        onChange={(v) =>
                          setFwd(k, (x) => ({ ...x, port: (/^\d+$/.test(v) ? Number(v) : v) as number }))
                        }
                      />
                    </td>
                    <td>
                      <CellInput
                        path={`${p}.to`}
                        label={`Forward ${k + 1} target`}
                        value={f.to}
                        placeholder="10.10.0.42:80"
                        testId={`forward-${k}-to`}
                        onChange={(v) => setFwd(k, (x) => ({ ...x, to: v }))}
                      />
                    </td>
                    <RemoveCell
                      label={`Remove forward ${k + 1}`}
                      onRemove={() =>
                        set((x) => ({ ...x, portForwards: (x.portForwards ?? []).filter((_, i) => i !== k) }))
                      }
                    />
                  </tr>
                );
              })}
            />
          </>
        );
      }}
    </EntryDialog>
  );
}
