/**
 * Where the terminals' push streams are open, across global instances (issue 15): a remote
 * command reaches a terminal through the instance holding its stream, and "Play on ▸" lists
 * every connected terminal whichever instance it reached. This instance's streams are exact
 * (`PushStreams`, kept by the events route); with several instances over one PostgreSQL the
 * others' come from the store's `push_streams` rows: a row is written when a terminal's first
 * stream opens here and deleted when its last closes, every row of a live instance is
 * refreshed every `refreshMs`, and a row not refreshed for `3 × refreshMs` (its instance died)
 * counts for nothing and is purged.
 *
 * Why a store table with heartbeats rather than fan-out announcements: an instance that starts,
 * or whose LISTEN connection was lost, knows at once who is connected elsewhere (announcements
 * would need a snapshot request and replies from every instance, chunked to NOTIFY's 8000
 * bytes); a dead instance's terminals go by the rows' age with no one to announce it; and it
 * costs one indexed read per remote command and one UPDATE per instance every few seconds.
 * A revoked terminal is offline at once on every instance: rows are checked against the
 * revocation hub, which hears every instance's revocations (fanout.ts).
 *
 * With SQLite (one process) there is no other instance and only the local streams count.
 * Ownership: one per global process; `start` runs the refresh, its result stops it.
 */
import type { Terminal } from '../../common/protocol/model.ts';
import type { Store } from '../store/types.ts';
import { PushStreams } from './push-streams.ts';
import type { RevocationHub } from './revocations.ts';

/** Options of the directory. */
export interface StreamDirectoryOptions {
  /** The shared store, when several instances may run (PostgreSQL); null: this process only. */
  store: Store | null;
  revocations: RevocationHub;
  /** This process's id in `push_streams` (random per start). */
  instanceId: string;
  refreshMs?: number;
  log?: { warn: (obj: object, msg: string) => void };
  now?: () => number;
}

/** Where a terminal's stream is: on this instance, on another one, or nowhere. */
export type StreamPlace = 'here' | 'elsewhere' | null;

type Listed = Pick<Terminal, 'id' | 'name' | 'type'>;

/** This instance's streams, and the other instances' as the store knows them. */
export class StreamDirectory {
  readonly local: PushStreams;
  readonly #o: Required<Omit<StreamDirectoryOptions, 'store'>> & { store: Store | null };

  constructor(options: StreamDirectoryOptions) {
    this.#o = { refreshMs: 5_000, log: { warn: () => {} }, now: Date.now, ...options };
    const store = options.store;
    const warn = (what: string) => (err: unknown) => this.#o.log.warn({ err }, `push-stream directory: ${what} failed`);
    this.local = new PushStreams(
      store
        ? {
            first: (userId, terminalId) => void store.putPushStream({ instanceId: this.#o.instanceId, terminalId, userId, seenAt: this.#o.now() }).catch(warn('recording a stream')),
            last: (_userId, terminalId) => void store.deletePushStream(this.#o.instanceId, terminalId).catch(warn('removing a stream')),
          }
        : null,
    );
  }

  /** Refresh this instance's rows and purge dead instances' every `refreshMs`; returns the stop. */
  start(): () => void {
    const store = this.#o.store;
    if (!store) return () => {};
    const tick = async () => {
      const now = this.#o.now();
      // A put that failed (the store was down) is made again; the rest is one UPDATE.
      const n = await store.touchPushStreams(this.#o.instanceId, now);
      const mine = this.local.terminals();
      if (n < mine.length) await Promise.all(mine.map((t) => store.putPushStream({ instanceId: this.#o.instanceId, ...t, seenAt: now })));
      await store.deletePushStreamsBefore(now - 10 * this.#o.refreshMs);
    };
    const timer = setInterval(() => void tick().catch((err: unknown) => this.#o.log.warn({ err }, 'push-stream directory: refresh failed')), this.#o.refreshMs);
    timer.unref();
    return () => {
      clearInterval(timer);
      // Leaving cleanly: this instance's terminals are offline here at once.
      for (const t of this.local.terminals()) void store.deletePushStream(this.#o.instanceId, t.terminalId).catch(() => {});
    };
  }

  /** Where `terminalId` of household `userId` has a stream open (a revoked one: nowhere). */
  async where(userId: string, terminalId: string): Promise<StreamPlace> {
    if (this.#o.revocations.isRevoked(terminalId, userId)) return null;
    if (this.local.isOnline(userId, terminalId)) return 'here';
    const rows = await this.#elsewhere(userId);
    // Checked again after the read: a revocation meanwhile counts.
    return rows.some((r) => r.terminalId === terminalId) && !this.#o.revocations.isRevoked(terminalId, userId) ? 'elsewhere' : null;
  }

  /** The household's terminals with a stream open on any instance (not revoked). */
  async list(userId: string): Promise<Listed[]> {
    const here = this.local.list(userId);
    const seen = new Set(here.map((t) => t.id));
    const others = [...new Set((await this.#elsewhere(userId)).map((r) => r.terminalId))].filter((id) => !seen.has(id));
    const store = this.#o.store;
    const terminals = store ? await Promise.all(others.map((id) => store.getTerminal(id))) : [];
    const there = terminals.filter((t) => t !== null && t.userId === userId && t.revokedAt === null).map((t) => ({ id: t!.id, name: t!.name, type: t!.type }));
    return [...here, ...there].filter((t) => !this.#o.revocations.isRevoked(t.id, userId));
  }

  /** Fresh rows of other instances. */
  async #elsewhere(userId: string): Promise<Array<{ terminalId: string }>> {
    const store = this.#o.store;
    if (!store) return [];
    const rows = await store.listPushStreams(userId, this.#o.now() - 3 * this.#o.refreshMs);
    return rows.filter((r) => r.instanceId !== this.#o.instanceId);
  }
}
