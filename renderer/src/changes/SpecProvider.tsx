import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Step } from '../../../shared/plan/operations';
import { useModel } from '../model/model-context';
import { SpecContext, specQueryKeys, type ChangesTab, type SpecModel } from '../model/spec-context';
import { isActive, type ApplyRun } from './apply-state';
import type { SpecDoc } from './spec-doc';
import { useSpecDraft } from './use-spec-draft';
import { useApplyRun } from './use-apply-run';

const STORED_TRIAL = 'novanet.trialSeconds';
/** The product's default "Keep these changes?" window (the CLI's too). */
export const DEFAULT_TRIAL_SECONDS = 30;

function storedTrial(): number {
  try {
    const n = Number(localStorage.getItem(STORED_TRIAL));
    return Number.isInteger(n) && n >= 1 && n <= 3600 ? n : DEFAULT_TRIAL_SECONDS;
  } catch {
    return DEFAULT_TRIAL_SECONDS;
  }
}

export function SpecProvider({ children }: { children: ReactNode }) {
  const { api, info, snapshot, targetKey } = useModel();
  const queryClient = useQueryClient();
  const hostAt = snapshot.data?.state.takenAt ?? '';
  const d = useSpecDraft(api, targetKey, hostAt);
  const { setDrafts } = d;
  const [trialSeconds, setTrialState] = useState(storedTrial);
  const [panel, setPanel] = useState<{ open: boolean; tab: ChangesTab }>({ open: false, tab: 'pending' });

  // What each run started from, to settle the draft when it ends.
  const started = useRef<{ document: SpecDoc; before: SpecDoc | undefined; dirtyBefore: boolean } | undefined>(
    undefined,
  );

  const onFinished = useCallback(
    (run: ApplyRun) => {
      const s = started.current;
      started.current = undefined;
      const name = run.spec;
      if (s && run.outcome?.result === 'committed') {
        // The applied document is the new base at once, so the plan does not flash the old difference.
        queryClient.setQueryData(specQueryKeys.load(name, targetKey), {
          document: s.document,
          source: 'history' as const,
          version: run.outcome.version,
        });
        setDrafts(({ [name]: _applied, ...rest }) => rest);
      } else if (s && run.kind === 'revert') {
        // A revert that did not stick leaves the user's own draft as it was.
        const before = s.before;
        setDrafts(({ [name]: _revert, ...rest }) => (s.dirtyBefore && before ? { ...rest, [name]: before } : rest));
      }
      void queryClient.invalidateQueries({ queryKey: specQueryKeys.list });
      void queryClient.invalidateQueries({ queryKey: ['history.list'] });
      void queryClient.invalidateQueries({ queryKey: specQueryKeys.load(name, targetKey) });
    },
    [queryClient, targetKey, setDrafts],
  );
  const runner = useApplyRun(api, onFinished);
  const run = runner.run;
  // "Keep these changes?" must be seen wherever the user is.
  const phase = run?.phase;
  useEffect(() => {
    if (phase === 'trial') setPanel({ open: true, tab: 'pending' });
  }, [phase]);

  const i = info.data;
  const privilegeBlocker =
    i && i.transport === 'web' && !i.privileged
      ? 'novanet serve is not running as root, so it cannot change the host. Start it with sudo to apply changes.'
      : null;

  let applyBlocker: string | null = privilegeBlocker;
  if (!applyBlocker) {
    if (isActive(run)) applyBlocker = 'An apply is in progress.';
    else if (!d.draft) applyBlocker = 'The spec is still loading.';
    else if (d.issues.length)
      applyBlocker = `Fix ${d.issues.length === 1 ? 'the problem' : `the ${d.issues.length} problems`} in the spec first.`;
    else if (d.planError) applyBlocker = `The changes could not be checked: ${d.planError.message}`;
    else if (d.planning || !d.plan) applyBlocker = 'Checking the changes against the host…';
    else if (d.plan.steps.length === 0) applyBlocker = 'Nothing to apply: the host already matches this spec.';
  }

  const setTrialSeconds = useCallback((s: number) => {
    setTrialState(s);
    try {
      localStorage.setItem(STORED_TRIAL, String(s));
    } catch {
      // Not kept across sessions then.
    }
  }, []);

  const { draft, plan, dirty, replaceDraft } = d;
  const startRun = runner.start;
  const apply = useCallback(() => {
    if (applyBlocker || !draft || !plan) return;
    started.current = { document: draft, before: draft, dirtyBefore: dirty };
    startRun({ kind: 'apply', document: draft, steps: plan.steps, trialSeconds });
    setPanel({ open: true, tab: 'pending' });
  }, [applyBlocker, draft, plan, dirty, startRun, trialSeconds]);

  const revert = useCallback(
    (version: number, document: SpecDoc, steps: Step[]) => {
      if (privilegeBlocker || isActive(run)) return;
      started.current = { document, before: draft, dirtyBefore: dirty };
      replaceDraft(document);
      startRun({ kind: 'revert', document, steps, trialSeconds, revertTo: version });
      setPanel({ open: true, tab: 'pending' });
    },
    [privilegeBlocker, run, draft, dirty, replaceDraft, startRun, trialSeconds],
  );

  const openPanel = useCallback((tab?: ChangesTab) => setPanel((p) => ({ open: true, tab: tab ?? p.tab })), []);
  const closePanel = useCallback(() => setPanel((p) => ({ ...p, open: false })), []);

  const model: SpecModel = useMemo(
    () => ({
      specs: d.specs,
      specNames: d.specNames,
      specName: d.specName,
      selectSpec: d.selectSpec,
      base: d.base,
      draft: d.draft,
      setDraft: d.setDraft,
      replaceDraft: d.replaceDraft,
      dirty: d.dirty,
      discard: d.discard,
      issues: d.issues,
      plan: d.plan,
      planning: d.planning,
      drift: d.drift,
      planError: d.planError,
      run,
      trialSeconds,
      setTrialSeconds,
      applyBlocker,
      privilegeBlocker,
      apply,
      revert,
      keep: runner.keep,
      rollback: runner.rollback,
      dismissRun: runner.dismiss,
      panel,
      openPanel,
      closePanel,
    }),
    // prettier-ignore
    [d.specs, d.specNames, d.specName, d.selectSpec, d.base, d.draft, d.setDraft, d.replaceDraft, d.dirty, d.discard, d.issues, d.plan, d.planning, d.planError, d.drift,
      run, trialSeconds, setTrialSeconds, applyBlocker, privilegeBlocker, apply, revert, runner.keep, runner.rollback, runner.dismiss, panel, openPanel, closePanel],
  );
  return <SpecContext.Provider value={model}>{children}</SpecContext.Provider>;
}
