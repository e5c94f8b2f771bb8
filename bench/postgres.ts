/**
 * Benchmark 7 — PostgreSQL next to SQLite, in one run:
 * - ingest: one report per request (`POST /global/v1/history`), closed loop, into one SQLite
 *   global, one PostgreSQL global, and two PostgreSQL globals over one schema (load split
 *   between them) — the 2 : 1 ratio shows how far a second instance scales on this machine;
 * - handoff across instances: A's stop reported to global 1, B's SSE on global 2 (PostgreSQL,
 *   LISTEN/NOTIFY), next to the same handoff within one SQLite global. Target: ≤ 50 ms p99.
 * The PostgreSQL is `RA_BENCH_DATABASE_URL`, else a throwaway cluster (scripts/pg-throwaway.ts);
 * without either the benchmark reports itself skipped. Stores start empty with the bench
 * catalogue (the 1 M-record home page on both stores is benchmark 8, bench/postgres-home.ts).
 * The handoff is printed in two halves — the report acknowledged by global 1, then the event
 * at B — next to the floor under it: one bare NOTIFY heard by a LISTEN on another connection.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TerminalType } from '../common/protocol/model.ts';
import type { StoreSpec } from '../server-mock/config.ts';
import { openEventStream } from '../server-mock/testing/sse-client.ts';
import { benchCatalog } from './lib/catalog.ts';
import { BENCH_SERVICE_AUTH } from './lib/constants.ts';
import { closedLoop } from './lib/load.ts';
import { benchPostgres, skippedOutput } from './lib/pg.ts';
import { reportGenerator } from './lib/reports.ts';
import { startChild, type ChildServer } from './lib/server-child.ts';
import type { ServerSpec } from './lib/server-entry.ts';
import { int, ms, summarize, times } from './lib/stats.ts';
import type { Benchmark, BenchContext, BenchOutput } from './lib/types.ts';

const ADMIN = 'Bearer raa_bench-admin-token-0123456789abcdef';

async function call(base: string, method: string, path: string, auth: string | null, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(auth ? { authorization: auth } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Catalogue, one account, `n` terminals, through the public API of `base` (also benchmark 1's PostgreSQL rows). */
export async function populate(base: string, tag: string, n: number): Promise<{ id: string; type: TerminalType; credential: string }[]> {
  const put = await call(base, 'PUT', '/admin/v1/programs', ADMIN, { programs: benchCatalog() });
  if (put.status >= 300) throw new Error(`catalogue: ${put.status}`);
  const login = `bench-${tag}@example.com`;
  const password = 'bench-password-0123';
  if ((await call(base, 'POST', '/api/v1/accounts', null, { login, password })).status !== 201) throw new Error('account');
  const token = (await call(base, 'POST', '/api/v1/sessions', null, { login, password })).json.token as string;
  const types: TerminalType[] = ['stb', 'mobile', 'pc'];
  const out = [];
  for (let i = 0; i < n; i++) {
    const type = types[i % 3] as TerminalType;
    const r = await call(base, 'POST', '/api/v1/terminals', `Bearer ${token}`, { name: `T${i}`, type });
    out.push({ id: (r.json.terminal as { id: string }).id, type, credential: r.json.credential as string });
  }
  return out;
}

async function ingest(servers: ChildServer[], gen: ReturnType<typeof reportGenerator>, seconds: number): Promise<{ rps: number; p99: number }> {
  const runs = await Promise.all(servers.map((s) =>
    closedLoop({ url: s.url, method: 'POST', path: '/global/v1/history', headers: { authorization: BENCH_SERVICE_AUTH }, body: gen.next, connections: 10, durationSec: seconds })));
  return { rps: runs.reduce((t, r) => t + r.rps, 0), p99: Math.max(...runs.map((r) => r.latency.p99)) };
}

/** Handoff samples, ms: the whole path, and its two halves (report acknowledged; acknowledgement → event at B). */
interface HandoffSamples {
  total: number[];
  ack: number[];
  afterAck: number[];
}

/** `n` handoffs: stop of terminal A reported to `to`, B's stream open on `from`. */
async function handoffs(to: string, from: string, a: { id: string }, b: { credential: string }, n: number): Promise<HandoffSamples> {
  const stream = await openEventStream(from, b.credential);
  const out: HandoffSamples = { total: [], ack: [], afterAck: [] };
  const programId = benchCatalog().find((p) => p.kind === 'vod' && p.terminalTypes.includes('stb'))?.id;
  try {
    for (let seq = 1; seq <= n; seq++) {
      const arrived = stream.next((e) => e.type === 'history' && e.record.terminalId === a.id && e.record.seq === 2_000_000_000 + seq, 10_000);
      arrived.catch(() => {});
      const t0 = performance.now();
      const r = await call(to, 'POST', '/global/v1/history', BENCH_SERVICE_AUTH, {
        sentAt: Date.now(),
        reports: [{ reportId: `h-${process.pid}-${seq}`, terminalId: a.id, programId, breakpoint: { kind: 'offset', offsetMs: 60_000 + seq * 1000 }, seq: 2_000_000_000 + seq, event: 'stop', observedAt: Date.now() }],
      });
      const acked = performance.now();
      if (r.status !== 200) throw new Error(`handoff report: ${r.status}`);
      const at = (await arrived).at;
      out.total.push(at - t0);
      out.ack.push(acked - t0);
      out.afterAck.push(Math.max(0, at - acked));
    }
  } finally {
    stream.close();
  }
  return out;
}

/** The floor under a cross-instance handoff: one NOTIFY from one connection heard by a LISTEN on another. */
async function notifyRoundTrips(url: string, n: number): Promise<number[]> {
  const listen = new pg.Client({ connectionString: url });
  const send = new pg.Client({ connectionString: url });
  await Promise.all([listen.connect(), send.connect()]);
  const samples: number[] = [];
  try {
    await listen.query('LISTEN bench_floor');
    for (let i = 0; i < n; i++) {
      const heard = new Promise<void>((resolve) => listen.once('notification', () => resolve()));
      const t0 = performance.now();
      await send.query("SELECT pg_notify('bench_floor', $1)", [String(i)]);
      await heard;
      samples.push(performance.now() - t0);
    }
  } finally {
    await Promise.all([listen.end(), send.end()]);
  }
  return samples;
}

const bench: Benchmark = {
  name: 'postgres',
  number: 7,
  title: 'PostgreSQL next to SQLite: ingest on 1 and 2 instances, handoff across instances',
  async run(ctx: BenchContext): Promise<BenchOutput> {
    const pg = await benchPostgres();
    if ('missing' in pg) return skippedOutput('PostgreSQL benchmarks', pg.missing);
    const url = pg.url;
    const started: ChildServer[] = [];
    try {
      const spec = (label: string, store: StoreSpec): ServerSpec => {
        const dataDir = join(ctx.workDir, label);
        mkdirSync(dataDir, { recursive: true });
        return { kind: 'app', dataDir, roles: ['global'], synchronous: 'NORMAL', store, pgSchema: `bench_${process.pid}` };
      };
      const sqlite = await startChild(spec('sqlite', { kind: 'sqlite' }));
      started.push(sqlite);
      const g1 = await startChild(spec('pg1', { kind: 'postgres', url }));
      started.push(g1);
      const g2 = await startChild(spec('pg2', { kind: 'postgres', url }));
      started.push(g2);
      ctx.log('populating both stores');
      const sqliteTerms = await populate(sqlite.url, 'sqlite', 30);
      const pgTerms = await populate(g1.url, 'pg', 30);

      const seconds = ctx.quick ? 2 : 10;
      ctx.log(`ingest, ${seconds} s each`);
      const iSqlite = await ingest([sqlite], reportGenerator('sq', sqliteTerms), seconds);
      const iPg1 = await ingest([g1], reportGenerator('p1', pgTerms), seconds);
      const iPg2 = await ingest([g1, g2], reportGenerator('p2', pgTerms), seconds);

      const n = ctx.quick ? 50 : 500;
      ctx.log(`${n} handoffs per path`);
      const [a, b] = pgTerms as [(typeof pgTerms)[number], (typeof pgTerms)[number]];
      const [sa, sb] = sqliteTerms as [(typeof sqliteTerms)[number], (typeof sqliteTerms)[number]];
      const pgRaw = await handoffs(g1.url, g2.url, a, b, n);
      const sqRaw = await handoffs(sqlite.url, sqlite.url, sa, sb, n);
      const hPg = summarize(pgRaw.total);
      const hSqlite = summarize(sqRaw.total);
      const floor = summarize(await notifyRoundTrips(url, n));
      const half = (xs: number[]) => summarize(xs);

      return {
        tables: [
          {
            title: `Ingest — one report per request, 10 connections per instance, ${seconds} s`,
            columns: ['store', 'instances', 'reports/s', 'p99 latency'],
            rows: [
              ['SQLite', 1, int(iSqlite.rps), ms(iSqlite.p99)],
              ['PostgreSQL', 1, int(iPg1.rps), ms(iPg1.p99)],
              ['PostgreSQL', 2, int(iPg2.rps), ms(iPg2.p99)],
            ],
          },
          {
            title: `Handoff — stop reported → SSE event at B, ${n} handoffs`,
            columns: ['path', 'p50', 'p99', 'max', 'report acknowledged p50 / p99', 'acknowledged → event p50 / p99'],
            rows: [
              ['SQLite, one instance', ms(hSqlite.p50), ms(hSqlite.p99), ms(hSqlite.max), `${ms(half(sqRaw.ack).p50)} / ${ms(half(sqRaw.ack).p99)}`, `${ms(half(sqRaw.afterAck).p50)} / ${ms(half(sqRaw.afterAck).p99)}`],
              ['PostgreSQL, report to global 1, SSE on global 2', ms(hPg.p50), ms(hPg.p99), ms(hPg.max), `${ms(half(pgRaw.ack).p50)} / ${ms(half(pgRaw.ack).p99)}`, `${ms(half(pgRaw.afterAck).p50)} / ${ms(half(pgRaw.afterAck).p99)}`],
              ['floor: NOTIFY on one connection → heard by LISTEN on another (no server)', ms(floor.p50), ms(floor.p99), ms(floor.max), '', ''],
            ],
          },
        ],
        targets: [
          { target: 'handoff across instances ≤ 50 ms p99 (loopback)', measured: ms(hPg.p99), met: hPg.p99 <= 50 },
          { target: 'ingest scales with a second instance (ratio 2 : 1 shown)', measured: times(iPg2.rps / iPg1.rps), met: null },
        ],
        notes: [
          'Every server is a child process; PostgreSQL 15 runs on the same machine (2 cores shared with the load generator and the other servers), so the 2-instance ratio is bounded by cores, not by the design.',
          'Stores start empty with the 200-programme bench catalogue and 30 terminals; the home page at 1 M records on both stores is benchmark 8.',
          pg.throwaway ? 'PostgreSQL: a throwaway cluster with fsync off (scripts/pg-throwaway.ts), so commits cost what the server work costs, not the disk.' : 'PostgreSQL: RA_BENCH_DATABASE_URL.',
        ],
        data: { ingest: { sqlite: iSqlite, pg1: iPg1, pg2: iPg2 }, handoff: { pg: hPg, sqlite: hSqlite, floor, pgAck: half(pgRaw.ack), pgAfterAck: half(pgRaw.afterAck) }, seconds, handoffs: n },
      };
    } finally {
      for (const s of started.reverse()) await s.stop().catch(() => {});
      pg.release();
    }
  },
};

export default bench;
