/**
 * "Continue here" (issue 15, step 2), the terminal's side:
 * - **taking over** (B): `claim` a household session at global; the winner's answer waits in
 *   `pending` until the player opens it (`take`), which starts at `pointAt(now)`: the other
 *   terminal's point advanced by the time since the claim (global's clock, skew-corrected);
 * - **handed away** (A): a `handoff` push naming this terminal sets `away`; the player showing
 *   that session stops and offers "Take it back" (`takeBack` claims the new terminal's session).
 *
 * Ownership: one store per runtime; `reset` on sign-out.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { advancePoint, type HandoffClaim, type HandoffEvent } from '../../../common/protocol/handoff.ts';
import type { PushEvent } from '../../../common/protocol/api.ts';
import type { Breakpoint } from '../../../common/protocol/model.ts';
import type { PresenceSession } from '../../../common/protocol/presence.ts';
import { codeOf } from '../api/http.ts';

/** A won claim, waiting for the player. */
export interface PendingHandoff {
  claim: HandoffClaim;
  /** Global's clock minus the local clock, measured on the claim's round trip. */
  skewMs: number;
}

/** State and actions of the handoff store. */
export interface HandoffState {
  pending: PendingHandoff | null;
  /** This terminal's session was taken over (the player shows "Continued on …"). */
  away: HandoffEvent | null;
  /** The session a claim is under way for. */
  claiming: string | null;
  /** Claim `sessionId`; resolves to the claim, or to the refusal's stable code. */
  claim(sessionId: string): Promise<{ ok: true; claim: HandoffClaim } | { ok: false; code: string }>;
  /** The pending claim of `sessionId`, consumed (null when none: a reload, say). */
  take(sessionId: string): PendingHandoff | null;
  /** Take back what `away` handed over: claim the other terminal's session of that programme. */
  takeBack(): Promise<{ ok: true; claim: HandoffClaim } | { ok: false; code: string }>;
  /** Forget `away` (the user went home). */
  dismiss(): void;
  applyPush(event: PushEvent): void;
  reset(): void;
}

/** What the store needs. */
export interface HandoffDeps {
  api: { claimHandoff(sessionId: string): Promise<HandoffClaim> };
  selfId: () => string | null;
  /** The household's open sessions as now playing knows them (to find the one to take back). */
  sessions: () => PresenceSession[];
  /** Fetch now playing again (the other terminal's session may not have arrived yet). */
  reloadSessions: () => Promise<void>;
  now?: () => number;
}

/** The handoff store. */
export type HandoffStore = StoreApi<HandoffState>;

/**
 * Where a pending handoff is at local time `localNow` (a paused one stays put): at A's speed,
 * which this terminal resumes with too (the viewing's record carries it).
 */
export function pointAt(p: PendingHandoff, localNow: number, durationMs?: number): Breakpoint {
  return p.claim.playing ? advancePoint(p.claim.point, localNow + p.skewMs - p.claim.at, durationMs, p.claim.rate) : p.claim.point;
}

/** Build the handoff store. */
export function createHandoffStore(deps: HandoffDeps): HandoffStore {
  const now = deps.now ?? Date.now;
  return createStore<HandoffState>()((set, get) => ({
    pending: null,
    away: null,
    claiming: null,
    async claim(sessionId) {
      set({ claiming: sessionId });
      const sentAt = now();
      try {
        const claim = await deps.api.claimHandoff(sessionId);
        // Global answered at `claim.at`, about midway through the round trip.
        const skewMs = claim.at - (sentAt + now()) / 2;
        set({ pending: { claim, skewMs }, claiming: null, away: null });
        return { ok: true as const, claim };
      } catch (err) {
        set({ claiming: null });
        return { ok: false as const, code: codeOf(err) };
      }
    },
    take(sessionId) {
      const p = get().pending;
      if (!p || p.claim.sessionId !== sessionId) return null;
      set({ pending: null });
      return p;
    },
    async takeBack() {
      const away = get().away;
      if (!away) return { ok: false as const, code: 'SESSION_NOT_FOUND' };
      const find = () => deps.sessions().find((s) => s.terminalId === away.toTerminalId && s.programId === away.programId);
      let target = find();
      if (!target) {
        await deps.reloadSessions();
        target = find();
      }
      if (!target) return { ok: false as const, code: 'SESSION_NOT_FOUND' };
      return get().claim(target.sessionId);
    },
    dismiss() {
      set({ away: null });
    },
    applyPush(event) {
      if (event.type !== 'handoff' || event.fromTerminalId !== deps.selfId()) return;
      set({ away: event });
    },
    reset() {
      set({ pending: null, away: null, claiming: null });
    },
  }));
}
