/**
 * Accounts, user sessions and terminals of the global role (the user↔terminal association
 * table, patent [0048]). Owns credential issuing and checking; routes are thin over it.
 */
import { AppError } from '../../common/errors.ts';
import type { Account, RegisterTerminalResponse, SessionResponse } from '../../common/protocol/api.ts';
import type { Terminal, TerminalType } from '../../common/protocol/model.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../auth/passwords.ts';
import { hashSecret, newId, newSecret, TOKEN_PREFIX } from '../auth/tokens.ts';
import type { TerminalIdentity } from '../http/auth.ts';
import type { Store } from '../store/types.ts';
import { toAccount, toTerminal } from './records.ts';

/** How often a terminal's last-seen time is written at most (it is read-mostly). */
const TOUCH_INTERVAL_MS = 60_000;

/** Dependencies of the account service. */
export interface AccountServiceDeps {
  store: Store;
  sessionDays: number;
  now?: () => number;
}

/** Account, session and terminal operations. */
export class AccountService {
  readonly #store: Store;
  readonly #sessionMs: number;
  readonly #now: () => number;

  constructor(deps: AccountServiceDeps) {
    this.#store = deps.store;
    this.#sessionMs = deps.sessionDays * 86_400_000;
    this.#now = deps.now ?? Date.now;
  }

  /** Create an account; ACCOUNT_EXISTS when the login is taken. */
  async register(login: string, password: string, displayName?: string): Promise<Account> {
    const normalized = login.trim().toLowerCase();
    const row = {
      id: newId(),
      login: normalized,
      displayName: displayName?.trim() || normalized.split('@')[0] || normalized,
      passwordHash: await hashPassword(password),
      createdAt: this.#now(),
    };
    if (!(await this.#store.createUser(row))) throw new AppError('ACCOUNT_EXISTS', 'That login is already taken');
    return toAccount(row);
  }

  /** Check a password and open a session; one error for unknown login and wrong password. */
  async login(login: string, password: string): Promise<SessionResponse> {
    const user = await this.#store.findUserByLogin(login.trim().toLowerCase());
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) throw new AppError('BAD_CREDENTIALS', 'Wrong login or password');
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
    return row ? { userId: row.userId, terminal: toTerminal(row) } : null;
  }

  /** A terminal by id, with its user (service lookups); null when unknown. */
  async terminalById(terminalId: string): Promise<TerminalIdentity | null> {
    const row = await this.#store.getTerminal(terminalId);
    return row ? { userId: row.userId, terminal: toTerminal(row) } : null;
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
    };
    await this.#store.createTerminal(row);
    return { terminal: toTerminal(row), credential };
  }

  /** The user's terminals, oldest first. */
  async listTerminals(userId: string): Promise<Terminal[]> {
    const rows = await this.#store.listTerminals(userId);
    return rows.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)).map(toTerminal);
  }

  /** Rename one of the user's terminals. */
  async renameTerminal(userId: string, terminalId: string, name: string): Promise<Terminal> {
    if (!(await this.#store.renameTerminal(userId, terminalId, name.trim()))) throw terminalNotFound();
    const row = await this.#store.getTerminal(terminalId);
    if (!row) throw terminalNotFound();
    return toTerminal(row);
  }

  /** Remove one of the user's terminals: its credential stops working, its history goes. */
  async removeTerminal(userId: string, terminalId: string): Promise<void> {
    if (!(await this.#store.deleteTerminal(userId, terminalId))) throw terminalNotFound();
  }
}

const terminalNotFound = () => new AppError('TERMINAL_NOT_FOUND', 'No such terminal on this account');
