/**
 * Which terminal's viewing the TV's remote panel (TvRemote.tsx) commands, if any. The panel is
 * named by terminal and programme rather than by session: after "Play on ▸" from this TV the
 * new terminal's session exists only once it has started, and the panel waits for it (now
 * playing, stores/presence.ts). Opened from a now-playing card's options, or from "Continued
 * on …" after a Play on; shown over home.
 *
 * Ownership: one per page (the TV runtime is one per page too).
 */
import { createStore } from 'zustand/vanilla';

/** What the panel commands. */
export interface RemotePanelTarget {
  terminalId: string;
  terminalName: string;
  programId: string;
}

/** State and actions of the panel. */
export interface RemotePanelState {
  target: RemotePanelTarget | null;
  open(target: RemotePanelTarget): void;
  close(): void;
}

/** The TV's remote panel. */
export const remotePanel = createStore<RemotePanelState>()((set) => ({
  target: null,
  open: (target) => set({ target }),
  close: () => set({ target: null }),
}));
