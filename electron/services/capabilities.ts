/**
 * Runtime kernel-feature detection. Each feature is proven by doing it: the probe creates a throwaway network
 * namespace, creates one object per feature there in a few batches (`ip -batch`, `tc -batch`, one `nft -f`),
 * reads the per-line errors, and deletes the namespace. The command list and the classifier are pure data and
 * functions, so the same probe runs unchanged elsewhere (the test VM runs `probeShellScript()` in its guest and
 * feeds the output to `classifyProbe()`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { configDir } from './config-dir';
import { release } from 'node:os';
import { randomBytes } from 'node:crypto';
import { run as defaultRun, inNetns, resolveTool, ToolError, type Runner } from './runner';
import {
  capabilityLabels,
  capabilitiesSchema,
  capabilityNames,
  type Capabilities,
  type CapabilityName,
} from '../../shared/model/capabilities';
import type { Target } from '../../shared/model/target';
import { UnavailableError } from '../../shared/ipc/errors';

type Feature = { available: boolean; probed?: boolean; detail?: string };
type Line = { line: string; feature?: CapabilityName; needs?: number };

// Lines 1-2 only build veth devices the later lines hang off; `needs` names the line a feature depends on, so a
// failure there is reported as the probe's problem rather than as the feature missing.
const IP_LINES: Line[] = [
  { line: 'link add npv0 type veth peer name npv1' },
  { line: 'link add npq0 type veth peer name npq1' },
  { line: 'link add npq2 type veth peer name npq3' },
  { line: 'link add npbr0 type bridge vlan_filtering 1', feature: 'bridgeVlanFiltering' },
  { line: 'link add link npv0 name npv0.100 type vlan id 100', feature: 'vlan8021q', needs: 1 },
  { line: 'link add npbond0 type bond mode active-backup', feature: 'bonding' },
  // Links stay down: nothing is ever sent to these addresses (198.18.0.0/15 is the benchmarking range).
  { line: 'link add npgnv0 type geneve id 1 remote 198.18.0.1', feature: 'geneve' },
  { line: 'link add npvx0 type vxlan id 1 dstport 4789', feature: 'vxlan' },
  { line: 'link add npvrf0 type vrf table 100', feature: 'vrf' },
];
const TC_LINES: Line[] = [
  { line: 'qdisc add dev npq0 root handle 1: htb default 1', feature: 'htb', needs: 2 },
  { line: 'qdisc add dev npq1 root netem delay 1ms', feature: 'netem', needs: 2 },
  { line: 'qdisc add dev npq2 root fq_codel', feature: 'fqCodel', needs: 3 },
  // Linux-bridge mirrors: the qdisc, the classifier and the action NovaNet's filters use (plan-mirrors.ts).
  { line: 'qdisc add dev npv1 clsact', feature: 'tcMirred', needs: 1 },
  {
    line: 'filter add dev npv1 ingress pref 1 protocol all u32 match u32 0 0 action mirred egress mirror dev npv0',
    feature: 'tcMirred',
    needs: 1,
  },
];
// A table alone proves little; a base chain needs the family's netfilter hooks.
const NFT_LINES: Line[] = [
  { line: 'add table inet novanet_probe', feature: 'nftInet' },
  { line: 'add chain inet novanet_probe c { type filter hook input priority 0; }', feature: 'nftInet' },
  { line: 'add table bridge novanet_probe', feature: 'nftBridge' },
  { line: 'add chain bridge novanet_probe c { type filter hook forward priority 0; }', feature: 'nftBridge' },
  { line: 'add table netdev novanet_probe', feature: 'nftNetdev' },
  {
    line: 'add chain netdev novanet_probe c { type filter hook ingress device npv0 priority 0; }',
    feature: 'nftNetdev',
    needs: 1,
  },
];

export type ProbeStepId = 'netns' | 'ip' | 'tc' | 'nft' | 'genl' | 'links';
export interface ProbeStep {
  id: ProbeStepId;
  argv: string[];
  input?: string;
}
export interface StepOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}
export type ProbeOutputs = Partial<Record<ProbeStepId, StepOutput>>;
/** Facts the classifier needs that are not command outputs. */
export interface ProbeEnv {
  kernel: string;
  ovsVswitchd: string | null;
  tunDevice: boolean;
}

const batch = (lines: Line[]) => lines.map((l) => l.line).join('\n') + '\n';

/** The probe as data: create the namespace, then `ip` (must come first), then the rest in any order, then cleanup. */
export function probePlan(ns: string): { setup: ProbeStep; first: ProbeStep; rest: ProbeStep[]; cleanup: ProbeStep } {
  return {
    setup: { id: 'netns', argv: ['ip', 'netns', 'add', ns] },
    first: { id: 'ip', argv: ['ip', '-n', ns, '-force', '-batch', '-'], input: batch(IP_LINES) },
    rest: [
      { id: 'tc', argv: ['tc', '-n', ns, '-force', '-batch', '-'], input: batch(TC_LINES) },
      { id: 'nft', argv: inNetns(ns, ['nft', '-f', '-']), input: batch(NFT_LINES) },
      // Asking for the family autoloads the openvswitch module when the kernel has it; nothing is created.
      { id: 'genl', argv: inNetns(ns, ['genl', 'ctrl', 'get', 'name', 'ovs_datapath']) },
      { id: 'links', argv: ['ip', '-n', ns, '-j', '-d', 'link', 'show'] },
    ],
    cleanup: { id: 'netns', argv: ['ip', 'netns', 'del', ns] },
  };
}

/** The kernel's words, without iproute2's prefixes: "Error: Unknown device type." -> "Unknown device type". */
function cleanMessage(lines: string[]): string {
  return lines
    .map((l) => l.replace(/^(Error: |RTNETLINK answers: )/, '').replace(/\.$/, ''))
    .filter((l) => l && l !== 'We have an error talking to the kernel')
    .join('; ');
}

/** `ip -force -batch` / `tc -force -batch`: message lines, then "Command failed -:N" naming the batch line. */
export function parseBatchErrors(stderr: string): Map<number, string> {
  const errors = new Map<number, string>();
  let pending: string[] = [];
  for (const raw of stderr.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^Command failed \S*:(\d+)$/.exec(line);
    if (!m) pending.push(line);
    else {
      errors.set(Number(m[1]), cleanMessage(pending) || 'failed');
      pending = [];
    }
  }
  return errors;
}

/** `nft -f`: "/dev/stdin:N:C-C: Error: Could not process rule: Operation not supported" per failing line. */
export function parseNftErrors(stderr: string): Map<number, string> {
  const errors = new Map<number, string>();
  for (const line of stderr.split('\n')) {
    const m = /^\S+?:(\d+):[\d-]+: Error: (?:Could not process rule: )?(.*)$/.exec(line.trim());
    if (m && !errors.has(Number(m[1]))) errors.set(Number(m[1]), m[2] ?? '');
  }
  return errors;
}

const firstLine = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean) ?? '';

function classifyBatch(
  out: StepOutput | undefined,
  lines: Line[],
  errors: Map<number, string>,
  base?: Map<number, string>,
) {
  const result = new Map<CapabilityName, Feature>();
  lines.forEach((l, i) => {
    if (!l.feature || result.get(l.feature)?.available === false) return;
    const err = errors.get(i + 1);
    const baseErr = l.needs ? base?.get(l.needs) : undefined;
    let f: Feature;
    if (!out) f = { available: false, detail: 'not probed' };
    else if (baseErr) f = { available: false, detail: `the probe could not create its veth test device: ${baseErr}` };
    else if (err) f = { available: false, detail: err };
    // A failure the parser could not place (tool missing, syntax error) makes every line of the batch unproven.
    else if (out.exitCode !== 0 && errors.size === 0)
      f = { available: false, detail: firstLine(out.stderr) || `exit status ${out.exitCode}` };
    else f = { available: true, detail: `created: ${l.line}` };
    result.set(l.feature, f);
  });
  return result;
}

function vlanFilteringReadBack(links: StepOutput | undefined): number | undefined {
  try {
    const list = JSON.parse(links?.stdout || '[]') as {
      ifname: string;
      linkinfo?: { info_data?: { vlan_filtering?: number } };
    }[];
    return list.find((l) => l.ifname === 'npbr0')?.linkinfo?.info_data?.vlan_filtering;
  } catch {
    return undefined;
  }
}

/** Pure: turns the probe's outputs into the Capabilities record. */
export function classifyProbe(outputs: ProbeOutputs, env: ProbeEnv, probedAt = new Date()): Capabilities {
  const features = {} as Record<CapabilityName, Feature>;
  const setup = outputs.netns;
  if (setup && setup.exitCode !== 0) {
    const detail = `could not create a probe namespace: ${firstLine(setup.stderr) || `exit status ${setup.exitCode}`}`;
    // Nothing could be tried: unknown, not missing.
    for (const name of capabilityNames) features[name] = { available: false, probed: false, detail };
  } else {
    const ipErrors = parseBatchErrors(outputs.ip?.stderr ?? '');
    const found = [
      classifyBatch(outputs.ip, IP_LINES, ipErrors, ipErrors),
      classifyBatch(outputs.tc, TC_LINES, parseBatchErrors(outputs.tc?.stderr ?? ''), ipErrors),
      classifyBatch(outputs.nft, NFT_LINES, parseNftErrors(outputs.nft?.stderr ?? ''), ipErrors),
    ];
    for (const m of found) for (const [name, f] of m) features[name] = f;
    if (features.bridgeVlanFiltering?.available && vlanFilteringReadBack(outputs.links) !== 1) {
      features.bridgeVlanFiltering = {
        available: false,
        detail: 'the bridge was created but vlan_filtering does not read back as 1',
      };
    }
    const genl = outputs.genl;
    features.ovsKernelDatapath =
      genl && genl.exitCode === 0 && genl.stdout.includes('ovs_datapath')
        ? { available: true, detail: 'genetlink family ovs_datapath is registered' }
        : {
            available: false,
            detail: !genl
              ? 'not probed'
              : genl.exitCode === 127
                ? firstLine(genl.stderr)
                : `no openvswitch kernel module (genetlink family ovs_datapath: ${cleanMessage([firstLine(genl.stderr)]) || 'not found'})`,
          };
  }
  features.ovsUserspaceDatapath = !env.ovsVswitchd
    ? { available: false, detail: 'ovs-vswitchd is not installed (Debian package openvswitch-switch)' }
    : env.tunDevice
      ? { available: true, detail: `${env.ovsVswitchd}; /dev/net/tun present` }
      : { available: false, detail: '/dev/net/tun is missing (the userspace datapath needs tap devices)' };
  const probed = Object.fromEntries(
    Object.entries(features).map(([k, f]) => [k, { probed: true, ...f }]),
  ) as Capabilities['features'];
  return { kernel: env.kernel, probedAt: probedAt.toISOString(), features: probed };
}

async function runStep(runner: Runner, step: ProbeStep): Promise<StepOutput> {
  try {
    // Batches report per-line failures through a non-zero exit; the classifier reads them.
    const r = await runner(step.argv, { input: step.input, okExitCodes: [1, 2, 255] });
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  } catch (err) {
    const missing = err instanceof ToolError && err.failure === 'missing';
    return { stdout: '', stderr: err instanceof Error ? err.message : String(err), exitCode: missing ? 127 : 1 };
  }
}

/**
 * Probes this machine's kernel. Kernel features belong to the kernel, not to a namespace, so the probe always
 * works in a namespace of its own and never touches the target's; the target only scopes the answer (the
 * caller caches per Target). Without root nothing can be proven, so kernel features read "needs root to probe".
 */
export async function probeCapabilities(_target: Target = {}, runner: Runner = defaultRun): Promise<Capabilities> {
  const env: ProbeEnv = {
    kernel: release(),
    ovsVswitchd: resolveTool('ovs-vswitchd'),
    tunDevice: existsSync('/dev/net/tun'),
  };
  if (process.getuid?.() !== 0) {
    const caps = classifyProbe({}, env);
    for (const name of capabilityNames) {
      if (name !== 'ovsUserspaceDatapath')
        caps.features[name] = { available: false, probed: false, detail: 'needs root to probe' };
    }
    return caps;
  }
  const plan = probePlan(`novanet-probe-${randomBytes(4).toString('hex')}`);
  const outputs: ProbeOutputs = { netns: await runStep(runner, plan.setup) };
  if (outputs.netns?.exitCode === 0) {
    try {
      outputs.ip = await runStep(runner, plan.first);
      await Promise.all(plan.rest.map(async (s) => (outputs[s.id] = await runStep(runner, s))));
    } finally {
      await runStep(runner, plan.cleanup);
    }
  }
  return classifyProbe(outputs, env);
}

let cached: Promise<Capabilities> | undefined;

/** The probe's answer holds for one boot of one kernel with the same OVS install: kept on disk under that key. */
function cacheFile(): string | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const key = createHash('sha256').update(`${release()}|${boot}|${resolveTool('ovs-vswitchd') ?? ''}`).digest('hex').slice(0, 16);
    return join(configDir(), `capabilities-${key}.json`);
  } catch {
    return undefined;
  }
}

async function probeOrCached(): Promise<Capabilities> {
  const file = cacheFile();
  if (file) {
    try {
      return capabilitiesSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    } catch {
      /* not probed on this boot yet */
    }
  }
  const caps = await probeCapabilities();
  const complete = Object.values(caps.features).every((f) => f.probed !== false);
  if (file && complete) {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 }).catch(() => undefined);
    await writeFile(file, JSON.stringify(caps), { mode: 0o600 }).catch(() => undefined);
  }
  return caps;
}

/** Kernel features do not change while the machine runs, and are the same in every namespace: probe once a boot. */
export function hostCapabilities(): Promise<Capabilities> {
  cached ??= probeOrCached().catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

const shq = (s: string) => (/^[A-Za-z0-9_./:=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const MARK = '@@novanet-probe';

/** The same probe as one POSIX shell script, for machines where only a shell is at hand (the test VM's guest). */
export function probeShellScript(ns = `novanet-probe-${Date.now().toString(36)}`): string {
  const plan = probePlan(ns);
  const step = (s: ProbeStep) => {
    const feed = s.input === undefined ? '' : ` <<'NOVANET_PROBE_EOF'\n${s.input}NOVANET_PROBE_EOF`;
    return [
      `${s.argv.map(shq).join(' ')} >"$o" 2>"$e"${feed}`,
      // The echo after each cat keeps a marker at the start of a line even when the output lacks a final newline.
      `echo "${MARK} ${s.id} $?"; cat "$o"; echo; echo "${MARK} stderr"; cat "$e"; echo; echo "${MARK} end"`,
    ].join('\n');
  };
  return [
    'o=$(mktemp); e=$(mktemp)',
    `echo "${MARK} env kernel=$(uname -r) ovs-vswitchd=$(command -v ovs-vswitchd) tun=$([ -c /dev/net/tun ] && echo 1 || echo 0)"`,
    ...[plan.setup, plan.first, ...plan.rest].map(step),
    `${plan.cleanup.argv.map(shq).join(' ')} 2>/dev/null; rm -f "$o" "$e"`,
  ].join('\n');
}

/** Reads what probeShellScript() printed back into the classifier's inputs. */
export function parseProbeShellOutput(text: string): { outputs: ProbeOutputs; env: ProbeEnv } {
  const outputs: ProbeOutputs = {};
  const envLine = new RegExp(`^${MARK} env kernel=(\\S*) ovs-vswitchd=(\\S*) tun=([01])$`, 'm').exec(text);
  const env: ProbeEnv = {
    kernel: envLine?.[1] ?? '',
    ovsVswitchd: envLine?.[2] || null,
    tunDevice: envLine?.[3] === '1',
  };
  const re = new RegExp(`^${MARK} (\\w+) (\\d+)\\n([\\s\\S]*?)^${MARK} stderr\\n([\\s\\S]*?)^${MARK} end$`, 'gm');
  for (const m of text.matchAll(re))
    outputs[m[1] as ProbeStepId] = { exitCode: Number(m[2]), stdout: m[3] ?? '', stderr: m[4] ?? '' };
  return { outputs, env };
}

/** Throws, naming the feature by its label and the kernel's reason, unless `name` is available. */
export function requireCapability(caps: Capabilities, name: CapabilityName, purpose?: string): void {
  const f = caps.features[name];
  if (f?.available) return;
  const why = f?.detail ? ` (${f.detail})` : '';
  throw new UnavailableError(
    `${purpose ? `cannot ${purpose}: ` : ''}${capabilityLabels[name]} is not available on this machine (kernel ${caps.kernel})${why}`,
    { capability: name, detail: f?.detail },
  );
}
