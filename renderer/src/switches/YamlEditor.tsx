import { useId, useState } from 'react';
import { parse, stringify } from 'yaml';
import { CircleAlert } from 'lucide-react';
import { useSpec } from '../model/spec-context';
import type { SpecDoc } from '../changes/spec-doc';
import { IssueList } from './fields';

/**
 * The whole spec as YAML, editable: the same document the form edits, so either view can be used and the other
 * follows. Text that does not parse stays in the box with the parser's message and leaves the draft alone.
 */
export function YamlEditor() {
  const s = useSpec();
  const id = useId();
  const json = JSON.stringify(s.draft ?? null);
  const [text, setText] = useState(() => (s.draft ? stringify(s.draft) : ''));
  const [error, setError] = useState<string | undefined>();
  // The draft as this box last saw or wrote it; any other draft came from elsewhere and replaces the text.
  const [synced, setSynced] = useState(json);
  if (synced !== json) {
    setSynced(json);
    setText(s.draft ? stringify(s.draft) : '');
    setError(undefined);
  }
  const onChange = (value: string) => {
    setText(value);
    let doc: unknown;
    try {
      doc = parse(value, { prettyErrors: true });
    } catch (err) {
      setError((err as Error).message);
      return;
    }
    const name = (doc as SpecDoc | null)?.metadata?.name;
    if (name !== s.specName) {
      setError(`metadata.name must stay ${s.specName}: create a new spec (New spec…) to use another name.`);
      return;
    }
    setError(undefined);
    setSynced(JSON.stringify(doc));
    s.replaceDraft(doc as SpecDoc);
  };
  return (
    <div className="yaml-editor">
      <label htmlFor={id} className="field__label">
        Spec {s.specName} as YAML
      </label>
      <textarea
        id={id}
        className="yaml-editor__text"
        value={text}
        spellCheck={false}
        data-testid="yaml-text"
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={!!error || s.issues.length > 0}
      />
      {error && (
        <p className="field-errors" role="alert" data-testid="yaml-error">
          <CircleAlert size={13} aria-hidden /> {error}
        </p>
      )}
      {!error && s.issues.length > 0 && (
        <IssueList
          items={s.issues}
          box
          text={(i) => (
            <>
              <code>{i.path}</code> {i.message}
            </>
          )}
        />
      )}
    </div>
  );
}
