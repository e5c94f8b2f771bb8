/**
 * Whether a breakpoint is possible for a programme: the one check every part applies before
 * a position is recorded (global on reports, the streaming cluster on heartbeats, terminals
 * before queueing). Pure and environment-free.
 */
import type { ErrorCode } from './errors.ts';
import type { Breakpoint, Program } from './protocol/model.ts';

/** A VOD position may overshoot the catalogue runtime by this much (players round up). */
export const END_TOLERANCE_MS = 5_000;
/** A live breakpoint may lie this far in the future of the server clock (stream clock drift). */
export const LIVE_FUTURE_TOLERANCE_MS = 5 * 60_000;

/** A refused breakpoint: stable code and reason. */
export interface BreakpointProblem {
  code: ErrorCode;
  message: string;
}

/** Check a breakpoint against its programme at `now`; returns it (VOD clamped to the end) or a problem. */
export function checkBreakpoint(bp: Breakpoint, program: Pick<Program, 'kind' | 'durationMs'>, now: number): Breakpoint | BreakpointProblem {
  if (program.kind === 'vod') {
    if (bp.kind !== 'offset') return { code: 'INVALID_POSITION', message: 'A VOD breakpoint is an offset' };
    if (bp.offsetMs > program.durationMs + END_TOLERANCE_MS) {
      return { code: 'INVALID_POSITION', message: 'Position is past the end of the programme' };
    }
    return { kind: 'offset', offsetMs: Math.min(bp.offsetMs, program.durationMs) };
  }
  if (bp.kind !== 'wallclock') return { code: 'INVALID_POSITION', message: 'A live breakpoint is a wall-clock time' };
  if (bp.epochMs > now + LIVE_FUTURE_TOLERANCE_MS) return { code: 'INVALID_POSITION', message: 'Breakpoint is in the future' };
  return bp;
}

/** True when `checkBreakpoint` refused. */
export function isProblem(v: Breakpoint | BreakpointProblem): v is BreakpointProblem {
  return 'code' in v;
}
