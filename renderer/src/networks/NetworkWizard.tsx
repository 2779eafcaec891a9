import { useId } from 'react';
import { Sparkles } from 'lucide-react';
import { networkModes, type NetworkMode } from '../../../shared/spec/vm-networks';
import { useModel } from '../model/model-context';
import { useSpec } from '../model/spec-context';
import { FieldErrors, SelectField, TextField } from '../switches/fields';
import { setKey } from '../switches/spec-edit';
import { HostsEditor, RangesEditor } from './DhcpRows';
import { EntryDialog } from './EntryDialog';
import {
  bridgeChoices,
  changeMode,
  defaultRange,
  modeInfo,
  setAddress,
  setDhcp,
  suggestFor,
  type NetworkDoc,
} from './net-edit';

/** Create or edit one libvirt network: what it is, how VMs on it reach out, and how they get addresses. */
export function NetworkWizard({
  index,
  initial,
  onClose,
}: {
  index: number | undefined;
  initial: NetworkDoc;
  onClose(): void;
}) {
  const s = useSpec();
  const state = useModel().snapshot.data?.state;
  const suggestion = suggestFor(state, s.draft, index);
  const bridges = bridgeChoices(s.draft, state);
  const modeName = useId();
  return (
    <EntryDialog
      section="networks"
      index={index}
      initial={initial}
      title={index === undefined ? 'New virtual network' : `Edit network ${initial.name}`}
      testId="network-wizard"
      focus="network-name"
      onClose={onClose}
    >
      {(net, set, at) => {
        const mode = net.mode ?? 'nat';
        const dhcp = net.ipv4?.dhcp;
        const bridgeOptions =
          bridges.some((b) => b.name === net.bridge) || !net.bridge
            ? bridges
            : [{ name: net.bridge, where: 'not found' }, ...bridges];
        return (
          <>
            <TextField
              label="Name"
              path={`${at}.name`}
              value={net.name}
              testId="network-name"
              hint="The libvirt network name: letters, digits, '_', '.' and '-'."
              onChange={(name) => set((n) => ({ ...n, name }))}
            />
            <fieldset className="net-modes" role="radiogroup" aria-label="Mode">
              <legend className="field__label">Mode</legend>
              {networkModes.map((m: NetworkMode) => (
                <label key={m} className={`net-mode${mode === m ? ' is-checked' : ''}`}>
                  <input
                    type="radio"
                    name={modeName}
                    value={m}
                    checked={mode === m}
                    data-testid={`network-mode-${m}`}
                    onChange={() => set((n) => changeMode(n, m, { suggestion, bridge: bridges[0]?.name }))}
                  />
                  <span className="net-mode__label">{modeInfo[m].label}</span>
                  <span className="net-mode__text">{modeInfo[m].text}</span>
                </label>
              ))}
              <FieldErrors path={`${at}.mode`} />
            </fieldset>
            {mode === 'bridge' ? (
              bridgeOptions.length > 0 ? (
                <SelectField
                  label="Switch"
                  path={`${at}.bridge`}
                  value={net.bridge ?? ''}
                  testId="network-switch"
                  hint="VMs on this network are plugged straight into this switch."
                  options={bridgeOptions.map((b) => ({ value: b.name, label: `${b.name} — ${b.where}` }))}
                  onChange={(b) => set((n) => ({ ...n, bridge: b }))}
                />
              ) : (
                <div className="field">
                  <span className="field__label">Switch</span>
                  <p className="field__hint">No switch to attach to: add one in the Switches view first.</p>
                  <FieldErrors path={`${at}.bridge`} />
                </div>
              )
            ) : (
              <div className="grid grid--2">
                <TextField
                  label="Bridge name"
                  path={`${at}.bridge`}
                  value={net.bridge ?? ''}
                  placeholder="chosen by libvirt (virbrN)"
                  testId="network-bridge"
                  hint="The bridge libvirt creates for this network; up to 15 characters."
                  onChange={(b) => set((n) => setKey(n, 'bridge', b.trim() || undefined))}
                />
                <TextField
                  label="DNS domain"
                  path={`${at}.dns.domain`}
                  value={net.dns?.domain ?? ''}
                  placeholder="none"
                  testId="network-domain"
                  hint="VMs' host names resolve under it, e.g. lab.internal."
                  onChange={(d) => set((n) => setKey(n, 'dns', d.trim() ? { domain: d.trim() } : undefined))}
                />
              </div>
            )}
            {mode !== 'bridge' && (
              <fieldset className="section net-dialog__section">
                <legend className="section__title">IPv4 and DHCP</legend>
                <div className="net-address">
                  <TextField
                    label="Host address and prefix"
                    path={`${at}.ipv4.address`}
                    value={net.ipv4?.address ?? ''}
                    placeholder={mode === 'nat' || mode === 'route' ? '192.168.150.1/24' : 'none (no address)'}
                    testId="network-address"
                    hint={
                      mode === 'isolated' || mode === 'open'
                        ? 'Optional for this mode: without it the host has no address on the network and there is no DHCP.'
                        : 'The host’s address on the network; VMs use it as their gateway.'
                    }
                    onChange={(a) =>
                      set((n) => {
                        const t = a.trim();
                        if (!t && (mode === 'isolated' || mode === 'open')) return setKey(n, 'ipv4', undefined);
                        return setAddress(n, t);
                      })
                    }
                  />
                  {'error' in suggestion ? (
                    <p className="field__hint net-address__suggest">No suggestion: {suggestion.error}</p>
                  ) : (
                    net.ipv4?.address !== suggestion.address && (
                      <button
                        type="button"
                        className="button button--small net-address__suggest"
                        data-testid="use-suggested-subnet"
                        title="The first private subnet that overlaps nothing on the host or in the spec"
                        onClick={() => set((n) => setAddress(n, suggestion.address))}
                      >
                        <Sparkles size={14} aria-hidden /> Use {suggestion.address}
                      </button>
                    )
                  )}
                </div>
                <FieldErrors path={`${at}.ipv4`} />
                <label className="check net-dialog__check">
                  <input
                    type="checkbox"
                    checked={!!dhcp}
                    disabled={!net.ipv4}
                    data-testid="network-dhcp"
                    onChange={(e) => set((n) => setDhcp(n, e.target.checked))}
                  />
                  Hand out addresses with DHCP
                </label>
                {dhcp && (
                  <div className="net-dialog__dhcp">
                    <RangesEditor
                      at={`${at}.ipv4.dhcp.ranges`}
                      ranges={dhcp.ranges ?? []}
                      fresh={defaultRange(net.ipv4?.address ?? '')}
                      onChange={(ranges) =>
                        set((n) => ({ ...n, ipv4: { ...n.ipv4!, dhcp: { ...n.ipv4!.dhcp, ranges } } }))
                      }
                    />
                    <HostsEditor
                      at={`${at}.ipv4.dhcp.hosts`}
                      hosts={dhcp.hosts ?? []}
                      onChange={(hosts) =>
                        set((n) => ({ ...n, ipv4: { ...n.ipv4!, dhcp: { ...n.ipv4!.dhcp, hosts } } }))
                      }
                    />
                  </div>
                )}
              </fieldset>
            )}
            <FieldErrors path={`${at}.dns`} />
            <label className="check net-dialog__check">
              <input
                type="checkbox"
                checked={net.autostart ?? true}
                data-testid="network-autostart"
                onChange={(e) => set((n) => ({ ...n, autostart: e.target.checked }))}
              />
              Start with the host (autostart)
            </label>
            <TextField
              label="Description"
              path={`${at}.description`}
              value={net.description ?? ''}
              placeholder="optional"
              onChange={(d) => set((n) => setKey(n, 'description', d || undefined))}
            />
          </>
        );
      }}
    </EntryDialog>
  );
}
