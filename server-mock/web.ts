/**
 * Serves the web terminal (the built renderer) at `/`, so any browser on the network is a
 * terminal. The renderer routes with the URL hash (`/#/link?code=…`), so only `/` and its
 * hashed assets are served; API paths keep their JSON 404. A strict Content-Security-Policy
 * goes on the HTML: scripts only from this origin, media and connections to this origin and
 * (split deployments) the configured other roles.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** Options of the web plugin. */
export interface WebPluginOptions {
  webDir: string;
  /** Extra origins the page may connect to and load media from (other roles' URLs). */
  extraOrigins: string[];
}

/** The Content-Security-Policy of the web terminal. */
export function contentSecurityPolicy(extraOrigins: readonly string[]): string {
  const extra = extraOrigins.map((u) => new URL(u).origin).join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React sets inline style attributes (progress bars); no inline <style> or script.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${extra}`.trim(),
    `media-src 'self' blob: ${extra}`.trim(),
    `connect-src 'self' ${extra}`.trim(),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Resume Anywhere</title>
<p>The web terminal is not built yet. Run <code>npm run build:renderer</code> (npm start does it for you).
The API is running: see <a href="/docs">/docs</a>.</p>`;

export const webPlugin: FastifyPluginAsync<WebPluginOptions> = async (app, { webDir, extraOrigins }) => {
  const csp = contentSecurityPolicy(extraOrigins);
  app.addHook('onSend', async (_req, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) {
      reply.header('content-security-policy', csp);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
    }
    return payload;
  });
  if (!existsSync(join(webDir, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
    return;
  }
  await app.register(fastifyStatic, {
    root: webDir,
    prefix: '/',
    index: ['index.html'],
    // Hashed asset names never change; index.html must always be revalidated.
    setHeaders: (res, path) => {
      // index.html and the service worker must always be revalidated; hashed assets never change.
      const revalidate = path.endsWith('index.html') || path.endsWith('sw.js') || path.endsWith('.webmanifest');
      res.header('cache-control', revalidate ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
};
