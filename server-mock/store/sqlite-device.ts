/**
 * The device-code and expiry parts of the SQLite store, kept apart from sqlite.ts so each file
 * stays readable. Called with the store's open connection and its transaction helper.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { TerminalType } from '../../common/protocol/model.ts';
import type { DeviceCodeRow, Store, TerminalRow } from './types.ts';

interface DbDeviceCode {
  device_code_hash: string;
  user_code: string;
  terminal_name: string;
  terminal_type: TerminalType;
  created_at: number;
  expires_at: number;
  interval_sec: number;
  last_poll_at: number | null;
  approved_user_id: string | null;
  approved_at: number | null;
  consumed_at: number | null;
  terminal_id: string | null;
}

function toRow(r: DbDeviceCode): DeviceCodeRow {
  return {
    deviceCodeHash: r.device_code_hash,
    userCode: r.user_code,
    terminalName: r.terminal_name,
    terminalType: r.terminal_type,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    intervalSec: r.interval_sec,
    lastPollAt: r.last_poll_at,
    approvedUserId: r.approved_user_id,
    approvedAt: r.approved_at,
    consumedAt: r.consumed_at,
    terminalId: r.terminal_id,
  };
}

type DeviceMethods = Pick<
  Store,
  | 'createDeviceCode'
  | 'findDeviceCode'
  | 'findDeviceCodeByUserCode'
  | 'approveDeviceCode'
  | 'noteDevicePoll'
  | 'consumeDeviceCode'
  | 'deleteExpired'
>;

/** The device-code methods over an open, migrated connection. */
export function deviceCodeMethods(db: DatabaseSync, inTransaction: <T>(fn: () => T) => T): DeviceMethods {
  const insert = db.prepare(`INSERT INTO device_codes (device_code_hash, user_code, terminal_name, terminal_type,
      created_at, expires_at, interval_sec) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
  const byHash = db.prepare('SELECT * FROM device_codes WHERE device_code_hash = ?');
  const byUserCode = db.prepare('SELECT * FROM device_codes WHERE user_code = ?');
  const approve = db.prepare(`UPDATE device_codes SET approved_user_id = ?, approved_at = ?, terminal_name = ?
      WHERE user_code = ? AND approved_user_id IS NULL AND consumed_at IS NULL AND expires_at > ?`);
  const poll = db.prepare('UPDATE device_codes SET last_poll_at = ?, interval_sec = ? WHERE device_code_hash = ?');
  const consume = db.prepare(`UPDATE device_codes SET consumed_at = ?, terminal_id = ?
      WHERE device_code_hash = ? AND approved_user_id = ? AND consumed_at IS NULL AND expires_at > ?`);
  const insertTerminal = db.prepare(`INSERT INTO terminals (id, user_id, name, type, credential_hash, created_at, last_seen_at, profile_id)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT id FROM profiles WHERE id = ?8 AND user_id = ?2))`);
  const expireSessions = db.prepare('DELETE FROM user_sessions WHERE expires_at <= ?');
  // Consumed or expired codes are kept a day for diagnostics, then go.
  const expireCodes = db.prepare('DELETE FROM device_codes WHERE expires_at <= ?');

  return {
    async createDeviceCode(r) {
      const res = insert.run(r.deviceCodeHash, r.userCode, r.terminalName, r.terminalType, r.createdAt, r.expiresAt, r.intervalSec);
      return Number(res.changes) === 1;
    },
    async findDeviceCode(hash) {
      const r = byHash.get(hash) as DbDeviceCode | undefined;
      return r ? toRow(r) : null;
    },
    async findDeviceCodeByUserCode(userCode) {
      const r = byUserCode.get(userCode) as DbDeviceCode | undefined;
      return r ? toRow(r) : null;
    },
    async approveDeviceCode(userCode, userId, name, at) {
      return Number(approve.run(userId, at, name, userCode, at).changes) === 1;
    },
    async noteDevicePoll(hash, at, intervalSec) {
      poll.run(at, intervalSec, hash);
    },
    async consumeDeviceCode(hash, at, t: TerminalRow) {
      return inTransaction(() => {
        if (Number(consume.run(at, t.id, hash, t.userId, at).changes) !== 1) return false;
        insertTerminal.run(t.id, t.userId, t.name, t.type, t.credentialHash, t.createdAt, t.lastSeenAt, t.profileId);
        return true;
      });
    },
    async deleteExpired(now) {
      return inTransaction(() => ({
        sessions: Number(expireSessions.run(now).changes),
        deviceCodes: Number(expireCodes.run(now - 86_400_000).changes),
      }));
    },
  };
}
