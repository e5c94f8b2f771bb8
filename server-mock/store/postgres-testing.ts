/**
 * For tests: the PostgreSQL server CI started (`RA_TEST_DATABASE_URL`, see scripts/test-all.ts)
 * and a fresh schema per test so tests never see each other's rows. Without the variable the
 * PostgreSQL tests are skipped, and say why.
 */
import pg from 'pg';
import { openPostgresStore, type PostgresStore } from './postgres.ts';

/** The test server's URL, or null when none was provided. */
export const PG_TEST_URL: string | null = process.env.RA_TEST_DATABASE_URL || null;

/** Why PostgreSQL tests are skipped (null when they run). */
export const PG_SKIP_REASON: string | null = PG_TEST_URL
  ? null
  : 'RA_TEST_DATABASE_URL is not set (scripts/test-all.ts starts a throwaway PostgreSQL and sets it; no PostgreSQL here)';

let n = 0;
const created: string[] = [];

/** A schema name no other test (or test process) uses. */
export function freshSchema(): string {
  const name = `t_${process.pid}_${Date.now().toString(36)}_${++n}`;
  created.push(name);
  return name;
}

/** A fresh, empty, migrated PostgreSQL store in its own schema. */
export function freshPostgresStore(extra: { poolSize?: number; schema?: string } = {}): Promise<PostgresStore> {
  if (!PG_TEST_URL) throw new Error(PG_SKIP_REASON ?? 'no PostgreSQL');
  return openPostgresStore({ url: PG_TEST_URL, schema: extra.schema ?? freshSchema(), poolSize: extra.poolSize });
}

/** Drop every schema this process created (call from afterAll). */
export async function dropTestSchemas(): Promise<void> {
  if (!PG_TEST_URL || created.length === 0) return;
  const c = new pg.Client({ connectionString: PG_TEST_URL });
  await c.connect();
  try {
    for (const s of created.splice(0)) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  } finally {
    await c.end();
  }
}
