import { useState } from 'react';
import { CircleAlert } from 'lucide-react';
import { useModel } from '../model/model-context';
import { useSpec } from '../model/spec-context';
import { ErrorState, LoadingState, WithCode } from '../app/StatePanels';
import { TabBar } from '../app/TabBar';
import { SpecBar } from '../switches/SpecBar';
import { EditingLockedBanner, LockedYamlEditor } from '../switches/EditingLocked';
import { NetworksPanel } from './NetworksPanel';
import { DhcpPanel } from './DhcpPanel';
import { NatPanel } from './NatPanel';
import { LeasesPanel } from './LeasesPanel';
import { VmList } from './VmList';
import { sectionOf } from './net-edit';
import '../styles/switches.css';
import '../styles/networks.css';

type Tab = 'networks' | 'dhcp' | 'nat' | 'leases' | 'vms';

/** The Networks view: libvirt networks, standalone DHCP and NAT, live leases, and the VMs' network cards. */
export function NetworksView() {
  const s = useSpec();
  const { snapshot } = useModel();
  const [tab, setTab] = useState<Tab>('networks');
  const [yaml, setYaml] = useState(false);

  if (!s.specName || s.base.isPending) return <LoadingState text="Loading the spec…" />;
  if (s.base.isError)
    return <ErrorState error={s.base.error} onRetry={() => void s.base.refetch()} retrying={s.base.isFetching} />;

  const state = snapshot.data?.state;
  const libvirt = state?.sources.libvirt;
  const locked = !!s.run && s.run.phase !== 'finished';
  const count = (n: number) => (n > 0 ? n : undefined);
  const tabs: { id: Tab; label: string; count?: number }[] = [
    {
      id: 'networks',
      label: 'Networks',
      count: count(
        new Set([...sectionOf(s.draft, 'networks').map((n) => n.name), ...(state?.networks ?? []).map((n) => n.name)])
          .size,
      ),
    },
    { id: 'dhcp', label: 'DHCP servers', count: count(sectionOf(s.draft, 'dhcp').length) },
    { id: 'nat', label: 'NAT', count: count(sectionOf(s.draft, 'nat').length) },
    { id: 'leases', label: 'Leases' },
    { id: 'vms', label: 'Virtual machines', count: count(state?.domains.length ?? 0) },
  ];
  const panel = {
    networks: <NetworksPanel />,
    dhcp: <DhcpPanel />,
    nat: <NatPanel />,
    leases: <LeasesPanel />,
    vms: <VmList />,
  }[tab];

  return (
    <div className="networks" data-testid="networks-view">
      <SpecBar yaml={yaml} onYaml={setYaml} />
      {libvirt && libvirt.status !== 'ok' && (
        <div
          className={`banner${libvirt.status === 'skipped' ? '' : ' banner--error'}`}
          role={libvirt.status === 'skipped' ? 'status' : 'alert'}
          data-testid="libvirt-unavailable"
        >
          <CircleAlert size={16} className="banner__icon" aria-hidden />
          <div className="banner__text">
            {libvirt.status === 'skipped'
              ? 'libvirt is not read for this target'
              : `libvirt could not be read (${libvirt.status})`}
            {libvirt.message ? (
              <>
                : <WithCode text={libvirt.message.replace(/\.?$/, '.')} />
              </>
            ) : (
              '.'
            )}{' '}
            Networks and VMs on the host are not listed; the spec&apos;s can still be edited.
          </div>
        </div>
      )}
      {locked && <EditingLockedBanner />}
      {yaml ? (
        <LockedYamlEditor locked={locked} />
      ) : (
        <>
          <TabBar
            label="Networks"
            idPrefix="net-tab"
            tabs={tabs.map((t) => ({
              id: t.id,
              label: (
                <>
                  {t.label}
                  {t.count !== undefined && <span className="net-tab__count">{t.count}</span>}
                </>
              ),
            }))}
            current={tab}
            onSelect={setTab}
            panelId={() => 'net-tabpanel'}
          />
          <fieldset
            className="switches__lock net-tabpanel"
            role="tabpanel"
            id="net-tabpanel"
            aria-labelledby={`net-tab-${tab}`}
            disabled={locked && tab !== 'leases'}
          >
            {panel}
          </fieldset>
        </>
      )}
    </div>
  );
}
