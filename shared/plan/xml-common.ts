/**
 * One XML builder and one parser for everything NovaNet hands to libvirt, configured once: attributes under '@',
 * no type guessing on read (a MAC or "010" must stay a string), entities escaped on write by fast-xml-parser.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

/** NovaNet's XML namespace in libvirt `<metadata>` (libvirt keeps one element per namespace). */
export const NOVANET_XMLNS = 'https://novanet.invalid/xmlns/1';
/** The prefix `virsh metadata --key` gives that namespace. */
export const NOVANET_XMLNS_KEY = 'novanet';

export class XmlParseError extends Error {
  override name = 'XmlParseError';
}

export const xmlBuilder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  processEntities: true,
});

const ARRAYS = new Set(['interface', 'ip', 'range', 'host', 'portgroup', 'tag', 'nic']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseAttributeValue: false,
  parseTagValue: false,
  processEntities: true,
  // Attribute values are data (a description may start with a space); libvirt does not trim them either.
  trimValues: false,
  // Numeric character references (&#38;) are legal XML and libvirt may emit them.
  htmlEntities: true,
  isArray: (name) => ARRAYS.has(name.includes(':') ? name.slice(name.indexOf(':') + 1) : name),
});

/** Parses XML from libvirt. A DOCTYPE never comes from libvirt; refusing it rules out entity tricks. */
export function parseXml(xml: string): X {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new XmlParseError('refusing XML with a DOCTYPE or ENTITY declaration');
  try {
    return parser.parse(xml) as X;
  } catch (e) {
    throw new XmlParseError(`not well-formed XML: ${(e as Error).message}`);
  }
}

export type X = Record<string, unknown>;
export const obj = (v: unknown): X => (v && typeof v === 'object' && !Array.isArray(v) ? (v as X) : {});
/** Elements that may repeat; an element with only whitespace inside and no attributes counts as absent. */
export const arr = (v: unknown): X[] =>
  Array.isArray(v) ? v.map(obj) : v === undefined || (typeof v === 'string' && !v.trim()) ? [] : [obj(v)];
export const attr = (v: unknown, name: string): string | undefined => {
  const a = obj(v)[`@${name}`];
  return typeof a === 'string' ? a : undefined;
};
export const text = (v: unknown): string => (typeof v === 'string' ? v : String(obj(v)['#text'] ?? ''));

/**
 * The child element of `parent` in NovaNet's namespace with local name `local`, whatever prefix the writer chose
 * (`novanet:owner` with xmlns:novanet, or a bare `owner` with a default xmlns, as `virsh metadata` prints it).
 */
export function novanetElement(parent: unknown, local: string): X | undefined {
  for (const [key, value] of Object.entries(obj(parent))) {
    if (key.startsWith('@')) continue;
    const colon = key.indexOf(':');
    const [prefix, name] = colon >= 0 ? [key.slice(0, colon), key.slice(colon + 1)] : ['', key];
    if (name !== local) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      const e = typeof v === 'string' ? { '#text': v } : obj(v);
      if (attr(e, prefix ? `xmlns:${prefix}` : 'xmlns') === NOVANET_XMLNS) return e;
    }
  }
  return undefined;
}

/** Removes undefined-valued keys so a parsed model deep-equals the one that was built. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
