import { useState } from 'react';
import { CircleAlert, Plus } from 'lucide-react';
import { useModel } from '../model/model-context';
import { useSpec } from '../model/spec-context';
import { EmptyState, ErrorState, LoadingState } from '../app/StatePanels';
import { SpecBar } from './SpecBar';
import { SwitchList } from './SwitchList';
import { SwitchEditor } from './SwitchEditor';
import { EditingLockedBanner, LockedYamlEditor } from './EditingLocked';
import { addSwitch, removeSwitch, switchesOf, updateSwitch } from './spec-edit';
import { mirrorShown, renameMirrorSwitch } from './mirror-edit';
import '../styles/switches.css';

/** The Switches view: the spec's switches on the left, the selected one's editor on the right. */
export function SwitchesView() {
  const s = useSpec();
  const { snapshot } = useModel();
  const [selected, setSelected] = useState(0);
  const [focusName, setFocusName] = useState(false);
  const [yaml, setYaml] = useState(false);

  if (!s.specName || s.base.isPending) return <LoadingState text="Loading the spec…" />;
  if (s.base.isError)
    return <ErrorState error={s.base.error} onRetry={() => void s.base.refetch()} retrying={s.base.isFetching} />;

  const switches = switchesOf(s.draft);
  const removed = switchesOf(s.base.data?.document).filter((b) => !switches.some((x) => x.name === b.name));
  const current = Math.min(selected, Math.max(0, switches.length - 1));
  const sw = switches[current];
  const state = snapshot.data?.state;
  // A mirror of a switch in the list shows its issues in that switch's Mirrors section.
  const specIssues = s.issues.filter((i) => !i.path.startsWith('switches[') && !mirrorShown(i.path, s.draft, switches));
  // Edits made while an apply runs would be lost when it commits (the applied document becomes the draft).
  const locked = !!s.run && s.run.phase !== 'finished';

  const add = () => {
    setSelected(switches.length);
    setFocusName(true);
    s.setDraft((d) => addSwitch(d).doc);
  };
  const select = (i: number) => {
    setSelected(i);
    setFocusName(false);
  };

  return (
    <div className="switches" data-testid="switches-view">
      <SpecBar yaml={yaml} onYaml={setYaml} />
      {specIssues.length > 0 && (
        <div className="banner banner--error" role="alert" data-testid="spec-level-issues">
          <CircleAlert size={16} className="banner__icon" aria-hidden />
          <div className="banner__text">
            Problems outside the switches (edit them in the YAML view):
            <ul className="banner__list">
              {specIssues.map((i, n) => (
                <li key={n}>
                  <code>{i.path}</code> {i.message}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      {locked && <EditingLockedBanner />}
      {yaml ? (
        <LockedYamlEditor locked={locked} />
      ) : (
        <fieldset className="switches__body switches__lock" disabled={locked}>
          <SwitchList
            switches={switches}
            removed={removed}
            selected={current}
            state={state}
            plan={s.plan}
            issues={s.issues}
            onSelect={select}
            onAdd={add}
            onRestore={(r) => s.setDraft((d) => ({ ...d, switches: [...switchesOf(d), r] }))}
          />
          {sw ? (
            <SwitchEditor
              key={current}
              sw={sw}
              index={current}
              switches={switches}
              state={state}
              focusName={focusName}
              onChange={(fn) =>
                s.setDraft((d) => {
                  const next = updateSwitch(d, current, fn);
                  return renameMirrorSwitch(next, sw.name, switchesOf(next)[current]?.name ?? sw.name);
                })
              }
              onRemove={() => {
                const next = Math.max(0, current - 1);
                s.setDraft((d) => removeSwitch(d, current));
                setSelected(next);
                // The button is gone: give the keyboard to the switch now selected, or to "Add switch".
                window.requestAnimationFrame(() =>
                  (
                    document.querySelector<HTMLElement>(`[data-switch-index="${next}"]`) ??
                    document.querySelector<HTMLElement>('[data-testid="add-switch"]')
                  )?.focus(),
                );
              }}
            />
          ) : (
            <EmptyState title="No switches yet">
              <p>
                A switch connects VMs to each other and, through its uplinks, to the outside: a Linux bridge or an Open
                vSwitch.
              </p>
              <button type="button" className="button button--primary" onClick={add} data-testid="add-switch-empty">
                <Plus size={16} aria-hidden />
                Add switch
              </button>
            </EmptyState>
          )}
        </fieldset>
      )}
    </div>
  );
}
