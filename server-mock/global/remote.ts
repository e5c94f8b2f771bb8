/**
 * Remote control and "Play on ▸" (issue 15, step 3), global's side.
 *
 * - **Who may command.** The caller's household owns the session (another household's is
 *   indistinguishable from none: SESSION_NOT_FOUND); its profile is the session's (another
 *   profile's: invisible, or REMOTE_NOT_ALLOWED when the household shares history); the
 *   programme is within the caller's maturity limit. A revoked terminal never gets here (401).
 * - **Who carries it out.** The session's terminal, or for `play-on` the named terminal (same
 *   household and profile as the session). It must have a push stream open on some global
 *   instance (`StreamDirectory`), else REMOTE_TARGET_OFFLINE; the `remote` event is pushed to
 *   that terminal's streams only (routes-events.ts): here, or relayed to the other instances
 *   (fanout.ts), which deliver it to theirs.
 * - **The answer.** The sender's request waits for the target's answer up to `answerTimeoutMs`
 *   (REMOTE_NO_ANSWER after it — a 409, never a 5xx); a refusal is REMOTE_REFUSED with the
 *   reason in `details`. Only the target may answer its command, once.
 *
 * `play-on` reuses "Continue here": the target claims the session (HandoffService), is admitted
 * with its play token and starts at the point; the session's terminal hears the `handoff` push
 * and stops, its stop recorded once at the point.
 *
 * `playOn` ("Play on ▸" from a card: nothing plays the programme) names a programme and a
 * terminal of the caller's household (else PROGRAM_NOT_FOUND / TERMINAL_NOT_FOUND, 404), online
 * (REMOTE_TARGET_OFFLINE), of the caller's profile and within both maturity limits
 * (REMOTE_NOT_ALLOWED); the pushed `play-program` carries the start global picked from the
 * profile's history (HistoryService.startFor), and the target answers once it has started.
 *
 * Pending commands live in memory (seconds), on the instance the sender reached. A command
 * relayed from another instance is remembered by every instance (`expect`) for as long as its
 * sender waits, so the target's answer may reach any of them: it is checked there (the
 * addressed terminal, once) and relayed back to the sender's instance (`answered`). A
 * revocation of the target or of the household answers the waiting sender at once
 * (REMOTE_TARGET_OFFLINE). Ownership: one RemoteService per global process.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../common/errors.ts';
import type {
  RemoteAnswerRequest,
  RemoteCommandAnswer,
  RemoteCommandEvent,
  RemoteCommandRequest,
  RemotePlayOnAnswer,
  RemotePlayOnRequest,
  RemoteRefusal,
  RemoteTarget,
  RemoteTracks,
} from '../../common/protocol/remote.ts';
import type { EventBus } from './events.ts';
import type { Claimant } from './handoff.ts';
import type { HistoryService } from './history-service.ts';
import type { PresenceService } from './presence.ts';
import type { ProfileService } from './profiles-service.ts';
import type { RevocationHub } from './revocations.ts';
import type { StreamDirectory, StreamPlace } from './stream-directory.ts';

/** How long a sender waits for the target's answer by default. */
export const REMOTE_ANSWER_TIMEOUT_MS = 3_000;

/** Options of the remote service. */
export interface RemoteOptions {
  bus: EventBus;
  presence: PresenceService;
  profiles: ProfileService;
  streams: StreamDirectory;
  revocations: RevocationHub;
  /** Where a programme starts on a terminal (a card's Play on); HistoryService.startFor. */
  history: Pick<HistoryService, 'startFor'>;
  /** The household's terminals (a card's Play on names one). */
  store: { getTerminal(id: string): Promise<{ userId: string; revokedAt: number | null } | null>; getProgram(id: string): Promise<unknown> };
  answerTimeoutMs?: number;
  now?: () => number;
}

/** A target's answer; a done answer carries the target's tracks. */
export type Answer = { ok: true; tracks?: RemoteTracks } | { ok: false; reason: RemoteRefusal };

interface Pending {
  userId: string;
  toTerminalId: string;
  /** null: no answer in time; 'offline': the target or household was revoked meanwhile. */
  settle: (answer: Answer | 'offline' | null) => void;
}

/** A command another instance relayed, whose answer may arrive here. */
interface Expected {
  origin: string;
  userId: string;
  toTerminalId: string;
  timer: ReturnType<typeof setTimeout>;
}

/** An answer relayed to the sender's instance. */
export interface RelayedAnswer {
  /** The sender's instance. */
  to: string;
  commandId: string;
  userId: string;
  terminalId: string;
  answer: Answer;
}

/** Commands of household sessions, and their answers. */
export class RemoteService {
  readonly #o: Required<RemoteOptions>;
  readonly #pending = new Map<string, Pending>();
  readonly #expected = new Map<string, Expected>();
  readonly #unsubscribe: () => void;
  #relay: ((m: RelayedAnswer) => void) | null = null;

  constructor(options: RemoteOptions) {
    this.#o = { answerTimeoutMs: REMOTE_ANSWER_TIMEOUT_MS, now: Date.now, ...options };
    // Synchronous inside the revoking call (on every instance: revocations fan out).
    this.#unsubscribe = options.revocations.subscribe((entries) => {
      const hit = (userId: string, terminalId: string) => entries.some((r) => r.subjectId === (r.kind === 'terminal' ? terminalId : userId));
      for (const p of [...this.#pending.values()]) if (hit(p.userId, p.toTerminalId)) p.settle('offline');
      for (const [id, e] of [...this.#expected]) if (hit(e.userId, e.toTerminalId)) this.#forget(id);
    });
  }

  /** Relay answers to other instances (fanout.ts; null to stop). */
  setRelay(relay: ((m: RelayedAnswer) => void) | null): void {
    this.#relay = relay;
  }

  /** Another instance (`origin`) relayed a command: its answer may come here. */
  expect(origin: string, userId: string, event: RemoteCommandEvent): void {
    this.#forget(event.commandId);
    const timer = setTimeout(() => this.#forget(event.commandId), this.#o.answerTimeoutMs + 1_000);
    timer.unref?.();
    this.#expected.set(event.commandId, { origin, userId, toTerminalId: event.toTerminalId, timer });
  }

  /** An answer another instance took: settle the sender waiting here, forget it everywhere else. */
  answered(m: RelayedAnswer): void {
    this.#forget(m.commandId);
    const p = this.#pending.get(m.commandId);
    if (p && p.userId === m.userId && p.toTerminalId === m.terminalId) p.settle(m.answer);
  }

  #forget(commandId: string): void {
    const e = this.#expected.get(commandId);
    if (!e) return;
    clearTimeout(e.timer);
    this.#expected.delete(commandId);
  }

  /** Send `request` for the caller; resolves once the target carried it out, else throws AppError. */
  async send(by: Claimant, request: RemoteCommandRequest): Promise<RemoteCommandAnswer> {
    const { presence, profiles, streams } = this.#o;
    const notFound = () => new AppError('SESSION_NOT_FOUND', 'No such play session in this household');
    if (presence.get(request.sessionId)?.userId !== by.userId) throw notFound();
    await profiles.loadScope(by.terminal.id, by.userId);
    const toTerminalId = request.command === 'play-on' ? request.toTerminalId : null;
    // Another household's terminal is never online for this one: its scope is not read.
    if (toTerminalId && (await streams.where(by.userId, toTerminalId))) await profiles.loadScope(toTerminalId, by.userId);
    const entry = presence.get(request.sessionId);
    if (!entry || entry.userId !== by.userId) throw notFound();
    const s = entry.session;
    const scope = profiles.scopeOf(by.terminal.id, by.userId);
    if (scope && s.profileId !== undefined && s.profileId !== scope.profileId) {
      if (!scope.shared) throw notFound();
      throw notAllowed('Only the profile watching may command this session');
    }
    if (!(await profiles.programAllowed(scope?.maturityLimit ?? null, s.programId))) throw notAllowed('That programme is above this profile’s limit');

    const target = toTerminalId ?? s.terminalId;
    if (toTerminalId) {
      if (toTerminalId === s.terminalId) throw new AppError('REMOTE_SELF', 'That terminal is already playing this session');
      if (!(await streams.where(by.userId, toTerminalId))) throw offline();
      const there = profiles.scopeOf(toTerminalId, by.userId);
      if (there && s.profileId !== undefined && there.profileId !== s.profileId) throw notAllowed('Another profile is watching on that terminal');
      if (!(await profiles.programAllowed(there?.maturityLimit ?? null, s.programId))) throw notAllowed('That programme is above the limit of who watches there');
    } else if (s.terminalId === by.terminal.id) {
      throw new AppError('REMOTE_SELF', 'This terminal is playing that session itself');
    }
    // Checked last: a stream that closed meanwhile counts as offline.
    const place = await streams.where(by.userId, target);
    if (!place) throw offline();

    const commandId = randomUUID();
    const answer = await this.#dispatch(by, place, {
      type: 'remote',
      commandId,
      toTerminalId: target,
      fromTerminalId: by.terminal.id,
      fromTerminalName: by.terminal.name,
      sessionId: s.sessionId,
      command: request.command,
      ...(request.command === 'seek-by' ? { deltaMs: request.deltaMs } : {}),
      ...(request.command === 'seek-to' ? { offsetMs: request.offsetMs } : {}),
      ...(request.command === 'set-audio' || request.command === 'set-subtitles' ? { language: request.language } : {}),
      at: this.#o.now(),
    });
    return { commandId, outcome: 'done', terminalId: target, ...(answer.tracks ? { tracks: answer.tracks } : {}) };
  }

  /**
   * Play a programme on another terminal of the caller's household and profile, at the
   * profile's point (a card's "Play on ▸": no session to take over). Resolves once the target
   * has started it, else throws AppError — before anything is pushed for every check.
   */
  async playOn(by: Claimant, request: RemotePlayOnRequest): Promise<RemotePlayOnAnswer> {
    const { profiles, streams, store, history } = this.#o;
    const { programId, toTerminalId } = request;
    if (toTerminalId === by.terminal.id) throw new AppError('REMOTE_SELF', 'Play it here instead: that is this terminal');
    // Another household's terminal, or a removed one, is no terminal of this household.
    const row = await store.getTerminal(toTerminalId);
    if (!row || row.userId !== by.userId || row.revokedAt !== null) throw new AppError('TERMINAL_NOT_FOUND', 'No such terminal in this household');
    await Promise.all([profiles.loadScope(by.terminal.id, by.userId), profiles.loadScope(toTerminalId, by.userId)]);
    const mine = profiles.scopeOf(by.terminal.id, by.userId);
    const there = profiles.scopeOf(toTerminalId, by.userId);
    if (!(await store.getProgram(programId))) throw programNotFound();
    if (mine && there && there.profileId !== mine.profileId) throw notAllowed('Another profile is watching on that terminal');
    if (!(await profiles.programAllowed(mine?.maturityLimit ?? null, programId))) throw notAllowed('That programme is above this profile’s limit');
    if (!(await profiles.programAllowed(there?.maturityLimit ?? null, programId))) throw notAllowed('That programme is above the limit of who watches there');
    const picked = await history.startFor(toTerminalId, programId);
    if (!picked) throw programNotFound();
    // Checked last: a stream that closed meanwhile counts as offline.
    const place = await streams.where(by.userId, toTerminalId);
    if (!place) throw offline();
    const commandId = randomUUID();
    await this.#dispatch(by, place, {
      type: 'remote',
      commandId,
      toTerminalId,
      fromTerminalId: by.terminal.id,
      fromTerminalName: by.terminal.name,
      command: 'play-program',
      programId,
      start: picked.start,
      startTerminalName: picked.startTerminalName,
      at: this.#o.now(),
    });
    return { commandId, outcome: 'done', terminalId: toTerminalId, programId, start: picked.start };
  }

  /** Push `event` to its target (here or relayed) and wait for its answer; a refusal or silence throws. */
  async #dispatch(by: Claimant, place: NonNullable<StreamPlace>, event: RemoteCommandEvent): Promise<{ ok: true; tracks?: RemoteTracks }> {
    const { bus } = this.#o;
    const { commandId } = event;
    const answer = await new Promise<Answer | 'offline' | null>((resolve) => {
      const timer = setTimeout(() => settle(null), this.#o.answerTimeoutMs);
      const settle = (a: Answer | 'offline' | null) => {
        clearTimeout(timer);
        this.#pending.delete(commandId);
        resolve(a);
      };
      this.#pending.set(commandId, { userId: by.userId, toTerminalId: event.toTerminalId, settle });
      // To the target's streams: here, or on the other instances (whose streams filter by target).
      if (place === 'here') bus.deliver(by.userId, event);
      else bus.forward(by.userId, event);
    });
    if (answer === 'offline') throw offline();
    if (answer === null) throw new AppError('REMOTE_NO_ANSWER', 'The terminal did not answer in time', { commandId });
    if (!answer.ok) throw new AppError('REMOTE_REFUSED', `The terminal refused: ${answer.reason}`, { commandId, reason: answer.reason });
    return answer;
  }

  /** The target's answer to a command pushed to it; REMOTE_COMMAND_NOT_FOUND for any other. */
  answer(by: Claimant, request: RemoteAnswerRequest): void {
    const answer: Answer = request.ok ? { ok: true, ...(request.tracks ? { tracks: request.tracks } : {}) } : { ok: false, reason: request.reason };
    const mine = <T extends { userId: string; toTerminalId: string }>(x: T | undefined): x is T => x !== undefined && x.userId === by.userId && x.toTerminalId === by.terminal.id;
    const p = this.#pending.get(request.commandId);
    if (mine(p)) return p.settle(answer);
    const e = this.#expected.get(request.commandId);
    if (!mine(e) || !this.#relay) throw new AppError('REMOTE_COMMAND_NOT_FOUND', 'No such command is waiting for this terminal’s answer');
    this.#forget(request.commandId);
    this.#relay({ to: e.origin, commandId: request.commandId, userId: by.userId, terminalId: by.terminal.id, answer });
  }

  /** The terminals "Play on ▸" may offer the caller: online, same household and profile, not itself. */
  async targets(by: Claimant): Promise<RemoteTarget[]> {
    const { profiles, streams } = this.#o;
    await profiles.loadScope(by.terminal.id, by.userId);
    const mine = profiles.scopeOf(by.terminal.id, by.userId);
    const online = (await streams.list(by.userId)).filter((t) => t.id !== by.terminal.id);
    await Promise.all(online.map((t) => profiles.loadScope(t.id, by.userId)));
    return online
      .filter((t) => !mine || profiles.scopeOf(t.id, by.userId)?.profileId === mine.profileId)
      .map((t) => ({ terminalId: t.id, name: t.name, type: t.type }));
  }

  /** Answer every waiting sender now (shutdown). */
  close(): void {
    this.#unsubscribe();
    for (const p of [...this.#pending.values()]) p.settle(null);
    for (const id of [...this.#expected.keys()]) this.#forget(id);
  }
}

const notAllowed = (message: string) => new AppError('REMOTE_NOT_ALLOWED', message);
const programNotFound = () => new AppError('PROGRAM_NOT_FOUND', 'No such programme on that terminal');
const offline = () => new AppError('REMOTE_TARGET_OFFLINE', 'That terminal is not connected right now');
