/** Handlers for specs, plans, applies and history: what the Switches view and the Changes panel use. */
import { randomUUID } from 'node:crypto';
import type { EventPayload, Handlers, VersionSummary } from '../../shared/ipc/contract';
import type { Target } from '../../shared/model/target';
import { ValidationError, NotFoundError } from '../../shared/ipc/errors';
import { parseSpec, validateSpec } from '../../shared/spec/validate';
import { exportSpec } from '../../shared/plan/export';
import { plan as makePlan } from '../../shared/plan/planner';
import { applyPlan, DEFAULT_TRIAL_SECONDS } from './apply';
import { getVersion, lastCommitted, listVersions, type Version } from './history';
import { observe, prepare, specFromData } from './spec-files';

type SpecHandlers = Pick<Handlers, 'spec.list' | 'spec.load' | 'spec.plan' | 'apply.start' | 'apply.confirm' | 'apply.rollback' | 'history.list' | 'history.get'>;

export function summary(v: Version): VersionSummary {
  return { spec: v.spec, version: v.version, at: v.at, user: v.user, result: v.result, ...(v.reason ? { reason: v.reason } : {}), steps: v.plan.steps.length, target: v.target };
}

export function createSpecHandlers(defaultTarget: Target, emit: (p: EventPayload<'apply.progress'>) => void): SpecHandlers {
  // Applies waiting for the user's "Keep these changes?", by id; and answers that came before the question
  // (the user may press Keep while the server is still verifying).
  const waiting = new Map<string, (keep: boolean) => void>();
  const early = new Map<string, boolean>();
  const answer = (applyId: string, keep: boolean, running: Set<string>) => {
    const resolve = waiting.get(applyId);
    if (resolve) resolve(keep);
    else if (running.has(applyId)) early.set(applyId, keep);
    return { ok: !!resolve || running.has(applyId) };
  };
  const running = new Set<string>();

  return {
    'spec.list': async () => {
      const latest = new Map<string, Version>();
      for (const v of await listVersions()) latest.set(v.spec, v);
      return { specs: [...latest.values()].sort((a, b) => b.at.localeCompare(a.at)).map(summary) };
    },
    'spec.load': async ({ name, target }) => {
      const last = await lastCommitted(name);
      if (last) return { document: last.document, source: 'history', version: last.version };
      return { document: exportSpec(await observe(target ?? defaultTarget), name), source: 'host' };
    },
    'spec.plan': async ({ document, target }) => {
      const parsed = parseSpec(document);
      if (!parsed.spec) return { plan: null, issues: parsed.issues };
      const state = await observe(target ?? defaultTarget);
      const issues = validateSpec(parsed.spec, state);
      if (issues.length) return { plan: null, issues };
      return { plan: makePlan(state, parsed.spec, { ovsKernelDatapath: state.capabilities?.features.ovsKernelDatapath?.available ?? false }), issues: [] };
    },
    'apply.start': async ({ document, target, trialSeconds }) => {
      const spec = specFromData(document);
      const { plan } = await prepare(target ?? defaultTarget, spec);
      if (plan.steps.length === 0) throw new ValidationError('document: nothing to apply, the host already matches the spec');
      const applyId = randomUUID();
      running.add(applyId);
      const finish = () => {
        waiting.delete(applyId);
        early.delete(applyId);
        running.delete(applyId);
      };
      void applyPlan(plan, spec, {
        trialSeconds: trialSeconds ?? DEFAULT_TRIAL_SECONDS,
        onEvent: (event) => emit({ applyId, event }),
        decide: () =>
          new Promise<boolean>((resolve) => {
            const given = early.get(applyId);
            if (given !== undefined) resolve(given);
            else waiting.set(applyId, resolve);
          }),
      }).then(
        (o) => {
          finish();
          emit({ applyId, event: { type: 'done' }, outcome: { result: o.result, ...(o.reason ? { reason: o.reason } : {}), version: o.version.version } });
        },
        (err) => {
          finish();
          const reason = (err as Error).message;
          emit({ applyId, event: { type: 'done' }, outcome: { result: 'failed', reason } });
        },
      );
      return { applyId, steps: plan.steps.length, plan };
    },
    'apply.confirm': async ({ applyId }) => answer(applyId, true, running),
    'apply.rollback': async ({ applyId }) => answer(applyId, false, running),
    'history.list': async ({ spec }) => ({ versions: (await listVersions(spec)).reverse().map(summary) }),
    'history.get': async ({ spec, version }) => {
      const v = await getVersion(spec, version).catch(() => {
        throw new NotFoundError(`version ${version} of ${spec} is not in the history`);
      });
      return { summary: summary(v), document: v.document, plan: v.plan };
    },
  };
}
