/** The VM session's public shapes, kept apart from the qemu plumbing in harness.ts. */

export interface BootOptions {
  memoryMb?: number;
  /** Shared read-only at the same path in the guest (default: the current directory, the repository). */
  projectDir?: string;
  cpus?: number;
  /** From starting qemu to the guest agent's ready line. */
  bootTimeoutMs?: number;
  /** Past a command's own timeout, how long to wait before deciding the guest itself is stuck; default 10 s. */
  hostGraceMs?: number;
  /** Progress and timing lines; defaults to stderr. */
  log?: (line: string) => void;
  /** Where NOVANET_QEMU, NOVANET_VM_KERNEL, NOVANET_VM_BUSYBOX and NOVANET_VM_CACHE are read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface VmRunOptions {
  /** Killed in the guest after this long (its whole process group); default 60 s. */
  timeoutMs?: number;
  /** Guest working directory; default '/'. The host's paths exist in the guest since / is shared. */
  cwd?: string;
}

export interface VmRunResult {
  command: string;
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
}

export interface VmSession {
  readonly pid: number;
  readonly kernelVersion: string;
  /** Spawn of qemu to the agent's ready line, and to the first command's answer. */
  readonly bootMs: number;
  readonly firstCommandMs: number;
  /** Host directory that the guest sees as GUEST_JOB_DIR (read-write); for handing files to guest commands. */
  readonly hostJobDir: string;
  run(command: string, opts?: VmRunOptions): Promise<VmRunResult>;
  close(): Promise<void>;
}

export class VmCommandTimeoutError extends Error {
  override name = 'VmCommandTimeoutError';
  constructor(
    message: string,
    readonly command: string,
    readonly timeoutMs: number,
    readonly stdout = '',
    readonly stderr = '',
  ) {
    super(message);
  }
}
