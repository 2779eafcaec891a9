/**
 * Pure edits of the spec's `mirrors` section for one switch's Mirrors editor. Mirrors sit at the top of the spec
 * (they name their switch), so each row keeps its index there: issues come back as `mirrors[INDEX]...`.
 */
import type { SpecDoc, SwitchDoc } from '../changes/spec-doc';
import { uniqueName } from './spec-edit';

export type MirrorDoc = NonNullable<SpecDoc['mirrors']>[number];
export type Direction = NonNullable<MirrorDoc['direction']>;

export function mirrorsOf(doc: SpecDoc, sw: string): { mirror: MirrorDoc; index: number }[] {
  return (doc.mirrors ?? []).flatMap((mirror, index) => (mirror.switch === sw ? [{ mirror, index }] : []));
}

/** The switch's ports and uplinks: what a mirror may copy from or send to. */
export function mirrorPorts(sw: SwitchDoc): string[] {
  return [...new Set([...(sw.uplinks ?? []), ...(sw.ports ?? []).map((p) => p.name)])].filter(Boolean);
}

/** A new mirror of the first port to the last, both ways: a complete, valid starting point when there are two. */
export function addMirror(doc: SpecDoc, sw: SwitchDoc): SpecDoc {
  const ports = mirrorPorts(sw);
  const name = uniqueName(
    'mirror',
    (doc.mirrors ?? []).filter((m) => m.switch === sw.name).map((m) => m.name),
  );
  const mirror: MirrorDoc = {
    name,
    switch: sw.name,
    sources: ports.length > 1 ? [ports[0] as string] : [],
    direction: 'both',
    output: ports.length > 1 ? (ports[ports.length - 1] as string) : '',
  };
  return { ...doc, mirrors: [...(doc.mirrors ?? []), mirror] };
}

export function updateMirror(doc: SpecDoc, index: number, fn: (m: MirrorDoc) => MirrorDoc): SpecDoc {
  return { ...doc, mirrors: (doc.mirrors ?? []).map((m, i) => (i === index ? fn(m) : m)) };
}

export function removeMirror(doc: SpecDoc, index: number): SpecDoc {
  return { ...doc, mirrors: (doc.mirrors ?? []).filter((_, i) => i !== index) };
}

export function toggleSource(m: MirrorDoc, port: string, on: boolean): MirrorDoc {
  const now = m.sources ?? [];
  return { ...m, sources: on ? [...now.filter((p) => p !== port), port] : now.filter((p) => p !== port) };
}

/** A renamed switch takes its mirrors along. */
export function renameMirrorSwitch(doc: SpecDoc, from: string, to: string): SpecDoc {
  if (!doc.mirrors?.some((m) => m.switch === from)) return doc;
  return { ...doc, mirrors: doc.mirrors.map((m) => (m.switch === from ? { ...m, switch: to } : m)) };
}

/** True when an issue belongs to a mirror of a switch the editor lists (so it shows under that mirror's fields). */
export function mirrorShown(path: string, doc: SpecDoc | undefined, switches: readonly SwitchDoc[]): boolean {
  const m = /^mirrors\[(\d+)\]/.exec(path);
  const mirror = m ? doc?.mirrors?.[Number(m[1])] : undefined;
  return !!mirror && switches.some((s) => s.name === mirror.switch) && !path.startsWith(`${m?.[0]}.switch`);
}
