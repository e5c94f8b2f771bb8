/**
 * Benchmark 2 — Home page at scale: the home document `GET /portal/v2/home` for a set-top box
 * whose user has 10 terminals (200 records over 60 programmes), in a store of 1 M records
 * across 100 k users and a 200-programme catalogue, at a steady 500 requests/s (open loop,
 * measured from each request's scheduled time). Baseline: a bare Fastify route answering the
 * very same JSON document, in the same kind of child process, at the same rate, in the same
 * run. Also: the old page with the catalogue inlined (`/portal/v1/home`, what the split
 * replaced), a catalogue revalidation (`GET /portal/v1/catalogue` with If-None-Match → 304)
 * against a bare route answering 304, and the capacity of each (closed loop, 10 connections).
 */
import http from 'node:http';
import { closedLoop, openLoop, type OpenLoopResult } from './lib/load.ts';
import { coreShare, type ChildServer } from './lib/server-child.ts';
import { startBare, startGlobal } from './lib/servers.ts';
import { int, median, ms } from './lib/stats.ts';
import type { Benchmark, BenchContext, BenchOutput } from './lib/types.ts';
import { seededStore } from './seed.ts';

/** The request rate of the target. */
export const HOME_RATE = 500;

/** Fetch one home document; throws unless it is a 200 with a non-empty Continue-watching row. */
export async function fetchHome(url: string, credential: string): Promise<{ body: string; cards: number; catalogue: { version: string; total: number } }> {
  const res = await fetch(`${url}/portal/v2/home`, { headers: { authorization: `Bearer ${credential}` }, signal: AbortSignal.timeout(10_000) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`home: HTTP ${res.status} ${body.slice(0, 200)}`);
  const doc = JSON.parse(body) as { continueWatching: unknown[]; catalogue: { version: string; total: number } };
  if (doc.continueWatching.length === 0) throw new Error('home: empty Continue-watching row for the measured terminal');
  return { body, cards: doc.continueWatching.length, catalogue: doc.catalogue };
}

/** One GET's status, entity tag and body size as sent (compressed when `encoding` is accepted). */
function probe(url: string, path: string, headers: Record<string, string>): Promise<{ status: number; etag: string; bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}${path}`, { headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: String(res.headers.etag ?? ''), bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('probe timeout')));
  });
}

type Server = 'baseline' | 'home' | 'v1' | 'bare304' | 'revalidate';

interface RatePhase {
  server: Server;
  result: OpenLoopResult;
  serverCores: number;
  /** The server's own view of the phase: event-loop delay and GC pauses. */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  gcMaxMs: number;
  gcTotalMs: number;
}

async function atRate(server: ChildServer, path: string, headers: Record<string, string>, seconds: number, expectStatus?: number): Promise<Omit<RatePhase, 'server'>> {
  const before = await server.cpu();
  const result = await openLoop({ url: server.url, path, headers, rate: HOME_RATE, durationSec: seconds, ...(expectStatus ? { expectStatus } : {}) });
  const after = await server.cpu();
  return {
    result,
    serverCores: coreShare(before, after),
    loopDelayMaxMs: after.loopDelay.maxMs,
    loopDelayP99Ms: after.loopDelay.p99Ms,
    gcMaxMs: after.gc.maxMs,
    gcTotalMs: after.gc.totalMs,
  };
}

async function run(ctx: BenchContext): Promise<BenchOutput> {
  const size = ctx.quick ? 10_000 : 1_000_000;
  const seconds = ctx.quick ? 1.5 : 10;
  const warmup = ctx.quick ? 0.5 : 2;
  const rounds = ctx.quick ? 1 : 2;
  const capacitySec = ctx.quick ? 1 : 4;
  const seed = await seededStore(size, { cacheDir: ctx.cacheDir, log: ctx.log });
  const stb = seed.measured.terminals[0];
  if (!stb) throw new Error('seed has no measured terminal');
  const auth = { authorization: `Bearer ${stb.credential}` };

  const app = await startGlobal(ctx.workDir, 'home', seed);
  let bare: ChildServer | null = null;
  const phases: RatePhase[] = [];
  const capacity: { server: Server; rps: number; p99: number }[] = [];
  try {
    const sample = await fetchHome(app.url, stb.credential);
    const old = await probe(app.url, '/portal/v1/home', auth);
    const catalogue = await probe(app.url, '/portal/v1/catalogue', auth);
    if (catalogue.status !== 200 || !catalogue.etag.includes(sample.catalogue.version)) throw new Error(`catalogue: HTTP ${catalogue.status}, ETag ${catalogue.etag} is not version ${sample.catalogue.version}`);
    const revalidation = { ...auth, 'if-none-match': catalogue.etag };
    const notModified = await probe(app.url, '/portal/v1/catalogue', revalidation);
    if (notModified.status !== 304) throw new Error(`catalogue revalidation: HTTP ${notModified.status}, not 304`);
    const wire = {
      doc: await probe(app.url, '/portal/v2/home', { ...auth, 'accept-encoding': 'br, gzip' }),
      catalogue: await probe(app.url, '/portal/v1/catalogue', { ...auth, 'accept-encoding': 'br, gzip' }),
    };
    bare = await startBare(sample.body);
    const targets: { server: Server; child: ChildServer; path: string; headers: Record<string, string>; status?: number }[] = [
      { server: 'baseline', child: bare, path: '/home', headers: {} },
      { server: 'home', child: app, path: '/portal/v2/home', headers: auth },
      { server: 'v1', child: app, path: '/portal/v1/home', headers: auth },
      { server: 'bare304', child: bare, path: '/not-modified', headers: {}, status: 304 },
      { server: 'revalidate', child: app, path: '/portal/v1/catalogue', headers: revalidation, status: 304 },
    ];
    for (const t of targets) {
      await openLoop({ url: t.child.url, path: t.path, headers: t.headers, rate: HOME_RATE, durationSec: warmup, ...(t.status ? { expectStatus: t.status } : {}) });
    }
    for (let round = 1; round <= rounds; round++) {
      for (const t of targets) {
        ctx.log(`home round ${round}/${rounds}: ${t.server} at ${HOME_RATE}/s`);
        phases.push({ server: t.server, ...(await atRate(t.child, t.path, t.headers, seconds, t.status)) });
      }
    }
    for (const t of targets.filter((x) => !x.status)) {
      ctx.log(`home capacity: ${t.server}`);
      const r = await closedLoop({ url: t.child.url, method: 'GET', path: t.path, headers: t.headers, connections: 10, durationSec: capacitySec });
      capacity.push({ server: t.server, rps: r.rps, p99: r.latency.p99 });
    }

    const by = (s: Server) => phases.filter((p) => p.server === s);
    const med = (s: Server, f: (p: RatePhase) => number) => median(by(s).map(f));
    const row = (s: Server, label: string) => [
      label,
      int(med(s, (p) => p.result.rps)),
      ms(med(s, (p) => p.result.latency.p50)),
      ms(med(s, (p) => p.result.latency.p99)),
      ms(med(s, (p) => p.result.service.p99)),
      ms(Math.max(...by(s).map((p) => p.result.latency.max))),
      med(s, (p) => p.serverCores).toFixed(2),
      `${ms(med(s, (p) => p.loopDelayP99Ms))} / ${ms(Math.max(...by(s).map((p) => p.loopDelayMaxMs)))}`,
      `${ms(med(s, (p) => p.result.generatorLoopDelay.p99Ms))} / ${ms(Math.max(...by(s).map((p) => p.result.generatorLoopDelay.maxMs)))}`,
      `${ms(Math.max(...by(s).map((p) => p.gcMaxMs)))} / ${med(s, (p) => (p.gcTotalMs / (seconds * 1000)) * 100).toFixed(1)} %`,
      capacity.some((c) => c.server === s) ? int(capacity.find((c) => c.server === s)?.rps ?? Number.NaN) : '–',
      String(by(s).reduce((n, p) => n + p.result.failed, 0)),
    ];
    const docBytes = Buffer.byteLength(sample.body);
    const p99 = med('home', (p) => p.result.latency.p99);
    const baseP99 = med('baseline', (p) => p.result.latency.p99);
    const ratio = p99 / baseP99;
    const p50_304 = med('revalidate', (p) => p.result.latency.p50);
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    return {
      tables: [
        {
          title: `Home page — ${HOME_RATE} requests/s for ${seconds} s × ${rounds} rounds (medians); ${int(seed.records)} records, ${int(seed.users)} users; ${sample.cards} cards, ${sample.catalogue.total} programmes`,
          columns: ['server', 'req/s', 'p50 ms', 'p99 ms', 'p99 service ms', 'max ms', 'server CPU (cores)', 'server loop delay p99 / max ms', 'generator loop delay p99 / max ms', 'server GC max ms / time share', 'capacity req/s', 'failed'],
          rows: [
            row('baseline', `bare Fastify, same JSON as the home document (baseline)`),
            row('home', 'GET /portal/v2/home (home document)'),
            row('v1', 'GET /portal/v1/home (old page, catalogue inlined; deprecated)'),
            row('bare304', 'bare Fastify answering 304 (baseline)'),
            row('revalidate', 'GET /portal/v1/catalogue, If-None-Match → 304'),
          ],
        },
        {
          title: 'Home page — bytes per response (identity, and as sent to a client accepting br, gzip)',
          columns: ['response', 'bytes', 'as sent', 'coding'],
          rows: [
            ['GET /portal/v2/home (home document)', int(docBytes), int(wire.doc.bytes), wire.doc.encoding],
            ['GET /portal/v1/catalogue (fetched only when its version changed)', int(catalogue.bytes), int(wire.catalogue.bytes), wire.catalogue.encoding],
            ['GET /portal/v1/catalogue, revalidated (304)', '0', '0', '–'],
            ['GET /portal/v1/home (old page, every time)', int(old.bytes), '–', 'identity'],
          ],
        },
      ],
      targets: [
        { target: `home document ≤ 16 KB for 30 cards`, measured: `${kb(docBytes)} for ${sample.cards} cards (old page ${kb(old.bytes)})`, met: docBytes <= 16 * 1024 && sample.cards >= 30 },
        { target: `home p99 < 10 ms at ${HOME_RATE} requests/s`, measured: `${ms(p99)} ms`, met: p99 < 10 },
        { target: `home p99 ≤ 1.2× the p99 of a bare route serving the same bytes`, measured: `${ratio.toFixed(2)}× (${ms(p99)} vs ${ms(baseP99)} ms)`, met: ratio <= 1.2 },
        { target: `catalogue revalidation (304) p50 < 1 ms`, measured: `${ms(p50_304)} ms (bare 304: ${ms(med('bare304', (p) => p.result.latency.p50))} ms)`, met: p50_304 < 1 },
      ],
      notes: [
        'Server in a child process (one core); the paced generator (node:http keep-alive, open loop) in the parent (the other core).',
        'p50/p99 count from the scheduled send time, so a server stall cannot slow the generator down and hide itself (no coordinated omission); "p99 service" counts from the actual send.',
        `The measured terminal is an STB of a user with ${seed.measured.terminals.length} terminals and ${seed.measured.records} records. The home document names its catalogue by version; a terminal fetches the catalogue only when that version is not the one it holds, and otherwise revalidates it (304) or not at all.`,
        'The rate phases send no Accept-Encoding (identity both sides, the same bytes as the baseline); the bytes table shows what compression (@fastify/compress) sends to a client that accepts it.',
        'Capacity: closed loop, 10 connections, autocannon.',
        'Loop delay: how late each process’s event loop ran (perf_hooks, 1 ms resolution) — GC pauses, and the process waiting for a CPU on a shared machine, both show here; a baseline with the same tail means the tail is the machine’s, not the route’s.',
      ],
      data: {
        size, seed: { records: seed.records, users: seed.users }, rate: HOME_RATE, seconds, rounds,
        page: { bytes: docBytes, cards: sample.cards, catalogue: sample.catalogue, oldBytes: old.bytes, catalogueBytes: catalogue.bytes, wire: { doc: wire.doc.bytes, catalogue: wire.catalogue.bytes } },
        phases, capacity,
      },
    };
  } finally {
    await bare?.stop();
    await app.stop();
  }
}

const bench: Benchmark = { name: 'home', number: 2, title: 'Home page at scale', run };
export default bench;
