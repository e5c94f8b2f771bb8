/**
 * The cluster's side of now playing (issue 15): every session change is sent to global as a
 * light presence update (`GlobalClient.presence`; in-process when embedded, else
 * `POST /global/v1/presence` with the service credential). Updates are coalesced per session
 * and sent one batch at a time, so global sees each session's changes in order; a batch global
 * could not take is retried (superseded updates are dropped — only the newest state matters).
 * Presence is not durable: unlike breakpoints (reporter.ts) a lost update is healed by the next
 * heartbeat, and global expires what it stops hearing of.
 */
import type { PresenceUpdate } from '../../common/protocol/presence.ts';
import type { Breakpoint } from '../../common/protocol/model.ts';
import type { GlobalClient } from '../global-client.ts';
import type { PlaySession, SessionChange } from './sessions.ts';

/** Options of the presence reporter. */
export interface PresenceReporterOptions {
  client: Pick<GlobalClient, 'presence'>;
  /** Wait this long before retrying a failed batch. */
  retryMs?: number;
  log?: { warn: (obj: object, msg: string) => void };
}

const samePosition = (a: Breakpoint, b: Breakpoint) =>
  a.kind === 'offset' && b.kind === 'offset' ? a.offsetMs === b.offsetMs : a.kind === 'wallclock' && b.kind === 'wallclock' && a.epochMs === b.epochMs;

/** Sends session changes to global, coalesced and in order. */
export class PresenceReporter {
  readonly #o: Required<PresenceReporterOptions>;
  /** Pending update per session (the newest wins). */
  readonly #pending = new Map<string, PresenceUpdate>();
  /** Last position and paused state seen per open session (pause is inferred, see `observe`). */
  readonly #last = new Map<string, { position: Breakpoint; paused: boolean }>();
  #sending: Promise<void> | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #closed = false;

  constructor(options: PresenceReporterOptions) {
    this.#o = { retryMs: 1_000, log: { warn: () => {} }, ...options };
  }

  /**
   * A session changed. Paused: what the player said last (`state` on its heartbeats), else
   * inferred — a `pause` sets it; a heartbeat whose position moved clears it (a paused player
   * keeps sending unmoved heartbeats); a seek keeps it.
   */
  observe(s: PlaySession, change: SessionChange): void {
    if (this.#closed) return;
    const open = s.closedAt === null && change !== 'stop' && change !== 'timeout';
    const prev = this.#last.get(s.id);
    let paused = prev?.paused ?? false;
    if (change === 'pause') paused = true;
    else if (change === 'open') paused = false;
    else if (s.playState) paused = s.playState === 'paused';
    else if (change === 'heartbeat' && prev && !samePosition(prev.position, s.position)) paused = false;
    if (open) this.#last.set(s.id, { position: s.position, paused });
    else this.#last.delete(s.id);
    const rate = s.tracks?.playbackRate ?? 1;
    this.#pending.set(s.id, {
      sessionId: s.id,
      userId: s.userId,
      terminalId: s.terminalId,
      profileId: s.profileId,
      programId: s.program.id,
      position: s.position,
      paused,
      ...(s.seq < 0 ? { starting: true } : {}),
      ...(rate !== 1 ? { rate } : {}),
      open,
      ...(open ? { playToken: s.playToken } : {}),
    });
    this.#kick();
  }

  /** Resolves when everything queued so far was sent (or failed once). For tests. */
  async idle(): Promise<void> {
    while (this.#sending) await this.#sending;
  }

  /** Stop sending (the cluster shuts down). */
  close(): void {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#pending.clear();
  }

  #kick(): void {
    if (this.#sending || this.#retry || this.#pending.size === 0 || this.#closed) return;
    const batch = [...this.#pending.values()].slice(0, 500);
    for (const u of batch) this.#pending.delete(u.sessionId);
    this.#sending = this.#o.client
      .presence(batch)
      .then(
        () => undefined,
        (err: unknown) => {
          this.#o.log.warn({ err }, 'presence report failed; retrying');
          // Put back what nothing newer replaced.
          for (const u of batch) if (!this.#pending.has(u.sessionId)) this.#pending.set(u.sessionId, u);
          this.#retry = setTimeout(() => {
            this.#retry = null;
            this.#kick();
          }, this.#o.retryMs);
          this.#retry.unref?.();
        },
      )
      .finally(() => {
        this.#sending = null;
        this.#kick();
      });
  }
}
