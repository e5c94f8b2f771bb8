/**
 * Several global instances over one PostgreSQL database: what one instance publishes (push
 * events, revocations, now-playing changes, remote commands and their answers) reaches the SSE
 * clients, sessions and feeds of every other instance through LISTEN/NOTIFY. Channels: `push`
 * (events for terminals; a `remote` command is also remembered by every instance so its answer
 * may arrive at any), `presence` (a session change with its play token, mirrored into every
 * instance's now playing so a claim or a command works on any; the token never reaches a
 * terminal), `remote-answers` (an answer taken by one instance, for the sender's instance),
 * `revocations`. Payloads carry ids, never records (NOTIFY payloads are limited to
 * 8000 bytes, and a record is read back from the shared store by whoever delivers it).
 *
 * When an instance's LISTEN connection was lost (and comes back), it may have missed
 * anything: it tells its own clients to refetch (a `catalogue` event, which every terminal
 * answers by reloading its home page) and re-reads revocations from the store, closing the
 * streams of whatever was revoked meanwhile.
 *
 * Only for the PostgreSQL store; with SQLite there is one global process and nothing to fan out.
 */
import { randomUUID } from 'node:crypto';
import type { Revocation } from '../../common/protocol/account.ts';
import type { PushEvent, ReportEvent, ReportOutcome } from '../../common/protocol/api.ts';
import { MAX_NOTIFY_BYTES } from '../store/postgres-listen.ts';
import type { PostgresStore } from '../store/postgres.ts';
import type { Store } from '../store/types.ts';
import type { EventBus } from './events.ts';
import type { PresenceMirror, PresenceService } from './presence.ts';
import { toViewingRecord } from './records.ts';
import type { RelayedAnswer, RemoteService } from './remote.ts';
import type { RevocationHub } from './revocations.ts';

/** A push message between instances. */
type PushMessage =
  | { o: string; t: 'history'; u: string; terminalId: string; profileId: string; programId: string; outcome: ReportOutcome; event: ReportEvent }
  | { o: string; t: 'event'; u: string | null; e: PushEvent };

/** A now-playing change between instances. */
type PresenceMessage = { o: string; m: PresenceMirror };

/** A remote answer for the sender's instance (`a.to`; the others only forget the command). */
type AnswerMessage = { o: string; a: RelayedAnswer };

/** A revocation message between instances. */
type RevocationMessage = { o: string; r: Revocation[] };

/** True when the store can fan out (PostgreSQL). */
export function isPostgresStore(store: Store): store is PostgresStore {
  return store.kind === 'postgres' && 'listener' in store && 'notify' in store;
}

/** What the fan-out needs. */
export interface FanoutOptions {
  store: PostgresStore;
  bus: EventBus;
  revocations: RevocationHub;
  presence: PresenceService;
  remote: RemoteService;
  log: { warn: (obj: object, msg: string) => void };
}

/** Start relaying between instances; returns the stop function. */
export function startFanout({ store, bus, revocations, presence, remote, log }: FanoutOptions): () => void {
  const origin = randomUUID();
  const send = (channel: string, message: object) => {
    const payload = JSON.stringify(message);
    if (Buffer.byteLength(payload) > MAX_NOTIFY_BYTES) {
      log.warn({ channel, bytes: Buffer.byteLength(payload) }, 'fan-out message too large for NOTIFY; not relayed');
      return;
    }
    store.notify(channel, payload).catch((err: unknown) => log.warn({ err, channel }, 'fan-out NOTIFY failed'));
  };

  bus.setRelay((userId, event) => {
    if (event.type === 'hello') return;
    if (event.type === 'history' && userId) {
      const r = event.record;
      send('push', {
        o: origin, t: 'history', u: userId, terminalId: r.terminalId, profileId: r.profileId ?? '', programId: r.programId,
        outcome: event.outcome, event: event.event,
      } satisfies PushMessage);
      return;
    }
    send('push', { o: origin, t: 'event', u: userId, e: event } satisfies PushMessage);
  });

  // Read-backs in flight per record: two notifications close together are read on two pooled
  // connections, and the newer state may come back first; the older one is then not pushed
  // (a terminal's card would otherwise stay on the older point until the next change).
  const inFlight = new Map<string, { pending: number; seq: number }>();

  /** Deliver a history change another instance committed: the record as the store has it now. */
  async function deliverHistory(m: Extract<PushMessage, { t: 'history' }>): Promise<void> {
    const key = [m.u, m.terminalId, m.profileId, m.programId].join('\u0000');
    const slot = inFlight.get(key) ?? { pending: 0, seq: -1 };
    slot.pending++;
    inFlight.set(key, slot);
    try {
      const row = await store.getHistoryRecord(m.u, m.terminalId, m.profileId || null, m.programId);
      if (!row || row.seq < slot.seq) return;
      slot.seq = row.seq;
      const record = toViewingRecord({ ...row, playToken: null });
      bus.deliver(m.u, { type: 'history', record, outcome: m.outcome, event: m.event });
    } finally {
      if (--slot.pending === 0) inFlight.delete(key);
    }
  }

  const unsubPush = store.listener.subscribe('push', {
    onMessage(payload) {
      const m = parse<PushMessage>(payload);
      if (!m || m.o === origin) return;
      if (m.t === 'history') void deliverHistory(m).catch((err: unknown) => log.warn({ err }, 'fan-out: reading a pushed record failed'));
      else if (m.u === null) bus.deliverAll(m.e);
      else {
        if (m.e.type === 'remote') remote.expect(m.o, m.u, m.e);
        bus.deliver(m.u, m.e);
      }
    },
    // Anything may have been missed: every client here refetches its home page.
    onResync: () => bus.deliverAll({ type: 'catalogue', at: Date.now() }),
  });

  // Now playing: each change applied here, with its play token (kept by global, never pushed).
  presence.setRelay((m) => send('presence', { o: origin, m } satisfies PresenceMessage));
  const unsubPresence = store.listener.subscribe('presence', {
    onMessage(payload) {
      const msg = parse<PresenceMessage>(payload);
      if (msg && msg.o !== origin && msg.m?.e) presence.mirror(msg.m);
    },
    // Missed changes heal with each session's next heartbeat (and `catalogue` refetches above).
    onResync: () => {},
  });

  // Remote answers taken here for a sender on another instance; every instance forgets the command.
  remote.setRelay((a) => send('remote-answers', { o: origin, a } satisfies AnswerMessage));
  const unsubAnswers = store.listener.subscribe('remote-answers', {
    onMessage(payload) {
      const msg = parse<AnswerMessage>(payload);
      if (msg && msg.o !== origin && msg.a) remote.answered(msg.a);
    },
    // A lost answer: its sender hears REMOTE_NO_ANSWER, as for a terminal that did not answer.
    onResync: () => {},
  });

  // Revocations: relay ours; apply others' without relaying them back.
  let applyingRemote = false;
  const applyRemote = (entries: Revocation[]) => {
    const fresh = entries.filter((e) => !revocations.isRevoked(e.kind === 'terminal' ? e.subjectId : null, e.kind === 'user' ? e.subjectId : null));
    if (fresh.length === 0) return;
    applyingRemote = true;
    try {
      revocations.revoke(fresh);
    } finally {
      applyingRemote = false;
    }
  };
  const unsubHub = revocations.subscribe((entries) => {
    if (applyingRemote) return;
    // Chunks that fit one NOTIFY each (an entry is ~100 bytes).
    for (let i = 0; i < entries.length; i += 50) send('revocations', { o: origin, r: entries.slice(i, i + 50) } satisfies RevocationMessage);
  });
  const unsubRevocations = store.listener.subscribe('revocations', {
    onMessage(payload) {
      const m = parse<RevocationMessage>(payload);
      if (m && m.o !== origin && Array.isArray(m.r)) applyRemote(m.r);
    },
    onResync() {
      store.listRevocations(Date.now() - revocations.windowMs).then(applyRemote, (err: unknown) => log.warn({ err }, 'fan-out: re-reading revocations failed'));
    },
  });

  return () => {
    bus.setRelay(null);
    presence.setRelay(null);
    remote.setRelay(null);
    unsubPresence();
    unsubAnswers();
    unsubPush();
    unsubHub();
    unsubRevocations();
  };
}

function parse<T>(payload: string): T | null {
  try {
    return JSON.parse(payload) as T;
  } catch {
    return null;
  }
}
