/** `novanet plan | apply | history | revert | export | schema`. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { createInterface } from 'node:readline/promises';
import { stringify } from 'yaml';
import { z } from 'zod';
import { networkSpecSchema, specNameSchema, type NetworkSpec } from '../../shared/spec/schema';
import type { Plan } from '../../shared/plan/operations';
import { exportSpec } from '../../shared/plan/export';
import { ValidationError } from '../../shared/ipc/errors';
import type { Target } from '../../shared/model/target';
import { applyPlan, DEFAULT_TRIAL_SECONDS, type Decision } from '../services/apply';
import { getVersion, listVersions } from '../services/history';
import { observe, prepare, readSpecFile } from '../services/spec-files';
import { addTargetOptions, targetFrom } from './target-options';
import { table } from './format';

export const APPLY_EXIT = { committed: 0, failed: 1, 'rollback-incomplete': 1, 'rolled-back': 4 } as const;

function seconds(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 3600) throw new InvalidArgumentError('must be a whole number of seconds from 1 to 3600');
  return Number(v);
}

function printPlan(plan: Plan): void {
  if (plan.steps.length === 0) {
    process.stdout.write('Nothing to do: the host already matches the spec.\n');
    return;
  }
  process.stdout.write(`Plan for spec ${plan.spec}: ${plan.steps.length} step(s)\n`);
  for (const s of plan.steps) process.stdout.write(`  ${String(s.index + 1).padStart(3)}. ${s.description}\n       $ ${s.argv.join(' ')}\n`);
}

async function askKeep(seconds: number): Promise<boolean> {
  if (!process.stdin.isTTY) {
    process.stderr.write(`No terminal to confirm on: the change rolls back in ${seconds} s (use --yes to keep it).\n`);
    return new Promise<boolean>(() => undefined);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Keep these changes? [y/N] (rolls back by itself in ${seconds} s) `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

async function applyAndReport(plan: Plan, document: NetworkSpec, opts: { yes?: boolean; confirmTimeout?: number; json?: boolean }): Promise<number> {
  const trial = opts.confirmTimeout ?? DEFAULT_TRIAL_SECONDS;
  const outcome = await applyPlan(plan, document, {
    trialSeconds: trial,
    onEvent: (e) => {
      if (opts.json) return;
      if (e.type === 'step' && e.status === 'failed') process.stderr.write(`step ${e.index + 1} failed: ${e.message}\n`);
      if (e.type === 'applied') process.stderr.write(`Applied ${plan.steps.length} step(s); verifying...\n`);
    },
    decide: async (_d: Decision) => (opts.yes ? true : askKeep(trial)),
  });
  if (opts.json) process.stdout.write(`${JSON.stringify({ result: outcome.result, reason: outcome.reason, version: outcome.version.version })}\n`);
  else process.stdout.write(`${outcome.result === 'committed' ? 'Committed' : `Not kept (${outcome.result})`}: version ${outcome.version.version} of ${plan.spec}${outcome.reason ? ` — ${outcome.reason}` : ''}\n`);
  return APPLY_EXIT[outcome.result];
}

export function addSpecCommands(program: Command): void {
  addTargetOptions(program.command('plan').description('show what applying a spec would change (changes nothing)'))
    .requiredOption('-f, --file <spec.yaml>', 'the spec')
    .option('--json', 'print { steps: [...] } as JSON')
    .action(async (opts) => {
      const spec = await readSpecFile(opts.file);
      const { plan } = await prepare(targetFrom(opts), spec);
      if (opts.json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      else printPlan(plan);
    });

  addTargetOptions(program.command('apply').description('apply a spec: plan, privileged apply, verify, keep or roll back'))
    .requiredOption('-f, --file <spec.yaml>', 'the spec')
    .option('-y, --yes', 'keep the change as soon as it is verified')
    .option('--confirm-timeout <s>', `seconds to confirm before rolling back (default ${DEFAULT_TRIAL_SECONDS})`, seconds)
    .option('--json', 'print the outcome as JSON')
    .action(async (opts) => {
      const spec = await readSpecFile(opts.file);
      const { plan } = await prepare(targetFrom(opts), spec);
      if (!opts.json) printPlan(plan);
      if (plan.steps.length === 0) return;
      process.exitCode = await applyAndReport(plan, spec, opts);
    });

  program
    .command('history')
    .description('applied versions, newest last')
    .option('--spec <name>', 'only this spec')
    .option('--json', 'print as JSON')
    .action(async (opts) => {
      const versions = await listVersions(opts.spec);
      if (opts.json) return void process.stdout.write(`${JSON.stringify(versions, null, 2)}\n`);
      if (versions.length === 0) return void process.stdout.write('No applied versions yet.\n');
      process.stdout.write(`${table(['SPEC', 'VERSION', 'WHEN', 'USER', 'STEPS', 'RESULT'], versions.map((v) => [v.spec, String(v.version), v.at, v.user, String(v.plan.steps.length), v.result + (v.reason ? ` (${v.reason})` : '')]))}\n`);
    });

  addTargetOptions(program.command('revert').description('go back to an applied version (plans the difference, applies it the same way)'))
    .argument('<version>', 'version number from `novanet history`')
    .requiredOption('--spec <name>', 'the spec the version belongs to')
    .option('-y, --yes', 'keep the change as soon as it is verified')
    .option('--confirm-timeout <s>', 'seconds to confirm before rolling back', seconds)
    .option('--json', 'print the outcome as JSON')
    .action(async (versionArg: string, opts) => {
      if (!/^\d+$/.test(versionArg)) throw new ValidationError('version: must be a version number');
      const spec = specNameSchema.safeParse(opts.spec);
      if (!spec.success) throw new ValidationError(`--spec: ${spec.error.issues[0]?.message}`);
      const v = await getVersion(spec.data, Number(versionArg));
      const target: Target = opts.netns || opts.ovsDb || opts.libvirt ? targetFrom(opts) : v.target;
      const { plan } = await prepare(target, v.document);
      if (!opts.json) printPlan(plan);
      if (plan.steps.length === 0) return;
      process.exitCode = await applyAndReport(plan, v.document, opts);
    });

  addTargetOptions(program.command('export').description('print what a spec owns on the host, as a spec'))
    .requiredOption('--spec <name>', 'spec name')
    .action(async (opts) => {
      const name = specNameSchema.safeParse(opts.spec);
      if (!name.success) throw new ValidationError(`--spec: ${name.error.issues[0]?.message}`);
      const state = await observe(targetFrom(opts));
      process.stdout.write(stringify(exportSpec(state, name.data)));
    });

  program
    .command('schema')
    .description('print the JSON Schema of a NetworkSpec')
    .action(() => {
      process.stdout.write(`${JSON.stringify(z.toJSONSchema(networkSpecSchema, { io: 'input' }), null, 2)}\n`);
    });
}
