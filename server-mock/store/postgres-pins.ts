/**
 * Wrong-PIN counts of the PostgreSQL store (migration 7; the rule is pins.ts, the SQLite twin
 * sqlite-pins.ts). Several global instances share them: a failure inserts the row if missing,
 * then holds it (`FOR UPDATE`) while the next state is computed, so concurrent failures on
 * any instance all count and exactly one of them sets the lock.
 */
import type pg from 'pg';
import type { Tx } from './postgres-pool.ts';
import { nextPinState, type PinState } from './pins.ts';
import type { Store } from './types.ts';

type Q = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<pg.QueryResult<R>>;
type TxRunner = <T>(fn: (t: Tx) => Promise<T>) => Promise<T>;
type DbPin = { failures: number; window_start: number; locked_until: number | null };
const toState = (r: DbPin): PinState => ({ failures: r.failures, windowStart: r.window_start, lockedUntil: r.locked_until });

/** The pin methods over the store's query function and transaction runner. */
export function pgPinMethods(q: Q, tx: TxRunner): Pick<Store, 'recordPinFailure' | 'getPinState' | 'clearPinFailures'> {
  return {
    async recordPinFailure(profileId, at, policy) {
      return tx(async (t) => {
        // failures = 0 marks a row just made: nextPinState then starts a fresh window.
        await t.query(`INSERT INTO pin_failures (profile_id, failures, window_start, locked_until)
          SELECT id, 0, $2, NULL FROM profiles WHERE id = $1 ON CONFLICT (profile_id) DO NOTHING`, [profileId, at]);
        const r = (await t.query<DbPin>('SELECT failures, window_start, locked_until FROM pin_failures WHERE profile_id = $1 FOR UPDATE', [profileId])).rows[0];
        if (!r) return null;
        const next = nextPinState(r.failures === 0 ? null : toState(r), at, policy);
        await t.query('UPDATE pin_failures SET failures = $2, window_start = $3, locked_until = $4 WHERE profile_id = $1', [profileId, next.failures, next.windowStart, next.lockedUntil]);
        return next;
      });
    },
    async getPinState(profileId) {
      const r = (await q<DbPin>('SELECT failures, window_start, locked_until FROM pin_failures WHERE profile_id = $1', [profileId])).rows[0];
      return r ? toState(r) : null;
    },
    async clearPinFailures(profileId) {
      await q('DELETE FROM pin_failures WHERE profile_id = $1', [profileId]);
    },
  };
}
