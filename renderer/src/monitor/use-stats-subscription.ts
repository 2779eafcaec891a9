/**
 * One live statistics subscription for as long as a component wants it. The server ends a subscription whose
 * lease runs out (a closed window cannot leak a sampler), so it is renewed well before; a silence longer than a
 * few intervals (the server restarted, the socket reconnected) renews at once instead of waiting for the lease.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { SeriesKind, StatsSampleEvent } from '../../../shared/model/stats';
import { useModel } from '../model/model-context';

export interface SubscriptionSpec {
  keys?: string[];
  kinds?: SeriesKind[];
  top?: number;
  intervalS: number;
}

const noop = () => undefined;

export function useStatsSubscription(
  spec: SubscriptionSpec | null,
  onSample: (e: StatsSampleEvent) => void,
): Error | null {
  const { api } = useModel();
  const [error, setError] = useState<Error | null>(null);
  const callback = useRef(onSample);
  useLayoutEffect(() => {
    callback.current = onSample;
  });
  // Kept across spec changes: changing the series re-subscribes under the same id instead of a new one.
  const idRef = useRef<string | null>(null);
  const specKey = spec && ((spec.keys?.length ?? 0) > 0 || (spec.kinds?.length ?? 0) > 0) ? JSON.stringify(spec) : null;

  useEffect(() => {
    if (!specKey) return;
    const params = JSON.parse(specKey) as SubscriptionSpec;
    let disposed = false;
    let renew: number | undefined;
    let lastHeard = Date.now();
    const off = api.on('stats.sample', (e) => {
      if (e.subscriptionId !== idRef.current) return;
      lastHeard = Date.now();
      callback.current(e);
    });
    const subscribe = async () => {
      clearTimeout(renew);
      try {
        const r = await api.invoke('stats.subscribe', {
          ...params,
          ...(idRef.current ? { subscriptionId: idRef.current } : {}),
        });
        if (disposed) {
          if (r.subscriptionId !== idRef.current)
            void api.invoke('stats.unsubscribe', { subscriptionId: r.subscriptionId }).catch(noop);
          return;
        }
        idRef.current = r.subscriptionId;
        setError(null);
        renew = window.setTimeout(() => void subscribe(), Math.max(5, r.leaseS / 3) * 1000);
      } catch (err) {
        if (disposed) return;
        setError(err instanceof Error ? err : new Error(String(err)));
        renew = window.setTimeout(() => void subscribe(), 3000);
      }
    };
    const watchdog = window.setInterval(() => {
      if (Date.now() - lastHeard < (params.intervalS * 3 + 4) * 1000) return;
      lastHeard = Date.now();
      void subscribe();
    }, 2000);
    void subscribe();
    return () => {
      disposed = true;
      off();
      clearTimeout(renew);
      clearInterval(watchdog);
    };
  }, [api, specKey]);

  // Ends the subscription when the component goes away (or stops wanting one), not on every spec change.
  const wanted = specKey !== null;
  useEffect(() => {
    if (!wanted) return;
    return () => {
      const id = idRef.current;
      idRef.current = null;
      if (id) void api.invoke('stats.unsubscribe', { subscriptionId: id }).catch(noop);
    };
  }, [api, wanted]);

  return error;
}
