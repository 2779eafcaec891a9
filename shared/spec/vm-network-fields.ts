/**
 * Field schemas of the VM-network sections. Each value ends up in generated configuration (libvirt XML, a dnsmasq
 * config line, an nft script), so the formats are strict and a refusal names the offending character: a person
 * fixing YAML wants "contains a comma", not "invalid".
 */
import { z } from 'zod';
import { IPV4_CIDR_RE, IPV4_RE, isHostAddress, parseCidr } from './ipv4';

/** Why a string is not made of `allowed` characters, naming the first character that breaks it. */
export function badCharReason(s: string, allowed: RegExp): string | undefined {
  for (const ch of s) {
    if (allowed.test(ch)) continue;
    if (ch === '\n' || ch === '\r') return 'contains a newline';
    if (ch === ',') return 'contains a comma';
    if (ch === '#') return "contains '#'";
    if (ch === '=') return "contains '='";
    if (ch === '"' || ch === "'" || ch === '`') return 'contains a quote';
    if ('<>&'.includes(ch)) return `contains '${ch}' (an XML metacharacter)`;
    if (/\s/.test(ch)) return 'contains whitespace';
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f)
      return `contains the control character U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
    return `contains '${ch}'`;
  }
  return undefined;
}

/**
 * A string checked character by character first, so the message says which character is wrong; `shape` then
 * checks the structure, only when every character was allowed (one reason per value, not two).
 */
function charset(allowed: RegExp, what: string, max: number, shape?: (s: string) => string | undefined) {
  return z
    .string({ error: `must be ${what}` })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .superRefine((s, ctx) => {
      // zod runs every check; a length already reported needs no second, misleading reason.
      if (s.length < 1 || s.length > max) return;
      const why = badCharReason(s, allowed) ?? shape?.(s);
      if (why) ctx.addIssue({ code: 'custom', message: `${why}; must be ${what}` });
    });
}

/** libvirt object names (networks, domains, port groups): also a file name and a virsh argument. */
export const objectNameSchema = charset(/[A-Za-z0-9_.-]/, "letters, digits, '_', '.' and '-'", 64)
  .refine((s) => !s.startsWith('-'), "must not start with '-'")
  .refine((s) => s !== '.' && s !== '..', "must not be '.' or '..'");

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A host name handed out by DHCP: one RFC 1123 label (dnsmasq and libvirt both refuse dots in dhcp-host names). */
export const hostnameSchema = charset(
  /[A-Za-z0-9-]/,
  "one DNS label (RFC 1123): letters, digits and inner '-'",
  63,
  (s) => (LABEL.test(s) ? undefined : "starts or ends with '-'"),
);

/** A DNS domain (lab.internal): RFC 1123 labels joined by dots. */
export const domainNameSchema = charset(
  /[A-Za-z0-9.-]/,
  "a DNS domain: labels of letters, digits and '-' joined by '.'",
  253,
  (s) =>
    s.split('.').every((l) => LABEL.test(l))
      ? undefined
      : "has an empty label, a label over 63 characters, or a label starting or ending with '-'",
);

export const macSchema = z
  .string({ error: 'must be a MAC address like 52:54:00:12:34:56' })
  .regex(/^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/, 'must be a MAC address like 52:54:00:12:34:56')
  .transform((s) => s.toLowerCase().replace(/-/g, ':'))
  .refine((m) => m !== '00:00:00:00:00:00', 'must not be all zeros')
  .refine(
    (m) => (parseInt(m.slice(0, 2), 16) & 1) === 0,
    'is a multicast address (lowest bit of the first octet set); a NIC needs a unicast MAC',
  );

export const ipv4AddressSchema = z
  .string({ error: 'must be an IPv4 address like 192.0.2.10' })
  .regex(IPV4_RE, 'must be an IPv4 address like 192.0.2.10');

/** A subnet written as any address in it plus the prefix (10.10.0.0/24); nft and the overlap checks mask it. */
export const ipv4CidrSchema = z
  .string({ error: 'must be an IPv4 subnet like 10.10.0.0/24' })
  .regex(IPV4_CIDR_RE, 'must be an IPv4 subnet like 10.10.0.0/24');

/** The address a network's bridge carries, with the subnet's prefix (192.168.150.1/24). */
export const ipv4InterfaceSchema = ipv4CidrSchema.superRefine((c, ctx) => {
  if (!IPV4_CIDR_RE.test(c)) return;
  const n = parseCidr(c);
  if (n.prefix < 8 || n.prefix > 30) {
    ctx.addIssue({ code: 'custom', message: 'prefix must be from /8 to /30 (a /31 or /32 leaves no room for guests)' });
  } else if (!isHostAddress(n, n.address)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a host address, not the subnet (network) or broadcast address, e.g. 192.168.150.1/24',
    });
  }
});

export const portSchema = z
  .number({ error: 'must be a port number from 1 to 65535' })
  .int('must be a whole number from 1 to 65535')
  .min(1, 'must be from 1 to 65535')
  .max(65535, 'must be from 1 to 65535');

/** `IP:PORT`, the target of a port forward. One reason per value: the first thing that is wrong. */
export const forwardTargetSchema = z.string({ error: 'must be IP:PORT like 10.10.0.42:80' }).superRefine((s, ctx) => {
  const m = /^([0-9.]+):(\d{1,5})$/.exec(s);
  const why = !m
    ? 'must be IP:PORT like 10.10.0.42:80'
    : !IPV4_RE.test(m[1] ?? '')
      ? 'the address before the colon must be an IPv4 address'
      : Number(m[2]) < 1 || Number(m[2]) > 65535
        ? 'the port after the colon must be from 1 to 65535'
        : undefined;
  if (why) ctx.addIssue({ code: 'custom', message: why });
});

export function splitTarget(to: string): { ip: string; port: number } {
  const i = to.lastIndexOf(':');
  return { ip: to.slice(0, i), port: Number(to.slice(i + 1)) };
}

const LEASE_UNIT_SECONDS = { '': 1, m: 60, h: 3600, d: 86400 } as const;
/** dnsmasq refuses shorter leases (it raises them to 2 minutes silently); better to say so. */
export const MIN_LEASE_SECONDS = 120;

/**
 * Lease time: `3600` (seconds), `30m`, `1h`, `2d` or `infinite`. Normalised to what both dnsmasq and libvirt take:
 * plain seconds, `Nm`, `Nh` (days become hours, since libvirt has no day unit) or `infinite`.
 */
export const leaseTimeSchema = z
  .union([z.number(), z.string()], { error: "must be a lease time like 3600, 30m, 1h or 'infinite'" })
  .transform((v, ctx) => {
    const s = String(v).trim();
    if (s === 'infinite') return s;
    const m = /^(\d{1,9})([mhd]?)$/.exec(s);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: "must be a lease time like 3600 (seconds), 30m, 1h, 2d or 'infinite'" });
      return z.NEVER;
    }
    const n = Number(m[1]);
    const unit = (m[2] ?? '') as keyof typeof LEASE_UNIT_SECONDS;
    if (n * LEASE_UNIT_SECONDS[unit] < MIN_LEASE_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        message: `must be at least ${MIN_LEASE_SECONDS} seconds (2m); dnsmasq does not hand out shorter leases`,
      });
      return z.NEVER;
    }
    return unit === 'd' ? `${n * 24}h` : `${n}${unit}`;
  });

export function leaseSeconds(t: string): number | null {
  if (t === 'infinite') return null;
  const m = /^(\d+)([mhd]?)$/.exec(t);
  if (!m) throw new Error(`not a lease time: ${t}`);
  return Number(m[1]) * LEASE_UNIT_SECONDS[(m[2] ?? '') as keyof typeof LEASE_UNIT_SECONDS];
}

/** Free text kept in NovaNet's metadata: one line, no control characters (XML cannot carry most of them). */
export const descriptionSchema = z
  .string()
  .max(500, 'must be at most 500 characters')
  .superRefine((s, ctx) => {
    if (/[\r\n]/.test(s)) ctx.addIssue({ code: 'custom', message: 'contains a newline; must be a single line' });
    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    else if (/[\u0000-\u001f\u007f]/.test(s)) ctx.addIssue({ code: 'custom', message: 'contains a control character' });
  });
