/**
 * `npm run bench [-- NAME… ] [--quick] [--results-dir DIR] [--list]`
 *
 * Runs the benchmarks of bench/registry.ts (all, or those named), prints a table per benchmark
 * (Markdown, so it pastes into docs/BENCHMARKS.md) with its targets, and writes JSON:
 * `bench/results/NAME-TIMESTAMP.json` per benchmark and `bench/results/latest.json` for the
 * whole run, with the machine it ran on. Everything runs on 127.0.0.1; every phase is bounded
 * in time. Exit status 1 when a benchmark failed to run (a missed target is a result, not a
 * failure). `--quick` is a short smoke run (small stores, ~1 s phases).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchResult, Table } from './lib/types.ts';
import { isPresent, load, REGISTRY } from './registry.ts';
import { defaultCacheDir } from './seed.ts';

/** Time allowed to one benchmark before it is declared failed. */
const TIMEOUT_SEC = { full: 240, quick: 90 };

/** The machine, for the record. */
export function machine() {
  const cpus = os.cpus();
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** A Markdown table. */
export function markdown(table: Table): string {
  const esc = (c: string | number) => String(c).replace(/\|/g, '\\|');
  const lines = [`**${table.title}**`, '', `| ${table.columns.map(esc).join(' | ')} |`, `|${table.columns.map(() => '---').join('|')}|`];
  for (const row of table.rows) lines.push(`| ${row.map(esc).join(' | ')} |`);
  return lines.join('\n');
}

function render(r: BenchResult): string {
  const load = r.load ? `, load ${r.load.start.toFixed(1)} → ${r.load.end.toFixed(1)}` : '';
  const out = [`## ${r.number}. ${r.title}  (${r.status}, ${r.durationSec.toFixed(0)} s${load})`, ''];
  if (r.error) out.push(`> ${r.error}`, '');
  for (const t of r.tables) out.push(markdown(t), '');
  if (r.targets.length > 0) {
    out.push(
      markdown({
        title: 'Targets',
        columns: ['target', 'measured', 'met'],
        rows: r.targets.map((t) => [t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'yes' : 'NO']),
      }),
      '',
    );
  }
  for (const n of r.notes) out.push(`- ${n}`);
  return out.join('\n');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      'results-dir': { type: 'string' },
      list: { type: 'boolean', default: false },
    },
  });
  if (values.list) {
    for (const e of REGISTRY) console.log(`${e.number}. ${e.name.padEnd(16)} ${e.title}${isPresent(e) ? '' : '  (not present yet)'}`);
    return 0;
  }
  const unknown = positionals.filter((p) => !REGISTRY.some((e) => e.name === p));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${REGISTRY.map((e) => e.name).join(', ')}`);
    return 2;
  }
  const selected = positionals.length > 0 ? REGISTRY.filter((e) => positionals.includes(e.name)) : REGISTRY;
  const quick = values.quick === true;
  const resultsDir = values['results-dir'] ?? fileURLToPath(new URL('./results', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  const cacheDir = defaultCacheDir();
  const runDir = mkdtempSync(join(os.tmpdir(), 'ra-bench-run-'));
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const log = (m: string) => process.stderr.write(`[bench ${((performance.now() / 1000) | 0).toString().padStart(4)} s] ${m}\n`);
  const results: BenchResult[] = [];
  const info = machine();
  console.log(`# Benchmarks${quick ? ' (quick smoke run)' : ''}\n`);
  console.log(`${info.cpus} CPUs (${info.cpuModel}), ${info.memoryGiB} GiB, Node ${info.node}, ${info.platform}, load ${info.loadAverage.join(' ')}, ${startedAt.toISOString()}\n`);

  for (const entry of selected) {
    const base = { name: entry.name, number: entry.number, title: entry.title, quick, tables: [], targets: [], notes: [], data: {} };
    const t0 = performance.now();
    const loadAtStart = os.loadavg()[0] as number;
    let result: BenchResult;
    if (!isPresent(entry)) {
      result = { ...base, status: 'skipped', error: `bench/${entry.module.slice(2)} is not present yet (slot reserved)`, startedAt: new Date().toISOString(), durationSec: 0 };
    } else {
      const workDir = join(runDir, entry.name);
      mkdirSync(workDir, { recursive: true });
      const started = new Date().toISOString();
      let timer: NodeJS.Timeout | undefined;
      try {
        const bench = await load(entry);
        log(`${entry.number}. ${entry.title}`);
        const limits = entry.timeoutSec ?? TIMEOUT_SEC;
        const limit = quick ? limits.quick : limits.full;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${limit} s`)), limit * 1000);
        });
        const out = await Promise.race([bench.run({ quick, log, workDir, cacheDir }), timeout]);
        result = { ...base, ...out, status: 'ok', startedAt: started, durationSec: (performance.now() - t0) / 1000 };
      } catch (err) {
        const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
        log(`${entry.name} failed: ${message}`);
        result = { ...base, status: 'failed', error: message.split('\n')[0] as string, startedAt: started, durationSec: (performance.now() - t0) / 1000 };
      } finally {
        clearTimeout(timer);
        rmSync(workDir, { recursive: true, force: true });
      }
    }
    result.load = { start: loadAtStart, end: os.loadavg()[0] as number };
    results.push(result);
    console.log(`${render(result)}\n`);
    writeFileSync(join(resultsDir, `${entry.name}-${stamp}.json`), `${JSON.stringify({ machine: info, ...result }, null, 2)}\n`);
  }
  rmSync(runDir, { recursive: true, force: true });

  const targets = results.flatMap((r) => r.targets.map((t) => [`${r.number}. ${r.name}`, t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'yes' : 'NO']));
  if (targets.length > 0) console.log(`${markdown({ title: 'All targets', columns: ['benchmark', 'target', 'measured', 'met'], rows: targets })}\n`);
  const latest = { startedAt: startedAt.toISOString(), quick, command: `npm run bench${quick ? ' -- --quick' : ''}`, machine: info, results };
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(latest, null, 2)}\n`);
  log(`wrote ${join(resultsDir, 'latest.json')}`);
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

if (import.meta.main) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
