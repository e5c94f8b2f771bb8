/**
 * The benchmarks of the issue "Benchmarks", in order. Each entry names a module whose default
 * export is a `Benchmark` (bench/lib/types.ts). An `optional` entry whose file does not exist
 * is reported as skipped, not failed. Benchmark 4, "Resume in Chromium"
 * (`bench/resume-chromium.ts`: headless Chromium against the built web terminal), began as
 * such a slot and is now written; it stays optional, so a checkout without the file still runs
 * the others.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './lib/types.ts';

/** One registered benchmark. */
export interface RegistryEntry {
  number: number;
  name: string;
  title: string;
  /** Module path relative to bench/. */
  module: string;
  /** Missing module = skipped (a slot for a benchmark that is not written yet). */
  optional?: boolean;
  /** Its own time limit, when it needs more than the runner's default (ffmpeg work). */
  timeoutSec?: { full: number; quick: number };
}

export const REGISTRY: readonly RegistryEntry[] = [
  { number: 1, name: 'ingest', title: 'Ingest: history reports into the global server', module: './ingest.ts' },
  { number: 2, name: 'home', title: 'Home page at scale', module: './home.ts' },
  { number: 3, name: 'handoff', title: 'Handoff: stop on A → push at B', module: './handoff.ts' },
  { number: 4, name: 'resume-chromium', title: 'Resume in Chromium', module: './resume-chromium.ts', optional: true },
  { number: 5, name: 'growth', title: 'Growth: cost at 10 k, 100 k and 1 M records', module: './growth.ts' },
  { number: 6, name: 'library', title: 'Library: packaging speed and the server while a job runs', module: './library.ts', timeoutSec: { full: 900, quick: 240 } },
  { number: 7, name: 'postgres', title: 'PostgreSQL next to SQLite: ingest on 1 and 2 instances, handoff across instances', module: './postgres.ts' },
  // Seeding PostgreSQL at 1 M records takes ~2–3 min of the budget on a shared machine.
  { number: 8, name: 'postgres-home', title: 'Home page at 1 M records on PostgreSQL next to SQLite', module: './postgres-home.ts', timeoutSec: { full: 600, quick: 120 } },
  { number: 9, name: 'settop-chromium', title: 'Set-top client in Chromium (CPU 6×)', module: './settop-chromium.ts', timeoutSec: { full: 600, quick: 240 } },
  { number: 10, name: 'heartbeat', title: 'Heartbeats at the streaming role', module: './heartbeat.ts', timeoutSec: { full: 600, quick: 180 } },
  { number: 11, name: 'sse-memory', title: 'Push connections: memory per idle SSE client', module: './sse-memory.ts' },
  { number: 12, name: 'takeover', title: 'Takeover in Chromium: Continue here → first frame, next to resume', module: './takeover-chromium.ts' },
];

/** Whether the entry's module exists. */
export function isPresent(entry: RegistryEntry): boolean {
  return existsSync(fileURLToPath(new URL(entry.module, import.meta.url)));
}

/** Load an entry's benchmark; throws when the module does not export one. */
export async function load(entry: RegistryEntry): Promise<Benchmark> {
  const mod = (await import(new URL(entry.module, import.meta.url).href)) as { default?: unknown };
  const b = mod.default as Partial<Benchmark> | undefined;
  if (!b || typeof b.run !== 'function' || typeof b.name !== 'string') {
    throw new Error(`bench/${entry.module.slice(2)} must export default { name, number, title, run(ctx) }`);
  }
  if (b.name !== entry.name) throw new Error(`bench/${entry.module.slice(2)} is named "${b.name}", registered as "${entry.name}"`);
  return b as Benchmark;
}
