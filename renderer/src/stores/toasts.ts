/**
 * Toast slice: short messages announced politely (the UI renders them in an aria-live region).
 * Messages are kept as keys + params, so a language switch re-renders them translated.
 */
import { createStore } from 'zustand/vanilla';
import type { MessageKey, Params } from '../../../common/i18n/index.ts';

/** One toast. */
export interface Toast {
  id: number;
  key: MessageKey;
  params?: Params;
  tone: 'info' | 'success' | 'error';
}

/** State and actions of the toast slice. */
export interface ToastState {
  toasts: Toast[];
  /** Show a toast for `ms` (default 5 s); returns its id. */
  show(key: MessageKey, options?: { params?: Params; tone?: Toast['tone']; ms?: number }): number;
  dismiss(id: number): void;
}

/** Create the toast slice (`setTimer` injected by tests). */
export function createToastStore(setTimer: (fn: () => void, ms: number) => unknown = (fn, ms) => setTimeout(fn, ms)) {
  let nextId = 1;
  return createStore<ToastState>()((set, get) => ({
    toasts: [],
    show(key, options = {}) {
      const id = nextId++;
      const toast: Toast = { id, key, tone: options.tone ?? 'info', ...(options.params ? { params: options.params } : {}) };
      // At most three on screen: the oldest goes first.
      set({ toasts: [...get().toasts.slice(-2), toast] });
      setTimer(() => get().dismiss(id), options.ms ?? 5_000);
      return id;
    },
    dismiss(id) {
      set({ toasts: get().toasts.filter((t) => t.id !== id) });
    },
  }));
}

/** The toast store. */
export type ToastStore = ReturnType<typeof createToastStore>;
