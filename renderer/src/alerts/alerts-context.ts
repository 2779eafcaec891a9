import { createContext, useContext } from 'react';
import type { Alert, AlertEvent, AlertKind } from '../../../shared/model/stats';

export interface AlertsModel {
  active: readonly Alert[];
  /** Newest first. */
  recent: readonly AlertEvent[];
  loading: boolean;
  error: Error | null;
  /** Bumped when a notification's "Show" is pressed: the Monitor view opens its Alerts tab. */
  showRequest: number;
  show(): void;
}

export const AlertsContext = createContext<AlertsModel | null>(null);

export function useAlerts(): AlertsModel {
  const a = useContext(AlertsContext);
  if (!a) throw new Error('useAlerts must be used inside <AlertsProvider>');
  return a;
}

export const alertKindLabels: Record<AlertKind, string> = {
  bandwidth: 'Bandwidth',
  errors: 'Errors',
  drops: 'Drops',
  'link-down': 'Link down',
  anomaly: 'Unusual traffic',
};
