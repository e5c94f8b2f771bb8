/**
 * PostgreSQL LISTEN/NOTIFY for the PostgreSQL store: one dedicated connection (a pooled one
 * cannot hold a LISTEN) that subscribes to channels, reconnects with backoff when it is lost,
 * re-subscribes, and tells every subscriber that it may have missed messages (`onResync`) so
 * that caches are dropped and clients refetch. Payloads are ids and small JSON only: NOTIFY
 * payloads are limited to 8000 bytes.
 */
import pg from 'pg';
import { checkSchemaName } from './postgres-pool.ts';

/** Largest payload we send (PostgreSQL's limit is 8000 bytes). */
export const MAX_NOTIFY_BYTES = 7_900;

/** What a subscriber is told. */
export interface ListenHandlers {
  /** A message arrived on the channel. */
  onMessage(payload: string): void;
  /** The connection was (re)established after a loss: anything may have been missed. */
  onResync(): void;
}

/** The store's notification connection. */
export interface Listener {
  /** Subscribe to a channel (of this store's schema); returns an unsubscribe function. */
  subscribe(channel: string, handlers: ListenHandlers): () => void;
  /** True while the LISTEN connection is up (caches may be trusted only then). */
  readonly connected: boolean;
  close(): Promise<void>;
}

/** The channel name for `channel` in `schema` (so tests in separate schemas do not hear each other). */
export function channelName(schema: string, channel: string): string {
  return `${checkSchemaName(schema)}__${channel}`;
}

/** Open the listener; resolves once the first connection is up (or failed: it keeps retrying). */
export async function openListener(url: string, schema: string): Promise<Listener> {
  const subs = new Map<string, Set<ListenHandlers>>();
  let client: pg.Client | null = null;
  let connected = false;
  let closed = false;
  let backoff = 50;
  let timer: NodeJS.Timeout | null = null;

  async function connect(): Promise<void> {
    if (closed) return;
    const c = new pg.Client({ connectionString: url, application_name: 'resume-anywhere-listen' });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    c.on('notification', (n) => {
      for (const h of subs.get(n.channel) ?? []) h.onMessage(n.payload ?? '');
    });
    try {
      await c.connect();
      for (const ch of subs.keys()) await c.query(`LISTEN "${ch}"`);
    } catch {
      await c.end().catch(() => {});
      schedule();
      return;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    connected = true;
    backoff = 50;
    for (const set of subs.values()) for (const h of set) h.onResync();
  }

  function lost(c: pg.Client): void {
    if (client !== c) return;
    client = null;
    connected = false;
    c.end().catch(() => {});
    // Until we are back, nothing can be trusted: subscribers drop caches now and again on resync.
    for (const set of subs.values()) for (const h of set) h.onResync();
    schedule();
  }

  function schedule(): void {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, backoff);
    timer.unref();
    backoff = Math.min(backoff * 2, 2_000);
  }

  await connect();
  return {
    subscribe(channel, handlers) {
      const ch = channelName(schema, channel);
      let set = subs.get(ch);
      if (!set) {
        set = new Set();
        subs.set(ch, set);
        client?.query(`LISTEN "${ch}"`).catch(() => client && lost(client));
      }
      set.add(handlers);
      return () => {
        set.delete(handlers);
      };
    },
    get connected() {
      return connected;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      connected = false;
      await c?.end().catch(() => {});
    },
  };
}
