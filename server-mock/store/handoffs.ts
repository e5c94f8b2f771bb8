/**
 * Rows of the issue-15 tables shared by every global instance (migration 8 → 9 after merge):
 * `handoffs` (a claimed session: the one-winner claim, the fence on the old terminal's later
 * reports, the push replayed to it) and `push_streams` (which instance holds which terminal's
 * push stream, refreshed by heartbeats, so a remote command finds its terminal on any instance).
 * The SQLite methods are sqlite-handoffs.ts, the PostgreSQL ones postgres-handoffs.ts; both pass
 * conformance-handoffs.ts.
 */

/** A handed-off play session. */
export interface HandoffRow {
  sessionId: string;
  /** The household. */
  userId: string;
  /** The terminal that was playing (its later reports of the session are fenced). */
  fromTerminalId: string;
  /** The terminal that took it over. */
  toTerminalId: string;
  /** The `handoff` push event, as JSON (replayed to the old terminal). */
  event: string;
  at: number;
}

/** A terminal's push stream on one global instance, as last refreshed. */
export interface PushStreamRow {
  instanceId: string;
  terminalId: string;
  userId: string;
  seenAt: number;
}

/** The store methods of these tables (part of the Store port). */
export interface HandoffStore {
  /**
   * Record a claim of `row.sessionId`, atomically across every instance: true when this call
   * made the row, false (nothing written) when the session was claimed already or the user is unknown.
   */
  claimHandoff(row: HandoffRow): Promise<boolean>;
  /** The claim of a session, or null. */
  getHandoff(sessionId: string): Promise<HandoffRow | null>;
  /** Handoffs away from a terminal at or after `since`, oldest first. */
  listHandoffsFrom(terminalId: string, since: number): Promise<HandoffRow[]>;
  /** Forget claims older than `cutoff`; returns how many. */
  deleteHandoffsBefore(cutoff: number): Promise<number>;
  /** A terminal's stream is open on an instance (insert, or refresh `seenAt`). */
  putPushStream(row: PushStreamRow): Promise<void>;
  /** A terminal's last stream on an instance closed. */
  deletePushStream(instanceId: string, terminalId: string): Promise<void>;
  /** An instance is alive: refresh every row of it to `at`; returns how many. */
  touchPushStreams(instanceId: string, at: number): Promise<number>;
  /** A household's streams refreshed at or after `since` (any instance), by terminal then instance. */
  listPushStreams(userId: string, since: number): Promise<PushStreamRow[]>;
  /** Forget rows not refreshed since `cutoff` (their instance died); returns how many. */
  deletePushStreamsBefore(cutoff: number): Promise<number>;
}
