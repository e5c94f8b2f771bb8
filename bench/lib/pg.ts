/**
 * The PostgreSQL a benchmark measures: `RA_BENCH_DATABASE_URL` when set (kept between runs, so
 * a seeded schema is reused), else a throwaway cluster for this benchmark (scripts/pg-throwaway.ts,
 * fsync off), else the reason there is none (the benchmark then reports itself skipped).
 */
import { findPgBin, startThrowawayPg } from '../../scripts/pg-throwaway.ts';

/** A PostgreSQL to benchmark on, and how to let it go. */
export type BenchPostgres = { url: string; throwaway: boolean; release(): void } | { missing: string };

/** Get the benchmark's PostgreSQL. */
export async function benchPostgres(): Promise<BenchPostgres> {
  const url = process.env.RA_BENCH_DATABASE_URL;
  if (url) return { url, throwaway: false, release() {} };
  const bin = findPgBin();
  if ('missing' in bin) return { missing: bin.missing };
  const pg = await startThrowawayPg(bin.bin);
  return { url: pg.url, throwaway: true, release: () => pg.stop() };
}

/** The output of a benchmark that cannot run here. */
export function skippedOutput(what: string, reason: string) {
  return { tables: [], targets: [{ target: what, measured: `skipped: ${reason}`, met: null }], notes: [`skipped: ${reason}`], data: { skipped: reason } };
}
