/**
 * Remote control and "Play on ▸" (issue 15, step 3), the terminal's side:
 * - **sending**: `send` a command for a household session (play, pause, ±10 s, seek-to, stop,
 *   play-on); resolves once the session's terminal carried it out, or to the refusal's code
 *   and reason; `loadTargets` lists the terminals "Play on ▸" may offer;
 * - **obeying**: a `remote` push naming this terminal is carried out by the open player
 *   controller (or, for play-on, by claiming the session like "Continue here") and answered —
 *   done, or refused with a reason (not playing that session, unsupported on a live channel).
 *   Global pushes a household's commands only to that household's terminals, and this store
 *   also ignores any event not addressed to this terminal.
 *
 * Ownership: one store per runtime; `reset` on sign-out.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { PushEvent } from '../../../common/protocol/api.ts';
import type { HandoffClaim } from '../../../common/protocol/handoff.ts';
import type {
  RemoteAnswerRequest,
  RemoteCommandAnswer,
  RemoteCommandEvent,
  RemoteCommandRequest,
  RemoteRefusal,
  RemoteTarget,
  RemoteTargetList,
} from '../../../common/protocol/remote.ts';
import { ApiError, codeOf } from '../api/http.ts';

/** What a remote command may use of the player controller. */
export interface RemotePlayer {
  sessionId(): string | null;
  play(): void;
  pause(): void;
  seekBy(dtSec: number): void;
  seekTo(tSec: number): void;
  close(): Promise<unknown>;
}

/** A sent command's outcome. */
export type SendResult = { ok: true } | { ok: false; code: string; reason?: RemoteRefusal };

/** State and actions of the remote store. */
export interface RemoteState {
  /** The session a command is under way for. */
  sending: string | null;
  /** Terminals "Play on ▸" may offer (loaded on demand). */
  targets: RemoteTarget[];
  /** A Play on this terminal claimed: the UI opens it, then `clearPlayOn`. */
  playOn: { programId: string; sessionId: string } | null;
  /** The session a remote stop ended here: the UI leaves its player. */
  stopped: string | null;
  send(request: RemoteCommandRequest): Promise<SendResult>;
  loadTargets(): Promise<void>;
  applyPush(event: PushEvent): void;
  clearPlayOn(): void;
  reset(): void;
}

/** What the store needs. */
export interface RemoteDeps {
  api: {
    remoteCommand(body: RemoteCommandRequest): Promise<RemoteCommandAnswer>;
    remoteAnswer(body: RemoteAnswerRequest): Promise<unknown>;
    remoteTargets(): Promise<RemoteTargetList>;
  };
  selfId: () => string | null;
  /** The open player controller, if any. */
  active: () => RemotePlayer | null;
  /** Whether the open viewing is a live channel (no seek-to). */
  isLive: () => boolean;
  /** Claim a household session ("Continue here", stores/handoff.ts). */
  claim: (sessionId: string) => Promise<{ ok: true; claim: HandoffClaim } | { ok: false; code: string }>;
}

/** The remote store. */
export type RemoteStore = StoreApi<RemoteState>;

type Answer = { ok: true } | { ok: false; reason: RemoteRefusal };

/** Build the remote store. */
export function createRemoteStore(deps: RemoteDeps): RemoteStore {
  const refuse = (reason: RemoteRefusal): Answer => ({ ok: false, reason });

  async function carryOut(ev: RemoteCommandEvent): Promise<Answer> {
    if (ev.command === 'play-on') {
      const r = await deps.claim(ev.sessionId);
      if (!r.ok) return refuse(r.code === 'HANDOFF_NOT_ALLOWED' ? 'not-allowed' : 'failed');
      store.setState({ playOn: { programId: r.claim.programId, sessionId: r.claim.sessionId } });
      return { ok: true };
    }
    const c = deps.active();
    if (!c || c.sessionId() !== ev.sessionId) return refuse('not-playing');
    switch (ev.command) {
      case 'play':
        c.play();
        return { ok: true };
      case 'pause':
        c.pause();
        return { ok: true };
      case 'seek-by':
        c.seekBy((ev.deltaMs ?? 0) / 1000);
        return { ok: true };
      case 'seek-to':
        if (deps.isLive() || ev.offsetMs === undefined) return refuse('unsupported');
        c.seekTo(ev.offsetMs / 1000);
        return { ok: true };
      case 'stop':
        await c.close();
        store.setState({ stopped: ev.sessionId });
        return { ok: true };
    }
  }

  const store = createStore<RemoteState>()((set) => ({
    sending: null,
    targets: [],
    playOn: null,
    stopped: null,
    async send(request) {
      set({ sending: request.sessionId });
      try {
        await deps.api.remoteCommand(request);
        return { ok: true as const };
      } catch (err) {
        const details = err instanceof ApiError ? (err.details as { reason?: RemoteRefusal } | undefined) : undefined;
        return { ok: false as const, code: codeOf(err), ...(details?.reason ? { reason: details.reason } : {}) };
      } finally {
        set({ sending: null });
      }
    },
    async loadTargets() {
      try {
        set({ targets: (await deps.api.remoteTargets()).terminals });
      } catch {
        set({ targets: [] });
      }
    },
    applyPush(event) {
      if (event.type !== 'remote' || event.toTerminalId !== deps.selfId()) return;
      void carryOut(event)
        .catch((): Answer => refuse('failed'))
        .then((a) => deps.api.remoteAnswer(a.ok ? { commandId: event.commandId, ok: true } : { commandId: event.commandId, ok: false, reason: a.reason }))
        // The sender already gave up (REMOTE_COMMAND_NOT_FOUND) or the network is down: nothing to do.
        .catch(() => undefined);
    },
    clearPlayOn() {
      set({ playOn: null });
    },
    reset() {
      set({ sending: null, targets: [], playOn: null, stopped: null });
    },
  }));
  return store;
}
