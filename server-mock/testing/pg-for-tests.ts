/**
 * A PostgreSQL database of its own for a test that starts real server processes: on the server
 * `npm test` started (`RA_TEST_DATABASE_URL`), else on a throwaway cluster this test starts
 * (scripts/pg-throwaway.ts) when PostgreSQL's binaries are installed. Processes take a URL, not
 * a schema, so each test gets a fresh database (dropped afterwards) rather than a schema.
 * `pgUnavailable` is the skip reason when neither can be had.
 */
import pg from 'pg';
import { findPgBin, startThrowawayPg, type ThrowawayPg } from '../../scripts/pg-throwaway.ts';

/** Why a PostgreSQL process test cannot run here (null: it can). */
export function pgUnavailable(): string | null {
  if (process.env.RA_TEST_DATABASE_URL) return null;
  const bin = findPgBin();
  return 'missing' in bin ? `no RA_TEST_DATABASE_URL and ${bin.missing}` : null;
}

/** A fresh database: its URL, a client on it for checks, and cleanup. */
export interface TestDatabase {
  url: string;
  /** A connection to the database (for reading what the store holds). */
  client: pg.Client;
  /** Drop the database (and stop a throwaway cluster started for it). */
  drop(): Promise<void>;
}

/** Create a fresh database on the test server (starting a throwaway cluster if needed). */
export async function createTestDatabase(tag: string): Promise<TestDatabase> {
  let cluster: ThrowawayPg | null = null;
  let serverUrl = process.env.RA_TEST_DATABASE_URL ?? null;
  if (!serverUrl) {
    const bin = findPgBin();
    if ('missing' in bin) throw new Error(bin.missing);
    cluster = await startThrowawayPg(bin.bin);
    serverUrl = cluster.url;
  }
  const name = `ra_${tag}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    url,
    client,
    async drop() {
      await client.end().catch(() => {});
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
        cluster?.stop();
      }
    },
  };
}
