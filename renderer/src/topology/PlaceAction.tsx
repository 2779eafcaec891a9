import { useContext, useState } from 'react';
import { Layers } from 'lucide-react';
import type { GraphNode, TopologyGraph } from '../../../shared/topology/graph';
import { SpecContext } from '../model/spec-context';
import { BlockerFooter, Dialog } from '../changes/Dialog';
import {
  destinationsFor,
  destinationText,
  dragSourceOf,
  foreignMaster,
  placeIn,
  sourceText,
  type Destination,
} from './drop-edit';
import '../styles/drop.css';

/**
 * The keyboard's way to do what dragging onto a switch or network does: "Place in port group…" for an
 * interface, "Move to network or port group…" for a VM NIC, in the details panel of the selected node.
 */
export function PlaceAction({ node, graph }: { node: GraphNode; graph: TopologyGraph }) {
  const spec = useContext(SpecContext);
  const [open, setOpen] = useState(false);
  const source = dragSourceOf(node);
  if (!spec || !source) return null;
  const label = source.kind === 'interface' ? 'Place in port group…' : 'Move to network or port group…';
  return (
    <>
      <button
        type="button"
        className="button button--small details__action"
        onClick={() => setOpen(true)}
        disabled={!spec.draft}
        title={spec.draft ? undefined : 'The spec is still loading.'}
        data-testid="place-action"
      >
        <Layers size={14} aria-hidden />
        {label}
      </button>
      {open && spec.draft && (
        <PlaceDialog
          title={`${label.replace('…', '')}: ${sourceText(source)}`}
          choices={destinationsFor(spec.draft, source, graph)}
          refused={source.kind === 'interface' ? foreignMaster(spec.draft, source) : undefined}
          specName={spec.draft.metadata?.name ?? ''}
          onPick={(d) => spec.setDraft((doc) => placeIn(doc, source, d))}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}

interface DialogProps {
  title: string;
  choices: Destination[];
  refused: string | undefined;
  specName: string;
  onPick(d: Destination): void;
  onClose(): void;
}

function PlaceDialog({ title, choices, refused, specName, onPick, onClose }: DialogProps) {
  const [picked, setPicked] = useState(0);
  const blocker =
    refused ??
    (choices.length === 0 ? `Spec ${specName} has no switch to place it on: add one in the Switches view.` : null);
  const submit = () => {
    const d = choices[picked];
    if (blocker || !d) return;
    onPick(d);
    onClose();
  };
  return (
    <Dialog
      title={title}
      testId="place-dialog"
      onClose={onClose}
      onSubmit={submit}
      footer={
        <BlockerFooter blocker={blocker} onCancel={onClose} submitTestId="place-confirm">
          Place
        </BlockerFooter>
      }
    >
      <fieldset className="place-choices" aria-label="Destination">
        {choices.map((d, i) => (
          <label key={destinationText(d)} className="place-choices__row">
            <input
              type="radio"
              name="place-destination"
              checked={picked === i}
              onChange={() => setPicked(i)}
              data-autofocus={picked === i ? '' : undefined}
              data-testid={`place-choice-${i}`}
            />
            {destinationText(d)}
          </label>
        ))}
      </fieldset>
      <p className="details__none">The change is pending until you apply it from the Changes panel.</p>
    </Dialog>
  );
}
