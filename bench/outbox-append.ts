/**
 * The cluster's durable outbox alone (common/outbox.ts over the reporter's SQLite storage):
 * `node bench/outbox-append.ts [REPORTS] [PER_TURN]` enqueues REPORTS reports (default 20,000),
 * PER_TURN of them in each event-loop turn (default 10: concurrent heartbeats), and sends each
 * batch to a receiver that accepts at once, so every report is appended and removed. Alternates
 * one append per report (one SQLite commit each) with batched appends (`batchAppends`: one
 * transaction per turn), three rounds each, and prints the main thread's CPU per report (the
 * figure a loaded machine does not distort much) and the wall time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox } from '../common/outbox.ts';
import { SqliteOutboxStorage } from '../server-mock/streaming/reporter.ts';

const REPORT = { reportId: 'sess-0000000000.1', terminalId: 'term-0000000', programId: 'sintel', seq: 1, event: 'heartbeat',
  breakpoint: { kind: 'offset', offsetMs: 61_000 }, observedAt: 1_700_000_000_000, playToken: `pt.${'x'.repeat(120)}` };

async function round(dir: string, batched: boolean, reports: number, perTurn: number): Promise<{ cpuUs: number; wallUs: number }> {
  const file = join(dir, `outbox-${batched ? 'b' : 's'}-${Date.now()}.sqlite`);
  const storage = new SqliteOutboxStorage<typeof REPORT>(file);
  const outbox = new Outbox<typeof REPORT>({
    storage, batchSize: 200, send: async () => ({ kind: 'ok' }),
    ...(batched ? { batchAppends: (fn: () => void) => setImmediate(fn) } : {}),
  });
  await outbox.items();
  const cpu0 = process.threadCpuUsage();
  const t0 = performance.now();
  for (let sent = 0; sent < reports; sent += perTurn) {
    const turn: Promise<void>[] = [];
    for (let i = 0; i < perTurn; i++) turn.push(outbox.enqueue({ ...REPORT, seq: sent + i }));
    await Promise.all(turn);
    await new Promise((r) => setImmediate(r));
  }
  await outbox.flush();
  const cpu = process.threadCpuUsage(cpu0);
  const wall = performance.now() - t0;
  if (outbox.pending !== 0) throw new Error(`${outbox.pending} reports left`);
  outbox.destroy();
  storage.close();
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  return { cpuUs: (cpu.user + cpu.system) / reports, wallUs: (wall * 1000) / reports };
}

async function main(): Promise<void> {
  const reports = Number(process.argv[2] ?? 20_000);
  const perTurn = Number(process.argv[3] ?? 10);
  const dir = mkdtempSync(join(tmpdir(), 'ra-outbox-bench-'));
  try {
    const results: Record<string, { cpuUs: number; wallUs: number }[]> = { single: [], batched: [] };
    for (let r = 0; r < 3; r++) {
      results.single?.push(await round(dir, false, reports, perTurn));
      results.batched?.push(await round(dir, true, reports, perTurn));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    for (const [name, rs] of Object.entries(results)) {
      console.log(`${name}: ${median(rs.map((x) => x.cpuUs)).toFixed(1)} µs CPU per report (median of 3: ${rs.map((x) => x.cpuUs.toFixed(1)).join(', ')}), ` +
        `${median(rs.map((x) => x.wallUs)).toFixed(1)} µs wall — ${reports} reports, ${perTurn} per turn`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
