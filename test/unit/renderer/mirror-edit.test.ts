import { describe, expect, it } from 'vitest';
import type { SpecDoc } from '../../../renderer/src/changes/spec-doc';
import {
  addMirror,
  mirrorPorts,
  mirrorShown,
  mirrorsOf,
  removeMirror,
  renameMirrorSwitch,
  toggleSource,
  updateMirror,
} from '../../../renderer/src/switches/mirror-edit';
import { parseSpec } from '../../../shared/spec/validate';

const doc = (): SpecDoc => ({
  apiVersion: 'novanet/v1',
  kind: 'HostNetwork',
  metadata: { name: 'ws' },
  switches: [
    { name: 'br0', uplinks: ['eth0'], ports: [{ name: 'vnet0' }, { name: 'mon0' }] },
    { name: 'br1', ports: [] },
  ],
  mirrors: [{ name: 'other', switch: 'br1', sources: ['x'], output: 'y' }],
});

describe('mirror edits', () => {
  it('adds a schema-valid mirror of the first port to the last, both ways, keeping the spec-level index', () => {
    const d = addMirror(doc(), doc().switches![0]!);
    expect(mirrorsOf(d, 'br0')).toEqual([
      { index: 1, mirror: { name: 'mirror', switch: 'br0', sources: ['eth0'], direction: 'both', output: 'mon0' } },
    ]);
    expect(parseSpec(d).issues).toEqual([]);
    expect(addMirror(d, doc().switches![0]!).mirrors?.[2]?.name).toBe('mirror1');
    expect(mirrorPorts(doc().switches![0]!)).toEqual(['eth0', 'vnet0', 'mon0']);
  });

  it('toggles sources, updates and removes by spec index, and follows a switch rename', () => {
    let d = addMirror(doc(), doc().switches![0]!);
    d = updateMirror(d, 1, (m) => toggleSource(toggleSource(m, 'vnet0', true), 'eth0', false));
    expect(d.mirrors?.[1]?.sources).toEqual(['vnet0']);
    d = renameMirrorSwitch(d, 'br0', 'br-lan');
    expect(d.mirrors?.map((m) => m.switch)).toEqual(['br1', 'br-lan']);
    expect(removeMirror(d, 0).mirrors?.map((m) => m.name)).toEqual(['mirror']);
  });

  it("places a mirror's issues under the mirror when its switch is listed, else in the spec-level banner", () => {
    const d = addMirror(doc(), doc().switches![0]!);
    const listed = d.switches!;
    expect(mirrorShown('mirrors[1].sources', d, listed)).toBe(true);
    expect(mirrorShown('mirrors[1].switch', d, listed)).toBe(false);
    expect(mirrorShown('mirrors[0].output', d, [listed[0]!])).toBe(false);
    expect(mirrorShown('switches[0].name', d, listed)).toBe(false);
  });
});
