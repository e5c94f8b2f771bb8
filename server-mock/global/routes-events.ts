/**
 * `GET /api/v1/events`: server push (SSE) to a terminal. Every history change of the user's
 * terminals is pushed the moment global commits it. The stream starts with a `hello` event,
 * sends a comment every 15 s so proxies keep it open, and tells the client to retry after 2 s.
 * Accepts `?access_token=` because EventSource cannot set headers.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { PushEvent } from '../../common/protocol/api.ts';
import { guard, principalOf, type Authenticator } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';
import type { EventBus } from './events.ts';

/** Options of the events route. */
export interface EventRoutesOptions {
  bus: EventBus;
  auth: Authenticator;
  /** Keep-alive comment interval (ms). */
  keepAliveMs?: number;
}

/** Serialise one event in SSE framing. */
export function sseFrame(id: number, event: PushEvent): string {
  return `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export const eventRoutes: FastifyPluginAsyncTypebox<EventRoutesOptions> = async (app, { bus, auth, keepAliveMs = 15_000 }) => {
  const open = new Set<() => void>();
  // End open streams before the server waits for connections to drain, or a shutdown with a
  // terminal connected would hang until the client goes away.
  app.addHook('preClose', async () => {
    for (const close of [...open]) close();
  });

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
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.flushHeaders();
      let id = 0;
      const send = (event: PushEvent) => res.write(sseFrame(++id, event));
      res.write('retry: 2000\n\n');
      send({ type: 'hello', terminalId: p.terminal.id, at: Date.now() });
      const unsubscribe = bus.subscribe(p.userId, send);
      const timer = setInterval(() => res.write(': keep-alive\n\n'), keepAliveMs);
      const close = () => {
        clearInterval(timer);
        unsubscribe();
        open.delete(close);
        if (!res.writableEnded) res.end();
      };
      open.add(close);
      req.raw.on('close', close);
      res.on('error', close);
    },
  );
};
