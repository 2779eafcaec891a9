import { useContext, useState } from 'react';
import { Network } from 'lucide-react';
import type { GraphNode, NodeKind } from '../../../shared/topology/graph';
import { SpecContext } from '../model/spec-context';
import { BridgeNicWizard } from './BridgeNicWizard';
import '../styles/bridge-nic.css';

/**
 * Opens the "bridge my NIC" wizard: `nic` preselects one (from a NIC's details panel in the topology); without it
 * the wizard starts with the first free NIC (from the Switches view).
 */
export function BridgeNicAction({ nic, label, className }: { nic?: string; label: string; className: string }) {
  const spec = useContext(SpecContext);
  const [open, setOpen] = useState(false);
  if (!spec) return null;
  return (
    <>
      <button type="button" className={className} onClick={() => setOpen(true)} data-testid="bridge-nic-action">
        <Network size={14} aria-hidden />
        {label}
      </button>
      {open && <BridgeNicWizard {...(nic ? { nic } : {})} onClose={() => setOpen(false)} />}
    </>
  );
}

/** Devices that carry a host's own addresses and may become a bridge's uplink. */
const NIC_KINDS: ReadonlySet<NodeKind> = new Set<NodeKind>(['nic', 'veth', 'bond', 'vlan', 'macvlan', 'dummy']);

/** The wizard's entry in a node's details panel: only for a NIC of the target that no bridge holds yet. */
export function BridgeNicDetailsAction({ node }: { node: GraphNode }) {
  const enslaved = node.attributes.some(([k]) => k === 'Master');
  if (!NIC_KINDS.has(node.kind) || node.netns || enslaved) return null;
  return <BridgeNicAction nic={node.label} label="Bridge this NIC…" className="button button--small details__action" />;
}
