/**
 * The harness's own contract, mostly without booting: one-line reasons naming Debian packages, the static
 * busybox check, the initramfs format (read back by the real cpio tool) and the artifact cache.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootVm, ensureArtifacts, vmUnavailableReason, VmCommandTimeoutError } from './harness';
import { isStaticElf } from './artifacts';
import { writeCpio } from './cpio';
import { resolveTool } from '../../electron/services/runner';

const vmReason = vmUnavailableReason();

describe('vmUnavailableReason', () => {
  it('names qemu-system-x86 when qemu is missing', () => {
    expect(vmUnavailableReason({ ...process.env, NOVANET_QEMU: '/nonexistent/qemu' })).toBe(
      'qemu-system-x86_64 not found: install the Debian package qemu-system-x86',
    );
  });

  it.skipIf(!!vmReason)('names linux-image-amd64 when the kernel image is missing', () => {
    expect(vmUnavailableReason({ ...process.env, NOVANET_VM_KERNEL: '/nonexistent/vmlinuz-9.9.9-amd64' })).toMatch(
      /^kernel image \/nonexistent\/vmlinuz-9\.9\.9-amd64 .* install the Debian package linux-image-amd64$/,
    );
  });

  it.skipIf(!!vmReason)('names busybox-static when only a dynamic busybox is there', () => {
    expect(vmUnavailableReason({ ...process.env, NOVANET_VM_BUSYBOX: process.execPath })).toMatch(
      /install the Debian package busybox-static/,
    );
  });

  it('is one line', () => {
    for (const env of [{ NOVANET_QEMU: '/x' }, { NOVANET_VM_KERNEL: '/x' }, { NOVANET_VM_BUSYBOX: '/x' }]) {
      expect(vmUnavailableReason({ ...process.env, ...env }) ?? '').not.toContain('\n');
    }
  });

  it('makes bootVm throw the same reason', async () => {
    await expect(bootVm({ env: { ...process.env, NOVANET_QEMU: '/nonexistent/qemu' } })).rejects.toThrow(
      'qemu-system-x86_64 not found: install the Debian package qemu-system-x86',
    );
  });
});

describe('isStaticElf', () => {
  it('tells a static binary from a dynamic one', () => {
    expect(isStaticElf(process.execPath)).toBe(false);
    expect(isStaticElf('/nonexistent')).toBe(false);
    if (!vmReason) expect(['/bin/busybox', '/usr/bin/busybox'].some(isStaticElf)).toBe(true);
  });
});

describe.skipIf(!resolveTool('cpio'))('writeCpio', () => {
  it('writes a newc archive that cpio(1) lists, device nodes included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'novanet-cpio-'));
    try {
      const archive = writeCpio([
        { name: 'bin', mode: 0o40755 },
        { name: 'dev/console', mode: 0o20600, rdev: [5, 1] },
        { name: 'bin/hello', mode: 0o100755, data: Buffer.from('#!/bin/sh\necho hi\n') },
        { name: 'odd-size', mode: 0o100644, data: Buffer.from('abc') },
      ]);
      await writeFile(join(dir, 'a.cpio'), archive);
      const r = await execa('cpio', ['-itv', '--quiet', '-F', join(dir, 'a.cpio')]);
      const lines = r.stdout.split('\n');
      expect(lines.map((l) => l.split(/\s+/).pop())).toEqual(['bin', 'dev/console', 'bin/hello', 'odd-size']);
      expect(lines[1]).toMatch(/^crw-------.* 5,\s+1 /);
      expect(lines[2]).toMatch(/^-rwxr-xr-x .* 18 /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!!vmReason)('ensureArtifacts', () => {
  it('builds into the cache once, then reuses it', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'novanet-vmcache-'));
    try {
      const env = { ...process.env, NOVANET_VM_CACHE: cache };
      const first = await ensureArtifacts(env);
      expect(first.built).toBe(true);
      expect(first.kernel.startsWith(cache)).toBe(true);
      expect(existsSync(first.initramfs)).toBe(true);
      const t0 = performance.now();
      const second = await ensureArtifacts(env);
      expect(second).toEqual({ ...first, built: false });
      expect(performance.now() - t0).toBeLessThan(500);
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!!vmReason)('a VM that dies or hangs', () => {
  const gone = (pid: number) => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };

  it('reports a guest kernel panic and leaves no qemu behind', async () => {
    const vm = await bootVm({ log: () => undefined });
    try {
      const err = await vm.run('echo c > /proc/sysrq-trigger; sleep 60', { timeoutMs: 30_000 }).catch((e: Error) => e);
      expect(String(err)).toMatch(/exited unexpectedly/);
      expect(gone(vm.pid)).toBe(true);
      await expect(vm.run('true')).rejects.toThrow(/closed/);
    } finally {
      await vm.close();
    }
    expect(existsSync(vm.hostJobDir)).toBe(false);
  });

  it('tears the VM down when the guest stops answering, naming the command and timeout', async () => {
    const vm = await bootVm({ log: () => undefined, hostGraceMs: 1000 });
    try {
      // Freeze the guest-side watchdog's sleep (retrying until it exists), so only the host-side timeout can end
      // this command.
      const stuck = `(until pkill -STOP -f '^/run/novanet/busybox sleep [0-9.]+$'; do sleep 0.1; done) & sleep 600`;
      const err = await vm.run(stuck, { timeoutMs: 8000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VmCommandTimeoutError);
      expect((err as Error).message).toMatch(/8000 ms and the guest stopped answering \(VM torn down\): \(until pkill/);
      expect(gone(vm.pid)).toBe(true);
    } finally {
      await vm.close();
    }
    expect(existsSync(vm.hostJobDir)).toBe(false);
  });
});
