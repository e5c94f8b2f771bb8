/**
 * Applying a pushed history record to the home page already on screen, so another terminal's
 * stop shows at once — before the refetch that follows confirms it. The row is rebuilt with
 * the same pure builder the portal uses (common/home.ts) from what the page holds: each
 * card's record and its other terminals' points, plus the pushed record.
 */
import { buildContinueWatching } from '../../../common/home.ts';
import type { HomePage, TerminalReport } from '../../../common/protocol/api.ts';
import type { Breakpoint, Program, ProgramId, ViewingRecord } from '../../../common/protocol/model.ts';
import { isBadStop, samePosition, type ResumeRules } from '../../../common/resume.ts';

/** A removal from the row: hides the programme until a record moves after `hiddenAt`. */
export interface HiddenMark {
  programId: ProgramId;
  hiddenAt: number;
}

/** The records a home page holds (cards' newest records and their other terminals' points). */
export function recordsOf(page: HomePage): ViewingRecord[] {
  const out: ViewingRecord[] = [];
  for (const item of page.continueWatching) {
    out.push(item.record);
    for (const o of item.others) {
      out.push({
        userId: item.record.userId,
        terminalId: o.terminalId,
        terminalName: o.terminalName,
        terminalType: o.terminalType,
        programId: item.program.id,
        breakpoint: o.breakpoint,
        durationMs: item.record.durationMs,
        seq: 0,
        progressAt: o.progressAt,
        updatedAt: o.progressAt,
        status: 'in-progress',
      });
    }
  }
  return out;
}

/** The page with `record` applied to its Continue-watching row. */
export function mergeRecord(page: HomePage, record: ViewingRecord, hidden: readonly HiddenMark[], rules: ResumeRules, now: number): HomePage {
  const history = recordsOf(page).filter((r) => !(r.terminalId === record.terminalId && r.programId === record.programId));
  history.push(record);
  const programs = new Map<string, Program>(page.catalogue.map((p) => [p.id, p]));
  for (const item of page.continueWatching) if (!programs.has(item.program.id)) programs.set(item.program.id, item.program);
  const continueWatching = buildContinueWatching({
    programs: [...programs.values()],
    history,
    hidden,
    terminalType: page.terminal.type,
    rules,
    now,
  });
  return { ...page, continueWatching };
}

/** The page without the card of `programId` when the removal is newer than its record. */
export function applyHidden(page: HomePage, mark: HiddenMark): HomePage {
  const continueWatching = page.continueWatching.filter((c) => c.program.id !== mark.programId || c.record.progressAt > mark.hiddenAt);
  return continueWatching.length === page.continueWatching.length ? page : { ...page, continueWatching };
}

/** Who this terminal is, for its own records. */
export interface LocalTerminal {
  terminalId: string;
  terminalName: string;
  terminalType: ViewingRecord['terminalType'];
}

/**
 * This terminal's points still waiting in its outbox (it was offline), as records: the newest
 * report (highest seq) per programme. The server has not seen them, so its page shows an older
 * point of this terminal; the card should show what this terminal knows.
 */
export function localRecords(reports: readonly TerminalReport[], me: LocalTerminal, userId: string): ViewingRecord[] {
  const newest = new Map<string, TerminalReport>();
  for (const r of reports) {
    const prev = newest.get(r.programId);
    if (!prev || r.seq > prev.seq) newest.set(r.programId, r);
  }
  return [...newest.values()].map((r) => ({
    userId,
    terminalId: me.terminalId,
    terminalName: me.terminalName,
    terminalType: me.terminalType,
    programId: r.programId,
    breakpoint: r.breakpoint,
    durationMs: 0,
    seq: r.seq,
    progressAt: r.observedAt,
    updatedAt: r.observedAt,
    status: 'in-progress',
  }));
}

/** The page with this terminal's local points applied where they are newer than what it shows. */
export function withLocalPoints(page: HomePage, local: readonly ViewingRecord[], hidden: readonly HiddenMark[], rules: ResumeRules, now: number): HomePage {
  const shown = recordsOf(page);
  let out = page;
  for (const rec of local) {
    const current = shown.find((r) => r.terminalId === rec.terminalId && r.programId === rec.programId);
    if (current && current.progressAt >= rec.progressAt) continue;
    out = mergeRecord(out, rec, hidden, rules, now);
  }
  return out;
}

/**
 * How long this terminal's own stop is shown over the server's page at most. It is normally
 * confirmed within milliseconds (the stop is answered once global has it); the bound keeps a
 * stop the server kept differently (or a skewed clock) from overriding the server for long.
 */
export const OWN_POINT_TTL_MS = 60_000;

/** How a viewing ended, for the bad-stop rule (common/resume.ts), which the server applies too. */
export interface StopContext {
  resumedFrom: Breakpoint | null;
  seekedBack: boolean;
}

/**
 * Whether this terminal's stop would move its record, by the server's own rule: a bad stop (an
 * accidental open-and-close of a resumed programme) keeps the old point there, so here too.
 */
export function stopMovesPoint(page: HomePage, record: ViewingRecord, context: StopContext, rules: ResumeRules): boolean {
  const program = page.catalogue.find((p) => p.id === record.programId) ?? page.continueWatching.find((c) => c.program.id === record.programId)?.program;
  if (!program) return true;
  const incoming = { seq: record.seq, breakpoint: record.breakpoint, observedAt: record.progressAt, resumedFrom: context.resumedFrom ?? undefined, seekedBack: context.seekedBack };
  return !isBadStop(incoming, program, rules);
}

/**
 * This terminal's own points the page does not show yet: those with no record of this terminal
 * for the programme as new (progress time) or at exactly the same position, and younger than
 * the TTL. Exactly: global writes a stop's exact point even when it barely moved
 * (common/resume.ts `settled`), while a page read before the stop arrived may show a seek's
 * report a few milliseconds earlier — that is not the stop, and must not replace it.
 */
export function unconfirmed(page: HomePage, own: readonly ViewingRecord[], now: number): ViewingRecord[] {
  const shown = recordsOf(page);
  return own.filter((rec) => {
    if (now - rec.progressAt >= OWN_POINT_TTL_MS) return false;
    const current = shown.find((r) => r.terminalId === rec.terminalId && r.programId === rec.programId);
    return !current || (current.progressAt < rec.progressAt && !samePosition(current.breakpoint, rec.breakpoint, 0));
  });
}
