/**
 * Saves the current breakpoint when the app goes away — quit (or the window closing), system
 * suspend, OS shutdown, a Windows log-off/shutdown (session end), a renderer crash — and makes
 * sure it reaches the server then or at the next start.
 *
 * The renderer owns playback, so it is asked first: main sends a lifecycle signal and waits
 * (bounded, 1.5 s by default) for the preload's acknowledgement, which comes once the
 * renderer's listeners have settled (its reporter has queued the breakpoint into the stored
 * outbox). When nobody answers — the renderer hung, crashed, or had no listener — main turns
 * the last position the renderer reported (`reportPlayback`) into a `stop` report itself. Then
 * it uploads the stored outbox once, bounded too; what does not go out stays stored and is sent
 * at the next start.
 *
 * Where the OS gives no time — suspend (Electron lets the sleep inhibitor go right after
 * emitting `suspend`), shutdown (logind ignores delay locks after InhibitDelayMaxSec), a Windows
 * session end (the process is killed once `session-end` returns) — main first records the stop
 * synchronously into the store (`record`), and only then asks the renderer and uploads, with
 * shorter bounds. A renderer that still saves writes a later stop with a higher sequence, which
 * the server prefers. A position reported as playing is carried forward to "now" (at most
 * `maxAheadMs`), so the recorded stop is where the picture was, not where the last throttled
 * report was.
 *
 * Ownership: one coordinator per app, created by main/index.ts, which forwards Electron's events
 * (`before-quit`, window `close`, `powerMonitor` suspend/resume/shutdown, `render-process-gone`)
 * and the `lifecycleDone` / `reportPlayback` IPC calls. Electron itself is not imported here.
 */
import type { LifecycleSignal, PlaybackPosition } from '../common/ipc.ts';
import type { TerminalReport } from '../common/protocol/api.ts';
import type { LocalState } from './local-state.ts';
import type { Logger } from './log.ts';
import type { FlushResult } from './report-sender.ts';

/** The live renderers, as the coordinator sees them. */
export interface RendererPort {
  /** Send a signal to every live renderer; returns the ids (webContents ids) it went to. */
  broadcast(signal: LifecycleSignal): number[];
}

/** What the coordinator needs. */
export interface LifecycleDeps {
  state: LocalState;
  renderers: RendererPort;
  /** One upload pass of the stored outbox (main/report-sender.ts). */
  flush: () => Promise<FlushResult>;
  log: Logger;
  /** A fresh report id (`pc-<uuid>`). */
  newReportId: () => string;
  /** How long renderers get to save (default 1.5 s). */
  ackTimeoutMs?: number;
  /** How long the upload may take on quit and suspend (default 3 s). */
  flushTimeoutMs?: number;
  /** The same two bounds when the OS is ending the session (shutdown, log-off): 0.5 s and 1.5 s. */
  urgentAckTimeoutMs?: number;
  urgentFlushTimeoutMs?: number;
  /**
   * Longest a playing position is carried forward (default 6 s: the renderer reports every 5 s
   * while playing, so a report older than that means it stopped reporting — hung — and the
   * picture most likely stopped with it).
   */
  maxAheadMs?: number;
  now?: () => number;
  /** A timer promise (tests inject a fake clock). */
  delay?: (ms: number) => Promise<void>;
}

/** How a signal went. */
export type SignalOutcome = 'saved' | 'timeout' | 'no-listener' | 'no-renderer';

/** Why a position was turned into a stop by main. */
export type SettleReason = 'quit' | 'suspend' | 'crash' | 'start' | 'shutdown' | 'session-end';

/** How the app is ending: a user's quit, or the OS ending the session (short bounds). */
export type QuitReason = 'quit' | 'shutdown' | 'session-end';

/**
 * Where a reported position is at `now`: a playing position advances with the clock (at most
 * `maxAheadMs`); a paused one, or one whose state is not known, stays. Pure.
 */
export function positionAt(position: PlaybackPosition, now: number, maxAheadMs: number): PlaybackPosition {
  if (position.paused !== false) return position;
  const ahead = Math.min(Math.max(0, now - position.observedAt), maxAheadMs);
  if (ahead === 0) return position;
  const breakpoint =
    position.breakpoint.kind === 'offset'
      ? { kind: 'offset' as const, offsetMs: position.breakpoint.offsetMs + ahead }
      : { kind: 'wallclock' as const, epochMs: position.breakpoint.epochMs + ahead };
  return { ...position, breakpoint, observedAt: position.observedAt + ahead };
}

/** The `stop` report main records for a position the renderer could not save itself. */
export function stopReportFrom(position: PlaybackPosition, seq: number, reportId: string): TerminalReport {
  const report: TerminalReport = {
    reportId,
    programId: position.programId,
    breakpoint: position.breakpoint,
    seq,
    event: 'stop',
    observedAt: position.observedAt,
  };
  if (position.resumedFrom) report.resumedFrom = position.resumedFrom;
  if (position.seekedBack !== undefined) report.seekedBack = position.seekedBack;
  if (position.playToken) report.playToken = position.playToken;
  return report;
}

interface Pending {
  waiting: Set<number>;
  listeners: number;
  done: () => void;
}

export class LifecycleCoordinator {
  readonly #d: Required<LifecycleDeps>;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #quit: Promise<void> | null = null;

  constructor(deps: LifecycleDeps) {
    this.#d = {
      ackTimeoutMs: 1_500,
      flushTimeoutMs: 3_000,
      urgentAckTimeoutMs: 500,
      urgentFlushTimeoutMs: 1_500,
      maxAheadMs: 6_000,
      now: Date.now,
      delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...deps,
    };
  }

  /** The renderer's latest position (IPC `reportPlayback`); kept durably. */
  reportPlayback(position: PlaybackPosition | null): void {
    this.#d.state.playback = position;
  }

  /** The preload acknowledged a signal (IPC `lifecycleDone`). Unknown ids are ignored. */
  ack(id: number, senderId: number, listeners: number): void {
    const p = this.#pending.get(id);
    if (!p || !p.waiting.delete(senderId)) return;
    p.listeners += listeners;
    if (p.waiting.size === 0) p.done();
  }

  /** A renderer went away while a signal waited for it: stop waiting for it. */
  rendererGone(senderId: number): void {
    for (const p of this.#pending.values()) {
      if (p.waiting.delete(senderId) && p.waiting.size === 0) p.done();
    }
  }

  /** Send a signal and wait (bounded) for every renderer it went to. */
  async signal(event: LifecycleSignal['event'], ackTimeoutMs = this.#d.ackTimeoutMs): Promise<SignalOutcome> {
    const id = this.#nextId++;
    let done!: () => void;
    const answered = new Promise<'answered'>((resolve) => (done = () => resolve('answered')));
    const pending: Pending = { waiting: new Set(), listeners: 0, done };
    this.#pending.set(id, pending);
    try {
      const sentTo = this.#d.renderers.broadcast({ id, event });
      if (sentTo.length === 0) return 'no-renderer';
      for (const r of sentTo) pending.waiting.add(r);
      const how = await Promise.race([answered, this.#d.delay(ackTimeoutMs).then(() => 'timeout' as const)]);
      if (how === 'timeout') {
        this.#d.log.warn(`lifecycle ${event}: renderer did not answer within ${ackTimeoutMs} ms`);
        return 'timeout';
      }
      return pending.listeners > 0 ? 'saved' : 'no-listener';
    } finally {
      this.#pending.delete(id);
    }
  }

  /**
   * Turn a position the renderer left behind into a stored `stop` report. Returns the report,
   * or null when nothing was playing.
   */
  settle(reason: SettleReason, carryForward = reason !== 'start'): TerminalReport | null {
    const stored = this.#d.state.playback;
    if (!stored) return null;
    // At start the clock ran on while the app was off: the last report is the best there is.
    const position = carryForward ? positionAt(stored, this.#d.now(), this.#d.maxAheadMs) : stored;
    const report = stopReportFrom(position, this.#d.state.nextSeq(), this.#d.newReportId());
    this.#d.state.outboxAppendItem('reports', report);
    this.#d.state.playback = null;
    this.#d.log.info(`saved the breakpoint of ${position.programId} (${reason})`, position.breakpoint);
    return report;
  }

  /**
   * Synchronously record where playback is now as a stored stop (the OS may freeze or end the
   * process at the next tick). Returns the report, or null when nothing plays.
   */
  record(reason: SettleReason): TerminalReport | null {
    return this.settle(reason);
  }

  /** Upload the stored outbox, giving up (not cancelling) after the flush timeout. */
  async flush(why: string, bounded = true, timeoutMs = this.#d.flushTimeoutMs): Promise<FlushResult | 'timeout'> {
    const run = this.#d.flush().then((r) => {
      if (r.sent + r.dropped > 0 || r.stopped) this.#d.log.info(`outbox (${why}): sent ${r.sent}, dropped ${r.dropped}, pending ${r.pending}${r.stopped ? ` — ${r.stopped}` : ''}`);
      return r;
    });
    if (!bounded) return run;
    return Promise.race([run, this.#d.delay(timeoutMs).then(() => 'timeout' as const)]);
  }

  /** After a lifecycle signal: keep the renderer's own save, or record the position ourselves. */
  #afterSignal(outcome: SignalOutcome, reason: SettleReason): void {
    if (outcome === 'saved') {
      // The renderer saved; its last position is now in its own report. On quit nothing plays
      // any more; on suspend the renderer resumes reporting after wake-up.
      if (reason === 'quit' || reason === 'shutdown' || reason === 'session-end') this.#d.state.playback = null;
      return;
    }
    this.settle(reason);
  }

  /**
   * The app is quitting (or its window closing, or the OS ending the session): ask the renderer
   * to save, record what it could not, upload. When the OS ends the session the stop is
   * recorded first and the bounds are short. Idempotent: concurrent calls share one run.
   */
  quit(reason: QuitReason = 'quit'): Promise<void> {
    const urgent = reason !== 'quit';
    if (urgent) this.record(reason);
    this.#quit ??= (async () => {
      const outcome = await this.signal('quit', urgent ? this.#d.urgentAckTimeoutMs : this.#d.ackTimeoutMs);
      this.#afterSignal(outcome, reason);
      await this.flush(reason, true, urgent ? this.#d.urgentFlushTimeoutMs : this.#d.flushTimeoutMs);
    })().finally(() => {
      this.#quit = null;
    });
    return this.#quit;
  }

  /**
   * The system is going to sleep: record first (synchronously), then ask and upload with the
   * short bounds — Electron lets the sleep inhibitor go right after the event, so the process
   * may be frozen at any moment.
   */
  async suspend(): Promise<void> {
    this.record('suspend');
    const outcome = await this.signal('suspend', this.#d.urgentAckTimeoutMs);
    this.#afterSignal(outcome, 'suspend');
    await this.flush('suspend', true, this.#d.urgentFlushTimeoutMs);
  }

  /** The system woke up: tell the renderer, send what is waiting. */
  async resume(): Promise<void> {
    void this.signal('resume');
    await this.flush('resume', false);
  }

  /** The renderer crashed or was killed: its last position becomes a stop, then upload. */
  async crashed(senderId: number, reason: string): Promise<void> {
    this.rendererGone(senderId);
    const report = this.settle('crash');
    this.#d.log.warn(`renderer gone (${reason})${report ? '; breakpoint saved' : ''}`);
    await this.flush('crash', false);
  }

  /** At start: a position left by a previous run that ended without saving (power cut, kill). */
  async started(): Promise<void> {
    this.settle('start');
    await this.flush('start', false);
  }
}
