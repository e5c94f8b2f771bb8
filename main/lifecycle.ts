/**
 * Saves the current breakpoint when the app goes away — quit (or the window closing), system
 * suspend, a renderer crash — and makes sure it reaches the server then or at the next start.
 *
 * The renderer owns playback, so it is asked first: main sends a lifecycle signal and waits
 * (bounded, 1.5 s by default) for the preload's acknowledgement, which comes once the
 * renderer's listeners have settled (its reporter has queued the breakpoint into the stored
 * outbox). When nobody answers — the renderer hung, crashed, or had no listener — main turns
 * the last position the renderer reported (`reportPlayback`) into a `stop` report itself. Then
 * it uploads the stored outbox once, bounded too; what does not go out stays stored and is sent
 * at the next start.
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
  /** A timer promise (tests inject a fake clock). */
  delay?: (ms: number) => Promise<void>;
}

/** How a signal went. */
export type SignalOutcome = 'saved' | 'timeout' | 'no-listener' | 'no-renderer';

/** Why a position was turned into a stop by main. */
export type SettleReason = 'quit' | 'suspend' | 'crash' | 'start' | 'shutdown';

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
  async signal(event: LifecycleSignal['event']): Promise<SignalOutcome> {
    const id = this.#nextId++;
    let done!: () => void;
    const answered = new Promise<'answered'>((resolve) => (done = () => resolve('answered')));
    const pending: Pending = { waiting: new Set(), listeners: 0, done };
    this.#pending.set(id, pending);
    try {
      const sentTo = this.#d.renderers.broadcast({ id, event });
      if (sentTo.length === 0) return 'no-renderer';
      for (const r of sentTo) pending.waiting.add(r);
      const how = await Promise.race([answered, this.#d.delay(this.#d.ackTimeoutMs).then(() => 'timeout' as const)]);
      if (how === 'timeout') {
        this.#d.log.warn(`lifecycle ${event}: renderer did not answer within ${this.#d.ackTimeoutMs} ms`);
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
  settle(reason: SettleReason): TerminalReport | null {
    const position = this.#d.state.playback;
    if (!position) return null;
    const report = stopReportFrom(position, this.#d.state.nextSeq(), this.#d.newReportId());
    this.#d.state.outboxAppendItem('reports', report);
    this.#d.state.playback = null;
    this.#d.log.info(`saved the breakpoint of ${position.programId} (${reason})`, position.breakpoint);
    return report;
  }

  /** Upload the stored outbox, giving up (not cancelling) after the flush timeout. */
  async flush(why: string, bounded = true): Promise<FlushResult | 'timeout'> {
    const run = this.#d.flush().then((r) => {
      if (r.sent + r.dropped > 0 || r.stopped) this.#d.log.info(`outbox (${why}): sent ${r.sent}, dropped ${r.dropped}, pending ${r.pending}${r.stopped ? ` — ${r.stopped}` : ''}`);
      return r;
    });
    if (!bounded) return run;
    return Promise.race([run, this.#d.delay(this.#d.flushTimeoutMs).then(() => 'timeout' as const)]);
  }

  /** After a lifecycle signal: keep the renderer's own save, or record the position ourselves. */
  #afterSignal(outcome: SignalOutcome, reason: SettleReason): void {
    if (outcome === 'saved') {
      // The renderer saved; its last position is now in its own report. On quit nothing plays
      // any more; on suspend the renderer resumes reporting after wake-up.
      if (reason === 'quit' || reason === 'shutdown') this.#d.state.playback = null;
      return;
    }
    this.settle(reason);
  }

  /**
   * The app is quitting (or its window closing, or the OS shutting down): ask the renderer to
   * save, record what it could not, upload. Idempotent: concurrent calls share one run.
   */
  quit(reason: 'quit' | 'shutdown' = 'quit'): Promise<void> {
    this.#quit ??= (async () => {
      const outcome = await this.signal('quit');
      this.#afterSignal(outcome, reason);
      await this.flush(reason);
    })().finally(() => {
      this.#quit = null;
    });
    return this.#quit;
  }

  /** The system is going to sleep. */
  async suspend(): Promise<void> {
    const outcome = await this.signal('suspend');
    this.#afterSignal(outcome, 'suspend');
    await this.flush('suspend');
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
