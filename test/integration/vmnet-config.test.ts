/**
 * The generated VM-network configuration against the real tools: the nft script checks and loads in a throwaway
 * namespace (and leaves a foreign table there untouched), the dnsmasq config passes `dnsmasq --test` and runs on a
 * bridge in a namespace (DHCP only, `ss` from iproute2 shows the sockets), and the
 * libvirt XML of every mode is accepted by the real libvirtd and comes back from `net-dumpxml` as the same model;
 * domain interfaces and NovaNet's NIC metadata survive attach-device/update-device/metadata on a defined (never
 * started) domain. libvirt objects carry an `nntest-<pid>-` prefix and are removed in afterAll even on failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTool } from '../../electron/services/runner';
import { buildDnsmasqConf } from '../../shared/plan/dnsmasq-conf';
import {
  buildInterfaceXml,
  buildNicMetadata,
  interfaceXmlModel,
  parseDomainInterfaces,
  parseNicMetadata,
} from '../../shared/plan/libvirt-interface-xml';
import {
  buildDhcpHostXml,
  buildDhcpRangeXml,
  buildNetworkXml,
  networkXmlModel,
  parseNetworkXml,
  type NetworkXmlModel,
} from '../../shared/plan/libvirt-xml';
import { buildNftScript, natRulesModel, NFT_REMOVE_SCRIPT, parseNftTable } from '../../shared/plan/nft-ruleset';
import { NOVANET_XMLNS } from '../../shared/plan/xml-common';
import { skipSuite } from '../support/requirements';
import { vmnetFixture } from '../support/vmnet-sections';

const URI = 'qemu:///system';
const PID = process.pid % 100000;
const P = `nntest-${PID}-`;
const { switches, sections } = vmnetFixture(P, PID);
const skip = skipSuite('VM-network config with the real tools (integration)', {
  root: true,
  tools: ['ip', 'nft', 'dnsmasq', 'virsh', 'libvirtd'],
});

const tool = (name: string) => resolveTool(name) ?? name;
const exec = (name: string, args: string[], input?: string) =>
  execFileSync(tool(name), args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
const virsh = (...args: string[]) => exec('virsh', ['-c', URI, ...args]);
const quietly = (f: () => unknown) => {
  try {
    f();
  } catch {
    /* already gone */
  }
};

const dir = skip ? '' : mkdtempSync(join(tmpdir(), 'novanet-vmnet-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe.skipIf(skip)('nft: the NovaNet table in a throwaway namespace', () => {
  const ns = `${P}nft`;
  const inNs = (...args: string[]) => exec('ip', ['netns', 'exec', ns, tool('nft'), ...args]);
  const foreign =
    'table ip foreign {\n  chain forwarding {\n    type filter hook forward priority 0; policy accept;\n    ip saddr 10.0.0.0/8 counter drop\n  }\n}\n';
  const listRuleset = () => inNs('list', 'ruleset').replace(/table inet novanet \{[\s\S]*?\n\}\n?/, '');

  beforeAll(() => {
    exec('ip', ['netns', 'add', ns]);
    inNs('-f', file('foreign.nft', foreign));
  });
  afterAll(() => quietly(() => exec('ip', ['netns', 'del', ns])));

  it('checks, loads (table absent and present), lists back as the same model, and removes itself only', () => {
    const model = natRulesModel(sections.nat);
    const script = file('novanet.nft', buildNftScript(model));
    const before = listRuleset();
    inNs('-c', '-f', script);
    inNs('-f', script);
    // Loading again replaces the table in one transaction; the idiom works whether or not it exists.
    inNs('-f', script);
    expect(parseNftTable(JSON.parse(inNs('-j', 'list', 'table', 'inet', 'novanet')))).toEqual({
      exists: true,
      drift: [],
      ...model,
    });
    expect(listRuleset()).toBe(before);
    expect(inNs('list', 'tables').trim().split('\n').sort()).toEqual(['table inet novanet', 'table ip foreign']);

    const removal = file('remove.nft', NFT_REMOVE_SCRIPT);
    inNs('-c', '-f', removal);
    inNs('-f', removal);
    inNs('-f', removal);
    expect(inNs('list', 'tables').trim()).toBe('table ip foreign');
    expect(inNs('list', 'ruleset')).toBe(before);
  });
});

describe.skipIf(skip)('dnsmasq: the standalone DHCP config', () => {
  const ns = `${P}dhcp`;
  const paths = skip
    ? { leaseFile: '', pidFile: '' }
    : { leaseFile: join(dir, 'lan-dhcp.leases'), pidFile: join(dir, 'lan-dhcp.pid') };
  const conf = skip ? '' : file('lan-dhcp.conf', buildDnsmasqConf(sections.dhcp[0]!, paths));
  const inNs = (name: string, ...args: string[]) => exec('ip', ['netns', 'exec', ns, tool(name), ...args]);
  let pid = 0;

  afterAll(() => {
    if (pid) quietly(() => process.kill(pid, 'SIGTERM'));
    quietly(() => exec('ip', ['netns', 'del', ns]));
  });

  it('passes dnsmasq --test', () => {
    expect(exec('dnsmasq', ['--test', '-C', conf])).toBe('');
  });

  it('runs on the switch in a namespace: DHCP on port 67, no DNS (port=0), lease and pid files written', async () => {
    exec('ip', ['netns', 'add', ns]);
    for (const args of [
      ['link', 'set', 'lo', 'up'],
      ['link', 'add', 'nnt-lan', 'type', 'bridge'],
      ['addr', 'add', '10.77.0.1/24', 'dev', 'nnt-lan'],
      ['link', 'set', 'nnt-lan', 'up'],
    ]) {
      inNs('ip', ...args);
    }
    inNs('dnsmasq', '-C', conf);
    for (let i = 0; i < 50 && !existsSync(paths.pidFile); i++) await new Promise((r) => setTimeout(r, 100));
    pid = Number(readFileSync(paths.pidFile, 'utf8').trim());
    expect(pid).toBeGreaterThan(0);
    expect(existsSync(paths.leaseFile)).toBe(true);
    const udp = inNs('ss', '-H', '-lunp');
    expect(udp).toMatch(/:67\b.*dnsmasq/);
    expect(udp).not.toMatch(/:53\b/);
  });
});

describe.skipIf(skip)('libvirt: networks of every mode, a domain interface and its metadata', () => {
  const owner = 'nntest';
  const models = sections.networks.map((n) =>
    networkXmlModel(
      n,
      owner,
      switches.find((s) => s.name === n.bridge),
    ),
  );
  const dom = sections.vms[0]!.name;

  beforeAll(() => {
    try {
      virsh('version');
    } catch {
      // GUIDE section 5: libvirtd runs here when started by hand.
      quietly(() => exec('virtlogd', ['-d']));
      exec('libvirtd', ['-d']);
      for (let i = 0; i < 50; i++) {
        try {
          virsh('version');
          break;
        } catch {
          execFileSync('sleep', ['0.2']);
        }
      }
    }
  });
  afterAll(() => {
    quietly(() => virsh('undefine', dom));
    const left = virsh('net-list', '--all', '--name')
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s.startsWith(P));
    for (const n of left) {
      quietly(() => virsh('net-destroy', n));
      quietly(() => virsh('net-undefine', n));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(models.map((m): [string, NetworkXmlModel] => [m.mode + (m.virtualPort ? ' (ovs)' : ''), m]))(
    'mode %s: net-define accepts it and net-dumpxml parses back to the same model',
    (_mode, m) => {
      virsh('net-define', file(`${m.name}.xml`, buildNetworkXml(m)));
      expect(parseNetworkXml(virsh('net-dumpxml', m.name))).toEqual(m);
    },
  );

  it('the models cover every mode, OVS port-group VLANs and the description with metacharacters', () => {
    expect(new Set(models.map((m) => m.mode))).toEqual(new Set(['nat', 'route', 'open', 'isolated', 'bridge']));
    expect(models.find((m) => m.virtualPort)?.portGroups).toEqual([
      { name: 'dmz', vlan: 30 },
      { name: 'tr', trunk: [10, 20, 21] },
    ]);
    expect(virsh('net-dumpxml', `${P}nat`)).toContain('description="R&amp;D &lt;lab&gt; &quot;nat&quot; \'x\'"');
  });

  it('attach-device and update-device take the interfaces; metadata keeps the Linux-bridge VLANs', () => {
    virsh(
      'define',
      file(
        'dom.xml',
        `<domain type='qemu'><name>${dom}</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os><devices/></domain>`,
      ),
    );
    const wanted = sections.vms[0]!.nics.map((n) => interfaceXmlModel(n, switches));
    wanted.forEach((m, i) => virsh('attach-device', dom, file(`if${i}.xml`, buildInterfaceXml(m)), '--config'));
    expect(parseDomainInterfaces(virsh('dumpxml', dom, '--inactive'))).toEqual(wanted);

    // Move the Linux-bridge NIC onto the OVS trunk group: update-device finds it by MAC.
    const moved = interfaceXmlModel({ ...sections.vms[0]!.nics[3]!, switch: 'nnt-ovs', portGroup: 'tr' }, switches);
    virsh('update-device', dom, file('moved.xml', buildInterfaceXml(moved)), '--config');
    expect(parseDomainInterfaces(virsh('dumpxml', dom, '--inactive'))).toEqual([...wanted.slice(0, 3), moved]);

    const records = [{ mac: '52:54:00:7e:50:04', switch: 'nnt-lan', portGroup: 'servers', vlan: 10 }];
    virsh('metadata', dom, NOVANET_XMLNS, '--key', 'novanet', '--set', buildNicMetadata(owner, records), '--config');
    expect(parseNicMetadata(virsh('dumpxml', dom, '--inactive'))).toEqual({ owner, nics: records });
    expect(parseNicMetadata(virsh('metadata', dom, NOVANET_XMLNS, '--config'))).toEqual({ owner, nics: records });
  });

  it('net-update adds and removes a reservation and a range in the definition', () => {
    const net = `${P}nat`;
    const host = { mac: '52:54:00:00:00:12', name: 'db', ip: '192.168.231.12' };
    const range = { start: '192.168.231.200', end: '192.168.231.209', leaseTime: '2m' };
    virsh('net-update', net, 'add-last', 'ip-dhcp-host', buildDhcpHostXml(host), '--config');
    virsh('net-update', net, 'add-last', 'ip-dhcp-range', buildDhcpRangeXml(range), '--config');
    const dhcp = parseNetworkXml(virsh('net-dumpxml', net, '--inactive')).ipv4?.dhcp;
    expect(dhcp?.hosts.at(-1)).toEqual(host);
    expect(dhcp?.ranges.at(-1)).toEqual(range);
    virsh('net-update', net, 'delete', 'ip-dhcp-host', buildDhcpHostXml(host), '--config');
    virsh('net-update', net, 'delete', 'ip-dhcp-range', buildDhcpRangeXml(range), '--config');
    expect(parseNetworkXml(virsh('net-dumpxml', net, '--inactive'))).toEqual(models[0]);
  });

  it('net-undefine removes every test network', () => {
    for (const m of models) virsh('net-undefine', m.name);
    expect(
      virsh('net-list', '--all', '--name')
        .split('\n')
        .filter((s) => s.trim().startsWith(P)),
    ).toEqual([]);
  });
});
