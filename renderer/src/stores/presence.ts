/**
 * Now playing (issue 15): the household's other terminals' open play sessions, from
 * `GET /api/v1/presence` on every push (re)connection and kept current by `presence` /
 * `presence-ended` push events. Positions are as of global's clock at `at`; `positionNow`
 * advances a playing one locally between heartbeats (corrected by the server clock offset
 * measured at the last fetch, so a skewed device clock does not move the card).
 *
 * Ownership: one store per runtime; `reset` on sign-out.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { assertNever } from '../../../common/errors.ts';
import type { Breakpoint } from '../../../common/protocol/model.ts';
import type { PushEvent } from '../../../common/protocol/api.ts';
import type { PresenceList, PresenceSession } from '../../../common/protocol/presence.ts';
import { advancePoint } from '../../../common/protocol/handoff.ts';

/** State and actions of the now-playing store. */
export interface PresenceState {
  /** Open sessions of the household's other terminals, newest first. */
  sessions: PresenceSession[];
  /** Server clock minus local clock (ms), measured at the last fetch. */
  skewMs: number;
  /** Fetch the list (on push connection and reconnection). */
  load(): Promise<void>;
  /** Apply a push event (others are ignored). */
  applyPush(event: PushEvent): void;
  /** Forget everything (sign-out). */
  reset(): void;
}

/** What the store needs. */
export interface PresenceDeps {
  api: { presence(): Promise<PresenceList> };
  /** This terminal's id (its own session is not shown as "playing elsewhere"). */
  selfId: () => string | null;
  now?: () => number;
}

/** The presence store. */
export type PresenceStore = StoreApi<PresenceState>;

/** Build the presence store. */
export function createPresenceStore(deps: PresenceDeps): PresenceStore {
  const now = deps.now ?? Date.now;
  let generation = 0;
  const others = (list: PresenceSession[]) => list.filter((s) => s.terminalId !== deps.selfId());
  return createStore<PresenceState>()((set, get) => ({
    sessions: [],
    skewMs: 0,
    async load() {
      const gen = ++generation;
      const sentAt = now();
      const answer = await deps.api.presence().catch(() => null);
      if (!answer || gen !== generation) return;
      // The answer's clock is taken midway through the round trip.
      const skewMs = answer.now - (sentAt + now()) / 2;
      set({ sessions: others(answer.sessions), skewMs });
    },
    applyPush(event) {
      switch (event.type) {
        case 'presence': {
          const rest = get().sessions.filter((s) => s.sessionId !== event.session.sessionId);
          // A terminal plays one thing at a time: its older session is gone.
          const kept = rest.filter((s) => s.terminalId !== event.session.terminalId);
          set({ sessions: others([event.session, ...kept]) });
          return;
        }
        case 'presence-ended':
        case 'handoff':
          set({ sessions: get().sessions.filter((s) => s.sessionId !== event.sessionId) });
          return;
        case 'hello':
        case 'history':
        case 'hidden':
        case 'catalogue':
        case 'remote':
          return;
        default:
          assertNever(event, 'push event');
      }
    },
    reset() {
      generation++;
      set({ sessions: [], skewMs: 0 });
    },
  }));
}

/**
 * Where a session is now, advanced from its last report at its speed if playing (never past `durationMs`);
 * a paused one, or one still starting (no heartbeat yet: it may be buffering), stays put.
 */
export function positionNow(s: PresenceSession, localNow: number, skewMs: number, durationMs?: number): Breakpoint {
  if (s.paused || s.starting) return s.position;
  return advancePoint(s.position, localNow + skewMs - s.at, durationMs, s.rate);
}
