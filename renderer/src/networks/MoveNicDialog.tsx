import { useId } from 'react';
import { useModel } from '../model/model-context';
import { useSpec } from '../model/spec-context';
import { SelectField } from '../switches/fields';
import { EntryDialog } from './EntryDialog';
import { bridgeChoices } from './net-edit';
import { hostNicTarget, nicTargetOf, setNicTarget, vmEntry, type NicTarget } from './nic-edit';

/** What the dialog needs of a card: the host's view of it, or a new card's MAC and model. */
export interface NicRef {
  mac: string;
  model?: string;
  type?: string;
  source?: string;
  portGroup?: string;
  virtualPortType?: string;
}

/**
 * Puts one VM card on a network or a switch (and port group) in the spec, or adds a new card (`isNew`); applying
 * attaches or moves it live and in the VM's definition.
 */
export function MoveNicDialog({
  vm,
  nic,
  isNew,
  onClose,
}: {
  vm: string;
  nic: NicRef;
  isNew?: boolean;
  onClose(): void;
}) {
  const s = useSpec();
  const state = useModel().snapshot.data?.state;
  const kindName = useId();
  const entry = vmEntry(s.draft, vm);
  const networks = [
    ...new Set([...(s.draft?.networks ?? []).map((n) => n.name), ...(state?.networks ?? []).map((n) => n.name)]),
  ];
  const now = nicTargetOf(s.draft, vm, nic.mac) ?? hostNicTarget(nic) ?? { network: networks[0] ?? '' };
  const initial = setNicTarget(entry.vm, nic.mac, nic.model, now);
  const switches = bridgeChoices(s.draft, state);
  const groupsOf = (t: NicTarget): string[] =>
    'network' in t
      ? (state?.networks.find((n) => n.name === t.network)?.portGroups ?? []).map((g) => g.name)
      : ((s.draft?.switches ?? []).find((w) => w.name === t.switch)?.portGroups ?? []).map((g) => g.name);
  return (
    <EntryDialog
      section="vms"
      index={entry.index}
      initial={initial}
      title={isNew ? `Add a network card to ${vm}` : `Move ${vm} card ${nic.mac}`}
      testId="move-nic-dialog"
      focus="move-kind-network"
      placed={(path) => /\.nics\[\d+\]\.(network|switch|portGroup)$/.test(path)}
      onClose={onClose}
    >
      {(v, set, at) => {
        const j = (v.nics ?? []).findIndex((n) => n.mac.toLowerCase() === nic.mac.toLowerCase());
        const cur = v.nics?.[j];
        const p = `${at}.nics[${j}]`;
        const target: NicTarget =
          cur?.switch !== undefined
            ? { switch: cur.switch, ...(cur.portGroup ? { portGroup: cur.portGroup } : {}) }
            : { network: cur?.network ?? '', ...(cur?.portGroup ? { portGroup: cur.portGroup } : {}) };
        const put = (t: NicTarget) => set((x) => setNicTarget(x, nic.mac, nic.model, t));
        const groups = groupsOf(target);
        return (
          <>
            <p>
              {isNew ? (
                <>
                  A new {nic.model} card with MAC <code data-testid="new-nic-mac">{nic.mac}</code>, attached when the
                  spec is applied (live if the VM runs, and in its definition).
                </>
              ) : (
                <>
                  Now on <strong>{describeHost(nic)}</strong>. The move happens when the spec is applied: live if the VM
                  runs, and in its definition.
                </>
              )}
            </p>
            <fieldset className="net-modes net-modes--row" role="radiogroup" aria-label="Attach to">
              <legend className="field__label">Attach to</legend>
              <label className={`net-mode${'network' in target ? ' is-checked' : ''}`}>
                <input
                  type="radio"
                  name={kindName}
                  checked={'network' in target}
                  data-testid="move-kind-network"
                  onChange={() => put({ network: networks[0] ?? '' })}
                />
                <span className="net-mode__label">A virtual network</span>
              </label>
              <label className={`net-mode${'switch' in target ? ' is-checked' : ''}`}>
                <input
                  type="radio"
                  name={kindName}
                  checked={'switch' in target}
                  data-testid="move-kind-switch"
                  onChange={() => put({ switch: switches[0]?.name ?? '' })}
                />
                <span className="net-mode__label">A switch</span>
              </label>
            </fieldset>
            <div className="grid grid--2">
              {'network' in target ? (
                <SelectField
                  label="Network"
                  path={`${p}.network`}
                  value={target.network}
                  testId="move-network"
                  options={withBlank(networks, target.network, 'Choose a network…')}
                  onChange={(n) => put({ network: n })}
                />
              ) : (
                <SelectField
                  label="Switch"
                  path={`${p}.switch`}
                  value={target.switch}
                  testId="move-switch"
                  options={withBlank(
                    switches.map((w) => w.name),
                    target.switch,
                    'Choose a switch…',
                  )}
                  onChange={(w) => put({ switch: w })}
                />
              )}
              <SelectField
                label="Port group"
                path={`${p}.portGroup`}
                value={target.portGroup ?? ''}
                testId="move-port-group"
                hint={groups.length ? 'The group sets the VLAN.' : 'This one has no port groups.'}
                options={[
                  { value: '', label: 'None (untagged)' },
                  ...[...new Set([...groups, ...(target.portGroup ? [target.portGroup] : [])])].map((g) => ({
                    value: g,
                    label: g,
                  })),
                ]}
                onChange={(g) => put({ ...target, portGroup: g || undefined } as NicTarget)}
              />
            </div>
          </>
        );
      }}
    </EntryDialog>
  );
}

function withBlank(names: string[], current: string, blank: string): { value: string; label: string }[] {
  const list = [...new Set([...(current ? [current] : []), ...names])];
  return [...(current ? [] : [{ value: '', label: blank }]), ...list.map((n) => ({ value: n, label: n }))];
}

export function describeHost(nic: NicRef): string {
  if (!nic.source) return nic.type ?? 'nothing';
  const group = nic.portGroup ? ` / ${nic.portGroup}` : '';
  if (nic.type === 'network') return `network ${nic.source}${group}`;
  if (nic.type === 'bridge')
    return `${nic.virtualPortType === 'openvswitch' ? 'OVS ' : ''}bridge ${nic.source}${group}`;
  return `${nic.type} ${nic.source}`;
}
