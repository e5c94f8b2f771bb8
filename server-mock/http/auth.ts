/**
 * Who is calling. Four kinds of principal, each from an `Authorization: Bearer …` header:
 * - user session   `ras_…`  (account management, linking terminals);
 * - terminal       `rat_…`  (home page, play, reports, push);
 * - service        `svc_<id>.<secret>` (a portal or streaming cluster calling global);
 * - admin          the configured admin token (catalogue management, aging on demand).
 * Where a client cannot set headers (EventSource, a media element), `?access_token=` is
 * accepted on routes that opt in; the logger redacts it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../common/errors.ts';
import type { Terminal } from '../../common/protocol/model.ts';
import type { ServiceCredential } from '../config.ts';
import { safeEqual, TOKEN_PREFIX } from '../auth/tokens.ts';

/** A terminal as authenticated by its credential. */
export interface TerminalIdentity {
  userId: string;
  terminal: Terminal;
}

/** The authenticated caller. */
export type Principal =
  | { kind: 'user'; userId: string; tokenHashSource: string }
  | { kind: 'terminal'; userId: string; terminal: Terminal; credential: string }
  | { kind: 'service'; serviceId: string }
  | { kind: 'admin' };

/** Where each credential kind is checked; roles supply what they can. */
export interface Authenticator {
  /** Resolve a user session token to its user id, or null. */
  user?: (token: string) => Promise<string | null>;
  /** Resolve a terminal credential to its terminal, or null. */
  terminal?: (credential: string) => Promise<TerminalIdentity | null>;
  /** Service credentials accepted by this process. */
  services?: readonly ServiceCredential[];
  /** Admin token accepted by this process. */
  adminToken?: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by a guard; null on unauthenticated routes. */
    principal: Principal | null;
  }
}

/** The bearer token of a request (header, or `access_token` query when allowed). */
export function bearerToken(request: FastifyRequest, allowQuery = false): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? (m[1] as string) : null;
  }
  if (allowQuery) {
    const q = (request.query as Record<string, unknown> | undefined)?.access_token;
    if (typeof q === 'string' && q.length > 0 && q.length < 500) return q;
  }
  return null;
}

const unauthenticated = (what: string) => new AppError('UNAUTHENTICATED', `A valid ${what} credential is required`);

/** Check a token against the accepted service credentials. */
function serviceId(token: string, services: readonly ServiceCredential[]): string | null {
  const m = /^svc_([A-Za-z0-9_-]{1,40})\.(\S+)$/.exec(token);
  if (!m) return null;
  const hit = services.find((s) => s.id === m[1]);
  return hit && safeEqual(hit.secret, m[2] as string) ? hit.id : null;
}

/** The header value a service presents. */
export function serviceAuthorization(cred: ServiceCredential): string {
  return `Bearer svc_${cred.id}.${cred.secret}`;
}

/** Kinds of principal a route accepts. */
export type PrincipalKind = Principal['kind'];

/**
 * An onRequest hook (so authentication precedes body parsing and validation: an
 * unauthenticated caller learns nothing about the body's schema) that authenticates the request as one of `kinds` or fails with 401.
 * A token of the wrong kind is refused as unauthenticated for this route (403 would tell an
 * attacker the token is valid elsewhere).
 */
export function guard(auth: Authenticator, kinds: readonly PrincipalKind[], opts: { allowQuery?: boolean } = {}) {
  const what = kinds.join(' or ');
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request, opts.allowQuery);
    if (!token) throw unauthenticated(what);
    const principal = await resolve(auth, kinds, token);
    if (!principal) throw unauthenticated(what);
    request.principal = principal;
  };
}

async function resolve(auth: Authenticator, kinds: readonly PrincipalKind[], token: string): Promise<Principal | null> {
  if (kinds.includes('terminal') && auth.terminal && token.startsWith(TOKEN_PREFIX.terminal)) {
    const id = await auth.terminal(token);
    return id ? { kind: 'terminal', userId: id.userId, terminal: id.terminal, credential: token } : null;
  }
  if (kinds.includes('user') && auth.user && token.startsWith(TOKEN_PREFIX.session)) {
    const userId = await auth.user(token);
    return userId ? { kind: 'user', userId, tokenHashSource: token } : null;
  }
  if (kinds.includes('service') && auth.services) {
    const id = serviceId(token, auth.services);
    if (id) return { kind: 'service', serviceId: id };
  }
  if (kinds.includes('admin') && auth.adminToken && safeEqual(auth.adminToken, token)) return { kind: 'admin' };
  return null;
}

/** Narrow the principal in a handler (the guard guarantees it; this documents it). */
export function principalOf<K extends PrincipalKind>(request: FastifyRequest, kind: K): Extract<Principal, { kind: K }> {
  const p = request.principal;
  if (!p || p.kind !== kind) throw unauthenticated(kind);
  return p as Extract<Principal, { kind: K }>;
}
