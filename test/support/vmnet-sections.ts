/**
 * The spec sections the VM-network integration test builds its configuration from: every network mode, NICs on a
 * network, an OVS access group, an OVS trunk and a Linux-bridge VLAN group, a standalone DHCP server and NAT.
 * Names of libvirt objects start with `P` so the test can find and remove what it created.
 */
import { switchSchema } from '../../shared/spec/schema';
import { vmNetworkSectionsSchema } from '../../shared/spec/vm-networks';

export function vmnetFixture(P: string, PID: number) {
  const switches = [
    switchSchema.parse({
      name: 'nnt-lan',
      addresses: ['10.77.0.1/24'],
      vlanFiltering: true,
      portGroups: [{ name: 'servers', vlan: 10 }, { name: 'plain' }],
    }),
    switchSchema.parse({
      name: 'nnt-ovs',
      type: 'ovs',
      portGroups: [
        { name: 'dmz', vlan: 30 },
        { name: 'tr', trunk: [10, '20-21'] },
      ],
    }),
  ];
  const sections = vmNetworkSectionsSchema.parse({
    networks: [
      {
        name: `${P}nat`,
        mode: 'nat',
        bridge: `nn${PID}n`,
        description: `R&D <lab> "nat" 'x'`,
        ipv4: {
          address: '192.168.231.1/24',
          dhcp: {
            ranges: [
              { start: '192.168.231.100', end: '192.168.231.149', leaseTime: '1h' },
              { start: '192.168.231.150', end: '192.168.231.159', leaseTime: '3600' },
              { start: '192.168.231.160', end: '192.168.231.169', leaseTime: '45m' },
              { start: '192.168.231.170', end: '192.168.231.179', leaseTime: 'infinite' },
            ],
            hosts: [
              { mac: '52:54:00:00:00:10', name: 'web', ip: '192.168.231.10' },
              { mac: '52:54:00:00:00:11', ip: '192.168.231.11' },
            ],
          },
        },
        dns: { domain: 'lab.internal' },
      },
      { name: `${P}route`, mode: 'route', bridge: `nn${PID}r`, ipv4: { address: '10.231.0.1/16' } },
      {
        name: `${P}open`,
        mode: 'open',
        bridge: `nn${PID}o`,
        ipv4: { address: '10.232.0.1/24', dhcp: { ranges: [{ start: '10.232.0.10', end: '10.232.0.20' }] } },
      },
      { name: `${P}iso`, mode: 'isolated', bridge: `nn${PID}i` },
      { name: `${P}lan`, mode: 'bridge', bridge: 'nnt-lan' },
      { name: `${P}ovs`, mode: 'bridge', bridge: 'nnt-ovs' },
    ],
    vms: [
      {
        name: `${P}vm`,
        nics: [
          { mac: '52:54:00:7e:50:01', network: `${P}nat`, model: 'e1000e' },
          { mac: '52:54:00:7e:50:02', switch: 'nnt-ovs', portGroup: 'dmz' },
          { mac: '52:54:00:7e:50:03', switch: 'nnt-ovs', portGroup: 'tr' },
          { mac: '52:54:00:7e:50:04', switch: 'nnt-lan', portGroup: 'servers' },
        ],
      },
    ],
    dhcp: [
      {
        name: 'lan-dhcp',
        interface: 'nnt-lan',
        ranges: [
          { start: '10.77.0.100', end: '10.77.0.150', leaseTime: '1h' },
          { start: '10.77.0.200', end: '10.77.0.210' },
        ],
        hosts: [{ mac: '02:00:00:00:00:42', name: 'c2', ip: '10.77.0.42' }],
        options: { router: '10.77.0.1', dns: ['10.77.0.1', '192.0.2.53'] },
      },
    ],
    nat: [
      {
        name: 'lan-out',
        sources: ['10.77.0.0/24', '10.78.0.9/32'],
        outInterface: 'eth-up',
        portForwards: [
          { protocol: 'tcp', port: 8080, to: '10.77.0.42:80' },
          { protocol: 'udp', port: 5353, to: '10.77.0.42:53' },
        ],
      },
      { name: 'lab', sources: ['192.168.231.0/24'], outInterface: 'eth-up' },
    ],
  });
  return { switches, sections };
}
