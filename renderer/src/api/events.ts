/**
 * The server-push stream (`GET /api/v1/events`, SSE) read through `fetch`, which — unlike
 * EventSource — can send the terminal credential as an Authorization header. Every message is
 * parsed against `PushEvent`; anything else is ignored.
 *
 * Reconnects forever with capped exponential backoff (reset once a connection says `hello`),
 * honours the server's `retry:` hint, and treats 45 s without a byte as a dead connection (the
 * server comments every 15 s; a laptop waking from sleep holds a socket that never errors).
 * After every (re)connection `onOpen` fires, so the owner refetches what it may have missed.
 * A refused credential is fatal: the stream stops and `onFatal` says why.
 *
 * Ownership: one stream per signed-in terminal; `stop()` aborts the request and every timer.
 */
import { Check } from 'typebox/value';
import { SseParser } from '../../../common/sse.ts';
import { PushEvent } from '../../../common/protocol/api.ts';
import { ApiError, type ClientErrorCode } from './http.ts';
import { lenient } from './lenient.ts';

/** Connection state, for the UI's "live" indicator. */
export type PushState = 'connecting' | 'open' | 'waiting' | 'stopped';

/** Callbacks and limits of a push stream. */
export interface PushStreamOptions {
  /** Open the HTTP stream (api.openEvents). */
  open: (signal: AbortSignal) => Promise<Response>;
  /** A valid push event other than `hello`. */
  onEvent: (event: PushEvent) => void;
  /** A connection said hello; `again` is false only for the first one. */
  onOpen: (again: boolean) => void;
  onState?: (state: PushState) => void;
  /** The stream stopped for good (credential refused). */
  onFatal?: (code: ClientErrorCode) => void;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Silence after which the connection is presumed dead. */
  idleTimeoutMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** A running push stream. */
export interface PushStream {
  /** Start connecting (idempotent). */
  start(): void;
  /** Skip any backoff wait and reconnect now (the network came back). */
  reconnectNow(): void;
  /** Close for good. */
  stop(): void;
}

/** Codes after which reconnecting cannot help. */
const FATAL = new Set<ClientErrorCode>(['UNAUTHENTICATED', 'FORBIDDEN']);

/** Create a push stream (not started). */
export function createPushStream(options: PushStreamOptions): PushStream {
  const o = {
    baseDelayMs: 1_000,
    maxDelayMs: 30_000,
    idleTimeoutMs: 45_000,
    setTimer: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
    clearTimer: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
    ...options,
  };
  let running = false;
  let stopped = false;
  let everOpened = false;
  let failures = 0;
  let controller: AbortController | null = null;
  let idleTimer: unknown = null;
  let wake: (() => void) | null = null;
  let waitTimer: unknown = null;

  const setState = (s: PushState) => o.onState?.(s);

  const armIdle = () => {
    if (idleTimer !== null) o.clearTimer(idleTimer);
    idleTimer = o.setTimer(() => controller?.abort(), o.idleTimeoutMs);
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = () => {
        if (waitTimer !== null) o.clearTimer(waitTimer);
        waitTimer = null;
        wake = null;
        resolve();
      };
      waitTimer = o.setTimer(() => wake?.(), ms);
    });

  /** One connection: resolves when it ends; throws ApiError when it could not open. */
  async function connect(parser: SseParser): Promise<boolean> {
    controller = new AbortController();
    const res = await o.open(controller.signal);
    const body = res.body;
    if (!body) throw new ApiError('BAD_RESPONSE', 'Push stream without a body');
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let opened = false;
    armIdle();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || stopped) break;
        armIdle();
        for (const m of parser.push(decoder.decode(value, { stream: true }))) {
          let data: unknown;
          try {
            data = JSON.parse(m.data) as unknown;
          } catch {
            continue;
          }
          if (!Check(lenient(PushEvent), data)) continue;
          if (data.type === 'hello') {
            opened = true;
            failures = 0;
            setState('open');
            o.onOpen(everOpened);
            everOpened = true;
          } else {
            o.onEvent(data);
          }
        }
      }
    } catch {
      // Aborted (idle, stop) or the connection broke: the loop decides what next.
    } finally {
      if (idleTimer !== null) o.clearTimer(idleTimer);
      idleTimer = null;
      reader.cancel().catch(() => undefined);
    }
    return opened;
  }

  async function run(): Promise<void> {
    while (!stopped) {
      setState('connecting');
      const parser = new SseParser();
      let opened = false;
      try {
        opened = await connect(parser);
      } catch (err) {
        const code = err instanceof ApiError ? err.code : 'NETWORK_DOWN';
        if (FATAL.has(code)) {
          stopped = true;
          setState('stopped');
          o.onFatal?.(code);
          return;
        }
      }
      if (stopped) break;
      // A connection that said hello and then ended: the server's retry hint; else back off.
      const delay = opened ? (parser.retryMs ?? o.baseDelayMs) : Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** failures++);
      setState('waiting');
      await sleep(delay);
    }
    setState('stopped');
  }

  return {
    start() {
      if (running || stopped) return;
      running = true;
      void run();
    },
    reconnectNow() {
      if (stopped) return;
      failures = 0;
      if (wake) wake();
    },
    stop() {
      stopped = true;
      controller?.abort();
      if (idleTimer !== null) o.clearTimer(idleTimer);
      wake?.();
    },
  };
}
