import { useId, useMemo, useState } from 'react';
import { ArrowRight } from 'lucide-react';
import { BlockerFooter, Dialog } from '../changes/Dialog';
import { useModel } from '../model/model-context';
import { useSpec } from '../model/spec-context';
import {
  addBridgedNic,
  bridgeNameProblem,
  nicCandidates,
  nicMove,
  suggestBridgeName,
  type NicMove,
} from './bridge-nic-edit';
import '../styles/bridge-nic.css';

/**
 * "Bridge my NIC": pick a NIC, name the bridge, see what moves to it (addresses, MAC, default route), and add the
 * switch to the spec. Nothing changes until the Changes drawer applies it, under the usual trial: a gateway ping or
 * DNS lookup that worked before and fails afterwards rolls it back by itself.
 */
export function BridgeNicWizard({ nic: initial, onClose }: { nic?: string; onClose(): void }) {
  const s = useSpec();
  const state = useModel().snapshot.data?.state;
  const candidates = useMemo(() => nicCandidates(state, s.draft), [state, s.draft]);
  const first = candidates.find((c) => c.name === initial) ?? candidates.find((c) => !c.blocked);
  const [nic, setNic] = useState(first?.name ?? '');
  const taken = [...(s.draft?.switches ?? []).map((x) => x.name), ...(state?.links ?? []).map((l) => l.name)];
  const [name, setName] = useState(() => suggestBridgeName(nic, taken));
  const [named, setNamed] = useState(false);
  const ids = { nic: useId(), name: useId() };

  const chosen = candidates.find((c) => c.name === nic);
  const move = nicMove(state, nic);
  const nameProblem = bridgeNameProblem(name, state, s.draft);
  const blocker = !s.draft
    ? 'The spec is still loading.'
    : !chosen
      ? 'Pick the NIC to bridge.'
      : (chosen.blocked ?? (nameProblem ? `Bridge name ${nameProblem}` : null));
  const submit = () => {
    if (blocker) return;
    s.setDraft((doc) => addBridgedNic(doc, move, name));
    s.openPanel('pending');
    onClose();
  };
  const pick = (n: string) => {
    setNic(n);
    // The suggested name follows the NIC until the user types one.
    if (!named) setName(suggestBridgeName(n, taken));
  };

  return (
    <Dialog
      title="Bridge a NIC"
      testId="bridge-nic-wizard"
      wide
      onClose={onClose}
      onSubmit={submit}
      footer={
        <BlockerFooter blocker={blocker} onCancel={onClose} submitTestId="bridge-nic-add">
          Add to spec
        </BlockerFooter>
      }
    >
      <p>
        The NIC becomes the uplink of a new Linux bridge, which takes over its addresses, MAC and default route, so VMs
        can join the NIC&apos;s network and this host stays reachable.
      </p>
      <div className="field">
        <label className="field__label" htmlFor={ids.nic}>
          NIC
        </label>
        <select
          id={ids.nic}
          className="input"
          value={nic}
          onChange={(e) => pick(e.target.value)}
          data-autofocus
          data-testid="bridge-nic-select"
        >
          {candidates.map((c) => (
            <option key={c.name} value={c.name} disabled={!!c.blocked}>
              {c.name}
              {c.blocked ? ` (${c.blocked})` : ''}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={ids.name}>
          Bridge name
        </label>
        <input
          id={ids.name}
          className="input"
          value={name}
          spellCheck={false}
          aria-invalid={!!nameProblem}
          onChange={(e) => {
            setName(e.target.value);
            setNamed(true);
          }}
          data-testid="bridge-nic-name"
        />
        <div className={nameProblem ? 'field-errors' : 'field__hint'}>
          {nameProblem ? `Bridge name ${nameProblem}` : 'Up to 15 letters, digits, “_”, “.” and “-”.'}
        </div>
      </div>
      {chosen && !chosen.blocked && <MovePreview move={move} bridge={name} />}
    </Dialog>
  );
}

function MovePreview({ move, bridge }: { move: NicMove; bridge: string }) {
  const rows: [string, string][] = [
    ...move.addresses.map((a): [string, string] => ['Address', a]),
    ...(move.mac ? [['MAC address', move.mac] as [string, string]] : []),
    ...(move.route ? [['Default route', `via ${move.route.gateway}`] as [string, string]] : []),
  ];
  return (
    <section aria-label="What moves" data-testid="bridge-nic-moves">
      <h3 className="bridge-nic__heading">
        What moves from {move.nic} <ArrowRight size={13} aria-hidden /> {bridge || 'the bridge'}
      </h3>
      {rows.length === 0 ? (
        <p className="muted">Nothing: {move.nic} has no address and no default route; it only becomes the uplink.</p>
      ) : (
        <dl className="attrs">
          {rows.map(([k, v], i) => (
            <div className="attrs__row" key={`${k}-${i}`}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
      <p className="muted bridge-nic__note">
        All of it moves in one batch. On trial, a default-gateway ping or DNS lookup that fails afterwards rolls the
        change back by itself.
      </p>
    </section>
  );
}
