/**
 * `GET /api/v1/events`: server push (SSE) to a terminal. Every history change of the user's
 * terminals is pushed the moment global commits it. The stream starts with a `hello` event,
 * sends a comment every 15 s so proxies keep it open, and tells the client to retry after 2 s.
 * Accepts `?access_token=` because EventSource cannot set headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { AppError } from '../../common/errors.ts';
import type { PushEvent } from '../../common/protocol/api.ts';
import type { Terminal } from '../../common/protocol/model.ts';
import { guard, principalOf, type Authenticator } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';
import type { EventBus } from './events.ts';
import type { RevocationHub } from './revocations.ts';
import type { ProfileService } from './profiles-service.ts';
import { inScope as inPresenceScope } from './presence.ts';
import type { PushStreams } from './push-streams.ts';

/** Options of the events route. */
export interface EventRoutesOptions {
  bus: EventBus;
  auth: Authenticator;
  /** Streams of a revoked terminal or account are closed the moment it is revoked. */
  revocations: RevocationHub;
  /** Scopes each stream to its terminal's current profile (or the household, when shared). */
  profiles: ProfileService;
  /** Keep-alive comment interval (ms). */
  keepAliveMs?: number;
  /** Events sent to a terminal right after `hello` (handoffs away from it it may have missed). */
  replay?: (terminalId: string) => Promise<PushEvent[]>;
  /** Told of every stream opened and closed (which terminals a remote command can reach). */
  streams?: PushStreams;
  /**
   * Last-seen of a terminal whose stream ended (the app's onResponse hook for every other
   * terminal request; this route is outside it, see plugin.ts): called once, when the response
   * finishes or errors — where Fastify would have run that hook.
   */
  noteSeen?: (terminalId: string, lastSeenAt: number | null) => Promise<unknown>;
}

/** Serialise one event in SSE framing. */
export function sseFrame(id: number, event: PushEvent): string {
  return `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export const eventRoutes: FastifyPluginAsyncTypebox<EventRoutesOptions> = async (app, { bus, auth, revocations, profiles, keepAliveMs = 15_000, replay, streams, noteSeen }) => {
  const open = new Set<() => void>();
  /** Open streams with whose they are, so a revocation finds them. */
  const owners = new Map<() => void, { terminalId: string; userId: string }>();
  // Synchronous, inside the revoking call: a revoked terminal's stream is ended before the
  // next event could be written to it.
  const unsubscribeRevocations = revocations.subscribe((entries) => {
    for (const [close, who] of [...owners]) {
      if (entries.some((e) => (e.kind === 'terminal' ? e.subjectId === who.terminalId : e.subjectId === who.userId))) close();
    }
  });
  // One keep-alive timer for every stream (a timer per stream cost each idle connection a
  // Timeout and its closure: bench/sse-memory.ts). Each stream still hears a comment at least
  // every `keepAliveMs`.
  const idle = new Set<{ write(chunk: string): unknown }>();
  const keepAlive = setInterval(() => {
    for (const res of idle) res.write(': keep-alive\n\n');
  }, keepAliveMs);
  keepAlive.unref();
  app.addHook('onClose', async () => {
    clearInterval(keepAlive);
    unsubscribeRevocations();
  });
  // End open streams before the server waits for connections to drain, or a shutdown with a
  // terminal connected would hang until the client goes away.
  app.addHook('preClose', async () => {
    for (const close of [...open]) close();
  });

  /** Run one terminal's stream on the hijacked request until it closes. */
  function stream(raw: IncomingMessage, res: ServerResponse, device: Pick<Terminal, 'id' | 'name' | 'type' | 'lastSeenAt'>, userId: string, reqId: string): void {
    const terminalId = device.id;
    const lastSeenAt = device.lastSeenAt;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    let id = 0;
    res.write('retry: 2000\n\n');
    res.write(sseFrame(++id, { type: 'hello', terminalId, at: Date.now() }));
    // Belt and braces: never write to a stream whose terminal is revoked (it is closed instead).
    const write = (event: PushEvent) => {
      if (revocations.isRevoked(terminalId, userId)) return close();
      if (!res.writableEnded) res.write(sseFrame(++id, event));
    };
    // Under a maturity limit an event naming a programme waits for its rating to be read;
    // later events queue behind it so the stream keeps the bus's order.
    let queue: Promise<void> | null = null;
    const send = (event: PushEvent) => {
      if (revocations.isRevoked(terminalId, userId)) return close();
      if (!inScope(event)) return;
      const limit = profiles.scopeOf(terminalId, userId)?.maturityLimit ?? null;
      const programId = event.type === 'history' ? event.record.programId : event.type === 'presence' ? event.session.programId : null;
      if (queue === null && (limit === null || programId === null)) return write(event);
      const mine: Promise<void> = (queue ?? Promise.resolve())
        .then(async () => {
          if (programId === null || (await profiles.programAllowed(limit, programId))) write(event);
        })
        .catch(() => close()) // the store failed: end the stream (the terminal reconnects and refetches)
        .finally(() => {
          if (queue === mine) queue = null;
        });
      queue = mine;
    };
    // Another profile's viewing or removal is not this terminal's business (unless shared).
    const inScope = (event: PushEvent): boolean => {
      // A remote command goes to the one terminal that must carry it out (of this household: the bus is per user).
      if (event.type === 'remote') return event.toTerminalId === terminalId;
      const scope = profiles.scopeOf(terminalId, userId);
      if (!scope) return true;
      if (event.type === 'history') return scope.shared || event.record.profileId === undefined || event.record.profileId === scope.profileId;
      if (event.type === 'hidden') return event.profileId === undefined || event.profileId === scope.profileId;
      if (event.type === 'presence') return inPresenceScope(scope, event.session.profileId);
      if (event.type === 'presence-ended' || event.type === 'handoff') return inPresenceScope(scope, event.profileId);
      return true;
    };
    const unsubscribe = bus.subscribe(userId, send);
    const offline = streams?.add(userId, device);
    idle.add(res);
    function close() {
      idle.delete(res);
      unsubscribe();
      offline?.();
      open.delete(close);
      owners.delete(close);
      if (!res.writableEnded) res.end();
    }
    open.add(close);
    owners.set(close, { terminalId, userId });
    /** The response finished or failed: last-seen, once (where the app's onResponse hook runs for other routes). */
    function ended() {
      res.removeListener('finish', ended);
      res.removeListener('error', ended);
      void noteSeen?.(terminalId, lastSeenAt);
    }
    raw.on('close', close);
    res.on('error', close);
    if (noteSeen) {
      res.on('finish', ended);
      res.on('error', ended);
    }
    // From the store (any instance's handoffs); a failed read only loses the replay.
    if (replay) {
      replay(terminalId).then(
        (events) => events.forEach(send),
        (err: unknown) => app.log.warn({ err, reqId }, 'replaying handoffs failed'),
      );
    }
  }

  app.get(
    '/api/v1/events',
    {
      onRequest: guard(auth, ['terminal'], { allowQuery: true }),
      schema: {
        tags: ['history'],
        summary: 'Server-sent events: history changes of all my terminals, as they happen',
        security: security.terminal,
        querystring: Type.Object({ access_token: Type.Optional(Type.String({ maxLength: 500 })) }),
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const p = principalOf(req, 'terminal');
      await profiles.loadScope(p.terminal.id, p.userId);
      // Revoked while the guard awaited the store: refuse like any dead credential.
      if (revocations.isRevoked(p.terminal.id, p.userId)) throw new AppError('UNAUTHENTICATED', 'A valid terminal credential is required');
      reply.hijack();
      // The stream lives on for hours: its closures (stream()) keep the raw request and response
      // and the ids, not Fastify's request and reply nor the principal's terminal record (memory
      // per idle client, bench/sse-memory.ts).
      stream(req.raw, reply.raw, p.terminal, p.userId, req.id);
    },
  );
};
