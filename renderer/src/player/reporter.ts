/**
 * The breakpoint reporter of one viewing (Shaka's helper shape: callbacks in, a factory,
 * `destroy()`). It tells the streaming server where this terminal is:
 * - a heartbeat every interval the server asks for, playing or paused (a paused terminal's
 *   unmoved heartbeats keep its session alive but never make its record the newest);
 * - at once on pause and on seek (with `seekedBack` once the user moved back deliberately),
 *   and at once when playback resumes; each report says whether it plays (`state`, when the
 *   controller gives `paused`), so now playing and a handoff advance from the resume itself;
 * - a stop when the viewing ends, and — synchronously, from `pagehide` — when the page goes.
 * Every report carries this terminal's next sequence number from the bridge (order per
 * terminal, never by clocks). Heartbeat answers renew the play token the media requests use.
 *
 * Failures: offline, a pause/seek/stop becomes a TerminalReport in the outbox, and a failed
 * heartbeat's point goes to the journal (crash safety). A session the server no longer knows
 * (its restart, a token expired while the device slept) is reopened at the current point with
 * the terminal credential, so playback continues without the user noticing.
 *
 * The position is always read synchronously (`position()`) at the moment of the event —
 * before anything is unloaded — and never reported before playback has begun.
 */
import type { Breakpoint, TrackChoice } from '../../../common/protocol/model.ts';
import type { ReportEvent, TerminalReport } from '../../../common/protocol/api.ts';
import type { HeartbeatRequest } from '../../../common/protocol/stream.ts';
import { isApiError, type Api } from '../api/http.ts';
import type { ReportQueue } from '../outbox.ts';
import type { Journal } from './journal.ts';

type HeartbeatState = NonNullable<HeartbeatRequest['state']>;

/** The play session a reporter reports for. */
export interface ReporterSession {
  sessionId: string;
  playToken: string;
  tokenExpiresAt: number;
  heartbeatIntervalMs: number;
  /** The terminal's sequence must continue above this. */
  minSeq: number;
  programId: string;
  /** Where this viewing started when it resumed a breakpoint (the bad-stop rule). */
  resumedFrom: Breakpoint | null;
  /** Whose viewing it is (the play answer's profile): offline reports name it. */
  profileId?: string | undefined;
}

/** Where a viewing ended, as the reporter tells it before sending the stop. */
export interface StopPoint {
  programId: string;
  position: Breakpoint;
  /** Where the viewing started when it resumed a point, and whether the user moved back (the bad-stop rule). */
  resumedFrom: Breakpoint | null;
  seekedBack: boolean;
}

/** What a reporter needs. */
export interface ReporterDeps {
  api: Pick<Api, 'heartbeat' | 'stop' | 'stopOnUnload' | 'play'>;
  /** The bridge's durable sequence. */
  nextSeq: (atLeast: number) => Promise<number>;
  queue: Pick<ReportQueue, 'enqueue'>;
  journal?: Journal;
  /** The current position, read synchronously; null before playback began. */
  position: () => Breakpoint | null;
  /**
   * The viewing ends at `position` (told synchronously, before the stop is sent): the home
   * page shows this terminal's own stop at once. `resumedFrom`/`seekedBack`: the bad-stop rule.
   */
  onStopPoint?: (stop: StopPoint) => void;
  /** The audio, subtitles and speed playing now (sent with every report); absent = not reported. */
  tracks?: () => TrackChoice | null;
  /** Whether the player is paused now (reported as `state`); absent = not reported. */
  paused?: () => boolean;
  /** Whether the platform says there is a network (default: true). */
  isOnline?: () => boolean;
  /** A session was reopened (the controller keeps nothing of its own; for logs and tests). */
  onSession?: (session: ReporterSession) => void;
  now?: () => number;
  newId?: () => string;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** What became of a stop. */
export type StopOutcome = 'sent' | 'queued' | 'skipped';

/** A running reporter. */
export interface Reporter {
  /** Start the heartbeat (call once playback began); `now`: report the position at once too. */
  start(options?: { now?: boolean }): void;
  /** Report a pause or a seek now. */
  event(kind: 'pause' | 'seek'): Promise<void>;
  /** Playback resumed after a pause: report now that it plays. */
  resumed(): Promise<void>;
  /** The user moved back deliberately during this viewing. */
  noteSeekBack(): void;
  /** The audio, subtitles or speed changed: report now (another terminal may resume next). */
  tracksChanged(): Promise<void>;
  /** End the viewing at the current position; resolves when sent or queued. */
  stop(): Promise<StopOutcome>;
  /** End the viewing from a `pagehide` handler: synchronous, fire-and-forget, plus an outbox copy. */
  stopOnUnload(): void;
  /** The page is being hidden (it may be frozen or killed): report the position now. */
  suspend(): void;
  /** The play token to put on media requests now. */
  token(): string;
  /** A token good for at least a while longer, renewed first when about to expire. */
  freshToken(): Promise<string>;
  /** Get a new token now (the media server refused the current one). */
  renew(): Promise<void>;
  /** True once stopped. */
  readonly closed: boolean;
  /** Stop timers without reporting. */
  destroy(): void;
}

/** Renew a token this long before it expires. */
const RENEW_MARGIN_MS = 20_000;

/** Create the reporter of one viewing. */
export function createReporter(initial: ReporterSession, deps: ReporterDeps): Reporter {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const setTimer = deps.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let session = { ...initial };
  let closed = false;
  let started = false;
  let lost = false;
  let seekedBack = false;
  /** The last report did not get through (the server could not be reached). */
  let failing = false;
  let timer: unknown = null;
  let chain: Promise<unknown> = Promise.resolve();
  // Sequence numbers: `reserve` is one taken ahead from the bridge, so that the synchronous
  // pagehide path has a durable, higher-than-everything number at hand without awaiting.
  let last = 0;
  let reserve: number | null = null;
  let refilling = false;

  const floor = () => Math.max(session.minSeq, last);
  const refill = () => {
    if (refilling || closed) return;
    refilling = true;
    deps
      .nextSeq(floor())
      .then((s) => {
        if (reserve === null && s > last) reserve = s;
      })
      .catch(() => undefined)
      .finally(() => {
        refilling = false;
      });
  };
  async function take(): Promise<number> {
    let seq = reserve;
    reserve = null;
    if (seq === null || seq <= floor()) seq = await deps.nextSeq(floor());
    last = Math.max(last, seq);
    refill();
    return seq;
  }

  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };

  /** `{ tracks }` when there is a choice to report, else nothing. */
  const tracksField = (): { tracks?: TrackChoice } => {
    const t = deps.tracks?.();
    return t ? { tracks: t } : {};
  };

  const report = (event: ReportEvent, position: Breakpoint, seq: number, tracks = tracksField()): TerminalReport => ({
    reportId: newId(),
    programId: session.programId,
    breakpoint: position,
    seq,
    event,
    observedAt: now(),
    ...(session.resumedFrom && session.resumedFrom.kind === position.kind ? { resumedFrom: session.resumedFrom } : {}),
    ...(seekedBack ? { seekedBack: true } : {}),
    playToken: session.playToken,
    ...tracks,
    ...(session.profileId ? { profileId: session.profileId } : {}),
  });

  const isLost = (err: unknown) => isApiError(err, 'SESSION_NOT_FOUND', 'TOKEN_INVALID');
  const isUnreachable = (err: unknown) => isApiError(err) && err.severity === 'recoverable';

  /** Open a new session at `position` with the terminal credential (the old one is gone). */
  async function reopen(position: Breakpoint): Promise<void> {
    const play = await deps.api.play({ programId: session.programId, breakpoint: position });
    session = {
      ...session,
      sessionId: play.sessionId,
      playToken: play.playToken,
      tokenExpiresAt: play.tokenExpiresAt,
      heartbeatIntervalMs: play.heartbeatIntervalMs || session.heartbeatIntervalMs,
      minSeq: Math.max(session.minSeq, play.minSeq),
      profileId: play.profileId ?? session.profileId,
    };
    lost = false;
    deps.onSession?.(session);
  }

  /** Send one heartbeat-family report; failures end up in the outbox or the journal. */
  async function send(event: 'heartbeat' | 'pause' | 'seek', keepalive = false): Promise<void> {
    const position = deps.position();
    const tracks = tracksField();
    if (!position || closed) return;
    if (lost) {
      await reopen(position).catch(() => undefined);
      if (lost) {
        if (event !== 'heartbeat') await deps.queue.enqueue(report(event, position, await take(), tracks));
        return;
      }
    }
    const seq = await take();
    if (closed) return;
    try {
      const state: HeartbeatState | undefined = event === 'pause' ? 'paused' : deps.paused ? (deps.paused() ? 'paused' : 'playing') : undefined;
      const body = { position, seq, event, ...(seekedBack ? { seekedBack: true } : {}), ...tracks, ...(state ? { state } : {}) };
      const res = await deps.api.heartbeat(session.sessionId, session.playToken, body, { keepalive });
      session = { ...session, playToken: res.playToken, tokenExpiresAt: res.tokenExpiresAt, heartbeatIntervalMs: res.nextHeartbeatMs || session.heartbeatIntervalMs };
      failing = false;
      deps.journal?.clear();
    } catch (err) {
      failing = isUnreachable(err);
      if (closed) return;
      if (isLost(err)) {
        lost = true;
        await reopen(position).catch(() => undefined);
      }
      if (!isLost(err) && !isUnreachable(err)) return; // a refused position: nothing to keep
      if (event === 'heartbeat') {
        if (lost || isUnreachable(err)) deps.journal?.save(report('stop', position, seq, tracks));
      } else {
        await deps.queue.enqueue(report(event, position, seq, tracks));
        deps.journal?.clear();
      }
    }
  }

  const schedule = () => {
    if (closed) return;
    if (timer !== null) clearTimer(timer);
    timer = setTimer(() => {
      timer = null;
      void serial(() => send('heartbeat')).finally(schedule);
    }, Math.max(500, session.heartbeatIntervalMs));
  };

  /** Get a fresh token through a heartbeat, or a new session when the old one is gone. */
  const renew = () =>
    serial(async () => {
      const position = deps.position() ?? session.resumedFrom;
      if (!position || closed) return;
      try {
        const res = await deps.api.heartbeat(session.sessionId, session.playToken, { position, seq: await take(), event: 'heartbeat' });
        session = { ...session, playToken: res.playToken, tokenExpiresAt: res.tokenExpiresAt };
      } catch (err) {
        if (isLost(err)) {
          lost = true;
          await reopen(position).catch(() => undefined);
        }
      }
    });

  refill();

  return {
    start(options = {}) {
      if (started || closed) return;
      started = true;
      // A handoff reports its first position at once: global then knows it plays (now playing
      // advances it), so taking it back right away starts where it really is.
      if (options.now) void serial(() => send('heartbeat'));
      schedule();
    },
    event(kind) {
      return serial(() => send(kind));
    },
    resumed() {
      if (!started || closed) return Promise.resolve();
      return serial(() => send('heartbeat'));
    },
    noteSeekBack() {
      seekedBack = true;
    },
    tracksChanged() {
      if (!started) return Promise.resolve();
      return serial(() => send('heartbeat'));
    },
    async stop() {
      if (closed) return 'skipped';
      // The position (and tracks) first, synchronously: whatever happens next (unloading) cannot change it.
      const position = deps.position();
      const tracks = tracksField();
      closed = true;
      if (timer !== null) clearTimer(timer);
      timer = null;
      if (!position) {
        deps.journal?.clear();
        return 'skipped';
      }
      deps.onStopPoint?.({ programId: session.programId, position, resumedFrom: session.resumedFrom, seekedBack });
      const seq = await take();
      if (!lost) {
        try {
          await deps.api.stop(session.sessionId, session.playToken, { position, seq, ...(seekedBack ? { seekedBack: true } : {}), ...tracks });
          deps.journal?.clear();
          return 'sent';
        } catch (err) {
          if (!isLost(err) && !isUnreachable(err)) return 'skipped';
        }
      }
      await deps.queue.enqueue(report('stop', position, seq, tracks));
      deps.journal?.clear();
      return 'queued';
    },
    stopOnUnload() {
      if (closed) return;
      const position = deps.position();
      closed = true;
      if (timer !== null) clearTimer(timer);
      timer = null;
      if (!position) return;
      const seq = reserve !== null && reserve > floor() ? reserve : floor() + 1;
      reserve = null;
      last = seq;
      if (!lost) deps.api.stopOnUnload(session.sessionId, session.playToken, { position, seq, ...(seekedBack ? { seekedBack: true } : {}), ...tracksField() });
      // When the connection is in doubt, also a copy in the outbox with the same seq: if the
      // stop above arrives, the copy is a harmless stale replay later; if not, it is the stop.
      if (lost || failing || !(deps.isOnline?.() ?? true)) void deps.queue.enqueue(report('stop', position, seq));
      deps.journal?.clear();
    },
    suspend() {
      if (!started || closed) return;
      void serial(() => send('heartbeat', true));
    },
    token: () => session.playToken,
    async freshToken() {
      if (closed || session.tokenExpiresAt - now() > RENEW_MARGIN_MS) return session.playToken;
      await renew();
      return session.playToken;
    },
    renew,
    get closed() {
      return closed;
    },
    destroy() {
      closed = true;
      if (timer !== null) clearTimer(timer);
      timer = null;
    },
  };
}
