/**
 * Load generators, loopback only, bounded in time and in requests in flight:
 * - `closedLoop`: autocannon with N connections, each sending its next request when the last
 *   answered — the server's throughput at saturation. Latencies are taken from autocannon's
 *   per-response event (microsecond resolution; its own histogram rounds to whole ms).
 * - `openLoop`: a paced generator over `node:http` keep-alive sockets that sends at a fixed rate
 *   whatever the answers do, and measures each request from the moment it was *scheduled*, so
 *   a stalled server cannot hide its stall by slowing the generator down (coordinated
 *   omission). autocannon's own rate option sends each connection's per-second quota in a
 *   burst at the start of each second, which measures bursts, not a steady rate.
 */
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { summarize, type LatencySummary } from './stats.ts';

/** Bound on kept latency samples per run (memory). */
const MAX_SAMPLES = 4_000_000;

function assertLoopback(url: string): URL {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost' && u.hostname !== '[::1]') {
    throw new Error(`benchmarks load loopback only, not ${u.hostname}`);
  }
  return u;
}

/** Options of a closed-loop run. */
export interface ClosedLoopOptions {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** A fresh body per request (JSON text). */
  body?: () => string;
  /** A fresh request per send (path, headers, body), instead of `path`/`body` (many sessions). */
  request?: () => PerRequest;
  connections: number;
  durationSec: number;
  /** Send exactly this many requests instead of running for `durationSec` (autocannon's `amount`). */
  amount?: number;
}

/** One request of a generator that varies path and headers (sessions, terminals). */
export interface PerRequest {
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Result of a closed-loop run. */
export interface ClosedLoopResult {
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSec: number;
  /** 2xx answers per second. */
  rps: number;
  latency: LatencySummary;
}

/** Run autocannon against `url`; resolves with 2xx throughput and latency. */
export function closedLoop(o: ClosedLoopOptions): Promise<ClosedLoopResult> {
  assertLoopback(o.url);
  const samples: number[] = [];
  const headers = { ...(o.body || o.request ? { 'content-type': 'application/json' } : {}), ...o.headers };
  const makeBody = o.body;
  const makeRequest = o.request;
  const setup = makeRequest
    ? (req: autocannon.Request) => {
        const r = makeRequest();
        return { ...req, path: r.path, headers: { ...headers, ...r.headers }, ...(r.body !== undefined ? { body: r.body } : {}) };
      }
    : makeBody
      ? (req: autocannon.Request) => ({ ...req, body: makeBody() })
      : null;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        ...(o.amount !== undefined ? { amount: o.amount } : { duration: o.durationSec }),
        timeout: 10,
        requests: [{ method: o.method, path: o.path, headers, ...(setup ? { setupRequest: setup } : {}) }],
      },
      (err, result) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        resolve({
          ok: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          durationSec: result.duration,
          rps: result['2xx'] / result.duration,
          latency: summarize(samples),
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300 && samples.length < MAX_SAMPLES) samples.push(responseTime);
    });
  });
}

/** Options of an open-loop run. */
export interface OpenLoopOptions {
  url: string;
  path: string;
  headers?: Record<string, string>;
  /** POSTs instead of GETs: a fresh request per send (path, headers, JSON body). */
  request?: () => PerRequest;
  /** Requests per second, sent evenly spaced. */
  rate: number;
  durationSec: number;
  /** Requests allowed in flight; a request due beyond this counts as failed (default 256). */
  maxInFlight?: number;
  timeoutMs?: number;
  /** The status that counts as answered (default any 2xx; e.g. 304 for revalidations). */
  expectStatus?: number;
}

/** Result of an open-loop run. */
export interface OpenLoopResult {
  scheduled: number;
  ok: number;
  failed: number;
  /** Answers per second achieved. */
  rps: number;
  /** From the scheduled send time to the last byte (what a user at that rate sees). */
  latency: LatencySummary;
  /** From the actual send to the last byte (server + loopback only). */
  service: LatencySummary;
  /** How late the generator sent (its own timer lag), p99 ms. */
  sendLagP99: number;
  /** The generator's own event-loop delay during the run (a starved generator inflates latencies). */
  generatorLoopDelay: { p99Ms: number; maxMs: number };
}

/**
 * Send GETs to `url + path` (or the POSTs `request` makes) at a fixed rate for `durationSec`;
 * never runs past duration + timeout.
 */
export function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const u = assertLoopback(o.url);
  const maxInFlight = o.maxInFlight ?? 256;
  const timeoutMs = o.timeoutMs ?? 5_000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  const total = Math.max(1, Math.floor(o.durationSec * o.rate));
  const interval = 1000 / o.rate;
  const fromScheduled: number[] = [];
  const fromSend: number[] = [];
  const lags: number[] = [];
  let inFlight = 0;
  let ok = 0;
  let failed = 0;
  let next = 0;
  const start = performance.now() + 5;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();

  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(hardStop);
      agent.destroy();
      loop.disable();
      const elapsed = (performance.now() - start) / 1000;
      const lagSorted = lags.sort((a, b) => a - b);
      resolve({
        scheduled: next,
        ok,
        failed,
        rps: ok / Math.max(elapsed, o.durationSec),
        latency: summarize(fromScheduled),
        service: summarize(fromSend),
        sendLagP99: lagSorted[Math.floor(lagSorted.length * 0.99)] ?? Number.NaN,
        generatorLoopDelay: { p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 },
      });
    };
    // Hard bound: whatever happens, stop at duration + timeout + 1 s.
    const hardStop = setTimeout(finish, o.durationSec * 1000 + timeoutMs + 1000);
    const done = () => {
      inFlight--;
      if (next >= total && inFlight === 0) finish();
    };
    const fire = (scheduledAt: number) => {
      if (inFlight >= maxInFlight) {
        failed++;
        return;
      }
      inFlight++;
      const r = o.request?.();
      const headers = r ? { 'content-type': 'application/json', ...o.headers, ...r.headers } : o.headers;
      const sentAt = performance.now();
      lags.push(sentAt - scheduledAt);
      const req = http.request(
        { agent, host: u.hostname, port: u.port, path: r ? r.path : o.path, method: r ? 'POST' : 'GET', headers },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => {
            const end = performance.now();
            const code = res.statusCode ?? 0;
            if (o.expectStatus === undefined ? code >= 200 && code < 300 : code === o.expectStatus) {
              ok++;
              fromScheduled.push(end - scheduledAt);
              fromSend.push(end - sentAt);
            } else {
              failed++;
            }
            done();
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        failed++;
        done();
      });
      req.end(r?.body);
    };
    const tick = () => {
      if (finished) return;
      const now = performance.now();
      while (next < total && start + next * interval <= now) fire(start + next++ * interval);
      if (next < total) setTimeout(tick, Math.max(0, start + next * interval - performance.now() - 0.5));
      else if (inFlight === 0) finish();
    };
    setTimeout(tick, 5);
  });
}
