/**
 * `novanet` as a user runs it, for integration suites: the CLI bundled from source into a private temp directory
 * (a concurrent `npm run build` cannot swap it mid-run), the real helper from apply-harness run directly as root,
 * and private history, audit and helper-state directories.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleForNode, helperBinary, REPO } from './apply-harness';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class CliRunner {
  readonly dir = mkdtempSync(join(tmpdir(), 'nn-cli-'));
  /** The helper's journal and state: also for a test that runs the helper itself. */
  readonly stateDir = join(this.dir, 'helper-state');
  private bin?: string;
  private helper?: string;

  async build(): Promise<void> {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    this.bin = join(this.dir, 'novanet.mjs');
    await bundleForNode('electron/cli/entry.ts', this.bin, { __NOVANET_VERSION__: JSON.stringify(pkg.version) });
    this.helper = await helperBinary();
    mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
  }

  run(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 240_000): CliResult {
    if (!this.bin || !this.helper) throw new Error('CliRunner.build() first');
    const r = spawnSync(process.execPath, [this.bin, ...args], {
      encoding: 'utf8',
      timeout: timeoutMs,
      env: {
        PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
        NOVANET_CONFIG_DIR: join(this.dir, 'config'),
        NOVANET_HELPER_STATE_DIR: this.stateDir,
        NOVANET_HELPER_COMMAND: JSON.stringify([process.execPath, this.helper]),
        ...env,
      },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
