import type { ReactNode } from 'react';
import { Pencil, Plus, Trash2 } from 'lucide-react';
import type { SpecIssue } from '../../../shared/spec/validate';
import { issuesAt } from '../switches/spec-edit';
import { IssueList, ProblemMark } from '../switches/fields';

export interface Column<T> {
  label: string;
  cell(item: T, index: number): ReactNode;
  className?: string;
}

/** A section's heading with its add button, and what it is for. */
export function PanelHead({
  title,
  text,
  addLabel,
  addTestId,
  onAdd,
}: {
  title: string;
  text: ReactNode;
  addLabel: string;
  addTestId: string;
  onAdd(): void;
}) {
  return (
    <PanelTitle title={title} text={text}>
      <button type="button" className="button button--small button--primary" onClick={onAdd} data-testid={addTestId}>
        <Plus size={14} aria-hidden />
        {addLabel}
      </button>
    </PanelTitle>
  );
}

/** A section's heading and what it is for, with its tools (if any) beside it. */
export function PanelTitle({ title, text, children }: { title: string; text: ReactNode; children?: ReactNode }) {
  return (
    <div className="net-panel__head">
      <div>
        <h2>{title}</h2>
        <p className="field__hint">{text}</p>
      </div>
      {children}
    </div>
  );
}

/** Problems the host check found in a section (from spec.plan), named by path, above its table. */
export function SectionIssues({ issues, section }: { issues: SpecIssue[]; section: string }) {
  const mine = issuesAt(issues, section, true);
  if (mine.length === 0) return null;
  return (
    <IssueList
      items={mine}
      box
      className="net-panel__issues"
      testId={`${section}-issues`}
      text={(i) => (
        <>
          <code>{i.path}</code> {i.message}
        </>
      )}
    />
  );
}

/** The header cell over a table's per-row action buttons (named for screen readers only). */
export function ActionsHeader() {
  return (
    <th scope="col" className="net-table__actions">
      <span className="visually-hidden">Actions</span>
    </th>
  );
}

/** The rows of one spec section (`dhcp`, `nat`) with Edit and Remove on each; a problem count beside the name. */
export function EntryTable<T extends { name: string }>({
  section,
  label,
  items,
  columns,
  issues,
  onEdit,
  onRemove,
}: {
  section: string;
  label: string;
  items: T[];
  columns: Column<T>[];
  issues: SpecIssue[];
  onEdit(i: number): void;
  onRemove(i: number): void;
}) {
  return (
    <div className="table-scroll">
      <table className="net-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Name</th>
            {columns.map((c) => (
              <th key={c.label} scope="col" className={c.className}>
                {c.label}
              </th>
            ))}
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {items.map((item, i) => {
            const bad = issuesAt(issues, `${section}[${i}]`, true).length;
            return (
              <tr key={i} data-testid={`${section}-row-${item.name}`}>
                <td className="net-table__name">
                  {item.name || <em className="muted">unnamed</em>}
                  <ProblemMark count={bad} />
                </td>
                {columns.map((c) => (
                  <td key={c.label} className={c.className}>
                    {c.cell(item, i)}
                  </td>
                ))}
                <td className="net-table__actions">
                  <RowActions name={item.name} onEdit={() => onEdit(i)} onRemove={() => onRemove(i)} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function RowActions({ name, onEdit, onRemove }: { name: string; onEdit(): void; onRemove(): void }) {
  return (
    <span className="net-actions">
      <button
        type="button"
        className="icon-button"
        onClick={onEdit}
        aria-label={`Edit ${name}`}
        title="Edit"
        data-testid={`edit-${name}`}
      >
        <Pencil size={14} aria-hidden />
      </button>
      <button
        type="button"
        className="icon-button"
        onClick={onRemove}
        aria-label={`Remove ${name}`}
        title="Remove from the spec"
        data-testid={`remove-${name}`}
      >
        <Trash2 size={14} aria-hidden />
      </button>
    </span>
  );
}
