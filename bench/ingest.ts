/**
 * Benchmark 1 — Ingest: history reports per second into the global server
 * (`POST /global/v1/history`, one report per request, each a real write) next to a bare Fastify
 * route that parses the same JSON body and answers a reply of the same shape, in the same kind
 * of child process, in the same run. Each round runs, in turn: the baseline; a replayed report
 * (the same path without the write); synchronous=NORMAL (the default); FULL; and batches of 20
 * reports per request (as a cluster's outbox sends them) — so the machine's noise hits them
 * alike; the ratios use medians.
 *
 * Durability: the route awaits `HistoryService.ingest`, which awaits `store.applyReports`, which
 * settles only after its `COMMIT` returned — the reply is built after the commit. The benchmark
 * also checks it: the last round of NORMAL and FULL kills the server with SIGKILL under load,
 * then counts the reports that reached the file; every acknowledged report must be there.
 *
 * PostgreSQL rows (when a PostgreSQL can be had: bench/lib/pg.ts): the same two loads, one and
 * 20 reports per request, against a global child on PostgreSQL (one instance; benchmark 7 has
 * two), alternating in the same rounds. Its store is the one benchmark 7 measures (fresh, 30
 * terminals of one account), not the 1 M-record file; its server µs/report counts the global
 * process only, not PostgreSQL's backends.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { BENCH_SERVICE_AUTH } from './lib/constants.ts';
import { closedLoop, type ClosedLoopResult } from './lib/load.ts';
import { reportGenerator } from './lib/reports.ts';
import { benchPostgres } from './lib/pg.ts';
import { coreShare, cpuUs, startChild, type ChildServer } from './lib/server-child.ts';
import { startBare, startGlobal } from './lib/servers.ts';
import { int, median, ms, pct } from './lib/stats.ts';
import type { Benchmark, BenchContext, BenchOutput } from './lib/types.ts';
import type { TerminalType } from '../common/protocol/model.ts';
import { populate } from './postgres.ts';
import { seededStore, type SeedInfo } from './seed.ts';

type Mode = 'baseline' | 'replay' | 'NORMAL' | 'FULL' | 'batch' | 'pg' | 'pg-batch';

/** Modes in the order each round runs them (the PostgreSQL ones when there is a PostgreSQL). */
const SQLITE_MODES: readonly Mode[] = ['baseline', 'replay', 'NORMAL', 'FULL', 'batch'];
const PG_MODES: readonly Mode[] = ['pg', 'pg-batch'];

/** Reports per request in the `batch` mode (a cluster's outbox sends up to 200). */
const BATCH = 20;

interface Phase {
  mode: Mode;
  round: number;
  result: ClosedLoopResult;
  serverCores: number;
  serverUsPerRequest: number;
  generatorCores: number;
}

/** Reports that reached the file: rows with the generator's report-id prefix. */
export function countDurable(dbFile: string, prefix: string): number {
  const db = new DatabaseSync(dbFile);
  try {
    const row = db
      .prepare('SELECT COUNT(*) AS n FROM history_reports WHERE report_id >= ? AND report_id < ?')
      .get(prefix, `${prefix}\uffff`) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

/** One measured closed-loop phase against a server, with CPU sampled on both sides. */
async function measure(server: ChildServer, path: string, body: () => string, connections: number, durationSec: number) {
  const before = await server.cpu();
  const genBefore = process.cpuUsage();
  const t0 = performance.now();
  const result = await closedLoop({ url: server.url, method: 'POST', path, headers: { authorization: BENCH_SERVICE_AUTH }, body, connections, durationSec });
  const wall = performance.now() - t0;
  const gen = process.cpuUsage(genBefore);
  const after = await server.cpu();
  return {
    result,
    serverCores: coreShare(before, after),
    serverUsPerRequest: cpuUs(before, after) / Math.max(1, result.ok),
    generatorCores: (gen.user + gen.system) / 1000 / wall,
  };
}

async function run(ctx: BenchContext): Promise<BenchOutput> {
  const size = ctx.quick ? 10_000 : 1_000_000;
  const seconds = ctx.quick ? 1 : 4;
  const warmup = ctx.quick ? 0.5 : 1;
  const rounds = ctx.quick ? 1 : 2;
  const connections = 10;
  const seed: SeedInfo = await seededStore(size, { cacheDir: ctx.cacheDir, log: ctx.log });
  const phases: Phase[] = [];
  const durability: { mode: Mode; acked: number; durable: number; sent: number }[] = [];
  const copied = new Set<string>();
  const pgDb = await benchPostgres();
  const MODES = 'missing' in pgDb ? SQLITE_MODES : [...SQLITE_MODES, ...PG_MODES];
  if ('missing' in pgDb) ctx.log(`ingest: no PostgreSQL rows — ${pgDb.missing}`);
  let pgTerminals: { id: string; type: TerminalType }[] | null = null;

  try {
  for (let round = 1; round <= rounds; round++) {
    for (const mode of MODES) {
      ctx.log(`ingest round ${round}/${rounds}: ${mode}`);
      let server: ChildServer;
      let dbFile: string | null = null;
      if (mode === 'baseline') {
        server = await startBare();
      } else if (mode === 'pg' || mode === 'pg-batch') {
        const dataDir = join(ctx.workDir, 'ingest-pg');
        mkdirSync(dataDir, { recursive: true });
        const url = (pgDb as { url: string }).url;
        server = await startChild({ kind: 'app', dataDir, roles: ['global'], synchronous: 'NORMAL', store: { kind: 'postgres', url }, pgSchema: `bench_ingest_${process.pid}` });
        try {
          pgTerminals ??= await populate(server.url, 'ingest', 30);
        } catch (err) {
          await server.stop();
          throw err;
        }
      } else {
        const dir = mode === 'FULL' ? 'ingest-FULL' : 'ingest-NORMAL';
        const g = await startGlobal(ctx.workDir, dir, seed, { synchronous: mode === 'FULL' ? 'FULL' : 'NORMAL', reuse: copied.has(dir) });
        copied.add(dir);
        server = g;
        dbFile = g.dbFile;
      }
      const gen = reportGenerator(`${mode}-r${round}`, pgTerminals && mode.startsWith('pg') ? pgTerminals : seed.sampleTerminals);
      // replay: one report sent again and again — a duplicate, so everything but the write.
      const first = gen.next();
      const body = mode === 'replay' ? () => first : mode === 'batch' || mode === 'pg-batch' ? () => gen.batch(BATCH) : gen.next;
      const last = round === rounds;
      const path = mode === 'baseline' ? '/ingest' : '/global/v1/history';
      const load = (durationSec: number) =>
        closedLoop({ url: server.url, method: 'POST', path, headers: { authorization: BENCH_SERVICE_AUTH }, body, connections, durationSec });
      let acked = 0;
      try {
        const w = await load(warmup);
        acked += w.ok;
        if (w.ok === 0) throw new Error(`${mode}: warm-up got no 2xx answer (${w.non2xx} non-2xx, ${w.errors} errors)`);
        const m = await measure(server, path, body, connections, seconds);
        acked += m.result.ok;
        phases.push({ mode, round, ...m });
        if ((mode === 'NORMAL' || mode === 'FULL') && last && dbFile) {
          // Crash under load: SIGKILL halfway through a short phase; every 2xx received must be in the file.
          const crashSec = ctx.quick ? 1 : 2;
          const killer = setTimeout(() => void server.kill(), (crashSec * 1000) / 2);
          const c = await load(crashSec);
          clearTimeout(killer);
          acked += c.ok;
          await server.kill();
          durability.push({ mode, acked, durable: countDurable(dbFile, gen.prefix), sent: gen.sent });
        }
      } finally {
        await server.stop();
      }
    }
  }
  } finally {
    if (!('missing' in pgDb)) pgDb.release();
  }

  const by = (mode: Mode) => phases.filter((p) => p.mode === mode);
  const med = (mode: Mode, f: (p: Phase) => number) => median(by(mode).map(f));
  const perRequest = (mode: Mode) => (mode === 'batch' || mode === 'pg-batch' ? BATCH : 1);
  const reportsPerSec = (mode: Mode) => med(mode, (p) => p.result.rps * perRequest(mode));
  const baseRps = med('baseline', (p) => p.result.rps);
  const label: Record<Mode, string> = {
    baseline: 'bare Fastify route (baseline)',
    replay: 'global, replayed report (no write: auth, validation, lookups)',
    NORMAL: 'global, synchronous=NORMAL (default)',
    FULL: 'global, synchronous=FULL',
    batch: `global, NORMAL, ${BATCH} reports per request (as a cluster's outbox batches)`,
    pg: 'global on PostgreSQL (1 instance, fresh store of 30 terminals), one report per request',
    'pg-batch': `global on PostgreSQL (1 instance), ${BATCH} reports per request`,
  };
  const rows = MODES.map((mode) => [
    label[mode],
    int(reportsPerSec(mode)),
    ms(med(mode, (p) => p.result.latency.p50)),
    ms(med(mode, (p) => p.result.latency.p99)),
    pct(reportsPerSec(mode) / baseRps),
    med(mode, (p) => p.serverCores).toFixed(2),
    int(med(mode, (p) => p.serverUsPerRequest / perRequest(mode))),
    med(mode, (p) => p.generatorCores).toFixed(2),
    String(by(mode).reduce((s, p) => s + p.result.non2xx + p.result.errors, 0)),
  ]);
  const normalRatio = reportsPerSec('NORMAL') / baseRps;
  const fullRatio = reportsPerSec('FULL') / baseRps;
  const batchRatio = reportsPerSec('batch') / baseRps;
  const allDurable = durability.every((d) => d.durable >= d.acked && d.durable <= d.sent);

  return {
    tables: [
      {
        title: `Ingest — ${connections} connections, one report per request unless said, ${seconds} s × ${rounds} alternating rounds (medians), store of ${int(seed.records)} records`,
        columns: ['server', 'reports/s', 'p50 ms (per request)', 'p99 ms (per request)', 'vs baseline', 'server CPU (cores)', 'server µs/report', 'generator CPU (cores)', 'errors'],
        rows,
      },
      {
        title: 'Durability — SIGKILL under load, then count the reports in the file',
        columns: ['mode', 'acknowledged (2xx)', 'in the file', 'sent', 'every ack durable'],
        rows: durability.map((d) => [d.mode, int(d.acked), int(d.durable), int(d.sent), d.durable >= d.acked ? 'yes' : 'NO']),
      },
    ],
    targets: [
      { target: 'one report per request ≥ 50 % of the bare Fastify baseline (synchronous=NORMAL, the default)', measured: pct(normalRatio), met: normalRatio >= 0.5 },
      {
        target: `${BATCH} reports per request ≥ 2× the bare route's requests/s, counted in reports/s`,
        measured: `${int(reportsPerSec('batch'))} reports/s = ${(batchRatio).toFixed(2)}× (${int(baseRps)} requests/s)`,
        met: batchRatio >= 2,
      },
      { target: 'no acknowledgement before commit (kill -9 under load loses no acknowledged report)', measured: allDurable ? 'none lost' : 'LOST', met: allDurable },
    ],
    notes: [
      `Server in a child process (one core), autocannon in the parent (the other core); ${connections} connections, closed loop, so p50/p99 are latencies at saturation.`,
      'Reply after commit: routes-history.ts awaits HistoryService.ingest → store.applyReports, whose promise settles only after the COMMIT of its (group) transaction returned; the reply is serialised after that.',
      'NORMAL (WAL): a committed report is in the WAL before COMMIT returns (survives kill -9, as measured); FULL also fsyncs the WAL per commit (survives power loss).',
      `FULL: ${pct(fullRatio)} of the baseline; batches of ${BATCH}: ${pct(batchRatio)} (reports per second against the baseline's requests per second — the target is judged on one report per request). The replayed-report row is the same request path without the write (a duplicate report id): the gap between it and the baseline is the framework, authentication, validation and lookups; the gap below it is the durable write.`,
      'Reports are spread uniformly over 5,000 terminals sampled from the whole store, so most touch B-tree pages no other recent report touched (the worst case for caching).',
    ],
    data: { size, seed: { records: seed.records, users: seed.users, terminals: seed.terminals }, connections, seconds, rounds, phases, durability },
  };
}

const bench: Benchmark = { name: 'ingest', number: 1, title: 'Ingest: history reports into the global server', run };
export default bench;
