/**
 * Every way the app can be told to stop, in one place, and in one order: save the breakpoint
 * (main/lifecycle.ts), stop the household server, then really quit.
 *
 * - `before-quit` (menu Quit, Cmd+Q, `app.quit()`), a window's `close`: the renderer is asked,
 *   the quit waits for it (bounded), then quits again for real.
 * - powerMonitor `shutdown` (Linux, macOS): the OS waits while the default is prevented, but not
 *   for long (logind: InhibitDelayMaxSec), so the stop is recorded synchronously first.
 * - Windows shutdown and log-off: `before-quit` is not emitted there and powerMonitor `shutdown`
 *   does not exist; the window gets `query-session-end` (the session may end — or not, when
 *   another program vetoes it; we do not veto) and `session-end` (it ends; the process is killed
 *   when the handler returns). The first records the stop and uploads it, and the app goes on;
 *   the second records again and quits with the short save.
 *
 * State is explicit: `phase` (running → saving → ready) and the windows that already had their
 * chance to save. Electron is not imported here (tests drive it with plain objects).
 */
import type { LifecycleCoordinator, QuitReason } from './lifecycle.ts';
import type { Logger } from './log.ts';

/** A cancellable Electron event, as far as this module goes. */
export interface Cancellable {
  preventDefault(): void;
}

/** Where the stop flow is. */
export type StopPhase = 'running' | 'saving' | 'ready';

/** What the flow needs. */
export interface StopFlowDeps {
  lifecycle: Pick<LifecycleCoordinator, 'quit' | 'record' | 'flush'>;
  /** Stop the household server (bounded by itself). */
  stopServer: () => Promise<void>;
  /** Last things before the process ends (close log files). */
  finish: () => void;
  /** `app.quit()`. */
  quitApp: () => void;
  log: Logger;
}

export class StopFlow<W extends object = object> {
  readonly #d: StopFlowDeps;
  #phase: StopPhase = 'running';
  readonly #saved = new WeakSet<W>();

  constructor(deps: StopFlowDeps) {
    this.#d = deps;
  }

  /** The current phase. */
  get phase(): StopPhase {
    return this.#phase;
  }

  /** `app.on('before-quit')`. */
  beforeQuit(event: Cancellable): void {
    if (this.#phase === 'ready') return;
    event.preventDefault();
    this.#begin('quit');
  }

  /**
   * A window's `close`: the first close of a running app saves first (then closes the window
   * again); while the app saves, windows stay; once ready, they go.
   */
  windowClose(win: W, event: Cancellable, closeAgain: () => void): void {
    if (this.#phase !== 'running') {
      if (this.#phase === 'saving') event.preventDefault();
      return;
    }
    if (this.#saved.has(win)) return;
    event.preventDefault();
    void this.#d.lifecycle.quit('quit').finally(() => {
      this.#saved.add(win);
      closeAgain();
    });
  }

  /** A window that may close without asking (it is being replaced, its renderer saved). */
  letClose(win: W): void {
    this.#saved.add(win);
  }

  /** powerMonitor `shutdown` (Linux, macOS): delay it while saving. */
  osShutdown(event: Cancellable | undefined): void {
    event?.preventDefault();
    this.#d.lifecycle.record('shutdown');
    this.#begin('shutdown');
  }

  /**
   * Windows `query-session-end`: the session may end (or another program vetoes it): record now
   * and upload, keep running, do not veto.
   */
  querySessionEnd(reasons: readonly string[]): void {
    this.#d.log.info(`Windows asks whether the session may end (${reasons.join(', ') || 'no reason'})`);
    this.#d.lifecycle.record('session-end');
    void this.#d.lifecycle.flush('session may end');
  }

  /** Windows `session-end`: the session ends; the process dies when this returns. */
  sessionEnd(reasons: readonly string[]): void {
    this.#d.log.info(`the Windows session ends (${reasons.join(', ') || 'no reason'})`);
    this.#d.lifecycle.record('session-end');
    this.#begin('session-end');
  }

  #begin(reason: QuitReason): void {
    if (this.#phase !== 'running') return;
    this.#phase = 'saving';
    void this.#run(reason);
  }

  async #run(reason: QuitReason): Promise<void> {
    try {
      await this.#d.lifecycle.quit(reason);
    } catch (err) {
      this.#d.log.error('saving on quit failed', err);
    } finally {
      await this.#d.stopServer().catch(() => undefined);
      this.#d.finish();
      this.#phase = 'ready';
      this.#d.quitApp();
    }
  }
}
