/**
 * Benchmark 2 — Home page at scale: `GET /portal/v1/home` for a set-top box whose user has
 * 10 terminals (200 records over 60 programmes), in a store of 1 M records across 100 k users
 * and a 200-programme catalogue, at a steady 500 requests/s (open loop, measured from each
 * request's scheduled time). Baseline: a bare Fastify route answering the very same JSON
 * document, in the same kind of child process, at the same rate, in the same run. Also the
 * capacity of each (closed loop, 10 connections), to show how far 500/s is from saturation.
 */
import { closedLoop, openLoop, type OpenLoopResult } from './lib/load.ts';
import { coreShare, type ChildServer } from './lib/server-child.ts';
import { startBare, startGlobal } from './lib/servers.ts';
import { int, median, ms } from './lib/stats.ts';
import type { Benchmark, BenchContext, BenchOutput } from './lib/types.ts';
import { seededStore } from './seed.ts';

/** The request rate of the target. */
export const HOME_RATE = 500;

/** Fetch one home page; throws unless it is a 200 with a non-empty Continue-watching row. */
export async function fetchHome(url: string, credential: string): Promise<{ body: string; cards: number; catalogue: number }> {
  const res = await fetch(`${url}/portal/v1/home`, { headers: { authorization: `Bearer ${credential}` }, signal: AbortSignal.timeout(10_000) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`home: HTTP ${res.status} ${body.slice(0, 200)}`);
  const page = JSON.parse(body) as { continueWatching: unknown[]; catalogue: unknown[] };
  if (page.continueWatching.length === 0) throw new Error('home: empty Continue-watching row for the measured terminal');
  return { body, cards: page.continueWatching.length, catalogue: page.catalogue.length };
}

interface RatePhase {
  server: 'baseline' | 'home';
  result: OpenLoopResult;
  serverCores: number;
  /** The server's own view of the phase: event-loop delay and GC pauses. */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  gcMaxMs: number;
  gcTotalMs: number;
}

async function atRate(server: ChildServer, path: string, headers: Record<string, string>, seconds: number): Promise<Omit<RatePhase, 'server'>> {
  const before = await server.cpu();
  const result = await openLoop({ url: server.url, path, headers, rate: HOME_RATE, durationSec: seconds });
  const after = await server.cpu();
  return {
    result,
    serverCores: coreShare(before, after),
    loopDelayMaxMs: after.loopDelay.maxMs,
    loopDelayP99Ms: after.loopDelay.p99Ms,
    gcMaxMs: after.gc.maxMs,
    gcTotalMs: after.gc.totalMs,
  };
}

async function run(ctx: BenchContext): Promise<BenchOutput> {
  const size = ctx.quick ? 10_000 : 1_000_000;
  const seconds = ctx.quick ? 1.5 : 10;
  const warmup = ctx.quick ? 0.5 : 2;
  const rounds = ctx.quick ? 1 : 2;
  const capacitySec = ctx.quick ? 1 : 4;
  const seed = await seededStore(size, { cacheDir: ctx.cacheDir, log: ctx.log });
  const stb = seed.measured.terminals[0];
  if (!stb) throw new Error('seed has no measured terminal');
  const auth = { authorization: `Bearer ${stb.credential}` };

  const app = await startGlobal(ctx.workDir, 'home', seed);
  let bare: ChildServer | null = null;
  const phases: RatePhase[] = [];
  const capacity: { server: 'baseline' | 'home'; rps: number; p99: number }[] = [];
  try {
    const sample = await fetchHome(app.url, stb.credential);
    bare = await startBare(sample.body);
    const targets = [
      { server: 'baseline' as const, child: bare, path: '/home', headers: {} },
      { server: 'home' as const, child: app, path: '/portal/v1/home', headers: auth },
    ];
    for (const t of targets) {
      await openLoop({ url: t.child.url, path: t.path, headers: t.headers, rate: HOME_RATE, durationSec: warmup });
    }
    for (let round = 1; round <= rounds; round++) {
      for (const t of targets) {
        ctx.log(`home round ${round}/${rounds}: ${t.server} at ${HOME_RATE}/s`);
        phases.push({ server: t.server, ...(await atRate(t.child, t.path, t.headers, seconds)) });
      }
    }
    for (const t of targets) {
      ctx.log(`home capacity: ${t.server}`);
      const r = await closedLoop({ url: t.child.url, method: 'GET', path: t.path, headers: t.headers, connections: 10, durationSec: capacitySec });
      capacity.push({ server: t.server, rps: r.rps, p99: r.latency.p99 });
    }

    const by = (s: 'baseline' | 'home') => phases.filter((p) => p.server === s);
    const med = (s: 'baseline' | 'home', f: (p: RatePhase) => number) => median(by(s).map(f));
    const row = (s: 'baseline' | 'home', label: string) => [
      label,
      int(med(s, (p) => p.result.rps)),
      ms(med(s, (p) => p.result.latency.p50)),
      ms(med(s, (p) => p.result.latency.p99)),
      ms(med(s, (p) => p.result.service.p99)),
      ms(Math.max(...by(s).map((p) => p.result.latency.max))),
      med(s, (p) => p.serverCores).toFixed(2),
      `${ms(med(s, (p) => p.loopDelayP99Ms))} / ${ms(Math.max(...by(s).map((p) => p.loopDelayMaxMs)))}`,
      `${ms(med(s, (p) => p.result.generatorLoopDelay.p99Ms))} / ${ms(Math.max(...by(s).map((p) => p.result.generatorLoopDelay.maxMs)))}`,
      `${ms(Math.max(...by(s).map((p) => p.gcMaxMs)))} / ${med(s, (p) => (p.gcTotalMs / (seconds * 1000)) * 100).toFixed(1)} %`,
      int(capacity.find((c) => c.server === s)?.rps ?? Number.NaN),
      String(by(s).reduce((n, p) => n + p.result.failed, 0)),
    ];
    const p99 = med('home', (p) => p.result.latency.p99);
    const ratio = p99 / med('baseline', (p) => p.result.latency.p99);
    return {
      tables: [
        {
          title: `Home page — ${HOME_RATE} requests/s for ${seconds} s × ${rounds} rounds (medians); ${int(seed.records)} records, ${int(seed.users)} users; ${sample.cards} cards, ${sample.catalogue} programmes, ${int(sample.body.length)} bytes`,
          columns: ['server', 'req/s', 'p50 ms', 'p99 ms', 'p99 service ms', 'max ms', 'server CPU (cores)', 'server loop delay p99 / max ms', 'generator loop delay p99 / max ms', 'server GC max ms / time share', 'capacity req/s', 'failed'],
          rows: [row('baseline', 'bare Fastify, same JSON (baseline)'), row('home', 'GET /portal/v1/home')],
        },
      ],
      targets: [{ target: `home p99 < 10 ms at ${HOME_RATE} requests/s`, measured: `${ms(p99)} ms (${ratio.toFixed(1)}× the baseline's p99)`, met: p99 < 10 }],
      notes: [
        'Server in a child process (one core); the paced generator (node:http keep-alive, open loop) in the parent (the other core).',
        'p50/p99 count from the scheduled send time, so a server stall cannot slow the generator down and hide itself (no coordinated omission); "p99 service" counts from the actual send.',
        `The measured terminal is an STB of a user with ${seed.measured.terminals.length} terminals and ${seed.measured.records} records; the page includes the full catalogue for its type.`,
        'Capacity: closed loop, 10 connections, autocannon.',
        'Loop delay: how late each process’s event loop ran (perf_hooks, 1 ms resolution) — GC pauses, and the process waiting for a CPU on a shared machine, both show here; a baseline with the same tail means the tail is the machine’s, not the route’s.',
      ],
      data: { size, seed: { records: seed.records, users: seed.users }, rate: HOME_RATE, seconds, rounds, page: { bytes: sample.body.length, cards: sample.cards, catalogue: sample.catalogue }, phases, capacity },
    };
  } finally {
    await bare?.stop();
    await app.stop();
  }
}

const bench: Benchmark = { name: 'home', number: 2, title: 'Home page at scale', run };
export default bench;
