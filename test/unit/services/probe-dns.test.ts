/**
 * The DNS probe's choice (nameservers from a resolv.conf, the name to look up) and its shape in the helper
 * request: a name that could be read as an option or carries anything but a hostname is refused by the schema.
 */
import { describe, expect, it } from 'vitest';
import { applyRequestSchema, probeSchema } from '../../../shared/plan/helper-protocol';
import {
  DEFAULT_DNS_PROBE_NAME,
  dnsProbeFor,
  nameserversOf,
  probeName,
  resolvConfPath,
} from '../../../electron/services/probe-dns';

describe('nameserversOf', () => {
  it('reads nameserver lines in order and ignores comments, options and search domains', () => {
    const conf =
      '# from DHCP\nsearch lan\nnameserver 10.0.0.53\n  nameserver  fd00::53 \n;nameserver 9.9.9.9\noptions timeout:1\n';
    expect(nameserversOf(conf)).toEqual(['10.0.0.53', 'fd00::53']);
    expect(nameserversOf('')).toEqual([]);
  });
});

describe('dnsProbeFor', () => {
  it('names the lookup and the nameservers in its label, and is left out without a nameserver', () => {
    expect(dnsProbeFor('probe.test', ['10.99.0.1'])).toEqual([
      { kind: 'dns', name: 'probe.test', label: 'DNS lookup of probe.test via 10.99.0.1' },
    ]);
    expect(dnsProbeFor('probe.test', [])).toEqual([]);
    const long = dnsProbeFor(
      'a.example',
      Array.from({ length: 9 }, (_, i) => `10.0.0.${100 + i}`),
    );
    expect(long[0]!.label.length).toBeLessThanOrEqual(80);
    expect(probeSchema.safeParse(long[0]).success).toBe(true);
  });
});

describe('probeName', () => {
  it('defaults to the documentation name and takes a hostname from NOVANET_DNS_PROBE_NAME', () => {
    expect(probeName({})).toBe(DEFAULT_DNS_PROBE_NAME);
    expect(probeName({ NOVANET_DNS_PROBE_NAME: 'probe.test' })).toBe('probe.test');
  });
  it.each(['-x', 'a b', 'a\nb', 'a..b', '', 'x'.repeat(64), 'a;b'])('refuses %j naming the variable', (bad) => {
    expect(() => probeName({ NOVANET_DNS_PROBE_NAME: bad })).toThrow(/NOVANET_DNS_PROBE_NAME: /);
  });
});

describe('resolvConfPath', () => {
  it("prefers a namespace's own resolv.conf, as ip netns exec does", () => {
    expect(resolvConfPath({ netns: 'ntte-1' })).toEqual(['/etc/netns/ntte-1/resolv.conf', '/etc/resolv.conf']);
    expect(resolvConfPath({})).toEqual(['/etc/resolv.conf']);
  });
});

describe('the apply request', () => {
  const plan = { apiVersion: 'novanet/v1', spec: 'ws', target: {}, steps: [], warnings: [] };
  const req = (probes: unknown[]) => applyRequestSchema.safeParse({ verb: 'apply', plan, trialSeconds: 5, probes });

  it('carries ping and DNS probes', () => {
    const r = req([
      { kind: 'ping', address: '10.0.0.1', label: 'default gateway 10.0.0.1' },
      { kind: 'dns', name: 'example.com.', label: 'DNS' },
    ]);
    expect(r.success).toBe(true);
  });

  it('refuses a DNS name shaped like an option, with a path to the field', () => {
    const r = req([{ kind: 'dns', name: '--help', label: 'x' }]);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['probes', 0, 'name']);
    expect(req([{ kind: 'dns', name: 'ok.test', label: 'x', extra: 1 }]).success).toBe(false);
    expect(req([{ kind: 'dns', address: '10.0.0.1', label: 'x' }]).success).toBe(false);
  });
});
