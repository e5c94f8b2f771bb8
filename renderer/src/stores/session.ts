/**
 * Session slice: who this terminal is. First run: sign in (or create an account), then name
 * this terminal — which registers it with the global server and stores its credential through
 * the bridge. The user session token lives only between those two steps (memory, never
 * stored) and is ended once the terminal has its own credential.
 */
import { createStore } from 'zustand/vanilla';
import type { PlatformBridge, TerminalIdentityRecord } from '../../../common/platform.ts';
import type { DeviceTokenResponse } from '../../../common/protocol/device.ts';
import type { TerminalType } from '../../../common/protocol/model.ts';
import { codeOf, type Api, type ClientErrorCode } from '../api/http.ts';

/** Where the first-run flow is. */
export type SessionPhase = 'booting' | 'signed-out' | 'naming' | 'ready';

/** An account signed in, waiting for this terminal to be named. */
export interface PendingAccount {
  login: string;
  /** The user session token (memory only). */
  token: string;
}

/**
 * Why the terminal was signed out by the server's doing (the sign-in screen explains it):
 * removed from the account, every device signed out, the account deleted.
 */
export type SignOutNotice = 'terminal-removed' | 'signed-out-everywhere' | 'account-deleted';

/** Counts the sign-in screen reports with a notice (what an account deletion removed). */
export type NoticeDetail = Readonly<Record<string, number>>;

/** State and actions of the session slice. */
export interface SessionState {
  phase: SessionPhase;
  identity: TerminalIdentityRecord | null;
  account: PendingAccount | null;
  /** A request is under way (forms disable their submit). */
  busy: boolean;
  /** The stable code of the last failure, for the form to explain. */
  error: ClientErrorCode | null;
  notice: SignOutNotice | null;
  /** The notice's counts, if any. */
  noticeDetail: NoticeDetail | null;
  /** Load the stored identity. */
  boot(): Promise<void>;
  /** Sign in to an existing account; true on success. */
  signIn(login: string, password: string): Promise<boolean>;
  /** Create an account and sign in to it; true on success. */
  register(login: string, password: string, displayName?: string): Promise<boolean>;
  /** Register this terminal under the signed-in account; true on success. */
  nameTerminal(name: string, type: TerminalType): Promise<boolean>;
  /** Become the terminal a device-link answer made of this TV (linked by code, RFC 8628). */
  adopt(linked: DeviceTokenResponse): Promise<void>;
  /** Leave the naming step for another account. */
  useOtherAccount(): void;
  /**
   * Sign this terminal out at the server (unless the server already did: `notice`), then forget
   * its credential (and, through `onSignOut`, its local data). Offline, the local part still
   * happens: the credential is forgotten here even when the server could not be told.
   */
  signOut(notice?: SignOutNotice, detail?: NoticeDetail): Promise<void>;
  /** This terminal was renamed (Settings → Devices): keep the stored identity in step. */
  /** This terminal was renamed (and, when `type` is given, its type changed) at the server. */
  renamed(name: string, type?: TerminalType): Promise<void>;
  clearError(): void;
}

/** Dependencies of the session slice. */
export interface SessionDeps {
  bridge: Pick<PlatformBridge, 'loadIdentity' | 'saveIdentity'>;
  api: Pick<Api, 'signIn' | 'register' | 'registerTerminal' | 'signOut' | 'signOutTerminal'>;
  /** The server this terminal talks to. */
  serverUrl: () => string;
  /** Stop what runs for a signed-in terminal and forget its local data. */
  onSignOut?: () => Promise<void>;
}

/** Create the session slice. */
export function createSessionStore(deps: SessionDeps) {
  return createStore<SessionState>()((set, get) => {
    /** Run a request with busy/error bookkeeping; null when it failed. */
    async function attempt<T>(fn: () => Promise<T>): Promise<T | null> {
      set({ busy: true, error: null });
      try {
        return await fn();
      } catch (err) {
        set({ error: codeOf(err) });
        return null;
      } finally {
        set({ busy: false });
      }
    }

    /** The sign-out under way: a second one (a refused credential meanwhile) joins it. */
    let signingOut: Promise<void> | null = null;

    return {
      phase: 'booting',
      identity: null,
      account: null,
      busy: false,
      error: null,
      notice: null,
      noticeDetail: null,

      async boot() {
        const identity = await deps.bridge.loadIdentity();
        set(identity ? { phase: 'ready', identity } : { phase: 'signed-out', identity: null });
      },

      async signIn(login, password) {
        const session = await attempt(() => deps.api.signIn({ login: login.trim(), password }));
        if (!session) return false;
        set({ phase: 'naming', account: { login: session.account.login, token: session.token }, notice: null });
        return true;
      },

      async register(login, password, displayName) {
        const trimmed = login.trim();
        const name = displayName?.trim();
        const session = await attempt(async () => {
          await deps.api.register({ login: trimmed, password, ...(name ? { displayName: name } : {}) });
          return deps.api.signIn({ login: trimmed, password });
        });
        if (!session) return false;
        set({ phase: 'naming', account: { login: session.account.login, token: session.token }, notice: null });
        return true;
      },

      async nameTerminal(name, type) {
        const account = get().account;
        if (!account) return false;
        const registered = await attempt(() => deps.api.registerTerminal(account.token, { name: name.trim(), type }));
        if (!registered) return false;
        const identity: TerminalIdentityRecord = {
          serverUrl: deps.serverUrl(),
          terminalId: registered.terminal.id,
          terminalName: registered.terminal.name,
          terminalType: registered.terminal.type,
          credential: registered.credential,
          login: account.login,
        };
        await deps.bridge.saveIdentity(identity);
        // The terminal has its own credential now; the user session is no longer needed.
        deps.api.signOut(account.token).catch(() => undefined);
        set({ phase: 'ready', identity, account: null, error: null });
        return true;
      },

      async adopt(linked) {
        const identity: TerminalIdentityRecord = {
          serverUrl: deps.serverUrl(),
          terminalId: linked.terminal.id,
          terminalName: linked.terminal.name,
          terminalType: linked.terminal.type,
          credential: linked.credential,
          login: linked.account.login,
        };
        await deps.bridge.saveIdentity(identity);
        set({ phase: 'ready', identity, account: null, error: null, notice: null });
      },

      useOtherAccount() {
        const account = get().account;
        if (account) deps.api.signOut(account.token).catch(() => undefined);
        set({ phase: 'signed-out', account: null, error: null });
      },

      async signOut(notice, detail) {
        if (signingOut) {
          // Joined a sign-out under way (say the push stream saw the credential die first):
          // the more specific reason wins.
          await signingOut;
          if (notice && notice !== 'terminal-removed') set({ notice, noticeDetail: detail ?? null });
          return;
        }
        signingOut = (async () => {
          try {
            const wasSignedIn = get().identity !== null;
            await deps.onSignOut?.();
            // Tell the server, so the credential stops working everywhere (bounded: an
            // unreachable server must not keep the user on a screen they asked to leave).
            if (wasSignedIn && !notice) await deps.api.signOutTerminal(AbortSignal.timeout(5_000)).catch(() => undefined);
            await deps.bridge.saveIdentity(null);
            set({ phase: 'signed-out', identity: null, account: null, error: null, notice: notice ?? null, noticeDetail: detail ?? null });
          } finally {
            signingOut = null;
          }
        })();
        return signingOut;
      },

      async renamed(name, type) {
        const identity = get().identity;
        if (!identity) return;
        const next = { ...identity, terminalName: name, ...(type ? { terminalType: type } : {}) };
        await deps.bridge.saveIdentity(next);
        set({ identity: next });
      },

      clearError() {
        set({ error: null });
      },
    };
  });
}

/** The session store. */
export type SessionStore = ReturnType<typeof createSessionStore>;
