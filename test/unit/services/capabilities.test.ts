import { describe, expect, it } from 'vitest';
import {
  classifyProbe,
  parseBatchErrors,
  parseNftErrors,
  parseProbeShellOutput,
  probePlan,
  probeShellScript,
  requireCapability,
  type ProbeEnv,
  type ProbeOutputs,
} from '../../../electron/services/capabilities';
import { capabilityNames } from '../../../shared/model/capabilities';
import { UnavailableError } from '../../../shared/ipc/errors';

// Captured from this machine's minimal 6.18 kernel (no 802.1Q, bonding, GENEVE, VRF, netem, fq_codel).
const IP_STDERR = `RTNETLINK answers: Operation not supported
Command failed -:4
Error: Unknown device type.
Command failed -:5
Error: Unknown device type.
Command failed -:6
Error: Unknown device type.
Command failed -:7
Error: Unknown device type.
Command failed -:9
`;
const TC_STDERR = `Error: Specified qdisc kind is unknown.
Command failed -:2
Error: Specified qdisc kind is unknown.
Command failed -:3
`;
const GENL_STDERR = 'RTNETLINK answers: No such file or directory\nError talking to the kernel\n';
const LINKS = JSON.stringify([{ ifname: 'npv0', linkinfo: { info_kind: 'veth' } }]);
const ENV: ProbeEnv = { kernel: '6.18.44-test', ovsVswitchd: '/usr/sbin/ovs-vswitchd', tunDevice: true };

const ok = (stdout = '') => ({ stdout, stderr: '', exitCode: 0 });
const minimalKernel: ProbeOutputs = {
  netns: ok(),
  ip: { stdout: '', stderr: IP_STDERR, exitCode: 1 },
  tc: { stdout: '', stderr: TC_STDERR, exitCode: 1 },
  nft: ok(),
  genl: { stdout: '', stderr: GENL_STDERR, exitCode: 255 },
  links: ok(LINKS),
};

describe('parseBatchErrors', () => {
  it('maps each "Command failed -:N" to the kernel message before it, without iproute2 prefixes', () => {
    const errors = parseBatchErrors(IP_STDERR);
    expect([...errors.keys()]).toEqual([4, 5, 6, 7, 9]);
    expect(errors.get(4)).toBe('Operation not supported');
    expect(errors.get(5)).toBe('Unknown device type');
  });

  it('joins multi-line messages and ignores blank lines', () => {
    const errors = parseBatchErrors(
      '\nCannot find device "npq1"\nWe have an error talking to the kernel\nCommand failed -:2\n',
    );
    expect(errors.get(2)).toBe('Cannot find device "npq1"');
  });
});

describe('parseNftErrors', () => {
  it('reads the line number and message of each kernel error', () => {
    const stderr = `/dev/stdin:4:31-37: Error: Could not process rule: Operation not supported
add chain bridge novanet_probe c { type filter hook forward priority 0; }
                              ^^^^^^^
/dev/stdin:6:1-20: Error: Could not process rule: No such file or directory
`;
    const errors = parseNftErrors(stderr);
    expect([...errors]).toEqual([
      [4, 'Operation not supported'],
      [6, 'No such file or directory'],
    ]);
  });
});

describe('classifyProbe', () => {
  it("classifies this machine's minimal kernel with the kernel's own words as detail", () => {
    const caps = classifyProbe(minimalKernel, ENV, new Date(0));
    const available = capabilityNames.filter((n) => caps.features[n]?.available);
    expect(available).toEqual(['vxlan', 'ovsUserspaceDatapath', 'htb', 'tcMirred', 'nftInet', 'nftBridge', 'nftNetdev']);
    expect(caps.features.bridgeVlanFiltering?.detail).toBe('Operation not supported');
    expect(caps.features.vlan8021q?.detail).toBe('Unknown device type');
    expect(caps.features.netem?.detail).toBe('Specified qdisc kind is unknown');
    expect(caps.features.ovsKernelDatapath?.detail).toMatch(/openvswitch kernel module.*No such file or directory/);
    expect(caps).toMatchObject({ kernel: '6.18.44-test', probedAt: '1970-01-01T00:00:00.000Z' });
    expect(Object.keys(caps.features).sort()).toEqual([...capabilityNames].sort());
  });

  it('finds Linux-bridge mirrors missing when the kernel lacks the u32 classifier or mirred', () => {
    const tc = { stdout: '', stderr: `${TC_STDERR}Error: TC classifier not found.\nCommand failed -:5\n`, exitCode: 1 };
    const caps = classifyProbe({ ...minimalKernel, tc }, ENV);
    expect(caps.features.tcMirred).toMatchObject({ available: false, detail: 'TC classifier not found' });
  });

  it('blames the probe, not the feature, when a veth base device could not be made', () => {
    const caps = classifyProbe(
      {
        ...minimalKernel,
        ip: { stdout: '', stderr: 'Error: Unknown device type.\nCommand failed -:1\n', exitCode: 1 },
      },
      ENV,
    );
    expect(caps.features.vlan8021q?.detail).toMatch(/could not create its veth test device: Unknown device type/);
    expect(caps.features.nftNetdev).toMatchObject({ available: false, detail: expect.stringMatching(/veth/) });
    expect(caps.features.bonding?.available).toBe(true);
  });

  it('marks a whole batch unavailable when its tool is missing', () => {
    const caps = classifyProbe(
      {
        ...minimalKernel,
        nft: { stdout: '', stderr: 'nft is not installed (Debian package nftables)', exitCode: 127 },
      },
      ENV,
    );
    for (const n of ['nftInet', 'nftBridge', 'nftNetdev'] as const) {
      expect(caps.features[n]).toEqual({ available: false, probed: true, detail: 'nft is not installed (Debian package nftables)' });
    }
  });

  it('does not trust a bridge whose vlan_filtering reads back as 0', () => {
    const ip = { stdout: '', stderr: '', exitCode: 0 };
    const links = ok(
      JSON.stringify([{ ifname: 'npbr0', linkinfo: { info_kind: 'bridge', info_data: { vlan_filtering: 0 } } }]),
    );
    expect(classifyProbe({ ...minimalKernel, ip, links }, ENV).features.bridgeVlanFiltering?.available).toBe(false);
    const on = ok(
      JSON.stringify([{ ifname: 'npbr0', linkinfo: { info_kind: 'bridge', info_data: { vlan_filtering: 1 } } }]),
    );
    expect(classifyProbe({ ...minimalKernel, ip, links: on }, ENV).features.bridgeVlanFiltering?.available).toBe(true);
  });

  it('reports every feature unavailable when the probe namespace cannot be created', () => {
    const caps = classifyProbe(
      { netns: { stdout: '', stderr: 'mount --make-shared /run/netns failed: Operation not permitted', exitCode: 1 } },
      ENV,
    );
    expect(caps.features.vxlan).toEqual({
      available: false,
      probed: false,
      detail: 'could not create a probe namespace: mount --make-shared /run/netns failed: Operation not permitted',
    });
  });

  it('needs ovs-vswitchd and /dev/net/tun for the userspace datapath', () => {
    expect(classifyProbe(minimalKernel, { ...ENV, ovsVswitchd: null }).features.ovsUserspaceDatapath?.detail).toMatch(
      /openvswitch-switch/,
    );
    expect(classifyProbe(minimalKernel, { ...ENV, tunDevice: false }).features.ovsUserspaceDatapath?.detail).toMatch(
      /dev\/net\/tun/,
    );
  });
});

describe('probe plan and shell form', () => {
  it('keeps every step inside the one throwaway namespace it creates and deletes', () => {
    const plan = probePlan('novanet-probe-x');
    expect(plan.setup.argv).toEqual(['ip', 'netns', 'add', 'novanet-probe-x']);
    expect(plan.cleanup.argv).toEqual(['ip', 'netns', 'del', 'novanet-probe-x']);
    for (const s of [plan.first, ...plan.rest]) expect(s.argv.join(' ')).toContain('novanet-probe-x');
  });

  it('runs the same batches in the shell script', () => {
    const script = probeShellScript('novanet-probe-y');
    const plan = probePlan('novanet-probe-y');
    for (const s of [plan.setup, plan.first, ...plan.rest]) {
      expect(script).toContain(s.argv.join(' '));
      if (s.input) expect(script).toContain(s.input);
    }
  });

  it('parses what the shell script prints back into the classifier inputs', () => {
    const frame = (id: string, rc: number, out: string, err: string) =>
      `@@novanet-probe ${id} ${rc}\n${out}\n@@novanet-probe stderr\n${err}\n@@novanet-probe end\n`;
    const text =
      '@@novanet-probe env kernel=6.1.0-56-amd64 ovs-vswitchd=/usr/sbin/ovs-vswitchd tun=1\n' +
      frame('netns', 0, '', '') +
      frame('ip', 1, '', IP_STDERR) +
      frame('tc', 1, '', TC_STDERR) +
      frame('nft', 0, '', '') +
      frame('genl', 255, '', GENL_STDERR) +
      frame('links', 0, LINKS, '');
    const { outputs, env } = parseProbeShellOutput(text);
    expect(env).toEqual({ kernel: '6.1.0-56-amd64', ovsVswitchd: '/usr/sbin/ovs-vswitchd', tunDevice: true });
    expect(outputs.genl?.exitCode).toBe(255);
    const fromShell = classifyProbe(outputs, env, new Date(0)).features;
    expect(fromShell).toEqual(classifyProbe(minimalKernel, env, new Date(0)).features);
  });
});

describe('requireCapability', () => {
  const caps = classifyProbe(minimalKernel, ENV);

  it('passes for an available feature', () => {
    expect(() => requireCapability(caps, 'vxlan')).not.toThrow();
  });

  it('names the missing feature by its label, the kernel and the reason', () => {
    expect(() => requireCapability(caps, 'bonding', 'create bond0')).toThrow(
      'cannot create bond0: Bonding is not available on this machine (kernel 6.18.44-test) (Unknown device type)',
    );
    expect(() => requireCapability(caps, 'netem')).toThrow(UnavailableError);
  });
});
