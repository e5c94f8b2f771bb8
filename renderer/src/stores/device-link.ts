/**
 * Device-link slice: the TV's side of linking by code (RFC 8628 device authorization). The TV
 * asks for a code pair, shows the user code, and polls — never faster than the interval the
 * server stated, never two polls at once — until someone enters the code on a PC or phone;
 * then it hands the terminal credential to `onLinked` and stops. Nobody types a password with
 * a remote.
 *
 * What a poll can answer: pending (poll again), slow down (a longer interval from now on),
 * expired or unknown (ask for a new code: the screen shows it), the credential (done). No
 * answer at all (network, 5xx) keeps the code and retries with a capped backoff, flagging the
 * problem for the screen. `stop()` cancels timers and the request in flight: its answer is
 * dropped.
 */
import { createStore } from 'zustand/vanilla';
import type { DeviceTokenResponse } from '../../../common/protocol/device.ts';
import type { TerminalType } from '../../../common/protocol/model.ts';
import { codeOf, isApiError, type Api, type ClientErrorCode } from '../api/http.ts';

/** Where the linking is. */
export type DeviceLinkPhase = 'idle' | 'requesting' | 'showing' | 'linked';

/** Why the screen cannot make progress right now: no answer, or a failing server. */
export type DeviceLinkProblem = 'offline' | 'server';

/** State and actions of the device-link slice. */
export interface DeviceLinkState {
  phase: DeviceLinkPhase;
  /** The code to show, `XXXX-XXXX` (null while none is valid). */
  userCode: string | null;
  /** The link page to open on another device, and the same with the code (the QR code). */
  verificationUri: string | null;
  verificationUriComplete: string | null;
  /** When the code expires, by this device's clock (epoch ms). */
  expiresAt: number | null;
  /** Seconds between polls (raised by SLOW_DOWN). */
  interval: number;
  problem: DeviceLinkProblem | null;
  /** Ask for a code and wait for it to be entered (restarts from scratch when already running). */
  start(): void;
  /** Cancel timers and the request in flight. */
  stop(): void;
}

/** Dependencies of the device-link slice. */
export interface DeviceLinkDeps {
  api: Pick<Api, 'deviceAuthorize' | 'deviceToken'>;
  /** The name the TV proposes for itself (the person linking it may change it). */
  defaultName: () => string;
  /** The terminal type it registers as (default stb; a provisioned PC app may say otherwise). */
  defaultType?: () => TerminalType;
  /** The TV is now a terminal of the account: called once per linking. */
  onLinked: (linked: DeviceTokenResponse) => void | Promise<void>;
  now?: () => number;
  /** Longest wait between retries after failures (default 60 s). */
  maxBackoffMs?: number;
}

/** RFC 8628 §3.5: on SLOW_DOWN without a stated interval, add 5 s. */
const SLOW_DOWN_STEP_SEC = 5;

/** Answers that mean "this code is done for": ask for a new one. */
const CODE_GONE: ClientErrorCode[] = ['CODE_EXPIRED', 'CODE_INVALID', 'VALIDATION_FAILED'];

/** The problem an unanswered or failed request shows. */
function problemOf(err: unknown): DeviceLinkProblem {
  const code = codeOf(err);
  return code === 'NETWORK_DOWN' || code === 'TIMEOUT' ? 'offline' : 'server';
}

/** The interval a SLOW_DOWN answer asks for: the stated one (never shorter than now), else 5 s more. */
function slowedInterval(err: unknown, current: number): number {
  const details = isApiError(err) ? err.details : undefined;
  const stated = typeof details === 'object' && details !== null && 'interval' in details ? details.interval : undefined;
  return typeof stated === 'number' && Number.isFinite(stated) && stated >= 1 ? Math.max(stated, current) : current + SLOW_DOWN_STEP_SEC;
}

/** The wait after the n-th failure in a row: the interval, doubled each time, capped. */
export function backoffMs(failures: number, intervalSec: number, maxMs: number): number {
  const base = Math.max(1, intervalSec) * 1000;
  return Math.max(base, Math.min(maxMs, base * 2 ** Math.max(0, failures - 1)));
}

const IDLE: Omit<DeviceLinkState, 'start' | 'stop'> = {
  phase: 'idle',
  userCode: null,
  verificationUri: null,
  verificationUriComplete: null,
  expiresAt: null,
  interval: 5,
  problem: null,
};

/** Create the device-link slice. */
export function createDeviceLinkStore(deps: DeviceLinkDeps) {
  const now = deps.now ?? (() => Date.now());
  const maxBackoffMs = deps.maxBackoffMs ?? 60_000;

  return createStore<DeviceLinkState>()((set, get) => {
    /** One linking attempt, from start() to stop()/success; a stale run's answers are dropped. */
    interface Run {
      abort: AbortController;
      timer: ReturnType<typeof setTimeout> | null;
      deviceCode: string | null;
      /** Failures in a row (backoff). */
      failures: number;
      /** A request is under way (never two at once). */
      inFlight: boolean;
    }
    type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };
    let run: Run | null = null;

    const current = (r: Run) => run === r && !r.abort.signal.aborted;

    /** One request of a run; null when the run was stopped (or replaced) meanwhile. */
    async function request<T>(r: Run, fn: (signal: AbortSignal) => Promise<T>): Promise<Outcome<T> | null> {
      r.inFlight = true;
      let outcome: Outcome<T>;
      try {
        outcome = { ok: true, value: await fn(r.abort.signal) };
      } catch (error) {
        outcome = { ok: false, error };
      } finally {
        r.inFlight = false;
      }
      return current(r) ? outcome : null;
    }

    function schedule(r: Run, delayMs: number, step: (r: Run) => Promise<void>): void {
      if (r.timer) clearTimeout(r.timer);
      r.timer = setTimeout(() => {
        r.timer = null;
        void step(r);
      }, delayMs);
    }

    /** Wait `delayMs` then poll — or, if the code expires first, ask for a new one at its expiry. */
    function pollLater(r: Run, delayMs: number): void {
      const untilExpiry = (get().expiresAt ?? 0) - now();
      if (untilExpiry <= delayMs) schedule(r, Math.max(0, untilExpiry), requestCode);
      else schedule(r, delayMs, poll);
    }

    /** No answer, or a failing server: note the problem; the wait before trying again. */
    function failed(r: Run, err: unknown): number {
      r.failures += 1;
      set({ problem: problemOf(err) });
      return backoffMs(r.failures, get().interval, maxBackoffMs);
    }

    async function requestCode(r: Run): Promise<void> {
      if (!current(r) || r.inFlight) return;
      r.deviceCode = null;
      set({ phase: 'requesting', userCode: null, verificationUri: null, verificationUriComplete: null, expiresAt: null });
      const out = await request(r, (signal) => deps.api.deviceAuthorize({ name: deps.defaultName(), type: deps.defaultType?.() ?? 'stb' }, signal));
      if (!out) return;
      if (!out.ok) return schedule(r, failed(r, out.error), requestCode);
      const codes = out.value;
      r.deviceCode = codes.deviceCode;
      r.failures = 0;
      set({
        phase: 'showing',
        userCode: codes.userCode,
        verificationUri: codes.verificationUri,
        verificationUriComplete: codes.verificationUriComplete,
        expiresAt: now() + codes.expiresIn * 1000,
        interval: Math.max(1, codes.interval),
        problem: null,
      });
      pollLater(r, get().interval * 1000);
    }

    async function poll(r: Run): Promise<void> {
      if (!current(r) || r.inFlight || !r.deviceCode) return;
      if (now() >= (get().expiresAt ?? 0)) return requestCode(r);
      const deviceCode = r.deviceCode;
      const out = await request(r, (signal) => deps.api.deviceToken(deviceCode, signal));
      if (!out) return;
      if (out.ok) return linked(out.value);
      const err = out.error;
      if (isApiError(err, 'AUTHORIZATION_PENDING', 'SLOW_DOWN')) {
        r.failures = 0;
        const interval = isApiError(err, 'SLOW_DOWN') ? slowedInterval(err, get().interval) : get().interval;
        set({ problem: null, interval });
        pollLater(r, interval * 1000);
      } else if (isApiError(err, ...CODE_GONE)) {
        await requestCode(r);
      } else {
        pollLater(r, failed(r, err));
      }
    }

    /** Success: stop, then hand the credential over (once). */
    async function linked(answer: DeviceTokenResponse): Promise<void> {
      run = null;
      set({ phase: 'linked', problem: null });
      try {
        await deps.onLinked(answer);
      } catch (err) {
        // The credential could not be kept: start over, so the person can link again.
        console.error('linking: keeping the terminal credential failed', err);
        get().start();
      }
    }

    function cancel(): void {
      if (!run) return;
      if (run.timer) clearTimeout(run.timer);
      run.abort.abort();
      run = null;
    }

    return {
      ...IDLE,

      start() {
        cancel();
        const r: Run = { abort: new AbortController(), timer: null, deviceCode: null, failures: 0, inFlight: false };
        run = r;
        set({ ...IDLE });
        void requestCode(r);
      },

      stop() {
        cancel();
        if (get().phase !== 'linked') set({ ...IDLE });
      },
    };
  });
}

/** The device-link store. */
export type DeviceLinkStore = ReturnType<typeof createDeviceLinkStore>;
