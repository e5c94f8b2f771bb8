/**
 * A SQLite file damaged under a running server: a real server process over a store of several
 * MB has the file's pages after the first overwritten with garbage while it runs (then another
 * connection commits a header-only change, so the server's page cache is dropped and what is on
 * disk is read). Its next writes meet
 * SQLITE_CORRUPT: they are answered 503 STORAGE_DAMAGED (never a 500), /healthz turns 503 and
 * names the file and what to do, and every write after that is refused.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, clusterReport, FIXTURE_PROGRAMS, SERVICE, SERVICE_AUTH } from '../testing/harness.ts';
import { spawnServer, type ServerProcess } from '../testing/process.ts';
import { openStore, sqliteFileOf } from './open.ts';

const dir = mkdtempSync(join(tmpdir(), 'ra-corrupt-run-'));
let server: ServerProcess | null = null;
afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('a SQLite file damaged while the server runs', () => {
  it('refuses writes with STORAGE_DAMAGED and says on /healthz which file and what to do', async () => {
    const file = sqliteFileOf(dir);
    const store = await openStore({ store: { kind: 'sqlite' }, dataDir: dir });
    await store.upsertPrograms(FIXTURE_PROGRAMS);
    await store.close();
    server = await spawnServer(['--roles', 'global', '--port', '0', '--data', dir, '--seed-demo', 'false', '--admin-token', ADMIN_TOKEN,
      '--service-credentials', `${SERVICE.id}:${SERVICE.secret}`, '--open-registration', 'true']);
    const url = server.url;
    const post = async (path: string, body: unknown, auth?: string) => {
      const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect((await post('/api/v1/accounts', { login: 'rot@example.com', password: 'bit-rot-password' })).status).toBe(201);
    const { token } = (await post('/api/v1/sessions', { login: 'rot@example.com', password: 'bit-rot-password' })).body as { token: string };
    const tv = ((await post('/api/v1/terminals', { name: 'TV', type: 'stb' }, `Bearer ${token}`)).body as { terminal: { id: string; userId?: string } }).terminal;
    const report = (seq: number) => post('/global/v1/history', { sentAt: Date.now(), reports: [clusterReport(tv.id, 'ocean', seq * 1000, seq)] }, SERVICE_AUTH);
    expect((await report(1)).status).toBe(200);

    // Grow the file well past SQLite's 2 MB page cache (remembered report ids, as a busy store
    // has), from another connection, then fold the WAL into the file so it is all there.
    const side = new DatabaseSync(file);
    const userId = (side.prepare('SELECT user_id FROM terminals WHERE id = ?').get(tv.id) as { user_id: string }).user_id;
    side.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000)
      INSERT INTO history_reports (user_id, report_id, received_at) SELECT ?, 'filler-' || i || '-' || hex(randomblob(48)), 0 FROM n`).run(userId);
    side.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    side.close();
    expect((await report(2)).status).toBe(200);
    expect((await (await fetch(`${url}/healthz`)).json()) as object).toMatchObject({ status: 'ok', storage: { status: 'ok', where: file } });

    // Garbage over every page after the first (the header and schema root stay readable).
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    const junk = Buffer.alloc(64 * 1024, 0xa5);
    for (let at = 4096; at < size; at += junk.length) writeSync(fd, junk, 0, Math.min(junk.length, size - at), at);
    closeSync(fd);
    // Another connection commits a header-only change (no damaged page needed): the server's
    // connection sees the database changed and drops its page cache, as it would after any
    // other writer — from here on it reads what is on disk.
    const other = new DatabaseSync(file);
    other.exec('PRAGMA user_version = 7');
    other.close();

    // The next writes meet the damage: 503 STORAGE_DAMAGED, never a 500.
    let damaged: { status: number; body: Record<string, unknown> } | null = null;
    const seen: number[] = [];
    for (let seq = 3; seq < 40 && !damaged; seq++) {
      const r = await report(seq);
      seen.push(r.status);
      expect(r.status, JSON.stringify(r.body)).not.toBe(500);
      if (r.status === 503) damaged = r;
    }
    expect(damaged?.body, `statuses seen: ${seen.join(' ')}`).toMatchObject({ code: 'STORAGE_DAMAGED' });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      status: 'damaged',
      storage: { status: 'damaged', where: file, problem: expect.stringMatching(/malformed|corrupt|not a database/i), action: expect.stringContaining('restore') },
    });
    // From now on every write is refused, whatever it touches.
    expect((await post('/api/v1/accounts', { login: 'rot2@example.com', password: 'bit-rot-password' })).body).toMatchObject({ code: 'STORAGE_DAMAGED' });
  }, 60_000);
});
