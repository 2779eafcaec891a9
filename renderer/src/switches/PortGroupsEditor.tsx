import { Plus } from 'lucide-react';
import { newPortGroup } from './spec-edit';
import type { SectionProps } from './GeneralSection';
import { PortGroupRow } from './PortGroupRow';

/** Port groups: a name and a VLAN policy (untagged, one access VLAN, or a trunk with an optional native VLAN). */
export function PortGroupsEditor({ sw, at, update }: SectionProps) {
  const groups = sw.portGroups ?? [];
  const isOvs = (sw.type ?? 'linux') === 'ovs';
  return (
    <fieldset className="section">
      <legend className="section__title">Port groups</legend>
      <p className="field__hint">
        A port group is a named VLAN policy; ports join a group.
        {!isOvs && ' On a Linux bridge, groups with VLANs need VLAN filtering.'}
      </p>
      {groups.length > 0 && (
        <div className="table-scroll">
          <table className="grid-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Mode</th>
                <th scope="col">VLANs</th>
                {!isOvs && <th scope="col">Native</th>}
                <th scope="col" className="num">
                  Ports
                </th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g, j) => (
                <PortGroupRow
                  key={j}
                  group={g}
                  j={j}
                  at={`${at}.portGroups[${j}]`}
                  isOvs={isOvs}
                  members={(sw.ports ?? []).filter((x) => x.portGroup === g.name).length}
                  update={update}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <button
        type="button"
        className="button button--small"
        data-testid="add-port-group"
        onClick={() => update((s) => ({ ...s, portGroups: [...(s.portGroups ?? []), newPortGroup(s)] }))}
      >
        <Plus size={14} aria-hidden /> Add port group
      </button>
    </fieldset>
  );
}
