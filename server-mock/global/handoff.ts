/**
 * Live handoff, "Continue here" (issue 15, step 2): terminal B takes over a session terminal A
 * of the same household and profile is playing.
 *
 * - **One winner.** `claim` checks everything it can first, then records the claim in the store
 *   (`claimHandoff`: one row per session, its primary key decides), so of two terminals pressing
 *   at once — on this global instance or on two instances over one PostgreSQL — exactly one
 *   wins; the other gets `HANDOFF_TAKEN`.
 * - **The point.** A's last reported position, advanced by global's clock while A was playing,
 *   at A's reported speed (a live programme: the same wall-clock moment of the broadcast). A player that reports its
 *   play/pause state (`state` on heartbeats) is known to play from the moment it resumed.
 * - **A stops once, at the point.** Global records A's stop at the handoff point itself (so an
 *   offline A is stopped too) and fences A's session: every later report of it — A's own stop
 *   after the push, heartbeats in flight, an offline A's outbox uploaded hours later, sent to
 *   any global instance — is `stale`, so the older point never overwrites the newer one and a
 *   take-back does not ping-pong. The fence is the store's claim row, found by the session of
 *   the report's play token (`s` claim).
 * - **A is told.** A `handoff` push event to the household (A stops and offers "Take it back";
 *   the others drop the card); replayed from the store when A's push stream reconnects (to any
 *   instance), for a terminal that was offline during the handoff.
 *
 * Claims are kept `FENCE_RETENTION_MS` (the aging job forgets older ones). Ownership: one
 * HandoffService and one HandoffFences per global process; the rows are shared.
 */
import { AppError } from '../../common/errors.ts';
import { advancePoint, type HandoffClaim, type HandoffEvent } from '../../common/protocol/handoff.ts';
import type { Terminal } from '../../common/protocol/model.ts';
import type { HandoffRow } from '../store/handoffs.ts';
import type { Store } from '../store/types.ts';
import type { EventBus } from './events.ts';
import type { HistoryService } from './history-service.ts';
import type { PresenceService } from './presence.ts';
import type { ProfileService } from './profiles-service.ts';

/** How long a handoff is remembered: its fence, and its replay to a terminal coming back. */
export const FENCE_RETENTION_MS = 24 * 3_600_000;

/** How many fences a process keeps in memory (a fence never changes, so a cached one is true). */
const FENCE_CACHE = 10_000;

/** Which sessions were handed off (their later reports are refused), read from the store. */
export class HandoffFences {
  readonly #store: Store;
  readonly #now: () => number;
  /** Claims seen, by session: positive answers only (a session not claimed yet may be any moment). */
  readonly #known = new Map<string, HandoffRow>();

  constructor(store: Store, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  /** The claim of `sessionId` still in force, or null. */
  async of(sessionId: string): Promise<HandoffRow | null> {
    const cached = this.#known.get(sessionId);
    const row = cached ?? (await this.#store.getHandoff(sessionId));
    if (!row || row.at < this.#now() - FENCE_RETENTION_MS) return null;
    if (!cached) this.note(row);
    return row;
  }

  /** Remember a claim this process made or read. */
  note(row: HandoffRow): void {
    if (this.#known.size >= FENCE_CACHE) this.#known.delete(this.#known.keys().next().value as string);
    this.#known.set(row.sessionId, row);
  }

  /** Whether a report of `terminalId` carrying `playToken` belongs to a handed-off session. */
  async fences(terminalId: string, playToken: string | null | undefined): Promise<boolean> {
    const s = playToken ? sessionOfToken(playToken) : null;
    return s !== null && (await this.of(s))?.fromTerminalId === terminalId;
  }

  /** The handoffs away from a terminal still remembered, oldest first (replayed on reconnect). */
  async eventsFrom(terminalId: string): Promise<HandoffEvent[]> {
    const rows = await this.#store.listHandoffsFrom(terminalId, this.#now() - FENCE_RETENTION_MS);
    return rows.map((r) => JSON.parse(r.event) as HandoffEvent);
  }

  /** Forget handoffs older than the retention (the aging job); returns how many rows went. */
  async sweep(): Promise<number> {
    const cutoff = this.#now() - FENCE_RETENTION_MS;
    for (const [id, f] of [...this.#known]) if (f.at < cutoff) this.#known.delete(id);
    return this.#store.deleteHandoffsBefore(cutoff);
  }
}

/**
 * The session a play token was issued for, read without checking its signature: global does
 * not hold the clusters' key, and the report carrying it came from an authenticated sender —
 * a forged one could only get that sender's own reports refused.
 */
export function sessionOfToken(token: string): string | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'pt1') return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as { s?: unknown };
    return typeof claims.s === 'string' ? claims.s : null;
  } catch {
    return null;
  }
}

/** Options of the handoff service. */
export interface HandoffOptions {
  store: Store;
  bus: EventBus;
  presence: PresenceService;
  profiles: ProfileService;
  history: HistoryService;
  fences: HandoffFences;
  log?: { warn: (obj: object, msg: string) => void };
  now?: () => number;
}

/** Who claims: the calling terminal. */
export interface Claimant {
  userId: string;
  terminal: Terminal;
}

/** Claims of household sessions. */
export class HandoffService {
  readonly #o: Required<HandoffOptions>;

  constructor(options: HandoffOptions) {
    this.#o = { now: Date.now, log: { warn: () => {} }, ...options };
  }

  /** Take over `sessionId` for the calling terminal; throws AppError with a stable code. */
  async claim(by: Claimant, sessionId: string): Promise<HandoffClaim> {
    const { presence, profiles, store, fences, bus } = this.#o;
    const notFound = () => new AppError('SESSION_NOT_FOUND', 'No such play session in this household');
    // Claimed already (here or on another instance), or another household's / an ended session.
    const gone = async () => ((await fences.of(sessionId))?.userId === by.userId ? taken() : notFound());
    const seen = presence.get(sessionId);
    if (!seen || seen.userId !== by.userId) throw await gone();
    await profiles.loadScope(by.terminal.id, by.userId);
    const scope = profiles.scopeOf(by.terminal.id, by.userId);
    const program = await store.getProgram(seen.session.programId);
    const history = await store.listHistory(by.userId, seen.session.profileId ?? null);

    const entry = presence.get(sessionId);
    if (!entry || entry.userId !== by.userId || !program) throw await gone();
    const s = entry.session;
    if (s.terminalId === by.terminal.id) throw new AppError('HANDOFF_SELF', 'This terminal is already playing that session');
    if (scope && s.profileId !== undefined && s.profileId !== scope.profileId) {
      if (!scope.shared) throw notFound();
      throw new AppError('HANDOFF_NOT_ALLOWED', 'Only the profile watching may take this session over');
    }
    if (!entry.playToken) throw new AppError('HANDOFF_NOT_READY', 'The session is just starting; try again in a moment');
    const now = this.#o.now();
    const playing = !s.paused && !s.starting;
    const point = playing ? advancePoint(s.position, now - s.at, program.kind === 'vod' ? program.durationMs : undefined, s.rate) : s.position;
    const event: HandoffEvent = {
      type: 'handoff',
      sessionId,
      programId: s.programId,
      fromTerminalId: s.terminalId,
      toTerminalId: by.terminal.id,
      toTerminalName: by.terminal.name,
      toTerminalType: by.terminal.type,
      point,
      at: now,
      ...(s.profileId ? { profileId: s.profileId } : {}),
    };
    // The decision: the store's row, shared by every instance. One claim inserts it.
    const row: HandoffRow = { sessionId, userId: by.userId, fromTerminalId: s.terminalId, toTerminalId: by.terminal.id, event: JSON.stringify(event), at: now };
    if (!(await store.claimHandoff(row))) throw taken();
    fences.note(row);
    // A stops now: its card goes and it hears why.
    presence.endNow(sessionId);
    bus.publish(by.userId, event);

    // A's stop, recorded once at the handoff point (its own later reports are fenced). Above
    // the stored seq so it applies; A's next viewing continues above it (the play answer's minSeq).
    const stored = history.find((r) => r.terminalId === s.terminalId && r.programId === s.programId);
    await this.#o.history
      .ingest({ kind: 'cluster', clusterId: 'handoff' }, now, [
        {
          reportId: `handoff-${sessionId}`,
          terminalId: s.terminalId,
          programId: s.programId,
          breakpoint: point,
          seq: stored ? stored.seq + 1 : 0,
          event: 'stop',
          observedAt: now,
          ...(s.profileId ? { profileId: s.profileId } : {}),
        },
      ])
      .catch((err: unknown) => this.#o.log.warn({ err, sessionId }, 'recording the handed-off stop failed'));

    return {
      sessionId,
      programId: s.programId,
      fromTerminalId: s.terminalId,
      fromTerminalName: s.terminalName,
      fromTerminalType: s.terminalType,
      point,
      at: now,
      playing,
      ...(s.rate !== undefined ? { rate: s.rate } : {}),
      playToken: entry.playToken,
    };
  }
}

const taken = () => new AppError('HANDOFF_TAKEN', 'Another terminal took this session over first');
