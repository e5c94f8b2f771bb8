/**
 * Viewing history of the global role: receiving reports (patent step 210, ms2/ms4), answering
 * a portal's query (step 220–240, ms1/ms3), hiding programmes from the row, and aging
 * (patent [0050]). Every batch is validated whole before anything is written, so bad input
 * changes nothing; accepted changes are pushed to the user's terminals.
 */
import { AppError, type ErrorCode } from '../../common/errors.ts';
import type { ClusterReport, ProgramsAnswer, ReportResults, TerminalReport } from '../../common/protocol/api.ts';
import type { Breakpoint, Program } from '../../common/protocol/model.ts';
import { buildContinueWatching } from '../../common/home.ts';
import { checkBreakpoint, isProblem } from '../../common/breakpoint.ts';
import { classify, correctedTime, decideReport, type ResumeRules } from '../../common/resume.ts';
import type { ApplyReportInput, Store, TerminalRow } from '../store/types.ts';
import type { EventBus } from './events.ts';
import { allowedFor, toProfile, type ProfileService } from './profiles-service.ts';
import { toTerminal, toViewingRecord } from './records.ts';

/** Dependencies of the history service. */
export interface HistoryServiceDeps {
  store: Store;
  bus: EventBus;
  profiles: ProfileService;
  rules: ResumeRules;
  retentionDays: number;
  /**
   * True for a report of a session another terminal took over (issue 15, global/handoff.ts):
   * it is `stale`, whatever its seq — the handoff already recorded that viewing's stop.
   */
  fenced?: (terminalId: string, playToken: string | undefined) => Promise<boolean>;
  now?: () => number;
}

/** Who sends a batch: a streaming cluster (terminal named per report) or a terminal itself. */
export type ReportSender = { kind: 'cluster'; clusterId: string } | { kind: 'terminal'; userId: string; terminalId: string };

interface Rejection {
  index: number;
  reportId: string;
  code: ErrorCode;
  message: string;
}

/** History operations. */
/**
 * The programmes of a (frozen, shared) catalogue list a maturity limit allows, as one frozen
 * list per list and limit: the portal caches a catalogue's JSON and version by list identity
 * (portal/catalogue-cache.ts), so a restricted profile's filtered list must be the same array
 * every time, not a new one per request. A list nobody holds any more is dropped with it.
 */
const filtered = new WeakMap<readonly Program[], Map<number, readonly Program[]>>();
function withinLimit(programs: readonly Program[], profile: { maturityLimit: number | null }): Program[] {
  const limit = profile.maturityLimit;
  if (limit === null) return programs as Program[];
  if (!Object.isFrozen(programs)) return programs.filter((p) => allowedFor(profile, p));
  let byLimit = filtered.get(programs);
  if (!byLimit) filtered.set(programs, (byLimit = new Map()));
  let list = byLimit.get(limit);
  if (!list) byLimit.set(limit, (list = Object.freeze(programs.filter((p) => allowedFor(profile, p)))));
  return list as Program[];
}

export class HistoryService {
  readonly #store: Store;
  readonly #bus: EventBus;
  readonly #profiles: ProfileService;
  readonly #rules: ResumeRules;
  readonly #retentionMs: number;
  readonly #now: () => number;
  readonly #fenced: (terminalId: string, playToken: string | undefined) => Promise<boolean>;

  constructor(deps: HistoryServiceDeps) {
    this.#fenced = deps.fenced ?? (async () => false);
    this.#store = deps.store;
    this.#bus = deps.bus;
    this.#profiles = deps.profiles;
    this.#rules = deps.rules;
    this.#retentionMs = deps.retentionDays * 86_400_000;
    this.#now = deps.now ?? Date.now;
  }

  /**
   * Apply a batch of reports, all or none. `sentAt` is the sender's clock when sending, used
   * to correct each `observedAt` for the sender's clock skew. Throws AppError (with the
   * rejected reports in `details`) when any report is invalid; nothing is written then.
   */
  async ingest(sender: ReportSender, sentAt: number, reports: readonly (ClusterReport | TerminalReport)[]): Promise<ReportResults> {
    const now = this.#now();
    const terminals = new Map<string, TerminalRow | null>();
    const programs = new Map<string, Program | null>();
    const rejected: Rejection[] = [];
    const inputs: ApplyReportInput[] = [];
    const names = new Map<string, string>();

    for (const [index, report] of reports.entries()) {
      const terminalId = sender.kind === 'terminal' ? sender.terminalId : (report as ClusterReport).terminalId;
      const reject = (code: ErrorCode, message: string) => rejected.push({ index, reportId: report.reportId, code, message });
      if (!terminals.has(terminalId)) terminals.set(terminalId, await this.#store.getTerminal(terminalId));
      if (!programs.has(report.programId)) programs.set(report.programId, await this.#store.getProgram(report.programId));
      const terminal = terminals.get(terminalId);
      const program = programs.get(report.programId);
      if (!terminal || (sender.kind === 'terminal' && terminal.userId !== sender.userId)) {
        reject('TERMINAL_NOT_FOUND', 'Unknown terminal');
        continue;
      }
      if (!program) {
        // Rare (a bad id, or a viewing whose file was removed): worth the extra read to say which.
        const withdrawn = (await this.#store.listWithdrawn()).some((w) => w.id === report.programId);
        if (withdrawn) reject('PROGRAM_WITHDRAWN', 'The programme was withdrawn (its media was removed)');
        else reject('PROGRAM_NOT_FOUND', 'Unknown programme');
        continue;
      }
      if (!program.terminalTypes.includes(terminal.type)) {
        reject('PROGRAM_NOT_ALLOWED', 'Programme is not offered to this terminal type');
        continue;
      }
      const breakpoint = checkBreakpoint(report.breakpoint, program, now);
      if (isProblem(breakpoint)) {
        reject(breakpoint.code, breakpoint.message);
        continue;
      }
      if (report.resumedFrom && report.resumedFrom.kind !== breakpoint.kind) {
        reject('INVALID_POSITION', 'resumedFrom is of another kind than the breakpoint');
        continue;
      }
      // Whose viewing: the one named (a profile of this household), else the terminal's current one.
      let profileId: string;
      if (report.profileId !== undefined) {
        const profile = await this.#store.getProfile(report.profileId);
        if (!profile || profile.userId !== terminal.userId) {
          reject('PROFILE_NOT_FOUND', 'Unknown profile for this terminal’s household');
          continue;
        }
        profileId = profile.id;
      } else {
        profileId = (await this.#profiles.currentOf(terminal)).id;
      }
      names.set(terminal.id, terminal.name);
      const fenced = await this.#fenced(terminal.id, report.playToken);
      const incoming = {
        seq: report.seq,
        breakpoint,
        observedAt: Math.min(now, correctedTime(report.observedAt, sentAt, now)),
        resumedFrom: report.resumedFrom,
        seekedBack: report.seekedBack,
        final: report.event === 'stop',
      };
      inputs.push({
        reportId: report.reportId,
        userId: terminal.userId,
        profileId,
        terminalId: terminal.id,
        terminalType: terminal.type,
        programId: program.id,
        durationMs: program.kind === 'vod' ? program.durationMs : 0,
        event: report.event,
        playToken: report.playToken ?? null,
        ...(report.tracks ? { tracks: report.tracks } : {}),
        now,
        decide: (stored) => (fenced ? { outcome: 'stale' } : decideReport(stored, incoming, program, this.#rules)),
        statusOf: (bp) => classify(bp, program, this.#rules, now),
      });
    }
    if (rejected.length > 0) {
      const first = rejected[0] as Rejection;
      const message = `${rejected.length} of ${reports.length} report(s) refused; nothing was applied: ${first.message}`;
      throw new AppError(first.code, message, { rejected });
    }

    const results = await this.#store.applyReports(inputs);
    return {
      results: results.map((result, i) => {
        const input = inputs[i] as ApplyReportInput;
        if (result.outcome === 'applied' && result.row) {
          // Push carries no play token: a token is a credential, and a terminal that needs one to
          // resume on another's session gets it from its home page (patent [0098]/[0108]), which
          // it can only fetch while its own credential is valid.
          const record = toViewingRecord({ ...result.row, playToken: null, terminalName: names.get(input.terminalId) ?? '' });
          this.#bus.publish(input.userId, { type: 'history', record, outcome: result.outcome, event: input.event });
        }
        return { reportId: input.reportId, outcome: result.outcome };
      }),
    };
  }

  /**
   * A portal's query: with a terminal id, the catalogue for that terminal's type plus the
   * history of every terminal of its user; without one, the catalogue only. `history: false`
   * answers the terminal's catalogue (its type, its current profile's maturity limit) without
   * reading any history — what the portal's catalogue route needs.
   */
  async programsFor(terminalId: string | undefined, opts: { history?: boolean } = {}): Promise<ProgramsAnswer> {
    if (terminalId === undefined) {
      const [programs, withdrawn] = await Promise.all([this.#store.listPrograms(), this.#store.listWithdrawn()]);
      return { programs, history: [], hidden: [], terminal: null, withdrawn: withdrawn.map((w) => w.id) };
    }
    const terminal = await this.#store.getTerminal(terminalId);
    if (!terminal) throw new AppError('TERMINAL_NOT_FOUND', 'Unknown terminal');
    const withHistory = opts.history !== false;
    // household → profile → the records of all the household's terminals for that profile.
    const [profile, shared] = await Promise.all([this.#profiles.currentOf(terminal), withHistory ? this.#profiles.sharedHistory(terminal.userId) : false]);
    const [programs, rows, hidden] = await Promise.all([
      this.#store.listPrograms(terminal.type),
      withHistory ? this.#store.listHistory(terminal.userId, shared ? null : profile.id) : [],
      withHistory ? this.#store.listHidden(terminal.userId, profile.id) : [],
    ]);
    if (profile.maturityLimit === null || !withHistory) return { programs: withinLimit(programs, profile), history: rows.map(toViewingRecord), hidden, terminal: toTerminal(terminal), profile: toProfile(profile) };
    // Under a limit, neither the catalogue nor any record (shared history, a limit set later)
    // names a programme above it — including programmes of other terminal types.
    const rated = new Map((await this.#store.listPrograms()).map((p) => [p.id, p]));
    const visible = (id: string) => {
      const p = rated.get(id);
      return p !== undefined && allowedFor(profile, p);
    };
    return {
      programs: withinLimit(programs, profile),
      history: rows.filter((r) => visible(r.programId)).map(toViewingRecord),
      hidden: hidden.filter((h) => visible(h.programId)),
      terminal: toTerminal(terminal),
      profile: toProfile(profile),
    };
  }

  /**
   * Where `programId` starts on `terminalId` when it is played there without a session to take
   * over ("Play on ▸" from a card, global/remote.ts): the newest point of that terminal's
   * profile, by the rules of the Continue-watching row — the card's record when the programme
   * is on the row, else none (no point, not started, watched to the end, removed from the
   * row): from the beginning, as the terminal's own Resume would. Null when the programme is
   * not in that terminal's catalogue (unknown, another terminal type, withdrawn).
   */
  async startFor(terminalId: string, programId: string): Promise<{ program: Program; start: Breakpoint | null; startTerminalName: string | null } | null> {
    const answer = await this.programsFor(terminalId);
    const program = answer.programs.find((p) => p.id === programId);
    if (!program || !answer.terminal) return null;
    const [card] = buildContinueWatching({
      programs: [program],
      history: answer.history.filter((r) => r.programId === programId),
      hidden: answer.hidden.filter((h) => h.programId === programId),
      terminalType: answer.terminal.type,
      rules: this.#rules,
      now: this.#now(),
    });
    if (!card) return { program, start: null, startTerminalName: null };
    return { program, start: card.record.breakpoint, startTerminalName: card.record.terminalId === terminalId ? null : card.record.terminalName };
  }

  /** "Remove from Continue watching" for the terminal's current profile: sticks until played again. */
  async hide(userId: string, terminalId: string, programId: string): Promise<number> {
    if (!(await this.#store.getProgram(programId))) throw new AppError('PROGRAM_NOT_FOUND', 'Unknown programme');
    const terminal = await this.#store.getTerminal(terminalId);
    if (!terminal || terminal.userId !== userId) throw new AppError('TERMINAL_NOT_FOUND', 'Unknown terminal');
    const profile = await this.#profiles.currentOf(terminal);
    const at = this.#now();
    await this.#store.hideProgram(userId, profile.id, programId, at);
    this.#bus.publish(userId, { type: 'hidden', programId, hiddenAt: at, profileId: profile.id });
    return at;
  }

  /** Age out records older than the retention (patent [0050]). */
  async runRetention(): Promise<{ deletedRecords: number; deletedReports: number; deletedPrograms: number; cutoff: number }> {
    const cutoff = this.#now() - this.#retentionMs;
    const { records, reports, programs } = await this.#store.deleteOlderThan(cutoff);
    return { deletedRecords: records, deletedReports: reports, deletedPrograms: programs, cutoff };
  }
}
