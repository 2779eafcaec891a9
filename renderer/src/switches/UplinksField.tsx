import type { HostState } from '../../../shared/model/host-state';
import type { SwitchDoc } from '../changes/spec-doc';
import { FieldErrors } from './fields';
import { kindLabel, nicChoices } from './nics';
import type { SectionProps } from './GeneralSection';

/** Uplinks chosen from the interfaces discovered on the host, with their kind and state. */
export function UplinksField({
  sw,
  at,
  update,
  index,
  switches,
  state,
}: SectionProps & { index: number; switches: SwitchDoc[]; state: HostState | undefined }) {
  const uplinks = sw.uplinks ?? [];
  const { choices, hidden } = nicChoices(state, switches, index, 'uplink');
  const toggle = (name: string, on: boolean) =>
    update((s) => ({ ...s, uplinks: on ? [...(s.uplinks ?? []), name] : (s.uplinks ?? []).filter((u) => u !== name) }));
  return (
    <fieldset className="section">
      <legend className="section__title">Uplinks</legend>
      <p className="field__hint">
        Interfaces that connect this switch to the outside. Each can belong to one switch only.
      </p>
      {choices.length === 0 ? (
        <p className="muted">No free interfaces on this host.</p>
      ) : (
        <ul className="nic-list">
          {choices.map((c) => {
            const checked = uplinks.includes(c.name);
            const j = uplinks.indexOf(c.name);
            const path = `${at}.uplinks[${j}]`;
            return (
              <li key={c.name} className={`nic${c.usedBy ? ' is-disabled' : ''}${c.missing ? ' is-missing' : ''}`}>
                <label className="nic__label">
                  <input
                    type="checkbox"
                    checked={checked}
                    disabled={!!c.usedBy && !checked}
                    data-testid={`uplink-${c.name}`}
                    onChange={(e) => toggle(c.name, e.target.checked)}
                  />
                  <span className="nic__name">{c.name}</span>
                  <span className="nic__kind">{kindLabel[c.kind]}</span>
                  <span
                    className={`state-pill state-pill--${c.missing ? 'missing' : c.operState === 'up' ? 'up' : c.operState === 'down' ? 'down' : 'neutral'}`}
                  >
                    {c.missing ? 'not on host' : c.operState}
                  </span>
                  {c.usedBy && <span className="nic__used">{c.usedBy}</span>}
                  {c.mac && <span className="nic__mac">{c.mac}</span>}
                </label>
                {checked && <FieldErrors path={path} />}
              </li>
            );
          })}
        </ul>
      )}
      {hidden > 0 && (
        <p className="field__hint">
          {hidden} interface{hidden === 1 ? ' is' : 's are'} not listed: already in a bridge or switch that this spec
          does not own.
        </p>
      )}
      <FieldErrors path={`${at}.uplinks`} />
    </fieldset>
  );
}
