/**
 * The one place the unprivileged side runs external programs: argv arrays only, never a shell, a timeout on
 * every call, and a record of each command for previews and the audit log.
 */
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { constants as osConstants } from 'node:os';

export type ToolFailure = 'missing' | 'timeout' | 'failed' | 'signal';

/** Debian package that provides each tool, so "missing" errors can say what to install. */
export const toolPackages: Record<string, string> = {
  ip: 'iproute2',
  bridge: 'iproute2',
  tc: 'iproute2',
  'ovs-vsctl': 'openvswitch-switch',
  'ovsdb-server': 'openvswitch-switch',
  'ovs-vswitchd': 'openvswitch-switch',
  'ovsdb-tool': 'openvswitch-switch',
  'ovs-appctl': 'openvswitch-switch',
  virsh: 'libvirt-clients',
  nft: 'nftables',
  dnsmasq: 'dnsmasq-base',
  tcpdump: 'tcpdump',
  iperf3: 'iperf3',
  ping: 'iputils-ping',
  modprobe: 'kmod',
  pkexec: 'pkexec',
  pkcheck: 'polkitd',
  'dbus-daemon': 'dbus',
  'dbus-send': 'dbus',
  setpriv: 'util-linux',
};

export class ToolError extends Error {
  override name = 'ToolError';
  constructor(
    message: string,
    readonly failure: ToolFailure,
    readonly argv: readonly string[],
    readonly stderr = '',
    readonly exitCode?: number,
  ) {
    super(message);
  }
}

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
  /** Accept these non-zero exit codes as success (the caller reads stdout/stderr itself). */
  okExitCodes?: number[];
  signal?: AbortSignal;
}

export interface RunResult {
  argv: string[];
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
}

export type Runner = (argv: readonly string[], opts?: RunOptions) => Promise<RunResult>;

const SEARCH_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/local/bin'];
const resolved = new Map<string, string | null>();

/** Finds a tool on PATH and in the sbin directories an unprivileged PATH often lacks. */
export function resolveTool(tool: string): string | null {
  if (tool.includes('/')) return tool;
  const hit = resolved.get(tool);
  if (hit !== undefined) return hit;
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SEARCH_DIRS];
  let found: string | null = null;
  for (const dir of dirs) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      found = join(dir, tool);
      break;
    } catch {
      /* try the next directory */
    }
  }
  resolved.set(tool, found);
  return found;
}

export function missingToolMessage(tool: string): string {
  const pkg = toolPackages[tool];
  return `${tool} is not installed${pkg ? ` (Debian package ${pkg})` : ''}`;
}

export type CommandLog = (entry: RunResult & { error?: string }) => void;
const listeners = new Set<CommandLog>();
/** Observe every command run (audit log, plan preview, tests). Returns an unsubscribe function. */
export function onCommand(fn: CommandLog): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export const run: Runner = async (argv, opts = {}) => {
  const [tool, ...args] = argv;
  if (!tool) throw new ToolError('empty command', 'failed', argv);
  const path = resolveTool(tool);
  if (!path) throw new ToolError(missingToolMessage(tool), 'missing', argv);
  const started = performance.now();
  const result = await execa(path, args, {
    input: opts.input,
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    reject: false,
    stripFinalNewline: false,
    cancelSignal: opts.signal,
    env: { LC_ALL: 'C' },
    extendEnv: true,
    maxBuffer: 256 * 1024 * 1024,
  });
  const out: RunResult = {
    argv: [...argv],
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    exitCode: result.exitCode ?? -1,
    durationMs: performance.now() - started,
  };
  let error: ToolError | undefined;
  if (result.timedOut) {
    error = new ToolError(`${tool} did not answer within ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`, 'timeout', argv);
  } else if (result.failed && result.code === 'ENOENT') {
    error = new ToolError(missingToolMessage(tool), 'missing', argv);
  } else if (result.isCanceled) {
    error = new ToolError(`${tool} was cancelled`, 'signal', argv);
  } else if (result.signal) {
    error = new ToolError(`${tool} was killed by ${result.signal}`, 'signal', argv, out.stderr);
  } else if (out.exitCode !== 0 && !opts.okExitCodes?.includes(out.exitCode)) {
    const reason = firstLine(out.stderr) || firstLine(out.stdout) || `exit status ${out.exitCode}`;
    error = new ToolError(`${tool} failed: ${reason}`, 'failed', argv, out.stderr, out.exitCode);
  }
  for (const l of listeners) l(error ? { ...out, error: error.message } : out);
  if (error) throw error;
  return out;
};

function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
}

/** argv prefix that runs a command inside a network namespace (needs root), or nothing for the host. */
export function inNetns(netns: string | undefined, argv: readonly string[]): string[] {
  return netns ? ['ip', 'netns', 'exec', netns, ...argv] : [...argv];
}

export interface StreamHandle {
  pid: number | undefined;
  /** Resolves when the process ended, with the reason if it ended on its own. */
  done: Promise<string | undefined>;
  stop(): void;
}

/**
 * Runs a long-lived program (a monitor) and hands over its stdout line by line. Ended by its own handle only,
 * so nothing else's processes are touched.
 */
export function stream(argv: readonly string[], onLine: (line: string) => void): StreamHandle {
  const [tool, ...args] = argv;
  const path = tool ? resolveTool(tool) : null;
  if (!tool || !path) {
    return { pid: undefined, done: Promise.resolve(tool ? missingToolMessage(tool) : 'empty command'), stop() {} };
  }
  const child = execa(path, args, { reject: false, buffer: false, env: { LC_ALL: 'C' }, stdin: 'ignore' });
  let rest = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) if (l) onLine(l);
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => {
    if (stderr.length < 4096) stderr += c;
  });
  let stopped = false;
  const done = child.then((r) => (stopped ? undefined : firstLine(stderr) || `${tool} exited with status ${r.exitCode ?? r.signal}`));
  return {
    pid: child.pid,
    done,
    stop() {
      stopped = true;
      child.kill('SIGTERM');
    },
  };
}

export interface Conversation {
  pid: number | undefined;
  send(line: string): void;
  /** Resolves with the exit code once the program has ended. */
  exited: Promise<number>;
}

/**
 * A program the caller talks to line by line (the privileged helper): JSON lines out, commands in.
 * No timeout here: the helper bounds its own trial; the caller ends it by closing stdin.
 */
export function converse(argv: readonly string[], onLine: (line: string) => void, env?: Record<string, string>): Conversation {
  const [tool, ...args] = argv;
  const path = tool ? resolveTool(tool) : null;
  if (!tool || !path) throw new ToolError(tool ? missingToolMessage(tool) : 'empty command', 'missing', argv);
  const child = execa(path, args, { reject: false, buffer: false, stdin: 'pipe', env: { LC_ALL: 'C', ...env }, extendEnv: true });
  let rest = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) if (l) onLine(l);
  });
  child.stderr?.resume();
  child.stdin?.on('error', () => undefined);
  return {
    pid: child.pid,
    send(line) {
      if (child.stdin?.writable) child.stdin.write(`${line}\n`);
    },
    exited: child.then((r) => {
      if (rest) onLine(rest);
      return r.exitCode ?? 128;
    }),
  };
}

export interface BinaryConversation {
  pid: number | undefined;
  send(line: string): void;
  /** Closes the program's stdin: for the helper, the same as saying "stop". */
  end(): void;
  /** Resolves with the exit code once the program has ended and its stdout and stderr are drained. */
  exited: Promise<number>;
}

/**
 * A program whose stdout is binary data and whose messages are lines on stderr: the helper's capture verb
 * (pcap on stdout, JSON events on stderr). `onData` runs synchronously per chunk, so the caller can write each
 * chunk before the next arrives; nothing is buffered here. Ends only by its own handle or by itself.
 */
export function converseBinary(
  argv: readonly string[],
  onData: (chunk: Buffer) => void,
  onLine: (line: string) => void,
  opts: { env?: Record<string, string>; ownSession?: boolean } = {},
): BinaryConversation {
  const [tool, ...args] = argv;
  const path = tool ? resolveTool(tool) : null;
  if (!tool || !path) throw new ToolError(tool ? missingToolMessage(tool) : 'empty command', 'missing', argv);
  // ownSession: a terminal's Ctrl-C then reaches only the caller, which ends the program by its own protocol.
  const child = spawn(path, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', ...opts.env }, detached: !!opts.ownSession });
  child.stdout.on('data', (chunk: Buffer) => onData(chunk));
  let rest = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) if (l) onLine(l);
  });
  child.stdin.on('error', () => undefined);
  // 'close' comes after the stdio streams ended, so every byte of stdout was handed over before this resolves.
  const exited = new Promise<number>((resolve) => {
    child.on('error', (err) => {
      onLine(JSON.stringify({ type: 'error', message: `${tool}: ${err.message}` }));
      resolve(127);
    });
    child.on('close', (code, signal) => {
      if (rest) onLine(rest);
      resolve(code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0));
    });
  });
  return {
    pid: child.pid,
    send(line) {
      if (child.stdin.writable) child.stdin.write(`${line}\n`);
    },
    end() {
      if (child.stdin.writable) child.stdin.end();
    },
    exited,
  };
}

/**
 * Starts a program that outlives this call and is not waited for (a desktop application, or a detached
 * background process of our own), in its own session. stdout and stderr go to `logFd` when given, else nowhere.
 * Resolves with its PID once it has started; rejects with a ToolError if it could not be started.
 */
export function launch(argv: readonly string[], opts: { logFd?: number; env?: Record<string, string>; cwd?: string } = {}): Promise<number> {
  const [tool, ...args] = argv;
  const path = tool ? resolveTool(tool) : null;
  if (!tool || !path) return Promise.reject(new ToolError(tool ? missingToolMessage(tool) : 'empty command', 'missing', argv));
  const out = opts.logFd ?? 'ignore';
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { detached: true, stdio: ['ignore', out, out], env: { ...process.env, ...opts.env }, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    child.once('error', (err) => reject(new ToolError(`${tool} could not be started: ${err.message}`, 'failed', argv)));
    child.once('spawn', () => {
      child.unref();
      resolve(child.pid as number);
    });
  });
}
