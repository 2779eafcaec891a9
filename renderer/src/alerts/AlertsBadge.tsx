import { useAlerts } from './alerts-context';

/** Active alerts on the Monitor's sidebar entry: red when one is critical. Nothing when all is well. */
export function AlertsBadge() {
  const { active } = useAlerts();
  if (active.length === 0) return null;
  const critical = active.some((a) => a.severity === 'critical');
  return (
    <span
      className={`count-badge alerts-badge${critical ? ' count-badge--error' : ''}`}
      data-testid="alerts-badge"
      data-count={active.length}
      aria-label={`${active.length} active alert${active.length === 1 ? '' : 's'}`}
      title={`${active.length} active alert${active.length === 1 ? '' : 's'}`}
    >
      {active.length}
    </span>
  );
}
