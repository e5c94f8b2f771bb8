/**
 * The home page model: the Continue-watching row from the history of all the user's terminals.
 * Pure, so the portal builds it and a terminal can rebuild it from a cached answer offline.
 *
 * Rules (docs/ARCHITECTURE.md §5):
 * - one card per programme, from the newest record across the user's terminals that counts
 *   (in progress or watched; a record that never got past the resume minimum does not count,
 *   so an accidental open elsewhere never hides a real point);
 * - if that newest record is "watched", the programme is off the row;
 * - "Remove from row" hides the programme until a record moves after the removal;
 * - only programmes the calling terminal may play are shown;
 * - cards are ordered newest first; the other terminals' points ride along on the card.
 */
import type { ContinueItem, HomePage } from './protocol/api.ts';
import type { Program, ProgramId, TerminalType, ViewingRecord } from './protocol/model.ts';
import { classify, percentOf, type ResumeRules } from './resume.ts';

/** What the row is built from. */
export interface ContinueInputs {
  programs: readonly Program[];
  history: readonly ViewingRecord[];
  hidden: readonly { programId: ProgramId; hiddenAt: number }[];
  terminalType: TerminalType;
  rules: ResumeRules;
  now: number;
  /** Cap on cards (default 30). */
  limit?: number;
}

/** Newest first: by progress time, then write time, then terminal id for a stable order. */
export function compareNewest(a: ViewingRecord, b: ViewingRecord): number {
  return b.progressAt - a.progressAt || b.updatedAt - a.updatedAt || a.terminalId.localeCompare(b.terminalId);
}

/** Re-derive every record's status at `now` (stored statuses age: live windows close). */
function withStatus(records: readonly ViewingRecord[], programs: Map<string, Program>, rules: ResumeRules, now: number) {
  const out: ViewingRecord[] = [];
  for (const r of records) {
    const p = programs.get(r.programId);
    if (!p) continue;
    const status = classify(r.breakpoint, p, rules, now);
    // A copy only when the status moved: records are never changed in place.
    out.push(status === r.status ? r : { ...r, status });
  }
  return out;
}

/** Group the user's records by programme, newest first within each group. */
function byProgram(records: readonly ViewingRecord[]): Map<string, ViewingRecord[]> {
  const groups = new Map<string, ViewingRecord[]>();
  for (const r of records) {
    const g = groups.get(r.programId);
    if (g) g.push(r);
    else groups.set(r.programId, [r]);
  }
  for (const g of groups.values()) g.sort(compareNewest);
  return groups;
}

/** The records by programme (newest first), statuses re-derived, over a programme index. */
function groupsOf(input: Pick<ContinueInputs, 'history' | 'rules' | 'now'>, programs: Map<string, Program>) {
  return byProgram(withStatus(input.history, programs, input.rules, input.now));
}

/** Build the Continue-watching row. */
export function buildContinueWatching(input: ContinueInputs): ContinueItem[] {
  const playable = new Map(input.programs.filter((p) => p.terminalTypes.includes(input.terminalType)).map((p) => [p.id, p]));
  return continueRow(input, playable, groupsOf(input, playable));
}

/**
 * The Continue-watching row and the progress badges together, from one grouping of the records
 * (what a home page needs; the same result as the two functions, for half the work).
 */
export function buildHomeRows(input: ContinueInputs): { continueWatching: ContinueItem[]; progress: HomePage['progress'] } {
  const { all: programs, playable } = indexOf(input.programs, input.terminalType);
  const groups = groupsOf(input, programs);
  return { continueWatching: continueRow(input, playable, groups), progress: progressOf(programs, groups) };
}

type ProgramIndex = { all: Map<string, Program>; playable: Map<string, Program> };
/**
 * A frozen catalogue list (the server's, shared until the catalogue changes) is indexed once per
 * terminal type instead of per page: two maps of 200 programmes were a tenth of a home page's
 * own work. Any other list is indexed each time (it may change under us).
 */
const indexes = new WeakMap<readonly Program[], Map<TerminalType, ProgramIndex>>();
function indexOf(list: readonly Program[], type: TerminalType): ProgramIndex {
  const build = (): ProgramIndex => {
    const all = new Map(list.map((p) => [p.id, p]));
    return { all, playable: new Map([...all].filter(([, p]) => p.terminalTypes.includes(type))) };
  };
  if (!Object.isFrozen(list)) return build();
  let byType = indexes.get(list);
  if (!byType) indexes.set(list, (byType = new Map()));
  let index = byType.get(type);
  if (!index) byType.set(type, (index = build()));
  return index;
}

/** The row from grouped records; groups of programmes not in `playable` are left out. */
function continueRow(input: ContinueInputs, playable: Map<string, Program>, groups: Map<string, ViewingRecord[]>): ContinueItem[] {
  const hidden = new Map(input.hidden.map((h) => [h.programId, h.hiddenAt]));
  const items: ContinueItem[] = [];
  for (const [programId, group] of groups) {
    const program = playable.get(programId);
    const counting = group.filter((r) => r.status === 'in-progress' || r.status === 'watched');
    const newest = counting[0];
    if (!program || !newest || newest.status !== 'in-progress') continue;
    if ((hidden.get(programId) ?? -Infinity) >= newest.progressAt) continue;
    const percent = percentOf(newest.breakpoint, program.durationMs);
    const remainingMs =
      newest.breakpoint.kind === 'offset' ? Math.max(0, program.durationMs - newest.breakpoint.offsetMs) : 0;
    const others = counting
      .slice(1)
      .filter((r) => r.status === 'in-progress' && r.terminalId !== newest.terminalId)
      .map((r) => ({
        terminalId: r.terminalId,
        terminalName: r.terminalName,
        terminalType: r.terminalType,
        breakpoint: r.breakpoint,
        progressAt: r.progressAt,
        percent: percentOf(r.breakpoint, program.durationMs),
      }));
    items.push({ program, record: newest, percent, remainingMs, others });
  }
  items.sort((a, b) => compareNewest(a.record, b.record));
  return items.slice(0, input.limit ?? 30);
}

/** Per-programme status (newest counting record) for badges such as "watched". */
export function buildProgress(input: Omit<ContinueInputs, 'hidden' | 'limit'>): HomePage['progress'] {
  const programs = new Map(input.programs.map((p) => [p.id, p]));
  return progressOf(programs, groupsOf(input, programs));
}

function progressOf(programs: Map<string, Program>, groups: Map<string, ViewingRecord[]>): HomePage['progress'] {
  const out: HomePage['progress'] = [];
  for (const [programId, group] of groups) {
    const program = programs.get(programId);
    const newest = group.find((r) => r.status !== 'not-started') ?? group[0];
    if (program && newest) {
      out.push({ programId, status: newest.status, percent: percentOf(newest.breakpoint, program.durationMs) });
    }
  }
  return out;
}
