/** The contract between `bench/run.ts` and each benchmark module. */

/** One printed table. */
export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

/** A target of the issue and whether this run met it (null = not measured / not applicable). */
export interface TargetResult {
  target: string;
  measured: string;
  met: boolean | null;
}

/** What a benchmark returns. */
export interface BenchOutput {
  tables: Table[];
  targets: TargetResult[];
  /** How it was measured: process layout, tools, sizes, caveats. */
  notes: string[];
  /** Raw numbers for the JSON file. */
  data: Record<string, unknown>;
}

/** What a benchmark gets from the runner. */
export interface BenchContext {
  /** Short smoke run: small sizes, ~1–2 s phases. */
  quick: boolean;
  /** Progress line on stderr. */
  log(message: string): void;
  /** A fresh scratch directory for this benchmark (removed afterwards). */
  workDir: string;
  /** Where seeded stores are cached between runs. */
  cacheDir: string;
}

/** A benchmark module's default export. */
export interface Benchmark {
  /** CLI name (`npm run bench -- NAME`). */
  name: string;
  /** Its number in the registry (1–6). */
  number: number;
  title: string;
  run(ctx: BenchContext): Promise<BenchOutput>;
}

/** A benchmark's JSON record (bench/results/NAME-TIMESTAMP.json). */
export interface BenchResult extends BenchOutput {
  name: string;
  number: number;
  title: string;
  status: 'ok' | 'failed' | 'skipped';
  error?: string;
  quick: boolean;
  startedAt: string;
  durationSec: number;
  /** 1-minute load average of the machine when the benchmark started and ended (others' work shows here). */
  load?: { start: number; end: number };
}
