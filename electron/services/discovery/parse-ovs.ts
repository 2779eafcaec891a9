/**
 * Parser for one `ovs-vsctl --format=json` transaction listing Bridge, Port, Interface, Mirror and Controller.
 * OVSDB's JSON encodes sets as ["set", [...]], maps as ["map", [[k, v]...]], references as ["uuid", id].
 */
import { z } from 'zod';
import type { OvsBridge } from '../../../shared/model/host-state';
import { OutputError, parseJson } from './tool-output';

export const OVS_TABLES = {
  Bridge: ['_uuid', 'name', 'datapath_type', 'fail_mode', 'controller', 'protocols', 'external_ids', 'ports', 'mirrors'],
  Port: ['_uuid', 'name', 'tag', 'trunks', 'vlan_mode', 'interfaces', 'external_ids'],
  Interface: ['_uuid', 'name', 'type', 'ofport', 'mac_in_use', 'error', 'options', 'external_ids'],
  Mirror: ['_uuid', 'name', 'select_all', 'select_src_port', 'select_dst_port', 'select_vlan', 'output_port', 'output_vlan', 'external_ids'],
  Controller: ['_uuid', 'target'],
} as const;
type Table = keyof typeof OVS_TABLES;

/** The argv (after ovs-vsctl and its --db/--timeout options) that lists every table in one transaction. */
export function ovsListArgs(): string[] {
  const args: string[] = ['--format=json'];
  (Object.keys(OVS_TABLES) as Table[]).forEach((t, i) => {
    if (i > 0) args.push('--');
    args.push(`--columns=${OVS_TABLES[t].join(',')}`, 'list', t);
  });
  return args;
}

const tableSchema = z.object({ headings: z.array(z.string()), data: z.array(z.array(z.unknown())) });

type Row = Record<string, unknown>;

function atoms(v: unknown): unknown[] {
  if (Array.isArray(v) && v[0] === 'set' && Array.isArray(v[1])) return v[1];
  if (v === undefined || v === null) return [];
  return [v];
}
function uuidOf(v: unknown): string | undefined {
  return Array.isArray(v) && v[0] === 'uuid' && typeof v[1] === 'string' ? v[1] : undefined;
}
function uuids(v: unknown): string[] {
  return atoms(v).map(uuidOf).filter((u): u is string => !!u);
}
function map(v: unknown): Record<string, string> {
  if (Array.isArray(v) && v[0] === 'map' && Array.isArray(v[1])) {
    return Object.fromEntries((v[1] as unknown[]).filter(Array.isArray).map((kv) => [String(kv[0]), String(kv[1])]));
  }
  return {};
}
function optString(v: unknown): string | undefined {
  const a = atoms(v)[0];
  return typeof a === 'string' && a ? a : undefined;
}
function optNumber(v: unknown): number | undefined {
  const a = atoms(v)[0];
  return typeof a === 'number' ? a : undefined;
}
function numbers(v: unknown): number[] {
  return atoms(v).filter((a): a is number => typeof a === 'number');
}

export function parseOvs(text: string): OvsBridge[] {
  const lines = text.split('\n').filter((l) => l.trim());
  const tables = Object.keys(OVS_TABLES) as Table[];
  if (lines.length !== tables.length) {
    throw new OutputError(`ovs-vsctl returned ${lines.length} tables, expected ${tables.length} (truncated output?)`);
  }
  const rows = {} as Record<Table, Map<string, Row>>;
  tables.forEach((t, i) => {
    const table = parseJson(`ovs-vsctl list ${t}`, lines[i] ?? '', tableSchema);
    const m = new Map<string, Row>();
    for (const r of table.data) {
      const row = Object.fromEntries(table.headings.map((h, j) => [h, r[j]]));
      const id = uuidOf(row._uuid);
      if (id) m.set(id, row);
    }
    rows[t] = m;
  });
  const portName = (id: string) => optString(rows.Port.get(id)?.name) ?? id;

  return [...rows.Bridge.values()]
    .map((b): OvsBridge => {
      const name = String(b.name);
      return {
        id: `ovs:${name}`,
        uuid: uuidOf(b._uuid) ?? '',
        name,
        datapathType: optString(b.datapath_type) ?? 'system',
        failMode: optString(b.fail_mode),
        controllers: uuids(b.controller)
          .map((c) => optString(rows.Controller.get(c)?.target))
          .filter((t): t is string => !!t),
        protocols: atoms(b.protocols).map(String),
        externalIds: map(b.external_ids),
        ports: uuids(b.ports)
          .map((pid) => rows.Port.get(pid))
          .filter((p): p is Row => !!p)
          .map((p) => ({
            uuid: uuidOf(p._uuid) ?? '',
            name: String(p.name),
            tag: optNumber(p.tag),
            trunks: numbers(p.trunks),
            vlanMode: optString(p.vlan_mode),
            externalIds: map(p.external_ids),
            interfaces: uuids(p.interfaces)
              .map((iid) => rows.Interface.get(iid))
              .filter((i): i is Row => !!i)
              .map((i) => ({
                name: String(i.name),
                type: optString(i.type) ?? 'system',
                ofport: optNumber(i.ofport),
                mac: optString(i.mac_in_use),
                error: optString(i.error),
                options: map(i.options),
                externalIds: map(i.external_ids),
              })),
          }))
          .sort((a, b2) => a.name.localeCompare(b2.name)),
        mirrors: uuids(b.mirrors)
          .map((mid) => rows.Mirror.get(mid))
          .filter((m): m is Row => !!m)
          .map((m) => ({
            uuid: uuidOf(m._uuid) ?? '',
            name: String(m.name),
            selectAll: m.select_all === true,
            selectSrcPorts: uuids(m.select_src_port).map(portName),
            selectDstPorts: uuids(m.select_dst_port).map(portName),
            selectVlans: numbers(m.select_vlan),
            outputPort: uuids(m.output_port).map(portName)[0],
            outputVlan: optNumber(m.output_vlan),
            externalIds: map(m.external_ids),
          })),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
