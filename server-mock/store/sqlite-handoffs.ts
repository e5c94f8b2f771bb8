/**
 * Handoff claims and push-stream rows of the SQLite store (store/handoffs.ts; the PostgreSQL twin
 * is postgres-handoffs.ts). A claim is one `INSERT … ON CONFLICT DO NOTHING`: SQLite has one
 * writer, and the primary key decides.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { HandoffRow, HandoffStore, PushStreamRow } from './handoffs.ts';

type DbHandoff = { session_id: string; user_id: string; from_terminal_id: string; to_terminal_id: string; event: string; at: number };
type DbStream = { instance_id: string; terminal_id: string; user_id: string; seen_at: number };

/** Map a handoffs row. */
export const toHandoff = (r: DbHandoff): HandoffRow => ({
  sessionId: r.session_id, userId: r.user_id, fromTerminalId: r.from_terminal_id, toTerminalId: r.to_terminal_id, event: r.event, at: Number(r.at),
});
/** Map a push_streams row. */
export const toPushStream = (r: DbStream): PushStreamRow => ({ instanceId: r.instance_id, terminalId: r.terminal_id, userId: r.user_id, seenAt: Number(r.seen_at) });

/** The SQL both stores share (positional `?n` in SQLite, `$n` in PostgreSQL). */
export const HANDOFF_SQL = {
  claim: `INSERT INTO handoffs (session_id, user_id, from_terminal_id, to_terminal_id, event, at)
    SELECT $1, id, $3, $4, $5, $6 FROM users WHERE id = $2 ON CONFLICT (session_id) DO NOTHING`,
  get: 'SELECT * FROM handoffs WHERE session_id = $1',
  from: 'SELECT * FROM handoffs WHERE from_terminal_id = $1 AND at >= $2 ORDER BY at, session_id',
  prune: 'DELETE FROM handoffs WHERE at < $1',
  putStream: `INSERT INTO push_streams (instance_id, terminal_id, user_id, seen_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (instance_id, terminal_id) DO UPDATE SET user_id = excluded.user_id, seen_at = excluded.seen_at`,
  deleteStream: 'DELETE FROM push_streams WHERE instance_id = $1 AND terminal_id = $2',
  touch: 'UPDATE push_streams SET seen_at = $2 WHERE instance_id = $1',
  streams: 'SELECT * FROM push_streams WHERE user_id = $1 AND seen_at >= $2 ORDER BY terminal_id, instance_id',
  pruneStreams: 'DELETE FROM push_streams WHERE seen_at < $1',
} as const;

const sqlite = (sql: string) => sql.replace(/\$(\d+)/g, '?$1');

/** The handoff methods over an open, migrated connection. */
export function handoffMethods(db: DatabaseSync): HandoffStore {
  const p = Object.fromEntries(Object.entries(HANDOFF_SQL).map(([k, sql]) => [k, db.prepare(sqlite(sql))])) as Record<keyof typeof HANDOFF_SQL, ReturnType<DatabaseSync['prepare']>>;
  const changes = (r: { changes: number | bigint }) => Number(r.changes);
  return {
    async claimHandoff(h) {
      return changes(p.claim.run(h.sessionId, h.userId, h.fromTerminalId, h.toTerminalId, h.event, h.at)) === 1;
    },
    async getHandoff(sessionId) {
      const r = p.get.get(sessionId) as DbHandoff | undefined;
      return r ? toHandoff(r) : null;
    },
    async listHandoffsFrom(terminalId, since) {
      return (p.from.all(terminalId, since) as DbHandoff[]).map(toHandoff);
    },
    async deleteHandoffsBefore(cutoff) {
      return changes(p.prune.run(cutoff));
    },
    async putPushStream(s) {
      p.putStream.run(s.instanceId, s.terminalId, s.userId, s.seenAt);
    },
    async deletePushStream(instanceId, terminalId) {
      p.deleteStream.run(instanceId, terminalId);
    },
    async touchPushStreams(instanceId, at) {
      return changes(p.touch.run(instanceId, at));
    },
    async listPushStreams(userId, since) {
      return (p.streams.all(userId, since) as DbStream[]).map(toPushStream);
    },
    async deletePushStreamsBefore(cutoff) {
      return changes(p.pruneStreams.run(cutoff));
    },
  };
}
