import { Plus, X } from 'lucide-react';
import type { SwitchDoc } from '../changes/spec-doc';
import { FieldErrors, NumberField, SelectField, TextField, useInvalid } from './fields';
import { changeType, setKey, updateList, type SwitchType } from './spec-edit';

export interface SectionProps {
  sw: SwitchDoc;
  /** Path of the switch in the spec, e.g. `switches[0]`. */
  at: string;
  update(fn: (sw: SwitchDoc) => SwitchDoc): void;
}

/** Name, type, MTU and the switch's own addresses. */
export function GeneralSection({ sw, at, update, focusName }: SectionProps & { focusName?: boolean }) {
  const addresses = sw.addresses ?? [];
  return (
    <fieldset className="section">
      <legend className="section__title">General</legend>
      <div className="grid grid--2">
        <TextField
          label="Name"
          path={`${at}.name`}
          value={sw.name}
          testId="switch-name"
          autoFocus={focusName}
          hint="The interface name: 1–15 characters, no spaces, '/' or ':'."
          onChange={(name) => update((s) => ({ ...s, name }))}
        />
        <SelectField<SwitchType>
          label="Type"
          path={`${at}.type`}
          value={sw.type ?? 'linux'}
          testId="switch-type"
          options={[
            { value: 'linux', label: 'Linux bridge' },
            { value: 'ovs', label: 'Open vSwitch' },
          ]}
          onChange={(t) => update((s) => changeType(s, t))}
        />
        <NumberField
          label="MTU"
          path={`${at}.mtu`}
          value={sw.mtu}
          placeholder="1500 (default)"
          unit="bytes"
          testId="switch-mtu"
          onChange={(mtu) => update((s) => setKey(s, 'mtu', mtu))}
        />
      </div>
      <div className="field">
        <span className="field__label" id={`${at}-addresses`}>
          Addresses
        </span>
        <p className="field__hint">Optional addresses of the host on this switch, with prefix length (10.10.0.1/24).</p>
        <ul className="address-list" aria-labelledby={`${at}-addresses`}>
          {addresses.map((a, j) => (
            <AddressRow
              key={j}
              at={`${at}.addresses[${j}]`}
              value={a}
              onChange={(v) => update((s) => ({ ...s, addresses: updateList(s.addresses, j, () => v) }))}
              onRemove={() => update((s) => ({ ...s, addresses: (s.addresses ?? []).filter((_, k) => k !== j) }))}
            />
          ))}
        </ul>
        <button
          type="button"
          className="button button--small"
          data-testid="add-address"
          onClick={() => update((s) => ({ ...s, addresses: [...(s.addresses ?? []), ''] }))}
        >
          <Plus size={14} aria-hidden /> Add address
        </button>
        <FieldErrors path={`${at}.addresses`} />
      </div>
    </fieldset>
  );
}

function AddressRow({
  at,
  value,
  onChange,
  onRemove,
}: {
  at: string;
  value: string;
  onChange(v: string): void;
  onRemove(): void;
}) {
  const invalid = useInvalid(at);
  return (
    <li className="address-row">
      <input
        className="input input--mono"
        value={value}
        placeholder="10.10.0.1/24"
        aria-label="Address"
        spellCheck={false}
        data-testid={`address-${at.match(/\[(\d+)\]$/)?.[1] ?? ''}`}
        onChange={(e) => onChange(e.target.value.trim())}
        {...invalid}
      />
      <button type="button" className="icon-button" onClick={onRemove} aria-label={`Remove address ${value}`}>
        <X size={14} aria-hidden />
      </button>
      <FieldErrors path={at} />
    </li>
  );
}
