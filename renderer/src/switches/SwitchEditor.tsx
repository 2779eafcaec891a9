import { Network, Trash2 } from 'lucide-react';
import type { HostState } from '../../../shared/model/host-state';
import type { SwitchDoc } from '../changes/spec-doc';
import { useSpec } from '../model/spec-context';
import { GeneralSection } from './GeneralSection';
import { UplinksField } from './UplinksField';
import { LinuxSettings } from './LinuxSettings';
import { OvsSettings } from './OvsSettings';
import { PortGroupsEditor } from './PortGroupsEditor';
import { PortsEditor } from './PortsEditor';
import { MirrorsEditor } from './MirrorsEditor';
import { hostStateOf } from './SwitchList';
import { unplacedIssues } from './spec-edit';
import { IssueList } from './fields';

/** Everything about one switch, in the order people set it up: what it is, what connects it, how it behaves. */
export function SwitchEditor({
  sw,
  index,
  switches,
  state,
  focusName,
  onChange,
  onRemove,
}: {
  sw: SwitchDoc;
  index: number;
  switches: SwitchDoc[];
  state: HostState | undefined;
  focusName: boolean;
  onChange(fn: (sw: SwitchDoc) => SwitchDoc): void;
  onRemove(): void;
}) {
  const { issues, plan } = useSpec();
  const at = `switches[${index}]`;
  const isOvs = (sw.type ?? 'linux') === 'ovs';
  const others = unplacedIssues(issues, sw, at);
  const host = hostStateOf(sw, state);
  const pending = plan?.steps.filter((s) => s.object === `switch ${sw.name}`).length ?? 0;
  const props = { sw, at, update: onChange };
  return (
    <section className="switch-editor" aria-labelledby="switch-editor-title" data-testid="switch-editor">
      <header className="switch-editor__head">
        <Network
          size={20}
          aria-hidden
          className={isOvs ? 'kind-ovs-bridge switch-editor__icon' : 'kind-bridge switch-editor__icon'}
        />
        <div className="switch-editor__title">
          <h2 id="switch-editor-title">{sw.name || 'Unnamed switch'}</h2>
          <div className="switch-editor__meta">
            <span>{isOvs ? 'Open vSwitch' : 'Linux bridge'}</span>
            <span className={`state-pill state-pill--${host.tone}`}>
              {host.tone === 'new' ? 'Not on the host yet' : host.text}
            </span>
            {pending > 0 && (
              <span className="state-pill state-pill--pending">
                {pending} pending step{pending === 1 ? '' : 's'}
              </span>
            )}
          </div>
        </div>
        <button
          type="button"
          className="button button--small button--danger"
          onClick={onRemove}
          data-testid="remove-switch"
        >
          <Trash2 size={14} aria-hidden />
          Remove switch
        </button>
      </header>
      {others.length > 0 && (
        <IssueList
          items={others}
          box
          testId="switch-issues"
          text={(i) => (
            <>
              <code>{i.path.slice(at.length + 1) || 'switch'}</code> {i.message}
            </>
          )}
        />
      )}
      <div className="switch-editor__body">
        <GeneralSection {...props} focusName={focusName} />
        <UplinksField {...props} index={index} switches={switches} state={state} />
        {isOvs ? <OvsSettings {...props} /> : <LinuxSettings {...props} />}
        <PortGroupsEditor {...props} />
        <PortsEditor {...props} index={index} switches={switches} state={state} />
        <MirrorsEditor sw={sw} />
      </div>
    </section>
  );
}
