/**
 * The typed HTTP client of a terminal: every call returns a value parsed against its schema in
 * common/protocol (never trusted as-is) or throws one error type, `ApiError`, carrying the
 * server's stable code — or a client-side code when no answer came (NETWORK_DOWN, TIMEOUT,
 * BAD_RESPONSE). Branch on `code`, never on `message`.
 *
 * Authentication: terminal calls send the terminal credential; play-session calls send the
 * session's play token; account calls send a user session token passed explicitly (it lives
 * only for the sign-in → name-this-terminal step and is never stored).
 */
import { PresenceList } from '../../../common/protocol/presence.ts';
import { HandoffClaim } from '../../../common/protocol/handoff.ts';
import {
  RemoteAnswerAccepted,
  RemoteCommandAnswer,
  RemotePlayOnAnswer,
  type RemotePlayOnRequest,
  RemoteTargetList,
  type RemoteAnswerRequest,
  type RemoteCommandRequest,
} from '../../../common/protocol/remote.ts';
import * as Type from 'typebox';
import type { Static, TSchema } from 'typebox';
import { Check } from 'typebox/value';
import { isErrorCode, type ErrorCode } from '../../../common/errors.ts';
import {
  Account,
  CataloguePage,
  HomeDocument,
  HomePage,
  RegisterTerminalResponse,
  ReportResults,
  SessionResponse,
  WhoAmI,
  type LoginRequest,
  type RegisterRequest,
  type RegisterTerminalRequest,
  type SyncRequest,
} from '../../../common/protocol/api.ts';
import {
  AccountExport,
  DeleteAccountResponse,
  DeviceList,
  RegistrationPolicy,
  RevocationSummary,
  type ChangePasswordRequest,
} from '../../../common/protocol/account.ts';
import { EpochMillis, ProgramId, Terminal, type TerminalType } from '../../../common/protocol/model.ts';
import {
  AccountSettings,
  Profile,
  ProfileList,
  type CreateProfileRequest,
  type UpdateProfileRequest,
} from '../../../common/protocol/profiles.ts';
import {
  DeviceAuthorizeResponse,
  DeviceLinkResponse,
  DeviceTokenResponse,
  type DeviceAuthorizeRequest,
  type DeviceLinkRequest,
} from '../../../common/protocol/device.ts';
import {
  HeartbeatResponse,
  PlayResponse,
  StopResponse,
  type HeartbeatRequest,
  type PlayRequest,
  type StopRequest,
} from '../../../common/protocol/stream.ts';
import { lenient } from './lenient.ts';

/** Codes the client adds for failures that never reached (or never came back from) a server. */
export type ClientErrorCode = ErrorCode | 'NETWORK_DOWN' | 'TIMEOUT' | 'BAD_RESPONSE';

/** Codes after which trying again later may succeed. */
const RECOVERABLE = new Set<ClientErrorCode>(['NETWORK_DOWN', 'TIMEOUT', 'RATE_LIMITED', 'UPSTREAM_UNAVAILABLE', 'INTERNAL']);

/** The one error type of the client (Shaka's model: a stable code and a severity). */
export class ApiError extends Error {
  /** Stable code: the server's, or a client-side one. */
  readonly code: ClientErrorCode;
  /** HTTP status; 0 when no answer came. */
  readonly status: number;
  /** The server's structured detail, if any. */
  readonly details: unknown;

  constructor(code: ClientErrorCode, message: string, status = 0, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }

  /** `recoverable`: retry later (network, 5xx, 429); `critical`: this request will not succeed as is. */
  get severity(): 'recoverable' | 'critical' {
    return RECOVERABLE.has(this.code) ? 'recoverable' : 'critical';
  }
}

/** True when `e` is an ApiError with one of `codes` (any code when none given). */
export function isApiError(e: unknown, ...codes: ClientErrorCode[]): e is ApiError {
  return e instanceof ApiError && (codes.length === 0 || codes.includes(e.code));
}

/** The stable code of any thrown value (unknown errors count as INTERNAL). */
export function codeOf(e: unknown): ClientErrorCode {
  return e instanceof ApiError ? e.code : 'INTERNAL';
}

/** What the client needs from its surroundings. */
export interface ApiOptions {
  /** Base URL of the server ('' = this page's origin). */
  baseUrl: () => string;
  /** The terminal credential, once registered. */
  credential: () => string | null;
  fetch?: typeof fetch;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  /** Told whether a request got an answer (drives the "can't reach the server" state). */
  onReachability?: (reached: boolean) => void;
  /** Told when the terminal credential is refused (the terminal was removed elsewhere). */
  onCredentialRefused?: () => void;
}

type Auth = { kind: 'terminal' } | { kind: 'bearer'; token: string } | { kind: 'none' };

/** Who approves a TV's code: this terminal (its credential) or a user session just opened for it. */
export type DeviceLinkAuth = { kind: 'terminal' } | { kind: 'bearer'; token: string };

interface Call<T extends TSchema | null> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  auth: Auth;
  body?: unknown;
  /** Schema of the success body; null = no body expected. */
  schema: T;
  keepalive?: boolean;
  signal?: AbortSignal;
  /** Extra request headers (If-None-Match). */
  headers?: Record<string, string>;
  /** A 304 is an answer (null), not an error. */
  notModified?: boolean;
}

/** A catalogue page, or that the one named by `etag` is still current. */
export type CatalogueAnswer = { notModified: true } | { notModified: false; page: CataloguePage; etag: string | null };

const HideAnswer = Type.Object({ programId: ProgramId, hiddenAt: EpochMillis });

/** Options of one play-session call. */
export interface SessionCallOptions {
  /** Survive the page being unloaded (pagehide, tab close). */
  keepalive?: boolean;
}

/** Create the client. */
export function createApi(o: ApiOptions) {
  const doFetch = o.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const timeoutMs = o.timeoutMs ?? 15_000;

  async function call<T extends TSchema | null>(c: Call<T>): Promise<T extends TSchema ? Static<T> : null> {
    return (await exchange(c)).body;
  }

  async function exchange<T extends TSchema | null>(c: Call<T>): Promise<{ body: T extends TSchema ? Static<T> : null; status: number; etag: string | null }> {
    const headers: Record<string, string> = { accept: 'application/json', ...c.headers };
    if (c.body !== undefined) headers['content-type'] = 'application/json';
    const token = c.auth.kind === 'terminal' ? o.credential() : c.auth.kind === 'bearer' ? c.auth.token : null;
    if (c.auth.kind === 'terminal' && !token) throw new ApiError('UNAUTHENTICATED', 'This terminal is not registered');
    if (token) headers.authorization = `Bearer ${token}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = c.signal ? AbortSignal.any([c.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await doFetch(`${o.baseUrl()}${c.path}`, {
        method: c.method,
        headers,
        body: c.body === undefined ? null : JSON.stringify(c.body),
        signal,
        keepalive: c.keepalive === true,
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (err) {
      // Cancelled by the caller (a screen that went away): says nothing about the network.
      if (c.signal?.aborted && !timeout.aborted) throw new ApiError('NETWORK_DOWN', 'Cancelled');
      o.onReachability?.(false);
      if (timeout.aborted) throw new ApiError('TIMEOUT', `No answer in ${timeoutMs} ms`);
      throw new ApiError('NETWORK_DOWN', err instanceof Error ? err.message : 'Network request failed');
    }
    o.onReachability?.(true);
    const etag = res.headers?.get?.('etag') ?? null;
    if (res.status === 304 && c.notModified) return { body: null as T extends TSchema ? Static<T> : null, status: 304, etag };
    const text = await res.text().catch(() => '');
    let json: unknown = null;
    if (text !== '') {
      try {
        json = JSON.parse(text) as unknown;
      } catch {
        json = undefined;
      }
    }
    if (!res.ok) {
      const body = (json ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
      const code: ClientErrorCode = isErrorCode(body.code) ? body.code : res.status >= 500 ? 'INTERNAL' : 'BAD_RESPONSE';
      if (code === 'UNAUTHENTICATED' && c.auth.kind === 'terminal') o.onCredentialRefused?.();
      throw new ApiError(code, typeof body.message === 'string' ? body.message : `HTTP ${res.status}`, res.status, body.details);
    }
    if (c.schema === null) return { body: null as T extends TSchema ? Static<T> : null, status: res.status, etag };
    // Fields this client does not know are allowed (api/lenient.ts); everything it reads is checked.
    if (!Check(lenient(c.schema), json)) throw new ApiError('BAD_RESPONSE', `Unexpected answer from ${c.path}`, res.status);
    return { body: json as T extends TSchema ? Static<T> : null, status: res.status, etag };
  }

  const session = (id: string, verb: 'heartbeat' | 'stop') => `/stream/v1/sessions/${encodeURIComponent(id)}/${verb}`;

  return {
    /** Create an account (`POST /api/v1/accounts`): anonymously (the first, or open registration), or as the owner (`ownerToken`). */
    register: (body: RegisterRequest, ownerToken?: string) =>
      call({ method: 'POST', path: '/api/v1/accounts', auth: ownerToken ? { kind: 'bearer', token: ownerToken } : { kind: 'none' }, body, schema: Account }),
    /** Whether anyone may create an account here, and whether the server still needs its owner. */
    registration: (signal?: AbortSignal) => call({ method: 'GET', path: '/api/v1/registration', auth: { kind: 'none' }, schema: RegistrationPolicy, signal }),
    /** Sign in; the user session token is for registering this terminal only. */
    signIn: (body: LoginRequest) => call({ method: 'POST', path: '/api/v1/sessions', auth: { kind: 'none' }, body, schema: SessionResponse }),
    /** End a user session. */
    signOut: (userToken: string) =>
      call({ method: 'DELETE', path: '/api/v1/sessions/current', auth: { kind: 'bearer', token: userToken }, schema: null }),
    /** Register this terminal with the account; returns its credential (shown once). */
    registerTerminal: (userToken: string, body: RegisterTerminalRequest) =>
      call({ method: 'POST', path: '/api/v1/terminals', auth: { kind: 'bearer', token: userToken }, body, schema: RegisterTerminalResponse }),
    /** A TV asks for a code pair to show (RFC 8628); `signal` drops the answer of a stopped screen. */
    deviceAuthorize: (body: DeviceAuthorizeRequest, signal?: AbortSignal) =>
      call({ method: 'POST', path: '/api/v1/device/authorize', auth: { kind: 'none' }, body, schema: DeviceAuthorizeResponse, signal }),
    /** The TV polls with its device code: its terminal credential once the code was entered. */
    deviceToken: (deviceCode: string, signal?: AbortSignal) =>
      call({ method: 'POST', path: '/api/v1/device/token', auth: { kind: 'none' }, body: { deviceCode }, schema: DeviceTokenResponse, signal }),
    /** Enter the code shown on a TV, approving it as a terminal of this account. */
    deviceLink: (auth: DeviceLinkAuth, body: DeviceLinkRequest) =>
      call({ method: 'POST', path: '/api/v1/device/link', auth, body, schema: DeviceLinkResponse }),
    /** Sign this terminal out at the server (its credential dies; its row and history stay). */
    signOutTerminal: (signal?: AbortSignal) =>
      call({ method: 'DELETE', path: '/api/v1/sessions/current', auth: { kind: 'terminal' }, schema: null, signal }),
    /** The household's signed-in terminals, with what each plays now (Settings → Devices). */
    devices: () => call({ method: 'GET', path: '/api/v1/terminals', auth: { kind: 'terminal' }, schema: DeviceList }),
    /** Rename a terminal of the household, and change its type when `type` is given. */
    renameTerminal: (terminalId: string, name: string, type?: TerminalType) =>
      call({ method: 'PATCH', path: `/api/v1/terminals/${encodeURIComponent(terminalId)}`, auth: { kind: 'terminal' }, body: type ? { name, type } : { name }, schema: Terminal }),
    /** Remove a terminal of the household (this one too: then this terminal is signed out). */
    removeTerminal: (terminalId: string) =>
      call({ method: 'DELETE', path: `/api/v1/terminals/${encodeURIComponent(terminalId)}`, auth: { kind: 'terminal' }, schema: null }),
    /** Change the account's password (the old one required); this terminal stays signed in. */
    changePassword: (body: ChangePasswordRequest) =>
      call({ method: 'POST', path: '/api/v1/account/password', auth: { kind: 'terminal' }, body, schema: RevocationSummary }),
    /** Sign out every session and terminal of the account, this one too. */
    signOutEverywhere: () =>
      call({ method: 'POST', path: '/api/v1/account/sign-out-everywhere', auth: { kind: 'terminal' }, schema: RevocationSummary }),
    /** Delete the account and everything of it (the password required). */
    deleteAccount: (password: string) =>
      call({ method: 'POST', path: '/api/v1/account/delete', auth: { kind: 'terminal' }, body: { password }, schema: DeleteAccountResponse }),
    /** Everything the server keeps about the account, as JSON. */
    exportAccount: () => call({ method: 'GET', path: '/api/v1/account/export', auth: { kind: 'terminal' }, schema: AccountExport }),
    /** The household's profiles and who is watching on this terminal. */
    profiles: () => call({ method: 'GET', path: '/api/v1/profiles', auth: { kind: 'terminal' }, schema: ProfileList }),
    /** Choose who is watching on this terminal (the PIN when the profile has one). */
    selectProfile: (profileId: string, pin?: string) =>
      call({ method: 'PUT', path: '/api/v1/terminals/current/profile', auth: { kind: 'terminal' }, body: { profileId, ...(pin ? { pin } : {}) }, schema: Profile }),
    /** Add a profile (at most 8). */
    createProfile: (body: CreateProfileRequest) => call({ method: 'POST', path: '/api/v1/profiles', auth: { kind: 'terminal' }, body, schema: Profile }),
    /** Change a profile (null clears language, PIN or limit). */
    updateProfile: (profileId: string, body: UpdateProfileRequest) =>
      call({ method: 'PATCH', path: `/api/v1/profiles/${encodeURIComponent(profileId)}`, auth: { kind: 'terminal' }, body, schema: Profile }),
    /** Delete a profile with its history (never the last). */
    deleteProfile: (profileId: string) =>
      call({ method: 'DELETE', path: `/api/v1/profiles/${encodeURIComponent(profileId)}`, auth: { kind: 'terminal' }, schema: null }),
    /** The household's shared-history setting. */
    setSharedHistory: (sharedHistory: boolean) =>
      call({ method: 'PUT', path: '/api/v1/account/settings', auth: { kind: 'terminal' }, body: { sharedHistory }, schema: AccountSettings }),
    /** Who this terminal is. */
    me: () => call({ method: 'GET', path: '/api/v1/me', auth: { kind: 'terminal' }, schema: WhoAmI }),
    /** The home page model from the portal, catalogue inlined (deprecated route; kept for one release). */
    home: () => call({ method: 'GET', path: '/portal/v1/home', auth: { kind: 'terminal' }, schema: HomePage }),
    /** The home document: the rows and the version of this terminal's catalogue (stores/catalogue.ts). */
    homeDocument: () => call({ method: 'GET', path: '/portal/v2/home', auth: { kind: 'terminal' }, schema: HomeDocument }),
    /** One page of this terminal's catalogue; with `etag`, "not modified" when that page is still current. */
    catalogue: async (offset: number, etag?: string | null): Promise<CatalogueAnswer> => {
      const r = await exchange({
        method: 'GET',
        path: `/portal/v1/catalogue${offset > 0 ? `?offset=${offset}` : ''}`,
        auth: { kind: 'terminal' },
        schema: CataloguePage,
        notModified: true,
        ...(etag ? { headers: { 'if-none-match': etag } } : {}),
      });
      return r.status === 304 || r.body === null ? { notModified: true } : { notModified: false, page: r.body, etag: r.etag };
    },
    /** Now playing: the household's open play sessions this terminal's profile may see. */
    presence: () => call({ method: 'GET', path: '/api/v1/presence', auth: { kind: 'terminal' }, schema: PresenceList }),
    /** Continue here: take over a household session (one claim wins; HANDOFF_TAKEN otherwise). */
    claimHandoff: (sessionId: string) =>
      call({ method: 'POST', path: '/api/v1/handoff/claim', auth: { kind: 'terminal' }, body: { sessionId }, schema: HandoffClaim }),
    /** Remote control: command a household session; resolves once its terminal carried it out. */
    remoteCommand: (body: RemoteCommandRequest) =>
      call({ method: 'POST', path: '/api/v1/remote/commands', auth: { kind: 'terminal' }, body, schema: RemoteCommandAnswer }),
    /** A card's Play on ▸: start a programme on another terminal at this profile's point; resolves once it started. */
    remotePlayOn: (body: RemotePlayOnRequest) =>
      call({ method: 'POST', path: '/api/v1/remote/play-on', auth: { kind: 'terminal' }, body, schema: RemotePlayOnAnswer }),
    /** Answer a remote command pushed to this terminal. */
    remoteAnswer: (body: RemoteAnswerRequest) =>
      call({ method: 'POST', path: '/api/v1/remote/answers', auth: { kind: 'terminal' }, body, schema: RemoteAnswerAccepted }),
    /** Play on ▸: the terminals of this household and profile connected now. */
    remoteTargets: () => call({ method: 'GET', path: '/api/v1/remote/targets', auth: { kind: 'terminal' }, schema: RemoteTargetList }),
    /** Remove a programme from Continue watching (until it is played again). */
    hide: (programId: string) =>
      call({ method: 'DELETE', path: `/api/v1/continue-watching/${encodeURIComponent(programId)}`, auth: { kind: 'terminal' }, schema: HideAnswer }),
    /** Upload reports kept while offline (all or none; see outbox.ts). */
    sync: (body: SyncRequest) => call({ method: 'POST', path: '/api/v1/history/sync', auth: { kind: 'terminal' }, body, schema: ReportResults }),
    /** Open a play session at the access server. */
    play: (body: PlayRequest) => call({ method: 'POST', path: '/stream/v1/play', auth: { kind: 'terminal' }, body, schema: PlayResponse }),
    /** Report the position of a play session; the answer renews the play token. */
    heartbeat: (sessionId: string, playToken: string, body: HeartbeatRequest, opts: SessionCallOptions = {}) =>
      call({
        method: 'POST',
        path: session(sessionId, 'heartbeat'),
        auth: { kind: 'bearer', token: playToken },
        body,
        schema: HeartbeatResponse,
        ...(opts.keepalive ? { keepalive: true } : {}),
      }),
    /** Stop a play session at a breakpoint. */
    stop: (sessionId: string, playToken: string, body: StopRequest, opts: SessionCallOptions = {}) =>
      call({
        method: 'POST',
        path: session(sessionId, 'stop'),
        auth: { kind: 'bearer', token: playToken },
        body,
        schema: StopResponse,
        ...(opts.keepalive ? { keepalive: true } : {}),
      }),
    /**
     * The stop of a page being unloaded: fire and forget. A keepalive fetch carries the header
     * and outlives the page; where the browser has no keepalive fetch, `sendBeacon` (which
     * cannot set headers, so the token goes in the query, as the server allows).
     */
    stopOnUnload(sessionId: string, playToken: string, body: StopRequest): boolean {
      const url = `${o.baseUrl()}${session(sessionId, 'stop')}`;
      const json = JSON.stringify(body);
      if (typeof Request === 'undefined' || 'keepalive' in Request.prototype) {
        doFetch(url, {
          method: 'POST',
          keepalive: true,
          credentials: 'omit',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${playToken}` },
          body: json,
        }).catch(() => undefined);
        return true;
      }
      const beacon = typeof navigator !== 'undefined' ? navigator.sendBeacon?.bind(navigator) : undefined;
      return beacon?.(`${url}?token=${encodeURIComponent(playToken)}`, new Blob([json], { type: 'application/json' })) ?? false;
    },
    /** Open the server-push stream (the caller reads the body; see events.ts). */
    async openEvents(signal: AbortSignal): Promise<Response> {
      const token = o.credential();
      if (!token) throw new ApiError('UNAUTHENTICATED', 'This terminal is not registered');
      let res: Response;
      try {
        res = await doFetch(`${o.baseUrl()}/api/v1/events`, {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
          signal,
          credentials: 'omit',
          cache: 'no-store',
        });
      } catch (err) {
        o.onReachability?.(false);
        throw new ApiError('NETWORK_DOWN', err instanceof Error ? err.message : 'Network request failed');
      }
      o.onReachability?.(true);
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { code?: unknown; message?: unknown };
        const code: ClientErrorCode = isErrorCode(body.code) ? body.code : 'BAD_RESPONSE';
        if (code === 'UNAUTHENTICATED') o.onCredentialRefused?.();
        throw new ApiError(code, typeof body.message === 'string' ? body.message : `HTTP ${res.status}`, res.status);
      }
      return res;
    },
  };
}

/** The client's interface. */
export type Api = ReturnType<typeof createApi>;
