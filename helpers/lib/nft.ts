/**
 * NovaNet's table `inet novanet`, rebuilt by the helper from the operation's structured rules (nft-ruleset.ts),
 * checked with `nft -c -f -` and then loaded atomically with `nft -f -`. The script names no other table, so
 * libvirt's and firewalld's rules are never touched. Also IP forwarding, which NAT needs.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildNftScript, NFT_REMOVE_SCRIPT } from '../../shared/plan/nft-ruleset';
import { forwardNoteFile, nftRecordFile, VMNET_RUN_DIR, type VmnetOperation } from '../../shared/plan/operations-vmnet';
import type { Emit } from './execute';
import { complaint, makeRunDir, pruneEmptyDirs, runInTarget } from './in-target';

type Load = Extract<VmnetOperation, { op: 'nft.table.load' }>;
type Forward = Extract<VmnetOperation, { op: 'sysctl.forward' }>;

/** Writes (or, with null, removes) a small note in the helper's run directory, readable by the app. */
function note(path: string, value: string | null): void {
  if (value === null) {
    rmSync(path, { force: true });
    return pruneEmptyDirs(dirname(path), VMNET_RUN_DIR);
  }
  makeRunDir(dirname(path), VMNET_RUN_DIR);
  writeFileSync(path, `${value}\n`, { mode: 0o644 });
}

async function loadScript(script: string, netns: string | undefined, emit: Emit): Promise<string | undefined> {
  const check = await runInTarget(netns, 'nft', ['-c', '-f', '-'], emit, script);
  if (check.exitCode !== 0) return `nft refused the NAT table: ${complaint(check)}`;
  const r = await runInTarget(netns, 'nft', ['-f', '-'], emit, script);
  return r.exitCode === 0 ? undefined : `nft could not load the NAT table: ${complaint(r)}`;
}

export async function nftLoad(op: Load, netns: string | undefined, emit: Emit): Promise<string | undefined> {
  const error = await loadScript(buildNftScript(op.nat), netns, emit);
  if (!error) note(nftRecordFile(netns), JSON.stringify({ owner: op.owner, nat: op.nat }));
  return error;
}

export async function nftDelete(netns: string | undefined, emit: Emit): Promise<string | undefined> {
  const error = await loadScript(NFT_REMOVE_SCRIPT, netns, emit);
  if (!error) note(nftRecordFile(netns), null);
  return error;
}

export async function setForwarding(op: Forward, netns: string | undefined, emit: Emit): Promise<string | undefined> {
  const r = await runInTarget(netns, 'sysctl', ['-q', '-w', `net.ipv4.ip_forward=${op.enabled ? 1 : 0}`], emit);
  if (r.exitCode !== 0) return `could not set net.ipv4.ip_forward: ${complaint(r)}`;
  note(forwardNoteFile(netns), op.restoreTo === null ? null : op.restoreTo ? '1' : '0');
  return undefined;
}
