import { createContext, useContext } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import type { VersionSummary } from '../../../shared/ipc/contract';
import type { Plan, Step } from '../../../shared/plan/operations';
import type { SpecIssue } from '../../../shared/spec/validate';
import type { ApplyRun } from '../changes/apply-state';
import type { SpecDoc } from '../changes/spec-doc';

export type ChangesTab = 'pending' | 'history';

/** Why a privileged action cannot run now, or null when it can. */
export type Blocker = string | null;

/**
 * The spec being edited and everything about changing the host with it: the draft, its validation issues and
 * plan against the host, the apply in progress and the Changes panel's state. The Switches view edits the
 * draft, the Changes panel applies it, the topology styles the plan (see changes/pending.ts).
 */
export interface SpecModel {
  specs: UseQueryResult<VersionSummary[], Error>;
  /** Names to offer in the picker: the history's plus any created in this session. */
  specNames: string[];
  /** Undefined until the history says which spec to start with. */
  specName: string | undefined;
  selectSpec(name: string): void;
  /** The document as last committed (or as the spec exists on the host); undefined while loading. */
  base: UseQueryResult<{ document: SpecDoc; source: 'history' | 'host'; version?: number }, Error>;
  draft: SpecDoc | undefined;
  setDraft(update: (doc: SpecDoc) => SpecDoc): void;
  replaceDraft(doc: SpecDoc): void;
  /** The draft differs from the base. */
  dirty: boolean;
  discard(): void;
  /** Schema issues (checked here at once) or host issues (from spec.plan), with paths like switches[0].mtu. */
  issues: SpecIssue[];
  /** The plan of the draft against the host; null when invalid, undefined while not known yet. */
  plan: Plan | null | undefined;
  planning: boolean;
  /**
   * The last committed version planned against the host: its steps are the drift (what differs from what was
   * applied). null when nothing was committed yet, undefined while not known. Style it with changes/pending.ts.
   */
  drift: Plan | null | undefined;
  planError: Error | null;
  run: ApplyRun | undefined;
  trialSeconds: number;
  setTrialSeconds(s: number): void;
  /** Why Apply (and revert) cannot run now; null when it can. */
  applyBlocker: Blocker;
  /** Why any privileged action is impossible here (web mode without root). */
  privilegeBlocker: Blocker;
  apply(): void;
  /** Applies an earlier version's document; `steps` is the preview the user confirmed. */
  revert(version: number, document: SpecDoc, steps: Step[]): void;
  keep(): void;
  rollback(): void;
  dismissRun(): void;
  panel: { open: boolean; tab: ChangesTab };
  openPanel(tab?: ChangesTab): void;
  closePanel(): void;
}

export const SpecContext = createContext<SpecModel | null>(null);

export function useSpec(): SpecModel {
  const m = useContext(SpecContext);
  if (!m) throw new Error('useSpec must be used inside <SpecProvider>');
  return m;
}

export const specQueryKeys = {
  list: ['spec.list'] as const,
  load: (name: string, targetKey: string) => ['spec.load', name, targetKey] as const,
  plan: (targetKey: string, doc: string, hostAt: string) => ['spec.plan', targetKey, doc, hostAt] as const,
  history: (name: string) => ['history.list', name] as const,
  version: (name: string, version: number) => ['history.get', name, version] as const,
};
