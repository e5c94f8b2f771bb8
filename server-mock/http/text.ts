/**
 * No request's text may carry U+0000: PostgreSQL cannot store it in a text column (the write
 * fails: a 500 where a 400 belongs) and SQLite would keep a string every other part of the
 * system cuts short there. The schemas say which fields are names (no control characters at
 * all, `SHOWN_TEXT_PATTERN`); this guard covers every other string of a body, a query or a path,
 * so no route can forget it. A walk of the parsed body: small next to parsing it.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../common/errors.ts';

/** The path (`body/reports/0/title`, as the validator names fields) of the first string holding U+0000 in `value`, or null. */
export function nulAt(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(value)' : null;
  // The body parser bounds the depth already; this bound keeps the walk from being the problem.
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = nulAt(value[i], path ? `${path}/${i}` : String(i), depth + 1);
      if (at) return at;
    }
    return null;
  }
  for (const [key, v] of Object.entries(value)) {
    const p = path ? `${path}/${key}` : key;
    if (key.includes('\u0000')) return p;
    const at = nulAt(v, p, depth + 1);
    if (at) return at;
  }
  return null;
}

/** Refuse, before validation, a request whose body, query or path holds U+0000. */
export function installTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    const at = nulAt(req.body, 'body') ?? nulAt(req.query, 'query') ?? nulAt(req.params, 'params');
    if (!at) return;
    const message = `${at} must not contain a NUL character (U+0000)`;
    throw new AppError('VALIDATION_FAILED', message, [{ path: at, message: 'must not contain a NUL character (U+0000)' }]);
  });
}
