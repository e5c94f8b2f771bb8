/**
 * Users, sessions, profiles, terminals' lifecycle, revocations and device codes of the
 * PostgreSQL store (kept apart from postgres.ts so each file stays readable; the SQLite twins
 * are sqlite-accounts.ts and sqlite-device.ts). Statements mirror the SQLite ones with
 * PostgreSQL placeholders; multi-statement methods run in one transaction.
 */
import type { HandoffStore } from './handoffs.ts';
import type pg from 'pg';
import type { TerminalType } from '../../common/protocol/model.ts';
import type { Tx } from './postgres-pool.ts';
import { defaultProfileId, type DeviceCodeRow, type ProfileRow, type Store, type TerminalRow, type UserRow } from './types.ts';

type Q = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<pg.QueryResult<R>>;
type TxRunner = <T>(fn: (t: Tx) => Promise<T>) => Promise<T>;

type DbUser = { id: string; login: string; display_name: string; password_hash: string; created_at: number; role: string; shared_history: number };
type DbSession = { token_hash: string; user_id: string; created_at: number; expires_at: number };
type DbProfile = { id: string; user_id: string; name: string; language: string | null; pin_hash: string | null; maturity_limit: number | null; created_at: number };
/** A terminal row as PostgreSQL returns it. */
export type DbTerminal = {
  id: string; user_id: string; name: string; type: string; credential_hash: string;
  created_at: number; last_seen_at: number | null; revoked_at: number | null; profile_id: string | null;
};
type DbDeviceCode = {
  device_code_hash: string; user_code: string; terminal_name: string; terminal_type: TerminalType; created_at: number;
  expires_at: number; interval_sec: number; last_poll_at: number | null; approved_user_id: string | null;
  approved_at: number | null; consumed_at: number | null; terminal_id: string | null;
};

const toUser = (r: DbUser): UserRow => ({
  id: r.id, login: r.login, displayName: r.display_name, passwordHash: r.password_hash, createdAt: r.created_at,
  role: r.role === 'owner' ? 'owner' : 'member', sharedHistory: r.shared_history === 1,
});
const toProfile = (r: DbProfile): ProfileRow => ({
  id: r.id, userId: r.user_id, name: r.name, language: r.language, pinHash: r.pin_hash, maturityLimit: r.maturity_limit, createdAt: r.created_at,
});
/** A terminal row from its columns. */
export const toTerminal = (r: DbTerminal): TerminalRow => ({
  id: r.id, userId: r.user_id, name: r.name, type: r.type as TerminalType, credentialHash: r.credential_hash,
  createdAt: r.created_at, lastSeenAt: r.last_seen_at, revokedAt: r.revoked_at, profileId: r.profile_id,
});
const toCode = (r: DbDeviceCode): DeviceCodeRow => ({
  deviceCodeHash: r.device_code_hash, userCode: r.user_code, terminalName: r.terminal_name, terminalType: r.terminal_type,
  createdAt: r.created_at, expiresAt: r.expires_at, intervalSec: r.interval_sec, lastPollAt: r.last_poll_at,
  approvedUserId: r.approved_user_id, approvedAt: r.approved_at, consumedAt: r.consumed_at, terminalId: r.terminal_id,
});

const INSERT_TERMINAL = `INSERT INTO terminals (id, user_id, name, type, credential_hash, created_at, last_seen_at, profile_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT id FROM profiles WHERE id = $8 AND user_id = $2))`;
const terminalParams = (t: TerminalRow) => [t.id, t.userId, t.name, t.type, t.credentialHash, t.createdAt, t.lastSeenAt, t.profileId];
const REVOKE = `INSERT INTO revocations (kind, subject_id, at) VALUES ($1, $2, $3) ON CONFLICT (kind, subject_id) DO NOTHING`;

type Methods = Omit<Store,
  | 'kind' | 'createTerminal' | 'getTerminal' | 'findTerminalByCredential' | 'listTerminals' | 'renameTerminal' | 'setTerminalType' | 'touchTerminal'
  | 'upsertPrograms' | 'getProgram' | 'listPrograms' | 'deleteProgram' | 'withdrawProgram' | 'listWithdrawn' | 'countPrograms' | 'applyReport' | 'applyReports'
  | 'listHistory' | 'hideProgram' | 'listHidden' | 'deleteOlderThan' | 'close'
  | 'recordPinFailure' | 'getPinState' | 'clearPinFailures' | keyof HandoffStore>;

/** The methods of this file over a query function and a transaction runner. */
export function pgAccountMethods(q: Q, tx: TxRunner): Methods {
  /** A COUNT(*) AS n outside a transaction. */
  const n = async (sql: string, params: unknown[]) => (await q<{ n: number }>(sql, params)).rows[0]?.n ?? 0;
  /** A COUNT(*) AS n inside the transaction `t`. */
  const count = async (t: Tx, sql: string, params: unknown[]) => (await t.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0;

  async function insertUserWithProfile(t: Tx, u: UserRow, role: UserRow['role']): Promise<boolean> {
    const r = await t.query(`INSERT INTO users (id, login, display_name, password_hash, created_at, role, shared_history)
      VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (login) DO NOTHING`,
    [u.id, u.login, u.displayName, u.passwordHash, u.createdAt, role, u.sharedHistory ? 1 : 0]);
    if (r.rowCount !== 1) return false;
    await t.query(`INSERT INTO profiles (id, user_id, name, language, pin_hash, maturity_limit, created_at)
      VALUES ($1, $2, $3, NULL, NULL, NULL, $4)`, [defaultProfileId(u.id), u.id, u.displayName, u.createdAt]);
    return true;
  }

  return {
    async createUser(u) {
      return tx((t) => insertUserWithProfile(t, u, u.role));
    },
    async createOwner(u) {
      return tx(async (t) => {
        // The table lock makes "no account yet" and the insert one step across instances.
        await t.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
        return (await count(t, 'SELECT COUNT(*) AS n FROM users', [])) === 0 && insertUserWithProfile(t, u, 'owner');
      });
    },
    async getUser(id) {
      const r = (await q<DbUser>('SELECT * FROM users WHERE id = $1', [id])).rows[0];
      return r ? toUser(r) : null;
    },
    async findUserByLogin(login) {
      const r = (await q<DbUser>('SELECT * FROM users WHERE login = $1', [login])).rows[0];
      return r ? toUser(r) : null;
    },
    async countUsers() {
      return n('SELECT COUNT(*) AS n FROM users', []);
    },
    async setSharedHistory(userId, shared) {
      return (await q('UPDATE users SET shared_history = $1 WHERE id = $2', [shared ? 1 : 0, userId])).rowCount === 1;
    },
    async setPasswordHash(userId, hash) {
      return (await q('UPDATE users SET password_hash = $1 WHERE id = $2', [hash, userId])).rowCount === 1;
    },

    async createProfile(pr, max) {
      return tx(async (t) => {
        // Lock the owning user row so two instances cannot both pass the count.
        await t.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [pr.userId]);
        if ((await count(t, 'SELECT COUNT(*) AS n FROM profiles WHERE user_id = $1', [pr.userId])) >= max) return false;
        await t.query(`INSERT INTO profiles (id, user_id, name, language, pin_hash, maturity_limit, created_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7)`, [pr.id, pr.userId, pr.name, pr.language, pr.pinHash, pr.maturityLimit, pr.createdAt]);
        return true;
      });
    },
    async getProfile(id) {
      const r = (await q<DbProfile>('SELECT * FROM profiles WHERE id = $1', [id])).rows[0];
      return r ? toProfile(r) : null;
    },
    async listProfiles(userId) {
      return (await q<DbProfile>('SELECT * FROM profiles WHERE user_id = $1 ORDER BY created_at, id COLLATE "C"', [userId])).rows.map(toProfile);
    },
    async updateProfile(userId, profileId, patch) {
      return tx(async (t) => {
        const r = (await t.query<DbProfile>('SELECT * FROM profiles WHERE id = $1 AND user_id = $2 FOR UPDATE', [profileId, userId])).rows[0];
        if (!r) return false;
        const next = { ...toProfile(r), ...patch };
        return (await t.query('UPDATE profiles SET name = $1, language = $2, pin_hash = $3, maturity_limit = $4 WHERE id = $5 AND user_id = $6',
          [next.name, next.language, next.pinHash, next.maturityLimit, profileId, userId])).rowCount === 1;
      });
    },
    async deleteProfile(userId, profileId) {
      return tx(async (t) => {
        await t.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId]);
        const r = (await t.query('SELECT id FROM profiles WHERE id = $1 AND user_id = $2', [profileId, userId])).rows[0];
        if (!r) return 'not-found' as const;
        if ((await count(t, 'SELECT COUNT(*) AS n FROM profiles WHERE user_id = $1', [userId])) <= 1) return 'last' as const;
        await t.query('DELETE FROM profiles WHERE id = $1 AND user_id = $2', [profileId, userId]);
        return 'deleted' as const;
      });
    },
    async setTerminalProfile(userId, terminalId, profileId) {
      return (await q(`UPDATE terminals SET profile_id = $3 WHERE id = $2 AND user_id = $1
        AND EXISTS (SELECT 1 FROM profiles WHERE id = $3 AND user_id = $1)`, [userId, terminalId, profileId])).rowCount === 1;
    },
    async deleteUser(userId, at) {
      return tx(async (t) => {
        if (!(await t.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId])).rows[0]) return null;
        const counts = {
          profiles: await count(t, 'SELECT COUNT(*) AS n FROM profiles WHERE user_id = $1', [userId]),
          terminals: await count(t, 'SELECT COUNT(*) AS n FROM terminals WHERE user_id = $1', [userId]),
          historyRecords: await count(t, 'SELECT COUNT(*) AS n FROM history WHERE user_id = $1', [userId]),
          hiddenProgrammes: await count(t, 'SELECT COUNT(*) AS n FROM hidden_programs WHERE user_id = $1', [userId]),
          sessions: await count(t, 'SELECT COUNT(*) AS n FROM user_sessions WHERE user_id = $1', [userId]),
          deviceCodes: (await t.query(`DELETE FROM device_codes WHERE approved_user_id = $1
            OR terminal_id IN (SELECT id FROM terminals WHERE user_id = $1)`, [userId])).rowCount ?? 0,
          reportIds: (await t.query('DELETE FROM history_reports WHERE user_id = $1', [userId])).rowCount ?? 0,
        };
        const accounts = (await t.query('DELETE FROM users WHERE id = $1', [userId])).rowCount ?? 0;
        await t.query(REVOKE, ['user', userId, at]);
        return { accounts, ...counts };
      });
    },

    async createUserSession(x) {
      await q('INSERT INTO user_sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
        [x.tokenHash, x.userId, x.createdAt, x.expiresAt]);
    },
    async findUserSession(tokenHash, now) {
      const r = (await q<DbSession>('SELECT * FROM user_sessions WHERE token_hash = $1 AND expires_at > $2', [tokenHash, now])).rows[0];
      return r ? { tokenHash: r.token_hash, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at } : null;
    },
    async deleteUserSession(tokenHash) {
      await q('DELETE FROM user_sessions WHERE token_hash = $1', [tokenHash]);
    },
    async deleteUserSessions(userId, except) {
      const r = except === null
        ? await q('DELETE FROM user_sessions WHERE user_id = $1', [userId])
        : await q('DELETE FROM user_sessions WHERE user_id = $1 AND token_hash <> $2', [userId, except]);
      return r.rowCount ?? 0;
    },

    async deleteTerminal(userId, terminalId, at) {
      return tx(async (t) => {
        if ((await t.query('DELETE FROM terminals WHERE id = $1 AND user_id = $2', [terminalId, userId])).rowCount !== 1) return false;
        await t.query(REVOKE, ['terminal', terminalId, at]);
        return true;
      });
    },
    async revokeTerminals(userId, terminalIds, exceptTerminalId, at) {
      return tx(async (t) => {
        const candidates = terminalIds ?? (await t.query<{ id: string }>(
          'SELECT id FROM terminals WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at, id COLLATE "C"', [userId])).rows.map((r) => r.id);
        const revoked: string[] = [];
        for (const id of new Set(candidates)) {
          if (id === exceptTerminalId) continue;
          const r = await t.query('UPDATE terminals SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL', [at, id, userId]);
          if (r.rowCount !== 1) continue;
          await t.query(REVOKE, ['terminal', id, at]);
          revoked.push(id);
        }
        return revoked;
      });
    },
    async listRevocations(since) {
      const rows = (await q<{ kind: string; subject_id: string; at: number }>(
        'SELECT kind, subject_id, at FROM revocations WHERE at >= $1 ORDER BY at, kind COLLATE "C", subject_id COLLATE "C"', [since])).rows;
      return rows.map((r) => ({ kind: r.kind === 'user' ? ('user' as const) : ('terminal' as const), subjectId: r.subject_id, at: r.at }));
    },
    async deleteRevocationsBefore(cutoff) {
      return (await q('DELETE FROM revocations WHERE at < $1', [cutoff])).rowCount ?? 0;
    },

    async createDeviceCode(r) {
      const res = await q(`INSERT INTO device_codes (device_code_hash, user_code, terminal_name, terminal_type,
        created_at, expires_at, interval_sec) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [r.deviceCodeHash, r.userCode, r.terminalName, r.terminalType, r.createdAt, r.expiresAt, r.intervalSec]);
      return res.rowCount === 1;
    },
    async findDeviceCode(hash) {
      const r = (await q<DbDeviceCode>('SELECT * FROM device_codes WHERE device_code_hash = $1', [hash])).rows[0];
      return r ? toCode(r) : null;
    },
    async findDeviceCodeByUserCode(userCode) {
      const r = (await q<DbDeviceCode>('SELECT * FROM device_codes WHERE user_code = $1', [userCode])).rows[0];
      return r ? toCode(r) : null;
    },
    async approveDeviceCode(userCode, userId, name, at) {
      return (await q(`UPDATE device_codes SET approved_user_id = $1, approved_at = $2, terminal_name = $3
        WHERE user_code = $4 AND approved_user_id IS NULL AND consumed_at IS NULL AND expires_at > $2`, [userId, at, name, userCode])).rowCount === 1;
    },
    async noteDevicePoll(hash, at, intervalSec) {
      await q('UPDATE device_codes SET last_poll_at = $1, interval_sec = $2 WHERE device_code_hash = $3', [at, intervalSec, hash]);
    },
    async consumeDeviceCode(hash, at, term) {
      return tx(async (t) => {
        const r = await t.query(`UPDATE device_codes SET consumed_at = $1, terminal_id = $2
          WHERE device_code_hash = $3 AND approved_user_id = $4 AND consumed_at IS NULL AND expires_at > $1`, [at, term.id, hash, term.userId]);
        if (r.rowCount !== 1) return false;
        await t.query(INSERT_TERMINAL, terminalParams(term));
        return true;
      });
    },
    async deleteExpired(now) {
      return tx(async (t) => ({
        sessions: (await t.query('DELETE FROM user_sessions WHERE expires_at <= $1', [now])).rowCount ?? 0,
        deviceCodes: (await t.query('DELETE FROM device_codes WHERE expires_at <= $1', [now - 86_400_000])).rowCount ?? 0,
      }));
    },
  };
}
