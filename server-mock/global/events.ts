/**
 * In-process fan-out of push events to the terminals of one user. Ownership: one bus per
 * global process; the SSE route subscribes per connection and must unsubscribe on close.
 * Listeners run synchronously and must not throw (a throwing listener is dropped).
 * Across several global instances (PostgreSQL store), fanout.ts relays what is published here
 * to the other instances and delivers what they publish through `deliver`.
 */
import type { PushEvent } from '../../common/protocol/api.ts';

/** Receives one user's events. */
export type PushListener = (event: PushEvent) => void;

/** Told of every event published on this instance (user id, or null for a broadcast). */
export type PushRelay = (userId: string | null, event: PushEvent) => void;

/** Publish/subscribe keyed by user id. */
export class EventBus {
  readonly #listeners = new Map<string, Set<PushListener>>();
  #relay: PushRelay | null = null;

  /** Relay events published here to other instances (one relay; null to stop). */
  setRelay(relay: PushRelay | null): void {
    this.#relay = relay;
  }

  /** Subscribe to a user's events; returns the unsubscribe function. */
  subscribe(userId: string, listener: PushListener): () => void {
    let set = this.#listeners.get(userId);
    if (!set) this.#listeners.set(userId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(userId);
    };
  }

  /** Deliver an event to every listener of the user, here and (through the relay) on other instances. */
  publish(userId: string, event: PushEvent): void {
    this.deliver(userId, event);
    this.#relay?.(userId, event);
  }

  /** Relay an event to the other instances only (what their streams carry, not this one's). */
  forward(userId: string, event: PushEvent): void {
    this.#relay?.(userId, event);
  }

  /** Deliver an event to this instance's listeners only (events relayed from other instances). */
  deliver(userId: string, event: PushEvent): void {
    const set = this.#listeners.get(userId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch {
        set.delete(listener);
      }
    }
  }

  /** Deliver an event to every listener of every user (catalogue changes). */
  broadcast(event: PushEvent): void {
    this.deliverAll(event);
    this.#relay?.(null, event);
  }

  /** Deliver an event to every listener of this instance only. */
  deliverAll(event: PushEvent): void {
    for (const userId of [...this.#listeners.keys()]) this.deliver(userId, event);
  }

  /** Number of open subscriptions (for status and tests). */
  get size(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }
}
