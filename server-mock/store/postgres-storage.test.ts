/**
 * PostgreSQL storage errors, as the server meets them:
 * - a real full disk: the store's tables live in a tablespace on a tiny tmpfs (as root, where
 *   PostgreSQL runs on this machine as the `postgres` user — the throwaway cluster); writes run
 *   until PostgreSQL answers `could not extend file … No space left on device` (SQLSTATE 53100)
 *   → STORAGE_FULL, reads keep working, every acknowledged report is there, and once space is
 *   added the next write goes through;
 * - the same mapping, and data corruption (XX001 data_corrupted), driven by real PostgreSQL
 *   errors raised in the database by a trigger (`RAISE … USING ERRCODE`), through the HTTP API:
 *   507 STORAGE_FULL and nothing written; then 503 STORAGE_DAMAGED, /healthz 503 naming the
 *   database and what to do, writes refused from then on, reads still answered.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { defaultConfig } from '../config.ts';
import { ADMIN_TOKEN, clusterReport, FIXTURE_PROGRAMS, SERVICE, SERVICE_AUTH } from '../testing/harness.ts';
import { createTestDatabase } from '../testing/pg-for-tests.ts';
import { programFixture, reportInput, terminalFixture, userFixture } from './conformance.ts';
import { openStore } from './open.ts';
import { PG_SKIP_REASON, PG_TEST_URL, dropTestSchemas, freshSchema } from './postgres-testing.ts';

/** Why a tablespace on a tmpfs cannot be had here (null: it can). */
function tmpfsUnavailable(): string | null {
  if (PG_SKIP_REASON) return PG_SKIP_REASON;
  if (userInfo().uid !== 0) return 'mounting a tmpfs needs root';
  const host = new URL(PG_TEST_URL as string).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') return 'the test PostgreSQL is not on this machine (its tablespace directory must be)';
  if (spawnSync('id', ['-u', 'postgres']).status !== 0) return 'no `postgres` user to own the tablespace directory';
  // Root in a container may still be refused mounts (no CAP_SYS_ADMIN): try once.
  const probe = mkdtempSync(join(tmpdir(), 'ra-mount-probe-'));
  try {
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { encoding: 'utf8' });
    if (r.status !== 0) return `cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()})`;
    spawnSync('umount', [probe]);
    return null;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

afterAll(dropTestSchemas);

const NO_TMPFS = tmpfsUnavailable();

describe.skipIf(NO_TMPFS !== null)('a real full disk under PostgreSQL (tablespace on a tiny tmpfs)', () => {
  it('STORAGE_FULL when PostgreSQL cannot extend a file; reads work, nothing acknowledged lost, writes resume with space', async () => {
    const mnt = mkdtempSync(join(tmpdir(), 'ra-pgfull-'));
    const mount = (opts: string) => {
      const r = spawnSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', mnt], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`mount: ${r.stderr}`);
    };
    mount('size=1536k,mode=0700');
    const space = `ra_full_${process.pid}`;
    const db = await createTestDatabase('diskfull');
    let store: Awaited<ReturnType<typeof openStore>> | null = null;
    try {
      chownSync(mnt, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout), Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout));
      await db.client.query(`CREATE TABLESPACE ${space} LOCATION '${mnt}'`);
      // Every table and index of this database goes into the tiny tablespace (WAL stays in the data dir).
      await db.client.query(`ALTER DATABASE ${new URL(db.url).pathname.slice(1)} SET default_tablespace = ${space}`);
      store = await openStore({ store: { kind: 'postgres', url: db.url }, dataDir: mnt, dbPoolSize: 2 });
      const u = userFixture('user-a');
      const t = terminalFixture('term-a', u.id);
      await store.createUser(u);
      await store.createTerminal(t);
      await store.upsertPrograms(Array.from({ length: 20 }, (_, i) => programFixture(`p${i}`, `P${i}`)));
      const where = (await db.client.query<{ spcname: string }>(
        "SELECT ts.spcname FROM pg_class c JOIN pg_tablespace ts ON ts.oid = c.reltablespace WHERE c.relname = 'history_reports'")).rows;
      expect(where.map((r) => r.spcname)).toEqual([space]);

      // Report ids of 1 000 random characters: the tablespace fills in a few hundred reports.
      const acked: string[] = [];
      let full: unknown = null;
      for (let i = 0; i < 3_000 && !full; i++) {
        const reportId = `r${i}-${Buffer.from(Array.from({ length: 500 }, () => Math.floor(Math.random() * 256))).toString('hex')}`;
        try {
          await store.applyReport(reportInput({ reportId, terminal: t, seq: i + 1, programId: `p${i % 20}` }));
          acked.push(reportId);
        } catch (err) {
          full = err;
        }
      }
      expect(full, 'the tablespace never filled').toMatchObject({ code: 'STORAGE_FULL' });
      expect((full as Error).message).toContain('storage is full');
      expect(acked.length).toBeGreaterThan(10);
      // Reads keep working; the database is not "damaged".
      const rows = await store.listHistory(u.id);
      expect(rows.length).toBe(Math.min(20, acked.length));
      expect(store.health().status).toBe('ok');
      // Every acknowledged report is remembered: replaying one is a duplicate (this needs no space).
      const held = await db.client.query<{ n: number }>('SELECT count(*)::int AS n FROM history_reports WHERE report_id = ANY($1)', [acked]);
      expect(held.rows[0]?.n).toBe(acked.length);
      const replay = await store.applyReport(reportInput({ reportId: acked[0] as string, terminal: t, seq: 1, programId: 'p0' }));
      expect(replay.outcome).toBe('duplicate');
      // Space added: the next write goes through.
      mount('remount,size=16m');
      const again = await store.applyReport(reportInput({ reportId: 'after-space', terminal: t, seq: 100_000, programId: 'p1' }));
      expect(again.outcome).toBe('applied');
    } finally {
      await store?.close();
      await db.drop();
      // The database (and so every file in the tablespace) is gone; now the tablespace, then the mount.
      const c = new pg.Client({ connectionString: PG_TEST_URL as string });
      await c.connect();
      await c.query(`DROP TABLESPACE IF EXISTS ${space}`).finally(() => c.end());
      spawnSync('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.skipIf(PG_SKIP_REASON !== null)('PostgreSQL storage errors over HTTP (real errors raised by a trigger)', () => {
  it('disk_full → 507 STORAGE_FULL, nothing written; data_corrupted → 503 STORAGE_DAMAGED, /healthz says so, writes refused', async () => {
    const schema = freshSchema();
    const dataDir = mkdtempSync(join(tmpdir(), 'ra-pgerr-'));
    const store = await openStore({ store: { kind: 'postgres', url: PG_TEST_URL as string }, dataDir, pgSchema: schema });
    await store.upsertPrograms(FIXTURE_PROGRAMS);
    const config = defaultConfig({ roles: ['global'], dataDir, serviceCredentials: [SERVICE], adminToken: ADMIN_TOKEN, seedDemo: false, logLevel: 'silent', openRegistration: true, authRateLimit: 1000 });
    const { app } = await buildApp({ config, store, logger: false });
    const admin = new pg.Client({ connectionString: PG_TEST_URL as string });
    await admin.connect();
    try {
      await admin.query(`SET search_path TO ${schema}`);
      const post = (path: string, body: unknown, auth?: string) => app.inject({ method: 'POST', url: path, headers: auth ? { authorization: auth } : {}, payload: body as object });
      expect((await post('/api/v1/accounts', { login: 'err@example.com', password: 'storage-errors-pw' })).statusCode).toBe(201);
      const { token } = (await post('/api/v1/sessions', { login: 'err@example.com', password: 'storage-errors-pw' })).json<{ token: string }>();
      const tv = (await post('/api/v1/terminals', { name: 'TV', type: 'stb' }, `Bearer ${token}`)).json<{ terminal: { id: string } }>().terminal;
      const report = (seq: number) => post('/global/v1/history', { sentAt: Date.now(), reports: [clusterReport(tv.id, 'ocean', seq * 60_000, seq)] }, SERVICE_AUTH);
      const history = async () => (await app.inject({ url: `/global/v1/programs?terminalId=${tv.id}`, headers: { authorization: SERVICE_AUTH } })).json<{ history: { seq: number }[] }>().history;
      expect((await report(1)).statusCode).toBe(200);

      const raise = (code: string) => admin.query(`
        CREATE OR REPLACE FUNCTION ra_fail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'simulated: could not extend file' USING ERRCODE = '${code}'; END $$;
        DROP TRIGGER IF EXISTS ra_fail ON history_reports;
        CREATE TRIGGER ra_fail BEFORE INSERT ON history_reports FOR EACH ROW EXECUTE FUNCTION ra_fail();`);
      const calm = () => admin.query('DROP TRIGGER IF EXISTS ra_fail ON history_reports');

      // A full disk: 507 with its code, the report not written, reads fine, health ok; then it passes.
      await raise('disk_full');
      const full = await report(2);
      expect(full.statusCode, full.body).toBe(507);
      expect(full.json()).toMatchObject({ code: 'STORAGE_FULL' });
      expect((await history()).map((r) => r.seq)).toEqual([1]);
      expect((await app.inject({ url: '/healthz' })).json()).toMatchObject({ status: 'ok', storage: { status: 'ok' } });
      await calm();
      expect((await report(2)).statusCode).toBe(200);

      // Data corruption: 503, /healthz 503 naming the database and the action; writes refused
      // even after the error is gone (the operator must look), reads still answered.
      await raise('data_corrupted');
      const damaged = await report(3);
      expect(damaged.statusCode, damaged.body).toBe(503);
      expect(damaged.json()).toMatchObject({ code: 'STORAGE_DAMAGED' });
      await calm();
      const health = await app.inject({ url: '/healthz' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ status: 'damaged', storage: { status: 'damaged', where: expect.stringContaining('127.0.0.1'), problem: expect.stringContaining('simulated'), action: expect.stringContaining('pg_dump') } });
      expect((await report(4)).json()).toMatchObject({ code: 'STORAGE_DAMAGED' });
      expect((await history()).map((r) => r.seq)).toEqual([2]);
    } finally {
      await admin.end();
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

if (NO_TMPFS) {
  describe('a real full disk under PostgreSQL (tablespace on a tiny tmpfs)', () => {
    it.skip(`skipped: ${NO_TMPFS}`, () => {});
  });
}
