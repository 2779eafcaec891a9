/**
 * `nft -j list table inet novanet` back into the NAT model, for idempotence: the planner compares it with the
 * spec's model and reloads the table only when they differ. Each rule is rendered back to the text form the
 * builder writes and matched against it, so anything NovaNet did not write (a rule added by hand, a counter, a
 * changed chain policy) shows up in `drift` and makes the table differ, instead of being silently ignored.
 */
import { NFT_FAMILY, NFT_TABLE, nftRuleLines, type NatRulesModel } from './nft-ruleset';

export interface ParsedNftTable extends NatRulesModel {
  exists: boolean;
  /** What the table holds beyond the model: unknown chains or rules, changed chain heads. Empty when it is ours. */
  drift: string[];
}

type J = Record<string, unknown>;
const o = (v: unknown): J => (v && typeof v === 'object' && !Array.isArray(v) ? (v as J) : {});

const CHAINS: Record<string, { type: string; hook: string; prio: number }> = {
  postrouting: { type: 'nat', hook: 'postrouting', prio: 100 },
  prerouting: { type: 'nat', hook: 'prerouting', prio: -100 },
  forward: { type: 'filter', hook: 'forward', prio: 0 },
};

function left(v: unknown): { text: string; quoted: boolean } {
  const l = o(v);
  if (l.payload) return { text: `${String(o(l.payload).protocol)} ${String(o(l.payload).field)}`, quoted: false };
  if (l.meta) {
    const key = String(o(l.meta).key);
    return { text: key, quoted: key === 'iifname' || key === 'oifname' };
  }
  if (l.ct) return { text: `ct ${String(o(l.ct).key)}`, quoted: false };
  if (l.fib) {
    const f = o(l.fib);
    return {
      text: `fib ${(Array.isArray(f.flags) ? f.flags : [f.flags]).join(' . ')} ${String(f.result)}`,
      quoted: false,
    };
  }
  return { text: `?${JSON.stringify(v)}`, quoted: false };
}

function right(v: unknown, quoted: boolean): string {
  if (typeof v === 'string') return quoted ? `"${v}"` : v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map((x) => right(x, quoted)).join(',');
  const r = o(v);
  if (r.prefix) return `${String(o(r.prefix).addr)}/${String(o(r.prefix).len)}`;
  if (r.set) return `{ ${right(r.set, quoted).replace(/,/g, ', ')} }`;
  return `?${JSON.stringify(v)}`;
}

/** One rule's expressions in nft's own text syntax (only what NovaNet writes is rendered faithfully). */
export function renderRule(expr: unknown[], comment?: string): string {
  const parts = expr.map((e) => {
    const x = o(e);
    if (x.match) {
      const m = o(x.match);
      const l = left(m.left);
      const op = m.op === '==' || m.op === 'in' ? '' : `${String(m.op)} `;
      return `${l.text} ${op}${right(m.right, l.quoted)}`;
    }
    if ('masquerade' in x && x.masquerade === null) return 'masquerade';
    if ('accept' in x) return 'accept';
    if ('drop' in x) return 'drop';
    if (x.dnat) {
      const d = o(x.dnat);
      return `dnat ${String(d.family ?? 'ip')} to ${String(d.addr)}${d.port !== undefined ? `:${String(d.port)}` : ''}`;
    }
    if ('counter' in x) return 'counter';
    return `?${JSON.stringify(e)}`;
  });
  return comment === undefined ? parts.join(' ') : `${parts.join(' ')} comment "${comment}"`;
}

const MASQ = /^ip saddr (\S+) oifname "([^"]+)" masquerade comment "([^"]+)"$/;
const DNAT = /^iifname "([^"]+)" fib daddr type local (tcp|udp) dport (\d+) dnat ip to (\S+) comment "([^"]+)"$/;

export function parseNftTable(json: unknown): ParsedNftTable {
  const items = Array.isArray(o(json).nftables) ? (o(json).nftables as unknown[]).map(o) : [];
  const ours = (x: J) => x.family === NFT_FAMILY && (x.table ?? x.name) === NFT_TABLE;
  const exists = items.some((i) => i.table && ours(o(i.table)));
  const out: ParsedNftTable = { exists, masquerade: [], forwards: [], drift: [] };
  if (!exists) return out;
  const seen = new Set<string>();
  for (const c of items.filter((i) => i.chain).map((i) => o(i.chain))) {
    if (!ours(c)) continue;
    const name = String(c.name);
    const want = CHAINS[name];
    seen.add(name);
    if (!want) out.drift.push(`unknown chain ${name}`);
    else if (c.type !== want.type || c.hook !== want.hook || c.prio !== want.prio || c.policy !== 'accept') {
      out.drift.push(`chain ${name} is not "type ${want.type} hook ${want.hook} priority ${want.prio}; policy accept"`);
    }
  }
  for (const name of Object.keys(CHAINS)) if (!seen.has(name)) out.drift.push(`chain ${name} is missing`);
  const forwardSeen: string[] = [];
  for (const r of items.filter((i) => i.rule).map((i) => o(i.rule))) {
    if (!ours(r)) continue;
    const line = renderRule(Array.isArray(r.expr) ? r.expr : [], typeof r.comment === 'string' ? r.comment : undefined);
    const chain = String(r.chain);
    const m = chain === 'postrouting' ? MASQ.exec(line) : null;
    const d = chain === 'prerouting' ? DNAT.exec(line) : null;
    if (m) {
      const [, src = '', outInterface = '', name = ''] = m;
      let entry = out.masquerade.find((x) => x.name === name && x.outInterface === outInterface);
      if (!entry) out.masquerade.push((entry = { name, sources: [], outInterface }));
      entry.sources.push(src.includes('/') ? src : `${src}/32`);
    } else if (d) {
      const [, inInterface = '', protocol, port, to = '', name = ''] = d;
      out.forwards.push({ name, protocol: protocol as 'tcp' | 'udp', port: Number(port), to, inInterface });
    } else if (chain === 'forward') {
      forwardSeen.push(line);
    } else {
      out.drift.push(`unrecognised rule in chain ${chain}: ${line}`);
    }
  }
  for (const e of out.masquerade) e.sources.sort();
  const expected = nftRuleLines(out).forward;
  const extra = forwardSeen.filter((l) => !expected.includes(l));
  const missing = expected.filter((l) => !forwardSeen.includes(l));
  for (const l of extra) out.drift.push(`unrecognised rule in chain forward: ${l}`);
  for (const l of missing) out.drift.push(`missing rule in chain forward: ${l}`);
  return out;
}
