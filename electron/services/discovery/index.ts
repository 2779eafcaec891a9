/**
 * One HostState snapshot of a Target: one batched call per tool, all tools in parallel. A missing tool, a dead
 * daemon or garbage output is recorded in `sources` and never stops the other sources; only an unknown
 * namespace fails the snapshot as a whole (there is nothing to show).
 */
import { hostname } from 'node:os';
import { readdir } from 'node:fs/promises';
import type { DefaultRoute, HostState, Link, LinuxBridge, OvsBridge, LibvirtNetwork, Domain, SourceName, SourceStatus } from '../../../shared/model/host-state';
import { DEFAULT_LIBVIRT_URI, type Target } from '../../../shared/model/target';
import { NotFoundError } from '../../../shared/ipc/errors';
import { run as defaultRun, ToolError, type Runner } from '../runner';
import { addressesOf, parseIpLinks, parseNetnsIds, toBridges, toLinks, type RawLink } from './parse-ip';
import { applyBridgeVlans, parseBridgeVlans } from './parse-bridge';
import { ovsListArgs, parseOvs } from './parse-ovs';
import { parseDomainXml, parseNetworkXml, parseVirshLists, splitDumps, virshDumpCommand, virshListCommand } from './parse-virsh';
import { reconcileOvsLinks } from './reconcile';
import { readQdiscs, readTc } from './read-tc';
import { parseDefaultRoutes } from './read-routes';
import { readVmnet } from './vmnet';
import { timed } from './timed';

export const TOOL_TIMEOUT_MS = 8_000;

/** What one `ip -d -j -batch -` reads: every link with details and addresses, then the IPv4 default routes. */
const IP_BATCH = 'addr show\nroute show default\n';

/** `ip -j -batch` prints one JSON document per command, each on one line. */
function jsonLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('['));
}

function ipArgs(target: Target, ...args: string[]): string[] {
  return target.netns ? ['-n', target.netns, ...args] : args;
}

export function ovsBaseArgs(target: Target): string[] {
  return ['ovs-vsctl', ...(target.ovsDb ? [`--db=${target.ovsDb}`] : []), '--timeout=5'];
}

function notFoundIfNoNetns(err: unknown, target: Target): never {
  if (err instanceof ToolError && /Cannot open network namespace|No such file or directory/.test(err.message) && target.netns) {
    throw new NotFoundError(`network namespace "${target.netns}" does not exist`);
  }
  throw err;
}

export interface DiscoverOptions {
  run?: Runner;
  /** Resolve veth peers living in other namespaces (one extra `ip link` per such namespace). */
  resolvePeers?: boolean;
}

export async function discover(target: Target, opts: DiscoverOptions = {}): Promise<HostState> {
  const run = opts.run ?? defaultRun;
  const t = { timeoutMs: TOOL_TIMEOUT_MS };
  const call = (argv: string[], input?: string) => run(argv, { ...t, input }).catch((err) => notFoundIfNoNetns(err, target));

  // NovaNet's DHCP servers, NAT table and forwarding: files and two small calls, beside everything else.
  const vmnet = readVmnet(run, target);
  const qdiscs = readQdiscs(run, target, TOOL_TIMEOUT_MS);
  // One `ip` call gives every link with its details and addresses; the other sources run beside it.
  // The default routes ("bridge my NIC" moves them) come from the same process, as a second batch line.
  let defaultRoutes: DefaultRoute[] | undefined;
  const [ipRes, nsList, ovsRes, virtRes] = await Promise.all([
    timed(async () => {
      const [addrJson = '', routeJson] = jsonLines((await call(['ip', ...ipArgs(target, '-d', '-j', '-batch', '-')], IP_BATCH)).stdout);
      if (routeJson !== undefined) defaultRoutes = parseDefaultRoutes(routeJson);
      return parseIpLinks(addrJson);
    }),
    listNamespaces(),
    target.netns && !target.ovsDb ? skipped('a namespace target without --ovs-db has no Open vSwitch database') : timed(() => readOvs(run, target)),
    target.netns && !target.libvirtUri ? skipped('libvirt is read on the host; pass --libvirt URI to include it') : timed(() => readLibvirt(run, target)),
  ]);

  const raws: RawLink[] = ipRes.value ?? [];
  // Namespace ids and peer names are needed only for veths whose peer lives elsewhere.
  const crossNs = raws.some((r) => r.link_netnsid !== undefined);
  const nsRes = crossNs
    ? await timed(async () => parseNetnsIds((await call(['ip', ...ipArgs(target, '-j', 'netns', 'list-id')])).stdout))
    : { value: new Map<number, string>(), status: { status: 'ok' as const, durationMs: 0 } };
  const nsIds = nsRes.value ?? new Map<number, string>();
  const peerNames = opts.resolvePeers === false || !crossNs ? new Map() : await resolvePeerNames(run, raws, nsIds);
  let links: Link[] = [];
  let bridges: LinuxBridge[] = [];
  try {
    links = toLinks(raws, addressesOf(raws), target.netns, nsIds, peerNames);
    bridges = toBridges(raws, target.netns);
  } catch (err) {
    // Output that passed the shape check but still does not make sense: the source failed, not the snapshot.
    ipRes.status = { status: 'error', message: `ip returned unexpected output (${(err as Error).message})`, durationMs: ipRes.status.durationMs };
  }

  // Port state, cost and priority come with `ip -d`; `bridge vlan` is read only where a bridge filters VLANs
  // (the call fails on kernels without the feature).
  let bridgeStatus: SourceStatus = { status: 'ok', durationMs: 0 };
  if (bridges.some((b) => b.vlanFiltering)) {
    const vlanRes = await timed(async () => parseBridgeVlans((await call(['bridge', ...ipArgs(target, '-j', 'vlan', 'show')])).stdout));
    bridgeStatus = vlanRes.status;
    if (vlanRes.value) bridges = applyBridgeVlans(bridges, vlanRes.value);
  }
  const ovsBridges: OvsBridge[] = ovsRes.value ?? [];
  links = reconcileOvsLinks(links, ovsBridges);
  const tc = await readTc(run, target, links, await qdiscs, TOOL_TIMEOUT_MS);

  const sources: Record<SourceName, SourceStatus> = {
    netns: nsRes.status,
    ip: ipRes.status,
    bridge: bridgeStatus,
    ovs: ovsRes.status,
    libvirt: virtRes.status,
  };
  return {
    target,
    takenAt: new Date().toISOString(),
    hostname: hostname(),
    namespaces: nsList,
    links,
    bridges,
    ovsBridges,
    networks: virtRes.value?.networks ?? [],
    domains: virtRes.value?.domains ?? [],
    ...(tc ? { tc } : {}),
    ...(defaultRoutes ? { defaultRoutes } : {}),
    vmnet: await vmnet,
    sources,
  };
}

/** Named namespaces are the entries of /run/netns: no process needed. */
async function listNamespaces(): Promise<{ name: string }[]> {
  try {
    return (await readdir('/run/netns')).sort().map((name) => ({ name }));
  } catch {
    return [];
  }
}

async function skipped(message: string): Promise<{ value?: never; status: SourceStatus }> {
  return { status: { status: 'skipped', message, durationMs: 0 } };
}

async function resolvePeerNames(run: Runner, raws: RawLink[], nsIds: Map<number, string>): Promise<Map<string, Map<number, string>>> {
  const wanted = new Set<string>();
  for (const r of raws) {
    if (r.linkinfo?.info_kind === 'veth' && r.link_netnsid !== undefined) {
      const ns = nsIds.get(r.link_netnsid);
      if (ns) wanted.add(ns);
    }
  }
  const out = new Map<string, Map<number, string>>();
  await Promise.all(
    [...wanted].map(async (ns) => {
      try {
        const res = await run(['ip', '-n', ns, '-j', 'link', 'show'], { timeoutMs: TOOL_TIMEOUT_MS });
        out.set(ns, new Map(parseIpLinks(res.stdout, 'ip -j link').map((l) => [l.ifindex, l.ifname])));
      } catch {
        /* the peer stays unnamed; the edge still shows its namespace */
      }
    }),
  );
  return out;
}

async function readOvs(run: Runner, target: Target): Promise<OvsBridge[]> {
  try {
    const res = await run([...ovsBaseArgs(target), ...ovsListArgs()], { timeoutMs: TOOL_TIMEOUT_MS });
    return parseOvs(res.stdout);
  } catch (err) {
    if (err instanceof ToolError && /database connection failed|No such file or directory/.test(err.message)) {
      throw new ToolError(`Open vSwitch database does not answer at ${target.ovsDb ?? 'the default socket'} (is ovsdb-server running?)`, 'failed', err.argv);
    }
    throw err;
  }
}

async function readLibvirt(run: Runner, target: Target): Promise<{ networks: LibvirtNetwork[]; domains: Domain[] }> {
  // Read-only connection: works for unprivileged users where the read-only socket is open to them.
  const base = ['virsh', '-r', '-q', '-c', target.libvirtUri ?? DEFAULT_LIBVIRT_URI];
  const lists = parseVirshLists((await run([...base, virshListCommand()], { timeoutMs: TOOL_TIMEOUT_MS })).stdout);
  if (lists.networks.length + lists.domains.length === 0) return { networks: [], domains: [] };
  // virsh goes on after a failed command (an object removed between the two calls) and exits 1.
  const dump = await run([...base, virshDumpCommand(lists)], { timeoutMs: TOOL_TIMEOUT_MS, okExitCodes: [1] });
  const parts = splitDumps(dump.stdout, lists);
  const networks = lists.networks.flatMap((meta, i) => (parts.networks[i]?.trim() ? [parseNetworkXml(parts.networks[i] as string, meta)] : []));
  const domains = lists.domains.flatMap((meta, i) => (parts.domains[i]?.trim() ? [parseDomainXml(parts.domains[i] as string, meta)] : []));
  return { networks, domains };
}
