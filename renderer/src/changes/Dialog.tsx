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
