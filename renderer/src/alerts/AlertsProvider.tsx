import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Alert, AlertEvent } from '../../../shared/model/stats';
import { useModel } from '../model/model-context';
import { AlertsContext, alertKindLabels, type AlertsModel } from './alerts-context';
import { useToasts } from './toast-context';
import { alertChannels, desktopNotify, windowUnattended } from './notify';

const RECENT = 100;
/** A burst (a switch losing every port) is one notification, not a wall of them. */
const BURST = 3;

const titleOf = (a: Alert) => `${a.ifname}: ${alertKindLabels[a.kind]}${a.direction ? ` (${a.direction})` : ''}`;

/** Alerts of the target, live: the list for the Monitor, the sidebar badge, toasts and desktop notifications. */
export function AlertsProvider({ children, onOpen }: { children: ReactNode; onOpen(): void }) {
  const { api, info, targetKey } = useModel();
  const toasts = useToasts();
  const [live, setLive] = useState<{ active: readonly Alert[]; recent: readonly AlertEvent[] } | null>(null);
  const [showRequest, setShowRequest] = useState(0);
  const list = useQuery({
    queryKey: ['alerts.list', targetKey],
    queryFn: () => api.invoke('alerts.list', {}),
    staleTime: Infinity,
  });

  const show = useCallback(() => {
    onOpen();
    setShowRequest((n) => n + 1);
  }, [onOpen]);
  const transport = info.data?.transport;
  const notifyRef = useRef({ toasts, show, transport });
  useEffect(() => {
    notifyRef.current = { toasts, show, transport };
  }, [toasts, show, transport]);

  useEffect(() => {
    return api.on('alerts.changed', (e) => {
      setLive((prev) => ({
        active: e.active,
        recent: [...[...e.events].reverse(), ...(prev?.recent ?? [])].slice(0, RECENT),
      }));
      const { toasts: t, show: open, transport: via } = notifyRef.current;
      const raised = e.events.filter((x) => x.type === 'raised').map((x) => x.alert);
      const cleared = e.events.filter((x) => x.type === 'cleared').map((x) => x.alert);
      if (raised.length > 0) {
        const critical = raised.some((a) => a.severity === 'critical');
        const title = raised.length > BURST ? `${raised.length} alerts raised` : raised.map(titleOf).join(', ');
        const body =
          raised.length > BURST ? raised.map((a) => a.ifname).join(', ') : raised.map((a) => a.message).join('\n');
        t.push({
          tone: critical ? 'error' : 'warning',
          title,
          body,
          action: { label: 'Show alerts', onClick: open },
          key: raised.length > BURST ? 'alert-burst' : undefined,
        });
        if (alertChannels(via, windowUnattended()).desktop)
          desktopNotify(`NovaNet: ${title}`, body, () => {
            window.focus();
            open();
          });
      }
      if (cleared.length > 0 && raised.length === 0) {
        t.push({
          tone: 'success',
          title:
            cleared.length > BURST ? `${cleared.length} alerts cleared` : `Cleared: ${cleared.map(titleOf).join(', ')}`,
          key: 'alert-cleared',
        });
      }
    });
  }, [api]);

  // The list call answers for the moment it was made; events after it are newer and win.
  const model = useMemo<AlertsModel>(
    () => ({
      active: live?.active ?? list.data?.active ?? [],
      recent: live ? mergeRecent(live.recent, list.data?.recent ?? []) : [...(list.data?.recent ?? [])].reverse(),
      loading: list.isPending,
      error: list.error,
      showRequest,
      show,
    }),
    [live, list.data, list.isPending, list.error, showRequest, show],
  );
  return <AlertsContext.Provider value={model}>{children}</AlertsContext.Provider>;
}

function mergeRecent(liveFirst: readonly AlertEvent[], listed: readonly AlertEvent[]): AlertEvent[] {
  const seen = new Set(liveFirst.map((e) => `${e.type}|${e.at}|${e.alert.id}`));
  const older = [...listed].reverse().filter((e) => !seen.has(`${e.type}|${e.at}|${e.alert.id}`));
  return [...liveFirst, ...older].slice(0, RECENT);
}
