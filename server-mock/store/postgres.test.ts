/**
 * The PostgreSQL store: the same conformance suites the SQLite store passes (unchanged), each
 * test in its own schema of the server CI started; then what only PostgreSQL has (concurrent
 * reports from two instances, migrations shared by instances, catalogue invalidation by NOTIFY).
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { T0, programFixture, reportInput, storeConformance, terminalFixture, userFixture } from './conformance.ts';
import { accountConformance } from './conformance-accounts.ts';
import { deviceCodeConformance } from './conformance-device.ts';
import { pinConformance } from './conformance-pins.ts';
import { handoffConformance } from './conformance-handoffs.ts';
import { profileConformance } from './conformance-profiles.ts';
import { withdrawnConformance } from './conformance-withdrawn.ts';
import { latestVersion } from './migrations.ts';
import { PG_SKIP_REASON, PG_TEST_URL, dropTestSchemas, freshPostgresStore, freshSchema } from './postgres-testing.ts';

if (PG_SKIP_REASON) {
  describe('postgres store', () => {
    it.skip(`skipped: ${PG_SKIP_REASON}`, () => {});
  });
} else {
  afterAll(dropTestSchemas);
  storeConformance('postgres', () => freshPostgresStore());
  deviceCodeConformance('postgres', () => freshPostgresStore());
  accountConformance('postgres', () => freshPostgresStore());
  profileConformance('postgres', () => freshPostgresStore());
  withdrawnConformance('postgres', () => freshPostgresStore());
  pinConformance('postgres', () => freshPostgresStore());
  handoffConformance('postgres', () => freshPostgresStore());

  describe('postgres store specifics', () => {
    const url = PG_TEST_URL as string;

    it('migrates once when two instances open one schema together, and records every version', async () => {
      const schema = freshSchema();
      const [a, b] = await Promise.all([freshPostgresStore({ schema }), freshPostgresStore({ schema })]);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const rows = (await c.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`)).rows;
      await c.end();
      expect(rows.map((r) => Number(r.version))).toEqual(Array.from({ length: latestVersion() }, (_, i) => i + 1));
      await a.close();
      await b.close();
    });

    it('serialises concurrent reports of one record across two instances (one decision per seq)', async () => {
      const schema = freshSchema();
      const a = await freshPostgresStore({ schema, poolSize: 8 });
      const b = await freshPostgresStore({ schema, poolSize: 8 });
      const alice = userFixture('user-alice');
      const term = terminalFixture('term-a', alice.id);
      await a.createUser(alice);
      await a.createTerminal(term);
      await a.upsertPrograms([programFixture('sintel', 'Sintel')]);
      // A read-modify-write decision: each report makes the record one newer than it saw. Only
      // if no two decisions ever see the same row version does the record end at 40.
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => {
        const input = reportInput({ reportId: `r${i}`, terminal: term, seq: i + 1, now: T0 + i });
        input.decide = (stored) => ({
          outcome: 'applied', reason: 'moved',
          next: { seq: (stored?.seq ?? 0) + 1, breakpoint: { kind: 'offset', offsetMs: i * 1000 }, progressAt: T0 + i },
        });
        return (i % 2 ? a : b).applyReport(input);
      }));
      const [row] = await b.listHistory(alice.id);
      expect(row?.seq).toBe(40);
      expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(0);
      await a.close();
      await b.close();
    });

    it('drops the catalogue cache of another instance when one instance changes it', async () => {
      const schema = freshSchema();
      const a = await freshPostgresStore({ schema });
      const b = await freshPostgresStore({ schema });
      await a.upsertPrograms([programFixture('sintel', 'Sintel')]);
      expect((await b.listPrograms()).map((p) => p.title)).toEqual(['Sintel']);
      await a.upsertPrograms([programFixture('sintel', 'Sintel (director’s cut)')]);
      const deadline = Date.now() + 2_000;
      let title = '';
      while (Date.now() < deadline) {
        title = (await b.getProgram('sintel'))?.title ?? '';
        if (title.includes('director')) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(title).toBe('Sintel (director’s cut)');
      await a.close();
      await b.close();
    });

    it('lets one instance at a time run a job under the named lock', async () => {
      const schema = freshSchema();
      const a = await freshPostgresStore({ schema });
      const b = await freshPostgresStore({ schema });
      let release!: () => void;
      const held = a.withExclusiveLock('aging', () => new Promise<string>((r) => { release = () => r('a ran'); }));
      await new Promise((r) => setTimeout(r, 50));
      expect(await b.withExclusiveLock('aging', async () => 'b ran')).toBeNull();
      release();
      expect(await held).toBe('a ran');
      expect(await b.withExclusiveLock('aging', async () => 'b ran')).toBe('b ran');
      await a.close();
      await b.close();
    });

    it('survives a lost connection: a terminated backend is retried, nothing half-written', async () => {
      const store = await freshPostgresStore();
      const alice = userFixture('user-alice');
      await store.createUser(alice);
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      // Kill every connection of the store's pool (not ours, not the listener's own check).
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'resume-anywhere' AND pid <> pg_backend_pid()`);
      await admin.end();
      expect((await store.getUser(alice.id))?.login).toBe(alice.login);
      expect(await store.countUsers()).toBe(1);
      await store.close();
    });
  });
}
