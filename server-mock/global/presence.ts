/**
 * Now playing (issue 15): every open play session of every household, as its cluster reports
 * it (`POST /global/v1/presence`, or in-process when embedded). Each change is pushed to the
 * household as a `presence` / `presence-ended` event; `list` answers a terminal's home page.
 *
 * Sessions live in memory only: they are seconds-old facts that a restart loses harmlessly
 * (the clusters' next heartbeat brings each back). With several global instances each change
 * applied here is relayed to the others with its play token (fanout.ts, `setRelay`), which
 * `mirror` it, so a claim or a remote command on any instance finds the session. An entry a cluster stops refreshing (the
 * cluster died) expires after `ttlMs`; a revoked terminal's or account's entries go at once.
 * A closed session is remembered a while, so a late duplicate cannot bring it back.
 *
 * Ownership: one PresenceService per global process; `sweep` runs on the plugin's timer.
 */
import type { PushEvent } from '../../common/protocol/api.ts';
import type { PresenceSession, PresenceUpdate } from '../../common/protocol/presence.ts';
import type { Store } from '../store/types.ts';
import type { EventBus } from './events.ts';
import type { RevocationHub } from './revocations.ts';

/** Which sessions a terminal may see: its profile's, or all when the household shares history. */
export interface PresenceScope {
  profileId: string;
  shared: boolean;
}

/** Options of the presence service. */
export interface PresenceOptions {
  store: Store;
  bus: EventBus;
  revocations: RevocationHub;
  /** An entry not refreshed for this long is dropped (its cluster went silent). */
  ttlMs: number;
  now?: () => number;
}

interface Entry {
  userId: string;
  session: PresenceSession;
  /** The session's latest play token (for a handoff; never pushed). */
  playToken: string | null;
}

/** A session change relayed between instances (`pt`: its play token, between instances only). */
export type PresenceMirror =
  | { u: string; e: Extract<PushEvent, { type: 'presence' }>; pt: string | null }
  | { u: string; e: Extract<PushEvent, { type: 'presence-ended' }> };

/** How long an ended session id is remembered against late duplicates. */
const ENDED_RETENTION_MS = 10 * 60_000;

/** The household's open sessions, and their push. */
export class PresenceService {
  readonly #o: Required<PresenceOptions>;
  readonly #open = new Map<string, Entry>();
  readonly #ended = new Map<string, number>();
  readonly #unsubscribe: () => void;
  #relay: ((m: PresenceMirror) => void) | null = null;

  constructor(options: PresenceOptions) {
    this.#o = { now: Date.now, ...options };
    // Synchronous inside the revoking call: a removed terminal's card goes with it.
    this.#unsubscribe = options.revocations.subscribe((entries) => {
      for (const [id, e] of [...this.#open]) {
        const hit = entries.some((r) => (r.kind === 'terminal' ? r.subjectId === e.session.terminalId : r.subjectId === e.userId));
        if (hit) this.#end(id, e, true, false);
      }
    });
  }

  /**
   * Apply a cluster's batch of session changes (oldest first). An update for a terminal that
   * is unknown, revoked or not the named user's is skipped; returns how many were applied.
   */
  async apply(updates: readonly PresenceUpdate[]): Promise<number> {
    let applied = 0;
    for (const u of updates) {
      if (this.#ended.has(u.sessionId)) continue;
      if (!u.open) {
        const e = this.#open.get(u.sessionId);
        if (e && e.userId === u.userId) this.#end(u.sessionId, e);
        else this.#ended.set(u.sessionId, this.#o.now());
        applied++;
        continue;
      }
      if (this.#o.revocations.isRevoked(u.terminalId, u.userId)) continue;
      // A session already open was checked against the store when it opened, and a revocation
      // ends it at once (the subscription above): its heartbeats need no store read (one per
      // heartbeat was ~10 % of the heartbeat route's CPU, bench/heartbeat.ts).
      const known = this.#open.get(u.sessionId);
      const t =
        known && known.userId === u.userId && known.session.terminalId === u.terminalId
          ? { id: known.session.terminalId, name: known.session.terminalName, type: known.session.terminalType }
          : await this.#terminal(u);
      if (!t) continue;
      // Ended or revoked while the store answered.
      if (this.#ended.has(u.sessionId) || this.#o.revocations.isRevoked(u.terminalId, u.userId)) continue;
      const session: PresenceSession = {
        sessionId: u.sessionId,
        terminalId: t.id,
        terminalName: t.name,
        terminalType: t.type,
        ...(u.profileId ? { profileId: u.profileId } : {}),
        programId: u.programId,
        position: u.position,
        paused: u.paused,
        ...(u.starting ? { starting: true as const } : {}),
        ...(u.rate !== undefined && u.rate !== 1 ? { rate: u.rate } : {}),
        at: this.#o.now(),
      };
      const playToken = u.playToken ?? this.#open.get(u.sessionId)?.playToken ?? null;
      this.#open.set(u.sessionId, { userId: u.userId, session, playToken });
      this.#o.bus.deliver(u.userId, { type: 'presence', session });
      this.#send({ u: u.userId, e: { type: 'presence', session }, pt: playToken });
      applied++;
    }
    return applied;
  }

  /** The update's terminal when it is the named user's and not revoked, else null. */
  async #terminal(u: PresenceUpdate): Promise<{ id: string; name: string; type: PresenceSession['terminalType'] } | null> {
    const t = await this.#o.store.getTerminal(u.terminalId);
    if (!t || t.userId !== u.userId || t.revokedAt !== null) return null;
    return { id: t.id, name: t.name, type: t.type };
  }

  /** The household's open sessions a terminal may see, newest first (its own included). */
  list(userId: string, scope: PresenceScope | null): PresenceSession[] {
    const now = this.#o.now();
    const out: PresenceSession[] = [];
    for (const e of this.#open.values()) {
      if (e.userId !== userId || now - e.session.at > this.#ttlOf(e)) continue;
      if (!inScope(scope, e.session.profileId)) continue;
      out.push(e.session);
    }
    return out.sort((a, b) => b.at - a.at || a.sessionId.localeCompare(b.sessionId));
  }

  /** An open, unexpired session by id with its user and play token (for handoff), or null. */
  get(sessionId: string): { userId: string; session: PresenceSession; playToken: string | null } | null {
    const e = this.#open.get(sessionId);
    if (!e || this.#o.now() - e.session.at > this.#ttlOf(e)) return null;
    return { userId: e.userId, session: e.session, playToken: e.playToken };
  }

  /**
   * End a session now because another terminal took it over: it leaves every card at once and
   * its cluster's later updates (the old terminal's heartbeats) cannot bring it back.
   */
  endNow(sessionId: string): void {
    const e = this.#open.get(sessionId);
    if (e) this.#end(sessionId, e);
    else this.#ended.set(sessionId, this.#o.now());
  }

  /** Relay this instance's changes to the other instances (fanout.ts; null to stop). */
  setRelay(relay: ((m: PresenceMirror) => void) | null): void {
    this.#relay = relay;
  }

  /**
   * Another instance applied a change: keep it here too (its clock: the position was observed
   * now, give or take the relay's milliseconds) and tell this instance's streams.
   */
  mirror(m: PresenceMirror): void {
    if (m.e.type === 'presence-ended') {
      this.#open.delete(m.e.sessionId);
      this.#ended.set(m.e.sessionId, this.#o.now());
      this.#o.bus.deliver(m.u, m.e);
      return;
    }
    const s = m.e.session;
    if (this.#ended.has(s.sessionId) || this.#o.revocations.isRevoked(s.terminalId, m.u)) return;
    const session: PresenceSession = { ...s, at: this.#o.now() };
    this.#open.set(s.sessionId, { userId: m.u, session, playToken: ('pt' in m ? m.pt : null) ?? this.#open.get(s.sessionId)?.playToken ?? null });
    this.#o.bus.deliver(m.u, { type: 'presence', session });
  }

  /** Drop entries whose cluster went silent and forget old ended ids; returns how many expired. */
  sweep(): number {
    const now = this.#o.now();
    let n = 0;
    for (const [id, e] of [...this.#open]) {
      if (now - e.session.at > this.#ttlOf(e)) {
        // Gone quiet, not ended: a later update of its cluster brings it back.
        this.#end(id, e, false);
        n++;
      }
    }
    for (const [id, at] of [...this.#ended]) if (now - at > ENDED_RETENTION_MS) this.#ended.delete(id);
    return n;
  }

  /** Number of open sessions (status and tests). */
  get size(): number {
    return this.#open.size;
  }

  /** Stop listening to revocations. */
  close(): void {
    this.#unsubscribe();
  }

  /**
   * How long an entry lives without an update. A session still starting (no heartbeat yet: the
   * player may take a while to buffer on a slow device) gets three times as long.
   */
  #ttlOf(e: Entry): number {
    return e.session.starting ? 3 * this.#o.ttlMs : this.#o.ttlMs;
  }

  /**
   * End an entry here. `ended`: the session closed (its id is remembered, and other instances
   * are told); otherwise it went quiet (expired), which every instance decides for itself, as it
   * does revocations (they reach every instance's hub).
   */
  #end(sessionId: string, e: Entry, ended = true, relay = ended): void {
    this.#open.delete(sessionId);
    if (ended) this.#ended.set(sessionId, this.#o.now());
    const { terminalId, profileId } = e.session;
    const event = { type: 'presence-ended' as const, sessionId, terminalId, ...(profileId ? { profileId } : {}) };
    this.#o.bus.deliver(e.userId, event);
    if (relay) this.#send({ u: e.userId, e: event });
  }

  /** To the other instances: through the presence relay (with the token), else as a plain push. */
  #send(m: PresenceMirror): void {
    if (this.#relay) this.#relay(m);
    else this.#o.bus.forward(m.u, m.e);
  }
}

/** Whether a session of `profileId` is visible in a scope (null scope: not profile-scoped). */
export function inScope(scope: PresenceScope | null, profileId: string | undefined): boolean {
  return !scope || scope.shared || profileId === undefined || profileId === scope.profileId;
}
