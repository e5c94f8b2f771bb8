/**
 * Row shapes and conversions shared by the SQL stores (the same schema in both dialects).
 */
import type { Breakpoint, ProgressStatus, TerminalType } from '../../common/protocol/model.ts';
import type { ReportEvent } from '../../common/protocol/api.ts';
import type { HistoryRow } from './types.ts';

/** A history row as the database returns it. */
export type DbHistory = {
  terminal_id: string; program_id: string; user_id: string; terminal_type: string;
  breakpoint_kind: string; breakpoint_value: number; duration_ms: number; seq: number;
  progress_at: number; updated_at: number; status: string; last_event: string; play_token: string | null;
  profile_id: string;
};

/** A breakpoint as its two columns. */
export function encodeBreakpoint(b: Breakpoint): [kind: string, value: number] {
  return b.kind === 'offset' ? ['offset', b.offsetMs] : ['wallclock', b.epochMs];
}

/** A breakpoint from its two columns; throws on an unknown kind (a corrupt row). */
export function decodeBreakpoint(kind: string, value: number): Breakpoint {
  if (kind === 'offset') return { kind: 'offset', offsetMs: value };
  if (kind === 'wallclock') return { kind: 'wallclock', epochMs: value };
  throw new Error(`store: unknown breakpoint kind ${kind}`);
}

/** A history row from its columns. */
export function toHistory(r: DbHistory): HistoryRow {
  return {
    userId: r.user_id, terminalId: r.terminal_id, terminalType: r.terminal_type as TerminalType,
    programId: r.program_id, breakpoint: decodeBreakpoint(r.breakpoint_kind, r.breakpoint_value),
    durationMs: r.duration_ms, seq: r.seq, progressAt: r.progress_at, updatedAt: r.updated_at,
    status: r.status as ProgressStatus, lastEvent: r.last_event as ReportEvent, playToken: r.play_token,
    profileId: r.profile_id,
  };
}
