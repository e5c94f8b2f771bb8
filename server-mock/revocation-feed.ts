/**
 * How a remote portal or streaming cluster learns of revocations: it holds
 * `GET /global/v1/revocations` (SSE, service credential) open, keeps every entry in a local
 * `RevocationHub` (so media requests are checked in memory, with no round trip to global per
 * segment), and reconnects with backoff when the stream ends or goes silent. While it is not
 * connected, `ready` is false: a cluster then refuses NEW play sessions (fail closed), since a
 * revocation may be happening that it cannot hear of; sessions already open keep playing and
 * reporting through the durable outbox, and every entry heard before is still enforced.
 *
 * Ownership: one feed per process whose global is remote; `start` once, `stop` on close.
 */
import Value from 'typebox/value';
import { RevocationBatch, type Revocation } from '../common/protocol/account.ts';
import { SseParser } from '../common/sse.ts';
import type { ServiceCredential } from './config.ts';
import { RevocationHub, type RevocationListener } from './global/revocations.ts';
import { serviceAuthorization } from './http/auth.ts';

/** What the streaming and portal roles need of revocations, wherever they come from. */
export interface RevocationSource {
  /** True when the terminal or its account is revoked. */
  isRevoked(terminalId: string | null, userId: string | null): boolean;
  /** True while revocations are known to be heard (always, in-process). */
  readonly ready: boolean;
  /** New revocations, as they arrive. */
  subscribe(listener: RevocationListener): () => void;
}

/** The in-process source: global's own hub. */
export function localRevocations(hub: RevocationHub): RevocationSource {
  return { isRevoked: (t, u) => hub.isRevoked(t, u), ready: true, subscribe: (l) => hub.subscribe(l) };
}

/** Options of the feed. */
export interface RevocationFeedOptions {
  globalUrl: string;
  credential: ServiceCredential;
  log: { warn: (obj: object, msg: string) => void; info?: (obj: object, msg: string) => void };
  /** Silence (no byte, not even a keep-alive) after which the feed counts as lost. */
  silenceMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
}

/** The feed client of a remote global. */
export class RevocationFeed implements RevocationSource {
  readonly #hub = new RevocationHub();
  readonly #o: Required<Omit<RevocationFeedOptions, 'log'>> & Pick<RevocationFeedOptions, 'log'>;
  #connected = false;
  #stopped = false;
  #abort: AbortController | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #readyWaiters = new Set<() => void>();
  /** The outage is already logged (one warning per outage, not one per retry). */
  #lossLogged = false;

  constructor(options: RevocationFeedOptions) {
    this.#o = { silenceMs: 6_000, retryMinMs: 200, retryMaxMs: 2_000, ...options };
  }

  get ready(): boolean {
    return this.#connected;
  }

  isRevoked(terminalId: string | null, userId: string | null): boolean {
    return this.#hub.isRevoked(terminalId, userId);
  }

  subscribe(listener: RevocationListener): () => void {
    return this.#hub.subscribe(listener);
  }

  /** Resolve once connected (tests, start-up), or after `timeoutMs` regardless. */
  whenReady(timeoutMs = 5_000): Promise<boolean> {
    if (this.#connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#readyWaiters.delete(done);
        resolve(this.#connected);
      };
      const timer = setTimeout(done, timeoutMs);
      this.#readyWaiters.add(done);
    });
  }

  /** Connect, and keep reconnecting until `stop`. */
  start(): void {
    void this.#loop();
  }

  stop(): void {
    this.#stopped = true;
    this.#connected = false;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#abort?.abort();
  }

  async #loop(): Promise<void> {
    let delay = this.#o.retryMinMs;
    while (!this.#stopped) {
      const heard = await this.#connectOnce();
      if (this.#stopped) return;
      delay = heard ? this.#o.retryMinMs : Math.min(this.#o.retryMaxMs, delay * 2);
      await new Promise<void>((resolve) => (this.#retryTimer = setTimeout(resolve, delay)));
    }
  }

  /** One connection; true when it got as far as the snapshot. */
  async #connectOnce(): Promise<boolean> {
    const abort = new AbortController();
    this.#abort = abort;
    let silence: NodeJS.Timeout | null = null;
    const armSilence = () => {
      if (silence) clearTimeout(silence);
      silence = setTimeout(() => abort.abort(), this.#o.silenceMs);
    };
    let heard = false;
    try {
      armSilence();
      const res = await fetch(`${this.#o.globalUrl}/global/v1/revocations`, {
        headers: { authorization: serviceAuthorization(this.#o.credential), accept: 'text/event-stream' },
        signal: abort.signal,
      });
      if (!res.ok || !res.body) throw new Error(`revocation feed: HTTP ${res.status}`);
      const parser = new SseParser();
      const decoder = new TextDecoder();
      const reader = res.body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        armSilence();
        for (const m of parser.push(decoder.decode(value, { stream: true }))) {
          if (m.event !== 'revocations') continue;
          const batch: unknown = JSON.parse(m.data);
          if (!Value.Check(RevocationBatch, batch)) throw new Error('revocation feed: malformed batch');
          this.#apply(batch.entries);
          if (batch.snapshot && !heard) {
            heard = true;
            this.#connected = true;
            if (this.#lossLogged) this.#o.log.info?.({}, 'revocation feed back; new play sessions are admitted again');
            this.#lossLogged = false;
            for (const w of [...this.#readyWaiters]) w();
          }
        }
      }
      throw new Error('revocation feed: global closed the stream');
    } catch (err) {
      if (!this.#stopped && !this.#lossLogged) {
        this.#lossLogged = true;
        this.#o.log.warn({ err: (err as Error).message }, 'revocation feed lost; new play sessions are refused until it is back');
      }
    } finally {
      if (silence) clearTimeout(silence);
      this.#connected = false;
      abort.abort();
    }
    return heard;
  }

  #apply(entries: readonly Revocation[]): void {
    // Entries heard again (a new snapshot) are re-announced harmlessly: whatever they end is ended.
    this.#hub.revoke(entries);
  }
}
