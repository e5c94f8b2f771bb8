/**
 * The account-lifecycle, profile and revocation parts of the SQLite store, kept apart from
 * sqlite.ts so each file stays readable (as sqlite-device.ts). Called with the store's open
 * connection and its transaction helper.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { defaultProfileId, type ProfileRow, type Store, type UserRow } from './types.ts';

type DbProfile = {
  id: string; user_id: string; name: string; language: string | null; pin_hash: string | null;
  maturity_limit: number | null; created_at: number;
};

function toProfile(r: DbProfile): ProfileRow {
  return {
    id: r.id, userId: r.user_id, name: r.name, language: r.language, pinHash: r.pin_hash,
    maturityLimit: r.maturity_limit, createdAt: r.created_at,
  };
}

/** The methods this file implements. */
type AccountMethods = Pick<
  Store,
  | 'setSharedHistory' | 'createProfile' | 'getProfile' | 'listProfiles' | 'updateProfile' | 'deleteProfile'
  | 'setTerminalProfile' | 'setPasswordHash' | 'deleteUser' | 'deleteUserSessions' | 'revokeTerminals'
  | 'listRevocations' | 'deleteRevocationsBefore'
>;

/** Statements and methods over an open, migrated connection. */
export function accountMethods(db: DatabaseSync, tx: <T>(fn: () => T) => T) {
  const p = (sql: string): StatementSync => db.prepare(sql);
  const s = {
    insertUser: p(`INSERT INTO users (id, login, display_name, password_hash, created_at, role)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (login) DO NOTHING`),
    getUser: p('SELECT id FROM users WHERE id = ?'),
    countUsers: p('SELECT COUNT(*) AS n FROM users'),
    setPassword: p('UPDATE users SET password_hash = ? WHERE id = ?'),
    setShared: p('UPDATE users SET shared_history = ? WHERE id = ?'),
    deleteUser: p('DELETE FROM users WHERE id = ?'),
    insertProfile: p(`INSERT INTO profiles (id, user_id, name, language, pin_hash, maturity_limit, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    countProfiles: p('SELECT COUNT(*) AS n FROM profiles WHERE user_id = ?'),
    getProfile: p('SELECT * FROM profiles WHERE id = ?'),
    listProfiles: p('SELECT * FROM profiles WHERE user_id = ? ORDER BY created_at, id'),
    updateProfile: p('UPDATE profiles SET name = ?, language = ?, pin_hash = ?, maturity_limit = ? WHERE id = ? AND user_id = ?'),
    deleteProfile: p('DELETE FROM profiles WHERE id = ? AND user_id = ?'),
    setTerminalProfile: p(`UPDATE terminals SET profile_id = ?3 WHERE id = ?2 AND user_id = ?1
      AND EXISTS (SELECT 1 FROM profiles WHERE id = ?3 AND user_id = ?1)`),
    countUserTerminals: p('SELECT COUNT(*) AS n FROM terminals WHERE user_id = ?'),
    countUserHistory: p('SELECT COUNT(*) AS n FROM history WHERE user_id = ?'),
    countUserHidden: p('SELECT COUNT(*) AS n FROM hidden_programs WHERE user_id = ?'),
    countUserSessions: p('SELECT COUNT(*) AS n FROM user_sessions WHERE user_id = ?'),
    // Codes it approved, and codes that made one of its terminals (the TV's side of the pair).
    deleteUserDeviceCodes: p(`DELETE FROM device_codes WHERE approved_user_id = ?1
      OR terminal_id IN (SELECT id FROM terminals WHERE user_id = ?1)`),
    deleteUserReports: p('DELETE FROM history_reports WHERE user_id = ?'),
    deleteOtherSessions: p('DELETE FROM user_sessions WHERE user_id = ? AND token_hash <> ?'),
    deleteAllSessions: p('DELETE FROM user_sessions WHERE user_id = ?'),
    activeTerminalIds: p('SELECT id FROM terminals WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at, id'),
    revokeTerminal: p('UPDATE terminals SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL'),
    insertRevocation: p(`INSERT INTO revocations (kind, subject_id, at) VALUES (?, ?, ?)
      ON CONFLICT (kind, subject_id) DO NOTHING`),
    listRevocations: p('SELECT kind, subject_id, at FROM revocations WHERE at >= ? ORDER BY at, kind, subject_id'),
    deleteRevocations: p('DELETE FROM revocations WHERE at < ?'),
  };
  const get = <T>(st: StatementSync, ...args: SQLInputValue[]) => st.get(...args) as T | undefined;
  const all = <T>(st: StatementSync, ...args: SQLInputValue[]) => st.all(...args) as T[];
  const changed = (st: StatementSync, ...args: SQLInputValue[]) => Number(st.run(...args).changes);
  const n = (st: StatementSync, ...args: SQLInputValue[]) => get<{ n: number }>(st, ...args)?.n ?? 0;

  /** Insert a user and its default profile (inside the caller's transaction); false when the login is taken. */
  function insertUserWithProfile(u: UserRow, role: UserRow['role']): boolean {
    if (changed(s.insertUser, u.id, u.login, u.displayName, u.passwordHash, u.createdAt, role) !== 1) return false;
    s.insertProfile.run(defaultProfileId(u.id), u.id, u.displayName, null, null, null, u.createdAt);
    if (u.sharedHistory) s.setShared.run(1, u.id);
    return true;
  }

  /** Record that a terminal was revoked (inside the caller's transaction). */
  const recordTerminalRevocation = (terminalId: string, at: number) => s.insertRevocation.run('terminal', terminalId, at);

  const methods: AccountMethods & Pick<Store, 'createUser' | 'createOwner'> = {
    async createUser(u) {
      return tx(() => insertUserWithProfile(u, u.role));
    },
    async createOwner(u) {
      return tx(() => n(s.countUsers) === 0 && insertUserWithProfile(u, 'owner'));
    },
    async setSharedHistory(userId, shared) {
      return changed(s.setShared, shared ? 1 : 0, userId) === 1;
    },
    async setPasswordHash(userId, passwordHash) {
      return changed(s.setPassword, passwordHash, userId) === 1;
    },
    async createProfile(pr, max) {
      return tx(() => {
        if (n(s.countProfiles, pr.userId) >= max) return false;
        s.insertProfile.run(pr.id, pr.userId, pr.name, pr.language, pr.pinHash, pr.maturityLimit, pr.createdAt);
        return true;
      });
    },
    async getProfile(id) {
      const r = get<DbProfile>(s.getProfile, id);
      return r ? toProfile(r) : null;
    },
    async listProfiles(userId) {
      return all<DbProfile>(s.listProfiles, userId).map(toProfile);
    },
    async updateProfile(userId, profileId, patch) {
      return tx(() => {
        const r = get<DbProfile>(s.getProfile, profileId);
        if (!r || r.user_id !== userId) return false;
        const next = { ...toProfile(r), ...patch };
        return changed(s.updateProfile, next.name, next.language, next.pinHash, next.maturityLimit, profileId, userId) === 1;
      });
    },
    async deleteProfile(userId, profileId) {
      return tx(() => {
        const r = get<DbProfile>(s.getProfile, profileId);
        if (!r || r.user_id !== userId) return 'not-found' as const;
        if (n(s.countProfiles, userId) <= 1) return 'last' as const;
        // History and removals cascade; terminals on it fall back to null (the first profile).
        s.deleteProfile.run(profileId, userId);
        return 'deleted' as const;
      });
    },
    async setTerminalProfile(userId, terminalId, profileId) {
      return changed(s.setTerminalProfile, userId, terminalId, profileId) === 1;
    },
    async deleteUser(userId, at) {
      return tx(() => {
        if (!get(s.getUser, userId)) return null;
        const counts = {
          profiles: n(s.countProfiles, userId),
          terminals: n(s.countUserTerminals, userId),
          historyRecords: n(s.countUserHistory, userId),
          hiddenProgrammes: n(s.countUserHidden, userId),
          sessions: n(s.countUserSessions, userId),
          deviceCodes: changed(s.deleteUserDeviceCodes, userId),
          reportIds: changed(s.deleteUserReports, userId),
        };
        // Sessions, profiles, terminals (and through them history) and hidden programmes cascade.
        const accounts = changed(s.deleteUser, userId);
        s.insertRevocation.run('user', userId, at);
        return { accounts, ...counts };
      });
    },
    async deleteUserSessions(userId, exceptTokenHash) {
      return exceptTokenHash === null ? changed(s.deleteAllSessions, userId) : changed(s.deleteOtherSessions, userId, exceptTokenHash);
    },
    async revokeTerminals(userId, terminalIds, exceptTerminalId, at) {
      return tx(() => {
        const candidates = terminalIds ?? all<{ id: string }>(s.activeTerminalIds, userId).map((r) => r.id);
        const revoked: string[] = [];
        for (const id of new Set(candidates)) {
          if (id === exceptTerminalId) continue;
          if (changed(s.revokeTerminal, at, id, userId) !== 1) continue;
          recordTerminalRevocation(id, at);
          revoked.push(id);
        }
        return revoked;
      });
    },
    async listRevocations(since) {
      return all<{ kind: string; subject_id: string; at: number }>(s.listRevocations, since).map((r) => ({
        kind: r.kind === 'user' ? ('user' as const) : ('terminal' as const),
        subjectId: r.subject_id,
        at: r.at,
      }));
    },
    async deleteRevocationsBefore(cutoff) {
      return changed(s.deleteRevocations, cutoff);
    },
  };
  return { methods, recordTerminalRevocation };
}
