/**
 * Accounts, user sessions and terminals of the global role (the user↔terminal association
 * table, patent [0048]). Owns credential issuing and checking; routes are thin over it.
 */
import type { PresenceSession } from '../../common/protocol/presence.ts';
import { AppError } from '../../common/errors.ts';
import type { AccountExport, DeleteAccountResponse, Device, RegistrationPolicy, RevocationSummary } from '../../common/protocol/account.ts';
import type { Account, RegisterTerminalResponse, SessionResponse } from '../../common/protocol/api.ts';
import type { Terminal, TerminalType } from '../../common/protocol/model.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../auth/passwords.ts';
import { hashSecret, newId, newSecret, TOKEN_PREFIX } from '../auth/tokens.ts';
import type { TerminalIdentity } from '../http/auth.ts';
import type { Store } from '../store/types.ts';
import { DEMO_ACCOUNT } from '../demo/seed.ts';
import { toAccount, toTerminal } from './records.ts';
import type { RevocationHub } from './revocations.ts';
import { toProfile } from './profiles-service.ts';

/** How often a terminal's last-seen time is written at most (it is read-mostly). */
const TOUCH_INTERVAL_MS = 60_000;

/** Dependencies of the account service. */
export interface AccountServiceDeps {
  store: Store;
  sessionDays: number;
  revocations: RevocationHub;
  /** Anyone may create an account (else only the owner, after the first). */
  openRegistration: boolean;
  /** A terminal whose record moved within this long (and not by a stop) is "playing now". */
  playingWindowMs?: number;
  /**
   * The household's open play sessions as the clusters report them (now playing, issue 15):
   * a terminal with one plays exactly that, whatever its records say.
   */
  livePresence?: (userId: string) => readonly PresenceSession[];
  now?: () => number;
}

/** Who asks for a password change: which session or terminal is "this one" and is kept. */
export interface Caller {
  userId: string;
  /** The caller's user session token, when it called with one. */
  sessionToken: string | null;
  /** The caller's terminal, when it called with a terminal credential. */
  terminalId: string | null;
}

/** Account, session and terminal operations. */
export class AccountService {
  readonly #store: Store;
  readonly #sessionMs: number;
  readonly #now: () => number;
  readonly #hub: RevocationHub;
  readonly #open: boolean;
  readonly #playingWindowMs: number;
  readonly #livePresence: (userId: string) => readonly PresenceSession[];

  constructor(deps: AccountServiceDeps) {
    this.#playingWindowMs = deps.playingWindowMs ?? 75_000;
    this.#livePresence = deps.livePresence ?? (() => []);
    this.#store = deps.store;
    this.#sessionMs = deps.sessionDays * 86_400_000;
    this.#now = deps.now ?? Date.now;
    this.#hub = deps.revocations;
    this.#open = deps.openRegistration;
  }

  /** What the sign-in screen may offer. */
  async registrationPolicy(): Promise<RegistrationPolicy> {
    const needsOwner = (await this.#store.countUsers()) === 0;
    return { open: this.#open || needsOwner, needsOwner };
  }

  /**
   * Create an account. The first account of the server becomes its owner; after that, only
   * the owner creates accounts (`createdBy` = the owner's user id) unless registration is
   * open. ACCOUNT_EXISTS when the login is taken; REGISTRATION_CLOSED / OWNER_ONLY otherwise.
   */
  async register(login: string, password: string, displayName?: string, createdBy: string | null = null): Promise<Account> {
    if (createdBy !== null) {
      const creator = await this.#store.getUser(createdBy);
      if (creator?.role !== 'owner') throw new AppError('OWNER_ONLY', 'Only the owner of this server creates accounts');
    } else if (!this.#open && (await this.#store.countUsers()) > 0) {
      throw registrationClosed();
    }
    const normalized = login.trim().toLowerCase();
    const row = {
      id: newId(),
      login: normalized,
      displayName: displayName?.trim() || normalized.split('@')[0] || normalized,
      passwordHash: await hashPassword(password),
      createdAt: this.#now(),
      role: 'member' as 'owner' | 'member',
      sharedHistory: false,
    };
    if (createdBy === null && (await this.#store.createOwner(row))) return toAccount({ ...row, role: 'owner' });
    if (createdBy === null && !this.#open) throw registrationClosed(); // someone else was first
    if (!(await this.#store.createUser(row))) throw new AppError('ACCOUNT_EXISTS', 'That login is already taken');
    return toAccount(row);
  }

  /** Check a password and open a session; one error for unknown login and wrong password. */
  async login(login: string, password: string, fromThisMachine = true): Promise<SessionResponse> {
    const user = await this.#store.findUserByLogin(login.trim().toLowerCase());
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) throw new AppError('BAD_CREDENTIALS', 'Wrong login or password');
    // The demo password is published: it opens the demo account only from this machine (a
    // server seeded while local, then opened to the network, must not be open to anyone).
    if (!fromThisMachine && user.login === DEMO_ACCOUNT.login && password === DEMO_ACCOUNT.password) {
      throw new AppError('BAD_CREDENTIALS', 'The demo account’s published password works only on the server’s own computer; set a password of your own there first');
    }
    const token = newSecret(TOKEN_PREFIX.session);
    const now = this.#now();
    const expiresAt = now + this.#sessionMs;
    await this.#store.createUserSession({ tokenHash: hashSecret(token), userId: user.id, createdAt: now, expiresAt });
    return { token, expiresAt, account: toAccount(user) };
  }

  /** End a session (idempotent). */
  async logout(token: string): Promise<void> {
    await this.#store.deleteUserSession(hashSecret(token));
  }

  /** The user of a live session token, or null. */
  async authenticateUser(token: string): Promise<string | null> {
    const session = await this.#store.findUserSession(hashSecret(token), this.#now());
    return session?.userId ?? null;
  }

  /** The terminal of a credential, or null. Reads only: a refused request changes nothing. */
  async authenticateTerminal(credential: string): Promise<TerminalIdentity | null> {
    const row = await this.#store.findTerminalByCredential(hashSecret(credential));
    // The hub knows a revocation before the store has committed it.
    if (!row || row.revokedAt !== null || this.#hub.isRevoked(row.id, row.userId)) return null;
    return { userId: row.userId, terminal: toTerminal(row) };
  }

  /** A signed-in terminal by id, with its user (service lookups); null when unknown or signed out. */
  async terminalById(terminalId: string): Promise<TerminalIdentity | null> {
    const row = await this.#store.getTerminal(terminalId);
    if (!row || row.revokedAt !== null || this.#hub.isRevoked(row.id, row.userId)) return null;
    return { userId: row.userId, terminal: toTerminal(row) };
  }

  /**
   * Note that a terminal was seen, after it made a successful request; written at most once
   * a minute per terminal, since last-seen is for people ("seen 3 min ago"), not for logic.
   */
  async noteSeen(terminalId: string, lastSeenAt: number | null): Promise<void> {
    const now = this.#now();
    if (lastSeenAt !== null && now - lastSeenAt <= TOUCH_INTERVAL_MS) return;
    await this.#store.touchTerminal(terminalId, now);
  }

  /** The account of a user id (NOT_FOUND if it vanished). */
  async account(userId: string): Promise<Account> {
    const user = await this.#store.getUser(userId);
    if (!user) throw new AppError('UNAUTHENTICATED', 'The account no longer exists');
    return toAccount(user);
  }

  /** Register a terminal for a user; its credential is returned once. */
  async registerTerminal(userId: string, name: string, type: TerminalType): Promise<RegisterTerminalResponse> {
    const credential = newSecret(TOKEN_PREFIX.terminal);
    const row = {
      id: newId(),
      userId,
      name: name.trim(),
      type,
      credentialHash: hashSecret(credential),
      createdAt: this.#now(),
      lastSeenAt: null,
      revokedAt: null,
      profileId: null,
    };
    await this.#store.createTerminal(row);
    return { terminal: toTerminal(row), credential };
  }

  /** The user's signed-in terminals, oldest first. */
  async listTerminals(userId: string): Promise<Terminal[]> {
    const rows = (await this.#store.listTerminals(userId)).filter((t) => t.revokedAt === null);
    return rows.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)).map(toTerminal);
  }

  /**
   * The Devices screen: signed-in terminals, each with its current profile and what it plays
   * now — its newest record, if heard of within the playing window and not ended by a stop or
   * timeout (clusters forward plain heartbeats every report interval, pauses at once).
   */
  async listDevices(userId: string): Promise<Device[]> {
    const [terminals, history, profiles] = await Promise.all([
      this.listTerminalRows(userId),
      this.#store.listHistory(userId, null),
      this.#store.listProfiles(userId),
    ]);
    const ids = new Set(profiles.map((p) => p.id));
    const first = profiles[0]?.id ?? null;
    const now = this.#now();
    const newest = new Map<string, (typeof history)[number]>();
    for (const r of history) {
      const cur = newest.get(r.terminalId);
      if (!cur || r.updatedAt > cur.updatedAt) newest.set(r.terminalId, r);
    }
    const sessions = new Map<string, PresenceSession>();
    for (const p of this.#livePresence(userId)) if (!sessions.has(p.terminalId)) sessions.set(p.terminalId, p);
    return terminals.map((t) => {
      const p = sessions.get(t.id);
      if (p) {
        const nowPlaying = { programId: p.programId, breakpoint: p.position, ...(p.profileId ? { profileId: p.profileId } : {}), paused: p.paused, updatedAt: p.at };
        return { ...toTerminal(t), profileId: t.profileId !== null && ids.has(t.profileId) ? t.profileId : first, nowPlaying };
      }
      const r = newest.get(t.id);
      const live = r && now - r.updatedAt <= this.#playingWindowMs && r.lastEvent !== 'stop' && r.lastEvent !== 'timeout';
      return {
        ...toTerminal(t),
        // The effective current profile (a terminal that never chose has the first one).
        profileId: t.profileId !== null && ids.has(t.profileId) ? t.profileId : first,
        nowPlaying: live ? { programId: r.programId, breakpoint: r.breakpoint, profileId: r.profileId, paused: r.lastEvent === 'pause', updatedAt: r.updatedAt } : null,
      };
    });
  }

  /** Signed-in terminal rows of a user, oldest first. */
  async listTerminalRows(userId: string) {
    const rows = (await this.#store.listTerminals(userId)).filter((t) => t.revokedAt === null);
    return rows.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /** Rename one of the user's terminals and/or change its type (its catalogue follows). */
  async renameTerminal(userId: string, terminalId: string, change: { name?: string; type?: TerminalType }): Promise<Terminal> {
    const current = await this.#store.getTerminal(terminalId);
    if (!current || current.userId !== userId) throw terminalNotFound();
    if (change.name !== undefined && !(await this.#store.renameTerminal(userId, terminalId, change.name.trim()))) throw terminalNotFound();
    if (change.type !== undefined && !(await this.#store.setTerminalType(userId, terminalId, change.type))) throw terminalNotFound();
    const row = await this.#store.getTerminal(terminalId);
    if (!row) throw terminalNotFound();
    return toTerminal(row);
  }

  /**
   * Remove one of the user's terminals (signed in or out): every credential derived from it
   * ends at once (see RevocationHub), its history goes.
   */
  async removeTerminal(userId: string, terminalId: string): Promise<void> {
    const row = await this.#store.getTerminal(terminalId);
    if (!row || row.userId !== userId) throw terminalNotFound();
    const at = this.#now();
    this.#hub.revoke([{ kind: 'terminal', subjectId: terminalId, at }]);
    if (!(await this.#store.deleteTerminal(userId, terminalId, at))) throw terminalNotFound();
  }

  /** Sign terminals out (credential, push, play sessions and tokens end; row and history stay). */
  async #signOut(userId: string, terminalIds: readonly string[]): Promise<number> {
    if (terminalIds.length === 0) return 0;
    const at = this.#now();
    this.#hub.revoke(terminalIds.map((subjectId) => ({ kind: 'terminal' as const, subjectId, at })));
    return (await this.#store.revokeTerminals(userId, terminalIds, null, at)).length;
  }

  /** A terminal signs itself out (`DELETE /api/v1/sessions/current` with its credential). */
  async signOutTerminal(userId: string, terminalId: string): Promise<void> {
    await this.#signOut(userId, [terminalId]);
  }

  async #activeTerminalIds(userId: string, except: string | null): Promise<string[]> {
    return (await this.#store.listTerminals(userId)).filter((t) => t.revokedAt === null && t.id !== except).map((t) => t.id);
  }

  /** Sign out everywhere: every user session and every terminal of the account, the caller's too. */
  async signOutEverywhere(userId: string): Promise<RevocationSummary> {
    const signedOutTerminals = await this.#signOut(userId, await this.#activeTerminalIds(userId, null));
    const endedSessions = await this.#store.deleteUserSessions(userId, null);
    return { endedSessions, signedOutTerminals };
  }

  async #checkPassword(userId: string, password: string) {
    const user = await this.#store.getUser(userId);
    if (!user) throw new AppError('UNAUTHENTICATED', 'The account no longer exists');
    if (!(await verifyPassword(password, user.passwordHash))) throw new AppError('WRONG_PASSWORD', 'The password is wrong; nothing was changed');
    return user;
  }

  /**
   * Change the password (the old one is required). Every other user session ends; every other
   * terminal is signed out unless `signOutTerminals` is false. "This one" — the caller's own
   * session, or its terminal, or `keepTerminalId` (a terminal of the account) — is kept.
   */
  async changePassword(
    caller: Caller,
    oldPassword: string,
    newPassword: string,
    opts: { signOutTerminals?: boolean | undefined; keepTerminalId?: string | undefined } = {},
  ): Promise<RevocationSummary> {
    await this.#checkPassword(caller.userId, oldPassword);
    const keep = caller.terminalId ?? opts.keepTerminalId ?? null;
    if (keep !== null) {
      const row = await this.#store.getTerminal(keep);
      if (!row || row.userId !== caller.userId || row.revokedAt !== null) throw terminalNotFound();
    }
    const signedOutTerminals = opts.signOutTerminals === false ? 0 : await this.#signOut(caller.userId, await this.#activeTerminalIds(caller.userId, keep));
    await this.#store.setPasswordHash(caller.userId, await hashPassword(newPassword));
    const endedSessions = await this.#store.deleteUserSessions(caller.userId, caller.sessionToken ? hashSecret(caller.sessionToken) : null);
    return { endedSessions, signedOutTerminals };
  }

  /** Delete the account and everything of it (password required), in one transaction. */
  async deleteAccount(userId: string, password: string): Promise<DeleteAccountResponse> {
    await this.#checkPassword(userId, password);
    const at = this.#now();
    this.#hub.revoke([{ kind: 'user', subjectId: userId, at }]);
    const deleted = await this.#store.deleteUser(userId, at);
    if (!deleted) throw new AppError('UNAUTHENTICATED', 'The account no longer exists');
    return { deleted };
  }

  /** Everything kept about the account, as JSON (no secrets, no play tokens). */
  async exportData(userId: string): Promise<AccountExport> {
    const user = await this.#store.getUser(userId);
    if (!user) throw new AppError('UNAUTHENTICATED', 'The account no longer exists');
    const [terminals, history, hidden, profiles] = await Promise.all([
      this.#store.listTerminals(userId),
      this.#store.listHistory(userId, null),
      this.#store.listHidden(userId, null),
      this.#store.listProfiles(userId),
    ]);
    return {
      format: 'resume-anywhere-export/1',
      exportedAt: this.#now(),
      account: toAccount(user),
      terminals: terminals
        .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
        .map((t) => ({ ...toTerminal(t), signedOutAt: t.revokedAt })),
      history: history
        .sort((a, b) => b.updatedAt - a.updatedAt || a.programId.localeCompare(b.programId))
        .map((r) => ({
          terminalId: r.terminalId,
          terminalName: r.terminalName,
          terminalType: r.terminalType,
          programId: r.programId,
          breakpoint: r.breakpoint,
          durationMs: r.durationMs,
          seq: r.seq,
          progressAt: r.progressAt,
          updatedAt: r.updatedAt,
          status: r.status,
          profileId: r.profileId,
          ...(r.tracks ? { tracks: r.tracks } : {}),
        })),
      hidden,
      profiles: profiles.map(toProfile),
    };
  }
}

const terminalNotFound = () => new AppError('TERMINAL_NOT_FOUND', 'No such terminal on this account');
const registrationClosed = () =>
  new AppError('REGISTRATION_CLOSED', 'New accounts are created by the owner of this server (or start it with --open-registration)');
