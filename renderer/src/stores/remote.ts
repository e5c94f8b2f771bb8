/**
 * Remote control and "Play on ▸" (issue 15, step 3), the terminal's side:
 * - **sending**: `send` a command for a household session (play, pause, ±10 s, seek-to, stop,
 *   play-on, status, set-audio, set-subtitles); resolves once the session's terminal carried it
 *   out, or to the refusal's code and reason; `loadTargets` lists the terminals "Play on ▸" may
 *   offer; every `done` answer carries the target's tracks, kept per session in `tracks` (a
 *   remote panel sends `status` when it opens, so its audio/subtitle pickers have them at once);
 * - **obeying**: a `remote` push naming this terminal is carried out by the open player
 *   controller (or, for play-on, by claiming the session like "Continue here") and answered —
 *   done with this viewing's tracks, or refused with a reason (not playing that session,
 *   unsupported: a seek-to on a live channel, an audio or subtitle language it does not have).
 *   Global pushes a household's commands only to that household's terminals, and this store
 *   also ignores any event not addressed to this terminal.
 *
 * Ownership: one store per runtime; `reset` on sign-out.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { PushEvent } from '../../../common/protocol/api.ts';
import type { HandoffClaim } from '../../../common/protocol/handoff.ts';
import {
  REMOTE_MAX_TRACKS,
  type RemoteAnswerRequest,
  type RemoteCommandAnswer,
  type RemoteCommandEvent,
  type RemoteCommandRequest,
  type RemoteRefusal,
  type RemoteTarget,
  type RemoteTargetList,
  type RemoteTracks,
} from '../../../common/protocol/remote.ts';
import { ApiError, codeOf } from '../api/http.ts';
import { matchLanguage } from '../player/tracks.ts';

/** What a remote command may use of the player controller. */
export interface RemotePlayer {
  sessionId(): string | null;
  play(): void;
  pause(): void;
  seekBy(dtSec: number): void;
  seekTo(tSec: number): void;
  selectAudio(language: string): void;
  selectSubtitles(language: string | null): void;
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
  /** The tracks of commanded sessions, as their terminals last answered (by session id). */
  tracks: Readonly<Record<string, RemoteTracks>>;
  /** A Play on this terminal claimed: the UI opens it, then `clearPlayOn`. */
  playOn: { programId: string; sessionId: string } | null;
  /** The session a remote stop ended here: the UI leaves its player. */
  stopped: string | null;
  send(request: RemoteCommandRequest): Promise<SendResult>;
  /** Ask the session's terminal for its tracks (a `status` command), quietly: a failure keeps what was known. */
  refreshTracks(sessionId: string): Promise<void>;
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
  /** The open viewing's audio and subtitle languages (player store). */
  tracks: () => RemoteTracks;
  /** Claim a household session ("Continue here", stores/handoff.ts). */
  claim: (sessionId: string) => Promise<{ ok: true; claim: HandoffClaim } | { ok: false; code: string }>;
}

/** A language tag the protocol carries (`MediaLanguage`); anything else is left out of an answer. */
const MEDIA_LANGUAGE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$/;

/** The tracks a remote answer carries, from the player store's audio/subtitle options. */
export function remoteTracksOf(p: {
  audioTracks: readonly { language: string }[];
  subtitleTracks: readonly { language: string }[];
  audioLanguage: string | null;
  subtitleLanguage: string | null;
}): RemoteTracks {
  const langs = (ts: readonly { language: string }[]) => ts.map((t) => t.language).filter((l) => MEDIA_LANGUAGE.test(l)).slice(0, REMOTE_MAX_TRACKS);
  const one = (l: string | null) => (l !== null && MEDIA_LANGUAGE.test(l) ? l : null);
  return { audio: langs(p.audioTracks), subtitles: langs(p.subtitleTracks), audioLanguage: one(p.audioLanguage), subtitleLanguage: one(p.subtitleLanguage) };
}

/** The remote store. */
export type RemoteStore = StoreApi<RemoteState>;

type Answer = { ok: true; tracks?: RemoteTracks } | { ok: false; reason: RemoteRefusal };

/** Build the remote store. */
export function createRemoteStore(deps: RemoteDeps): RemoteStore {
  const refuse = (reason: RemoteRefusal): Answer => ({ ok: false, reason });
  /** Done, with the tracks playing now (`chosen` overrides what the engine may not show yet). */
  const done = (chosen: Partial<RemoteTracks> = {}): Answer => ({ ok: true, tracks: { ...deps.tracks(), ...chosen } });

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
      case 'status':
        return done();
      case 'play':
        c.play();
        return done();
      case 'pause':
        c.pause();
        return done();
      case 'seek-by':
        c.seekBy((ev.deltaMs ?? 0) / 1000);
        return done();
      case 'seek-to':
        if (deps.isLive() || ev.offsetMs === undefined) return refuse('unsupported');
        c.seekTo(ev.offsetMs / 1000);
        return done();
      case 'set-audio': {
        const lang = ev.language ? matchLanguage(deps.tracks().audio.map((language) => ({ language })), ev.language) : null;
        if (!lang) return refuse('unsupported');
        c.selectAudio(lang.language);
        return done({ audioLanguage: lang.language });
      }
      case 'set-subtitles': {
        if (ev.language === null || ev.language === undefined) {
          c.selectSubtitles(null);
          return done({ subtitleLanguage: null });
        }
        const lang = matchLanguage(deps.tracks().subtitles.map((language) => ({ language })), ev.language);
        if (!lang) return refuse('unsupported');
        c.selectSubtitles(lang.language);
        return done({ subtitleLanguage: lang.language });
      }
      case 'stop':
        await c.close();
        store.setState({ stopped: ev.sessionId });
        return { ok: true };
    }
  }

  const store = createStore<RemoteState>()((set) => ({
    sending: null,
    targets: [],
    tracks: {},
    playOn: null,
    stopped: null,
    async send(request) {
      set({ sending: request.sessionId });
      try {
        const answer = await deps.api.remoteCommand(request);
        if (answer.tracks) set((s) => ({ tracks: { ...s.tracks, [request.sessionId]: answer.tracks! } }));
        return { ok: true as const };
      } catch (err) {
        const details = err instanceof ApiError ? (err.details as { reason?: RemoteRefusal } | undefined) : undefined;
        return { ok: false as const, code: codeOf(err), ...(details?.reason ? { reason: details.reason } : {}) };
      } finally {
        set({ sending: null });
      }
    },
    async refreshTracks(sessionId) {
      try {
        const answer = await deps.api.remoteCommand({ sessionId, command: 'status' });
        if (answer.tracks) set((s) => ({ tracks: { ...s.tracks, [sessionId]: answer.tracks! } }));
      } catch {
        // Not playing yet, offline, no answer: the panel asks again with the next heartbeat.
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
        .then((a) =>
          deps.api.remoteAnswer(
            a.ok ? { commandId: event.commandId, ok: true, ...(a.tracks ? { tracks: a.tracks } : {}) } : { commandId: event.commandId, ok: false, reason: a.reason },
          ),
        )
        // The sender already gave up (REMOTE_COMMAND_NOT_FOUND) or the network is down: nothing to do.
        .catch(() => undefined);
    },
    clearPlayOn() {
      set({ playOn: null });
    },
    reset() {
      set({ sending: null, targets: [], tracks: {}, playOn: null, stopped: null });
    },
  }));
  return store;
}
