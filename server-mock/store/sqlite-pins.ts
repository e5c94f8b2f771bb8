/**
 * Wrong-PIN counts of the SQLite store (migration 7; the rule is pins.ts, the PostgreSQL twin
 * postgres-pins.ts). A failure is read and written in one transaction: SQLite has one writer.
 */
import type { DatabaseSync } from 'node:sqlite';
import { nextPinState, type PinState } from './pins.ts';
import type { Store } from './types.ts';

type DbPin = { failures: number; window_start: number; locked_until: number | null };
const toState = (r: DbPin): PinState => ({ failures: r.failures, windowStart: r.window_start, lockedUntil: r.locked_until });

/** The pin methods over an open, migrated connection and the store's transaction helper. */
export function pinMethods(db: DatabaseSync, tx: <T>(fn: () => T) => T): Pick<Store, 'recordPinFailure' | 'getPinState' | 'clearPinFailures'> {
  const read = db.prepare('SELECT failures, window_start, locked_until FROM pin_failures WHERE profile_id = ?');
  const exists = db.prepare('SELECT 1 AS x FROM profiles WHERE id = ?');
  const write = db.prepare(`INSERT INTO pin_failures (profile_id, failures, window_start, locked_until) VALUES (?1, ?2, ?3, ?4)
    ON CONFLICT (profile_id) DO UPDATE SET failures = ?2, window_start = ?3, locked_until = ?4`);
  const clear = db.prepare('DELETE FROM pin_failures WHERE profile_id = ?');
  const state = (profileId: string) => {
    const r = read.get(profileId) as DbPin | undefined;
    return r ? toState(r) : null;
  };
  return {
    async recordPinFailure(profileId, at, policy) {
      return tx(() => {
        if (!exists.get(profileId)) return null;
        const next = nextPinState(state(profileId), at, policy);
        write.run(profileId, next.failures, next.windowStart, next.lockedUntil);
        return next;
      });
    },
    async getPinState(profileId) {
      return state(profileId);
    },
    async clearPinFailures(profileId) {
      clear.run(profileId);
    },
  };
}
