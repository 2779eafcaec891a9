/**
 * The unprivileged half of an apply: starts the helper (directly when already root, else through pkexec),
 * relays its progress, verifies the result by re-discovery, and decides during the trial: keep or roll back.
 * Then records the version and the audit trail.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NetworkSpec } from '../../shared/spec/schema';
import type { Plan } from '../../shared/plan/operations';
import { plan as makePlan } from '../../shared/plan/planner';
import type { HelperEvent } from '../../shared/plan/helper-protocol';
import { converse, run } from './runner';
import { discover } from './discovery/index';
import { audit, recordVersion, type ApplyResult, type Version } from './history';
import { dnsProbes } from './probe-dns';

/** Where packages install the helper; the polkit policy pins these paths, one action each. */
export const INSTALLED_HELPER = '/usr/lib/novanet/novanet-helper';
export const INSTALLED_CAPTURE_HELPER = '/usr/lib/novanet/novanet-capture-helper';
export const DEFAULT_TRIAL_SECONDS = 30;

export function helperCommand(kind: 'apply' | 'capture' = 'apply'): string[] {
  const installed = kind === 'capture' ? INSTALLED_CAPTURE_HELPER : INSTALLED_HELPER;
  if (process.env.NOVANET_HELPER_COMMAND) return JSON.parse(process.env.NOVANET_HELPER_COMMAND) as string[];
  if (process.getuid?.() !== 0) return ['pkexec', installed];
  // Already root: run the bundled helper directly (the same code pkexec would run).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    for (const c of [join(dir, '..', 'helper', 'novanet-helper.mjs'), join(dir, 'out', 'helper', 'novanet-helper.mjs')]) {
      if (existsSync(c)) return [process.execPath, resolve(c)];
    }
    dir = dirname(dir);
  }
  return [installed];
}

export interface Decision {
  /** Verification passed: the host matches the spec. */
  verified: boolean;
  remaining: string[];
}

export interface ApplyOptions {
  trialSeconds?: number;
  onEvent?: (e: HelperEvent) => void;
  /** Called once the change is applied and verified: resolve true to keep it, false (or a reason) to roll back. */
  decide: (d: Decision) => Promise<boolean | string>;
}

export interface ApplyOutcome {
  result: ApplyResult;
  reason?: string;
  version: Version;
  events: HelperEvent[];
}

/** Default gateways of the target: pinging them is the probe for "still connected". */
async function gatewayProbes(target: Plan['target']): Promise<{ kind: 'ping'; address: string; label: string }[]> {
  try {
    const r = await run(['ip', ...(target.netns ? ['-n', target.netns] : []), '-j', 'route', 'show', 'default']);
    const routes = JSON.parse(r.stdout || '[]') as { gateway?: string }[];
    return routes.filter((x) => x.gateway).map((x) => ({ kind: 'ping' as const, address: x.gateway as string, label: `default gateway ${x.gateway}` }));
  } catch {
    return [];
  }
}

export async function applyPlan(plan: Plan, document: NetworkSpec, opts: ApplyOptions): Promise<ApplyOutcome> {
  const events: HelperEvent[] = [];
  const trialSeconds = opts.trialSeconds ?? DEFAULT_TRIAL_SECONDS;
  const probes = [...(await gatewayProbes(plan.target)), ...(await dnsProbes(plan.target))];
  let failure: string | undefined;
  let decided: Promise<void> | undefined;
  const audits: Promise<void>[] = [];

  const convo = converse(helperCommand(), (line) => {
    let e: HelperEvent;
    try {
      e = JSON.parse(line) as HelperEvent;
    } catch {
      return;
    }
    events.push(e);
    opts.onEvent?.(e);
    if (e.type === 'command') {
      const entry = { spec: plan.spec, argv: e.argv, exitCode: e.exitCode, ...(e.input ? { input: e.input } : {}), ...(e.stderr ? { stderr: e.stderr } : {}) };
      audits.push(audit(entry).catch(() => undefined));
    }
    if (e.type === 'rolledback' || e.type === 'error') failure = e.type === 'error' ? e.message : e.reason;
    if (e.type === 'trial') {
      decided = (async () => {
        // The helper is waiting: verify by looking at the host again, then ask.
        const after = makePlan(await discover(plan.target), document);
        const d: Decision = { verified: after.steps.length === 0, remaining: after.steps.map((s) => s.description) };
        const keep = d.verified ? await opts.decide(d) : `verification failed: ${d.remaining.length} change(s) did not take effect (${d.remaining.slice(0, 3).join('; ')})`;
        convo.send(keep === true ? 'confirm' : `rollback ${keep === false ? 'not confirmed' : keep}`);
      })().catch((err) => convo.send(`rollback ${(err as Error).message}`));
    }
  });
  convo.send(JSON.stringify({ verb: 'apply', plan, trialSeconds: Math.max(trialSeconds, 1), probes }));
  const code = await convo.exited;
  // A decision still pending (nobody answered) no longer matters: the helper has ended the trial itself.
  void decided;
  await Promise.all(audits);
  // Exit codes: HELPER_EXIT (0 committed, 1 failed and rolled back, 2 invalid, 3 not root, 4 rolled back,
  // 5 rollback incomplete, 6 busy). Anything not kept and not half-undone is a failure that changed nothing.
  const result: ApplyResult = code === 0 ? 'committed' : code === 4 ? 'rolled-back' : code === 5 ? 'rollback-incomplete' : 'failed';
  const version = await recordVersion({ spec: plan.spec, target: plan.target, document, plan, result, ...(failure ? { reason: failure } : {}) });
  return { result, ...(failure ? { reason: failure } : {}), version, events };
}
