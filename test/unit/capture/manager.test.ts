import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureManager, stopDetached } from '../../../electron/services/capture/manager';
import {
  listRecords,
  loadRecord,
  newCaptureId,
  ownerAlive,
  processStart,
  refresh,
  saveRecord,
  type StoredCapture,
} from '../../../electron/services/capture/store';
import { fileToOpen, openCapture } from '../../../electron/services/capture/open';
import { createCaptureHandlers } from '../../../electron/services/capture/api';
import { captureStartParamsSchema } from '../../../shared/model/capture';
import { NotFoundError, UnavailableError, ValidationError } from '../../../shared/ipc/errors';

let dir: string;
const saved = process.env.NOVANET_CONFIG_DIR;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nn-capstore-'));
  process.env.NOVANET_CONFIG_DIR = dir;
});
afterEach(() => {
  if (saved === undefined) delete process.env.NOVANET_CONFIG_DIR;
  else process.env.NOVANET_CONFIG_DIR = saved;
  rmSync(dir, { recursive: true, force: true });
});

function record(over: Partial<StoredCapture> = {}): StoredCapture {
  const file = join(dir, 'c.pcap');
  writeFileSync(file, Buffer.alloc(100));
  return {
    id: newCaptureId(),
    owner: 'cli',
    state: 'completed',
    target: { netns: 'ns1' },
    interface: 'eth0',
    filter: '',
    snaplen: 262144,
    output: file,
    files: [{ path: file, bytes: 0 }],
    startedAt: new Date(Date.now() - 5000).toISOString(),
    durationMs: 1000,
    packets: 3,
    bytes: 100,
    ...over,
  };
}

describe('capture records', () => {
  it('ids are sortable, unique and valid file names', () => {
    const a = newCaptureId(new Date(2026, 0, 2, 3, 4, 5));
    expect(a).toMatch(/^20260102-030405-[0-9a-f]{6}$/);
    expect(newCaptureId()).not.toBe(newCaptureId());
  });

  it('round-trip through the store, sizes re-read from disk', () => {
    const r = record();
    saveRecord(r);
    expect(loadRecord(r.id).interface).toBe('eth0');
    expect(listRecords().map((x) => x.id)).toEqual([r.id]);
    expect(refresh(r).files).toEqual([{ path: r.output, bytes: 100 }]);
    expect(() => loadRecord('20990101-000000-000000')).toThrow(NotFoundError);
  });

  it('a running capture whose process is gone (or whose PID was reused) is interrupted', () => {
    const dead = record({ state: 'running', pid: 2 ** 22 + 1 });
    expect(refresh(dead).state).toBe('interrupted');
    // This very process, but not running `capture run` with this id: a reused PID, never signalled.
    const reused = record({ state: 'running', pid: process.pid });
    expect(ownerAlive(reused)).toBe(false);
    // The app owns its captures by PID and start time.
    const app = record({
      state: 'running',
      owner: 'app',
      pid: process.pid,
      procStart: processStart(process.pid) as string,
    });
    expect(ownerAlive(app)).toBe(true);
    expect(ownerAlive({ ...app, procStart: '1' })).toBe(false);
  });

  it('stopping a capture whose process has gone marks it interrupted instead of signalling anyone', async () => {
    const r = record({ state: 'running', pid: 2 ** 22 + 1 });
    saveRecord(r);
    expect((await stopDetached(r)).state).toBe('interrupted');
    expect(loadRecord(r.id).state).toBe('interrupted');
    const app = record({
      state: 'running',
      owner: 'app',
      pid: process.pid,
      procStart: processStart(process.pid) as string,
    });
    await expect(stopDetached(app)).rejects.toThrow(/runs in the NovaNet app/);
  });

  it('delete removes the files and the record, and refuses a running capture', () => {
    const m = new CaptureManager({ owner: 'cli' });
    const r = record();
    saveRecord(r);
    expect(m.delete(r.id)).toEqual([r.output]);
    expect(existsSync(r.output)).toBe(false);
    expect(listRecords()).toEqual([]);
    const running = record({
      state: 'running',
      owner: 'app',
      pid: process.pid,
      procStart: processStart(process.pid) as string,
    });
    saveRecord(running);
    expect(() => m.delete(running.id)).toThrow(/is running; stop it first/);
    expect(() => m.delete('20990101-000000-000000')).toThrow(NotFoundError);
  });
});

describe('open', () => {
  it('opens the oldest kept file; says so when none is left or no program can show it', async () => {
    const r = record();
    expect(fileToOpen(r)).toBe(r.output);
    await expect(openCapture(r, { resolve: () => null })).rejects.toThrow(UnavailableError);
    rmSync(r.output);
    expect(() => fileToOpen(r)).toThrow(/has no file left to open/);
  });
});

describe('capture API params', () => {
  it('refuses bad limits with the field named, before anything runs', async () => {
    const quiet = { progress: () => undefined, packets: () => undefined };
    const { handlers } = createCaptureHandlers({}, quiet, { discover: () => Promise.reject(new Error('not called')) });
    const bad = [
      [{ interface: 'eth0', durationSeconds: 0 }, /params\.durationSeconds: must be more than 0/],
      [{ interface: 'eth0', count: -1 }, /params\.count: must be at least 1/],
      [{ interface: 'eth0', rotateSizeMb: 1, rotateCount: 0 }, /params\.rotateCount: must be at least 1/],
      [{ interface: 'eth0', rotateCount: 2 }, /rotateCount needs rotateSizeMb/],
      [{ interface: 'eth0', filter: '-w /etc/passwd' }, /params\.filter: must not start with "-"/],
      [{ interface: 'eth0', nodeId: 'vm:x' }, /give either interface or nodeId/],
      [{ interface: '../x' }, /params\.interface/],
    ] as const;
    for (const [params, re] of bad) {
      await expect(handlers['capture.start'](params as never)).rejects.toThrow(re);
      await expect(handlers['capture.start'](params as never)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(handlers['capture.stop']({ id: '../../etc' })).rejects.toThrow(/params\.id: is not a capture id/);
    expect(captureStartParamsSchema.safeParse({ nodeId: 'vm:x', snaplen: 96 }).success).toBe(true);
  });

  it('lists and deletes through the handlers', async () => {
    const { handlers } = createCaptureHandlers({}, { progress: () => undefined, packets: () => undefined });
    const r = record();
    saveRecord(r);
    const { captures } = await handlers['capture.list']({});
    expect(captures.map((c) => [c.id, c.files[0]?.bytes])).toEqual([[r.id, 100]]);
    expect(captures[0]).not.toHaveProperty('procStart');
    expect(await handlers['capture.delete']({ id: r.id })).toEqual({ deleted: [r.output] });
  });
});
