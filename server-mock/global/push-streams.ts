/**
 * Which terminals have a push stream open on this global instance, right now (issue 15,
 * step 3): a remote command can reach only those, and "Play on ▸" offers only those. The
 * events route adds a stream when it opens and removes it when it closes (a revocation closes
 * it synchronously, so a removed terminal is offline at once).
 *
 * Per instance, in memory; with several global instances stream-directory.ts tells the others
 * (the `hooks`: a terminal's first stream here opened, its last closed). Ownership: one per
 * global process.
 */
import type { Terminal } from '../../common/protocol/model.ts';

interface Online {
  userId: string;
  terminal: Pick<Terminal, 'id' | 'name' | 'type'>;
  /** Open streams of this terminal (a reconnect may overlap the old stream's close). */
  streams: number;
}

/** Told when a terminal gets its first stream here, and when its last one closes. */
export interface PushStreamHooks {
  first(userId: string, terminalId: string): void;
  last(userId: string, terminalId: string): void;
}

/** The terminals with an open push stream. */
export class PushStreams {
  readonly #byTerminal = new Map<string, Online>();
  readonly #hooks: PushStreamHooks | null;

  constructor(hooks: PushStreamHooks | null = null) {
    this.#hooks = hooks;
  }

  /** A stream of `terminal` opened; returns its close (idempotent). */
  add(userId: string, terminal: Pick<Terminal, 'id' | 'name' | 'type'>): () => void {
    // A copy of the three fields, and a close that keeps only the id: the caller's terminal
    // record is not held for the stream's life.
    const terminalId = terminal.id;
    const entry = this.#byTerminal.get(terminalId) ?? { userId, terminal: { id: terminalId, name: terminal.name, type: terminal.type }, streams: 0 };
    entry.terminal = { id: terminalId, name: terminal.name, type: terminal.type };
    if (entry.streams++ === 0) this.#hooks?.first(userId, terminalId);
    this.#byTerminal.set(terminalId, entry);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      if (--entry.streams === 0 && this.#byTerminal.get(terminalId) === entry) {
        this.#byTerminal.delete(terminalId);
        this.#hooks?.last(userId, terminalId);
      }
    };
  }

  /** Whether `terminalId` of household `userId` has a stream open. */
  isOnline(userId: string, terminalId: string): boolean {
    return this.#byTerminal.get(terminalId)?.userId === userId;
  }

  /** Every terminal with a stream open here (the directory's refresh). */
  terminals(): Array<{ userId: string; terminalId: string }> {
    return [...this.#byTerminal.values()].map((e) => ({ userId: e.userId, terminalId: e.terminal.id }));
  }

  /** The household's terminals with a stream open. */
  list(userId: string): Array<Pick<Terminal, 'id' | 'name' | 'type'>> {
    return [...this.#byTerminal.values()].filter((e) => e.userId === userId).map((e) => e.terminal);
  }
}
