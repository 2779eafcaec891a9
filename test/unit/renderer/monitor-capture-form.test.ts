import { describe, expect, it } from 'vitest';
import { emptyForm, formToParams, serverErrors } from '../../../renderer/src/capture/capture-form';
import { PacketStore } from '../../../renderer/src/capture/packet-store';

describe('capture form', () => {
  it('builds params from the fields, leaving empty ones out', () => {
    const r = formToParams({
      ...emptyForm,
      source: 'if:vm1-eth0',
      filter: ' icmp ',
      count: '10',
      rotateSizeMb: '100',
      rotateCount: '3',
    });
    expect(r.params).toEqual({ interface: 'vm1-eth0', filter: 'icmp', count: 10, rotateSizeMb: 100, rotateCount: 3 });
    expect(formToParams({ ...emptyForm, source: 'node:link:lab:br0' }).params).toEqual({ nodeId: 'link:lab:br0' });
  });

  it('names the field of each bad value', () => {
    expect(formToParams({ ...emptyForm, source: 'if:a', duration: '0' }).errors.duration).toMatch(/more than 0/);
    expect(formToParams({ ...emptyForm, source: 'if:a', count: 'ten' }).errors.count).toBe('must be a number');
    expect(formToParams({ ...emptyForm, source: 'if:a', rotateCount: '2' }).errors.rotateCount).toBe(
      'needs a file size to rotate at',
    );
    expect(formToParams({ ...emptyForm, source: 'if:a', snaplen: '10' }).errors.snaplen).toMatch(/64 to 262144/);
    expect(formToParams(emptyForm).errors.source).toBeDefined();
  });

  it('maps the server message to the field, keeping the compiler text whole', () => {
    expect(serverErrors("filter: can't parse filter expression: syntax error")).toEqual({
      filter: "can't parse filter expression: syntax error",
    });
    expect(
      serverErrors('params.durationSeconds: must be more than 0 seconds; params.count: must be at least 1'),
    ).toEqual({ duration: 'must be more than 0 seconds', count: 'must be at least 1' });
    expect(serverErrors('nodeId: VM web has 2 network cards; pick one')).toEqual({
      source: 'VM web has 2 network cards; pick one',
    });
    expect(serverErrors('tcpdump exited')).toEqual({ general: 'tcpdump exited' });
  });
});

describe('live packet store', () => {
  it('keeps the newest rows up to its cap and counts what was left out', () => {
    const s = new PacketStore(3);
    const pkt = (no: number) => ({ no, time: no, src: 'a', dst: 'b', protocol: 'ICMP', length: 98, summary: '' });
    s.addPackets({ id: 'c1', packets: [pkt(1), pkt(2)], more: 0 });
    s.addPackets({ id: 'c1', packets: [pkt(3), pkt(4)], more: 5 });
    const v = s.view('c1');
    expect(v.rows.map((r) => r.no)).toEqual([2, 3, 4]);
    expect(v.omitted).toBe(5);
    expect(v.trimmed).toBe(1);
    expect(s.view('other').rows).toHaveLength(0);
  });
});
