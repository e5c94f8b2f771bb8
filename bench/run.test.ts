/**
 * Smoke test of `npm run bench`: a `--quick` run of one benchmark in a child process (as npm
 * runs it) must print its table and write well-formed JSON (per benchmark and latest.json).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResult } from './lib/types.ts';

const RUN = fileURLToPath(new URL('./run.ts', import.meta.url));
const results = mkdtempSync(join(tmpdir(), 'ra-bench-test-'));
afterAll(() => rmSync(results, { recursive: true, force: true }));

const bench = (...args: string[]) =>
  spawnSync(process.execPath, [RUN, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } });

describe('npm run bench', () => {
  it('lists the benchmarks, with the slot for resume-chromium', () => {
    const r = bench('--list');
    expect(r.status).toBe(0);
    for (const name of ['ingest', 'home', 'handoff', 'resume-chromium', 'growth', 'heartbeat', 'sse-memory']) expect(r.stdout).toContain(name);
  });

  it('refuses an unknown benchmark name', () => {
    const r = bench('no-such-bench');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown benchmark');
  });

  it('runs one benchmark --quick, prints its table and writes its JSON', { timeout: 90_000 }, () => {
    const r = bench('--quick', 'handoff', '--results-dir', results);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('## 3. Handoff');
    expect(r.stdout).toMatch(/\| path \| handoffs \|/);

    const latest = JSON.parse(readFileSync(join(results, 'latest.json'), 'utf8')) as {
      quick: boolean;
      machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
      results: BenchResult[];
    };
    expect(latest.quick).toBe(true);
    expect(latest.machine.cpus).toBeGreaterThan(0);
    expect(latest.machine.node).toMatch(/^v\d+/);
    expect(latest.results.map((x) => [x.name, x.number, x.status])).toEqual([['handoff', 3, 'ok']]);
    const [res] = latest.results as [BenchResult];
    expect(res.tables.length).toBeGreaterThan(0);
    for (const t of res.tables) {
      expect(t.title).toBeTruthy();
      for (const row of t.rows) expect(row).toHaveLength(t.columns.length);
    }
    expect(res.targets.length).toBeGreaterThan(0);
    for (const t of res.targets) expect(typeof t.target === 'string' && typeof t.measured === 'string' && 'met' in t).toBe(true);
    expect(res.durationSec).toBeGreaterThan(0);

    const files = readdirSync(results).filter((f) => /^handoff-.*\.json$/.test(f));
    expect(files).toHaveLength(1);
    const one = JSON.parse(readFileSync(join(results, files[0] as string), 'utf8')) as BenchResult & { machine: unknown };
    expect(one.name).toBe('handoff');
    expect(one.machine).toEqual(latest.machine);
  });
});
