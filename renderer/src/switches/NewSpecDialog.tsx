import { useId, useState } from 'react';
import { specNameSchema } from '../../../shared/spec/schema';
import { Dialog } from '../changes/Dialog';

/** Asks for the name of a new spec; the name is what NovaNet marks its objects with, so it is checked here. */
export function NewSpecDialog({
  existing,
  onCreate,
  onClose,
}: {
  existing: string[];
  onCreate(name: string): void;
  onClose(): void;
}) {
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const id = useId();
  const parsed = specNameSchema.safeParse(name);
  const error = !parsed.success
    ? parsed.error.issues[0]?.message
    : existing.includes(name)
      ? `a spec named ${name} exists already`
      : undefined;
  const submit = () => {
    setTouched(true);
    if (!error) onCreate(name);
  };
  return (
    <Dialog
      title="New spec"
      testId="new-spec-dialog"
      onClose={onClose}
      onSubmit={submit}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button--primary"
            data-testid="new-spec-create"
            disabled={touched && !!error}
          >
            Create
          </button>
        </>
      }
    >
      <p>A spec is one desired state of this host&apos;s network. Applying a spec changes only the objects it owns.</p>
      <div className="field">
        <label className="field__label" htmlFor={id}>
          Name
        </label>
        <input
          id={id}
          className="input"
          value={name}
          placeholder="e.g. lab, workstation"
          data-autofocus
          spellCheck={false}
          data-testid="new-spec-name"
          aria-invalid={touched && !!error}
          aria-describedby={`${id}-err`}
          onChange={(e) => {
            setName(e.target.value);
            setTouched(true);
          }}
        />
        <div id={`${id}-err`} className={touched && error ? 'field-errors' : 'field__hint'}>
          {touched && error ? `Name ${error}` : 'Lowercase letters, digits, “_”, “.” and “-”; up to 32 characters.'}
        </div>
      </div>
    </Dialog>
  );
}
