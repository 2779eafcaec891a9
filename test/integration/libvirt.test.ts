/** Discovery of libvirt objects a test creates on the real libvirtd (prefixed, removed afterwards). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discover } from '../../electron/services/discovery/index';
import { buildGraph } from '../../shared/topology/build-graph';
import { skipSuite } from '../support/requirements';

const URI = 'qemu:///system';
const P = `nnit${process.pid % 100000}`;
const NET = `${P}-net`;
const DOM = `${P}-vm`;
const skip = skipSuite('libvirt discovery (integration)', { root: true, tools: ['virsh', 'libvirtd'] });
const virsh = (...args: string[]) => execFileSync('virsh', ['-c', URI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe.skipIf(skip)('libvirt discovery', () => {
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'novanet-libvirt-'));
    writeFileSync(
      join(dir, 'net.xml'),
      `<network><name>${NET}</name><forward mode='nat'/><bridge name='virbr-${P.slice(-6)}' stp='on' delay='0'/>` +
        `<ip address='192.168.213.1' netmask='255.255.255.0'><dhcp><range start='192.168.213.100' end='192.168.213.150'/></dhcp></ip>` +
        `<portgroup name='web' default='yes'/></network>`,
    );
    writeFileSync(
      join(dir, 'dom.xml'),
      `<domain type='qemu'><name>${DOM}</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os><devices>` +
        `<interface type='network'><mac address='52:54:00:7e:57:01'/><source network='${NET}' portgroup='web'/><model type='virtio'/></interface>` +
        `</devices></domain>`,
    );
    virsh('net-define', join(dir, 'net.xml'));
    virsh('net-start', NET);
    virsh('define', join(dir, 'dom.xml'));
  });
  afterAll(() => {
    for (const args of [['undefine', DOM], ['net-destroy', NET], ['net-undefine', NET]]) {
      try {
        virsh(...args);
      } catch {
        /* already gone */
      }
    }
  });

  it('shows the network and the defined domain with its NIC, matching virsh', async () => {
    const state = await discover({ libvirtUri: URI });
    expect(state.sources.libvirt.status).toBe('ok');
    const net = state.networks.find((n) => n.name === NET);
    expect(net).toMatchObject({ active: true, forwardMode: 'nat', persistent: true });
    expect(net?.ips[0]).toMatchObject({ address: '192.168.213.1', prefix: 24 });
    expect(net?.uuid).toBe(virsh('net-uuid', NET).trim());
    const dom = state.domains.find((d) => d.name === DOM);
    expect(dom?.state).toBe('shut off');
    expect(dom?.uuid).toBe(virsh('domuuid', DOM).trim());
    expect(dom?.nics).toEqual([expect.objectContaining({ mac: '52:54:00:7e:57:01', type: 'network', source: NET, portGroup: 'web', model: 'virtio' })]);
    const g = buildGraph(state);
    expect(g.edges).toContainEqual(expect.objectContaining({ kind: 'attachment', source: `vnic:${DOM}:52:54:00:7e:57:01`, target: `net:${NET}` }));
    expect(g.edges).toContainEqual(expect.objectContaining({ kind: 'vnic', source: `vm:${DOM}` }));
  });
});
