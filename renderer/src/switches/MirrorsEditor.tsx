import { useState } from 'react';
import { Plus, Trash2 } from 'lucide-react';
import type { SwitchDoc } from '../changes/spec-doc';
import { useSpec } from '../model/spec-context';
import { FieldErrors, SelectField, TextField, useInvalid } from './fields';
import {
  addMirror,
  mirrorPorts,
  mirrorsOf,
  removeMirror,
  toggleSource,
  updateMirror,
  type Direction,
  type MirrorDoc,
} from './mirror-edit';
import { parseTrunk, formatTrunk } from './spec-edit';
import '../styles/mirrors.css';

const DIRECTIONS: { value: Direction; label: string }[] = [
  { value: 'both', label: 'Both ways' },
  { value: 'ingress', label: 'Ingress (what they send)' },
  { value: 'egress', label: 'Egress (what they receive)' },
];

/**
 * Port mirrors of this switch (the spec's `mirrors` entries naming it): copies of the sources' traffic go to the
 * output port, for an analyser or a capture. OVS mirrors rows in OVSDB; a Linux bridge uses tc mirred filters.
 */
export function MirrorsEditor({ sw }: { sw: SwitchDoc }) {
  const { draft, setDraft } = useSpec();
  const isOvs = (sw.type ?? 'linux') === 'ovs';
  const rows = draft ? mirrorsOf(draft, sw.name) : [];
  const ports = mirrorPorts(sw);
  return (
    <fieldset className="section" data-testid="mirrors-editor">
      <legend className="section__title">Mirrors</legend>
      <p className="field__hint">
        Copies of what the source ports send and receive go to the output port.
        {isOvs
          ? ' Open vSwitch can also mirror whole VLANs.'
          : ' On a Linux bridge this is a tc mirred filter per source port.'}
      </p>
      {rows.map(({ mirror, index }) => (
        <MirrorRow
          key={index}
          m={mirror}
          at={`mirrors[${index}]`}
          ports={ports}
          isOvs={isOvs}
          update={(fn) => setDraft((d) => updateMirror(d, index, fn))}
          remove={() => setDraft((d) => removeMirror(d, index))}
        />
      ))}
      <button
        type="button"
        className="button button--small"
        data-testid="add-mirror"
        disabled={!sw.name}
        title={sw.name ? undefined : 'Name the switch first'}
        onClick={() => setDraft((d) => addMirror(d, sw))}
      >
        <Plus size={14} aria-hidden /> Add mirror
      </button>
    </fieldset>
  );
}

function MirrorRow({
  m,
  at,
  ports,
  isOvs,
  update,
  remove,
}: {
  m: MirrorDoc;
  at: string;
  ports: string[];
  isOvs: boolean;
  update(fn: (m: MirrorDoc) => MirrorDoc): void;
  remove(): void;
}) {
  const sourcesInvalid = useInvalid(`${at}.sources`, true);
  // Kept as typed ("10, "), while the document gets the parsed list.
  const [vlanText, setVlanText] = useState(() => formatTrunk(m.vlans));
  const sources = m.sources ?? [];
  const outputs = ports.includes(m.output) || !m.output ? ports : [m.output, ...ports];
  return (
    <div className="mirror-row" data-testid={`mirror-${m.name}`}>
      <div className="mirror-row__head">
        <TextField
          label="Name"
          path={`${at}.name`}
          value={m.name}
          testId="mirror-name"
          onChange={(name) => update((x) => ({ ...x, name }))}
        />
        <button
          type="button"
          className="icon-button"
          aria-label={`Remove mirror ${m.name}`}
          title="Remove mirror"
          data-testid="mirror-remove"
          onClick={remove}
        >
          <Trash2 size={14} aria-hidden />
        </button>
      </div>
      <div className="field">
        <span className="field__label" id={`${at}-sources`}>
          Sources
        </span>
        <div className="mirror-row__ports" role="group" aria-labelledby={`${at}-sources`} {...sourcesInvalid}>
          {ports.length === 0 && <span className="muted">Add ports to the switch first.</span>}
          {ports.map((p) => (
            <label key={p} className="chip-check">
              <input
                type="checkbox"
                checked={sources.includes(p)}
                disabled={p === m.output}
                data-testid={`mirror-source-${p}`}
                onChange={(e) => update((x) => toggleSource(x, p, e.target.checked))}
              />
              {p}
            </label>
          ))}
        </div>
        <FieldErrors path={`${at}.sources`} deep />
      </div>
      <SelectField
        label="Direction"
        path={`${at}.direction`}
        value={m.direction ?? 'both'}
        options={DIRECTIONS}
        testId="mirror-direction"
        onChange={(direction) => update((x) => ({ ...x, direction }))}
      />
      <SelectField
        label="Output port"
        path={`${at}.output`}
        value={m.output}
        options={[
          ...(m.output ? [] : [{ value: '', label: 'Choose a port…' }]),
          ...outputs.map((p) => ({ value: p, label: p })),
        ]}
        testId="mirror-output"
        hint="The analyser's port; it cannot also be a source."
        onChange={(output) => update((x) => ({ ...x, output, sources: (x.sources ?? []).filter((s) => s !== output) }))}
      />
      {isOvs && (
        <TextField
          label="VLANs"
          path={`${at}.vlans`}
          deep
          value={
            JSON.stringify(parseTrunk(vlanText) ?? []) === JSON.stringify(m.vlans ?? [])
              ? vlanText
              : formatTrunk(m.vlans)
          }
          placeholder="none"
          testId="mirror-vlans"
          hint="Also mirror these VLANs on every port (Open vSwitch only)."
          onChange={(t) => {
            setVlanText(t);
            update((x) => ({ ...x, vlans: (parseTrunk(t) ?? []) as MirrorDoc['vlans'] }));
          }}
        />
      )}
      <FieldErrors path={at} />
    </div>
  );
}
