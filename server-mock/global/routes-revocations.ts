/**
 * `GET /global/v1/revocations` (service credential): the revocation feed of streaming
 * clusters and remote portals. Server-sent events: first every revocation still inside the
 * window (`snapshot: true`), then each new one the moment it is revoked — before the store has
 * committed it — and a comment every `keepAliveMs` so a cluster notices a silent global (it
 * then refuses new play sessions until the feed is back: fail closed).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Revocation, RevocationBatch } from '../../common/protocol/account.ts';
import { guard, type Authenticator } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';
import type { RevocationHub } from './revocations.ts';

/** Options of the feed route. */
export interface RevocationRoutesOptions {
  revocations: RevocationHub;
  auth: Authenticator;
  /** Keep-alive comment interval (ms); clients treat 3× this of silence as a lost feed. */
  keepAliveMs?: number;
}

/** One SSE frame of the feed. */
export function revocationFrame(batch: RevocationBatch): string {
  return `event: revocations\ndata: ${JSON.stringify(batch)}\n\n`;
}

export const revocationRoutes: FastifyPluginAsyncTypebox<RevocationRoutesOptions> = async (app, { revocations, auth, keepAliveMs = 2_000 }) => {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of [...open]) close();
  });

  app.get(
    '/global/v1/revocations',
    {
      onRequest: guard(auth, ['service']),
      schema: {
        tags: ['global'],
        summary: 'Revocation feed (SSE) for streaming clusters and portals: a snapshot, then every revocation as it happens',
        security: security.service,
        response: { 200: Type.String({ description: 'text/event-stream of `revocations` events (RevocationBatch)' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
      res.write(revocationFrame({ snapshot: true, entries: revocations.recent() }));
      const unsubscribe = revocations.subscribe((entries: readonly Revocation[]) => {
        res.write(revocationFrame({ snapshot: false, entries: [...entries] }));
      });
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
