/**
 * How the portal and streaming roles talk to the global role: the patent's messages, over
 * HTTP with a service credential when global is another process, or in-process when it is
 * embedded. Both implementations behave the same: global's 4xx come back as AppError with
 * global's code; an unreachable global is UPSTREAM_UNAVAILABLE (503).
 */
import Type, { type TSchema } from 'typebox';
import Value from 'typebox/value';
import { AppError, isErrorCode } from '../common/errors.ts';
import { ProgramsAnswer, ReportResults, type ClusterReportBatch } from '../common/protocol/api.ts';
import { Terminal } from '../common/protocol/model.ts';
import { PresenceReportAnswer, type PresenceUpdate } from '../common/protocol/presence.ts';
import type { ServiceCredential } from './config.ts';
import { serviceAuthorization, type TerminalIdentity } from './http/auth.ts';
import type { GlobalServices } from './global/plugin.ts';

/** The global role as seen by a portal or streaming cluster. */
export interface GlobalClient {
  /** Check a terminal credential (null when unknown or revoked). */
  introspect(credential: string): Promise<TerminalIdentity | null>;
  /** A terminal by id (for admitting a play token's bearer), or null. */
  terminal(terminalId: string): Promise<TerminalIdentity | null>;
  /**
   * Catalogue for the terminal's type plus its user's history (ms1/ms3); `history: false`
   * skips the history (the terminal's catalogue only, still within its profile's limit).
   */
  programs(terminalId?: string, opts?: { history?: boolean }): Promise<ProgramsAnswer>;
  /** Report viewing-history records (ms2/ms4). */
  report(batch: ClusterReportBatch): Promise<ReportResults>;
  /** Report play-session changes for now playing (issue 15); answers how many were applied. */
  presence(updates: PresenceUpdate[]): Promise<number>;
}

/** In-process client for the embedded topology. */
export function localGlobalClient(services: GlobalServices, serviceId: string): GlobalClient {
  return {
    async introspect(credential) {
      const id = await services.accounts.authenticateTerminal(credential);
      if (id) await services.accounts.noteSeen(id.terminal.id, id.terminal.lastSeenAt);
      return id;
    },
    terminal: (terminalId) => services.accounts.terminalById(terminalId),
    programs: (terminalId, opts) => services.history.programsFor(terminalId, opts),
    report: (batch) => services.history.ingest({ kind: 'cluster', clusterId: serviceId }, batch.sentAt, batch.reports),
    presence: (updates) => services.presence.apply(updates),
  };
}

const Introspection = Type.Union([
  Type.Object({ active: Type.Literal(true), userId: Type.String(), terminal: Terminal }),
  Type.Object({ active: Type.Literal(false) }),
]);

const TerminalAnswer = Type.Object({ userId: Type.String(), terminal: Terminal });

/** HTTP client for the split topology. */
export function httpGlobalClient(baseUrl: string, credential: ServiceCredential, timeoutMs = 5_000): GlobalClient {
  const authorization = serviceAuthorization(credential);

  async function call<T>(method: string, path: string, schema: TSchema, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(baseUrl + path, {
        method,
        headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new AppError('UPSTREAM_UNAVAILABLE', `Global server unreachable: ${(err as Error).message}`);
    }
    const payload: unknown = await res.json().catch(() => null);
    if (res.status === 401) {
      // Global refused *our* service credential: a deployment fault, not the terminal's.
      throw new AppError('UPSTREAM_UNAVAILABLE', 'Global server refused this server’s service credential');
    }
    if (!res.ok) {
      const code = (payload as { code?: unknown } | null)?.code;
      const message = (payload as { message?: unknown } | null)?.message;
      if (res.status < 500 && isErrorCode(code)) {
        throw new AppError(code, typeof message === 'string' ? message : code, (payload as { details?: unknown }).details);
      }
      throw new AppError('UPSTREAM_UNAVAILABLE', `Global server answered ${res.status}`);
    }
    if (!Value.Check(schema, payload)) throw new AppError('UPSTREAM_UNAVAILABLE', 'Global server sent a malformed answer');
    return payload as T;
  }

  return {
    async introspect(cred) {
      const answer = await call<{ active: boolean; userId?: string; terminal?: TerminalIdentity['terminal'] }>(
        'POST',
        '/global/v1/terminals/introspect',
        Introspection,
        { credential: cred },
      );
      return answer.active && answer.userId && answer.terminal ? { userId: answer.userId, terminal: answer.terminal } : null;
    },
    async terminal(terminalId) {
      try {
        return await call<TerminalIdentity>('GET', `/global/v1/terminals/${encodeURIComponent(terminalId)}`, TerminalAnswer);
      } catch (err) {
        if (err instanceof AppError && (err.code === 'TERMINAL_NOT_FOUND' || err.code === 'VALIDATION_FAILED')) return null;
        throw err;
      }
    },
    programs: (terminalId, opts) => {
      const query = new URLSearchParams();
      if (terminalId) query.set('terminalId', terminalId);
      if (opts?.history === false) query.set('history', 'false');
      const q = query.toString();
      return call('GET', `/global/v1/programs${q ? `?${q}` : ''}`, ProgramsAnswer);
    },
    report: (batch) => call('POST', '/global/v1/history', ReportResults, batch),
    presence: async (updates) => (await call<PresenceReportAnswer>('POST', '/global/v1/presence', PresenceReportAnswer, { updates })).applied,
  };
}

/** A client whose cached introspections can be dropped (on a revocation). */
export interface CachingGlobalClient extends GlobalClient {
  /** Drop cached answers for these terminals or accounts. */
  forget(terminalIds: ReadonlySet<string>, userIds: ReadonlySet<string>): void;
}

/**
 * Cache introspection answers briefly: a terminal polls its home page and sends heartbeats,
 * and each would otherwise cost a round trip to global. A revocation heard on the feed drops
 * the revoked terminals' answers at once (`forget`); without the feed, within `ttlMs`.
 */
export function withIntrospectionCache(client: GlobalClient, ttlMs = 5_000, maxEntries = 10_000): CachingGlobalClient {
  const cache = new Map<string, { at: number; value: TerminalIdentity | null }>();
  return {
    ...client,
    forget(terminalIds, userIds) {
      for (const [credential, hit] of cache) {
        if (hit.value && (terminalIds.has(hit.value.terminal.id) || userIds.has(hit.value.userId))) cache.delete(credential);
      }
    },
    async introspect(credential) {
      const now = Date.now();
      const hit = cache.get(credential);
      if (hit && now - hit.at < ttlMs) return hit.value;
      const value = await client.introspect(credential);
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(credential, { at: now, value });
      return value;
    },
  };
}
