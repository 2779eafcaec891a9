import { Cable, Monitor, Network, Tags, Waypoints } from 'lucide-react';
import type { SeriesKind } from '../../../shared/model/stats';

const icons = { interface: Cable, vnic: Waypoints, vm: Monitor, portgroup: Tags, switch: Network } as const;

/** The kind of a series at a glance, coloured like the same object on the graph. */
export function SeriesIcon({ kind, size = 14 }: { kind: SeriesKind; size?: number }) {
  const Icon = icons[kind];
  return <Icon size={size} className={`series-icon series-icon--${kind}`} aria-hidden />;
}
