/**
 * `novanet capture start | stop | list | delete`. Without --wait, `start` checks everything here (so bad input
 * exits 2 with nothing started), then hands the capture to a detached `novanet capture run --id ID` that owns
 * the helper and writes the files, and prints the id once tcpdump listens.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAPTURE_LIMITS, captureIdSchema, type CaptureInfo } from '../../shared/model/capture';
import { NovanetError, ValidationError } from '../../shared/ipc/errors';
import { targetFromFlags } from '../../shared/model/target';
import { launch } from '../services/runner';
import { CaptureManager } from '../services/capture/manager';
import { CLI_FIELDS, preflight } from '../services/capture/preflight';
import { CaptureSession, type CapturePlan } from '../services/capture/session';
import { loadRecord, logPath, newCaptureId, removeRecord, saveRecord } from '../services/capture/store';
import { table } from './format';

/** How long `start` waits for the background capture to listen (a polkit prompt may come first). */
const START_TIMEOUT_MS = 120_000;

const num = (what: string, int: boolean, max: number) => (v: string) => {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v.trim()) || !Number.isFinite(n) || n <= 0 || (int && !Number.isInteger(n))) {
    throw new InvalidArgumentError(`${what} must be a ${int ? 'whole number' : 'number'} greater than 0`);
  }
  if (n > max) throw new InvalidArgumentError(`${what} must be at most ${max}`);
  return n;
};

function captureId(v: string): string {
  if (!captureIdSchema.safeParse(v).success)
    throw new ValidationError(`id: ${v} is not a capture id (see \`novanet capture list\`)`);
  return v;
}

/** The bundled CLI, to start the background process with (this very file once bundled). */
export function cliEntry(): string {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('novanet.mjs')) return self;
  let dir = dirname(self);
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    const c = join(dir, 'out', 'cli', 'novanet.mjs');
    if (existsSync(c)) return c;
  }
  throw new NovanetError('the CLI is not built (out/cli/novanet.mjs); run `npm run build`');
}

export const human = (n: number) =>
  n >= 1e9
    ? `${(n / 1e9).toFixed(1)} GB`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(1)} MB`
      : n >= 1e3
        ? `${(n / 1e3).toFixed(1)} kB`
        : `${n} B`;

function summary(c: CaptureInfo): string {
  const size = c.files.reduce((s, f) => s + f.bytes, 0);
  const counters =
    c.captured !== undefined
      ? `; tcpdump: ${c.captured} captured, ${c.received ?? 0} received by filter, ${c.dropped ?? 0} dropped by kernel`
      : '';
  const files = c.files.map((f) => `  ${f.path} (${human(f.bytes)})`).join('\n');
  return `Capture ${c.id} ${c.state}${c.endReason ? ` (${c.endReason})` : ''}: ${c.packets} packets, ${human(size)} in ${c.files.length} file(s), ${(c.durationMs / 1000).toFixed(1)} s${counters}${c.error ? `\n  note: ${c.error}` : ''}\n${files}\n`;
}

function planFromRecord(r: CaptureInfo): CapturePlan {
  const {
    id,
    owner,
    target,
    interface: iface,
    filter,
    snaplen,
    output,
    nodeId,
    count,
    durationSeconds,
    rotateSizeMb,
    rotateCount,
  } = r;
  return {
    id,
    owner,
    target,
    interface: iface,
    filter,
    snaplen,
    output,
    ...(nodeId ? { nodeId } : {}),
    ...(count !== undefined ? { count } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(rotateSizeMb !== undefined ? { rotateSizeMb } : {}),
    ...(rotateCount !== undefined ? { rotateCount } : {}),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the background process and waits until it listens (prints nothing itself). */
async function startDetached(plan: CapturePlan): Promise<CaptureInfo> {
  // The record carries the plan to the background process; from then on only that process writes it.
  saveRecord({
    ...plan,
    state: 'starting',
    files: [],
    startedAt: new Date().toISOString(),
    durationMs: 0,
    packets: 0,
    bytes: 0,
  });
  const log = openSync(logPath(plan.id), 'a', 0o600);
  let pid: number;
  try {
    pid = await launch([process.execPath, cliEntry(), 'capture', 'run', '--id', plan.id], { logFd: log });
  } finally {
    closeSync(log);
  }
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const r = loadRecord(plan.id);
    if (r.state !== 'starting') {
      if (r.state === 'failed') {
        const why = r.error ?? 'the capture did not start';
        if (why.startsWith('filter:')) {
          removeRecord(plan.id);
          throw new ValidationError(why);
        }
        throw new NovanetError(why);
      }
      return r;
    }
    if (!alive(pid)) {
      const tail = (() => {
        try {
          return readFileSync(logPath(plan.id), 'utf8').trim().split('\n').slice(-3).join(' / ');
        } catch {
          return '';
        }
      })();
      throw new NovanetError(
        `the background capture ended before it started${tail ? `: ${tail}` : ''} (log ${logPath(plan.id)})`,
      );
    }
    if (Date.now() > deadline)
      throw new NovanetError(
        `the background capture did not start within ${START_TIMEOUT_MS / 1000} s (pid ${pid}, log ${logPath(plan.id)})`,
      );
    await sleep(100);
  }
}

/** Runs a capture in this process until it ends; Ctrl-C / SIGTERM stop it cleanly. */
async function runHere(session: CaptureSession): Promise<CaptureInfo> {
  const stop = () => void session.stop('stopped');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await session.ended;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export function addCaptureCommands(program: Command): void {
  const capture = program
    .command('capture')
    .description('packet captures through the privileged helper (files written as you)');

  capture
    .command('start')
    .description('start a capture; without --wait it runs in the background and its id is printed')
    .requiredOption('--interface <name>', 'device to capture on')
    .requiredOption('--output <file>', 'first pcap file (rotated files are numbered beside it: FILE.1.pcap, ...)')
    .option('--netns <name>', 'network namespace of the interface (default: the host)')
    .option('--filter <bpf>', 'capture filter (tcpdump syntax), checked before anything starts')
    .option(
      '--duration <s>',
      'stop after this many seconds',
      num('--duration', false, CAPTURE_LIMITS.maxDurationSeconds),
    )
    .option('--count <n>', 'stop after this many packets', num('--count', true, CAPTURE_LIMITS.maxCount))
    .option(
      '--snaplen <bytes>',
      `bytes kept per packet (${CAPTURE_LIMITS.minSnaplen}-${CAPTURE_LIMITS.maxSnaplen})`,
      num('--snaplen', true, CAPTURE_LIMITS.maxSnaplen),
    )
    .option(
      '--rotate-size <MB>',
      'start a new file before one grows past this many MB (10^6 bytes)',
      num('--rotate-size', true, CAPTURE_LIMITS.maxRotateSizeMb),
    )
    .option(
      '--rotate-count <n>',
      'keep at most this many files (the oldest are deleted)',
      num('--rotate-count', true, CAPTURE_LIMITS.maxRotateCount),
    )
    .option('--wait', 'run in the foreground until the capture ends (duration, count or Ctrl-C)')
    .option('--json', 'print the capture record as JSON')
    .action(async (opts) => {
      const target = targetFromFlags({ netns: opts.netns });
      const input = {
        target: target.netns ? { netns: target.netns } : {},
        interface: String(opts.interface),
        output: resolve(String(opts.output)),
        ...(opts.filter !== undefined ? { filter: String(opts.filter) } : {}),
        ...(opts.duration !== undefined ? { durationSeconds: opts.duration as number } : {}),
        ...(opts.count !== undefined ? { count: opts.count as number } : {}),
        ...(opts.snaplen !== undefined ? { snaplen: opts.snaplen as number } : {}),
        ...(opts.rotateSize !== undefined ? { rotateSizeMb: opts.rotateSize as number } : {}),
        ...(opts.rotateCount !== undefined ? { rotateCount: opts.rotateCount as number } : {}),
      };
      if (opts.wait) {
        const manager = new CaptureManager({ owner: 'cli' });
        const session = await manager.start(input, CLI_FIELDS);
        // On stderr even with --json: stdout stays one JSON document, and a caller can tell the capture listens.
        process.stderr.write(
          `Capturing on ${input.interface}${target.netns ? ` in ${target.netns}` : ''} as ${session.id}; Ctrl-C to stop\n`,
        );
        const info = await runHere(session);
        process.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : summary(info));
        if (info.state === 'failed') process.exitCode = 1;
        return;
      }
      const plan = await preflight({ ...input, id: newCaptureId(), owner: 'cli' }, CLI_FIELDS);
      const info = await startDetached(plan);
      if (opts.json) process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      else {
        process.stdout.write(`${info.id}\n`);
        process.stderr.write(
          `Capture ${info.id} runs in the background (pid ${info.pid}); stop it with: novanet capture stop ${info.id}\n`,
        );
      }
    });

  capture
    .command('run', { hidden: true })
    .description('internal: run a capture recorded by `capture start` (the background process)')
    .requiredOption('--id <id>', 'capture id')
    .action(async (opts) => {
      const r = loadRecord(captureId(String(opts.id)));
      if (r.state !== 'starting') throw new ValidationError(`capture ${r.id} was already run`);
      const session = new CaptureSession(planFromRecord(r));
      const info = await runHere(session);
      process.stderr.write(summary(info));
      if (info.state === 'failed') process.exitCode = 1;
    });

  capture
    .command('stop')
    .description('stop a capture and wait until its files are finished')
    .argument('<id>', 'capture id (see `novanet capture list`)')
    .option('--json', 'print the capture record as JSON')
    .action(async (id: string, opts) => {
      const info = await new CaptureManager({ owner: 'cli' }).stop(captureId(id));
      process.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : summary(info));
    });

  capture
    .command('list')
    .description('captures on record: state, interface, files, size, duration, packets')
    .option('--json', 'print as JSON')
    .action((opts) => {
      const all = new CaptureManager({ owner: 'cli' }).list();
      if (opts.json) return void process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      if (all.length === 0) return void process.stdout.write('No captures yet.\n');
      const rows = all.map((c) => [
        c.id,
        c.state,
        `${c.target.netns ? `${c.target.netns}/` : ''}${c.interface}`,
        c.files.length === 0
          ? '-'
          : c.files.length === 1
            ? (c.files[0]?.path ?? '')
            : `${c.files[0]?.path} (+${c.files.length - 1})`,
        human(c.files.reduce((s, f) => s + f.bytes, 0)),
        `${(c.durationMs / 1000).toFixed(1)} s`,
        String(c.packets),
      ]);
      process.stdout.write(`${table(['ID', 'STATE', 'INTERFACE', 'FILES', 'SIZE', 'DURATION', 'PACKETS'], rows)}\n`);
    });

  capture
    .command('delete')
    .description('delete an ended capture: its files and its record')
    .argument('<id>', 'capture id')
    .action((id: string) => {
      const removed = new CaptureManager({ owner: 'cli' }).delete(captureId(id));
      process.stdout.write(`Deleted capture ${id}${removed.length ? `: ${removed.join(', ')}` : ''}\n`);
    });
}
