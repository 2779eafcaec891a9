import { createContext, useContext } from 'react';

export type ToastTone = 'info' | 'success' | 'warning' | 'error';

export interface ToastInput {
  tone: ToastTone;
  title: string;
  body?: string;
  action?: { label: string; onClick(): void };
  /** Milliseconds on screen; errors stay longer by default since they usually need reading. */
  timeoutMs?: number;
  /** A toast with the same key replaces the one on screen instead of stacking (repeated progress, bursts). */
  key?: string;
}

export interface Toasts {
  push(t: ToastInput): void;
}

export const ToastContext = createContext<Toasts | null>(null);

export function useToasts(): Toasts {
  const t = useContext(ToastContext);
  if (!t) throw new Error('useToasts must be used inside <ToastProvider>');
  return t;
}
