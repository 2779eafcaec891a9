/**
 * Watches a Target for changes and reports them debounced: `ip monitor` for links and addresses, OVSDB's own
 * monitor for switches, libvirt's event streams for domains and networks. Each watcher is one long-lived process.
 */
import { DEFAULT_LIBVIRT_URI, type Target } from '../../shared/model/target';
import { stream, resolveTool, type StreamHandle } from './runner';

export const DEBOUNCE_MS = 150;

export interface Watch {
  stop(): void;
  /** Watchers that could not start or died, with the reason (shown as a degraded live-update state). */
  problems(): string[];
}

export function watchTarget(target: Target, onChange: (reasons: string[]) => void, debounceMs = DEBOUNCE_MS): Watch {
  const reasons = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const problems: string[] = [];
  const fire = (reason: string) => {
    reasons.add(reason);
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      const list = [...reasons];
      reasons.clear();
      onChange(list);
    }, debounceMs);
  };

  const handles: StreamHandle[] = [];
  const start = (name: string, argv: string[], filter: (line: string) => boolean = () => true) => {
    const h = stream(argv, (line) => {
      if (filter(line)) fire(name);
    });
    handles.push(h);
    void h.done.then((why) => {
      if (why) problems.push(`${name}: ${why}`);
    });
  };

  start('links', ['ip', ...(target.netns ? ['-n', target.netns] : []), 'monitor', 'link', 'address']);
  if ((!target.netns || target.ovsDb) && resolveTool('ovsdb-client')) {
    const db = target.ovsDb ?? 'unix:/var/run/openvswitch/db.sock';
    // The first screenful is the initial table contents, not a change; ovsdb-client prints it at once.
    let primed = false;
    setTimeout(() => (primed = true), 500);
    start('ovs', ['ovsdb-client', 'monitor', db, 'Open_vSwitch', 'Bridge', 'name', 'Port', 'name,tag,trunks', 'Interface', 'name,link_state'], () => primed);
  }
  if ((!target.netns || target.libvirtUri) && resolveTool('virsh')) {
    const uri = target.libvirtUri ?? DEFAULT_LIBVIRT_URI;
    start('domains', ['virsh', '-r', '-c', uri, 'event', '--all', '--loop'], (l) => l.startsWith('event'));
    start('networks', ['virsh', '-r', '-c', uri, 'net-event', '--all', '--loop'], (l) => l.startsWith('event'));
  }
  return {
    stop() {
      if (timer) clearTimeout(timer);
      for (const h of handles) h.stop();
    },
    problems: () => [...problems],
  };
}
