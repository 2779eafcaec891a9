/**
 * The spec document as the editor holds it: the schema's input shape, which may be invalid while someone types
 * (a VLAN field can hold "40x"). The schema in shared/spec judges it; the form never second-guesses it.
 */
import type { NetworkSpecInput } from '../../../shared/spec/schema';
import { parseSpec } from '../../../shared/spec/validate';

export type SpecDoc = NetworkSpecInput;
export type SwitchDoc = NonNullable<SpecDoc['switches']>[number];
export type PortGroupDoc = NonNullable<SwitchDoc['portGroups']>[number];
export type PortDoc = NonNullable<SwitchDoc['ports']>[number];

export const DEFAULT_SPEC = 'workstation';

export function emptySpec(name: string): SpecDoc {
  return { apiVersion: 'novanet/v1', kind: 'HostNetwork', metadata: { name }, switches: [], vlans: [], overlays: [] };
}

/** Anything that came over the wire as a document: keep it when it looks like one, else start empty. */
export function asSpecDoc(data: unknown, name: string): SpecDoc {
  if (data && typeof data === 'object' && 'metadata' in data) return structuredClone(data) as SpecDoc;
  return emptySpec(name);
}

/**
 * A comparable form: the parsed spec when it parses (so defaults the server filled in do not count as edits),
 * else the raw document.
 */
export function canonical(doc: SpecDoc | undefined): string {
  if (!doc) return '';
  const r = parseSpec(doc);
  return JSON.stringify(r.spec ?? doc);
}

export function sameSpec(a: SpecDoc | undefined, b: SpecDoc | undefined): boolean {
  return canonical(a) === canonical(b);
}
