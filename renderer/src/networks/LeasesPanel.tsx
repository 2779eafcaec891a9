import { useId, useState } from 'react';
import { LoaderCircle, RefreshCw } from 'lucide-react';
import { ErrorState, LoadingState } from '../app/StatePanels';
import { IssueList } from '../switches/fields';
import { PanelTitle } from './EntryTable';
import { formatExpiry } from './net-edit';
import { LEASES_POLL_MS, useLeases, useNow } from './use-leases';

/** DHCP leases of every libvirt network and NovaNet dnsmasq, live while this tab is open. */
export function LeasesPanel() {
  const q = useLeases();
  const now = useNow(1000);
  const [network, setNetwork] = useState('');
  const filterId = useId();

  if (q.isPending) return <LoadingState text="Reading the DHCP leases…" />;
  if (q.isError && !q.data)
    return <ErrorState error={q.error} onRetry={() => void q.refetch()} retrying={q.isFetching} />;

  const { leases, errors } = q.data;
  const networks = [...new Set(leases.map((l) => l.network))].sort();
  const shown = leases
    .filter((l) => !network || l.network === network)
    .sort((a, b) => a.network.localeCompare(b.network) || a.ip.localeCompare(b.ip, undefined, { numeric: true }));
  const age = Math.max(0, Math.round((now - q.dataUpdatedAt) / 1000));
  return (
    <section className="net-panel" data-testid="leases-panel">
      <PanelTitle
        title="DHCP leases"
        text={<>Addresses handed out right now, refreshed every {LEASES_POLL_MS / 1000} s while shown.</>}
      >
        <div className="net-panel__tools">
          <label htmlFor={filterId} className="field__label">
            Network
          </label>
          <select
            id={filterId}
            className="input"
            value={network}
            data-testid="leases-filter"
            onChange={(e) => setNetwork(e.target.value)}
          >
            <option value="">All networks</option>
            {networks.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <span className="muted net-panel__age" data-testid="leases-age" role="status">
            {q.isFetching ? (
              <LoaderCircle size={13} className="spin" aria-hidden />
            ) : (
              <RefreshCw size={13} aria-hidden />
            )}
            {q.isError ? 'refresh failed, retrying' : age < 2 ? 'just now' : `${age} s ago`}
          </span>
        </div>
      </PanelTitle>
      {errors.length > 0 && (
        <IssueList
          items={errors}
          box
          className="net-panel__issues"
          testId="leases-errors"
          text={(e) => (
            <>
              <strong>{e.network}</strong>: {e.message}
            </>
          )}
        />
      )}
      {shown.length === 0 ? (
        <p className="net-panel__empty" data-testid="leases-empty">
          {network ? `No leases on ${network} yet.` : 'No leases yet.'} A VM or client appears here once it asks for an
          address.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="net-table" aria-label="DHCP leases" data-testid="leases-table">
            <thead>
              <tr>
                <th scope="col">Network</th>
                <th scope="col">MAC</th>
                <th scope="col">IP address</th>
                <th scope="col">Host name</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((l) => (
                <tr key={`${l.network}|${l.mac}|${l.ip}`} data-testid={`lease-${l.mac}`}>
                  <td>
                    {l.network}
                    <span className="muted net-table__sub">
                      {l.source === 'libvirt' ? 'libvirt' : 'NovaNet dnsmasq'}
                    </span>
                  </td>
                  <td className="mono">{l.mac}</td>
                  <td className="mono" data-testid="lease-ip">
                    {l.ip}
                    {l.reserved && (
                      <span className="state-pill state-pill--up net-badge" title="This MAC has a reservation">
                        reserved
                      </span>
                    )}
                  </td>
                  <td>{l.hostname ?? <span className="muted">—</span>}</td>
                  <td title={l.expiresAt ?? 'infinite lease'}>{formatExpiry(l.expiresAt, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
