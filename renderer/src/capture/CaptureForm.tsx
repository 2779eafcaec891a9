import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { CircleAlert, LoaderCircle, Play, Square } from 'lucide-react';
import { CAPTURE_LIMITS, FINAL_STATES } from '../../../shared/model/capture';
import { useModel } from '../model/model-context';
import { useCapture } from './capture-context';
import {
  emptyForm,
  formToParams,
  serverErrors,
  sourceOptions,
  type CaptureErrors,
  type CaptureFormState,
} from './capture-form';

const FILTER_EXAMPLES = [
  'icmp',
  'arp',
  'tcp port 22',
  'udp port 53',
  'port 67 or port 68',
  'host 10.0.0.1',
  'not port 22',
  'vlan 10',
  'tcp[tcpflags] & tcp-syn != 0',
];

function FieldError({ id, text, testId }: { id: string; text?: string; testId?: string }) {
  if (!text) return null;
  return (
    <p className="field-errors" id={id} data-testid={testId} role="alert">
      <CircleAlert size={13} aria-hidden />
      <span>{text}</span>
    </p>
  );
}

/** New capture: where, what (BPF filter), how much (limits, snap length) and how it is split into files. */
export function CaptureForm() {
  const { api, snapshot } = useModel();
  const cap = useCapture();
  const [form, setForm] = useState<CaptureFormState>(emptyForm);
  const [errors, setErrors] = useState<CaptureErrors>({});
  const [busy, setBusy] = useState<'start' | 'stop' | null>(null);
  const filterRef = useRef<HTMLInputElement>(null);
  const ids = useId();
  const id = (f: string) => `${ids}-${f}`;

  // "Capture here…" on the graph: that object, and the cursor in the filter, ready to type.
  const { prefill } = cap;
  useEffect(() => {
    if (!prefill) return;
    setForm((f) => ({ ...f, source: `node:${prefill.nodeId}` }));
    setErrors({});
    filterRef.current?.focus();
  }, [prefill]);

  const options = useMemo(
    () => sourceOptions(snapshot.data?.state, snapshot.data?.graph, prefill ?? undefined),
    [snapshot.data, prefill],
  );
  const groups = useMemo(() => [...new Set(options.map((o) => o.group))], [options]);
  const selected = cap.list.data?.captures.find((c) => c.id === cap.selectedId);
  const running = selected && !FINAL_STATES.includes(selected.state);

  const set = (field: keyof CaptureFormState) => (e: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [field]: e.target.value }));
    if (errors[field]) setErrors((er) => ({ ...er, [field]: undefined }));
  };

  const start = async () => {
    const { params, errors: local } = formToParams(form);
    setErrors(local);
    if (!params) return;
    setBusy('start');
    try {
      const { id: captureId } = await api.invoke('capture.start', params);
      cap.select(captureId);
      cap.refresh();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      setErrors(err instanceof Error && err.name === 'ValidationError' ? serverErrors(message) : { general: message });
      if (err instanceof Error && err.name === 'ValidationError' && /^(params\.)?filter: /.test(message))
        filterRef.current?.focus();
    } finally {
      setBusy(null);
    }
  };
  const stop = async () => {
    if (!selected) return;
    setBusy('stop');
    try {
      await api.invoke('capture.stop', { id: selected.id });
    } catch (err) {
      setErrors({ general: err instanceof Error ? err.message : String(err) });
    } finally {
      cap.refresh();
      setBusy(null);
    }
  };

  const num = (
    field: keyof CaptureFormState,
    label: string,
    unit: string,
    testId: string,
    placeholder: string,
    hint?: string,
  ) => (
    <div className="field">
      <label className="field__label" htmlFor={id(field)}>
        {label}
      </label>
      <div className="input-wrap">
        <input
          id={id(field)}
          className="input"
          inputMode="numeric"
          value={form[field]}
          onChange={set(field)}
          placeholder={placeholder}
          aria-invalid={!!errors[field]}
          aria-describedby={errors[field] ? id(`${field}-err`) : undefined}
          data-testid={testId}
          title={hint}
        />
        <span className="input-wrap__unit">{unit}</span>
      </div>
      <FieldError id={id(`${field}-err`)} text={errors[field]} />
    </div>
  );

  return (
    <form
      className="capture-form"
      aria-labelledby={id('title')}
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) void start();
      }}
      data-testid="capture-form"
    >
      <h2 className="capture-form__title" id={id('title')}>
        New capture
      </h2>
      <div className="field">
        <label className="field__label" htmlFor={id('source')}>
          Capture on
        </label>
        <select
          id={id('source')}
          className="input"
          value={form.source}
          onChange={set('source')}
          aria-invalid={!!errors.source}
          data-testid="capture-interface"
        >
          <option value="" disabled>
            Choose an interface or object…
          </option>
          {groups.map((g) => (
            <optgroup key={g} label={g}>
              {options
                .filter((o) => o.group === g)
                .map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
        <FieldError id={id('source-err')} text={errors.source} testId="capture-source-error" />
      </div>
      <div className="field">
        <label className="field__label" htmlFor={id('filter')}>
          Filter <span className="field__optional">BPF, as in tcpdump</span>
        </label>
        <input
          id={id('filter')}
          ref={filterRef}
          className="input input--mono"
          value={form.filter}
          onChange={set('filter')}
          placeholder="e.g. icmp or tcp port 22"
          list={id('examples')}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={!!errors.filter}
          aria-describedby={errors.filter ? id('filter-err') : id('filter-hint')}
          data-testid="capture-filter"
        />
        <datalist id={id('examples')}>
          {FILTER_EXAMPLES.map((x) => (
            <option key={x} value={x} />
          ))}
        </datalist>
        {errors.filter ? (
          <p
            className="field-errors capture-form__filter-error"
            id={id('filter-err')}
            data-testid="capture-filter-error"
            role="alert"
          >
            <CircleAlert size={13} aria-hidden />
            <span>
              <code>{errors.filter}</code>
            </span>
          </p>
        ) : (
          <p className="field__hint" id={id('filter-hint')}>
            Compiled before the capture starts. Empty: every packet.
          </p>
        )}
      </div>
      <fieldset className="capture-form__group">
        <legend>Stop after</legend>
        <div className="grid grid--2">
          {num('count', 'Packets', 'pkts', 'capture-count', 'no limit')}
          {num('duration', 'Time', 's', 'capture-duration', 'no limit')}
        </div>
      </fieldset>
      <fieldset className="capture-form__group">
        <legend>Files</legend>
        <div className="grid grid--2">
          {num(
            'rotateSizeMb',
            'New file every',
            'MB',
            'capture-rotate-size',
            'one file',
            'Start a new file when the current one reaches this size',
          )}
          {num(
            'rotateCount',
            'Keep at most',
            'files',
            'capture-rotate-count',
            'all',
            'Oldest files are removed beyond this many',
          )}
        </div>
        {num(
          'snaplen',
          'Snap length',
          'bytes',
          'capture-snaplen',
          `${CAPTURE_LIMITS.maxSnaplen} (whole packets)`,
          'Bytes kept of each packet',
        )}
        <p className="field__hint">Saved in your captures folder, written as you (not as root).</p>
      </fieldset>
      {errors.general && (
        <p className="field-errors field-errors--box capture-form__general" role="alert" data-testid="capture-error">
          <CircleAlert size={14} aria-hidden /> {errors.general}
        </p>
      )}
      <div className="capture-form__actions">
        <button type="submit" className="button button--primary" disabled={busy !== null} data-testid="capture-start">
          {busy === 'start' ? <LoaderCircle size={15} className="spin" aria-hidden /> : <Play size={15} aria-hidden />}
          {busy === 'start' ? 'Starting…' : 'Start'}
        </button>
        <button
          type="button"
          className="button"
          disabled={!running || busy !== null}
          onClick={() => void stop()}
          data-testid="capture-stop"
          title={running ? `Stop capture ${selected?.id}` : 'No running capture is selected'}
        >
          {busy === 'stop' ? <LoaderCircle size={15} className="spin" aria-hidden /> : <Square size={13} aria-hidden />}
          {busy === 'stop' ? 'Stopping…' : 'Stop'}
        </button>
      </div>
    </form>
  );
}
