/**
 * Boots Debian's full kernel under qemu (TCG) with the host's root shared read-only, for tests that need kernel
 * features this machine's minimal kernel lacks. One boot serves many commands: `bootVm()` -> `run()` x N ->
 * `close()`. qemu never outlives its session: close() powers off and kills by PID if needed, and reaper.ts kills
 * every live VM on process exit or a signal.
 */
import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureArtifacts, probeVmHost } from './artifacts';
import { DONE_MARK, READY_MARK } from './guest-init';
import { removeStaleWorkDirs, trackPid, untrackPid } from './reaper';
import {
  VmCommandTimeoutError,
  type BootOptions,
  type VmRunOptions,
  type VmRunResult,
  type VmSession,
} from './session-types';

export { ensureArtifacts, vmUnavailableReason, cacheDir } from './artifacts';
export { GUEST_JOB_DIR } from './guest-init';
export { VmCommandTimeoutError } from './session-types';
export type { BootOptions, VmRunOptions, VmRunResult, VmSession } from './session-types';

const POWEROFF_WAIT_MS = 5_000;

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const tail = (s: string, n = 1500) => (s.length > n ? `...${s.slice(-n)}` : s);

interface Pending {
  id: string;
  resolve: (r: { exitCode: number; timedOut: boolean }) => void;
  reject: (e: Error) => void;
}

class Session implements VmSession {
  bootMs = 0;
  firstCommandMs = 0;
  kernelVersion = '';
  private lineBuf = '';
  private stderrTail = '';
  private pending: Pending | null = null;
  private onReady: ((version: string) => void) | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private exited = false;
  private closing = false;
  private readonly exitPromise: Promise<void>;

  constructor(
    private readonly child: ResultPromise,
    readonly pid: number,
    private readonly workDir: string,
    private readonly hostGraceMs: number,
  ) {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.onData(chunk));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (this.stderrTail = tail(this.stderrTail + chunk, 4000)));
    this.exitPromise = child.then(
      () => this.onExit(),
      () => this.onExit(),
    );
  }

  get hostJobDir(): string {
    return join(this.workDir, 'job');
  }

  private get consoleLog(): string {
    return join(this.workDir, 'console.log');
  }

  private onExit(): void {
    this.exited = true;
    untrackPid(this.pid);
    const p = this.pending;
    this.pending = null;
    if (!p) return;
    if (this.closing) p.reject(new Error('the VM session was closed while the command ran'));
    else void this.describeDeath().then((why) => p.reject(new Error(why)));
  }

  /** Why the VM is gone, with qemu's stderr and the end of the kernel console. */
  async describeDeath(): Promise<string> {
    const consoleText = await readFile(this.consoleLog, 'utf8').catch(() => '');
    return (
      `the VM (qemu pid ${this.pid}) exited unexpectedly` +
      (this.stderrTail.trim() ? `; qemu: ${this.stderrTail.trim()}` : '') +
      (consoleText.trim() ? `; console: ${tail(consoleText.trim(), 800)}` : '')
    );
  }

  private onData(chunk: string): void {
    this.lineBuf += chunk;
    let nl: number;
    while ((nl = this.lineBuf.indexOf('\n')) >= 0) {
      const line = this.lineBuf.slice(0, nl).replace(/\r$/, '');
      this.lineBuf = this.lineBuf.slice(nl + 1);
      const ready = line.match(new RegExp(`${READY_MARK} (\\S+)$`));
      if (ready && this.onReady) this.onReady(ready[1] ?? '');
      const done = line.match(new RegExp(`${DONE_MARK} (\\d+) (\\d+) ([01])$`));
      const p = this.pending;
      if (done && p && p.id === done[1]) {
        this.pending = null;
        p.resolve({ exitCode: Number(done[2]), timedOut: done[3] === '1' });
      }
    }
  }

  waitReady(timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void this.describeDeath().then((why) =>
          reject(new Error(`the VM did not boot within ${timeoutMs} ms${why.replace(/^[^;]*/, '')}`)),
        );
      }, timeoutMs);
      this.onReady = (v) => {
        clearTimeout(timer);
        this.onReady = null;
        resolve(v);
      };
      void this.exitPromise.then(async () => {
        clearTimeout(timer);
        reject(new Error(await this.describeDeath()));
      });
    });
  }

  run(command: string, opts: VmRunOptions = {}): Promise<VmRunResult> {
    const result = this.queue.then(() => this.runNow(command, opts));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runNow(command: string, opts: VmRunOptions): Promise<VmRunResult> {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    if (this.exited || this.closing) throw new Error(`the VM session is closed; cannot run: ${command}`);
    const id = String(this.nextId++);
    const file = (ext: string) => join(this.hostJobDir, `${id}.${ext}`);
    await writeFile(file('sh'), `cd -- ${shellQuote(opts.cwd ?? '/')} || exit 125\n${command}\n`);
    const started = performance.now();
    const answer = new Promise<{ exitCode: number; timedOut: boolean }>((resolve, reject) => {
      this.pending = { id, resolve, reject };
    });
    let hostTimer: NodeJS.Timeout | undefined;
    const hostTimeout = new Promise<never>((_, reject) => {
      hostTimer = setTimeout(() => reject(new Error('host timeout')), timeoutMs + this.hostGraceMs);
    });
    this.child.stdin?.write(`${id} ${(timeoutMs / 1000).toFixed(3)}\n`);
    let outcome: { exitCode: number; timedOut: boolean };
    try {
      outcome = await Promise.race([answer, hostTimeout]);
    } catch (err) {
      if ((err as Error).message !== 'host timeout') throw err;
      this.pending = null;
      await this.kill();
      // The kernel console is the only witness of why the guest stopped (a hung task, a 9p error, an oops).
      const consoleText = (await readFile(this.consoleLog, 'utf8').catch(() => '')).trim();
      throw new VmCommandTimeoutError(
        `VM command timed out after ${timeoutMs} ms and the guest stopped answering (VM torn down): ${command}` +
          (consoleText ? `; console: ${tail(consoleText, 800)}` : ''),
        command,
        timeoutMs,
      );
    } finally {
      clearTimeout(hostTimer);
    }
    const [stdout, stderr] = await Promise.all([file('out'), file('err')].map((f) => readFile(f, 'utf8')));
    await Promise.all(['sh', 'out', 'err', 'timeout'].map((ext) => rm(file(ext), { force: true })));
    if (outcome.timedOut) {
      throw new VmCommandTimeoutError(
        `VM command timed out after ${timeoutMs} ms (killed in the guest): ${command}`,
        command,
        timeoutMs,
        stdout,
        stderr,
      );
    }
    return {
      command,
      stdout: stdout ?? '',
      stderr: stderr ?? '',
      exitCode: outcome.exitCode,
      durationMs: performance.now() - started,
    };
  }

  private async kill(): Promise<void> {
    this.closing = true;
    if (!this.exited) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await this.exitPromise;
  }

  /** Idempotent; also after the session was torn down by a host-side timeout (the work dir still goes). */
  async close(): Promise<void> {
    const first = !this.closing;
    this.closing = true;
    if (first && !this.exited && !this.pending) {
      this.child.stdin?.write('poweroff\n');
      const timer = setTimeout(() => void this.kill(), POWEROFF_WAIT_MS);
      await this.exitPromise;
      clearTimeout(timer);
    }
    await this.kill();
    await rm(this.workDir, { recursive: true, force: true });
  }
}

export async function bootVm(opts: BootOptions = {}): Promise<VmSession> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const host = probeVmHost(opts.env);
  if (typeof host === 'string') throw new Error(host);
  const t0 = performance.now();
  const art = await ensureArtifacts(opts.env);
  if (art.built) log(`[vm] built boot artifacts for ${art.kernelVersion} in ${Math.round(performance.now() - t0)} ms`);

  await removeStaleWorkDirs(tmpdir(), 'novanet-vm-');
  const work = await mkdtemp(join(tmpdir(), 'novanet-vm-'));
  await writeFile(join(work, 'owner.pid'), String(process.pid));
  const jobDir = join(work, 'job');
  const consoleLog = join(work, 'console.log');
  await mkdir(jobDir);
  // The project directory (where the tests run from) is shared on its own, so a checkout under /tmp is visible.
  const projectDir = opts.projectDir ?? process.cwd();
  await writeFile(join(jobDir, 'project-dir'), projectDir);
  // qemu's option parser splits on ',' (',,' is a literal comma).
  const opt = (p: string) => p.replace(/,/g, ',,');
  const qemuArgs = [
    ...['-accel', 'tcg', '-M', 'pc', '-m', String(opts.memoryMb ?? 1024), '-smp', String(opts.cpus ?? 2)],
    ...['-nodefaults', '-no-user-config', '-display', 'none', '-monitor', 'none', '-no-reboot'],
    ...['-kernel', art.kernel, '-initrd', art.initramfs],
    ...['-append', 'console=ttyS0 panic=-1 rdinit=/init quiet mitigations=off'],
    ...['-serial', `file:${opt(consoleLog)}`, '-chardev', 'stdio,id=ctl,signal=off', '-serial', 'chardev:ctl'],
    ...['-virtfs', 'local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap'],
    ...['-virtfs', `local,path=${opt(jobDir)},mount_tag=job,security_model=none,multidevs=remap`],
    ...['-virtfs', `local,path=${opt(projectDir)},mount_tag=proj,security_model=none,readonly=on,multidevs=remap`],
  ];
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  // --pdeathsig: the kernel kills qemu even if Node dies by SIGKILL, where no exit handler runs.
  const args = setpriv ? ['--pdeathsig', 'KILL', '--', host.qemu, ...qemuArgs] : qemuArgs;
  const started = performance.now();
  const child = execa(setpriv ?? host.qemu, args, {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
  });
  if (child.pid === undefined) {
    await rm(work, { recursive: true, force: true });
    throw new Error(`could not start ${host.qemu}`);
  }
  trackPid(child.pid, setpriv !== undefined);
  const session = new Session(child, child.pid, work, opts.hostGraceMs ?? 10_000);
  try {
    session.kernelVersion = await session.waitReady(opts.bootTimeoutMs ?? 60_000);
    session.bootMs = Math.round(performance.now() - started);
    const first = await session.run('uname -r', { timeoutMs: 20_000 });
    if (first.exitCode !== 0) throw new Error(`the first VM command failed: ${first.stderr.trim()}`);
    session.firstCommandMs = Math.round(performance.now() - started);
  } catch (err) {
    await session.close().catch(() => undefined);
    throw err;
  }
  log(
    `[vm] ${session.kernelVersion}: ready in ${session.bootMs} ms, first command answered at ${session.firstCommandMs} ms`,
  );
  return session;
}
