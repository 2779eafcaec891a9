import { CircleCheck, CircleHelp, CircleX } from 'lucide-react';
import { capabilityLabels, capabilityNames, type CapabilityName } from '../../../shared/model/capabilities';
import { useModel } from '../model/model-context';
import { ErrorState, LoadingState } from '../app/StatePanels';

/** What each feature is needed for, so a missing one says what it prevents. */
const NEEDED_FOR: Record<CapabilityName, string> = {
  bridgeVlanFiltering: 'port groups with VLANs on Linux bridges',
  vlan8021q: 'VLAN sub-interfaces (vlans)',
  bonding: 'bonds',
  geneve: 'GENEVE overlays',
  vxlan: 'VXLAN overlays',
  vrf: 'VRF routing domains',
  ovsKernelDatapath: 'Open vSwitch on the kernel datapath (datapath: system); the userspace datapath is used instead',
  ovsUserspaceDatapath: 'Open vSwitch without its kernel module',
  htb: 'traffic shaping (QoS)',
  netem: 'delay and loss emulation',
  fqCodel: 'fair queueing',
  tcMirred: 'port mirrors on Linux bridges',
  nftInet: 'NAT, port forwards and firewall rules',
  nftBridge: 'filtering bridged traffic',
  nftNetdev: 'ingress filtering',
};

/** Settings → Host capabilities: what this kernel and its tools can do, and what a missing feature prevents. */
export function SettingsView() {
  const { info, snapshot, refresh } = useModel();
  if (snapshot.isPending) return <LoadingState text="Probing the host…" />;
  if (snapshot.isError) return <ErrorState error={snapshot.error} onRetry={refresh} retrying={snapshot.isFetching} />;
  const caps = snapshot.data.state.capabilities;
  return (
    <div className="settings" data-testid="settings-view">
      <section className="settings__section" aria-labelledby="caps-title">
        <h2 id="caps-title" className="settings__title">
          Host capabilities
        </h2>
        {caps ? (
          <>
            <p className="settings__meta">
              Kernel {caps.kernel} · probed {new Date(caps.probedAt).toLocaleString()}
            </p>
            <table className="settings__table" data-testid="capabilities-table">
              <thead>
                <tr>
                  <th scope="col">Feature</th>
                  <th scope="col">Status</th>
                  <th scope="col">Needed for</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {capabilityNames.map((name) => {
                  const f = caps.features[name];
                  const state = !f || f.probed === false ? 'unknown' : f.available ? 'available' : 'missing';
                  const Icon = state === 'available' ? CircleCheck : state === 'missing' ? CircleX : CircleHelp;
                  return (
                    <tr key={name} data-testid={`capability-${name}`} data-state={state}>
                      <th scope="row">{capabilityLabels[name]}</th>
                      <td>
                        <span className={`cap cap--${state}`}>
                          <Icon size={15} aria-hidden />
                          {state === 'available' ? 'Available' : state === 'missing' ? 'Missing' : 'Unknown'}
                        </span>
                      </td>
                      <td>{NEEDED_FOR[name]}</td>
                      <td className="settings__detail">{f?.detail ?? ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </>
        ) : (
          <p className="settings__meta">The host's capabilities could not be probed.</p>
        )}
      </section>
      {info.data && (
        <section className="settings__section" aria-labelledby="about-title">
          <h2 id="about-title" className="settings__title">
            About
          </h2>
          <dl className="settings__about">
            <dt>Version</dt>
            <dd>{info.data.version}</dd>
            <dt>Connected through</dt>
            <dd>{info.data.transport === 'web' ? 'web mode (WebSocket)' : 'the desktop app'}</dd>
            <dt>Target</dt>
            <dd>{info.data.targetLabel}</dd>
            <dt>Privileges</dt>
            <dd>{info.data.privileged ? 'running as root: changes apply directly' : 'changes ask for authentication (polkit)'}</dd>
          </dl>
        </section>
      )}
    </div>
  );
}
