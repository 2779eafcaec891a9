import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import fc from 'fast-check';
import {
  eventNames,
  events,
  methodNames,
  methods,
  type AppInfo,
  type EventPayload,
  type Handlers,
  type MethodName,
  type MethodParams,
  type MethodResult,
  type NovanetApi,
  type RawBridge,
  type Snapshot,
} from '../../../shared/ipc/contract';
import { EVENT_NAMES, METHOD_NAMES, isEventName, isMethodName, type EventName } from '../../../shared/ipc/names';
import { dispatch, typedApi } from '../../../shared/ipc/dispatch';
import {
  NotFoundError,
  NovanetError,
  PermissionError,
  TransportError,
  UnavailableError,
  ValidationError,
  fromEnvelope,
  toEnvelope,
} from '../../../shared/ipc/errors';
import type { Target } from '../../../shared/model/target';
import { otherHandlers } from '../support/services';

const INFO: AppInfo = {
  name: 'NovaNet',
  version: '1.2.3',
  transport: 'web',
  defaultTarget: {},
  targetLabel: 'host',
  lab: false,
  privileged: false,
};

function fakeHandlers() {
  return {
    'app.info': vi.fn(async () => INFO),
    'topology.snapshot': vi.fn(async (_p: { target?: Target }): Promise<Snapshot> => {
      throw new NotFoundError('network namespace "gone" does not exist', { netns: 'gone' });
    }),
    // Real handlers; these tests never call them.
    ...otherHandlers(),
  } satisfies Handlers;
}

describe('contract types', () => {
  it('types params and results per method', () => {
    expectTypeOf<MethodParams<'topology.snapshot'>>().toEqualTypeOf<{ target?: Target | undefined }>();
    expectTypeOf<{ target: { netns: 'lab' } }>().toExtend<MethodParams<'topology.snapshot'>>();
    expectTypeOf<Record<never, never>>().toExtend<MethodParams<'topology.snapshot'>>();
    expectTypeOf<{ target: { netns: 1 } }>().not.toExtend<MethodParams<'topology.snapshot'>>();
    expectTypeOf<MethodResult<'app.info'>>().toEqualTypeOf<AppInfo>();
    expectTypeOf<MethodResult<'app.info'>['transport']>().toEqualTypeOf<'electron' | 'web'>();
    expectTypeOf<MethodResult<'topology.snapshot'>>().toEqualTypeOf<Snapshot>();
    expectTypeOf<EventPayload<'topology.changed'>>().toEqualTypeOf<{ at: string; reasons: string[] }>();
    expectTypeOf<'app.info' | 'topology.snapshot' | 'spec.plan' | 'apply.start' | 'history.list'>().toExtend<MethodName>();
    expectTypeOf<'topology.changed' | 'apply.progress' | 'stats.sample' | 'capture.packets'>().toExtend<EventName>();
  });

  it('types NovanetApi.invoke and on per method and event', () => {
    const api = {} as NovanetApi;
    expectTypeOf(api.invoke<'app.info'>).returns.resolves.toEqualTypeOf<AppInfo>();
    expectTypeOf(api.invoke<'topology.snapshot'>).returns.resolves.toEqualTypeOf<Snapshot>();
    expectTypeOf(api.invoke<'topology.snapshot'>).parameter(1).toEqualTypeOf<{ target?: Target | undefined }>();
    expectTypeOf(api.on<'topology.changed'>).parameter(1).parameter(0).toEqualTypeOf<{ at: string; reasons: string[] }>();
    expectTypeOf(api.on<'topology.changed'>).returns.toEqualTypeOf<() => void>();
    // Compile-time only: these lines must stay type errors (checked by `tsc -p tsconfig.node.json`).
    const neverRun = () => {
      // @ts-expect-error unknown method
      void api.invoke('topology.destroy', {});
      // @ts-expect-error netns must be a string
      void api.invoke('topology.snapshot', { target: { netns: 1 } });
      // @ts-expect-error unknown event
      api.on('stats.nonsense', () => undefined);
    };
    expect(typeof neverRun).toBe('function');
  });

  it('types Handlers with parsed params', () => {
    expectTypeOf<Parameters<Handlers['topology.snapshot']>[0]>().toEqualTypeOf<{ target?: Target | undefined }>();
    expectTypeOf<ReturnType<Handlers['app.info']>>().toEqualTypeOf<Promise<AppInfo>>();
  });
});

describe('contract maps', () => {
  it('names exactly the methods and events of the maps', () => {
    expect([...methodNames].sort()).toEqual(Object.keys(methods).sort());
    expect([...eventNames].sort()).toEqual(Object.keys(events).sort());
    expect(methodNames).toBe(METHOD_NAMES);
    expect(eventNames).toBe(EVENT_NAMES);
    expect(new Set(methodNames).size).toBe(methodNames.length);
  });

  it('recognises only own names, not prototype keys or other types', () => {
    for (const m of methodNames) expect(isMethodName(m)).toBe(true);
    for (const e of eventNames) expect(isEventName(e)).toBe(true);
    for (const bad of ['toString', '__proto__', 'constructor', '', 'app.info ', 'APP.INFO', 42, null, undefined, {}]) {
      expect(isMethodName(bad)).toBe(false);
      expect(isEventName(bad)).toBe(false);
    }
    expect(isMethodName('topology.changed')).toBe(false);
    expect(isEventName('app.info')).toBe(false);
  });
});

describe('dispatch', () => {
  it('runs the handler with parsed params and returns its result', async () => {
    const h = fakeHandlers();
    await expect(dispatch(h, 'app.info', {})).resolves.toEqual({ result: INFO });
    await expect(dispatch(h, 'app.info', undefined)).resolves.toEqual({ result: INFO });
    expect(h['app.info']).toHaveBeenCalledTimes(2);
  });

  it('passes a valid target through to the handler', async () => {
    const h = fakeHandlers();
    h['topology.snapshot'].mockResolvedValueOnce({} as Snapshot);
    const target = { netns: 'nnlab', ovsDb: 'unix:/run/novanet/lab/nnlab/ovs/db.sock', libvirtUri: 'qemu:///system' };
    await expect(dispatch(h, 'topology.snapshot', { target })).resolves.toEqual({ result: {} });
    expect(h['topology.snapshot']).toHaveBeenCalledWith({ target });
  });

  it.each([
    [{ target: { netns: '-x' } }, 'params.target.netns'],
    [{ target: { netns: '' } }, 'params.target.netns'],
    [{ target: { netns: 'a/b' } }, 'params.target.netns'],
    [{ target: { ovsDb: 'db.sock' } }, 'params.target.ovsDb'],
    [{ target: { libvirtUri: 'qemu:///system; rm' } }, 'params.target.libvirtUri'],
    [{ target: 'host' }, 'params.target'],
    ['nope', 'params'],
  ])('refuses bad params %j naming %s, without calling the handler', async (params, field) => {
    const h = fakeHandlers();
    const out = await dispatch(h, 'topology.snapshot', params);
    expect(out).toMatchObject({ error: { name: 'ValidationError' } });
    if (!('error' in out)) throw new Error('expected an error');
    expect(out.error.message.startsWith(`${field}: `)).toBe(true);
    const issues = (out.error.details as { issues: { path: string }[] }).issues;
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => i.path)).toEqual(issues.map(() => field));
    expect(h['topology.snapshot']).not.toHaveBeenCalled();
  });

  it('refuses extra keys (strict), at the top level and inside the target', async () => {
    const h = fakeHandlers();
    const top = await dispatch(h, 'app.info', { verbose: true });
    expect(top).toMatchObject({ error: { name: 'ValidationError', message: expect.stringMatching(/^params: .*verbose/) } });
    const inner = await dispatch(h, 'topology.snapshot', { target: { netns: 'a', shell: 'sh' } });
    expect(inner).toMatchObject({ error: { name: 'ValidationError', message: expect.stringMatching(/^params\.target: .*shell/) } });
    expect(h['app.info']).not.toHaveBeenCalled();
    expect(h['topology.snapshot']).not.toHaveBeenCalled();
  });

  it.each(['topology.destroy', 'toString', '__proto__', 42, undefined])('refuses unknown method %j', async (method) => {
    const out = await dispatch(fakeHandlers(), method, {});
    expect(out).toMatchObject({ error: { name: 'ValidationError', message: expect.stringContaining('method: unknown method') } });
  });

  it('turns handler failures into envelopes that keep the error class and details', async () => {
    const h = fakeHandlers();
    await expect(dispatch(h, 'topology.snapshot', {})).resolves.toEqual({
      error: { name: 'NotFoundError', message: 'network namespace "gone" does not exist', details: { netns: 'gone' } },
    });
    h['app.info'].mockRejectedValueOnce(new TypeError('boom'));
    await expect(dispatch(h, 'app.info', {})).resolves.toEqual({ error: { name: 'NovanetError', message: 'boom' } });
    h['app.info'].mockRejectedValueOnce('plain string');
    await expect(dispatch(h, 'app.info', {})).resolves.toEqual({ error: { name: 'NovanetError', message: 'plain string' } });
  });
});

describe('typedApi', () => {
  const rawOf = (invoke: RawBridge['invoke'], on: RawBridge['on'] = () => () => undefined): RawBridge => ({ invoke, on });

  it('passes results through', async () => {
    const api = typedApi(rawOf(async () => ({ result: INFO })));
    await expect(api.invoke('app.info', {})).resolves.toEqual(INFO);
  });

  it('hands method and params to the transport unchanged', async () => {
    const invoke = vi.fn(async () => ({ result: 1 }));
    await typedApi(rawOf(invoke)).invoke('topology.snapshot', { target: { netns: 'x' } });
    expect(invoke).toHaveBeenCalledWith('topology.snapshot', { target: { netns: 'x' } });
  });

  it.each([
    ['ValidationError', ValidationError],
    ['NotFoundError', NotFoundError],
    ['UnavailableError', UnavailableError],
    ['PermissionError', PermissionError],
    ['TransportError', TransportError],
    ['NovanetError', NovanetError],
  ] as const)('rebuilds a %s envelope as its Error subclass', async (name, Ctor) => {
    const api = typedApi(rawOf(async () => ({ error: { name, message: 'why', details: { k: 1 } } })));
    const err = await api.invoke('app.info', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Ctor);
    expect(err).toBeInstanceOf(NovanetError);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name, message: 'why', details: { k: 1 } });
  });

  it('rebuilds envelopes the transport rejects with, and an unknown name as NovanetError', async () => {
    const rejected = typedApi(rawOf(() => Promise.reject({ error: { name: 'PermissionError', message: 'frame' } })));
    await expect(rejected.invoke('app.info', {})).rejects.toBeInstanceOf(PermissionError);
    const odd = typedApi(rawOf(async () => ({ error: { name: 'RangeError', message: 'x' } })));
    const err = await odd.invoke('app.info', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NovanetError);
    expect(err).not.toBeInstanceOf(ValidationError);
  });

  it('lets non-envelope transport failures through as they are', async () => {
    const boom = new Error('socket hang up');
    const api = typedApi(rawOf(() => Promise.reject(boom)));
    await expect(api.invoke('app.info', {})).rejects.toBe(boom);
  });

  it('round-trips a dispatch validation failure as a ValidationError naming the field', async () => {
    const api = typedApi(rawOf((m, p) => dispatch(fakeHandlers(), m, p)));
    const err = await api
      .invoke('topology.snapshot', { target: { netns: '-x' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toContain('params.target.netns');
  });

  it('delivers only event payloads that match the schema, parsed', () => {
    let push: (p: unknown) => void = () => undefined;
    const off = vi.fn();
    const on = vi.fn((_e: string, l: (p: unknown) => void) => {
      push = l;
      return off;
    });
    const api = typedApi(rawOf(async () => ({ result: null }), on));
    const got: unknown[] = [];
    const unsubscribe = api.on('topology.changed', (p) => got.push(p));
    expect(on).toHaveBeenCalledWith('topology.changed', expect.any(Function));
    push({ at: '2025-01-01T00:00:00Z', reasons: ['links'] });
    push({ at: 5, reasons: ['links'] });
    push({ at: 'now' });
    push(null);
    push('topology.changed');
    expect(got).toEqual([{ at: '2025-01-01T00:00:00Z', reasons: ['links'] }]);
    unsubscribe();
    expect(off).toHaveBeenCalledTimes(1);
  });

  it('refuses unknown events without touching the transport', () => {
    const on = vi.fn(() => () => undefined);
    const api = typedApi(rawOf(async () => null, on));
    expect(() => api.on('stats.nonsense' as 'topology.changed', () => undefined)).toThrow(ValidationError);
    expect(on).not.toHaveBeenCalled();
  });
});

describe('error envelopes', () => {
  const classes = [ValidationError, NotFoundError, UnavailableError, PermissionError, TransportError, NovanetError];

  it('survive JSON for every error class, message and details (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...classes), fc.string(), fc.option(fc.jsonValue(), { nil: undefined }), (Ctor, message, details) => {
        const wire = JSON.parse(JSON.stringify(toEnvelope(new Ctor(message, details))));
        const back = fromEnvelope(wire);
        expect(back).toBeInstanceOf(Ctor);
        expect(back.name).toBe(new Ctor('').name);
        expect(back.message).toBe(message);
        expect(back.details).toEqual(JSON.parse(JSON.stringify({ d: details })).d);
      }),
    );
  });
});
