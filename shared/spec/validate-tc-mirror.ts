/** What a Linux-bridge mirror (tc mirred) needs beyond what every mirror needs. */
import type { Link } from '../model/host-state';
import type { MirrorSpec } from './schema';

export function validateTcMirror(
  m: MirrorSpec,
  i: number,
  links: ReadonlyMap<string, Link>,
  created: ReadonlyMap<string, string>,
  add: (path: string, message: string) => void,
): void {
  if (m.vlans.length > 0)
    add(
      `mirrors[${i}].vlans`,
      'selecting VLANs is supported on Open vSwitch switches only; on a Linux bridge list source ports',
    );
  // tc filters hang on a device: it must be there when the plan runs (created by this spec, or on the host now).
  const exists = (n: string) => links.has(n) || created.has(n);
  m.sources.forEach((src, j) => {
    if (!exists(src))
      add(
        `mirrors[${i}].sources[${j}]`,
        `${src} does not exist on the host (a Linux-bridge mirror attaches to the device)`,
      );
  });
  if (!exists(m.output))
    add(
      `mirrors[${i}].output`,
      `${m.output} does not exist on the host (a Linux-bridge mirror sends copies to the device)`,
    );
}
