/**
 * NovaNet's DHCP servers, nftables table and IP forwarding, for the planner. Cheap and batched: the dnsmasq
 * instances and the notes are files in the helper's run directory (readable by the app), the table is one
 * `nft -j list table inet novanet` and forwarding /proc/sys (one `sysctl` inside a namespace); the three run in
 * parallel with the rest of discovery.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { DnsmasqInstance, HostVmnet } from '../../../shared/model/host-vmnet';
import type { Target } from '../../../shared/model/target';
import { parseDnsmasqConf } from '../../../shared/plan/dnsmasq-conf';
import { parseNftTable } from '../../../shared/plan/nft-ruleset-parse';
import { forwardNoteFile, nftRecordFile, scopeDir } from '../../../shared/plan/operations-vmnet';
import { inNetns, ToolError, type Runner } from '../runner';
import { timed } from './timed';

const TIMEOUT_MS = 8_000;

const readText = (path: string) => readFile(path, 'utf8').catch(() => undefined);

/** Alive and a dnsmasq started from `conf` (a recycled PID is not ours). */
async function livePid(pidFile: string, conf: string): Promise<number | undefined> {
  const pid = Number.parseInt((await readText(pidFile))?.trim() ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  const argv = (await readText(`/proc/${pid}/cmdline`))?.split('\0') ?? [];
  return argv[0]?.endsWith('dnsmasq') && argv.includes(conf) ? pid : undefined;
}

/** `runDir`: the helper's run directory (a test passes its own). */
export async function readDnsmasqInstances(netns: string | undefined, runDir?: string): Promise<DnsmasqInstance[]> {
  const root = `${scopeDir(netns, runDir)}/dnsmasq`;
  const owners = await readdir(root).catch(() => [] as string[]);
  const found = await Promise.all(
    owners.map(async (owner) => {
      const files = (await readdir(`${root}/${owner}`).catch(() => [] as string[])).filter((f) => f.endsWith('.conf'));
      return Promise.all(
        files.map(async (f): Promise<DnsmasqInstance | undefined> => {
          const conf = `${root}/${owner}/${f}`;
          const text = await readText(conf);
          if (text === undefined) return undefined;
          const { dhcp, paths } = parseDnsmasqConf(text);
          const pid = await livePid(paths.pidFile, conf);
          return {
            owner,
            name: dhcp.name,
            interface: dhcp.interface,
            config: dhcp,
            running: pid !== undefined,
            ...(pid ? { pid } : {}),
            leaseFile: paths.leaseFile,
          };
        }),
      );
    }),
  );
  return found.flat().filter((x): x is DnsmasqInstance => !!x);
}

interface NftRecord {
  owner?: string;
  nat?: Pick<NonNullable<HostVmnet['nft']>, 'masquerade' | 'forwards'>;
}

async function readRecord(netns: string | undefined): Promise<NftRecord | undefined> {
  const text = await readText(nftRecordFile(netns));
  return text ? (JSON.parse(text) as NftRecord) : undefined;
}

/**
 * Reading nftables needs root. Without it, the helper's record of what it loaded stands in (it alone writes the
 * table), and the source says so.
 */
async function readNft(
  run: Runner,
  netns: string | undefined,
): Promise<{ nft: NonNullable<HostVmnet['nft']>; note?: string }> {
  if (process.getuid?.() !== 0) {
    const rec = await readRecord(netns);
    const nft = rec?.nat
      ? { exists: true, ...rec.nat, drift: [], ...(rec.owner ? { owner: rec.owner } : {}) }
      : { exists: false, masquerade: [], forwards: [], drift: [] };
    return { nft, note: "from the helper's record of what it loaded (listing nftables needs root)" };
  }
  const r = await run(inNetns(netns, ['nft', '-j', 'list', 'table', 'inet', 'novanet']), {
    timeoutMs: TIMEOUT_MS,
    okExitCodes: [1],
  });
  if (r.exitCode === 1) {
    if (/^Error: No such file or directory/m.test(r.stderr))
      return { nft: { exists: false, masquerade: [], forwards: [], drift: [] } };
    throw new ToolError(`nft: ${r.stderr.trim().split('\n').pop() ?? 'failed'}`, 'failed', r.argv, r.stderr, 1);
  }
  const owner = (await readRecord(netns))?.owner;
  return { nft: { ...parseNftTable(JSON.parse(r.stdout)), ...(owner ? { owner } : {}) } };
}

async function readForwarding(run: Runner, netns: string | undefined): Promise<NonNullable<HostVmnet['forwarding']>> {
  // A namespace's /proc/sys is visible only from inside it: one `sysctl` there (~10 ms; `ip -j netconf` lists
  // every interface and took ~27 ms with 900 links).
  const value = netns
    ? (await run(inNetns(netns, ['sysctl', '-n', 'net.ipv4.ip_forward']), { timeoutMs: TIMEOUT_MS })).stdout
    : await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8');
  const enabled = value.trim() === '1';
  const note = (await readText(forwardNoteFile(netns)))?.trim();
  return { enabled, ...(note === '0' || note === '1' ? { restoreTo: note === '1' } : {}) };
}

export async function readVmnet(run: Runner, target: Target): Promise<HostVmnet> {
  const [dnsmasq, nft, sysctl] = await Promise.all([
    timed(() => readDnsmasqInstances(target.netns)),
    timed(() => readNft(run, target.netns)),
    timed(() => readForwarding(run, target.netns)),
  ]);
  return {
    dnsmasq: dnsmasq.value ?? [],
    nft: nft.value?.nft ?? null,
    forwarding: sysctl.value ?? null,
    sources: {
      dnsmasq: dnsmasq.status,
      nft: nft.value?.note ? { ...nft.status, message: nft.value.note } : nft.status,
      sysctl: sysctl.status,
    },
  };
}
