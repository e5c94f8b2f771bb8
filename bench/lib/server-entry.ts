/**
 * Child-process entry of every server a benchmark starts (forked by `server-child.ts`), so the
 * server under load has its own core and event loop while the load generator runs in the
 * parent. Kinds:
 * - `app`: the real server (`buildApp`) over a SQLite file, on 127.0.0.1, port 0;
 * - `bare`: a bare Fastify app in the same kind of process — the baselines: `POST /ingest`
 *   (parse a JSON body, answer a small JSON reply), `GET /home` (answer a given JSON document), `GET /not-modified` (a 304),
 *   `GET /api/v1/events` + `POST /stop` (an SSE stream, and a route that writes one frame to every
 *   open stream before answering).
 * Messages over IPC: parent → `{ type: 'cpu' }` | `{ type: 'stop' }`; child → `{ type: 'ready', url }`,
 * `{ type: 'cpu', … }`, `{ type: 'error', message }`.
 */
import { join } from 'node:path';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import Fastify from 'fastify';
import { buildApp } from '../../server-mock/app.ts';
import { defaultConfig, type Config, type Role } from '../../server-mock/config.ts';
import { openStore } from '../../server-mock/store/open.ts';
import type { StoreSpec } from '../../server-mock/config.ts';
import type { Store } from '../../server-mock/store/types.ts';
import { BENCH_PLAY_TOKEN_SECRET, BENCH_SERVICE } from './constants.ts';


/** What to start. */
export type ServerSpec =
  | {
      kind: 'app';
      /** Data dir holding `resume.sqlite` (and the streaming outbox). */
      dataDir: string;
      roles: Role[];
      synchronous: 'NORMAL' | 'FULL';
      /** The store (default: SQLite in `dataDir`). */
      store?: StoreSpec;
      /** PostgreSQL schema, when `store` is PostgreSQL. */
      pgSchema?: string;
      /** Streaming settings a benchmark needs (sessions that stay open, a report interval). */
      overrides?: Partial<Pick<Config, 'instanceId' | 'reportIntervalSec' | 'heartbeatIntervalSec' | 'sessionTimeoutSec' | 'playTokenTtlSec'>>;
      /** Where global is, for a process without the global role (a cluster deployed apart from it). */
      globalUrl?: string;
    }
  | { kind: 'bare'; homeBody?: string }
  /** A bare node:http SSE server (no framework): the floor of an idle push connection's memory. */
  | { kind: 'bare-sse' };

/** What a `stats` query answers: the heap after a full GC (when exposed) and the streaming role's counters. */
export interface HeapStats {
  heapUsed: number;
  rss: number;
  external: number;
  /** Whether `--expose-gc` let the child collect before measuring. */
  collected: boolean;
  /** Open play sessions and reports queued for global since start (streaming role; 0 without it). */
  sessions: number;
  reportsQueued: number;
  reportsPending: number;
}

/** CPU time used by the child since it started, and wall time. */
export interface CpuSample {
  userUs: number;
  systemUs: number;
  wallMs: number;
  rssBytes: number;
  /** Since the previous sample: event-loop delay (ms) and garbage-collection pauses. */
  loopDelay: { p99Ms: number; maxMs: number };
  gc: { count: number; totalMs: number; maxMs: number };
}

type FromParent = { type: 'cpu' } | { type: 'stats' } | { type: 'stop' };

async function startApp(spec: Extract<ServerSpec, { kind: 'app' }>) {
  const config = defaultConfig({
    host: '127.0.0.1',
    port: 0,
    dataDir: spec.dataDir,
    roles: spec.roles,
    serviceCredentials: [BENCH_SERVICE],
    adminToken: 'raa_bench-admin-token-0123456789abcdef',
    seedDemo: false,
    logLevel: 'silent',
    // The seeded records are up to 14 days old; a long retention keeps aging from deleting them.
    retentionDays: 3650,
    sqliteSynchronous: spec.synchronous,
    playTokenSecret: BENCH_PLAY_TOKEN_SECRET,
    // One report per stop; no batching delay on the streaming side.
    reportIntervalSec: 30,
    ...(spec.globalUrl ? { globalUrl: spec.globalUrl } : {}),
    ...spec.overrides,
  });
  const store: Store = await openStore({
    store: spec.store ?? { kind: 'sqlite' }, dataDir: spec.dataDir, sqliteSynchronous: spec.synchronous, pgSchema: spec.pgSchema,
  });
  const { app } = await buildApp({ config, store, logger: false, outboxFile: join(spec.dataDir, 'outbox.sqlite') });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    streaming: () => {
      const st = app.streaming;
      return st ? { sessions: st.sessions.openCount, reportsQueued: st.reporter.queued, reportsPending: st.reporter.pending } : null;
    },
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

async function startBare(spec: Extract<ServerSpec, { kind: 'bare' }>) {
  const app = Fastify({ logger: false });
  const home: unknown = spec.homeBody ? JSON.parse(spec.homeBody) : { ok: true };
  app.post('/ingest', async (req) => {
    const body = req.body as { reports: { reportId: string }[] };
    return { results: body.reports.map((r) => ({ reportId: r.reportId, outcome: 'applied' })) };
  });
  app.get('/home', async () => home);
  // Baseline of a revalidation: a bare route that answers 304 with an entity tag.
  app.get('/not-modified', async (_req, reply) => reply.code(304).header('etag', '"bare"').send());
  // The heartbeat baseline: parse the body, answer a reply of the same shape and size.
  const token = `pt1.${'x'.repeat(300)}`;
  app.post('/stream/v1/sessions/:sessionId/heartbeat', async (req) => {
    const body = req.body as { seq: number };
    return { playToken: token, tokenExpiresAt: Date.now() + 1_800_000, nextHeartbeatMs: 5_000, result: body.seq >= 0 ? 'applied' : 'stale' };
  });
  const streams = new Set<ServerResponse>();
  let id = 0;
  app.get('/api/v1/events', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.write(`retry: 2000\n\nid: ${++id}\nevent: hello\ndata: ${JSON.stringify({ type: 'hello', terminalId: 'bare-terminal', at: Date.now() })}\n\n`);
    streams.add(res);
    req.raw.on('close', () => streams.delete(res));
  });
  app.post('/stop', async (req) => {
    const body = req.body as { seq: number };
    const frame = JSON.stringify({ type: 'history', seq: body.seq });
    for (const res of streams) res.write(`id: ${++id}\nevent: history\ndata: ${frame}\n\n`);
    return { result: 'applied' };
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    streaming: () => null,
    close: async () => {
      for (const res of streams) res.end();
      await app.close();
    },
  };
}

/** `GET /api/v1/events`: headers, `retry` and a hello frame, then idle (one keep-alive timer for all). */
async function startBareSse() {
  const streams = new Set<ServerResponse>();
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || !req.url?.startsWith('/api/v1/events')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.write(`retry: 2000\n\nid: 1\nevent: hello\ndata: ${JSON.stringify({ type: 'hello', terminalId: 'bare-terminal', at: Date.now() })}\n\n`);
    streams.add(res);
    req.on('close', () => streams.delete(res));
  });
  const keepAlive = setInterval(() => {
    for (const res of streams) res.write(': keep-alive\n\n');
  }, 15_000);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    streaming: () => null,
    close: async () => {
      clearInterval(keepAlive);
      for (const res of streams) res.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;
  const started = performance.now();
  const server = spec.kind === 'app' ? await startApp(spec) : spec.kind === 'bare-sse' ? await startBareSse() : await startBare(spec);
  const cpuAtReady = process.cpuUsage();
  // What stalls the loop, for the tables' notes: event-loop delay and GC pauses between samples.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let gc = { count: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc = { count: gc.count + 1, totalMs: gc.totalMs + e.duration, maxMs: Math.max(gc.maxMs, e.duration) };
  }).observe({ entryTypes: ['gc'] });
  const send = (msg: object) => process.send?.(msg);
  process.on('message', (msg: FromParent) => {
    if (msg.type === 'cpu') {
      const c = process.cpuUsage(cpuAtReady);
      const loopDelay = { p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 };
      send({ type: 'cpu', userUs: c.user, systemUs: c.system, wallMs: performance.now() - started, rssBytes: process.memoryUsage().rss, loopDelay, gc });
      loop.reset();
      gc = { count: 0, totalMs: 0, maxMs: 0 };
    } else if (msg.type === 'stats') {
      const gcNow = (globalThis as { gc?: () => void }).gc;
      if (gcNow) {
        gcNow();
        gcNow();
      }
      const m = process.memoryUsage();
      const st = server.streaming();
      const stats: HeapStats = {
        heapUsed: m.heapUsed, rss: m.rss, external: m.external, collected: gcNow !== undefined,
        sessions: st?.sessions ?? 0, reportsQueued: st?.reportsQueued ?? 0, reportsPending: st?.reportsPending ?? 0,
      };
      send({ type: 'stats', ...stats });
    } else if (msg.type === 'stop') {
      void server.close().finally(() => process.exit(0));
    }
  });
  // The parent going away (crash, Ctrl-C) takes the server with it.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', url: server.url });
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    process.send?.({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  });
}
