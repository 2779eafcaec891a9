/**
 * Apply harness for integration tests and the bench: throwaway namespaces, an OVS instance inside one of them,
 * the real helper (built from source with the same esbuild options as scripts/build.mjs, into a temp directory, so
 * a concurrent `npm run build` elsewhere cannot swap it mid-run), run as root with its own state directory, and a
 * canonical projection of a discovered HostState for "exactly as before" comparisons.
 *
 * Everything created here is recorded and removed by `Sandbox.destroy()`; processes are ended by PID only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { esmBanner, nodeBundle } from '../../scripts/esbuild-options.mjs';
import { run, inNetns } from '../../electron/services/runner';
import { discover } from '../../electron/services/discovery/index';
import type { HostState } from '../../shared/model/host-state';
import type { Target } from '../../shared/model/target';
import { parseSpec, validateSpec } from '../../shared/spec/validate';
import type { NetworkSpec, NetworkSpecInput } from '../../shared/spec/schema';
import { plan as makePlan } from '../../shared/plan/planner';
import type { Plan } from '../../shared/plan/operations';
import { globalAddresses } from '../../shared/plan/observed';
import type { HelperEvent } from '../../shared/plan/helper-protocol';
import { endPid } from '../../helpers/lib/end-pid';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OVS_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';
export const OVS_TOOLS = ['ovsdb-server', 'ovs-vswitchd', 'ovsdb-tool', 'ovs-vsctl'];

/** Runs argv (no shell); throws with stderr on failure. */
export async function sh(argv: string[], input?: string, timeoutMs = 30_000): Promise<string> {
  return (await run(argv, { input, timeoutMs })).stdout;
}

let helperPath: Promise<string> | undefined;
let helperDir: string | undefined;
/** Builds helpers/novanet-helper.ts once per process (per test file) into a private temp directory. */
export function helperBinary(): Promise<string> {
  helperPath ??= (async () => {
    const dir = (helperDir = mkdtempSync(join(tmpdir(), 'nn-helper-')));
    // Readable by others, so a test can also run it as an unprivileged user (it must refuse to work then).
    chmodSync(dir, 0o755);
    const outfile = join(dir, 'novanet-helper.mjs');
    await bundleForNode('helpers/novanet-helper.ts', outfile);
    return outfile;
  })();
  return helperPath;
}

/** Bundles one entry (a path below REPO) into an ESM file for node, with the esbuild options of scripts/build.mjs. */
export async function bundleForNode(entry: string, outfile: string, define?: Record<string, string>): Promise<void> {
  await build({
    ...nodeBundle,
    absWorkingDir: REPO,
    format: 'esm',
    logLevel: 'warning',
    define,
    entryPoints: [join(REPO, entry)],
    outfile,
    banner: esmBanner,
  });
}

/** Removes the helper build (call in afterAll; test workers do not always see 'exit'). */
export function removeHelperBuild(): void {
  if (helperDir) rmSync(helperDir, { recursive: true, force: true });
  helperDir = undefined;
  helperPath = undefined;
}

export interface HelperResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  events: HelperEvent[];
  stderr: string;
}

export interface HelperRun {
  child: ChildProcess;
  events: HelperEvent[];
  /** Resolves with the first event (seen so far or later) matching `pred`; rejects if the helper ends first. */
  waitFor(pred: (e: HelperEvent) => boolean, timeoutMs?: number): Promise<HelperEvent>;
  send(line: string): void;
  closeStdin(): void;
  done: Promise<HelperResult>;
}

export interface HelperOptions {
  stateDir: string;
  faultAt?: number;
  /** Keep stdin open after the request (needed for the trial). Default: close it when trialSeconds is 0. */
  keepStdin?: boolean;
}

/** Starts the real helper as root with `request` as its first stdin line. */
export async function startHelper(request: unknown, opts: HelperOptions): Promise<HelperRun> {
  const bin = await helperBinary();
  const env: NodeJS.ProcessEnv = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', NOVANET_HELPER_STATE_DIR: opts.stateDir };
  if (opts.faultAt !== undefined) env.NOVANET_FAULT_AT = String(opts.faultAt);
  const child = spawn(process.execPath, [bin], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const events: HelperEvent[] = [];
  const waiters: { pred: (e: HelperEvent) => boolean; resolve: (e: HelperEvent) => void }[] = [];
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let e: HelperEvent;
    try {
      e = JSON.parse(line) as HelperEvent;
    } catch {
      stderr += `[non-JSON stdout] ${line}\n`;
      return;
    }
    events.push(e);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  child.stdin?.on('error', () => undefined);
  const done = new Promise<HelperResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, events, stderr }));
  });
  child.stdin!.write(`${JSON.stringify(request)}\n`);
  const keep = opts.keepStdin ?? (typeof request === 'object' && request !== null && (request as { trialSeconds?: number }).trialSeconds !== 0 && (request as { verb?: string }).verb === 'apply');
  if (!keep) child.stdin!.end();
  return {
    child,
    events,
    send: (line) => child.stdin!.write(`${line}\n`),
    closeStdin: () => child.stdin!.end(),
    done,
    waitFor(pred, timeoutMs = 20_000) {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching helper event within ${timeoutMs} ms; events: ${JSON.stringify(events)}`)), timeoutMs);
        waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
        void done.then((r) => {
          clearTimeout(timer);
          reject(new Error(`helper ended (code ${r.code}, signal ${r.signal}) before the awaited event; events: ${JSON.stringify(r.events)} stderr: ${r.stderr}`));
        });
      });
    },
  };
}

/** Runs the helper to the end (trialSeconds 0 unless given), stdin closed after the request. */
export async function runHelper(request: unknown, opts: HelperOptions): Promise<HelperResult> {
  return (await startHelper(request, { ...opts, keepStdin: opts.keepStdin ?? false })).done;
}

export const applyRequest = (plan: Plan, trialSeconds = 0, probes: { kind: 'ping'; address: string; label: string }[] = []) => ({ verb: 'apply', plan, trialSeconds, probes });

export interface Planned {
  before: HostState;
  spec: NetworkSpec;
  plan: Plan;
}

/** Parses, validates (throws on any issue) and plans `input` against the target's current state. */
export async function planSpec(target: Target, input: NetworkSpecInput | unknown): Promise<Planned> {
  const parsed = parseSpec(input);
  if (!parsed.spec) throw new Error(`spec does not parse: ${JSON.stringify(parsed.issues)}`);
  const before = await discover(target, { resolvePeers: false });
  const issues = validateSpec(parsed.spec, before);
  if (issues.length) throw new Error(`spec does not validate: ${JSON.stringify(issues)}`);
  return { before, spec: parsed.spec, plan: makePlan(before, parsed.spec) };
}

export async function replanSteps(target: Target, spec: NetworkSpec): Promise<Plan['steps']> {
  return makePlan(await discover(target, { resolvePeers: false }), spec).steps;
}

/**
 * What "the target is exactly as before" compares: links (kind, master, MTU, admin state, global addresses,
 * alias), Linux bridges (STP and bridge settings, member names), OVS bridges (datapath, fail mode, controllers,
 * protocols, external_ids, ports with tags, trunks, external_ids and interface types). Left out on purpose:
 * ifindex, MAC, uuids, operstate and counters, which the kernel or OVS pick anew when an object is re-created.
 */
export function canonical(state: HostState) {
  const sortBy = <T>(xs: T[], key: (x: T) => string) => [...xs].sort((a, b) => key(a).localeCompare(key(b)));
  return {
    links: sortBy(state.links, (l) => l.name).map((l) => ({
      name: l.name,
      kind: l.kind,
      master: l.master ?? null,
      mtu: l.mtu,
      up: l.adminUp,
      addresses: globalAddresses(l).sort(),
      alias: l.alias ?? null,
    })),
    bridges: sortBy(state.bridges, (b) => b.name).map((b) => ({
      name: b.name,
      stp: b.stp,
      vlanFiltering: b.vlanFiltering,
      multicastSnooping: b.multicastSnooping ?? null,
      ageingTime: b.ageingTime ?? null,
      ports: b.ports.map((p) => p.name).sort(),
    })),
    ovs: sortBy(state.ovsBridges, (b) => b.name).map((b) => ({
      name: b.name,
      datapath: b.datapathType,
      failMode: b.failMode ?? null,
      controllers: [...b.controllers].sort(),
      protocols: [...b.protocols].sort(),
      externalIds: b.externalIds,
      ports: sortBy(b.ports, (p) => p.name).map((p) => ({
        name: p.name,
        tag: p.tag ?? null,
        trunks: [...p.trunks].sort((x, y) => x - y),
        externalIds: p.externalIds,
        types: p.interfaces.map((i) => i.type).sort(),
      })),
    })),
  };
}

export async function snapshot(target: Target) {
  return canonical(await discover(target, { resolvePeers: false }));
}

export interface OvsInstance {
  dir: string;
  ovsDb: string;
  pids: number[];
}

/**
 * A sandbox: namespaces, an optional OVS instance in the first one, a helper state directory. Names carry the
 * test's prefix and the PID so concurrent runs never collide.
 */
export class Sandbox {
  readonly dir: string;
  readonly stateDir: string;
  readonly namespaces: string[] = [];
  ovs?: OvsInstance;

  constructor(readonly prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    this.stateDir = join(this.dir, 'helper-state');
    mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
  }

  /** Namespace names: `<prefix>-<pid>-<suffix>`. */
  nsName(suffix: string): string {
    return `${this.prefix}-${process.pid}-${suffix}`;
  }

  async addNamespaces(...suffixes: string[]): Promise<string[]> {
    const names = suffixes.map((s) => this.nsName(s));
    await sh(['ip', '-batch', '-'], names.map((n) => `netns add ${n}\n`).join(''));
    this.namespaces.push(...names);
    await Promise.all(names.map((n) => sh(['ip', '-n', n, 'link', 'set', 'lo', 'up'])));
    return names;
  }

  /** `ip -n ns -batch` with the given lines. */
  async ip(ns: string, lines: string[]): Promise<void> {
    if (lines.length) await sh(['ip', '-n', ns, '-batch', '-'], lines.map((l) => `${l}\n`).join(''), 60_000);
  }

  async startOvs(ns: string): Promise<OvsInstance> {
    const dir = join(this.dir, 'ovs');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const db = join(dir, 'conf.db');
    const sock = join(dir, 'db.sock');
    await sh(['ovsdb-tool', 'create', db, OVS_SCHEMA]);
    const env = ['env', `OVS_RUNDIR=${dir}`, `OVS_LOGDIR=${dir}`, `OVS_DBDIR=${dir}`];
    this.ovs = { dir, ovsDb: `unix:${sock}`, pids: [] };
    await sh(inNetns(ns, [...env, 'ovsdb-server', db, `--remote=punix:${sock}`, `--pidfile=${join(dir, 'ovsdb-server.pid')}`, `--unixctl=${join(dir, 'ovsdb-server.ctl')}`, `--log-file=${join(dir, 'ovsdb-server.log')}`, '--detach']));
    this.ovs.pids.push(readPid(join(dir, 'ovsdb-server.pid')));
    await sh(['ovs-vsctl', `--db=unix:${sock}`, '--no-wait', 'init']);
    await sh(inNetns(ns, [...env, 'ovs-vswitchd', `unix:${sock}`, `--pidfile=${join(dir, 'ovs-vswitchd.pid')}`, `--unixctl=${join(dir, 'ovs-vswitchd.ctl')}`, `--log-file=${join(dir, 'ovs-vswitchd.log')}`, '--detach']));
    this.ovs.pids.push(readPid(join(dir, 'ovs-vswitchd.pid')));
    return this.ovs;
  }

  ovsVsctl(...args: string[]): Promise<string> {
    if (!this.ovs) throw new Error('no OVS instance');
    return sh(['ovs-vsctl', `--db=${this.ovs.ovsDb}`, '--timeout=20', ...args]);
  }

  async destroy(): Promise<void> {
    for (const pid of [...(this.ovs?.pids ?? [])].reverse()) await endPid(pid);
    const existing = new Set((await sh(['ip', 'netns', 'list'])).split('\n').map((l) => l.split(' ')[0]));
    const ours = this.namespaces.filter((n) => existing.has(n));
    if (ours.length) await sh(['ip', '-batch', '-'], ours.map((n) => `netns del ${n}\n`).join(''));
    rmSync(this.dir, { recursive: true, force: true });
    removeHelperBuild();
  }

  /** Journals the helper left behind (should be none after every finished run). */
  journals(): string[] {
    const d = join(this.stateDir, 'journal');
    if (!existsSync(d)) return [];
    // One journal is its plan file (<id>.json) plus its per-batch state (<id>.state.json).
    return readdirSync(d).filter((f) => f.endsWith('.json') && !f.endsWith('.state.json'));
  }
}

function readPid(file: string): number {
  const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`bad pid file ${file}`);
  return pid;
}

/** Ends one process we started, by PID (the helper's own SIGTERM-then-SIGKILL). */
export { endPid };

/** Ping from inside a namespace; true when one answer came back. */
export async function pingFrom(ns: string, address: string, count = 1, waitS = 1): Promise<boolean> {
  const r = await run(['ip', 'netns', 'exec', ns, 'ping', '-c', String(count), '-W', String(waitS), '-n', '-q', address], { timeoutMs: (count + waitS + 2) * 1000, okExitCodes: [1, 2] });
  return r.exitCode === 0;
}
