import { ReactFlowProvider } from '@xyflow/react';
import type { TopologyGraph } from '../../../shared/topology/graph';
import { LoadingState } from '../app/StatePanels';
import { useLayout } from './use-layout';
import { TopologyFlow } from './TopologyFlow';
import { Banner } from './Banners';
import { useGraphWithGhosts } from './use-ghosts';

/** Waits for the first layout of this target, then shows the interactive graph. */
export function TopologyWorkspace({ graph: hostGraph, targetKey }: { graph: TopologyGraph; targetKey: string }) {
  const graph = useGraphWithGhosts(hostGraph);
  const layout = useLayout(graph, targetKey);
  if (!layout.ready) {
    return <LoadingState text={`Arranging ${graph.nodes.length} objects…`} />;
  }
  return (
    <>
      {layout.error && (
        <Banner tone="warning" testId="layout-banner">
          Automatic layout failed ({layout.error}); objects are shown in columns by kind instead.
        </Banner>
      )}
      <ReactFlowProvider>
        <TopologyFlow graph={graph} layout={layout} />
      </ReactFlowProvider>
    </>
  );
}
