/**
 * Handoff claims and push-stream rows of the PostgreSQL store (store/handoffs.ts; the SQLite twin
 * is sqlite-handoffs.ts, whose SQL this shares). Several global instances claim through one
 * `INSERT … ON CONFLICT (session_id) DO NOTHING`: the primary key's unique index serialises
 * concurrent inserts, so of two instances racing on one session exactly one inserts the row.
 */
import type pg from 'pg';
import type { HandoffStore } from './handoffs.ts';
import { HANDOFF_SQL, toHandoff, toPushStream } from './sqlite-handoffs.ts';

type Q = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<pg.QueryResult<R>>;

/** The handoff methods over the store's query function. */
export function pgHandoffMethods(q: Q): HandoffStore {
  const count = (r: pg.QueryResult) => r.rowCount ?? 0;
  return {
    async claimHandoff(h) {
      return count(await q(HANDOFF_SQL.claim, [h.sessionId, h.userId, h.fromTerminalId, h.toTerminalId, h.event, h.at])) === 1;
    },
    async getHandoff(sessionId) {
      const r = (await q(HANDOFF_SQL.get, [sessionId])).rows[0];
      return r ? toHandoff(r as Parameters<typeof toHandoff>[0]) : null;
    },
    async listHandoffsFrom(terminalId, since) {
      return (await q(HANDOFF_SQL.from, [terminalId, since])).rows.map((r) => toHandoff(r as Parameters<typeof toHandoff>[0]));
    },
    async deleteHandoffsBefore(cutoff) {
      return count(await q(HANDOFF_SQL.prune, [cutoff]));
    },
    async putPushStream(s) {
      await q(HANDOFF_SQL.putStream, [s.instanceId, s.terminalId, s.userId, s.seenAt]);
    },
    async deletePushStream(instanceId, terminalId) {
      await q(HANDOFF_SQL.deleteStream, [instanceId, terminalId]);
    },
    async touchPushStreams(instanceId, at) {
      return count(await q(HANDOFF_SQL.touch, [instanceId, at]));
    },
    async listPushStreams(userId, since) {
      return (await q(HANDOFF_SQL.streams, [userId, since])).rows.map((r) => toPushStream(r as Parameters<typeof toPushStream>[0]));
    },
    async deletePushStreamsBefore(cutoff) {
      return count(await q(HANDOFF_SQL.pruneStreams, [cutoff]));
    },
  };
}
