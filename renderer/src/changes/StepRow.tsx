import { useState } from 'react';
import { Check, CircleDashed, CircleX, Copy, LoaderCircle, Undo2, CircleCheck } from 'lucide-react';
import type { Step } from '../../../shared/plan/operations';
import type { StepStatus } from './apply-state';

const statusIcon = {
  pending: CircleDashed,
  running: LoaderCircle,
  done: CircleCheck,
  failed: CircleX,
  undone: Undo2,
} as const;
const statusText: Record<StepStatus, string> = {
  pending: 'Pending',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  undone: 'Undone',
};

/** Shell-style quoting for the copy text only: what runs is the argv itself, never a shell line. */
export function commandText(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | undefined>();
  return (
    <button
      type="button"
      className="icon-button icon-button--small"
      aria-label={copied === 'yes' ? 'Copied' : label}
      title={
        copied === 'yes'
          ? 'Copied'
          : copied === 'no'
            ? 'The clipboard is not available here; select the text instead'
            : label
      }
      onClick={() => {
        void copy(text).then((ok) => {
          setCopied(ok ? 'yes' : 'no');
          window.setTimeout(() => setCopied(undefined), 1500);
        });
      }}
    >
      {copied === 'yes' ? <Check size={14} aria-hidden /> : <Copy size={14} aria-hidden />}
    </button>
  );
}

export function StepRow({ step, status, message }: { step: Step; status?: StepStatus; message?: string }) {
  const Icon = status ? statusIcon[status] : undefined;
  const cmd = commandText(step.argv);
  return (
    <li
      className={`step${status ? ` step--${status}` : ''}`}
      data-testid={`step-${step.index}`}
      data-status={status ?? 'planned'}
    >
      <span className="step__index" aria-hidden>
        {Icon ? <Icon size={15} className={status === 'running' ? 'spin' : undefined} /> : step.index + 1}
      </span>
      <div className="step__body">
        <div className="step__description">
          {step.description}
          {status && <span className="visually-hidden">: {statusText[status]}</span>}
        </div>
        <div className="step__command">
          <code title={cmd}>{cmd}</code>
          <CopyButton text={cmd} label={`Copy the command of step ${step.index + 1}`} />
        </div>
        {message && (
          <div className="step__message" role="status">
            {message}
          </div>
        )}
      </div>
    </li>
  );
}
