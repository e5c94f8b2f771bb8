/**
 * Test harness for server-mock: a real app over a real store — a SQLite file in a temp dir, or
 * with `RA_TEST_STORE=postgres` a fresh schema of the PostgreSQL at `RA_TEST_DATABASE_URL` —
 * plus helpers that speak the public API the way a terminal or a cluster would. Test-only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { FastifyInstance } from 'fastify';
import type { ClusterReport } from '../../common/protocol/api.ts';
import type { Program, TerminalType } from '../../common/protocol/model.ts';
import { buildApp } from '../app.ts';
import { defaultConfig, type Config } from '../config.ts';
import type { GlobalServices } from '../global/plugin.ts';
import pg from 'pg';
import { openStore } from '../store/open.ts';
import { PG_TEST_URL, freshSchema } from '../store/postgres-testing.ts';
import type { Store } from '../store/types.ts';

/** The service credential the harness's global accepts. */
export const SERVICE = { id: 's1', secret: 'test-service-secret-0123456789' } as const;
export const SERVICE_AUTH = `Bearer svc_${SERVICE.id}.${SERVICE.secret}`;
export const ADMIN_TOKEN = 'raa_test-admin-token-0123456789abcdef';
export const PLAY_TOKEN_SECRET = 'test-play-token-secret-0123456789';

const vod = (id: string, title: string, minutes: number, terminalTypes: TerminalType[]): Program => ({
  id,
  title,
  synopsis: `${title} (test fixture)`,
  durationMs: minutes * 60_000,
  kind: 'vod',
  terminalTypes,
  artwork: `${id}/poster.jpg`,
  links: [{ dash: `${id}/manifest.mpd`, hls: `${id}/master.m3u8` }],
});

/** A small fixture catalogue: all types, PC+mobile only, STB only, a short one, a live one. */
export const FIXTURE_PROGRAMS: Program[] = [
  vod('ocean', 'Ocean', 20, ['stb', 'mobile', 'pc']),
  vod('city', 'City Lights', 10, ['stb', 'mobile', 'pc']),
  vod('laptop-only', 'Desk Session', 8, ['pc', 'mobile']),
  vod('tv-only', 'Sofa Cinema', 12, ['stb']),
  vod('short', 'Short Clip', 2, ['stb', 'mobile', 'pc']),
  {
    id: 'live-news',
    title: 'News 24',
    synopsis: 'Live channel (test fixture)',
    durationMs: 120_000,
    kind: 'live',
    terminalTypes: ['stb', 'mobile', 'pc'],
    artwork: 'live-news/poster.jpg',
    timeshiftWindowSec: 1800,
    links: [{ dash: 'live-news/live.mpd' }],
  },
];

/** A running test app. */
export interface TestServer {
  app: FastifyInstance;
  global: GlobalServices;
  config: Config;
  dataDir: string;
  /** The SQLite file (exists only when the store is SQLite). */
  dbFile: string;
  /** Every row of every table of the store, in a stable order (either store). */
  dump(): Promise<Record<string, unknown[]>>;
  /** Run one literal SQL statement straight on the store's database (tests that rewind time). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Start an app over a fresh SQLite file with the fixture catalogue (plus `extraPrograms`). */
export async function startTestServer(
  overrides: Partial<Config> = {},
  extraPrograms: Program[] = [],
  /** Share this PostgreSQL schema with other test servers (several global instances; the creator drops it). */
  shared: { pgSchema?: string } = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ra-test-'));
  const dbFile = join(dataDir, 'resume.sqlite');
  const config = defaultConfig({
    dataDir,
    serviceCredentials: [SERVICE],
    adminToken: ADMIN_TOKEN,
    seedDemo: false,
    logLevel: 'silent',
    authRateLimit: 1000,
    // Tests create several accounts anonymously; the closed policy has its own tests.
    openRegistration: true,
    playTokenSecret: PLAY_TOKEN_SECRET,
    ...overrides,
  });
  const schema = shared.pgSchema ?? (testStoreKind() === 'postgres' ? freshSchema() : undefined);
  const ownsSchema = !shared.pgSchema;
  const storeSpec = schema ? { kind: 'postgres' as const, url: PG_TEST_URL as string } : { kind: 'sqlite' as const };
  const store: Store = await openStore({ store: storeSpec, dataDir, pgSchema: schema });
  await store.upsertPrograms([...FIXTURE_PROGRAMS, ...extraPrograms]);
  const { app, global } = await buildApp({ config, store, logger: false, outboxFile: join(dataDir, 'outbox.sqlite') });
  await app.ready();
  return {
    app,
    global: global as GlobalServices,
    config,
    dataDir,
    dbFile,
    dump: () => (schema ? dumpPostgres(schema) : Promise.resolve(dumpDatabase(dbFile))),
    async exec(sql) {
      if (schema) {
        await withAdmin(async (c) => {
          await c.query(`SET search_path TO ${schema}`);
          await c.query(sql);
        });
        return;
      }
      const db = new DatabaseSync(dbFile);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    async close() {
      await app.close();
      await store.close();
      if (schema && ownsSchema) await dropSchema(schema);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Which store the harness opens: `RA_TEST_STORE=postgres` (needs `RA_TEST_DATABASE_URL`), else SQLite. */
export function testStoreKind(): 'sqlite' | 'postgres' {
  if (process.env.RA_TEST_STORE !== 'postgres') return 'sqlite';
  if (!PG_TEST_URL) throw new Error('RA_TEST_STORE=postgres needs RA_TEST_DATABASE_URL');
  return 'postgres';
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_TEST_URL as string });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Every row of every table of a PostgreSQL schema, like `dumpDatabase` (bigints as numbers). */
async function dumpPostgres(schema: string): Promise<Record<string, unknown[]>> {
  return withAdmin(async (c) => {
    const tables = (await c.query<{ name: string }>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema])).rows;
    const out: Record<string, unknown[]> = {};
    for (const { name } of tables) {
      const rows = (await c.query(`SELECT * FROM ${schema}."${name}" ORDER BY 1, 2`)).rows as Record<string, unknown>[];
      out[name] = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) && k !== 'id' ? Number(v) : v])));
    }
    return out;
  });
}

async function dropSchema(schema: string): Promise<void> {
  await withAdmin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}

/** Every row of every table, in a stable order: to prove a refused request changed nothing. */
export function dumpDatabase(file: string): Record<string, unknown[]> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[];
    return Object.fromEntries(
      tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all()]),
    );
  } finally {
    db.close();
  }
}

/** Create an account and sign in; returns the session token. */
export async function signUp(app: FastifyInstance, login: string, password = 'correct-horse-battery'): Promise<string> {
  const created = await app.inject({ method: 'POST', url: '/api/v1/accounts', payload: { login, password } });
  if (created.statusCode !== 201) throw new Error(`register ${login}: ${created.statusCode} ${created.body}`);
  const session = await app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { login, password } });
  if (session.statusCode !== 201) throw new Error(`login ${login}: ${session.statusCode} ${session.body}`);
  return session.json<{ token: string }>().token;
}

/** Register a terminal; returns its id and credential. */
export async function addTerminal(
  app: FastifyInstance,
  userToken: string,
  name: string,
  type: TerminalType,
): Promise<{ id: string; credential: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/terminals',
    headers: { authorization: `Bearer ${userToken}` },
    payload: { name, type },
  });
  if (res.statusCode !== 201) throw new Error(`terminal ${name}: ${res.statusCode} ${res.body}`);
  const body = res.json<{ terminal: { id: string }; credential: string }>();
  return { id: body.terminal.id, credential: body.credential };
}

let reportCounter = 0;

/** A cluster report with sensible defaults (a VOD stop at `offsetMs`). */
export function clusterReport(terminalId: string, programId: string, offsetMs: number, seq: number, extra: Partial<ClusterReport> = {}): ClusterReport {
  return {
    reportId: `test-report-${process.pid}-${++reportCounter}`,
    terminalId,
    programId,
    breakpoint: { kind: 'offset', offsetMs },
    seq,
    event: 'stop',
    observedAt: Date.now(),
    ...extra,
  };
}

/** Send reports as streaming cluster S1. */
export function postReports(app: FastifyInstance, reports: ClusterReport[], sentAt = Date.now()) {
  return app.inject({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: { sentAt, reports } });
}

/** Fetch a terminal's home page through the portal. */
export function getHome(app: FastifyInstance, credential: string) {
  return app.inject({ method: 'GET', url: '/portal/v1/home', headers: { authorization: `Bearer ${credential}` } });
}
