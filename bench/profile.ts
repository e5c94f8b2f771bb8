/**
 * Profile the server under one benchmark's load: `node bench/profile.ts ingest|replay|home|revalidate|heartbeat [SIZE] [SECONDS]`
 * (home: the v2 home document, HOME_PATH=/portal/v1/home for the old page; revalidate: the
 * catalogue's 304).
 * Starts the real server (child process, `--cpu-prof`) over a copy of a seeded store, loads it,
 * stops it, and prints the top self-time functions of the profile (the .cpuprofile file stays
 * in the printed directory for Chrome DevTools). Loopback only, bounded in time.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_SERVICE_AUTH } from './lib/constants.ts';
import { closedLoop, openLoop } from './lib/load.ts';
import { reportGenerator } from './lib/reports.ts';
import { startGlobal } from './lib/servers.ts';
import { benchSessions, BENCH_CLUSTER_ID, roundRobin, seededTerminals } from './lib/sessions.ts';
import { seededStore } from './seed.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const frameKey = (f: ProfileNode['callFrame']) => `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|work\/[^/]+\/[^/]+)\//, '')}:${f.lineNumber + 1}`;

/** Top total-time (self + callees) frames of our own code (server-mock/, common/) in a .cpuprofile file. */
export function topInclusive(file: string, n = 25): string[] {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const byId = new Map(prof.nodes.map((x) => [x.id, x]));
  const total = prof.nodes.reduce((s, x) => s + (x.hitCount ?? 0), 0);
  const incl = new Map<string, number>();
  // Count each sample once per frame key on its stack (recursion does not double-count).
  const walk = (node: ProfileNode, onStack: Set<string>) => {
    const key = frameKey(node.callFrame);
    const own = /server-mock\/|common\//.test(node.callFrame.url) && !onStack.has(key);
    const sub = (x: ProfileNode): number => (x.hitCount ?? 0) + (x.children ?? []).reduce((s, c) => s + sub(byId.get(c) as ProfileNode), 0);
    if (own) incl.set(key, (incl.get(key) ?? 0) + sub(node));
    if (own) onStack.add(key);
    for (const c of node.children ?? []) walk(byId.get(c) as ProfileNode, onStack);
    if (own) onStack.delete(key);
  };
  walk(prof.nodes[0] as ProfileNode, new Set());
  return [...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
}

/** Top self-time frames of a .cpuprofile file. */
export function topFrames(file: string, n = 30): string[] {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const total = prof.nodes.reduce((s, x) => s + (x.hitCount ?? 0), 0);
  const by = new Map<string, number>();
  for (const x of prof.nodes) {
    const key = frameKey(x.callFrame);
    by.set(key, (by.get(key) ?? 0) + (x.hitCount ?? 0));
  }
  return [...by.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
}

async function main(): Promise<void> {
  const [what = 'ingest', sizeArg = '1000000', secondsArg = '8'] = process.argv.slice(2);
  const seed = await seededStore(Number(sizeArg), { log: console.log });
  const profDir = mkdtempSync(join(tmpdir(), 'ra-prof-'));
  const work = mkdtempSync(join(tmpdir(), 'ra-prof-work-'));
  process.env.BENCH_CPU_PROF = profDir;
  const server =
    what === 'heartbeat'
      ? await startGlobal(work, 'p', seed, { roles: ['global', 'portal', 'streaming'], overrides: { instanceId: BENCH_CLUSTER_ID, reportIntervalSec: 3, heartbeatIntervalSec: 600, sessionTimeoutSec: 3600 } })
      : await startGlobal(work, 'p', seed);
  delete process.env.BENCH_CPU_PROF;
  try {
    if (what === 'heartbeat') {
      // As bench/heartbeat.ts: open the sessions, then heartbeats round-robin (each visited ~ every 0.5 s).
      const n = Number(process.env.SESSIONS ?? 2_000);
      const sessions = benchSessions(n, seededTerminals(server.dbFile, n), 'p');
      await closedLoop({ url: server.url, method: 'POST', path: '/', request: roundRobin(sessions), connections: 20, durationSec: 300, amount: n });
      const r = await closedLoop({ url: server.url, method: 'POST', path: '/', request: roundRobin(sessions), connections: 10, durationSec: Number(secondsArg) });
      console.log(`heartbeat: ${r.rps.toFixed(0)} heartbeats/s, p50 ${r.latency.p50.toFixed(2)} ms, p99 ${r.latency.p99.toFixed(2)} ms`);
    } else if (what === 'ingest' || what === 'replay') {
      const gen = reportGenerator('profile', seed.sampleTerminals);
      // replay: the same report again and again (a duplicate: everything but the writes).
      const first = gen.next();
      // BATCH=n: n reports per request (as a cluster's outbox batches them).
      const batch = Number(process.env.BATCH ?? 1);
      const body = what === 'replay' ? () => first : batch > 1 ? () => gen.batch(batch) : gen.next;
      const r = await closedLoop({ url: server.url, method: 'POST', path: '/global/v1/history', headers: { authorization: BENCH_SERVICE_AUTH }, body, connections: 10, durationSec: Number(secondsArg) });
      console.log(`${what}: ${r.rps.toFixed(0)} reports/s, p50 ${r.latency.p50.toFixed(2)} ms, p99 ${r.latency.p99.toFixed(2)} ms`);
    } else {
      const t = seed.measured.terminals[0];
      const headers: Record<string, string> = { authorization: `Bearer ${t?.credential}` };
      let path = process.env.HOME_PATH ?? '/portal/v2/home';
      if (what === 'revalidate') {
        // The catalogue revalidated with the tag it was served with (a 304 each time).
        path = '/portal/v1/catalogue';
        const res = await fetch(`${server.url}${path}`, { headers });
        headers['if-none-match'] = res.headers.get('etag') ?? '';
      }
      const r = await openLoop({ url: server.url, path, headers, rate: Number(process.env.RATE ?? 500), durationSec: Number(secondsArg), ...(what === 'revalidate' ? { expectStatus: 304 } : {}) });
      console.log(`home: ${r.rps.toFixed(0)} req/s, p50 ${r.latency.p50.toFixed(2)} ms, p99 ${r.latency.p99.toFixed(2)} ms`);
    }
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  console.log(`profile: ${join(profDir, file)}`);
  for (const line of topFrames(join(profDir, file))) console.log(line);
  console.log('total time (self + callees), our code:');
  for (const line of topInclusive(join(profDir, file))) console.log(line);
}

if (import.meta.main) await main();
