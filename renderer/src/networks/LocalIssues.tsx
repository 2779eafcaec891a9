import type { ReactNode } from 'react';
import type { SpecIssue } from '../../../shared/spec/validate';
import { SpecContext, useSpec } from '../model/spec-context';

/**
 * A dialog edits its own copy of an entry; the field components (switches/fields.tsx) read their errors from the
 * spec context, so the dialog hands them the copy's issues instead of the draft's.
 */
export function LocalIssues({ issues, children }: { issues: SpecIssue[]; children: ReactNode }) {
  const spec = useSpec();
  return <SpecContext.Provider value={{ ...spec, issues }}>{children}</SpecContext.Provider>;
}
