/**
 * Bulk loader of benchmark stores: a global store (the real schema, created by the real
 * migrations through `openSqliteStore`) filled with users, terminals, viewing history and
 * remembered report ids straight through SQL — HTTP would take hours for a million records.
 *
 * Shape at `records` = N: N/10 users, each with 1–3 terminals and 10 history records (one per
 * terminal × programme, on distinct programmes), plus one measured user ("the user with 10
 * terminals", 20 records per terminal over 60 programmes), over the 200-programme bench
 * catalogue. Each record also has its report id remembered, as a live store would within the
 * retention. Timestamps lie in the 14 days before seeding (the bench server runs with a long
 * retention so aging never touches them). Every terminal's credential is
 * `terminalCredential(id)`, so benchmarks can call as any terminal.
 *
 * Seeded files are cached under the OS temp dir, keyed by seed version, schema version and
 * size, and written atomically (temp name, then rename); benchmarks copy the cached file
 * before writing to it. `node bench/seed.ts 1000000` seeds one size by hand.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Program, TerminalType } from '../common/protocol/model.ts';
import { hashSecret } from '../server-mock/auth/tokens.ts';
import { latestVersion } from '../server-mock/store/migrations.ts';
import { openSqliteStore } from '../server-mock/store/sqlite.ts';
import { benchCatalog } from './lib/catalog.ts';
import { mulberry32, randInt } from './lib/random.ts';

/** Bump when the generated data changes shape, so stale cached files are not reused. */
export const SEED_VERSION = 1;

/** History records per ordinary user. */
const RECORDS_PER_USER = 10;
/** The measured user: 10 terminals × 20 records over 60 programmes. */
const MEASURED_TERMINALS = 10;
const MEASURED_RECORDS_PER_TERMINAL = 20;
const MEASURED_PROGRAM_POOL = 60;
const DAY_MS = 86_400_000;
const TYPES: TerminalType[] = ['stb', 'mobile', 'pc'];
const NAMES: Record<TerminalType, string> = { stb: 'Living-room TV', mobile: 'Phone', pc: 'Laptop' };

/** A terminal the benchmarks can act as. */
export interface BenchTerminal {
  id: string;
  type: TerminalType;
  /** Bearer credential (`rat_…`) whose SHA-256 is stored. */
  credential: string;
}

/** What a seeded file holds. */
export interface SeedInfo {
  file: string;
  /** Requested size (history records, approximately). */
  size: number;
  users: number;
  terminals: number;
  records: number;
  reports: number;
  programs: number;
  bytes: number;
  /** Seconds the seeding took (when this run seeded it), else null (cache hit). */
  seededInSec: number | null;
  seededAt: number;
  /** The user with 10 terminals; terminal 0 is an STB and calls the home page. */
  measured: { userId: string; records: number; terminals: BenchTerminal[] };
  /** Ordinary users' terminals, a sample for ingest (ids only; all in the store). */
  sampleTerminals: { id: string; type: TerminalType }[];
}

/** The credential of a seeded terminal. */
export function terminalCredential(terminalId: string): string {
  return `rat_bench_${terminalId}`;
}

/** Where seeded files are cached (BENCH_CACHE_DIR overrides). */
export function defaultCacheDir(): string {
  return process.env.BENCH_CACHE_DIR || join(tmpdir(), 'resume-anywhere-bench');
}

const userId = (i: number) => `user-${String(i).padStart(7, '0')}`;
const terminalId = (i: number, k: number) => `term-${String(i).padStart(7, '0')}-${k}`;
const MEASURED_USER = 'user-measured';
const measuredTerminalId = (k: number) => `term-measured-${k}`;

/** Number of ordinary users for a size. */
function usersFor(size: number): number {
  return Math.max(1, Math.round(size / RECORDS_PER_USER) - 1);
}

/** The measured user's terminals: types cycle stb, mobile, pc, starting with an STB. */
function measuredTerminals(): BenchTerminal[] {
  return Array.from({ length: MEASURED_TERMINALS }, (_, k) => {
    const id = measuredTerminalId(k);
    return { id, type: TYPES[k % 3] as TerminalType, credential: terminalCredential(id) };
  });
}

/** Pick `n` distinct programmes playable on `type`. */
function pickPrograms(rand: () => number, pool: readonly Program[], n: number): Program[] {
  const picked = new Set<number>();
  const limit = Math.min(n, pool.length);
  while (picked.size < limit) picked.add(randInt(rand, pool.length));
  return [...picked].map((i) => pool[i] as Program);
}

/** A record's breakpoint and status: 75 % in progress, 15 % watched, 10 % barely started. */
function position(rand: () => number, durationMs: number): { offsetMs: number; status: string } {
  const r = rand();
  if (r < 0.75) return { offsetMs: Math.floor(durationMs * (0.1 + rand() * 0.75)), status: 'in-progress' };
  if (r < 0.9) return { offsetMs: Math.floor(durationMs * (0.92 + rand() * 0.08)), status: 'watched' };
  return { offsetMs: Math.floor(durationMs * rand() * 0.04), status: 'not-started' };
}

/** Seed (or reuse from cache) a store of about `size` records; returns its description. */
export async function seededStore(size: number, opts: { cacheDir?: string; log?: (m: string) => void } = {}): Promise<SeedInfo> {
  const dir = opts.cacheDir ?? defaultCacheDir();
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `seed-v${SEED_VERSION}-m${latestVersion()}-${size}`);
  const file = `${base}.sqlite`;
  const infoFile = `${base}.json`;
  if (existsSync(file) && existsSync(infoFile)) {
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as SeedInfo;
    return { ...info, file, seededInSec: null };
  }
  opts.log?.(`seeding a store of ${size.toLocaleString('en')} records (cached for later runs) …`);
  const started = performance.now();
  const tmp = `${base}.tmp-${process.pid}.sqlite`;
  rmSync(tmp, { force: true });
  try {
    const info = await seedFile(tmp, size);
    renameSync(tmp, file);
    const done: SeedInfo = { ...info, file, bytes: statSync(file).size, seededInSec: (performance.now() - started) / 1000 };
    writeFileSync(infoFile, JSON.stringify(done, null, 2));
    opts.log?.(`seeded in ${done.seededInSec?.toFixed(1)} s: ${(done.bytes / 1e6).toFixed(0)} MB`);
    return done;
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true });
  }
}

/** Copy a seeded file to `dataDir/resume.sqlite` (the layout startServer expects); returns the path. */
export function copySeed(info: SeedInfo, dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const dest = join(dataDir, 'resume.sqlite');
  for (const f of [dest, `${dest}-wal`, `${dest}-shm`]) rmSync(f, { force: true });
  copyFileSync(info.file, dest);
  return dest;
}

async function seedFile(file: string, size: number): Promise<Omit<SeedInfo, 'file' | 'bytes' | 'seededInSec'>> {
  // 1. Schema by the real migrations, catalogue through the real store.
  const catalog = benchCatalog();
  const store = await openSqliteStore({ file });
  await store.upsertPrograms(catalog);
  await store.close();

  // 2. Bulk rows with plain SQL: no journal, no fsync, secondary indexes built afterwards.
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = DELETE');
  db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -262144');
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
      AND tbl_name IN ('users', 'profiles', 'terminals', 'history', 'history_reports')`)
    .all() as { name: string; sql: string }[];
  for (const ix of indexes) db.exec(`DROP INDEX "${ix.name}"`);

  const insUser = db.prepare('INSERT INTO users (id, login, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)');
  // Each account's default profile, as the store makes it ('p-' || user id); its data lives there.
  const insProfile = db.prepare(`INSERT INTO profiles (id, user_id, name, language, pin_hash, maturity_limit, created_at)
    VALUES ('p-' || ?1, ?1, ?2, NULL, NULL, NULL, ?3)`);
  const insTerminal = db.prepare(`INSERT INTO terminals (id, user_id, name, type, credential_hash, created_at, last_seen_at, profile_id)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'p-' || ?2)`);
  const insHistory = db.prepare(`INSERT INTO history (terminal_id, program_id, user_id, terminal_type, breakpoint_kind,
      breakpoint_value, duration_ms, seq, progress_at, updated_at, status, last_event, play_token, profile_id)
    VALUES (?1, ?2, ?3, ?4, 'offset', ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL, 'p-' || ?3)`);
  const insReport = db.prepare('INSERT INTO history_reports (user_id, report_id, received_at) VALUES (?, ?, ?)');

  const now = Date.now();
  const rand = mulberry32(size);
  const byType = new Map(TYPES.map((t) => [t, catalog.filter((p) => p.kind === 'vod' && p.terminalTypes.includes(t))]));
  let records = 0;
  let terminals = 0;
  const sampleTerminals: { id: string; type: TerminalType }[] = [];

  const addUser = (uid: string, i: number) => {
    insUser.run(uid, `${uid}@bench.local`, uid, 'bench-no-login', now - 60 * DAY_MS + i);
    insProfile.run(uid, uid, now - 60 * DAY_MS + i);
  };
  const addTerminal = (tid: string, uid: string, type: TerminalType) => {
    insTerminal.run(tid, uid, NAMES[type], type, hashSecret(terminalCredential(tid)), now - 30 * DAY_MS, null);
    terminals++;
  };
  /** One record and its remembered report id. */
  const addRecord = (uid: string, tid: string, type: TerminalType, p: Program) => {
    const { offsetMs, status } = position(rand, p.durationMs);
    const progressAt = now - Math.floor(rand() * 14 * DAY_MS);
    const updatedAt = progressAt + randInt(rand, 60_000);
    insHistory.run(tid, p.id, uid, type, offsetMs, p.durationMs, 1 + randInt(rand, 1000), progressAt, updatedAt, status,
      rand() < 0.7 ? 'stop' : 'heartbeat');
    insReport.run(uid, `seed-${tid}-${p.id}`, updatedAt);
    records++;
  };
  const batch = (fn: () => void) => {
    db.exec('BEGIN');
    fn();
    db.exec('COMMIT');
  };

  // The measured user first (its rows land on a few adjacent pages, as a real user's would not —
  // the ordinary users' rows are what makes the store big).
  const measured = measuredTerminals();
  let measuredRecords = 0;
  batch(() => {
    addUser(MEASURED_USER, 0);
    const pool = pickPrograms(rand, catalog.filter((p) => p.kind === 'vod'), MEASURED_PROGRAM_POOL);
    for (const t of measured) {
      addTerminal(t.id, MEASURED_USER, t.type);
      const playable = pool.filter((p) => p.terminalTypes.includes(t.type));
      for (const p of pickPrograms(rand, playable, MEASURED_RECORDS_PER_TERMINAL)) {
        addRecord(MEASURED_USER, t.id, t.type, p);
        measuredRecords++;
      }
    }
  });

  const users = usersFor(size);
  const CHUNK = 20_000;
  for (let from = 0; from < users; from += CHUNK) {
    batch(() => {
      for (let i = from; i < Math.min(users, from + CHUNK); i++) {
        const uid = userId(i);
        addUser(uid, i);
        const k = 1 + randInt(rand, 3);
        const types = Array.from({ length: k }, () => TYPES[randInt(rand, 3)] as TerminalType);
        types.forEach((type, j) => {
          const tid = terminalId(i, j);
          addTerminal(tid, uid, type);
          if (sampleTerminals.length < 5000 && i % Math.max(1, Math.floor(users / 5000)) === 0) sampleTerminals.push({ id: tid, type });
        });
        // 10 records spread round-robin over the user's terminals, distinct programmes per terminal.
        types.forEach((type, j) => {
          const n = Math.floor(RECORDS_PER_USER / k) + (j < RECORDS_PER_USER % k ? 1 : 0);
          for (const p of pickPrograms(rand, byType.get(type) as Program[], n)) addRecord(uid, terminalId(i, j), type, p);
        });
      }
    });
  }

  for (const ix of indexes) db.exec(ix.sql);
  const problems = db.prepare('PRAGMA foreign_key_check').all();
  if (problems.length > 0) throw new Error(`seed: ${problems.length} foreign-key problems, e.g. ${JSON.stringify(problems[0])}`);
  db.exec('PRAGMA journal_mode = WAL');
  db.close();

  return {
    size,
    users: users + 1,
    terminals,
    records,
    reports: records,
    programs: catalog.length,
    seededAt: now,
    measured: { userId: MEASURED_USER, records: measuredRecords, terminals: measured },
    sampleTerminals,
  };
}

// `node bench/seed.ts SIZE…`: seed (or show the cached) stores by hand.
if (import.meta.main) {
  for (const arg of process.argv.slice(2)) {
    const info = await seededStore(Number(arg), { log: console.log });
    console.log(`${info.file}: ${info.records} records, ${info.users} users, ${info.terminals} terminals, ${(info.bytes / 1e6).toFixed(0)} MB`);
  }
}
