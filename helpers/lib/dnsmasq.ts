/**
 * One dnsmasq per `dhcp` entry, run in the Target's namespace from a config the helper generates itself
 * (dnsmasq-conf.ts) in its root-owned run directory. The config is checked with `dnsmasq --test` before anything
 * stops; a running instance is ended only by the PID in its own pid file, and only if that process is the dnsmasq
 * started from this config. The lease file stays readable by the app (0644) for the leases table.
 */
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildDnsmasqConf } from '../../shared/plan/dnsmasq-conf';
import { dnsmasqFiles, VMNET_RUN_DIR, type VmnetOperation } from '../../shared/plan/operations-vmnet';
import { endPid } from './end-pid';
import type { Emit } from './execute';
import { complaint, makeRunDir, pruneEmptyDirs, runInTarget } from './in-target';

type Start = Extract<VmnetOperation, { op: 'dhcp.start' }>;
type Stop = Extract<VmnetOperation, { op: 'dhcp.stop' }>;

/** The PID in `pidFile` if that process is a dnsmasq started with `conf`; undefined otherwise. */
export function dnsmasqPid(pidFile: string, conf: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    if (!Number.isInteger(pid) || pid <= 1) return undefined;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv[0]?.endsWith('dnsmasq') && argv.includes(conf) ? pid : undefined;
  } catch {
    return undefined;
  }
}

type Files = ReturnType<typeof dnsmasqFiles>;

/** Ends the running instance; returns its config when one was running (to bring it back if need be). */
async function stopRunning(files: Files, emit: Emit): Promise<string | undefined> {
  const pid = dnsmasqPid(files.pidFile, files.conf);
  if (pid === undefined) return undefined;
  const conf = readFileSync(files.conf, 'utf8');
  emit({ type: 'command', argv: ['kill', '-TERM', String(pid)], exitCode: 0 });
  await endPid(pid);
  return conf;
}

export async function dhcpStart(op: Start, netns: string | undefined, emit: Emit): Promise<string | undefined> {
  const files = dnsmasqFiles(netns, op.owner, op.dhcp.name);
  const text = buildDnsmasqConf(op.dhcp, { leaseFile: files.leaseFile, pidFile: files.pidFile });
  makeRunDir(dirname(files.conf), VMNET_RUN_DIR);
  const candidate = `${files.conf}.new`;
  writeFileSync(candidate, text, { mode: 0o644 });
  const test = await runInTarget(netns, 'dnsmasq', ['--test', '-C', candidate], emit);
  if (test.exitCode !== 0) {
    rmSync(candidate, { force: true });
    return `dnsmasq refused the config for ${op.dhcp.name}: ${complaint(test)}`;
  }
  // A step that fails must change nothing: the server it replaced comes back with its old config.
  const previous = await stopRunning(files, emit);
  renameSync(candidate, files.conf);
  const started = await launch(files, netns, emit);
  if (started === undefined) return undefined;
  if (previous) {
    writeFileSync(files.conf, previous, { mode: 0o644 });
    await launch(files, netns, emit);
  } else {
    await dhcpStop({ op: 'dhcp.stop', owner: op.owner, name: op.dhcp.name }, netns, emit);
  }
  return `dnsmasq for ${op.dhcp.name} did not start: ${started}`;
}

/** Starts dnsmasq from its config; dnsmasq reports a failed start (a missing interface) before it detaches. */
async function launch(files: Files, netns: string | undefined, emit: Emit): Promise<string | undefined> {
  // dnsmasq keeps the mode of an existing lease file; created here, it is readable by the app.
  writeFileSync(files.leaseFile, '', { flag: 'a', mode: 0o644 });
  chmodSync(files.leaseFile, 0o644);
  const r = await runInTarget(netns, 'dnsmasq', ['-C', files.conf], emit);
  return r.exitCode === 0 ? undefined : complaint(r);
}

export async function dhcpStop(op: Stop, netns: string | undefined, emit: Emit): Promise<string | undefined> {
  const files = dnsmasqFiles(netns, op.owner, op.name);
  await stopRunning(files, emit);
  for (const f of [files.conf, files.pidFile, files.leaseFile]) rmSync(f, { force: true });
  // The spec's directory goes with its last server, and the namespace's with its last file.
  pruneEmptyDirs(dirname(files.conf), VMNET_RUN_DIR);
  return undefined;
}
