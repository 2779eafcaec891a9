import { useId, type ReactNode } from 'react';
import { CircleAlert } from 'lucide-react';
import { useSpec } from '../model/spec-context';
import { issuesAt, parseNumber } from './spec-edit';

const errorId = (path: string) => `err-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** The schema's (or the host check's) words about one field, under that field. */
export function FieldErrors({ path, deep }: { path: string; deep?: boolean }) {
  const { issues } = useSpec();
  const mine = issuesAt(issues, path, deep);
  if (mine.length === 0) return null;
  return (
    <IssueList
      items={mine}
      id={errorId(path)}
      testId={`field-error-${path}`}
      text={(i) => (
        <>
          {i.path !== path && <code>{i.path.slice(path.length).replace(/^\./, '')}</code>} {i.message}
        </>
      )}
    />
  );
}

/** Beside a row's name: how many problems the spec has in it (nothing when none). */
export function ProblemMark({ count }: { count: number }) {
  if (count <= 0) return null;
  const text = `${count} problem${count === 1 ? '' : 's'}`;
  return (
    <span className="problem-mark" title={text}>
      <CircleAlert size={13} aria-label={text} />
    </span>
  );
}

/** Problems as a list, each behind the alert icon; `text` words one. `box` sets them apart from the fields. */
export function IssueList<T>({
  items,
  text,
  box,
  className,
  id,
  testId,
}: {
  items: T[];
  text(item: T): ReactNode;
  box?: boolean;
  className?: string;
  id?: string;
  testId?: string;
}) {
  return (
    <ul
      className={`field-errors${box ? ' field-errors--box' : ''}${className ? ` ${className}` : ''}`}
      id={id}
      data-testid={testId}
    >
      {items.map((item, n) => (
        <li key={n}>
          <CircleAlert size={13} aria-hidden />
          <span>{text(item)}</span>
        </li>
      ))}
    </ul>
  );
}

/** aria attributes tying a control to its errors. */
export function useInvalid(path: string, deep?: boolean) {
  const { issues } = useSpec();
  const bad = issuesAt(issues, path, deep).length > 0;
  return bad ? { 'aria-invalid': true as const, 'aria-describedby': errorId(path) } : {};
}

interface Base {
  label: string;
  path: string;
  hint?: ReactNode;
  testId?: string;
  deep?: boolean;
  className?: string;
}

export function Field({
  label,
  path,
  hint,
  deep,
  className,
  children,
  htmlFor,
}: Base & { children: ReactNode; htmlFor?: string }) {
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label className="field__label" htmlFor={htmlFor}>
        {label}
      </label>
      <div className="field__control">{children}</div>
      {hint && <div className="field__hint">{hint}</div>}
      <FieldErrors path={path} deep={deep} />
    </div>
  );
}

export function TextField({
  value,
  onChange,
  placeholder,
  numeric,
  autoFocus,
  unit,
  ...base
}: Base & {
  value: string;
  onChange(v: string): void;
  placeholder?: string;
  numeric?: boolean;
  autoFocus?: boolean;
  unit?: string;
}) {
  const id = useId();
  const invalid = useInvalid(base.path, base.deep);
  const input = (
    <input
      id={id}
      className="input"
      value={value}
      placeholder={placeholder}
      inputMode={numeric ? 'numeric' : undefined}
      spellCheck={false}
      autoComplete="off"
      autoFocus={autoFocus}
      // A new switch's suggested name is meant to be typed over.
      onFocus={autoFocus ? (e) => e.target.select() : undefined}
      data-testid={base.testId}
      onChange={(e) => onChange(e.target.value)}
      {...invalid}
    />
  );
  return (
    <Field {...base} htmlFor={id}>
      {unit ? (
        <div className="input-wrap">
          {input}
          <span className="input-wrap__unit">{unit}</span>
        </div>
      ) : (
        input
      )}
    </Field>
  );
}

export function NumberField({
  value,
  onChange,
  ...rest
}: Base & { value: number | undefined; onChange(v: number | undefined): void; placeholder?: string; unit?: string }) {
  return (
    <TextField
      {...rest}
      numeric
      value={value === undefined ? '' : String(value)}
      onChange={(t) => onChange(parseNumber(t))}
    />
  );
}

export function SelectField<T extends string>({
  value,
  options,
  onChange,
  ...base
}: Base & { value: T; options: { value: T; label: string }[]; onChange(v: T): void }) {
  const id = useId();
  const invalid = useInvalid(base.path, base.deep);
  return (
    <Field {...base} htmlFor={id}>
      <select
        id={id}
        className="input"
        value={value}
        data-testid={base.testId}
        onChange={(e) => onChange(e.target.value as T)}
        {...invalid}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/**
 * A setting the spec may leave to the kernel: "Default" writes nothing, so an existing bridge keeps what it has
 * and a new one gets the kernel's default (named in the option).
 */
export function TriStateField({
  value,
  onChange,
  defaultText,
  ...base
}: Base & { value: boolean | undefined; onChange(v: boolean | undefined): void; defaultText: string }) {
  const v = value === undefined ? 'default' : value ? 'on' : 'off';
  return (
    <SelectField
      {...base}
      value={v}
      options={[
        { value: 'default', label: `Default (${defaultText})` },
        { value: 'on', label: 'On' },
        { value: 'off', label: 'Off' },
      ]}
      onChange={(x) => onChange(x === 'default' ? undefined : x === 'on')}
    />
  );
}
