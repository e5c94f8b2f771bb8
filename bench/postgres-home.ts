/**
 * Benchmark 8 — Home page at 1 M records on PostgreSQL, next to SQLite and a bare baseline, in
 * one run: the store of benchmark 2 (bench/seed.ts: 1 M records, 100 k users, the measured set-top
 * box of a user with 10 terminals) is copied row for row into a PostgreSQL schema
 * (bench/lib/seed-postgres.ts); then `GET /portal/v1/home` at a steady 500 requests/s (open loop)
 * against a global+portal process over each store, and the bare Fastify route answering the same
 * JSON. Both stores must answer the same Continue-watching row, or the benchmark fails.
 * Seeding PostgreSQL at 1 M takes ~2–3 min on this shared machine (a throwaway cluster starts
 * empty every run; with `RA_BENCH_DATABASE_URL` the seeded schema is reused); `BENCH_PG_HOME_RECORDS`
 * picks another size.
 */
import { join } from 'node:path';
import { fetchHome, HOME_RATE } from './home.ts';
import { closedLoop, openLoop } from './lib/load.ts';
import { benchPostgres, skippedOutput } from './lib/pg.ts';
import { seedPostgres } from './lib/seed-postgres.ts';
import { startChild, type ChildServer } from './lib/server-child.ts';
import { startBare, startGlobal } from './lib/servers.ts';
import { int, median, ms } from './lib/stats.ts';
import type { Benchmark, BenchContext, BenchOutput } from './lib/types.ts';
import { seededStore } from './seed.ts';

interface Measured {
  label: string;
  p50: number;
  p99: number;
  max: number;
  rps: number;
  failed: number;
  capacity: number;
}

/** The row's cards, comparable across stores. */
const cardsOf = (body: string) =>
  (JSON.parse(body) as { continueWatching: { program: { id: string }; record: { terminalId: string; breakpoint: unknown; seq: number } }[] }).continueWatching
    .map((c) => `${c.program.id}@${c.record.terminalId}:${JSON.stringify(c.record.breakpoint)}#${c.record.seq}`);

async function run(ctx: BenchContext): Promise<BenchOutput> {
  const size = Number(process.env.BENCH_PG_HOME_RECORDS) || (ctx.quick ? 10_000 : 1_000_000);
  const seconds = ctx.quick ? 1.5 : 8;
  const rounds = ctx.quick ? 1 : 2;
  const pg = await benchPostgres();
  if ('missing' in pg) return skippedOutput('home page on PostgreSQL', pg.missing);
  const started: ChildServer[] = [];
  try {
    const seed = await seededStore(size, { cacheDir: ctx.cacheDir, log: ctx.log });
    const pgSeed = await seedPostgres(seed, pg.url, ctx.log);
    const stb = seed.measured.terminals[0];
    if (!stb) throw new Error('seed has no measured terminal');
    const auth = { authorization: `Bearer ${stb.credential}` };

    const sqlite = await startGlobal(ctx.workDir, 'home-sqlite', seed);
    started.push(sqlite);
    const onPg = await startChild({ kind: 'app', dataDir: join(ctx.workDir, 'home-pg'), roles: ['global', 'portal'], synchronous: 'NORMAL', store: { kind: 'postgres', url: pg.url }, pgSchema: pgSeed.schema });
    started.push(onPg);
    const sample = await fetchHome(sqlite.url, stb.credential);
    const pgSample = await fetchHome(onPg.url, stb.credential);
    if (cardsOf(sample.body).join('|') !== cardsOf(pgSample.body).join('|')) {
      throw new Error(`the two stores answer different rows:\n  sqlite ${cardsOf(sample.body).join(' ')}\n  postgres ${cardsOf(pgSample.body).join(' ')}`);
    }
    const bare = await startBare(sample.body);
    started.push(bare);

    const targets = [
      { label: 'bare Fastify, same JSON (baseline)', child: bare, path: '/home', headers: {} },
      { label: 'SQLite: GET /portal/v1/home', child: sqlite, path: '/portal/v1/home', headers: auth },
      { label: 'PostgreSQL: GET /portal/v1/home', child: onPg, path: '/portal/v1/home', headers: auth },
    ];
    const phases = new Map<string, Awaited<ReturnType<typeof openLoop>>[]>();
    for (const t of targets) await openLoop({ url: t.child.url, path: t.path, headers: t.headers, rate: HOME_RATE, durationSec: ctx.quick ? 0.5 : 2 });
    for (let round = 1; round <= rounds; round++) {
      for (const t of targets) {
        ctx.log(`home round ${round}/${rounds}: ${t.label}`);
        const r = await openLoop({ url: t.child.url, path: t.path, headers: t.headers, rate: HOME_RATE, durationSec: seconds });
        phases.set(t.label, [...(phases.get(t.label) ?? []), r]);
      }
    }
    const results: Measured[] = [];
    for (const t of targets) {
      const cap = await closedLoop({ url: t.child.url, method: 'GET', path: t.path, headers: t.headers, connections: 10, durationSec: ctx.quick ? 1 : 4 });
      const ps = phases.get(t.label) ?? [];
      results.push({
        label: t.label,
        rps: median(ps.map((p) => p.rps)),
        p50: median(ps.map((p) => p.latency.p50)),
        p99: median(ps.map((p) => p.latency.p99)),
        max: Math.max(...ps.map((p) => p.latency.max)),
        failed: ps.reduce((n, p) => n + p.failed, 0),
        capacity: cap.rps,
      });
    }
    const [base, sq, pgr] = results as [Measured, Measured, Measured];
    return {
      tables: [{
        title: `Home page — ${HOME_RATE} requests/s for ${seconds} s × ${rounds} rounds (medians); ${int(seed.records)} records, ${int(seed.users)} users; ${sample.cards} cards, ${int(sample.body.length)} bytes`,
        columns: ['server', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'capacity req/s', 'failed'],
        rows: results.map((r) => [r.label, int(r.rps), ms(r.p50), ms(r.p99), ms(r.max), int(r.capacity), String(r.failed)]),
      }],
      targets: [
        { target: `home p99 < 10 ms at ${HOME_RATE} requests/s on PostgreSQL (${int(seed.records)} records)`, measured: `${ms(pgr.p99)} ms (SQLite ${ms(sq.p99)} ms, baseline ${ms(base.p99)} ms)`, met: pgr.p99 < 10 },
      ],
      notes: [
        'Each server in its own child process; PostgreSQL on the same machine (2 cores shared with the generator and the servers).',
        'The PostgreSQL schema holds the very rows of the SQLite seed (copied by bench/lib/seed-postgres.ts); both answers are checked to carry the same row.',
        pgSeed.seededInSec === null ? 'PostgreSQL seed: reused from an earlier run (RA_BENCH_DATABASE_URL).' : `PostgreSQL seed: copied in ${pgSeed.seededInSec.toFixed(0)} s (multi-row INSERT … unnest, indexes rebuilt after).`,
        pg.throwaway ? 'PostgreSQL: a throwaway cluster with fsync off (scripts/pg-throwaway.ts).' : 'PostgreSQL: RA_BENCH_DATABASE_URL.',
      ],
      data: { size, seconds, rounds, rate: HOME_RATE, results, seededInSec: pgSeed.seededInSec },
    };
  } finally {
    for (const s of started.reverse()) await s.stop().catch(() => {});
    pg.release();
  }
}

const bench: Benchmark = { name: 'postgres-home', number: 8, title: 'Home page at 1 M records on PostgreSQL next to SQLite', run };
export default bench;
