import { useModel } from '../model/model-context';
import { EmptyState, ErrorState, LoadingState } from '../app/StatePanels';
import { PartialBanner, StaleBanner } from './Banners';
import { TopologyWorkspace } from './TopologyWorkspace';

export function TopologyView() {
  const { snapshot, targetKey, info, refresh } = useModel();
  const data = snapshot.data;

  if (!data) {
    if (snapshot.isError) {
      return <ErrorState error={snapshot.error} onRetry={() => void snapshot.refetch()} retrying={snapshot.isFetching} />;
    }
    return <LoadingState text="Reading the host's network…" />;
  }

  // A namespace always has its loopback; with nothing else there is nothing to draw.
  const empty = !data.graph.nodes.some((n) => n.kind !== 'loopback');
  const where = info.data?.targetLabel ?? 'This host';
  return (
    <div className="topology">
      {snapshot.isError && <StaleBanner error={snapshot.error} takenAt={data.state.takenAt} onRetry={refresh} />}
      <PartialBanner state={data.state} />
      {empty ? (
        <EmptyState title="No network interfaces yet">
          <p>{where} has no interfaces besides loopback.</p>
          <p>
            Start the demo lab with <code>npx novanet lab up</code>, or create a bridge or veth pair. New interfaces appear
            here within a second or two — there is no need to reload.
          </p>
        </EmptyState>
      ) : (
        <TopologyWorkspace key={targetKey} graph={data.graph} targetKey={targetKey} />
      )}
    </div>
  );
}
