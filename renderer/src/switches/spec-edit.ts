/**
 * Pure edits of the spec document for the Switches view, and the link between validation issues and fields.
 * Values the user typed that are not numbers are kept as typed: the schema reports them with the field's path,
 * exactly as it would for a YAML file, instead of the form silently dropping them.
 */
import type { SpecIssue } from '../../../shared/spec/validate';
import type { PortDoc, PortGroupDoc, SpecDoc, SwitchDoc } from '../changes/spec-doc';

export type SwitchType = 'linux' | 'ovs';

const LINUX_ONLY = ['stp', 'vlanFiltering', 'multicastSnooping', 'ageingTime'] as const;
const OVS_ONLY = ['datapath', 'failMode', 'controller'] as const;

export function switchesOf(doc: SpecDoc | undefined): SwitchDoc[] {
  return doc?.switches ?? [];
}

export function updateSwitch(doc: SpecDoc, index: number, fn: (sw: SwitchDoc) => SwitchDoc): SpecDoc {
  return { ...doc, switches: switchesOf(doc).map((s, i) => (i === index ? fn(s) : s)) };
}

export function uniqueName(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 1; ; n++) if (!used.has(`${base}${n}`)) return `${base}${n}`;
}

export function addSwitch(doc: SpecDoc, type: SwitchType = 'linux'): { doc: SpecDoc; index: number } {
  const list = switchesOf(doc);
  const name = uniqueName(
    type === 'ovs' ? 'ovs-br' : 'br-lan',
    list.map((s) => s.name),
  );
  const sw: SwitchDoc = { name, type, uplinks: [], addresses: [], portGroups: [], ports: [] };
  return { doc: { ...doc, switches: [...list, sw] }, index: list.length };
}

export function removeSwitch(doc: SpecDoc, index: number): SpecDoc {
  return { ...doc, switches: switchesOf(doc).filter((_, i) => i !== index) };
}

/** Settings of the other type would be rejected ("applies to Linux bridges only"), so they go with the type. */
export function changeType(sw: SwitchDoc, type: SwitchType): SwitchDoc {
  const next: Record<string, unknown> = { ...sw, type };
  for (const k of type === 'ovs' ? LINUX_ONLY : OVS_ONLY) delete next[k];
  if (type === 'linux') next.ports = (sw.ports ?? []).filter((p) => !p.internal);
  return next as SwitchDoc;
}

/** Sets or removes an optional key: undefined removes it, so the spec says nothing it was not told. */
export function setKey<T extends object, K extends keyof T>(obj: T, key: K, value: T[K] | undefined): T {
  const next = { ...obj };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** "" -> undefined; digits -> a number; anything else stays text for the schema to name. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^\d+$/.test(t) ? Number(t) : (t as unknown as number);
}

/** "10, 20, 30-40" -> [10, 20, "30-40"]; tokens that are neither stay text for the schema to name. */
export function parseTrunk(text: string): (number | string)[] | undefined {
  const parts = text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return undefined;
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export function formatTrunk(trunk: readonly (number | string)[] | undefined): string {
  return (trunk ?? []).join(', ');
}

export type GroupMode = 'untagged' | 'access' | 'trunk';

export function groupMode(g: PortGroupDoc): GroupMode {
  if (g.trunk !== undefined || g.nativeVlan !== undefined) return 'trunk';
  if (g.vlan !== undefined) return 'access';
  return 'untagged';
}

export function setGroupMode(g: PortGroupDoc, mode: GroupMode): PortGroupDoc {
  const { vlan: _v, trunk: _t, nativeVlan: _n, ...rest } = g;
  if (mode === 'access') return { ...rest, ...(g.vlan !== undefined ? { vlan: g.vlan } : {}) };
  if (mode === 'trunk')
    return {
      ...rest,
      ...(g.trunk ? { trunk: g.trunk } : {}),
      ...(g.nativeVlan !== undefined ? { nativeVlan: g.nativeVlan } : {}),
    };
  return rest;
}

/** Renaming a group carries its ports along. */
export function renamePortGroup(sw: SwitchDoc, index: number, name: string): SwitchDoc {
  const old = sw.portGroups?.[index]?.name;
  return {
    ...sw,
    portGroups: (sw.portGroups ?? []).map((g, i) => (i === index ? { ...g, name } : g)),
    ports: (sw.ports ?? []).map((p) => (old !== undefined && p.portGroup === old ? { ...p, portGroup: name } : p)),
  };
}

export function removePortGroup(sw: SwitchDoc, index: number): SwitchDoc {
  const old = sw.portGroups?.[index]?.name;
  return {
    ...sw,
    portGroups: (sw.portGroups ?? []).filter((_, i) => i !== index),
    ports: (sw.ports ?? []).map((p) => (p.portGroup === old ? setKey(p, 'portGroup', undefined) : p)),
  };
}

export function updateList<T>(list: readonly T[] | undefined, index: number, fn: (x: T) => T): T[] {
  return (list ?? []).map((x, i) => (i === index ? fn(x) : x));
}

export function newPortGroup(sw: SwitchDoc): PortGroupDoc {
  return {
    name: uniqueName(
      'group',
      (sw.portGroups ?? []).map((g) => g.name),
    ),
  };
}

export function newPort(name: string, group: string | undefined): PortDoc {
  return { name, ...(group ? { portGroup: group } : {}) };
}

/** Issues at `path`, or also below it (`deep`): `…trunk` shows `…trunk[2]`'s problem. */
export function issuesAt(issues: readonly SpecIssue[], path: string, deep = false): SpecIssue[] {
  return issues.filter(
    (i) => i.path === path || (deep && (i.path.startsWith(`${path}[`) || i.path.startsWith(`${path}.`))),
  );
}

/** Every field path the switch editor shows an error under (deep ones match their sub-paths too). */
export function fieldPaths(sw: SwitchDoc, at: string): { path: string; deep: boolean }[] {
  const f = (p: string, deep = false) => ({ path: `${at}.${p}`, deep });
  const out = [f('name'), f('type'), f('mtu'), f('addresses', true), f('uplinks', true)];
  out.push(f('stp', true), f('vlanFiltering'), f('multicastSnooping'), f('ageingTime'));
  out.push(f('datapath'), f('failMode'), f('controller', true));
  (sw.portGroups ?? []).forEach((_, j) => out.push(f(`portGroups[${j}]`, true)));
  (sw.ports ?? []).forEach((_, j) => out.push(f(`ports[${j}]`, true)));
  return out;
}

/** Issues of switch `at` that no field of the editor shows: listed at the top of the editor instead. */
export function unplacedIssues(issues: readonly SpecIssue[], sw: SwitchDoc, at: string): SpecIssue[] {
  const fields = fieldPaths(sw, at);
  return issuesAt(issues, at, true).filter(
    (i) =>
      !fields.some(
        (f) => i.path === f.path || (f.deep && (i.path.startsWith(`${f.path}[`) || i.path.startsWith(`${f.path}.`))),
      ),
  );
}
