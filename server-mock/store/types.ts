/**
 * The store port of the global role: everything global keeps, behind an async interface so
 * that the embedded SQLite store (`sqlite.ts`) and a PostgreSQL store can both implement it.
 * Every implementation must pass `conformance.ts`.
 *
 * Ownership: one Store per global process; callers never share rows across users except
 * through the methods below, which always take the owning user id where a row is user-scoped.
 */
import type { Breakpoint, Program, ProgressStatus, TerminalType, TrackChoice } from '../../common/protocol/model.ts';
import type { ReportEvent, ReportOutcome } from '../../common/protocol/api.ts';
import type { Decision, StoredPoint } from '../../common/resume.ts';

/** A user account row. */
export interface UserRow {
  id: string;
  /** Login name, stored lower-cased; unique. */
  login: string;
  displayName: string;
  /** scrypt hash in PHC-like text form (see server-mock/auth/passwords.ts). */
  passwordHash: string;
  createdAt: number;
}

/** A user session (bearer token) row; only the token's SHA-256 is stored. */
export interface UserSessionRow {
  tokenHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

/** A terminal row (the user↔terminal association table, patent [0048]). */
export interface TerminalRow {
  id: string;
  userId: string;
  name: string;
  type: TerminalType;
  /** SHA-256 of the terminal credential; unique. */
  credentialHash: string;
  createdAt: number;
  lastSeenAt: number | null;
}

/** A viewing-history row: one per (terminal, programme). */
export interface HistoryRow {
  userId: string;
  terminalId: string;
  terminalType: TerminalType;
  programId: string;
  breakpoint: Breakpoint;
  durationMs: number;
  seq: number;
  progressAt: number;
  updatedAt: number;
  status: ProgressStatus;
  lastEvent: ReportEvent;
  playToken: string | null;
  /** The viewing's audio, subtitles and speed (null / absent = never reported). */
  tracks?: TrackChoice | null;
}

/** A history row joined with its terminal's current name (for labelling). */
export interface LabelledHistoryRow extends HistoryRow {
  terminalName: string;
}

/** What `applyReport` needs: the identity of the record and the incoming report. */
export interface ApplyReportInput {
  reportId: string;
  userId: string;
  terminalId: string;
  terminalType: TerminalType;
  programId: string;
  durationMs: number;
  event: ReportEvent;
  playToken: string | null;
  /** Track choice the report carries (merged field by field over the stored one); absent = unchanged. */
  tracks?: TrackChoice | null;
  /** Server time of the write. */
  now: number;
  /**
   * The decision, made inside the store's transaction on the current row (null = none yet).
   * The store must call it exactly once per non-duplicate report, under a lock that keeps
   * concurrent reports of the same (terminal, programme) serialised.
   */
  decide: (stored: StoredPoint | null) => Decision;
  /** Status to store for the resulting breakpoint. */
  statusOf: (breakpoint: Breakpoint) => ProgressStatus;
}

/** What became of one report, and the row after it (null when duplicate or stale). */
export interface ApplyReportResult {
  outcome: ReportOutcome;
  row: HistoryRow | null;
}

/** A device-authorization code pair (RFC 8628), as stored. */
export interface DeviceCodeRow {
  deviceCodeHash: string;
  /** Normalised: 8 upper-case letters, no separator. */
  userCode: string;
  terminalName: string;
  terminalType: TerminalType;
  createdAt: number;
  expiresAt: number;
  intervalSec: number;
  lastPollAt: number | null;
  approvedUserId: string | null;
  approvedAt: number | null;
  consumedAt: number | null;
  terminalId: string | null;
}

/** Device codes of the global store (linking TVs). */
export interface DeviceCodeStore {
  /** Insert a code pair; false (nothing written) when the user code is taken. */
  createDeviceCode(row: DeviceCodeRow): Promise<boolean>;
  findDeviceCode(deviceCodeHash: string): Promise<DeviceCodeRow | null>;
  findDeviceCodeByUserCode(userCode: string): Promise<DeviceCodeRow | null>;
  /** Approve for a user, only if not approved yet and not expired at `at`; false otherwise. */
  approveDeviceCode(userCode: string, userId: string, name: string, at: number): Promise<boolean>;
  /** Record a poll time (for slow_down). */
  noteDevicePoll(deviceCodeHash: string, at: number, intervalSec: number): Promise<void>;
  /**
   * Atomically create the terminal and mark the code consumed, only if approved, unexpired and
   * not consumed yet; false otherwise (nothing written).
   */
  consumeDeviceCode(deviceCodeHash: string, at: number, terminal: TerminalRow): Promise<boolean>;
}

/** The store port. All methods are atomic; errors other than documented ones are faults. */
export interface Store extends DeviceCodeStore {
  /** Implementation name, for logs ("sqlite", "postgres"). */
  readonly kind: string;

  // users
  /** Insert a user; returns false when the login is taken (nothing written). */
  createUser(user: UserRow): Promise<boolean>;
  getUser(id: string): Promise<UserRow | null>;
  /** Find by login (case-insensitive: callers pass it lower-cased). */
  findUserByLogin(login: string): Promise<UserRow | null>;
  countUsers(): Promise<number>;

  // user sessions
  createUserSession(session: UserSessionRow): Promise<void>;
  /** The session for a token hash, or null when unknown or expired at `now`. */
  findUserSession(tokenHash: string, now: number): Promise<UserSessionRow | null>;
  deleteUserSession(tokenHash: string): Promise<void>;

  // terminals
  createTerminal(terminal: TerminalRow): Promise<void>;
  getTerminal(id: string): Promise<TerminalRow | null>;
  findTerminalByCredential(credentialHash: string): Promise<TerminalRow | null>;
  listTerminals(userId: string): Promise<TerminalRow[]>;
  /** Rename a terminal of this user; false when no such terminal of this user. */
  renameTerminal(userId: string, terminalId: string, name: string): Promise<boolean>;
  /** Remove a terminal of this user and its history; false when no such terminal of this user. */
  deleteTerminal(userId: string, terminalId: string): Promise<boolean>;
  /** Record that the terminal was seen (best effort, may be coalesced). */
  touchTerminal(terminalId: string, at: number): Promise<void>;

  // programmes
  /** Insert or replace programmes by id, all or none. */
  upsertPrograms(programs: readonly Program[]): Promise<void>;
  getProgram(id: string): Promise<Program | null>;
  /** The catalogue, optionally only programmes allowed for a terminal type; ordered by title. */
  listPrograms(terminalType?: TerminalType): Promise<Program[]>;
  /** Delete a programme and its history; false when unknown. */
  deleteProgram(id: string): Promise<boolean>;
  countPrograms(): Promise<number>;

  // history
  /** Apply one report atomically (idempotent by reportId). */
  applyReport(input: ApplyReportInput): Promise<ApplyReportResult>;
  /** Apply several reports in one transaction, in order (all or none on a fault). */
  applyReports(inputs: readonly ApplyReportInput[]): Promise<ApplyReportResult[]>;
  /** Every history row of every terminal of the user, labelled with terminal names. */
  listHistory(userId: string): Promise<LabelledHistoryRow[]>;
  /** Hide a programme from the user's Continue-watching row as of `at` (upsert). */
  hideProgram(userId: string, programId: string, at: number): Promise<void>;
  listHidden(userId: string): Promise<{ programId: string; hiddenAt: number }[]>;

  // aging (patent [0050])
  /**
   * Delete history rows whose updatedAt < cutoff, and remembered report ids received before
   * the cutoff; returns how many of each.
   */
  deleteOlderThan(cutoff: number): Promise<{ records: number; reports: number }>;
  /** Delete user sessions and device codes that expired before `now`; returns how many. */
  deleteExpired(now: number): Promise<{ sessions: number; deviceCodes: number }>;

  /** Close the store (flushes; idempotent). */
  close(): Promise<void>;
}
