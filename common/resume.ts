/**
 * Resume rules: when a breakpoint counts as "in progress", and whether an incoming report may
 * replace the stored one. Pure functions shared by the global server (which enforces them) and
 * terminals (which predict them offline). Defaults follow the mature media servers (Jellyfin:
 * 5 % / 90 %, nothing under 5 minutes of runtime is resumable).
 */
import type { Breakpoint, ProgramKind, ProgressStatus } from './protocol/model.ts';

/** Configurable thresholds. */
export interface ResumeRules {
  /** Below this percentage a VOD position is "not started". */
  minPercent: number;
  /** At or above this percentage a VOD programme is "watched" (credits never end it). */
  maxPercent: number;
  /** Programmes shorter than this are never resumable (only watched or not). */
  minResumableDurationMs: number;
  /** Two positions closer than this count as "not moved" (a paused terminal's heartbeat). */
  unmovedToleranceMs: number;
}

/** The defaults, documented in README's configuration table. */
export const DEFAULT_RESUME_RULES: ResumeRules = Object.freeze({
  minPercent: 5,
  maxPercent: 90,
  minResumableDurationMs: 5 * 60_000,
  unmovedToleranceMs: 500,
});

/** Throws unless the rules are coherent (0 ≤ min < max ≤ 100, non-negative times). */
export function validateRules(rules: ResumeRules): ResumeRules {
  const { minPercent, maxPercent, minResumableDurationMs, unmovedToleranceMs } = rules;
  const finite = [minPercent, maxPercent, minResumableDurationMs, unmovedToleranceMs].every(Number.isFinite);
  if (!finite || minPercent < 0 || maxPercent > 100 || minPercent >= maxPercent) {
    throw new Error(`resume rules: need 0 <= minPercent < maxPercent <= 100 (got ${minPercent}, ${maxPercent})`);
  }
  if (minResumableDurationMs < 0 || unmovedToleranceMs < 0) {
    throw new Error('resume rules: durations must be >= 0');
  }
  return rules;
}

/** What a status computation needs to know about the programme. */
export interface ProgramFacts {
  kind: ProgramKind;
  durationMs: number;
  timeshiftWindowSec?: number | undefined;
}

/** Percentage (0–100, one decimal) of a VOD offset; 0 for live or unknown runtime. */
export function percentOf(breakpoint: Breakpoint, durationMs: number): number {
  if (breakpoint.kind !== 'offset' || durationMs <= 0) return 0;
  const pct = (Math.min(breakpoint.offsetMs, durationMs) / durationMs) * 100;
  return Math.round(pct * 10) / 10;
}

/** The status of a breakpoint of a programme, at time `now` (epoch ms). */
export function classify(breakpoint: Breakpoint, program: ProgramFacts, rules: ResumeRules, now: number): ProgressStatus {
  if (breakpoint.kind === 'wallclock') {
    // A live breakpoint is resumable while the broadcast moment is still in the timeshift window.
    const windowMs = (program.timeshiftWindowSec ?? 0) * 1000;
    return now - breakpoint.epochMs <= windowMs ? 'in-progress' : 'expired';
  }
  // Compare the exact ratio, not the rounded display percentage: the thresholds are exact.
  const pct = program.durationMs > 0 ? (Math.min(breakpoint.offsetMs, program.durationMs) / program.durationMs) * 100 : 0;
  if (pct >= rules.maxPercent) return 'watched';
  if (program.durationMs < rules.minResumableDurationMs) return 'not-started';
  return pct >= rules.minPercent ? 'in-progress' : 'not-started';
}

/** The position below which a VOD offset is "not started", in ms. */
export function minResumeOffsetMs(durationMs: number, rules: ResumeRules): number {
  return (durationMs * rules.minPercent) / 100;
}

/** True when two breakpoints are the same position within the tolerance. */
export function samePosition(a: Breakpoint, b: Breakpoint, toleranceMs: number): boolean {
  if (a.kind === 'offset' && b.kind === 'offset') return Math.abs(a.offsetMs - b.offsetMs) <= toleranceMs;
  if (a.kind === 'wallclock' && b.kind === 'wallclock') return Math.abs(a.epochMs - b.epochMs) <= toleranceMs;
  return false;
}

/** The stored state of one terminal's record, as far as the decision needs it. */
export interface StoredPoint {
  seq: number;
  breakpoint: Breakpoint;
  progressAt: number;
}

/** An incoming report, as far as the decision needs it. */
export interface IncomingPoint {
  seq: number;
  breakpoint: Breakpoint;
  /** Skew-corrected server time at which the position was observed. */
  observedAt: number;
  resumedFrom?: Breakpoint | undefined;
  seekedBack?: boolean | undefined;
  /** The viewing ends here (a stop): its exact point is the one every terminal resumes from. */
  final?: boolean | undefined;
}

/**
 * What to do with a report: `stale` = drop it; otherwise write `next`. `kept` means the
 * record's breakpoint and progress time stay as they were (only seq / updatedAt move).
 */
export type Decision =
  | { outcome: 'stale' }
  | { outcome: 'applied' | 'kept'; next: StoredPoint; reason: 'moved' | 'unmoved' | 'settled' | 'bad-stop' | 'first' };

/**
 * Decide whether `incoming` replaces `stored` (the same terminal's record of the same
 * programme). Ordering is by the terminal's own sequence, never by clocks. Two guards:
 * - a heartbeat that does not move the position keeps the record alive but never makes it newer;
 *   a stop that does not move it (`final`) is not newer either, but its exact point is written
 *   (`settled`): the stopping terminal shows the point it stopped at, and every other terminal
 *   must resume from that same point, not from a heartbeat up to the tolerance earlier;
 * - a bad stop — a viewing that resumed at X ≥ the resume minimum and ends below that minimum
 *   without the user seeking back (an accidental open-and-close, a player that unloaded first
 *   and reported 0) — does not replace X.
 */
export function decideReport(
  stored: StoredPoint | null,
  incoming: IncomingPoint,
  program: ProgramFacts,
  rules: ResumeRules,
): Decision {
  if (stored && incoming.seq <= stored.seq) return { outcome: 'stale' };
  if (stored && isBadStop(incoming, program, rules)) {
    return { outcome: 'kept', reason: 'bad-stop', next: { ...stored, seq: incoming.seq } };
  }
  if (stored && samePosition(stored.breakpoint, incoming.breakpoint, rules.unmovedToleranceMs)) {
    if (incoming.final && !samePosition(stored.breakpoint, incoming.breakpoint, 0)) {
      return { outcome: 'applied', reason: 'settled', next: { seq: incoming.seq, breakpoint: incoming.breakpoint, progressAt: stored.progressAt } };
    }
    return { outcome: 'kept', reason: 'unmoved', next: { ...stored, seq: incoming.seq } };
  }
  const next = { seq: incoming.seq, breakpoint: incoming.breakpoint, progressAt: incoming.observedAt };
  return { outcome: 'applied', reason: stored ? 'moved' : 'first', next };
}

/** True for the bad-stop pattern described on `decideReport`. */
export function isBadStop(incoming: IncomingPoint, program: ProgramFacts, rules: ResumeRules): boolean {
  const { breakpoint, resumedFrom, seekedBack } = incoming;
  if (seekedBack || !resumedFrom || breakpoint.kind !== 'offset' || resumedFrom.kind !== 'offset') return false;
  const floor = minResumeOffsetMs(program.durationMs, rules);
  return resumedFrom.offsetMs >= floor && breakpoint.offsetMs < floor;
}

/**
 * Undo a sender's clock skew: `observedAt` and `sentAt` are both by the sender's clock, so
 * their difference is the report's age however wrong that clock is. Future ages count as 0.
 */
export function correctedTime(observedAt: number, sentAt: number, receivedAt: number): number {
  const age = Math.max(0, sentAt - observedAt);
  return receivedAt - age;
}
