/**
 * Play sessions of one streaming cluster (the patent's stop → record → report, [0069]–[0071]).
 * A session lives from `play` to `stop`, or to its timeout when heartbeats stop (a crashed or
 * vanished terminal), when its last known position is reported so a crash loses at most one
 * heartbeat interval. Sessions are in memory: after a cluster restart a terminal's next
 * heartbeat gets SESSION_NOT_FOUND and it plays again from its own last point.
 *
 * Ownership: one SessionManager per cluster process; `sweep` runs on a timer set by the
 * plugin. Reporting is delegated to `report` (the durable reporter), never awaited on the
 * terminal's request path beyond the enqueue.
 */
import type { ReportEvent } from '../../common/protocol/api.ts';
import type { Breakpoint, Program, TerminalType, TrackChoice } from '../../common/protocol/model.ts';
import { mergeTracks } from '../../common/tracks.ts';

/** One play session. */
export interface PlaySession {
  id: string;
  userId: string;
  terminalId: string;
  terminalType: TerminalType;
  /** The household profile watching (reports are recorded for it). */
  profileId: string | null;
  program: Program;
  startedAt: number;
  /** Last heartbeat / stop time (server clock). */
  lastSeenAt: number;
  /** Last known position and the terminal's sequence number that carried it. */
  position: Breakpoint;
  seq: number;
  /** Where this viewing started, when it was a resume. */
  resumedFrom: Breakpoint | null;
  /** The user moved back deliberately during this viewing. */
  seekedBack: boolean;
  /** The audio, subtitles and speed the terminal last reported (null = none yet). */
  tracks: TrackChoice | null;
  /** Playing or paused, as the player last said (absent: it never said; presence infers it). */
  playState?: 'playing' | 'paused';
  /** The current play token (renewed by heartbeats once half its lifetime has passed). */
  playToken: string;
  /**
   * When `playToken` expires (epoch s), known once this node issued or verified it: the same
   * string presented again needs no second signature check (routes-access.ts `sessionOf`).
   */
  playTokenExp?: number;
  /** Seq and time of the last position forwarded to global (-1 = none). */
  reportedSeq: number;
  reportedAt: number;
  /** Closed by stop or timeout (kept a while so a retried stop is idempotent). */
  closedAt: number | null;
}

/** What the manager asks the reporter to send. */
export interface SessionReport {
  session: PlaySession;
  event: ReportEvent;
}

/** Options of the manager. */
export interface SessionManagerOptions {
  /** Close a session after this long without a heartbeat. */
  timeoutMs: number;
  /** Forward plain heartbeats at most this often (pause, seek, stop and timeout always go). */
  reportIntervalMs: number;
  /** Durably queue a report for global. */
  report: (r: SessionReport) => Promise<void>;
  /** Told of every change of a session (now playing, issue 15); must not throw. */
  onChange?: (session: PlaySession, change: SessionChange) => void;
  now?: () => number;
}

/** What happened to a session: opened, a heartbeat-family update, or closed. */
export type SessionChange = 'open' | ReportEvent;

/** How long a closed session is remembered (for idempotent stop retries). */
const CLOSED_RETENTION_MS = 10 * 60_000;

/** The update a heartbeat or stop carries. */
export interface PositionUpdate {
  position: Breakpoint;
  seq: number;
  event: ReportEvent;
  seekedBack?: boolean | undefined;
  /** The track choice now (absent = unchanged). */
  tracks?: TrackChoice | undefined;
  /** Playing or paused now (absent = not said). */
  state?: 'playing' | 'paused' | undefined;
}

/** Result of applying an update: `stale` = an old or repeated seq, nothing changed. */
export type UpdateResult = 'applied' | 'stale';

/** The live sessions of one cluster. */
export class SessionManager {
  readonly #sessions = new Map<string, PlaySession>();
  readonly #o: Required<Omit<SessionManagerOptions, 'onChange'>>;
  readonly #onChange: (session: PlaySession, change: SessionChange) => void;

  constructor(options: SessionManagerOptions) {
    this.#o = { now: Date.now, ...options };
    this.#onChange = options.onChange ?? (() => {});
  }

  /** Register a new session. */
  open(session: Omit<PlaySession, 'lastSeenAt' | 'reportedSeq' | 'reportedAt' | 'closedAt' | 'seekedBack' | 'tracks'> & { tracks?: TrackChoice | null }): PlaySession {
    const now = this.#o.now();
    const s: PlaySession = { ...session, tracks: session.tracks ?? null, lastSeenAt: now, reportedSeq: -1, reportedAt: 0, closedAt: null, seekedBack: false };
    this.#sessions.set(s.id, s);
    this.#onChange(s, 'open');
    return s;
  }

  /** A session by id (open or recently closed), or null. */
  get(id: string): PlaySession | null {
    return this.#sessions.get(id) ?? null;
  }

  /** Number of open sessions. */
  get openCount(): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (s.closedAt === null) n++;
    return n;
  }

  /**
   * Apply a heartbeat (event heartbeat / pause / seek) or a stop to an open session, and
   * queue the report when it is due. The caller has validated the position.
   */
  async update(session: PlaySession, update: PositionUpdate): Promise<UpdateResult> {
    const now = this.#o.now();
    session.lastSeenAt = now;
    if (update.seq <= session.seq) {
      // An out-of-order stop still ends the session; the last good position stands.
      if (update.event === 'stop' && session.closedAt === null) {
        session.closedAt = now;
        this.#onChange(session, 'stop');
      }
      return 'stale';
    }
    session.seq = update.seq;
    session.position = update.position;
    session.seekedBack ||= update.seekedBack === true;
    if (update.state) session.playState = update.state;
    const before = JSON.stringify(session.tracks);
    session.tracks = mergeTracks(session.tracks, update.tracks);
    // A new track choice goes to global at once, like a pause: another terminal may resume next.
    const due =
      update.event !== 'heartbeat' ||
      session.reportedSeq < 0 ||
      now - session.reportedAt >= this.#o.reportIntervalMs ||
      JSON.stringify(session.tracks) !== before;
    if (update.event === 'stop') session.closedAt = now;
    this.#onChange(session, update.event);
    if (due) await this.#report(session, update.event);
    return 'applied';
  }

  /**
   * End every open session `match` selects, at once (its terminal or account was revoked):
   * its last position is reported once — unless global already has it — and the session is
   * closed, so its token can renew nothing. Returns how many were ended.
   */
  async endWhere(match: (s: PlaySession) => boolean): Promise<number> {
    const now = this.#o.now();
    const ended: PlaySession[] = [];
    // Close all first (synchronously), report after: no heartbeat can slip in between.
    for (const s of this.#sessions.values()) {
      if (s.closedAt !== null || !match(s)) continue;
      s.closedAt = now;
      ended.push(s);
      this.#onChange(s, 'stop');
    }
    for (const s of ended) if (s.seq >= 0 && s.reportedSeq < s.seq) await this.#report(s, 'stop');
    return ended.length;
  }

  /** Close sessions that went silent (report their last point) and forget old closed ones. */
  async sweep(): Promise<number> {
    const now = this.#o.now();
    let closed = 0;
    for (const s of [...this.#sessions.values()]) {
      if (s.closedAt !== null) {
        if (now - s.closedAt > CLOSED_RETENTION_MS) this.#sessions.delete(s.id);
        continue;
      }
      if (now - s.lastSeenAt < this.#o.timeoutMs) continue;
      s.closedAt = now;
      closed++;
      this.#onChange(s, 'timeout');
      // Only a position global has not seen yet needs the report; seq identifies it.
      if (s.seq >= 0 && s.reportedSeq < s.seq) await this.#report(s, 'timeout');
    }
    return closed;
  }

  async #report(session: PlaySession, event: ReportEvent): Promise<void> {
    await this.#o.report({ session: { ...session }, event });
    session.reportedSeq = session.seq;
    session.reportedAt = this.#o.now();
  }
}
