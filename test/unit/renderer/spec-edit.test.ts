/**
 * The Switches view's pure edits and its link from validation issues to fields: what the form writes must be
 * what the schema (shared/spec) judges, with the paths the form shows errors under.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../../shared/spec/validate';
import type { SpecDoc, SwitchDoc } from '../../../renderer/src/changes/spec-doc';
import { canonical, emptySpec, sameSpec } from '../../../renderer/src/changes/spec-doc';
import {
  addSwitch,
  changeType,
  fieldPaths,
  groupMode,
  issuesAt,
  parseNumber,
  parseTrunk,
  removePortGroup,
  renamePortGroup,
  setGroupMode,
  unplacedIssues,
} from '../../../renderer/src/switches/spec-edit';
import { nicChoices } from '../../../renderer/src/switches/nics';
import { labState } from '../support/lab-state';

const withSwitch = (sw: SwitchDoc): SpecDoc => ({ ...emptySpec('ws'), switches: [sw] });

describe('typed values', () => {
  it('keeps what is not a number as typed, so the schema names it at the field', () => {
    expect(parseNumber('')).toBeUndefined();
    expect(parseNumber(' 10 ')).toBe(10);
    expect(parseNumber('1e3')).toBe('1e3');
    const doc = withSwitch({
      name: 'br0',
      portGroups: [
        { name: 'g', vlan: parseNumber('4095') },
        { name: 'h', vlan: parseNumber('1.5') },
      ],
    });
    const paths = parseSpec(doc).issues.map((i) => i.path);
    expect(paths).toEqual(['switches[0].portGroups[0].vlan', 'switches[0].portGroups[1].vlan']);
  });

  it('reads trunk lists the way people type them', () => {
    expect(parseTrunk('10, 20,30-40  50')).toEqual([10, 20, '30-40', 50]);
    expect(parseTrunk(' ,, ')).toBeUndefined();
    const doc = withSwitch({ name: 'br0', portGroups: [{ name: 't', trunk: parseTrunk('10, x, 40-30') }] });
    expect([...new Set(parseSpec(doc).issues.map((i) => i.path))]).toEqual([
      'switches[0].portGroups[0].trunk[1]',
      'switches[0].portGroups[0].trunk[2]',
    ]);
  });
});

describe('switch edits', () => {
  it('adds switches with unique names that the schema accepts', () => {
    let doc = emptySpec('ws');
    doc = addSwitch(doc).doc;
    const second = addSwitch(doc);
    expect(second.index).toBe(1);
    expect(second.doc.switches?.map((s) => s.name)).toEqual(['br-lan', 'br-lan1']);
    expect(parseSpec(second.doc).issues).toEqual([]);
  });

  it('changing the type drops the settings of the other type (the schema would refuse them)', () => {
    const linux: SwitchDoc = {
      name: 'br0',
      type: 'linux',
      stp: { enabled: true },
      vlanFiltering: true,
      ports: [{ name: 'p0' }],
    };
    const ovs = changeType(linux, 'ovs');
    expect(ovs).toEqual({ name: 'br0', type: 'ovs', ports: [{ name: 'p0' }] });
    const back = changeType(
      { ...ovs, failMode: 'secure', datapath: 'netdev', ports: [{ name: 'gw', internal: true }, { name: 'p0' }] },
      'linux',
    );
    expect(back).toEqual({ name: 'br0', type: 'linux', ports: [{ name: 'p0' }] });
  });

  it('renaming or removing a port group carries its ports along', () => {
    const sw: SwitchDoc = {
      name: 'br0',
      portGroups: [{ name: 'a', vlan: 10 }],
      ports: [{ name: 'p0', portGroup: 'a' }, { name: 'p1' }],
    };
    expect(renamePortGroup(sw, 0, 'servers').ports).toEqual([{ name: 'p0', portGroup: 'servers' }, { name: 'p1' }]);
    expect(removePortGroup(sw, 0)).toEqual({ name: 'br0', portGroups: [], ports: [{ name: 'p0' }, { name: 'p1' }] });
  });

  it('switching a group between access and trunk never leaves both (the schema refuses both)', () => {
    const g = { name: 'g', vlan: 10 };
    expect(groupMode(g)).toBe('access');
    const t = setGroupMode(g, 'trunk');
    expect(t).toEqual({ name: 'g' });
    expect(setGroupMode({ name: 'g', trunk: [10], nativeVlan: 5 }, 'untagged')).toEqual({ name: 'g' });
    expect(groupMode({ name: 'g', trunk: [10] })).toBe('trunk');
  });

  it('compares documents as the schema reads them, so server-filled defaults are not edits', () => {
    const mine: SpecDoc = {
      apiVersion: 'novanet/v1',
      kind: 'HostNetwork',
      metadata: { name: 'ws' },
      switches: [{ name: 'br0' }],
    };
    const stored = parseSpec(mine).spec as SpecDoc;
    expect(sameSpec(mine, stored)).toBe(true);
    expect(canonical(undefined)).toBe('');
  });
});

describe('issues to fields', () => {
  const sw: SwitchDoc = { name: 'br0', portGroups: [{ name: 'g' }], ports: [{ name: 'p0' }] };
  const issues = [
    { path: 'switches[0].portGroups[0].trunk[1]', message: 'bad' },
    { path: 'switches[0].stp.priority', message: 'bad' },
    { path: 'switches[0].mystery', message: 'not a field' },
    { path: 'switches[1].name', message: 'other switch' },
  ];
  it('shows a sub-path under its deep field', () => {
    expect(issuesAt(issues, 'switches[0].portGroups[0].trunk', true)).toHaveLength(1);
    expect(issuesAt(issues, 'switches[0].portGroups[0].trunk')).toHaveLength(0);
    expect(fieldPaths(sw, 'switches[0]').map((f) => f.path)).toContain('switches[0].ports[0]');
  });
  it('lists what no field shows at the top of the editor, and nothing of other switches', () => {
    expect(unplacedIssues(issues, sw, 'switches[0]').map((i) => i.path)).toEqual(['switches[0].mystery']);
  });
});

describe('nicChoices on the recorded lab', () => {
  it("offers free interfaces, hides loopback, bridges and others' members, and marks what the spec uses elsewhere", () => {
    const state = labState();
    const switches: SwitchDoc[] = [
      { name: 'br-a', uplinks: ['enp4s0'] },
      { name: 'br-b', uplinks: ['ghost0'] },
    ];
    const a = nicChoices(state, switches, 0, 'uplink');
    const names = a.choices.map((c) => c.name);
    expect(names).toContain('enp4s0');
    expect(names).toContain('mv0');
    for (const hidden of ['lo', 'br0', 'ovsbr0', 'ovs-netdev', 'enp3s0', 'vm4-eth0'])
      expect(names).not.toContain(hidden);
    expect(a.hidden).toBeGreaterThan(0);
    const b = nicChoices(state, switches, 1, 'uplink');
    expect(b.choices.find((c) => c.name === 'enp4s0')?.usedBy).toBe('uplink of br-a');
    expect(b.choices.find((c) => c.name === 'ghost0')).toMatchObject({ missing: true });
  });
});
