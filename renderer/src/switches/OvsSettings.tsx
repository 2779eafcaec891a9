import { FieldErrors, SelectField, TextField } from './fields';
import { setKey } from './spec-edit';
import type { SectionProps } from './GeneralSection';

type Sw = SectionProps['sw'];
type Controller = NonNullable<Sw['controller']>;
type Protocol = NonNullable<Controller['protocols']>[number];

const PROTOCOLS: Protocol[] = ['OpenFlow10', 'OpenFlow11', 'OpenFlow12', 'OpenFlow13', 'OpenFlow14', 'OpenFlow15'];

/** Open vSwitch settings: datapath, fail mode, and an optional OpenFlow controller. */
export function OvsSettings({ sw, at, update }: SectionProps) {
  const ctl = sw.controller;
  const setController = (next: Partial<Controller>) =>
    update((s) => {
      const merged: Controller = { target: '', ...(s.controller ?? {}), ...next };
      if (!merged.protocols?.length) delete merged.protocols;
      // No target and no protocols: no controller at all.
      return setKey(s, 'controller', merged.target === '' && !merged.protocols ? undefined : merged);
    });
  const protocols = ctl?.protocols ?? [];
  return (
    <fieldset className="section">
      <legend className="section__title">Open vSwitch</legend>
      <div className="grid grid--2">
        <SelectField
          label="Datapath"
          path={`${at}.datapath`}
          value={sw.datapath ?? 'auto'}
          testId="ovs-datapath"
          options={[
            { value: 'auto', label: 'Automatic (kernel when available)' },
            { value: 'system', label: 'Kernel (system)' },
            { value: 'netdev', label: 'Userspace (netdev)' },
          ]}
          onChange={(v) => update((s) => setKey(s, 'datapath', v === 'auto' ? undefined : v))}
        />
        <SelectField
          label="Fail mode"
          path={`${at}.failMode`}
          value={sw.failMode ?? 'default'}
          testId="ovs-fail-mode"
          hint="What the switch does without a controller: standalone keeps switching, secure drops."
          options={[
            { value: 'default', label: 'Default (standalone)' },
            { value: 'standalone', label: 'Standalone' },
            { value: 'secure', label: 'Secure' },
          ]}
          onChange={(v) => update((s) => setKey(s, 'failMode', v === 'default' ? undefined : v))}
        />
        <TextField
          label="Controller"
          path={`${at}.controller.target`}
          value={ctl?.target ?? ''}
          placeholder="tcp:127.0.0.1:6653"
          testId="ovs-controller"
          hint="Optional OpenFlow controller."
          onChange={(target) => setController({ target: target.trim() })}
        />
      </div>
      <div className="field">
        <span className="field__label">OpenFlow versions</span>
        <div className="check-row">
          {PROTOCOLS.map((p) => (
            <label key={p} className="check">
              <input
                type="checkbox"
                checked={protocols.includes(p)}
                data-testid={`ovs-protocol-${p}`}
                onChange={(e) =>
                  setController({
                    protocols: e.target.checked
                      ? PROTOCOLS.filter((x) => x === p || protocols.includes(x))
                      : protocols.filter((x) => x !== p),
                  })
                }
              />
              <span>{`${p.slice(8, 9)}.${p.slice(9)}`}</span>
            </label>
          ))}
        </div>
        <FieldErrors path={`${at}.controller`} />
        <FieldErrors path={`${at}.controller.protocols`} deep />
      </div>
    </fieldset>
  );
}
