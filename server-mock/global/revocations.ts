/**
 * Revocations of the global role: the one place that says "every credential derived from this
 * terminal / account is dead". Removing or signing out a terminal, signing out everywhere,
 * changing the password and deleting the account all go through `revoke`, which, before the
 * store commits, (1) marks the subjects revoked in memory, so no request authenticates with
 * them from this instant, (2) tells every listener synchronously: the push route closes the
 * subjects' streams before anything more can be written to them, the in-process streaming
 * role ends their play sessions, and the revocation feed (`GET /global/v1/revocations`)
 * forwards them to remote clusters and portals. The store records the same entries in the
 * transaction that revokes, so a restarted global still knows them (`load`).
 *
 * Ownership: one hub per global process. Entries are kept for `windowMs` (the longest play-
 * token lifetime): after that, no token issued before the revocation can still be valid, and
 * new ones are never issued since the credential no longer authenticates.
 */
import type { Revocation } from '../../common/protocol/account.ts';

/** Longest play-token lifetime the configuration allows (24 h), plus clock slack. */
export const REVOCATION_WINDOW_MS = 86_400_000 + 5 * 60_000;

/** Receives new revocations, synchronously, in the revoking call. Must not throw. */
export type RevocationListener = (entries: readonly Revocation[]) => void;

/** The set of revoked subjects, with a listener fan-out. */
export class RevocationHub {
  readonly #entries = new Map<string, Revocation>();
  readonly #listeners = new Set<RevocationListener>();
  readonly #windowMs: number;

  constructor(windowMs = REVOCATION_WINDOW_MS) {
    this.#windowMs = windowMs;
  }

  /** Seed from the store at start (no listener is told: nothing can be open yet). */
  load(entries: readonly Revocation[]): void {
    for (const e of entries) this.#entries.set(key(e.kind, e.subjectId), e);
  }

  /** Revoke subjects now: mark them, then tell every listener. */
  revoke(entries: readonly Revocation[]): void {
    if (entries.length === 0) return;
    for (const e of entries) this.#entries.set(key(e.kind, e.subjectId), e);
    for (const listener of [...this.#listeners]) {
      try {
        listener(entries);
      } catch {
        // A listener that throws is a bug of its own; the revocation stands regardless.
      }
    }
  }

  /** True when the terminal, or its account, was revoked. */
  isRevoked(terminalId: string | null, userId: string | null): boolean {
    return (terminalId !== null && this.#entries.has(key('terminal', terminalId))) || (userId !== null && this.#entries.has(key('user', userId)));
  }

  /** Every entry still inside the window, oldest first (the feed's snapshot). */
  recent(now = Date.now()): Revocation[] {
    const cutoff = now - this.#windowMs;
    return [...this.#entries.values()].filter((e) => e.at >= cutoff).sort((a, b) => a.at - b.at);
  }

  /** Forget entries older than the window; returns how many. */
  purge(now = Date.now()): number {
    const cutoff = now - this.#windowMs;
    let n = 0;
    for (const [k, e] of this.#entries) if (e.at < cutoff && this.#entries.delete(k)) n++;
    return n;
  }

  /** Listen to new revocations; returns the unsubscribe function. */
  subscribe(listener: RevocationListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The window entries are kept for. */
  get windowMs(): number {
    return this.#windowMs;
  }
}

const key = (kind: Revocation['kind'], id: string) => `${kind}:${id}`;
