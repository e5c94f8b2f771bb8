/**
 * The store port of the global role: everything global keeps, behind an async interface so
 * that the embedded SQLite store (`sqlite.ts`) and a PostgreSQL store can both implement it.
 * Every implementation must pass `conformance.ts`.
 *
 * Ownership: one Store per global process; callers never share rows across users except
 * through the methods below, which always take the owning user id where a row is user-scoped.
 */
import type { Breakpoint, Program, ProgressStatus, TerminalType, TrackChoice } from '../../common/protocol/model.ts';
import type { AccountRole, ReportEvent, ReportOutcome } from '../../common/protocol/api.ts';
import type { Revocation } from '../../common/protocol/account.ts';
import type { Decision, StoredPoint } from '../../common/resume.ts';
import type { HandoffStore } from './handoffs.ts';
import type { PinPolicy, PinState } from './pins.ts';

/** A user account row. */
export interface UserRow {
  id: string;
  /** Login name, stored lower-cased; unique. */
  login: string;
  displayName: string;
  /** scrypt hash in PHC-like text form (see server-mock/auth/passwords.ts). */
  passwordHash: string;
  createdAt: number;
  /** `owner` for the server's first account. */
  role: AccountRole;
  /** Every profile of the household sees every profile's history. */
  sharedHistory: boolean;
}

/** A household profile (a person). */
export interface ProfileRow {
  id: string;
  userId: string;
  name: string;
  language: string | null;
  /** scrypt hash of the 4-digit PIN, or null for none. */
  pinHash: string | null;
  /** Highest age rating allowed; null = no limit. */
  maturityLimit: number | null;
  createdAt: number;
}

/** The fields of a profile an update may change (absent = unchanged). */
export type ProfilePatch = Partial<Pick<ProfileRow, 'name' | 'language' | 'pinHash' | 'maturityLimit'>>;

/** The default profile id an account's first profile gets (also what migration 4 used). */
export const defaultProfileId = (userId: string): string => `p-${userId}`;

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
  /** When the terminal was signed out (credential revoked, row and history kept); null = active. */
  revokedAt: number | null;
  /** Who is watching on it now (a profile of its user); null = the household's first profile. */
  profileId: string | null;
}

/** What deleting an account removed, per kind of row. */
export interface DeletedAccountCounts {
  accounts: number;
  terminals: number;
  historyRecords: number;
  hiddenProgrammes: number;
  sessions: number;
  deviceCodes: number;
  reportIds: number;
  profiles: number;
}

/** A viewing-history row: one per (terminal, programme). */
export interface HistoryRow {
  userId: string;
  /** The profile (person) the viewing belongs to. */
  profileId: string;
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
  /** A profile of `userId`. */
  profileId: string;
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
export interface Store extends DeviceCodeStore, HandoffStore {
  /** Implementation name, for logs ("sqlite", "postgres"). */
  readonly kind: string;

  // users
  /**
   * Insert a user and its default profile (`defaultProfileId`, named after the display name),
   * in one transaction; returns false when the login is taken (nothing written).
   */
  createUser(user: UserRow): Promise<boolean>;
  getUser(id: string): Promise<UserRow | null>;
  /** Find by login (case-insensitive: callers pass it lower-cased). */
  findUserByLogin(login: string): Promise<UserRow | null>;
  countUsers(): Promise<number>;
  /**
   * Insert the first account as owner, atomically only if there is no account at all; false
   * (nothing written) otherwise. `user.role` is ignored (stored as owner). Also its default profile.
   */
  createOwner(user: UserRow): Promise<boolean>;
  /** Set the household's shared-history choice; false when no such user. */
  setSharedHistory(userId: string, shared: boolean): Promise<boolean>;

  // profiles
  /** Insert a profile, only while the user has fewer than `max`; false (nothing written) otherwise. */
  createProfile(profile: ProfileRow, max: number): Promise<boolean>;
  getProfile(id: string): Promise<ProfileRow | null>;
  /** The user's profiles, oldest first. */
  listProfiles(userId: string): Promise<ProfileRow[]>;
  /** Change a profile of this user; false when no such profile of this user. */
  updateProfile(userId: string, profileId: string, patch: ProfilePatch): Promise<boolean>;
  /**
   * Delete a profile of this user with its history and removals; terminals on it fall back to
   * none (the first profile). `last` (nothing written) when it is the user's only profile.
   */
  deleteProfile(userId: string, profileId: string): Promise<'deleted' | 'not-found' | 'last'>;
  /** Make a profile of this user current on a terminal of this user; false otherwise. */
  setTerminalProfile(userId: string, terminalId: string, profileId: string): Promise<boolean>;

  // wrong PINs (pins.ts; migration 7)
  /**
   * Count one wrong PIN for a profile at `at` under `policy` (atomic: concurrent failures on
   * any instance all count) and return the state after; null when the profile does not exist.
   */
  recordPinFailure(profileId: string, at: number, policy: PinPolicy): Promise<PinState | null>;
  /** A profile's stored wrong-PIN state (null = none). */
  getPinState(profileId: string): Promise<PinState | null>;
  /** Forget a profile's wrong PINs (the right PIN was given, or the PIN was changed). */
  clearPinFailures(profileId: string): Promise<void>;
  /** Replace a user's password hash; false when no such user. */
  setPasswordHash(userId: string, passwordHash: string): Promise<boolean>;
  /**
   * Delete an account and everything of it in one transaction: sessions, terminals, history,
   * hidden programmes, device codes it approved or that made its terminals, remembered report
   * ids; and record a `user` revocation at `at`. Null (nothing written) when no such user.
   */
  deleteUser(userId: string, at: number): Promise<DeletedAccountCounts | null>;

  // user sessions
  createUserSession(session: UserSessionRow): Promise<void>;
  /** The session for a token hash, or null when unknown or expired at `now`. */
  findUserSession(tokenHash: string, now: number): Promise<UserSessionRow | null>;
  deleteUserSession(tokenHash: string): Promise<void>;
  /** Delete every session of a user except `exceptTokenHash` (null = all); returns how many. */
  deleteUserSessions(userId: string, exceptTokenHash: string | null): Promise<number>;

  // terminals
  createTerminal(terminal: TerminalRow): Promise<void>;
  /** A terminal by id, signed out or not. */
  getTerminal(id: string): Promise<TerminalRow | null>;
  /** The terminal a credential authenticates: never a signed-out one. */
  findTerminalByCredential(credentialHash: string): Promise<TerminalRow | null>;
  /** Every terminal of the user, signed-out ones included (callers filter on `revokedAt`). */
  listTerminals(userId: string): Promise<TerminalRow[]>;
  /** Rename a terminal of this user; false when no such terminal of this user. */
  renameTerminal(userId: string, terminalId: string, name: string): Promise<boolean>;
  /** Change the type of a terminal of this user (its catalogue follows); false when no such terminal of this user. */
  setTerminalType(userId: string, terminalId: string, type: TerminalType): Promise<boolean>;
  /**
   * Remove a terminal of this user and its history, and record a `terminal` revocation at
   * `at`, in one transaction; false (nothing written) when no such terminal of this user.
   */
  deleteTerminal(userId: string, terminalId: string, at: number): Promise<boolean>;
  /**
   * Sign out active terminals of this user: `terminalIds` = those (ids of other users or
   * already signed out are skipped), null = all but `exceptTerminalId`. Sets `revokedAt` and
   * records a `terminal` revocation for each, in one transaction; returns the ids signed out.
   */
  revokeTerminals(userId: string, terminalIds: readonly string[] | null, exceptTerminalId: string | null, at: number): Promise<string[]>;

  // revocations (read by streaming clusters and portals)
  /** Revocations recorded at or after `since`, oldest first. */
  listRevocations(since: number): Promise<Revocation[]>;
  /** Forget revocations older than `cutoff` (every token they concern has expired); returns how many. */
  deleteRevocationsBefore(cutoff: number): Promise<number>;
  /** Record that the terminal was seen (best effort, may be coalesced). */
  touchTerminal(terminalId: string, at: number): Promise<void>;

  // programmes
  /** Insert or replace programmes by id, all or none; a withdrawn one is back in the catalogue. */
  upsertPrograms(programs: readonly Program[]): Promise<void>;
  /** A programme of the catalogue (never a withdrawn one). */
  getProgram(id: string): Promise<Program | null>;
  /** The catalogue (withdrawn programmes left out), optionally only programmes allowed for a terminal type; ordered by title. */
  listPrograms(terminalType?: TerminalType): Promise<Program[]>;
  /** Delete a programme and its history; false when unknown. */
  deleteProgram(id: string): Promise<boolean>;
  /**
   * Withdraw a programme as of `at`: it leaves the catalogue, its history stays (and ages out);
   * `upsertPrograms` brings it back. Already withdrawn: kept as it was (true). False when unknown.
   */
  withdrawProgram(id: string, at: number): Promise<boolean>;
  /** Withdrawn programmes, by id. */
  listWithdrawn(): Promise<{ id: string; withdrawnAt: number }[]>;
  /** Every programme row, withdrawn ones included. */
  countPrograms(): Promise<number>;

  // history
  /** Apply one report atomically (idempotent by reportId). */
  applyReport(input: ApplyReportInput): Promise<ApplyReportResult>;
  /** Apply several reports in one transaction, in order (all or none on a fault). */
  applyReports(inputs: readonly ApplyReportInput[]): Promise<ApplyReportResult[]>;
  /**
   * Every history row of every terminal of the user for one profile (null = of every
   * profile: shared history, export), labelled with terminal names.
   */
  listHistory(userId: string, profileId?: string | null): Promise<LabelledHistoryRow[]>;
  /** Hide a programme from a profile's Continue-watching row as of `at` (upsert). */
  hideProgram(userId: string, profileId: string, programId: string, at: number): Promise<void>;
  /** A profile's removals (null = every profile's, newest per programme). */
  listHidden(userId: string, profileId?: string | null): Promise<{ programId: string; hiddenAt: number }[]>;

  // aging (patent [0050])
  /**
   * Delete history rows whose updatedAt < cutoff, remembered report ids received before the
   * cutoff, and programmes withdrawn before the cutoff that no history row names any more;
   * returns how many of each.
   */
  deleteOlderThan(cutoff: number): Promise<{ records: number; reports: number; programs: number }>;
  /** Delete user sessions and device codes that expired before `now`; returns how many. */
  deleteExpired(now: number): Promise<{ sessions: number; deviceCodes: number }>;

  /** Close the store (flushes; idempotent). */
  close(): Promise<void>;
}
