/**
 * A load balancer as the terminal sees one, for process tests: the client knows the instances
 * behind a name and sends to one of them; when a request gets no answer at all (connection
 * refused or reset — the instance is gone) it sends the same request to the next instance, as
 * a balancer taking a dead backend out would. An HTTP answer, even a 5xx, is never retried:
 * the instance was alive and answered. Requests we retry this way are idempotent by design
 * (heartbeats and stops carry the terminal's seq; reports their report id).
 */

/** One answer, and the instance that gave it. */
export interface BalancedAnswer<T> {
  status: number;
  body: T;
  /** The base URL that answered. */
  via: string;
}

/** A client over several instances of one role. */
export class Balanced {
  #current = 0;
  /** Connection failures that moved the client to another instance. */
  failovers = 0;

  /** The instances, in the order they are tried. */
  readonly urls: readonly string[];

  constructor(urls: readonly string[]) {
    this.urls = urls;
  }

  /** The instance requests go to now. */
  get current(): string {
    return this.urls[this.#current] as string;
  }

  /** Send; on no answer, move on to the next instance (each tried once). */
  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, token?: string): Promise<BalancedAnswer<T>> {
    let lastError: unknown = null;
    for (let tries = 0; tries < this.urls.length; tries++) {
      const base = this.current;
      try {
        const res = await fetch(base + path, {
          method,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? null : JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, via: base };
      } catch (err) {
        lastError = err;
        this.#current = (this.#current + 1) % this.urls.length;
        this.failovers++;
      }
    }
    throw new Error(`no instance of ${this.urls.join(', ')} answered ${method} ${path}: ${(lastError as Error)?.message}`);
  }
}
