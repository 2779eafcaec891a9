import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { CircleCheck, Info, OctagonAlert, TriangleAlert, X } from 'lucide-react';
import { ToastContext, type ToastInput, type ToastTone, type Toasts } from './toast-context';
import '../styles/monitor.css';

interface Shown extends ToastInput {
  id: number;
}

const icons: Record<ToastTone, typeof Info> = {
  info: Info,
  success: CircleCheck,
  warning: TriangleAlert,
  error: OctagonAlert,
};
const defaultTimeout: Record<ToastTone, number> = { info: 5000, success: 4000, warning: 8000, error: 12_000 };
/** More would cover the view; older ones leave first. */
const MAX_SHOWN = 4;

function ToastView({ toast, onClose }: { toast: Shown; onClose(id: number): void }) {
  const [hovered, setHovered] = useState(false);
  const Icon = icons[toast.tone];
  // The countdown stops while the pointer is over the toast, so its action can be reached.
  useEffect(() => {
    if (hovered) return;
    const t = window.setTimeout(() => onClose(toast.id), toast.timeoutMs ?? defaultTimeout[toast.tone]);
    return () => clearTimeout(t);
  }, [hovered, toast, onClose]);
  return (
    <div
      className={`toast toast--${toast.tone}`}
      role={toast.tone === 'error' ? 'alert' : 'status'}
      data-testid="toast"
      data-tone={toast.tone}
      onPointerEnter={() => setHovered(true)}
      onPointerLeave={() => setHovered(false)}
      onFocus={() => setHovered(true)}
      onBlur={() => setHovered(false)}
    >
      <Icon size={18} className="toast__icon" aria-hidden />
      <div className="toast__text">
        <p className="toast__title">{toast.title}</p>
        {toast.body && <p className="toast__body">{toast.body}</p>}
        {toast.action && (
          <button
            type="button"
            className="link-button toast__action"
            onClick={() => {
              toast.action?.onClick();
              onClose(toast.id);
            }}
          >
            {toast.action.label}
          </button>
        )}
      </div>
      <button
        type="button"
        className="icon-button icon-button--small"
        aria-label="Dismiss"
        onClick={() => onClose(toast.id)}
      >
        <X size={14} aria-hidden />
      </button>
    </div>
  );
}

/** In-app notifications, bottom right, above every view; also the page's notifications in web mode. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Shown[]>([]);
  const nextId = useRef(1);
  const close = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const push = useCallback((t: ToastInput) => {
    const id = nextId.current++;
    setToasts((ts) => [...ts.filter((x) => !t.key || x.key !== t.key), { ...t, id }].slice(-MAX_SHOWN));
  }, []);
  const value = useMemo<Toasts>(() => ({ push }), [push]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <section className="toasts" aria-label="Notifications" aria-live="polite">
        {toasts.map((t) => (
          <ToastView key={t.id} toast={t} onClose={close} />
        ))}
      </section>
    </ToastContext.Provider>
  );
}
