/**
 * The durable write alone, for instruction counts that a loaded machine cannot disturb:
 * `valgrind --tool=callgrind node bench/store-ingest.ts FILE N` (or plain `node …` for a
 * timing) applies N reports through `store.applyReports`, one per transaction as one report
 * per request does, to a copy of a seeded store FILE (bench/seed.ts; the file is written to,
 * so pass a copy). Reports are spread over the store's ordinary terminals as in benchmark 1,
 * each a real write (a fresh report id, a higher seq, a moved position). Prints the wall time
 * per report; under callgrind, `callgrind_annotate` gives the instructions (Ir) per report —
 * total Ir of a run with N reports minus a run with 0, divided by N.
 * `node bench/store-ingest.ts FILE N CACHE_MIB` also sets the page cache (default the store's);
 * it prints the main thread's CPU per report and the bytes its read and write calls moved
 * (/proc/self/task/PID/io: the checkpointer thread's copying is not counted), as 4 KiB pages.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_RESUME_RULES, classify, decideReport } from '../common/resume.ts';
import type { Program } from '../common/protocol/model.ts';
import { openSqliteStore } from '../server-mock/store/sqlite.ts';
import type { ApplyReportInput } from '../server-mock/store/types.ts';
import { benchCatalog } from './lib/catalog.ts';
import { mulberry32, randInt } from './lib/random.ts';
import { seededTerminals } from './lib/sessions.ts';

async function main(): Promise<void> {
  const [file, nArg = '2000', cacheArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: node bench/store-ingest.ts COPY-OF-SEEDED.sqlite [N]');
  const n = Number(nArg);
  const terminals = seededTerminals(file, 5_000);
  const store = await openSqliteStore({ file, check: false, ...(cacheArg ? { cacheMiB: Number(cacheArg) } : {}) });
  const vod = benchCatalog().filter((p) => p.kind === 'vod');
  const playableBy = new Map((['stb', 'mobile', 'pc'] as const).map((type) => [type, vod.filter((p) => p.terminalTypes.includes(type))]));
  const rand = mulberry32(42);
  // Above every seeded and earlier seq (and below 2^53): each run writes.
  let seq = Date.now() * 1000;
  const input = (i: number): ApplyReportInput => {
    const t = terminals[randInt(rand, terminals.length)] as (typeof terminals)[number];
    const playable = playableBy.get(t.type) as Program[];
    const program = playable[randInt(rand, playable.length)] as Program;
    const now = Date.now();
    const incoming = { seq: ++seq, breakpoint: { kind: 'offset' as const, offsetMs: Math.floor(program.durationMs * (0.1 + rand() * 0.75)) }, observedAt: now };
    return {
      reportId: `store-ingest-${process.pid}-${i}`, userId: t.userId, profileId: `p-${t.userId}`, terminalId: t.id, terminalType: t.type,
      programId: program.id, durationMs: program.durationMs, event: 'stop', playToken: null, now,
      decide: (stored) => decideReport(stored, incoming, program, DEFAULT_RESUME_RULES),
      statusOf: (bp) => classify(bp, program, DEFAULT_RESUME_RULES, now),
    };
  };
  // Warm-up outside the count: the first write starts the checkpointer thread.
  await store.applyReports([input(-1)]);
  const io = () => {
    const text = readFileSync(`/proc/self/task/${process.pid}/io`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
    return { r: field('rchar'), w: field('wchar') };
  };
  const io0 = io();
  const cpu0 = process.threadCpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const [r] = await store.applyReports([input(i)]);
    if (r?.outcome === 'duplicate' || r?.outcome === 'stale') throw new Error(`report ${i}: ${r.outcome}`);
  }
  const ms = performance.now() - t0;
  const cpu = process.threadCpuUsage(cpu0);
  const io1 = io();
  await store.close();
  const per = (x: number) => (n ? (x / n).toFixed(1) : '-');
  console.log(
    `${n} reports, ${per(ms * 1000)} µs each (wall), ${per(cpu.user + cpu.system)} µs main-thread CPU each, ` +
      `${per((io1.r - io0.r) / 4096)} pages read, ${per((io1.w - io0.w) / 4096)} pages written each`,
  );
}

if (import.meta.main) await main();
