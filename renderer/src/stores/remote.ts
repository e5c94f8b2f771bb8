/**
 * Remote control and "Play on ▸" (issue 15, step 3), the terminal's side:
 * - **sending**: `send` a command for a household session (play, pause, ±10 s, seek-to, stop,
 *   play-on, status, set-audio, set-subtitles); resolves once the session's terminal carried it
 *   out, or to the refusal's code and reason; `loadTargets` lists the terminals "Play on ▸" may
 *   offer; every `done` answer carries the target's tracks, kept per session in `tracks` (a
 *   remote panel sends `status` when it opens, so its audio/subtitle pickers have them at once);
 * - **playing a programme elsewhere** (a card's "Play on ▸", nothing plays it): `playProgramOn`
 *   asks global to start it on another terminal; global picks the start from the profile's history;
 * - **obeying**: a `remote` push naming this terminal is carried out by the open player
 *   controller (or, for play-on, by claiming the session like "Continue here"; for
 *   play-program, by opening the programme at the start global sent, unless another programme
 *   is open here — `busy` — and answering once it plays, or failed/not-allowed) and answered —
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
import type { Breakpoint } from '../../../common/protocol/model.ts';
import {
  REMOTE_MAX_TRACKS,
  type RemoteAnswerRequest,
  type RemoteCommandAnswer,
  type RemoteCommandEvent,
  type RemoteCommandRequest,
  type RemotePlayOnAnswer,
  type RemotePlayOnRequest,
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

/** A card's Play on outcome: where the programme started, or why not. */
export type PlayOnResult = { ok: true; terminalId: string; start: Breakpoint | null } | { ok: false; code: string; reason?: RemoteRefusal };

/** A viewing to open here, told from elsewhere: a session to take over, or a programme at global's start. */
export type PlayOnHere = { programId: string; sessionId: string } | { programId: string; commandId: string };

/** The start a `play-program` carried, until the player opens it. */
export interface CarriedStart {
  breakpoint: Breakpoint | null;
  /** The terminal the point was left on (another than this one), for the "Resuming … from" notice. */
  terminalName: string | null;
}

/** How a viewing opened for a `play-program` went: playing, still starting, or failed (and why). */
export type StartOutcome = 'ready' | 'starting' | 'failed' | 'not-allowed';

/** How long a `play-program` waits for its viewing to play before answering (the sender waits 3 s). */
export const PLAY_PROGRAM_WAIT_MS = 2_400;

/** State and actions of the remote store. */
export interface RemoteState {
  /** The session (or, for a card's Play on, the programme) a command is under way for. */
  sending: string | null;
  /** Terminals "Play on ▸" may offer (loaded on demand). */
  targets: RemoteTarget[];
  /** The tracks of commanded sessions, as their terminals last answered (by session id). */
  tracks: Readonly<Record<string, RemoteTracks>>;
  /** A Play on this terminal claimed, or a programme it was told to play: the UI opens it, then `clearPlayOn`. */
  playOn: PlayOnHere | null;
  /** The starts of `play-program` commands, by command id, until the player takes them. */
  carried: Readonly<Record<string, CarriedStart>>;
  /** The session a remote stop ended here: the UI leaves its player. */
  stopped: string | null;
  send(request: RemoteCommandRequest): Promise<SendResult>;
  /** Ask the session's terminal for its tracks (a `status` command), quietly: a failure keeps what was known. */
  refreshTracks(sessionId: string): Promise<void>;
  loadTargets(): Promise<void>;
  /** A card's "Play on ▸": start `programId` on `toTerminalId` at the profile's point (global's pick). */
  playProgramOn(programId: string, toTerminalId: string): Promise<PlayOnResult>;
  /** The start a `play-program` carried (once; null after a reload: resume as usual). */
  takeStart(commandId: string): CarriedStart | null;
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
    remotePlayOn(body: RemotePlayOnRequest): Promise<RemotePlayOnAnswer>;
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
  /** The programme open in the player here, while a viewing is starting or playing (null otherwise). */
  openProgram: () => string | null;
  /**
   * Once the UI has opened `programId` (after `playOn`): resolves when it plays, or failed, or
   * still starting after `withinMs`.
   */
  started: (programId: string, withinMs: number) => Promise<StartOutcome>;
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
    if (ev.command === 'play-program') {
      const programId = ev.programId;
      if (!programId) return refuse('failed');
      const open = deps.openProgram();
      // Already playing it here: nothing to start. Someone watching something else: not interrupted.
      if (open === programId) return { ok: true };
      if (open !== null) return refuse('busy');
      const watching = deps.started(programId, PLAY_PROGRAM_WAIT_MS);
      store.setState((st) => ({
        playOn: { programId, commandId: ev.commandId },
        carried: { ...st.carried, [ev.commandId]: { breakpoint: ev.start ?? null, terminalName: ev.startTerminalName ?? null } },
      }));
      const outcome = await watching;
      if (outcome === 'failed' || outcome === 'not-allowed') return refuse(outcome);
      return { ok: true };
    }
    if (!ev.sessionId) return refuse('not-playing');
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

  const failure = (err: unknown) => {
    const details = err instanceof ApiError ? (err.details as { reason?: RemoteRefusal } | undefined) : undefined;
    return { ok: false as const, code: codeOf(err), ...(details?.reason ? { reason: details.reason } : {}) };
  };

  const store = createStore<RemoteState>()((set, get) => ({
    sending: null,
    targets: [],
    tracks: {},
    playOn: null,
    carried: {},
    stopped: null,
    async send(request) {
      set({ sending: request.sessionId });
      try {
        const answer = await deps.api.remoteCommand(request);
        if (answer.tracks) set((s) => ({ tracks: { ...s.tracks, [request.sessionId]: answer.tracks! } }));
        return { ok: true as const };
      } catch (err) {
        return failure(err);
      } finally {
        set({ sending: null });
      }
    },
    async playProgramOn(programId, toTerminalId) {
      set({ sending: programId });
      try {
        const answer = await deps.api.remotePlayOn({ programId, toTerminalId });
        return { ok: true as const, terminalId: answer.terminalId, start: answer.start };
      } catch (err) {
        return failure(err);
      } finally {
        set({ sending: null });
      }
    },
    takeStart(commandId): CarriedStart | null {
      const start: CarriedStart | null = get().carried[commandId] ?? null;
      if (start) set((s) => ({ carried: Object.fromEntries(Object.entries(s.carried).filter(([id]) => id !== commandId)) }));
      return start;
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
      set({ sending: null, targets: [], tracks: {}, playOn: null, carried: {}, stopped: null });
    },
  }));
  return store;
}
