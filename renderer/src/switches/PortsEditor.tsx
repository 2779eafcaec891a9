import { Plus, Trash2 } from 'lucide-react';
import type { HostState } from '../../../shared/model/host-state';
import type { PortDoc, SwitchDoc } from '../changes/spec-doc';
import { FieldErrors, useInvalid } from './fields';
import { kindLabel, nicChoices } from './nics';
import { newPort, setKey, uniqueName, updateList } from './spec-edit';
import type { SectionProps } from './GeneralSection';

/** Ports: an existing interface (or, on OVS, an internal port NovaNet creates) placed in a port group. */
export function PortsEditor({
  sw,
  at,
  update,
  index,
  switches,
  state,
}: SectionProps & { index: number; switches: SwitchDoc[]; state: HostState | undefined }) {
  const ports = sw.ports ?? [];
  const groups = sw.portGroups ?? [];
  const isOvs = (sw.type ?? 'linux') === 'ovs';
  const { choices } = nicChoices(state, switches, index, 'port');
  const free = choices.filter((c) => !c.usedBy && !c.missing && !ports.some((p) => p.name === c.name));
  const setPort = (j: number, fn: (p: PortDoc) => PortDoc) =>
    update((s) => ({ ...s, ports: updateList(s.ports, j, fn) }));
  const add = () => {
    const first = free[0]?.name;
    const port = first
      ? newPort(first, groups[0]?.name)
      : isOvs
        ? {
            ...newPort(
              uniqueName(
                `${sw.name}-p`,
                ports.map((p) => p.name),
              ),
              groups[0]?.name,
            ),
            internal: true,
          }
        : newPort('', groups[0]?.name);
    update((s) => ({ ...s, ports: [...(s.ports ?? []), port] }));
  };
  return (
    <fieldset className="section">
      <legend className="section__title">Ports</legend>
      <p className="field__hint">
        {isOvs
          ? 'Existing interfaces, or internal ports that NovaNet creates on the switch.'
          : 'Existing interfaces (VM taps, veths) placed on the switch.'}
      </p>
      {ports.length > 0 && (
        <div className="table-scroll">
          <table className="grid-table">
            <thead>
              <tr>
                <th scope="col">Interface</th>
                {isOvs && <th scope="col">Internal</th>}
                <th scope="col">Port group</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {ports.map((p, j) => {
                const path = `${at}.ports[${j}]`;
                const options = choices.filter(
                  (c) => c.name === p.name || (!c.usedBy && !ports.some((x, k) => k !== j && x.name === c.name)),
                );
                return (
                  <tr key={j}>
                    <td>
                      <NameCell
                        path={`${path}.name`}
                        port={p}
                        j={j}
                        options={options}
                        onChange={(name) => setPort(j, (x) => ({ ...x, name }))}
                      />
                    </td>
                    {isOvs && (
                      <td>
                        <label className="check">
                          <input
                            type="checkbox"
                            checked={!!p.internal}
                            data-testid={`port-internal-${j}`}
                            onChange={(e) => setPort(j, (x) => setKey(x, 'internal', e.target.checked || undefined))}
                          />
                          <span className="visually-hidden">Internal port</span>
                        </label>
                        <FieldErrors path={`${path}.internal`} />
                      </td>
                    )}
                    <td>
                      <GroupCell
                        path={`${path}.portGroup`}
                        value={p.portGroup}
                        groups={groups.map((g) => g.name)}
                        j={j}
                        onChange={(g) => setPort(j, (x) => setKey(x, 'portGroup', g))}
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        className="icon-button"
                        aria-label={`Remove port ${p.name}`}
                        title="Remove port"
                        data-testid={`port-remove-${j}`}
                        onClick={() => update((s) => ({ ...s, ports: (s.ports ?? []).filter((_, k) => k !== j) }))}
                      >
                        <Trash2 size={14} aria-hidden />
                      </button>
                      <FieldErrors path={path} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <button
        type="button"
        className="button button--small"
        data-testid="add-port"
        onClick={add}
        disabled={!isOvs && free.length === 0}
        title={!isOvs && free.length === 0 ? 'No free interface on this host' : undefined}
      >
        <Plus size={14} aria-hidden /> Add port
      </button>
    </fieldset>
  );
}

function NameCell({
  path,
  port,
  j,
  options,
  onChange,
}: {
  path: string;
  port: PortDoc;
  j: number;
  options: ReturnType<typeof nicChoices>['choices'];
  onChange(n: string): void;
}) {
  const inv = useInvalid(path);
  return (
    <div className="cell">
      {port.internal ? (
        <input
          className="input"
          value={port.name}
          aria-label="Internal port name"
          placeholder="e.g. dmz-gw"
          data-testid={`port-name-${j}`}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value.trim())}
          {...inv}
        />
      ) : (
        <select
          className="input"
          value={port.name}
          aria-label="Interface"
          data-testid={`port-name-${j}`}
          onChange={(e) => onChange(e.target.value)}
          {...inv}
        >
          {port.name === '' && <option value="">Choose an interface…</option>}
          {options.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name} — {kindLabel[c.kind]}, {c.missing ? 'not on host' : c.operState}
            </option>
          ))}
        </select>
      )}
      <FieldErrors path={path} />
    </div>
  );
}

function GroupCell({
  path,
  value,
  groups,
  j,
  onChange,
}: {
  path: string;
  value: string | undefined;
  groups: string[];
  j: number;
  onChange(g: string | undefined): void;
}) {
  const inv = useInvalid(path);
  return (
    <div className="cell">
      <select
        className="input"
        value={value ?? ''}
        aria-label="Port group"
        data-testid={`port-group-of-${j}`}
        onChange={(e) => onChange(e.target.value || undefined)}
        {...inv}
      >
        <option value="">No group (untagged)</option>
        {groups.map((g) => (
          <option key={g} value={g}>
            {g}
          </option>
        ))}
        {value && !groups.includes(value) && <option value={value}>{value} (missing)</option>}
      </select>
      <FieldErrors path={path} />
    </div>
  );
}
