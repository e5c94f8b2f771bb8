/**
 * CORS for split deployments: a terminal loaded from one origin (a portal, the PC app's
 * embedded server) calls global and streaming clusters on others. Every credential here is a
 * bearer token the page must attach itself — nothing rides on cookies — so allowing any origin
 * exposes nothing a foreign page could use without already holding the token.
 */
import type { FastifyInstance } from 'fastify';

const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOW_HEADERS = 'authorization, content-type, range, if-none-match, if-range';
const EXPOSE_HEADERS = 'content-range, content-length, accept-ranges, etag, retry-after';

/** Answer preflights and label responses for cross-origin callers. */
export function installCors(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.headers.origin) return;
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-expose-headers', EXPOSE_HEADERS);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      reply
        .header('access-control-allow-methods', ALLOW_METHODS)
        .header('access-control-allow-headers', ALLOW_HEADERS)
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    }
  });
}
