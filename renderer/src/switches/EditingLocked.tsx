import { Lock } from 'lucide-react';
import { YamlEditor } from './YamlEditor';

/** Said above a spec editor (Switches, Networks) while an apply run holds the draft. */
export function EditingLockedBanner() {
  return (
    <div className="banner" role="status" data-testid="editing-locked">
      <Lock size={16} className="banner__icon" aria-hidden />
      <div className="banner__text">Editing is paused while the changes are applied and on trial.</div>
    </div>
  );
}

/** The spec's YAML view, read-only while an apply run holds the draft. */
export function LockedYamlEditor({ locked }: { locked: boolean }) {
  return (
    <fieldset className="switches__lock" disabled={locked}>
      <YamlEditor />
    </fieldset>
  );
}
