/**
 * The seeded benchmark store (bench/seed.ts, a SQLite file) copied into a PostgreSQL schema, so
 * the PostgreSQL store is measured on exactly the rows the SQLite store is. The schema comes from
 * the real migrations (`openPostgresStore`); rows go table by table, parents first, as
 * multi-row `INSERT … SELECT * FROM unnest($1::text[], $2::int8[], …)` of 20 000 rows each — one
 * round trip per chunk, no per-row statements — with the secondary indexes dropped during the
 * load and rebuilt afterwards (as the SQLite seeder does). Both stores run the same migrations,
 * so the tables and columns are the same; only the column types are read from PostgreSQL.
 * A schema already holding the seed (same size, same seed version) is reused.
 */
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { openPostgresStore } from '../../server-mock/store/postgres.ts';
import { latestVersion } from '../../server-mock/store/migrations.ts';
import { SEED_VERSION, type SeedInfo } from '../seed.ts';

/** Rows per INSERT statement. */
const CHUNK = 20_000;

/** The schema a seed of `size` records lives in. */
export function seedSchemaName(size: number): string {
  return `bench_seed_v${SEED_VERSION}_m${latestVersion()}_${size}`;
}

/** Tables of the SQLite file, parents before children (by their foreign keys). */
function tablesInOrder(db: DatabaseSync): string[] {
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'").all() as { name: string }[]).map((r) => r.name);
  const parents = new Map(names.map((n) => [n, (db.prepare(`PRAGMA foreign_key_list("${n}")`).all() as { table: string }[]).map((f) => f.table).filter((t) => t !== n)]));
  const out: string[] = [];
  const visit = (n: string, path: Set<string>) => {
    if (out.includes(n) || path.has(n)) return;
    path.add(n);
    for (const p of parents.get(n) ?? []) if (names.includes(p)) visit(p, path);
    out.push(n);
  };
  for (const n of names) visit(n, new Set());
  return out;
}

const ARRAY_TYPE: Record<string, string> = { text: 'text[]', bigint: 'int8[]', integer: 'int4[]', boolean: 'bool[]', 'double precision': 'float8[]', real: 'float4[]' };

/**
 * Copy `seed` into `url`'s schema `seedSchemaName(seed.size)` (reused when complete); resolves
 * with the schema and the seconds it took (null when reused).
 */
export async function seedPostgres(seed: SeedInfo, url: string, log?: (m: string) => void): Promise<{ schema: string; seededInSec: number | null }> {
  const schema = seedSchemaName(seed.size);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const done = await client.query(`SELECT obj_description(to_regnamespace($1)::oid, 'pg_namespace') AS note`, [schema]).catch(() => null);
    if (done?.rows[0]?.note === `seeded ${seed.records} records`) return { schema, seededInSec: null };
    log?.(`copying the ${seed.records.toLocaleString('en')}-record seed into PostgreSQL schema ${schema} …`);
    const started = performance.now();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    const store = await openPostgresStore({ url, schema, poolSize: 1 });
    await store.close();
    await client.query(`SET search_path = ${schema}`);
    await client.query('SET synchronous_commit = off');
    await client.query('BEGIN');
    // Secondary indexes (not the ones behind primary keys and unique constraints): rebuilt after the load.
    const indexes = (await client.query<{ name: string; def: string }>(
      `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
       WHERE i.schemaname = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = to_regnamespace($1))`, [schema])).rows;
    for (const ix of indexes) await client.query(`DROP INDEX ${schema}."${ix.name}"`);
    const sqlite = new DatabaseSync(seed.file, { readOnly: true });
    const tables = tablesInOrder(sqlite);
    try {
      for (const table of tables) {
        const cols = (await client.query<{ column_name: string; data_type: string }>(
          'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position', [schema, table])).rows;
        if (cols.length === 0) continue;
        const list = cols.map((c) => `"${c.column_name}"`).join(', ');
        const casts = cols.map((c, i) => {
          const t = ARRAY_TYPE[c.data_type];
          if (!t) throw new Error(`seed-postgres: no array type for ${table}.${c.column_name} (${c.data_type})`);
          return `$${i + 1}::${t}`;
        }).join(', ');
        const insert = `INSERT INTO ${table} (${list}) SELECT * FROM unnest(${casts})`;
        const bools = cols.map((c) => c.data_type === 'boolean');
        let chunk: unknown[][] = cols.map(() => []);
        let n = 0;
        const flush = async () => {
          if (n === 0) return;
          await client.query(insert, chunk);
          chunk = cols.map(() => []);
          n = 0;
        };
        for (const row of sqlite.prepare(`SELECT ${list} FROM ${table}`).iterate() as Iterable<Record<string, unknown>>) {
          cols.forEach((c, i) => {
            const v = row[c.column_name];
            (chunk[i] as unknown[]).push(bools[i] && v !== null ? Boolean(v) : typeof v === 'bigint' ? Number(v) : v);
          });
          if (++n === CHUNK) await flush();
        }
        await flush();
      }
    } finally {
      sqlite.close();
    }
    for (const ix of indexes) await client.query(ix.def);
    await client.query(`COMMENT ON SCHEMA ${schema} IS 'seeded ${seed.records} records'`);
    await client.query('COMMIT');
    for (const table of tables) await client.query(`ANALYZE ${table}`);
    const seededInSec = (performance.now() - started) / 1000;
    log?.(`copied in ${seededInSec.toFixed(1)} s`);
    return { schema, seededInSec };
  } finally {
    await client.end();
  }
}

// `node bench/lib/seed-postgres.ts URL SIZE`: copy one seed by hand.
if (import.meta.main) {
  const { seededStore } = await import('../seed.ts');
  const [url, size] = process.argv.slice(2);
  if (!url || !size) throw new Error('usage: node bench/lib/seed-postgres.ts postgres://… SIZE');
  const info = await seedPostgres(await seededStore(Number(size), { log: console.log }), url, console.log);
  console.log(info);
}
