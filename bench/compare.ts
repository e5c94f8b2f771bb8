/**
 * Before/after: `node bench/compare.ts OTHER_DIR [ROUNDS]` runs ingest (NORMAL and FULL) and the
 * home page against the server of another checkout ("before") and this one ("after"), started
 * alternately in the same run over the same 1 M-record seed, and prints a Markdown table of
 * medians. OTHER_DIR needs this bench/ and node_modules, e.g. for the last commit:
 *
 *   mkdir /tmp/before && git archive HEAD | tar -x -C /tmp/before
 *   cp -r bench /tmp/before/ && ln -s "$PWD/node_modules" /tmp/before/node_modules
 *   node bench/compare.ts /tmp/before
 *
 * Loopback only; each phase is bounded (about 70 s per round).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_SERVICE_AUTH } from './lib/constants.ts';
import { closedLoop, openLoop } from './lib/load.ts';
import { reportGenerator } from './lib/reports.ts';
import { cpuUs, startChild } from './lib/server-child.ts';
import { int, median, ms } from './lib/stats.ts';
import { copySeed, seededStore } from './seed.ts';

async function main(): Promise<void> {
  const [otherArg, roundsArg = '3'] = process.argv.slice(2);
  if (!otherArg) throw new Error('usage: node bench/compare.ts OTHER_CHECKOUT_DIR [ROUNDS]');
  const trees = {
    before: join(resolve(otherArg), 'bench/lib/server-entry.ts'),
    after: fileURLToPath(new URL('./lib/server-entry.ts', import.meta.url)),
  };
  if (!existsSync(trees.before)) throw new Error(`${trees.before} not found (copy bench/ into the other checkout)`);
  const seed = await seededStore(1_000_000, { log: console.error });
  const stb = seed.measured.terminals[0];
  if (!stb) throw new Error('seed has no measured terminal');
  const work = mkdtempSync(join(tmpdir(), 'ra-compare-'));
  const out = new Map<string, number[]>();
  const add = (k: string, v: number) => out.set(k, [...(out.get(k) ?? []), v]);
  try {
    for (let round = 1; round <= Number(roundsArg); round++) {
      for (const [name, entry] of Object.entries(trees)) {
        for (const synchronous of ['NORMAL', 'FULL'] as const) {
          const dataDir = join(work, `${name}-${synchronous}`);
          if (round === 1) copySeed(seed, dataDir);
          const s = await startChild({ kind: 'app', dataDir, roles: ['global', 'portal'], synchronous }, 60_000, entry);
          try {
            const gen = reportGenerator(`${name}-${synchronous}-${round}`, seed.sampleTerminals);
            const load = (durationSec: number) =>
              closedLoop({ url: s.url, method: 'POST', path: '/global/v1/history', headers: { authorization: BENCH_SERVICE_AUTH }, body: gen.next, connections: 10, durationSec });
            await load(1);
            const c0 = await s.cpu();
            const r = await load(5);
            const c1 = await s.cpu();
            add(`${name}|ingest ${synchronous}: reports/s`, r.rps);
            add(`${name}|ingest ${synchronous}: server µs per report`, cpuUs(c0, c1) / Math.max(1, r.ok));
            add(`${name}|ingest ${synchronous}: p99 ms`, r.latency.p99);
            if (synchronous === 'NORMAL') {
              const headers = { authorization: `Bearer ${stb.credential}` };
              await openLoop({ url: s.url, path: '/portal/v1/home', headers, rate: 500, durationSec: 1 });
              const h0 = await s.cpu();
              const h = await openLoop({ url: s.url, path: '/portal/v1/home', headers, rate: 500, durationSec: 6 });
              const h1 = await s.cpu();
              add(`${name}|home: server µs per page`, cpuUs(h0, h1) / Math.max(1, h.ok));
              add(`${name}|home at 500/s: achieved req/s`, h.rps);
              add(`${name}|home at 500/s: p50 ms`, h.latency.p50);
              add(`${name}|home at 500/s: p99 ms`, h.latency.p99);
              const cap = await closedLoop({ url: s.url, method: 'GET', path: '/portal/v1/home', headers, connections: 10, durationSec: 3 });
              add(`${name}|home: capacity req/s`, cap.rps);
            }
          } finally {
            await s.stop();
          }
          console.error(`round ${round}: ${name} ${synchronous} done`);
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const measures = [...new Set([...out.keys()].map((k) => k.split('|')[1] as string))];
  const fmt = (m: string, v: number) => (m.includes('ms') ? ms(v) : int(v));
  console.log('| measure | before | after |\n|---|---|---|');
  for (const m of measures) {
    console.log(`| ${m} | ${fmt(m, median(out.get(`before|${m}`) ?? []))} | ${fmt(m, median(out.get(`after|${m}`) ?? []))} |`);
  }
}

if (import.meta.main) await main();
