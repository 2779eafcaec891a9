import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { CircleAlert } from 'lucide-react';
import { Dialog } from '../changes/Dialog';
import { useModel } from '../model/model-context';
import { useSpec } from '../model/spec-context';
import type { SpecIssue } from '../../../shared/spec/validate';
import { LocalIssues } from './LocalIssues';
import { IssueList } from '../switches/fields';
import { itemIssues, itemPath, putItem, tidyIssues, type SectionKey } from './net-edit';
import type { SpecDoc } from '../changes/spec-doc';

type ItemOf<K extends SectionKey> = NonNullable<SpecDoc[K]>[number];

/**
 * The frame every Networks-view editor shares: a copy of one spec entry, checked against the schema and the host
 * as it is typed, written into the draft on Save only when nothing is wrong. Enter saves, Escape cancels.
 */
export function EntryDialog<K extends SectionKey>({
  section,
  index,
  initial,
  title,
  testId,
  focus,
  placed,
  onClose,
  children,
}: {
  section: K;
  /** undefined: a new entry, appended on Save. */
  index: number | undefined;
  initial: ItemOf<K>;
  title: string;
  testId: string;
  /** data-testid of the control that gets the keyboard first. */
  focus: string;
  /** Paths the dialog shows under a field; any other issue of the entry is listed at the top. */
  placed?: (path: string, at: string) => boolean;
  onClose(): void;
  children(item: ItemOf<K>, set: (fn: (x: ItemOf<K>) => ItemOf<K>) => void, at: string): ReactNode;
}) {
  const s = useSpec();
  const state = useModel().snapshot.data?.state;
  const [item, setItem] = useState(initial);
  const [tried, setTried] = useState(false);
  const doc = s.draft;
  const at = itemPath(doc, section, index);
  const issues: SpecIssue[] = useMemo(
    () => (doc ? tidyIssues(itemIssues(doc, section, index, item, state)) : []),
    [doc, section, index, item, state],
  );

  const fields = new Set(issues.map((i) => i.path)).size;

  useEffect(() => {
    // After the dialog's own showModal, which focuses its first button.
    const t = window.requestAnimationFrame(() =>
      document.querySelector<HTMLElement>(`[data-testid="${testId}"] [data-testid="${focus}"]`)?.focus(),
    );
    return () => cancelAnimationFrame(t);
  }, [testId, focus]);

  const save = () => {
    if (!doc) return;
    if (issues.length > 0) {
      setTried(true);
      document.querySelector<HTMLElement>(`[data-testid="${testId}"] [aria-invalid="true"]`)?.focus();
      return;
    }
    s.setDraft((d) => putItem(d, section, index, item));
    onClose();
  };

  return (
    <Dialog
      title={title}
      testId={testId}
      wide
      onClose={onClose}
      onSubmit={save}
      footer={
        <>
          {issues.length > 0 && (
            <span
              className={tried ? 'dialog__reason dialog__error' : 'dialog__reason'}
              data-testid="entry-issues"
              role={tried ? 'alert' : undefined}
            >
              <CircleAlert size={14} aria-hidden />
              {fields === 1 ? '1 field to fix' : `${fields} fields to fix`}
            </span>
          )}
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" data-testid="entry-save">
            {index === undefined ? 'Add to spec' : 'Save'}
          </button>
        </>
      }
    >
      <LocalIssues issues={issues}>
        <UnplacedIssues issues={issues.filter((i) => (placed ? !placed(i.path, at) : i.path === at))} at={at} />
        {children(item, (fn) => setItem((x) => fn(x)), at)}
      </LocalIssues>
    </Dialog>
  );
}

/** Issues no field shows, e.g. "a NAT entry needs sources or portForwards"; named by path below the entry. */
function UnplacedIssues({ issues, at }: { issues: SpecIssue[]; at: string }) {
  const whole = issues;
  if (whole.length === 0) return null;
  return (
    <IssueList
      items={whole}
      box
      className="net-dialog__whole"
      text={(i) => (
        <>
          {i.path !== at && <code>{i.path.slice(at.length).replace(/^\./, '')}</code>} {i.message}
        </>
      )}
    />
  );
}
