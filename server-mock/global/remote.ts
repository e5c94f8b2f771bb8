/**
 * Remote control and "Play on ▸" (issue 15, step 3), global's side.
 *
 * - **Who may command.** The caller's household owns the session (another household's is
 *   indistinguishable from none: SESSION_NOT_FOUND); its profile is the session's (another
 *   profile's: invisible, or REMOTE_NOT_ALLOWED when the household shares history); the
 *   programme is within the caller's maturity limit. A revoked terminal never gets here (401).
 * - **Who carries it out.** The session's terminal, or for `play-on` the named terminal (same
 *   household and profile as the session). It must have a push stream open on this instance
 *   (`PushStreams`), else REMOTE_TARGET_OFFLINE; the `remote` event is pushed to that stream
 *   only (routes-events.ts).
 * - **The answer.** The sender's request waits for the target's answer up to `answerTimeoutMs`
 *   (REMOTE_NO_ANSWER after it — a 409, never a 5xx); a refusal is REMOTE_REFUSED with the
 *   reason in `details`. Only the target may answer its command, once.
 *
 * `play-on` reuses "Continue here": the target claims the session (HandoffService), is admitted
 * with its play token and starts at the point; the session's terminal hears the `handoff` push
 * and stops, its stop recorded once at the point.
 *
 * Pending commands live in memory (seconds). Ownership: one RemoteService per global process.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../common/errors.ts';
import type {
  RemoteAnswerRequest,
  RemoteCommandAnswer,
  RemoteCommandEvent,
  RemoteCommandRequest,
  RemoteRefusal,
  RemoteTarget,
  RemoteTracks,
} from '../../common/protocol/remote.ts';
import type { EventBus } from './events.ts';
import type { Claimant } from './handoff.ts';
import type { PresenceService } from './presence.ts';
import type { ProfileService } from './profiles-service.ts';
import type { PushStreams } from './push-streams.ts';

/** How long a sender waits for the target's answer by default. */
export const REMOTE_ANSWER_TIMEOUT_MS = 3_000;

/** Options of the remote service. */
export interface RemoteOptions {
  bus: EventBus;
  presence: PresenceService;
  profiles: ProfileService;
  streams: PushStreams;
  answerTimeoutMs?: number;
  now?: () => number;
}

type Answer = { ok: true; tracks?: RemoteTracks } | { ok: false; reason: RemoteRefusal };

interface Pending {
  userId: string;
  toTerminalId: string;
  settle: (answer: Answer | null) => void;
}

/** Commands of household sessions, and their answers. */
export class RemoteService {
  readonly #o: Required<RemoteOptions>;
  readonly #pending = new Map<string, Pending>();

  constructor(options: RemoteOptions) {
    this.#o = { answerTimeoutMs: REMOTE_ANSWER_TIMEOUT_MS, now: Date.now, ...options };
  }

  /** Send `request` for the caller; resolves once the target carried it out, else throws AppError. */
  async send(by: Claimant, request: RemoteCommandRequest): Promise<RemoteCommandAnswer> {
    const { presence, profiles, streams, bus } = this.#o;
    const notFound = () => new AppError('SESSION_NOT_FOUND', 'No such play session in this household');
    if (presence.get(request.sessionId)?.userId !== by.userId) throw notFound();
    await profiles.loadScope(by.terminal.id, by.userId);
    const toTerminalId = request.command === 'play-on' ? request.toTerminalId : null;
    // Another household's terminal is never online for this one: its scope is not read.
    if (toTerminalId && streams.isOnline(by.userId, toTerminalId)) await profiles.loadScope(toTerminalId, by.userId);
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
      if (!streams.isOnline(by.userId, toTerminalId)) throw offline();
      const there = profiles.scopeOf(toTerminalId, by.userId);
      if (there && s.profileId !== undefined && there.profileId !== s.profileId) throw notAllowed('Another profile is watching on that terminal');
      if (!(await profiles.programAllowed(there?.maturityLimit ?? null, s.programId))) throw notAllowed('That programme is above the limit of who watches there');
    } else if (s.terminalId === by.terminal.id) {
      throw new AppError('REMOTE_SELF', 'This terminal is playing that session itself');
    }
    // Checked last, after every await: a stream that closed meanwhile counts as offline.
    if (!streams.isOnline(by.userId, target)) throw offline();

    const commandId = randomUUID();
    const event: RemoteCommandEvent = {
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
    };
    const answer = await new Promise<Answer | null>((resolve) => {
      const timer = setTimeout(() => settle(null), this.#o.answerTimeoutMs);
      const settle = (a: Answer | null) => {
        clearTimeout(timer);
        this.#pending.delete(commandId);
        resolve(a);
      };
      this.#pending.set(commandId, { userId: by.userId, toTerminalId: target, settle });
      // This instance's streams only: the target's stream is here (checked), and so is the answer's waiter.
      bus.deliver(by.userId, event);
    });
    if (answer === null) throw new AppError('REMOTE_NO_ANSWER', 'The terminal did not answer in time', { commandId });
    if (!answer.ok) throw new AppError('REMOTE_REFUSED', `The terminal refused: ${answer.reason}`, { commandId, reason: answer.reason });
    return { commandId, outcome: 'done', terminalId: target, ...(answer.tracks ? { tracks: answer.tracks } : {}) };
  }

  /** The target's answer to a command pushed to it; REMOTE_COMMAND_NOT_FOUND for any other. */
  answer(by: Claimant, request: RemoteAnswerRequest): void {
    const p = this.#pending.get(request.commandId);
    if (!p || p.userId !== by.userId || p.toTerminalId !== by.terminal.id) {
      throw new AppError('REMOTE_COMMAND_NOT_FOUND', 'No such command is waiting for this terminal’s answer');
    }
    p.settle(request.ok ? { ok: true, ...(request.tracks ? { tracks: request.tracks } : {}) } : { ok: false, reason: request.reason });
  }

  /** The terminals "Play on ▸" may offer the caller: online, same household and profile, not itself. */
  async targets(by: Claimant): Promise<RemoteTarget[]> {
    const { profiles, streams } = this.#o;
    await profiles.loadScope(by.terminal.id, by.userId);
    const mine = profiles.scopeOf(by.terminal.id, by.userId);
    const online = streams.list(by.userId).filter((t) => t.id !== by.terminal.id);
    await Promise.all(online.map((t) => profiles.loadScope(t.id, by.userId)));
    return online
      .filter((t) => !mine || profiles.scopeOf(t.id, by.userId)?.profileId === mine.profileId)
      .map((t) => ({ terminalId: t.id, name: t.name, type: t.type }));
  }

  /** Answer every waiting sender now (shutdown). */
  close(): void {
    for (const p of [...this.#pending.values()]) p.settle(null);
  }
}

const notAllowed = (message: string) => new AppError('REMOTE_NOT_ALLOWED', message);
const offline = () => new AppError('REMOTE_TARGET_OFFLINE', 'That terminal is not connected right now');
