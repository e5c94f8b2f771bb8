/** Conversions between store rows and wire objects of the global role. */
import type { Account } from '../../common/protocol/api.ts';
import type { Terminal, ViewingRecord } from '../../common/protocol/model.ts';
import type { LabelledHistoryRow, TerminalRow, UserRow } from '../store/types.ts';

/** Wire form of a terminal row (never the credential hash). */
export function toTerminal(row: TerminalRow): Terminal {
  return { id: row.id, name: row.name, type: row.type, createdAt: row.createdAt, lastSeenAt: row.lastSeenAt };
}

/** Wire form of an account (never the password hash). */
export function toAccount(row: UserRow): Account {
  return { id: row.id, login: row.login, displayName: row.displayName, createdAt: row.createdAt, role: row.role };
}

/** Wire form of a history row, labelled with its terminal's name. */
export function toViewingRecord(row: LabelledHistoryRow): ViewingRecord {
  const record: ViewingRecord = {
    userId: row.userId,
    terminalId: row.terminalId,
    terminalName: row.terminalName,
    terminalType: row.terminalType,
    programId: row.programId,
    breakpoint: row.breakpoint,
    durationMs: row.durationMs,
    seq: row.seq,
    progressAt: row.progressAt,
    updatedAt: row.updatedAt,
    status: row.status,
  };
  if (row.playToken) record.playToken = row.playToken;
  if (row.tracks) record.tracks = row.tracks;
  record.profileId = row.profileId;
  return record;
}
