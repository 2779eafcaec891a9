import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { X } from 'lucide-react';

/**
 * A modal dialog on the native <dialog>: the browser traps focus, makes the rest inert and turns Escape into
 * `cancel`. The body is a form, so Enter in a field submits it; focus starts on the element marked
 * `data-autofocus` and returns where it was when the dialog closes.
 */
export function Dialog({
  title,
  children,
  footer,
  onClose,
  onSubmit,
  testId,
  wide,
}: {
  title: string;
  children: ReactNode;
  footer: ReactNode;
  onClose(): void;
  onSubmit(): void;
  testId?: string;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const el = ref.current;
    const before = document.activeElement as HTMLElement | null;
    if (el && !el.open) el.showModal();
    // showModal focuses the first focusable element (the close button); the dialog names a better start.
    el?.querySelector<HTMLElement>('[data-autofocus]:not(:disabled)')?.focus();
    return () => {
      if (el?.open) el.close();
      before?.focus?.();
    };
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog--wide' : ''}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form className="dialog__form" onSubmit={submit}>
        <header className="dialog__header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" onClick={onClose} aria-label="Close">
            <X size={16} aria-hidden />
          </button>
        </header>
        <div className="dialog__body">{children}</div>
        <footer className="dialog__footer">{footer}</footer>
      </form>
    </dialog>
  );
}

/**
 * The footer of a confirm-style dialog: why it cannot go ahead (if anything stops it), Cancel, and the submit
 * button, disabled while there is a reason. `autofocusCancel` starts focus on Cancel (for destructive confirms).
 */
export function BlockerFooter({
  blocker,
  onCancel,
  submitTestId,
  autofocusCancel,
  children,
}: {
  blocker: string | null | undefined;
  onCancel(): void;
  submitTestId: string;
  autofocusCancel?: boolean;
  children: ReactNode;
}) {
  return (
    <>
      {blocker && <span className="dialog__reason">{blocker}</span>}
      <button type="button" className="button" onClick={onCancel} data-autofocus={autofocusCancel || undefined}>
        Cancel
      </button>
      <button type="submit" className="button button--primary" disabled={!!blocker} data-testid={submitTestId}>
        {children}
      </button>
    </>
  );
}
