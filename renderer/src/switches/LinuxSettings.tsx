import { useId } from 'react';
import { FieldErrors, NumberField, TriStateField, useInvalid } from './fields';
import { setKey } from './spec-edit';
import type { SectionProps } from './GeneralSection';

type Stp = NonNullable<SectionProps['sw']['stp']>;

/** Linux bridge settings: STP and its timers, VLAN filtering, multicast snooping, MAC ageing. */
export function LinuxSettings({ sw, at, update }: SectionProps) {
  const stpId = useId();
  const stp = sw.stp;
  const invalid = useInvalid(`${at}.stp.enabled`);
  const setStp = <K extends keyof Stp>(k: K, v: Stp[K] | undefined) =>
    update((s) => ({ ...s, stp: setKey<Stp, K>(s.stp ?? { enabled: true }, k, v) }));
  return (
    <fieldset className="section">
      <legend className="section__title">Linux bridge</legend>
      <div className="field">
        <label className="check" htmlFor={stpId}>
          <input
            id={stpId}
            type="checkbox"
            checked={!!stp?.enabled}
            data-testid="stp-enabled"
            onChange={(e) => update((s) => ({ ...s, stp: { ...(s.stp ?? {}), enabled: e.target.checked } }))}
            {...invalid}
          />
          <span>Spanning Tree Protocol (STP)</span>
        </label>
        <p className="field__hint">
          Prevents loops when the switch has more than one path to the same network. Off by default.
        </p>
        <FieldErrors path={`${at}.stp.enabled`} />
        <FieldErrors path={`${at}.stp`} />
      </div>
      {stp?.enabled && (
        <div className="grid grid--4 section__nested">
          <NumberField
            label="Priority"
            path={`${at}.stp.priority`}
            value={stp.priority}
            placeholder="32768"
            testId="stp-priority"
            onChange={(v) => setStp('priority', v)}
          />
          <NumberField
            label="Forward delay"
            path={`${at}.stp.forwardDelay`}
            value={stp.forwardDelay}
            placeholder="15"
            unit="s"
            testId="stp-forward-delay"
            onChange={(v) => setStp('forwardDelay', v)}
          />
          <NumberField
            label="Hello time"
            path={`${at}.stp.helloTime`}
            value={stp.helloTime}
            placeholder="2"
            unit="s"
            testId="stp-hello"
            onChange={(v) => setStp('helloTime', v)}
          />
          <NumberField
            label="Max age"
            path={`${at}.stp.maxAge`}
            value={stp.maxAge}
            placeholder="20"
            unit="s"
            testId="stp-max-age"
            onChange={(v) => setStp('maxAge', v)}
          />
        </div>
      )}
      <div className="grid grid--3">
        <TriStateField
          label="VLAN filtering"
          path={`${at}.vlanFiltering`}
          value={sw.vlanFiltering}
          defaultText="off"
          testId="vlan-filtering"
          hint="Needed for port groups with VLANs on a Linux bridge."
          onChange={(v) => update((s) => setKey(s, 'vlanFiltering', v))}
        />
        <TriStateField
          label="Multicast snooping"
          path={`${at}.multicastSnooping`}
          value={sw.multicastSnooping}
          defaultText="on"
          testId="multicast-snooping"
          onChange={(v) => update((s) => setKey(s, 'multicastSnooping', v))}
        />
        <NumberField
          label="MAC ageing time"
          path={`${at}.ageingTime`}
          value={sw.ageingTime}
          placeholder="300"
          unit="s"
          testId="ageing-time"
          onChange={(v) => update((s) => setKey(s, 'ageingTime', v))}
        />
      </div>
    </fieldset>
  );
}
