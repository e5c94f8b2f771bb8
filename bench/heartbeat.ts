/**
 * Benchmark 8 — Heartbeats at the streaming role: N terminals heartbeating through
 * `POST /stream/v1/sessions/:id/heartbeat` (play-token check, session lookup, the position
 * update, a renewed token, presence to global, and the durable report to global when due)
 * against a bare Fastify route that parses the same body and answers a reply of the same shape,
 * in the same kind of child process, in the same run, alternating in rounds.
 *
 * - Sessions: `bench/lib/sessions.ts` (tokens signed for seeded terminals; the first heartbeat
 *   opens each session). Memory per open session: the server's heap after a full GC
 *   (`--expose-gc`) with none open and with all N open, once their first reports reached global
 *   (outbox empty) — so it counts the session, its presence entry at global (all roles in one
 *   process, as embedded) and whatever else holds per session.
 * - The report to global: real terminals heartbeat every 5 s and the cluster reports a plain
 *   heartbeat at most every 30 s (1 report per 6 heartbeats). The measured phases keep that ratio
 *   in compressed time: the server reports at most every 3 s and the load visits each active
 *   session about every 0.5 s (the active set is sized from a calibration run); the reports per
 *   heartbeat actually queued are measured and printed.
 * - Throughput: closed loop (autocannon, 10 connections). Latency: open loop at 80 % of the
 *   route's measured capacity (`bench/lib/load.ts`, counted from the scheduled send), and the
 *   bare route at the same rate.
 * - Two layouts: embedded (all three roles in one process, as the PC app and the single-process
 *   server run them: every report is also global's durable write in that process), then the
 *   streaming role alone in its own process reporting to a global process over HTTP, as a
 *   cluster deploys — each against the bare route measured in the same rounds.
 */
import { closedLoop, openLoop, type PerRequest } from './lib/load.ts';
import { coreShare, cpuUs, type ChildServer } from './lib/server-child.ts';
import { startBare, startGlobal, startStreaming } from './lib/servers.ts';
import { benchSessions, BENCH_CLUSTER_ID, roundRobin, seededTerminals, type BenchSession } from './lib/sessions.ts';
import { int, median, ms, pct } from './lib/stats.ts';
import type { Benchmark, BenchContext, BenchOutput } from './lib/types.ts';
import { seededStore, type SeedInfo } from './seed.ts';

/** Compressed time: report at most every 3 s, each active session visited every ~0.5 s (as 30 s / 5 s). */
const REPORT_INTERVAL_SEC = 3;
const VISIT_EVERY_SEC = 0.5;
const CONNECTIONS = 10;

interface Phase {
  server: 'bare' | 'stream' | 'split';
  round: number;
  rps: number;
  p50: number;
  p99: number;
  usPerRequest: number;
  cores: number;
  errors: number;
  reportsPerHeartbeat: number;
}

async function closedPhase(server: ChildServer, kind: Phase['server'], round: number, next: () => PerRequest, seconds: number, warmup: number): Promise<Phase> {
  const run = (durationSec: number) => closedLoop({ url: server.url, method: 'POST', path: '/', request: next, connections: CONNECTIONS, durationSec });
  if (warmup > 0) await run(warmup);
  const s0 = kind !== 'bare' ? await server.stats() : null;
  const c0 = await server.cpu();
  const r = await run(seconds);
  const c1 = await server.cpu();
  const s1 = kind !== 'bare' ? await server.stats() : null;
  return {
    server: kind, round, rps: r.rps, p50: r.latency.p50, p99: r.latency.p99,
    usPerRequest: cpuUs(c0, c1) / Math.max(1, r.ok), cores: coreShare(c0, c1), errors: r.non2xx + r.errors,
    reportsPerHeartbeat: s0 && s1 ? (s1.reportsQueued - s0.reportsQueued) / Math.max(1, r.ok) : 0,
  };
}

/** Wait until the cluster's outbox is empty (its reports reached global); bounded. */
async function drained(server: ChildServer, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await server.stats();
    if (s.reportsPending === 0) return;
    if (Date.now() > until) throw new Error(`${s.reportsPending} reports still pending after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Sessions opened on the split layout's streaming process (enough for the active set). */
const SPLIT_SESSIONS = 20_000;

/**
 * The streaming role alone in its process, global in another over the same store: sessions
 * opened by first heartbeats, then the closed rounds (each after a bare round) and the open loop.
 */
async function measureSplit(ctx: BenchContext, seed: SeedInfo, sessions: BenchSession[], seconds: number, rounds: number, bare: ChildServer) {
  const global = await startGlobal(ctx.workDir, 'heartbeat', seed, { roles: ['global', 'portal'], reuse: true });
  let streaming: ChildServer | null = null;
  try {
    streaming = await startStreaming(ctx.workDir, 'heartbeat-streaming', global.url, {
      overrides: { instanceId: BENCH_CLUSTER_ID, reportIntervalSec: REPORT_INTERVAL_SEC, heartbeatIntervalSec: 600, sessionTimeoutSec: 3600 },
    });
    const n = Math.min(sessions.length, SPLIT_SESSIONS);
    ctx.log(`heartbeat (split): opening ${int(n)} sessions on the streaming process`);
    const open = await closedLoop({ url: streaming.url, method: 'POST', path: '/', request: roundRobin(sessions, n), connections: 20, durationSec: 300, amount: n });
    if (open.ok !== n) throw new Error(`split: opening sessions: ${open.ok} of ${n} answered 2xx (${open.non2xx} non-2xx, ${open.errors} errors)`);
    await drained(streaming, ctx.quick ? 30_000 : 90_000);
    // Its own active set, sized like the embedded one from its own rate: each session visited
    // about every VISIT_EVERY_SEC, so the report ratio stays the real one.
    const cal = await closedLoop({ url: streaming.url, method: 'POST', path: '/', request: roundRobin(sessions, Math.min(2_000, n)), connections: CONNECTIONS, durationSec: 1 });
    const activeHere = Math.min(n, Math.max(100, Math.round(cal.rps * VISIT_EVERY_SEC)));
    const phases: Phase[] = [];
    for (let round = 1; round <= rounds; round++) {
      ctx.log(`heartbeat (split) round ${round}/${rounds}`);
      phases.push(await closedPhase(bare, 'bare', round, roundRobin(sessions, activeHere), seconds, 0.5));
      phases.push(await closedPhase(streaming, 'split', round, roundRobin(sessions, activeHere), seconds, REPORT_INTERVAL_SEC + 0.5));
    }
    const rate = Math.max(50, Math.round(median(phases.filter((p) => p.server === 'split').map((p) => p.rps)) * 0.8));
    const openSecs = ctx.quick ? 1 : 5;
    const paced = async (server: ChildServer) => {
      const c0 = await server.cpu();
      const r = await openLoop({ url: server.url, path: '/', request: roundRobin(sessions, activeHere), rate, durationSec: openSecs });
      const c1 = await server.cpu();
      return { ...r, cores: coreShare(c0, c1) };
    };
    const pacedBare = await paced(bare);
    const pacedStream = await paced(streaming);
    return { phases, rate, active: activeHere, pacedBare, pacedStream };
  } finally {
    await Promise.all([streaming?.stop(), global.stop()]);
  }
}

async function run(ctx: BenchContext): Promise<BenchOutput> {
  const size = ctx.quick ? 10_000 : 1_000_000;
  const sessionsN = ctx.quick ? 2_000 : 100_000;
  const seconds = ctx.quick ? 1 : 4;
  const rounds = ctx.quick ? 1 : 2;
  const seed = await seededStore(size, { cacheDir: ctx.cacheDir, log: ctx.log });
  const bare = await startBare();
  const app = await startGlobal(ctx.workDir, 'heartbeat', seed, {
    roles: ['global', 'portal', 'streaming'],
    overrides: { instanceId: BENCH_CLUSTER_ID, reportIntervalSec: REPORT_INTERVAL_SEC, heartbeatIntervalSec: 600, sessionTimeoutSec: 3600 },
    nodeArgs: ['--expose-gc'],
  });
  let stopped = false;
  try {
    const terminals = seededTerminals(app.dbFile, sessionsN);
    const sessions: BenchSession[] = benchSessions(sessionsN, terminals, 'a');
    ctx.log(`heartbeat: opening ${int(sessionsN)} sessions over ${int(terminals.length)} terminals`);
    const before = await app.stats();
    if (!before.collected) throw new Error('the server child was not started with --expose-gc');
    const t0 = performance.now();
    const open = await closedLoop({ url: app.url, method: 'POST', path: '/', request: roundRobin(sessions), connections: 20, durationSec: 300, amount: sessionsN });
    const openSec = (performance.now() - t0) / 1000;
    if (open.ok !== sessionsN) throw new Error(`opening sessions: ${open.ok} of ${sessionsN} answered 2xx (${open.non2xx} non-2xx, ${open.errors} errors)`);
    await drained(app, ctx.quick ? 30_000 : 90_000);
    const after = await app.stats();
    if (after.sessions < sessionsN) throw new Error(`only ${after.sessions} sessions open after opening ${sessionsN}`);
    const heapPerSession = (after.heapUsed - before.heapUsed) / sessionsN;
    const rssPerSession = (after.rss - before.rss) / sessionsN;

    // Size the active set so each session is visited about every VISIT_EVERY_SEC.
    ctx.log('heartbeat: calibrating');
    const cal = await closedLoop({ url: app.url, method: 'POST', path: '/', request: roundRobin(sessions, Math.min(2_000, sessionsN)), connections: CONNECTIONS, durationSec: 1 });
    const active = Math.min(sessionsN, Math.max(100, Math.round(cal.rps * VISIT_EVERY_SEC)));
    const phases: Phase[] = [];
    for (let round = 1; round <= rounds; round++) {
      ctx.log(`heartbeat round ${round}/${rounds}`);
      phases.push(await closedPhase(bare, 'bare', round, roundRobin(sessions, active), seconds, 0.5));
      // Warm-up past one report interval, so the reports come at their steady rate.
      phases.push(await closedPhase(app, 'stream', round, roundRobin(sessions, active), seconds, REPORT_INTERVAL_SEC + 0.5));
    }
    const med = (k: Phase['server'], f: (p: Phase) => number) => median(phases.filter((p) => p.server === k).map(f));
    const capacity = med('stream', (p) => p.rps);
    const rate = Math.max(50, Math.round(capacity * 0.8));
    const openSecs = ctx.quick ? 1 : 5;
    ctx.log(`heartbeat: open loop at ${rate}/s`);
    const paced = async (server: ChildServer) => {
      const c0 = await server.cpu();
      const r = await openLoop({ url: server.url, path: '/', request: roundRobin(sessions, active), rate, durationSec: openSecs });
      const c1 = await server.cpu();
      return { ...r, cores: coreShare(c0, c1) };
    };
    const pacedBare = await paced(bare);
    const pacedStream = await paced(app);

    // The cluster as deployed: the streaming role alone, global (and the portal) in another process.
    await app.stop();
    stopped = true;
    const split = await measureSplit(ctx, seed, sessions, seconds, rounds, bare);
    phases.push(...split.phases);

    const ratio = capacity / med('bare', (p) => p.rps);
    const p99At80 = pacedStream.latency.p99;
    const splitRatio = med('split', (p) => p.rps) / med('bare', (p) => p.rps);
    const kb = heapPerSession / 1024;
    const row = (k: Phase['server'], label: string) => [
      label, int(med(k, (p) => p.rps)), ms(med(k, (p) => p.p50)), ms(med(k, (p) => p.p99)), pct(med(k, (p) => p.rps) / med('bare', (p) => p.rps)),
      med(k, (p) => p.cores).toFixed(2), int(med(k, (p) => p.usPerRequest)), k !== 'bare' ? med(k, (p) => p.reportsPerHeartbeat).toFixed(3) : '—',
      String(phases.filter((p) => p.server === k).reduce((s, p) => s + p.errors, 0)),
    ];
    const pacedRow = (label: string, r: typeof pacedBare, at = rate) => [label, int(at), int(r.rps), ms(r.latency.p50), ms(r.latency.p99), ms(r.service.p99), ms(r.latency.max), r.cores.toFixed(2), String(r.failed)];
    return {
      tables: [
        {
          title: `Heartbeats — ${CONNECTIONS} connections, round-robin over ${int(active)} of ${int(sessionsN)} open sessions, ${seconds} s × ${rounds} alternating rounds (medians); store of ${int(seed.records)} records`,
          columns: ['server', 'heartbeats/s', 'p50 ms', 'p99 ms', 'vs baseline', 'server CPU (cores)', 'server µs/heartbeat', 'reports per heartbeat', 'errors'],
          rows: [
            row('bare', 'bare Fastify route, same body and reply (baseline)'),
            row('stream', 'POST /stream/v1/sessions/:id/heartbeat — embedded (all roles, one process)'),
            row('split', 'the same — streaming role alone, global in its own process'),
          ],
        },
        {
          title: `Heartbeats at 80 % of the route's capacity — open loop, ${int(rate)}/s for ${openSecs} s`,
          columns: ['server', 'rate/s', 'achieved/s', 'p50 ms', 'p99 ms', 'p99 service ms', 'max ms', 'server CPU (cores)', 'failed'],
          rows: [pacedRow('bare Fastify route (baseline)', pacedBare), pacedRow('POST /stream/v1/sessions/:id/heartbeat — embedded', pacedStream)],
        },
        {
          title: `Heartbeats at 80 % of the streaming role's capacity, global in its own process — open loop, ${int(split.rate)}/s for ${openSecs} s`,
          columns: ['server', 'rate/s', 'achieved/s', 'p50 ms', 'p99 ms', 'p99 service ms', 'max ms', 'server CPU (cores)', 'failed'],
          rows: [
            pacedRow('bare Fastify route (baseline)', split.pacedBare, split.rate),
            pacedRow('POST /stream/v1/sessions/:id/heartbeat — streaming role alone', split.pacedStream, split.rate),
          ],
        },
        {
          title: `Memory — ${int(sessionsN)} open sessions (heap after a full GC, none open vs all open)`,
          columns: ['sessions', 'opened in s', 'heap before MB', 'heap after MB', 'heap per session', 'RSS per session'],
          rows: [[int(sessionsN), openSec.toFixed(1), (before.heapUsed / 1e6).toFixed(1), (after.heapUsed / 1e6).toFixed(1), `${int(heapPerSession)} B`, `${int(rssPerSession)} B`]],
        },
      ],
      targets: [
        { target: 'heartbeats ≥ 70 % of the bare route’s requests/s (embedded: all roles in one process)', measured: pct(ratio), met: ratio >= 0.7 },
        { target: 'heartbeats ≥ 70 % of the bare route’s requests/s (streaming role alone, global apart)', measured: pct(splitRatio), met: splitRatio >= 0.7 },
        { target: 'heartbeat p99 < 5 ms at 80 % load (embedded)', measured: `${ms(p99At80)} ms (bare route at the same rate: ${ms(pacedBare.latency.p99)} ms)`, met: p99At80 < 5 },
        { target: 'heartbeat p99 < 5 ms at 80 % load (streaming role alone)', measured: `${ms(split.pacedStream.latency.p99)} ms (bare route at the same rate: ${ms(split.pacedBare.latency.p99)} ms)`, met: split.pacedStream.latency.p99 < 5 },
        { target: `memory per open session ≤ 2 KB (${int(sessionsN)} sessions)`, measured: `${kb.toFixed(2)} KB`, met: kb <= 2 },
      ],
      notes: [
        'Server (all three roles in one process, as embedded: the cluster’s reports and presence go to global in-process) and the bare route each in a child process; the load in the parent.',
        `Split layout: the embedded server stopped, global and the portal started over its store in one child, the streaming role alone in another (its own outbox, reports and presence to global over HTTP, the revocation feed from it); ${int(Math.min(sessionsN, SPLIT_SESSIONS))} sessions opened there by first heartbeats, an active set of ${int(split.active)} sized from its own rate the same way, the same rounds; its rounds run after the embedded ones, each next to a bare-route round of its own.`,
        `The report to global at its real ratio in compressed time: at most one plain-heartbeat report per ${REPORT_INTERVAL_SEC} s per session, each session heartbeating about every ${VISIT_EVERY_SEC} s (real: 30 s and 5 s) — "reports per heartbeat" is what the server queued in its durable outbox per heartbeat answered.`,
        'Sessions are opened by their first heartbeat on a signed play token (the stateless takeover any node of a cluster does), not by N play requests; each names a seeded terminal of the 1 M-record store, its user and profile.',
        'Memory: process.memoryUsage().heapUsed after two forced full collections (--expose-gc), once the first reports of all sessions reached global; RSS also counts SQLite’s page cache and the allocator, so it is shown but not the target.',
      ],
      data: { size, sessions: sessionsN, active, rate, phases, pacedBare, pacedStream, split: { rate: split.rate, pacedBare: split.pacedBare, pacedStream: split.pacedStream }, memory: { before, after, heapPerSession, rssPerSession, openSec } },
    };
  } finally {
    await Promise.all([stopped ? null : app.stop(), bare.stop()]);
  }
}

const bench: Benchmark = { name: 'heartbeat', number: 10, title: 'Heartbeats at the streaming role', run };
export default bench;
