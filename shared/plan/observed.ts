import type { Link } from '../model/host-state';

/** Addresses a user configured (not link-local, not loopback), as `address/prefix`. */
export function globalAddresses(l: Link | undefined): string[] {
  return (l?.addresses ?? [])
    .filter((a) => a.scope !== 'link' && a.scope !== 'host' && !(a.family === 'inet6' && a.address.toLowerCase().startsWith('fe80:')))
    .map((a) => `${a.address}/${a.prefixLength}`);
}
