/**
 * Benchmark 5 — Growth: ingest rate and home-page latency at 10 k, 100 k and 1 M records (10
 * records per user, so 1 k, 10 k and 100 k users; the measured user is the same at every size),
 * to show that cost grows no faster than log n. Each size runs, in the same run: the bare
 * Fastify ingest baseline (so a noisy machine shows up as a moving baseline, not as growth),
 * global ingest (closed loop) and the home page at a fixed rate (open loop). Cost is compared
 * per operation as server CPU time, which a busy neighbour disturbs far less than throughput;
 * the bound is log(n) / log(10 k): 1.25× at 100 k and 1.5× at 1 M.
 */
import { BENCH_SERVICE_AUTH } from './lib/constants.ts';
import { closedLoop, openLoop } from './lib/load.ts';
import { reportGenerator } from './lib/reports.ts';
import { cpuUs } from './lib/server-child.ts';
import { startBare, startGlobal } from './lib/servers.ts';
import { int, ms, times } from './lib/stats.ts';
import type { Benchmark, BenchContext, BenchOutput } from './lib/types.ts';
import { seededStore } from './seed.ts';

interface SizeResult {
  size: number;
  records: number;
  baselineRps: number;
  ingestRps: number;
  ingestUs: number;
  homeP50: number;
  homeP99: number;
  homeUs: number;
}

async function run(ctx: BenchContext): Promise<BenchOutput> {
  const sizes = ctx.quick ? [1_000, 10_000] : [10_000, 100_000, 1_000_000];
  const seconds = ctx.quick ? 1 : 5;
  const warmup = ctx.quick ? 0.5 : 1;
  const homeRate = ctx.quick ? 100 : 300;
  const results: SizeResult[] = [];

  for (const size of sizes) {
    const seed = await seededStore(size, { cacheDir: ctx.cacheDir, log: ctx.log });
    ctx.log(`growth: ${int(seed.records)} records`);
    const bare = await startBare();
    const app = await startGlobal(ctx.workDir, `growth-${size}`, seed);
    try {
      const gen = reportGenerator(`growth-${size}`, seed.sampleTerminals);
      const ingest = (url: string, path: string, durationSec: number) =>
        closedLoop({ url, method: 'POST', path, headers: { authorization: BENCH_SERVICE_AUTH }, body: gen.next, connections: 10, durationSec });
      await ingest(bare.url, '/ingest', warmup);
      const base = await ingest(bare.url, '/ingest', seconds);

      await ingest(app.url, '/global/v1/history', warmup);
      let c0 = await app.cpu();
      const ing = await ingest(app.url, '/global/v1/history', seconds);
      let c1 = await app.cpu();
      const ingestUs = cpuUs(c0, c1) / Math.max(1, ing.ok);

      const stb = seed.measured.terminals[0];
      const headers = { authorization: `Bearer ${stb?.credential}` };
      await openLoop({ url: app.url, path: '/portal/v1/home', headers, rate: homeRate, durationSec: warmup });
      c0 = await app.cpu();
      const home = await openLoop({ url: app.url, path: '/portal/v1/home', headers, rate: homeRate, durationSec: seconds });
      c1 = await app.cpu();
      if (home.ok === 0 || ing.ok === 0) throw new Error(`growth at ${size}: no successful requests`);
      results.push({
        size,
        records: seed.records,
        baselineRps: base.rps,
        ingestRps: ing.rps,
        ingestUs,
        homeP50: home.latency.p50,
        homeP99: home.latency.p99,
        homeUs: cpuUs(c0, c1) / Math.max(1, home.ok),
      });
    } finally {
      await app.stop();
      await bare.stop();
    }
  }

  const first = results[0] as SizeResult;
  const logFactor = (r: SizeResult) => Math.log(r.records) / Math.log(first.records);
  const rows = results.map((r) => [
    int(r.records),
    int(r.baselineRps),
    int(r.ingestRps),
    int(r.ingestUs),
    times(r.ingestUs / first.ingestUs),
    ms(r.homeP50),
    ms(r.homeP99),
    int(r.homeUs),
    times(r.homeUs / first.homeUs),
    times(logFactor(r)),
  ]);
  const last = results[results.length - 1] as SizeResult;
  const ingestGrowth = last.ingestUs / first.ingestUs;
  const homeGrowth = last.homeUs / first.homeUs;
  const bound = logFactor(last);
  return {
    tables: [
      {
        title: `Growth — ingest (10 connections, ${seconds} s) and home page (${homeRate} requests/s, ${seconds} s) per store size; cost = server CPU per operation`,
        columns: ['records', 'baseline reports/s', 'ingest reports/s', 'ingest µs/report', 'ingest cost ×', 'home p50 ms', 'home p99 ms', 'home µs/request', 'home cost ×', 'log n bound ×'],
        rows,
      },
    ],
    targets: [
      {
        target: `ingest cost grows no faster than log n (${int(first.records)} → ${int(last.records)} records: ≤ ${times(bound)})`,
        measured: times(ingestGrowth),
        met: ingestGrowth <= bound,
      },
      {
        target: `durable ingest cost grows at most ×1.3 (${int(first.records)} → ${int(last.records)} records)`,
        measured: times(ingestGrowth),
        met: ingestGrowth <= 1.3,
      },
      {
        target: `home-page cost grows no faster than log n (≤ ${times(bound)})`,
        measured: times(homeGrowth),
        met: homeGrowth <= bound,
      },
    ],
    notes: [
      'Each size: a fresh copy of the seeded store, the server in a child process, the load generator in the parent; the bare baseline runs beside it so machine noise is visible per row.',
      'Ingest spreads reports uniformly over 5,000 sampled terminals of the whole store (the worst case for caching); the home page is the same user (10 terminals, 200 records) at every size.',
    ],
    data: { sizes, seconds, homeRate, results },
  };
}

const bench: Benchmark = { name: 'growth', number: 5, title: 'Growth: cost at 10 k, 100 k and 1 M records', run };
export default bench;
