/**
 * Connectivity slice: whether this terminal is online, whether the server answers, the state
 * of the push stream, and how many reports wait in the outbox. Written by the runtime (browser
 * online/offline events, the HTTP client, the push stream, the outbox); read by the banner.
 */
import { createStore } from 'zustand/vanilla';
import type { PushState } from '../api/events.ts';

/** State and actions of the connectivity slice. */
export interface ConnectivityState {
  /** The platform says there is a network. */
  online: boolean;
  /** The last request got an answer from the server. */
  reachable: boolean;
  /** The server-push stream. */
  push: PushState;
  /** Reports waiting in the outbox. */
  pending: number;
  setOnline(online: boolean): void;
  setReachable(reachable: boolean): void;
  setPush(push: PushState): void;
  setPending(pending: number): void;
}

/** True when the UI should say this terminal is offline. */
export function isOffline(s: Pick<ConnectivityState, 'online' | 'reachable'>): boolean {
  return !s.online || !s.reachable;
}

/** Create the connectivity slice. */
export function createConnectivityStore(initialOnline: boolean) {
  return createStore<ConnectivityState>()((set, get) => ({
    online: initialOnline,
    reachable: true,
    push: 'stopped',
    pending: 0,
    setOnline(online) {
      // Coming back online does not prove the server answers; going offline proves it does not.
      if (online !== get().online) set(online ? { online } : { online, reachable: false });
    },
    setReachable(reachable) {
      if (reachable !== get().reachable) set({ reachable });
    },
    setPush(push) {
      if (push !== get().push) set({ push });
    },
    setPending(pending) {
      if (pending !== get().pending) set({ pending });
    },
  }));
}

/** The connectivity store. */
export type ConnectivityStore = ReturnType<typeof createConnectivityStore>;
