import { useState, type ReactNode } from 'react';
import { Trash2 } from 'lucide-react';
import type { PortGroupDoc, SwitchDoc } from '../changes/spec-doc';
import { FieldErrors, useInvalid } from './fields';
import {
  formatTrunk,
  groupMode,
  parseNumber,
  parseTrunk,
  removePortGroup,
  renamePortGroup,
  setGroupMode,
  setKey,
  updateList,
  type GroupMode,
} from './spec-edit';

/** One port group: name, VLAN mode, its VLANs, native VLAN (Linux only), how many ports use it. */
export function PortGroupRow({
  group: g,
  j,
  at,
  isOvs,
  members,
  update,
}: {
  group: PortGroupDoc;
  j: number;
  at: string;
  isOvs: boolean;
  members: number;
  update(fn: (sw: SwitchDoc) => SwitchDoc): void;
}) {
  // "Access" with no VLAN typed yet is still what the user chose, though the data cannot tell it from untagged.
  const [chosen, setChosen] = useState<GroupMode | undefined>();
  const derived = groupMode(g);
  const mode = derived !== 'untagged' ? derived : (chosen ?? 'untagged');
  const setGroup = (fn: (x: PortGroupDoc) => PortGroupDoc) =>
    update((s) => ({ ...s, portGroups: updateList(s.portGroups, j, fn) }));
  return (
    <tr>
      <td>
        <Cell path={`${at}.name`}>
          {(inv) => (
            <input
              className="input"
              value={g.name}
              aria-label="Port group name"
              data-testid={`port-group-name-${j}`}
              spellCheck={false}
              onChange={(e) => update((s) => renamePortGroup(s, j, e.target.value))}
              {...inv}
            />
          )}
        </Cell>
      </td>
      <td>
        <select
          className="input"
          value={mode}
          aria-label={`VLAN mode of ${g.name}`}
          data-testid={`port-group-mode-${j}`}
          onChange={(e) => {
            const m = e.target.value as GroupMode;
            setChosen(m);
            setGroup((x) => setGroupMode(x, m));
          }}
        >
          <option value="untagged">Untagged</option>
          <option value="access">Access</option>
          <option value="trunk">Trunk</option>
        </select>
      </td>
      <td>
        {mode === 'access' && (
          <Cell path={`${at}.vlan`}>
            {(inv) => (
              <input
                className="input input--narrow"
                inputMode="numeric"
                placeholder="1–4094"
                aria-label={`Access VLAN of ${g.name}`}
                data-testid={`port-group-vlan-${j}`}
                value={g.vlan === undefined ? '' : String(g.vlan)}
                onChange={(e) => setGroup((x) => setKey(x, 'vlan', parseNumber(e.target.value)))}
                {...inv}
              />
            )}
          </Cell>
        )}
        {mode === 'trunk' && (
          <Cell path={`${at}.trunk`} deep>
            {(inv) => (
              <TrunkInput
                value={g.trunk}
                testId={`port-group-trunk-${j}`}
                label={`Trunk VLANs of ${g.name}`}
                invalid={inv}
                onChange={(t) => setGroup((x) => setKey(x, 'trunk', t))}
              />
            )}
          </Cell>
        )}
        {mode === 'untagged' && <span className="muted">untagged traffic</span>}
      </td>
      {!isOvs && (
        <td>
          {mode === 'trunk' && (
            <Cell path={`${at}.nativeVlan`}>
              {(inv) => (
                <input
                  className="input input--narrow"
                  inputMode="numeric"
                  placeholder="none"
                  aria-label={`Native VLAN of ${g.name}`}
                  data-testid={`port-group-native-${j}`}
                  value={g.nativeVlan === undefined ? '' : String(g.nativeVlan)}
                  onChange={(e) => setGroup((x) => setKey(x, 'nativeVlan', parseNumber(e.target.value)))}
                  {...inv}
                />
              )}
            </Cell>
          )}
        </td>
      )}
      <td className="num">{members}</td>
      <td>
        <button
          type="button"
          className="icon-button"
          aria-label={`Remove port group ${g.name}`}
          title="Remove port group"
          data-testid={`port-group-remove-${j}`}
          onClick={() => update((s) => removePortGroup(s, j))}
        >
          <Trash2 size={14} aria-hidden />
        </button>
        <FieldErrors path={at} />
      </td>
    </tr>
  );
}

type Invalid = ReturnType<typeof useInvalid>;

function Cell({ path, deep, children }: { path: string; deep?: boolean; children(inv: Invalid): ReactNode }) {
  const inv = useInvalid(path, deep);
  return (
    <div className="cell">
      {children(inv)}
      <FieldErrors path={path} deep={deep} />
    </div>
  );
}

/** Keeps the text as typed ("10, 20, ") while the document gets the parsed list. */
function TrunkInput({
  value,
  onChange,
  testId,
  label,
  invalid,
}: {
  value: PortGroupDoc['trunk'];
  onChange(v: PortGroupDoc['trunk']): void;
  testId: string;
  label: string;
  invalid: Invalid;
}) {
  const [text, setText] = useState(() => formatTrunk(value));
  const shown = JSON.stringify(parseTrunk(text)) === JSON.stringify(value ?? undefined) ? text : formatTrunk(value);
  return (
    <input
      className="input input--mono"
      placeholder="10, 20, 30-40"
      aria-label={label}
      data-testid={testId}
      spellCheck={false}
      value={shown}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parseTrunk(e.target.value) as PortGroupDoc['trunk']);
      }}
      {...invalid}
    />
  );
}
