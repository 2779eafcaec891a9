/**
 * Everything a capture is checked for before anything starts, unprivileged: the namespace exists, the interface
 * exists in it, the filter compiles (`tcpdump -d -y LINKTYPE -- FILTER` needs no privileges), the limits make
 * sense and the output path is safe to create. Errors name the field the user typed (`--output` in the CLI).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError, UnavailableError, ValidationError } from '../../../shared/ipc/errors';
import { CAPTURE_LIMITS } from '../../../shared/model/capture';
import { ifNameSchema } from '../../../shared/model/target';
import { run, ToolError } from '../runner';
import { checkOutputPath } from './rotate';
import type { CapturePlan } from './session';

export interface FieldNames {
  netns: string;
  interface: string;
  filter: string;
  output: string;
}
export const CLI_FIELDS: FieldNames = {
  netns: '--netns',
  interface: '--interface',
  filter: '--filter',
  output: '--output',
};
export const API_FIELDS: FieldNames = {
  netns: 'target.netns',
  interface: 'interface',
  filter: 'filter',
  output: 'output',
};

/** Where the app puts captures when the user names no file: the XDG data folder, not the config folder. */
export function defaultCaptureDir(): string {
  return (
    process.env.NOVANET_CAPTURE_DIR ??
    join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'novanet', 'captures')
  );
}

export function checkNamespace(netns: string | undefined, f: FieldNames = CLI_FIELDS): void {
  if (netns && !existsSync(join('/run/netns', netns)))
    throw new NotFoundError(`${f.netns}: network namespace "${netns}" does not exist`);
}

/**
 * The interface's pcap link type for the unprivileged compile, or undefined when the namespace cannot be read
 * without privileges (the helper then checks it, as root).
 */
export async function interfaceLinkType(
  netns: string | undefined,
  name: string,
  f: FieldNames = CLI_FIELDS,
): Promise<'EN10MB' | 'RAW' | undefined> {
  const r = await run(['ip', ...(netns ? ['-n', netns] : []), '-j', 'link', 'show', 'dev', name], {
    okExitCodes: [1, 2, 255],
  }).catch((err: unknown) => {
    if (err instanceof ToolError && err.failure === 'missing') throw new UnavailableError(err.message);
    throw err;
  });
  if (r.exitCode !== 0) {
    if (/does not exist|Cannot find device/i.test(r.stderr))
      throw new ValidationError(`${f.interface}: ${name} does not exist in ${netns ?? 'the host namespace'}`);
    if (/Operation not permitted|Permission denied/i.test(r.stderr)) return undefined;
    throw new ValidationError(
      `${f.interface}: cannot check ${name}: ${r.stderr.trim() || `ip exited with ${r.exitCode}`}`,
    );
  }
  const [dev] = JSON.parse(r.stdout || '[]') as { link_type?: string }[];
  // tun devices and IP tunnels have no link-layer header: pcap calls that RAW.
  return dev?.link_type === 'none' ? 'RAW' : 'EN10MB';
}

export async function compileFilter(
  filter: string,
  linkType: 'EN10MB' | 'RAW',
  f: FieldNames = CLI_FIELDS,
): Promise<void> {
  if (!filter.trim()) return;
  let r;
  try {
    r = await run(['tcpdump', '-d', '-y', linkType, '--', filter], { okExitCodes: [1, 2, 255] });
  } catch (err) {
    if (err instanceof ToolError && err.failure === 'missing') throw new UnavailableError(err.message);
    throw err;
  }
  if (r.exitCode !== 0) {
    const why =
      r.stderr
        .split('\n')
        .map((l) => l.replace(/^tcpdump: /, '').trim())
        .filter(Boolean)[0] ?? 'tcpdump refused the filter';
    throw new ValidationError(`${f.filter}: ${why}`);
  }
}

export interface CaptureInput {
  id: string;
  owner: 'app' | 'cli';
  target: { netns?: string };
  interface: string;
  nodeId?: string;
  filter?: string;
  snaplen?: number;
  count?: number;
  durationSeconds?: number;
  rotateSizeMb?: number;
  rotateCount?: number;
  output?: string;
}

function positive(v: number | undefined, what: string, int: boolean): void {
  if (v === undefined) return;
  if (!Number.isFinite(v) || v <= 0 || (int && !Number.isInteger(v)))
    throw new ValidationError(`${what}: must be a ${int ? 'whole number' : 'number'} greater than 0`);
}

export async function preflight(input: CaptureInput, f: FieldNames = CLI_FIELDS): Promise<CapturePlan> {
  const cli = f === CLI_FIELDS;
  positive(input.durationSeconds, cli ? '--duration' : 'durationSeconds', false);
  positive(input.count, cli ? '--count' : 'count', true);
  positive(input.rotateSizeMb, cli ? '--rotate-size' : 'rotateSizeMb', true);
  positive(input.rotateCount, cli ? '--rotate-count' : 'rotateCount', true);
  if (input.rotateCount !== undefined && input.rotateSizeMb === undefined)
    throw new ValidationError(
      `${cli ? '--rotate-count' : 'rotateCount'}: needs ${cli ? '--rotate-size' : 'rotateSizeMb'}`,
    );
  const snaplen = input.snaplen ?? CAPTURE_LIMITS.maxSnaplen;
  if (!Number.isInteger(snaplen) || snaplen < CAPTURE_LIMITS.minSnaplen || snaplen > CAPTURE_LIMITS.maxSnaplen) {
    throw new ValidationError(
      `${cli ? '--snaplen' : 'snaplen'}: must be a whole number of bytes from ${CAPTURE_LIMITS.minSnaplen} to ${CAPTURE_LIMITS.maxSnaplen}`,
    );
  }
  const filter = input.filter ?? '';
  if (filter.trimStart().startsWith('-') || /[\0\n\r]/.test(filter))
    throw new ValidationError(`${f.filter}: must be one line and must not start with "-"`);

  const name = ifNameSchema.safeParse(input.interface);
  if (!name.success) throw new ValidationError(`${f.interface}: ${name.error.issues[0]?.message}`);
  checkNamespace(input.target.netns, f);
  const linkType = await interfaceLinkType(input.target.netns, input.interface, f);
  await compileFilter(filter, linkType ?? 'EN10MB', f);

  let output = input.output;
  if (output === undefined) {
    const dir = defaultCaptureDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    output = join(dir, `${input.id}.pcap`);
  }
  const path = checkOutputPath(output, { rotating: input.rotateSizeMb !== undefined, flag: f.output });
  return {
    id: input.id,
    owner: input.owner,
    target: input.target.netns ? { netns: input.target.netns } : {},
    interface: input.interface,
    ...(input.nodeId ? { nodeId: input.nodeId } : {}),
    filter,
    snaplen,
    ...(input.count !== undefined ? { count: input.count } : {}),
    ...(input.durationSeconds !== undefined ? { durationSeconds: input.durationSeconds } : {}),
    ...(input.rotateSizeMb !== undefined ? { rotateSizeMb: input.rotateSizeMb } : {}),
    ...(input.rotateCount !== undefined ? { rotateCount: input.rotateCount } : {}),
    output: path,
  };
}
