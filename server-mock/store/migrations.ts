/**
 * Versioned schema of the global store. Each migration runs once, in its own transaction,
 * and is recorded in `schema_migrations`; a database whose recorded version is newer than
 * the code refuses to open rather than be written by code that does not understand it.
 *
 * Rules for whoever adds a migration: append only (never edit or renumber a shipped one),
 * keep the SQL portable so a PostgreSQL store can replay the same list, and comment every
 * dialect-specific line. Portability choices made here:
 * - every instant and duration is BIGINT epoch/milliseconds: PostgreSQL's INTEGER is 32-bit
 *   and would overflow; SQLite gives BIGINT ordinary INTEGER affinity (64-bit).
 * - upserts use `INSERT … ON CONFLICT … DO UPDATE` (both dialects), never `INSERT OR REPLACE`,
 *   which in SQLite deletes the old row first and would cascade into its history.
 * - enumerations are TEXT with CHECK constraints, not dialect enum types.
 */

/** One schema step. */
export interface Migration {
  /** Strictly increasing, starting at 1; the database's version is the highest applied. */
  version: number;
  /** Short description, recorded with the version so an edited migration is noticed. */
  name: string;
  /** The statements, separated by semicolons. */
  up: string;
  /**
   * PostgreSQL's own text of this step, only where `up` is SQLite-specific (a storage-layout
   * change such as `WITHOUT ROWID` that PostgreSQL has no equivalent of). Absent: `up` is portable.
   */
  postgres?: string;
}

/** The schema history, oldest first. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'initial schema',
    up: `
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  login         TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at    BIGINT NOT NULL
);

CREATE TABLE user_sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);

CREATE TABLE terminals (
  id              TEXT PRIMARY KEY,
  user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  type            TEXT NOT NULL CHECK (type IN ('stb', 'mobile', 'pc')),
  credential_hash TEXT NOT NULL UNIQUE,
  created_at      BIGINT NOT NULL,
  last_seen_at    BIGINT NULL,
  -- Target of history's composite foreign key: a history row can only name its own user.
  UNIQUE (id, user_id)
);
CREATE INDEX terminals_user ON terminals (user_id);

-- The whole Program JSON is kept in doc (the wire type evolves without migrations); the
-- columns beside it exist only to sort and filter.
CREATE TABLE programs (
  id         TEXT PRIMARY KEY,
  doc        TEXT NOT NULL,
  title      TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('vod', 'live')),
  updated_at BIGINT NOT NULL
);
CREATE INDEX programs_title ON programs (title, id);

-- A separate table rather than a ',stb,pc,' string: exact-match filtering, a CHECK on the
-- values, and an index instead of a LIKE scan.
CREATE TABLE program_terminal_types (
  program_id    TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
  terminal_type TEXT NOT NULL CHECK (terminal_type IN ('stb', 'mobile', 'pc')),
  PRIMARY KEY (program_id, terminal_type)
);
CREATE INDEX program_terminal_types_type ON program_terminal_types (terminal_type, program_id);

CREATE TABLE history (
  terminal_id      TEXT NOT NULL,
  program_id       TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
  user_id          TEXT NOT NULL,
  terminal_type    TEXT NOT NULL CHECK (terminal_type IN ('stb', 'mobile', 'pc')),
  -- offset: milliseconds from programme start; wallclock: epoch ms of the broadcast moment.
  breakpoint_kind  TEXT NOT NULL CHECK (breakpoint_kind IN ('offset', 'wallclock')),
  breakpoint_value BIGINT NOT NULL,
  duration_ms      BIGINT NOT NULL,
  seq              BIGINT NOT NULL,
  progress_at      BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('not-started', 'in-progress', 'watched', 'expired')),
  last_event       TEXT NOT NULL CHECK (last_event IN ('heartbeat', 'pause', 'seek', 'stop', 'timeout')),
  play_token       TEXT NULL,
  PRIMARY KEY (terminal_id, program_id),
  -- Composite key: the row's user must own its terminal, so one user's report can never
  -- land in (or be listed with) another user's history.
  FOREIGN KEY (terminal_id, user_id) REFERENCES terminals (id, user_id) ON DELETE CASCADE
);
CREATE INDEX history_user ON history (user_id);
CREATE INDEX history_updated ON history (updated_at);
CREATE INDEX history_program ON history (program_id);

-- Report ids seen, for idempotent replays; aged together with history. Scoped by user, so
-- one account can never make another's report look like a replay by guessing its id.
CREATE TABLE history_reports (
  user_id     TEXT NOT NULL,
  report_id   TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, report_id)
);
CREATE INDEX history_reports_received ON history_reports (received_at);

CREATE TABLE hidden_programs (
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  program_id TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
  hidden_at  BIGINT NOT NULL,
  PRIMARY KEY (user_id, program_id)
);
CREATE INDEX hidden_programs_program ON hidden_programs (program_id);
`,
  },
  {
    version: 2,
    name: 'device codes for linking TVs',
    up: `
-- RFC 8628 device authorization: one row per code pair a TV asked for. Only the device
-- code's hash is kept (it is the TV's secret); the user code is what people type.
CREATE TABLE device_codes (
  device_code_hash TEXT PRIMARY KEY,
  user_code        TEXT NOT NULL UNIQUE,
  terminal_name    TEXT NOT NULL,
  terminal_type    TEXT NOT NULL CHECK (terminal_type IN ('stb', 'mobile', 'pc')),
  created_at       BIGINT NOT NULL,
  expires_at       BIGINT NOT NULL,
  interval_sec     INTEGER NOT NULL,
  last_poll_at     BIGINT,
  approved_user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
  approved_at      BIGINT,
  consumed_at      BIGINT,
  terminal_id      TEXT
);
CREATE INDEX device_codes_expires ON device_codes (expires_at);
`,
  },
  {
    version: 3,
    name: 'account owner, signed-out terminals, revocations',
    up: `
-- The server's first account is its owner (creates further accounts unless registration is
-- open); an existing database's oldest account becomes the owner.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'member'));
UPDATE users SET role = 'owner' WHERE id = (SELECT id FROM users ORDER BY created_at, id LIMIT 1);

-- A signed-out terminal keeps its row and history (records still name it) but its credential
-- no longer authenticates; removing a terminal deletes the row instead.
ALTER TABLE terminals ADD COLUMN revoked_at BIGINT NULL;

-- What streaming clusters must refuse without asking global per request: every play token
-- naming a revoked terminal or a deleted user. Ids are never reused, so no epoch is needed;
-- rows are purged once every token issued before them has expired.
CREATE TABLE revocations (
  kind       TEXT NOT NULL CHECK (kind IN ('terminal', 'user')),
  subject_id TEXT NOT NULL,
  at         BIGINT NOT NULL,
  PRIMARY KEY (kind, subject_id)
);
CREATE INDEX revocations_at ON revocations (at);
`,
  },
  {
    version: 4,
    name: 'household profiles',
    up: `
-- An account is a household of 1-8 profiles (people). Every existing account gets one default
-- profile, 'p-' || user id, named after the account, and all its data moves into it.
CREATE TABLE profiles (
  id             TEXT PRIMARY KEY,
  user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  language       TEXT NULL,
  pin_hash       TEXT NULL,
  maturity_limit INTEGER NULL CHECK (maturity_limit IS NULL OR (maturity_limit >= 0 AND maturity_limit <= 21)),
  created_at     BIGINT NOT NULL,
  -- Target of composite foreign keys: a row can only name a profile of its own user.
  UNIQUE (id, user_id)
);
CREATE INDEX profiles_user ON profiles (user_id, created_at);
INSERT INTO profiles (id, user_id, name, language, pin_hash, maturity_limit, created_at)
  SELECT 'p-' || id, id, display_name, NULL, NULL, NULL, created_at FROM users;

-- 0/1 rather than BOOLEAN: the same text in both dialects.
ALTER TABLE users ADD COLUMN shared_history INTEGER NOT NULL DEFAULT 0 CHECK (shared_history IN (0, 1));

-- Who is watching on each terminal (remembered per terminal).
ALTER TABLE terminals ADD COLUMN profile_id TEXT NULL REFERENCES profiles (id) ON DELETE SET NULL;
UPDATE terminals SET profile_id = 'p-' || user_id;

-- History is per (terminal, profile, programme): two people may watch the same programme on
-- one TV. The record still names its terminal and type (the patent's model); the primary key
-- changes, so the table is rebuilt (portable: create, copy, drop, rename).
CREATE TABLE history_v4 (
  terminal_id      TEXT NOT NULL,
  program_id       TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
  user_id          TEXT NOT NULL,
  terminal_type    TEXT NOT NULL CHECK (terminal_type IN ('stb', 'mobile', 'pc')),
  breakpoint_kind  TEXT NOT NULL CHECK (breakpoint_kind IN ('offset', 'wallclock')),
  breakpoint_value BIGINT NOT NULL,
  duration_ms      BIGINT NOT NULL,
  seq              BIGINT NOT NULL,
  progress_at      BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('not-started', 'in-progress', 'watched', 'expired')),
  last_event       TEXT NOT NULL CHECK (last_event IN ('heartbeat', 'pause', 'seek', 'stop', 'timeout')),
  play_token       TEXT NULL,
  profile_id       TEXT NOT NULL,
  PRIMARY KEY (terminal_id, profile_id, program_id),
  FOREIGN KEY (terminal_id, user_id) REFERENCES terminals (id, user_id) ON DELETE CASCADE,
  FOREIGN KEY (profile_id, user_id) REFERENCES profiles (id, user_id) ON DELETE CASCADE
);
INSERT INTO history_v4 (terminal_id, program_id, user_id, terminal_type, breakpoint_kind, breakpoint_value,
    duration_ms, seq, progress_at, updated_at, status, last_event, play_token, profile_id)
  SELECT terminal_id, program_id, user_id, terminal_type, breakpoint_kind, breakpoint_value,
    duration_ms, seq, progress_at, updated_at, status, last_event, play_token, 'p-' || user_id FROM history;
DROP TABLE history;
ALTER TABLE history_v4 RENAME TO history;
CREATE INDEX history_user ON history (user_id, profile_id);
CREATE INDEX history_updated ON history (updated_at);
CREATE INDEX history_program ON history (program_id);

-- Removals from the row are per profile too.
CREATE TABLE hidden_v4 (
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  profile_id TEXT NOT NULL,
  program_id TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
  hidden_at  BIGINT NOT NULL,
  PRIMARY KEY (user_id, profile_id, program_id),
  FOREIGN KEY (profile_id, user_id) REFERENCES profiles (id, user_id) ON DELETE CASCADE
);
INSERT INTO hidden_v4 (user_id, profile_id, program_id, hidden_at)
  SELECT user_id, 'p-' || user_id, program_id, hidden_at FROM hidden_programs;
DROP TABLE hidden_programs;
ALTER TABLE hidden_v4 RENAME TO hidden_programs;
CREATE INDEX hidden_programs_program ON hidden_programs (program_id);
`,
  },
  {
    version: 5,
    name: 'track choices of viewings',
    up: `
-- The audio language, subtitle language (or off) and speed a viewing last used, as the JSON of
-- a TrackChoice (common/protocol/model.ts); NULL = never reported. JSON text, not three
-- columns: the choice is read and written whole, and grows without a migration per field.
ALTER TABLE history ADD COLUMN tracks TEXT NULL;
`,
  },
  {
    version: 6,
    name: 'withdrawn programmes',
    up: `
-- A programme whose source is gone (the media library's file was removed) is withdrawn rather
-- than deleted: it leaves the catalogue, its viewing records stay and age out as usual, and it
-- comes back with them when the same content returns. NULL = in the catalogue.
ALTER TABLE programs ADD COLUMN withdrawn_at BIGINT NULL;
`,
  },
  {
    version: 7,
    name: 'wrong-PIN counts in the store',
    up: `
-- Wrong PINs per profile, so the limit holds across restarts and across global instances
-- (the counts used to live in one process's memory). One row per profile that has failures:
-- the count within the window that started at window_start, and the lock once it was reached.
CREATE TABLE pin_failures (
  profile_id   TEXT PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
  failures     INTEGER NOT NULL CHECK (failures >= 0),
  window_start BIGINT NOT NULL,
  locked_until BIGINT NULL
);
`,
  },
  {
    // Issue 15 across global instances.
    version: 8,
    name: 'handoff claims and push streams in the store',
    up: `
-- "Continue here" claims: one row per handed-off play session. The primary key makes the claim
-- atomic on every global instance at once (the first INSERT wins, the others see the row), and
-- the row is the fence: any instance refuses the old terminal's later reports of that session.
-- event is the handoff push event (JSON), replayed to the old terminal when it comes back.
CREATE TABLE handoffs (
  session_id       TEXT PRIMARY KEY,
  user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  from_terminal_id TEXT NOT NULL,
  to_terminal_id   TEXT NOT NULL,
  event            TEXT NOT NULL,
  at               BIGINT NOT NULL
);
CREATE INDEX handoffs_from ON handoffs (from_terminal_id, at);
CREATE INDEX handoffs_at ON handoffs (at);

-- Which terminal has a push stream open on which global instance (remote control reaches a
-- terminal through the instance holding its stream). Each instance refreshes seen_at of its
-- rows every few seconds; a row not refreshed (its instance died) counts for nothing and is
-- purged. Ephemeral, so no foreign keys: a removed terminal's row expires with its instance's
-- next refresh missing it, and a revoked terminal is offline at once through the revocations.
CREATE TABLE push_streams (
  instance_id TEXT NOT NULL,
  terminal_id TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  seen_at     BIGINT NOT NULL,
  PRIMARY KEY (instance_id, terminal_id)
);
CREATE INDEX push_streams_user ON push_streams (user_id, seen_at);
`,
  },
  {
    // Issue 17: the cost of a durable report. SQLite-specific (storage layout); PostgreSQL's
    // schema already has what this gives SQLite, so its form only records the version.
    version: 9,
    name: 'history and report ids without rowid, CHECK lists as OR chains',
    up: `
-- Every report upserts a history row. In SQLite, a CHECK of the form x IN ('a', 'b', 'c')
-- builds a temporary B-tree of the list each time it is evaluated (six per upsert here,
-- measured with EXPLAIN and callgrind); the same constraint written as an OR chain needs none.
-- WITHOUT ROWID: the table is stored in its primary key's B-tree, so the separate index that
-- a TEXT primary key otherwise needs (and its page writes per report) is gone. The key stays
-- the natural one, (terminal, profile, programme): the user is fixed by the terminal (the
-- composite foreign key), so adding it would only lengthen every key. Rebuilt (create, copy,
-- drop, rename: SQLite cannot alter a table's constraints); every row and column is copied.
CREATE TABLE history_v9 (
  terminal_id      TEXT NOT NULL,
  program_id       TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
  user_id          TEXT NOT NULL,
  terminal_type    TEXT NOT NULL CHECK (terminal_type = 'stb' OR terminal_type = 'mobile' OR terminal_type = 'pc'),
  breakpoint_kind  TEXT NOT NULL CHECK (breakpoint_kind = 'offset' OR breakpoint_kind = 'wallclock'),
  breakpoint_value BIGINT NOT NULL,
  duration_ms      BIGINT NOT NULL,
  seq              BIGINT NOT NULL,
  progress_at      BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  status           TEXT NOT NULL CHECK (status = 'not-started' OR status = 'in-progress' OR status = 'watched' OR status = 'expired'),
  last_event       TEXT NOT NULL CHECK (last_event = 'heartbeat' OR last_event = 'pause' OR last_event = 'seek'
                                        OR last_event = 'stop' OR last_event = 'timeout'),
  play_token       TEXT NULL,
  profile_id       TEXT NOT NULL,
  tracks           TEXT NULL,
  PRIMARY KEY (terminal_id, profile_id, program_id),
  FOREIGN KEY (terminal_id, user_id) REFERENCES terminals (id, user_id) ON DELETE CASCADE,
  FOREIGN KEY (profile_id, user_id) REFERENCES profiles (id, user_id) ON DELETE CASCADE
) WITHOUT ROWID; -- SQLite only
INSERT INTO history_v9 (terminal_id, program_id, user_id, terminal_type, breakpoint_kind, breakpoint_value,
    duration_ms, seq, progress_at, updated_at, status, last_event, play_token, profile_id, tracks)
  SELECT terminal_id, program_id, user_id, terminal_type, breakpoint_kind, breakpoint_value,
    duration_ms, seq, progress_at, updated_at, status, last_event, play_token, profile_id, tracks FROM history;
DROP TABLE history;
ALTER TABLE history_v9 RENAME TO history;
CREATE INDEX history_user ON history (user_id, profile_id);
CREATE INDEX history_updated ON history (updated_at);
CREATE INDEX history_program ON history (program_id);

-- The report ids seen: the same, one B-tree fewer per report.
CREATE TABLE history_reports_v9 (
  user_id     TEXT NOT NULL,
  report_id   TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, report_id)
) WITHOUT ROWID; -- SQLite only
INSERT INTO history_reports_v9 (user_id, report_id, received_at)
  SELECT user_id, report_id, received_at FROM history_reports;
DROP TABLE history_reports;
ALTER TABLE history_reports_v9 RENAME TO history_reports;
CREATE INDEX history_reports_received ON history_reports (received_at);
`,
    // PostgreSQL stores every table as a heap with separate indexes (no rowid B-tree to drop) and
    // evaluates IN lists without temporary structures: its version 8 tables stay as they are.
    postgres: `SELECT 1`,
  },
  {
    // Issue 17: the home page's history read. SQLite-specific (storage layout), as version 9.
    version: 10,
    name: 'history clustered by household',
    up: `
-- A home page reads every record of one household (user, optionally one profile): through
-- history_user that was one index range plus one primary-key descent of the 1 M-row table per
-- record (200 for the measured user: 86 µs of SQLite's own time, against 16 µs when the rows lie
-- together). With the key led by (user, profile) the household's rows are one range of the
-- table itself, the history_user index is no longer needed, and a report writes one B-tree
-- fewer. Uniqueness is unchanged: a terminal belongs to one user (the composite foreign key),
-- so (user, profile, terminal, programme) is unique exactly when (terminal, profile,
-- programme) is. Rebuilt as in version 9 (create, copy in key order, drop, rename).
CREATE TABLE history_v10 (
  terminal_id      TEXT NOT NULL,
  program_id       TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
  user_id          TEXT NOT NULL,
  terminal_type    TEXT NOT NULL CHECK (terminal_type = 'stb' OR terminal_type = 'mobile' OR terminal_type = 'pc'),
  breakpoint_kind  TEXT NOT NULL CHECK (breakpoint_kind = 'offset' OR breakpoint_kind = 'wallclock'),
  breakpoint_value BIGINT NOT NULL,
  duration_ms      BIGINT NOT NULL,
  seq              BIGINT NOT NULL,
  progress_at      BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  status           TEXT NOT NULL CHECK (status = 'not-started' OR status = 'in-progress' OR status = 'watched' OR status = 'expired'),
  last_event       TEXT NOT NULL CHECK (last_event = 'heartbeat' OR last_event = 'pause' OR last_event = 'seek'
                                        OR last_event = 'stop' OR last_event = 'timeout'),
  play_token       TEXT NULL,
  profile_id       TEXT NOT NULL,
  tracks           TEXT NULL,
  PRIMARY KEY (user_id, profile_id, terminal_id, program_id),
  FOREIGN KEY (terminal_id, user_id) REFERENCES terminals (id, user_id) ON DELETE CASCADE,
  FOREIGN KEY (profile_id, user_id) REFERENCES profiles (id, user_id) ON DELETE CASCADE
) WITHOUT ROWID; -- SQLite only
INSERT INTO history_v10 (terminal_id, program_id, user_id, terminal_type, breakpoint_kind, breakpoint_value,
    duration_ms, seq, progress_at, updated_at, status, last_event, play_token, profile_id, tracks)
  SELECT terminal_id, program_id, user_id, terminal_type, breakpoint_kind, breakpoint_value,
    duration_ms, seq, progress_at, updated_at, status, last_event, play_token, profile_id, tracks FROM history
  ORDER BY user_id, profile_id, terminal_id, program_id;
DROP TABLE history;
ALTER TABLE history_v10 RENAME TO history;
CREATE INDEX history_updated ON history (updated_at);
CREATE INDEX history_program ON history (program_id);
-- A removed terminal's rows are found through the key's user prefix (the foreign key's
-- cascade names both columns), so no index on terminal_id is needed.
`,
    // PostgreSQL reads a household's rows through its history_user index into a heap; its
    // tables stay as they are (see docs/BENCHMARKS.md, benchmark 8, for its home page).
    postgres: `SELECT 1`,
  },
]);

/** The highest version this code knows. */
export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

/** Throws unless versions start at 1 and increase by one (a programming error otherwise). */
export function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migrations: entry ${i} has version ${m.version}, expected ${i + 1}`);
    }
  });
}

/** The bookkeeping table; created before any migration, same text in both dialects. */
export const SCHEMA_MIGRATIONS_DDL = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

/** Error thrown when the database was written by newer code, or disagrees with our history. */
export class SchemaVersionError extends Error {
  /** A stable code for callers and logs. */
  readonly code = 'STORE_SCHEMA_VERSION';
  override readonly name = 'SchemaVersionError';
}

/**
 * Compare what the database recorded with what the code knows; throws `SchemaVersionError`
 * for a newer database or a recorded name that differs (an edited or reordered migration).
 */
export function checkApplied(
  applied: readonly { version: number; name: string }[],
  migrations: readonly Migration[] = MIGRATIONS,
): void {
  const known = latestVersion(migrations);
  const newest = applied.reduce((max, m) => Math.max(max, m.version), 0);
  if (newest > known) {
    throw new SchemaVersionError(
      `store schema version ${newest} is newer than this program supports (${known}); ` +
        'upgrade the program or restore a matching backup',
    );
  }
  for (const row of applied) {
    const ours = migrations.find((m) => m.version === row.version);
    if (ours && ours.name !== row.name) {
      throw new SchemaVersionError(
        `store migration ${row.version} was recorded as "${row.name}" but this program calls it "${ours.name}"`,
      );
    }
  }
}
