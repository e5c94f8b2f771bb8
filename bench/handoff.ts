/**
 * Benchmark 3 — Handoff: terminal A stops, terminal B (same user) gets the push. Measured from
 * the HTTP acknowledgement of A's stop to the SSE event arriving at B, over 1,000 handoffs per
 * path, in the same store as the home page benchmark:
 * - `streaming stop`: A plays through the streaming role and stops
 *   (`POST /stream/v1/sessions/:id/stop`): the cluster acknowledges once the report is durably
 *   in its outbox, then sends it to global (in-process here, all three roles in one server),
 *   which commits it and pushes it to B;
 * - `direct report`: a cluster's report straight to global (`POST /global/v1/history`), which
 *   commits, pushes and then answers — so B usually has the event before A's acknowledgement;
 * - baseline: a bare Fastify process whose `POST /stop` writes one SSE frame to an open
 *   stream and answers: the loopback and event-loop floor of "request in, push out".
 * Paths alternate in blocks so the machine's noise hits them alike. "ack → push" is how long
 * after A's acknowledgement B has the event (0 when it arrived first); "send → push" counts
 * from the moment A sent the stop.
 */
import { openEventStream, type EventStream } from '../server-mock/testing/sse-client.ts';
import type { Program, TerminalType } from '../common/protocol/model.ts';
import { benchCatalog } from './lib/catalog.ts';
import { BENCH_SERVICE_AUTH } from './lib/constants.ts';
import { mulberry32 } from './lib/random.ts';
import type { ChildServer } from './lib/server-child.ts';
import { startBare, startGlobal } from './lib/servers.ts';
import { int, ms, summarize } from './lib/stats.ts';
import type { Benchmark, BenchContext, BenchOutput } from './lib/types.ts';
import { seededStore, type BenchTerminal } from './seed.ts';

type Path = 'baseline' | 'direct' | 'streaming';

interface Sample {
  /** From A's send to A's acknowledgement. */
  ackMs: number;
  /** From A's send to the event at B. */
  pushMs: number;
}

/** How long one handoff may take before it counts as missed (a late push is still measured). */
const HANDOFF_TIMEOUT_MS = 10_000;

async function post(url: string, authorization: string | null, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null };
}

/** One timed handoff: `stop` sends A's stop; the event matching `seq` must reach B. */
async function timed(stream: EventStream, seq: number, stop: () => Promise<{ status: number }>, matches: (e: unknown, seq: number) => boolean): Promise<Sample> {
  const arrived = stream.next((e) => matches(e, seq), HANDOFF_TIMEOUT_MS);
  arrived.catch(() => {}); // awaited below; this only keeps a failed stop from leaving it unhandled
  const t0 = performance.now();
  const res = await stop();
  const ack = performance.now();
  if (res.status !== 200) throw new Error(`stop answered ${res.status}`);
  const { at } = await arrived;
  return { ackMs: ack - t0, pushMs: at - t0 };
}

async function run(ctx: BenchContext): Promise<BenchOutput> {
  const size = ctx.quick ? 10_000 : 1_000_000;
  const perPath = ctx.quick ? 40 : 1_000;
  const blocks = ctx.quick ? 2 : 10;
  const seed = await seededStore(size, { cacheDir: ctx.cacheDir, log: ctx.log });
  const [b, a] = seed.measured.terminals as [BenchTerminal, BenchTerminal];
  const programs = benchCatalog().filter((p) => p.kind === 'vod' && p.terminalTypes.includes(a.type as TerminalType));
  const rand = mulberry32(7);
  let seq = 1_000_000;
  // A's last point per programme: every stop lands at least 10 s away from it, so global applies
  // it (a move) and pushes it; a stop at exactly the stored point would be kept without a push.
  const last = new Map<string, number>();
  const pick = (): { program: Program; offsetMs: number } => {
    const program = programs[Math.floor(rand() * programs.length)] as Program;
    let offsetMs = Math.floor(program.durationMs * (0.2 + rand() * 0.6));
    const before = last.get(program.id);
    if (before !== undefined && Math.abs(offsetMs - before) < 10_000) offsetMs = before + (before < program.durationMs / 2 ? 60_000 : -60_000);
    last.set(program.id, offsetMs);
    return { program, offsetMs };
  };

  const app = await startGlobal(ctx.workDir, 'handoff', seed, { roles: ['global', 'portal', 'streaming'] });
  let bare: ChildServer | null = null;
  const streams: EventStream[] = [];
  const samples: Record<Path, Sample[]> = { baseline: [], direct: [], streaming: [] };
  const missed: Record<Path, number> = { baseline: 0, direct: 0, streaming: 0 };
  try {
    bare = await startBare();
    const atB = await openEventStream(app.url, b.credential);
    const atBare = await openEventStream(bare.url, 'bare-terminal');
    streams.push(atB, atBare);
    const isRecord = (e: unknown, s: number) => {
      const ev = e as { type: string; record?: { terminalId: string; seq: number } };
      return ev.type === 'history' && ev.record?.terminalId === a.id && ev.record.seq === s;
    };
    const isBare = (e: unknown, s: number) => (e as { type: string; seq?: number }).type === 'history' && (e as { seq?: number }).seq === s;

    const handoff: Record<Path, () => Promise<Sample>> = {
      baseline: () => {
        const s = ++seq;
        return timed(atBare, s, () => post(`${bare?.url}/stop`, null, { seq: s }), isBare);
      },
      direct: () => {
        const s = ++seq;
        const { program, offsetMs } = pick();
        const report = { reportId: `handoff-${process.pid}-${s}`, terminalId: a.id, programId: program.id, breakpoint: { kind: 'offset', offsetMs }, seq: s, event: 'stop', observedAt: Date.now() };
        return timed(atB, s, () => post(`${app.url}/global/v1/history`, BENCH_SERVICE_AUTH, { sentAt: Date.now(), reports: [report] }), isRecord);
      },
      streaming: async () => {
        const s = ++seq;
        const { program, offsetMs } = pick();
        const play = await post(`${app.url}/stream/v1/play`, `Bearer ${a.credential}`, { programId: program.id });
        if (play.status !== 200) throw new Error(`play answered ${play.status}: ${JSON.stringify(play.json)}`);
        const { sessionId, playToken } = play.json as { sessionId: string; playToken: string };
        return timed(atB, s, () => post(`${app.url}/stream/v1/sessions/${sessionId}/stop`, `Bearer ${playToken}`, { position: { kind: 'offset', offsetMs }, seq: s }), isRecord);
      },
    };

    // Warm-up (JIT, connections), not counted.
    for (const path of ['baseline', 'direct', 'streaming'] as const) for (let i = 0; i < 20; i++) await handoff[path]();
    const perBlock = Math.ceil(perPath / blocks);
    for (let block = 0; block < blocks; block++) {
      ctx.log(`handoff block ${block + 1}/${blocks}`);
      for (const path of ['baseline', 'direct', 'streaming'] as const) {
        for (let i = 0; i < perBlock && samples[path].length + missed[path] < perPath; i++) {
          try {
            samples[path].push(await handoff[path]());
          } catch (err) {
            if (!(err instanceof Error && /timed out/.test(err.message))) throw err;
            missed[path]++;
          }
        }
      }
    }
  } finally {
    for (const s of streams) s.close();
    await bare?.stop();
    await app.stop();
  }

  const stats = (path: Path) => {
    const s = samples[path];
    return {
      ackToPush: summarize(s.map((x) => Math.max(0, x.pushMs - x.ackMs))),
      sendToPush: summarize(s.map((x) => x.pushMs)),
      ack: summarize(s.map((x) => x.ackMs)),
      pushFirst: s.filter((x) => x.pushMs <= x.ackMs).length,
    };
  };
  const all = { baseline: stats('baseline'), direct: stats('direct'), streaming: stats('streaming') };
  const label: Record<Path, string> = {
    baseline: 'bare Fastify: POST → SSE frame (baseline)',
    direct: 'direct report: POST /global/v1/history',
    streaming: 'streaming stop: POST /stream/v1/sessions/:id/stop',
  };
  const rows = (['baseline', 'direct', 'streaming'] as const).map((p) => [
    label[p],
    int(samples[p].length),
    ms(all[p].ackToPush.p50),
    ms(all[p].ackToPush.p99),
    ms(all[p].sendToPush.p50),
    ms(all[p].sendToPush.p99),
    ms(all[p].ack.p99),
    int(all[p].pushFirst),
    int(missed[p]),
  ]);
  const worst = Math.max(all.streaming.ackToPush.p99, all.direct.ackToPush.p99);
  const ok = worst < 50 && missed.direct + missed.streaming === 0;
  return {
    tables: [
      {
        title: `Handoff — A stops, B (same user, SSE) gets the push; ${perPath} handoffs per path in ${blocks} alternating blocks; store of ${int(seed.records)} records`,
        columns: ['path', 'handoffs', 'ack→push p50 ms', 'ack→push p99 ms', 'send→push p50 ms', 'send→push p99 ms', 'stop ack p99 ms', 'push before ack', 'missed'],
        rows,
      },
    ],
    targets: [
      { target: 'handoff p99 < 50 ms (A’s stop acknowledged → push at B)', measured: `${ms(all.streaming.ackToPush.p99)} ms streaming stop, ${ms(all.direct.ackToPush.p99)} ms direct report`, met: ok },
    ],
    notes: [
      'Server (all three roles, one process) in a child process; A’s HTTP client and B’s SSE client in the parent, one handoff at a time.',
      'The streaming stop is acknowledged after the report is in the cluster’s SQLite outbox (WAL, synchronous=NORMAL); it then reaches global, is committed and pushed. The direct report is acknowledged after global’s commit and push, so its ack→push is mostly 0 and send→push is its real cost.',
      `Each handoff moves A's point (a new position, a higher seq), so every one is applied and pushed; a handoff whose push does not arrive within ${HANDOFF_TIMEOUT_MS} ms counts as missed.`,
    ],
    data: { size, perPath, blocks, stats: all, missed },
  };
}

const bench: Benchmark = { name: 'handoff', number: 3, title: 'Handoff: stop on A → push at B', run };
export default bench;
