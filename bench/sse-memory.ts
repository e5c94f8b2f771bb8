/**
 * Benchmark 9 — Push connections: memory per idle SSE client. N terminals (each its own seeded
 * terminal and credential) hold `GET /api/v1/events` open on the real server (global + portal,
 * over a copy of the 100 k-record store); the baseline is a bare node:http SSE server (no
 * framework) in the same kind of child process, holding the same number of streams, in the same
 * run. Memory per client = (after − before) / N of the server process, measured after two
 * forced full collections (`--expose-gc`): its resident set (what the machine pays; the target)
 * and its V8 heap. Clients are raw loopback sockets (`bench/lib/idle-streams.ts`) opened 100 at
 * a time; every one must have received its `hello` and still be open when memory is measured.
 * The kernel's socket buffers are not in either figure (they are not the process's memory).
 */
import { spawnSync } from 'node:child_process';
import { openIdleStreams } from './lib/idle-streams.ts';
import { startChild, type ChildServer } from './lib/server-child.ts';
import type { HeapStats } from './lib/server-entry.ts';
import { startGlobal } from './lib/servers.ts';
import { seededTerminals } from './lib/sessions.ts';
import { int } from './lib/stats.ts';
import type { Benchmark, BenchContext, BenchOutput } from './lib/types.ts';
import { seededStore, terminalCredential } from './seed.ts';

/** The process's open-file limit (soft), as the shell reports it. */
function fdLimit(): number {
  const r = spawnSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const n = Number(r.stdout.trim());
  return r.stdout.trim() === 'unlimited' ? Number.POSITIVE_INFINITY : n;
}

interface Measured {
  before: HeapStats;
  after: HeapStats;
  openSec: number;
  open: number;
}

async function hold(server: ChildServer, n: number, authorization: ((i: number) => string) | undefined, settleMs: number): Promise<Measured> {
  const before = await server.stats();
  if (!before.collected) throw new Error('the server child was not started with --expose-gc');
  const t0 = performance.now();
  const streams = await openIdleStreams({ url: server.url, path: '/api/v1/events', n, ...(authorization ? { authorization } : {}), concurrency: 100 });
  const openSec = (performance.now() - t0) / 1000;
  try {
    // Let the open settle (last-seen writes, lazily freed request state) before measuring.
    await new Promise((r) => setTimeout(r, settleMs));
    const after = await server.stats();
    if (streams.open !== n) throw new Error(`${n - streams.open} of ${n} streams closed before the measurement`);
    return { before, after, openSec, open: streams.open };
  } finally {
    streams.close();
  }
}

async function run(ctx: BenchContext): Promise<BenchOutput> {
  const n = ctx.quick ? 1_000 : 10_000;
  const size = ctx.quick ? 10_000 : 100_000;
  const limit = fdLimit();
  // The client (parent) and the server (child) each hold one descriptor per stream.
  if (limit < n + 1_000) throw new Error(`open-file limit ${limit} is below ${n + 1_000}: run under \`ulimit -n ${n + 5_000}\``);
  const seed = await seededStore(size, { cacheDir: ctx.cacheDir, log: ctx.log });
  const settleMs = ctx.quick ? 500 : 2_000;

  ctx.log(`sse-memory: bare node:http, ${int(n)} streams`);
  const bare = await startChild({ kind: 'bare-sse' }, undefined, undefined, ['--expose-gc']);
  let bareM: Measured;
  try {
    bareM = await hold(bare, n, undefined, settleMs);
  } finally {
    await bare.stop();
  }

  const app = await startGlobal(ctx.workDir, 'sse', seed, { roles: ['global', 'portal'], nodeArgs: ['--expose-gc'] });
  let appM: Measured;
  try {
    const terminals = seededTerminals(app.dbFile, n);
    if (terminals.length < n) throw new Error(`the store has ${terminals.length} terminals, fewer than ${n}`);
    ctx.log(`sse-memory: GET /api/v1/events, ${int(n)} streams`);
    appM = await hold(app, n, (i) => `Bearer ${terminalCredential((terminals[i] as { id: string }).id)}`, settleMs);
  } finally {
    await app.stop();
  }

  const per = (m: Measured, k: 'rss' | 'heapUsed' | 'external') => (m.after[k] - m.before[k]) / n;
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
  const row = (label: string, m: Measured) => [
    label, int(m.open), m.openSec.toFixed(1), (m.before.rss / 1e6).toFixed(0), (m.after.rss / 1e6).toFixed(0), kb(per(m, 'rss')), kb(per(m, 'heapUsed')), kb(per(m, 'external')),
  ];
  const appRss = per(appM, 'rss') / 1024;
  return {
    tables: [
      {
        title: `Idle SSE clients — ${int(n)} streams held open on loopback; memory of the server process after a full GC, before and with all open`,
        columns: ['server', 'streams open', 'opened in s', 'RSS before MB', 'RSS with streams MB', 'RSS per client', 'V8 heap per client', 'external per client'],
        rows: [row('bare node:http SSE server (baseline)', bareM), row('GET /api/v1/events (global + portal)', appM)],
      },
    ],
    targets: [
      {
        target: `memory per idle SSE client ≤ 20 KB (${int(n)} connections, resident set)`,
        measured: `${appRss.toFixed(2)} KB (heap ${kb(per(appM, 'heapUsed'))}; bare node:http ${kb(per(bareM, 'rss'))})`,
        met: appRss <= 20,
      },
    ],
    notes: [
      'Server in a child process with --expose-gc; the clients (one raw socket each, hello read, then idle) in the parent; loopback only.',
      `Each stream is a different seeded terminal with its own credential: the route authenticates it, loads its profile scope, subscribes it to its household's bus and arms its 15 s keep-alive timer. Open-file limit ${limit === Number.POSITIVE_INFINITY ? 'unlimited' : int(limit)} (client and server each hold one descriptor per stream).`,
      'RSS is the process’s resident memory (V8 heap, Node’s and libuv’s native objects, SQLite’s cache); the kernel’s socket buffers are not in it.',
    ],
    data: { n, size, fdLimit: limit, bare: bareM, app: appM },
  };
}

const bench: Benchmark = { name: 'sse-memory', number: 11, title: 'Push connections: memory per idle SSE client', run };
export default bench;
