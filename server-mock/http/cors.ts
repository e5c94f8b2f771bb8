/**
 * CORS for split deployments: a terminal loaded from one origin (a portal, the PC app's
 * embedded server) calls global and streaming clusters on others. Every credential here is a
 * bearer token the page must attach itself — nothing rides on cookies — so allowing any origin
 * exposes nothing a foreign page could use without already holding the token. @fastify/cors
 * does the work; this file only states the policy.
 */
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { REQUEST_ID_HEADER } from './logging.ts';

/** The policy: any origin, no credentials mode; media headers a cross-origin player needs. */
export const CORS_OPTIONS: FastifyCorsOptions = {
  origin: '*',
  credentials: false,
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  allowedHeaders: ['authorization', 'content-type', 'range', 'if-none-match', 'if-range', 'if-match', 'if-modified-since'],
  exposedHeaders: ['content-range', 'content-length', 'accept-ranges', 'etag', 'retry-after', REQUEST_ID_HEADER],
  maxAge: 600,
  optionsSuccessStatus: 204,
  // Preflights are answered in onRequest, before authentication guards could refuse them.
  hook: 'onRequest',
};

/** Answer preflights and label responses for cross-origin callers. */
export async function installCors(app: FastifyInstance): Promise<void> {
  await app.register(cors, CORS_OPTIONS);
}
