/**
 * Link-approval slice: the PC/phone side of linking a TV by code (RFC 8628). The person enters
 * the code the TV shows. A registered terminal approves with its own credential — no password;
 * a browser that is not one (the phone that scanned the TV's QR code) signs in for this one
 * request and ends that session straight after, so it never becomes a terminal itself.
 * The code is checked for shape before anything is sent; the server decides the rest.
 */
import { createStore } from 'zustand/vanilla';
import { codeOf, type Api, type ClientErrorCode } from '../api/http.ts';
import { completeCode } from '../user-code.ts';

/** Who approves: this terminal, or an account signed in for this request only. */
export type Approver = { kind: 'terminal' } | { kind: 'account'; login: string; password: string };

/** What the form sent. */
export interface LinkInput {
  /** The code as typed. */
  code: string;
  /** A name for the TV; empty = the TV's own proposal. */
  name: string;
  approver: Approver;
}

/** What went wrong, and at which step (the same code reads differently at sign-in and at linking). */
export type LinkFailure = { step: 'format' } | { step: 'signIn'; code: ClientErrorCode } | { step: 'link'; code: ClientErrorCode };

/** State and actions of the link-approval slice. */
export interface LinkApprovalState {
  busy: boolean;
  failure: LinkFailure | null;
  /** The TV that was linked (its name as the account now lists it). */
  linked: { terminalName: string } | null;
  /** Approve a code; true when the TV was linked. */
  submit(input: LinkInput): Promise<boolean>;
  /** Link another TV. */
  reset(): void;
  clearFailure(): void;
}

/** Dependencies of the link-approval slice. */
export interface LinkApprovalDeps {
  api: Pick<Api, 'signIn' | 'signOut' | 'deviceLink'>;
}

type Outcome = { ok: true; terminalName: string } | { ok: false; failure: LinkFailure };
type LinkBody = { userCode: string; name?: string };

/** Create the link-approval slice. */
export function createLinkApprovalStore(deps: LinkApprovalDeps) {
  const { api } = deps;

  async function link(auth: { kind: 'terminal' } | { kind: 'bearer'; token: string }, body: LinkBody): Promise<Outcome> {
    try {
      return { ok: true, terminalName: (await api.deviceLink(auth, body)).terminalName };
    } catch (err) {
      return { ok: false, failure: { step: 'link', code: codeOf(err) } };
    }
  }

  /** Link with a user session opened for this request, then end it whatever happened. */
  async function linkAsAccount(login: string, password: string, body: LinkBody): Promise<Outcome> {
    let token: string;
    try {
      token = (await api.signIn({ login: login.trim(), password })).token;
    } catch (err) {
      return { ok: false, failure: { step: 'signIn', code: codeOf(err) } };
    }
    try {
      return await link({ kind: 'bearer', token }, body);
    } finally {
      api.signOut(token).catch(() => undefined);
    }
  }

  return createStore<LinkApprovalState>()((set, get) => ({
    busy: false,
    failure: null,
    linked: null,

    async submit({ code, name, approver }) {
      if (get().busy) return false;
      const userCode = completeCode(code);
      if (!userCode) {
        set({ failure: { step: 'format' } });
        return false;
      }
      const trimmed = name.trim();
      const body: LinkBody = trimmed ? { userCode, name: trimmed } : { userCode };
      set({ busy: true, failure: null });
      const out = approver.kind === 'terminal' ? await link({ kind: 'terminal' }, body) : await linkAsAccount(approver.login, approver.password, body);
      set(out.ok ? { busy: false, linked: { terminalName: out.terminalName } } : { busy: false, failure: out.failure });
      return out.ok;
    },

    reset() {
      set({ busy: false, failure: null, linked: null });
    },

    clearFailure() {
      set({ failure: null });
    },
  }));
}

/** The link-approval store. */
export type LinkApprovalStore = ReturnType<typeof createLinkApprovalStore>;
