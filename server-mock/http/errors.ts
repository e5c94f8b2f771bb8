/**
 * The HTTP edge of the error vocabulary (common/errors.ts): every failure leaves as
 * `{ code, message, details? }` with the code's status; 5xx bodies never carry internals, only
 * the `requestId` under which the fault was logged.
 * Also the request validators: bodies are validated strictly (no type coercion, unknown
 * fields refused), querystrings and params with coercion (they arrive as text).
 */
import { Ajv, type Options as AjvOptions } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifySchemaCompiler } from 'fastify';
import { AppError, type ErrorBody } from '../../common/errors.ts';
import { noteRefusal, redactUrl } from './logging.ts';

/**
 * No `format` keywords, hence no ajv-formats: no request field is one of its formats. Logins
 * are handles that may but need not be e-mail addresses; times are epoch milliseconds; ids,
 * codes and languages have their own patterns; catalogue links are paths inside the media
 * library. `strictSchema` makes a schema that names a format (or any unknown keyword) fail to
 * compile at start-up, instead of Ajv silently not enforcing it: whoever adds one registers
 * ajv-formats with it.
 */
function makeAjv(options: AjvOptions): Ajv {
  return new Ajv({ allErrors: false, strict: false, strictSchema: true, ...options });
}

const strictAjv = makeAjv({ coerceTypes: false, removeAdditional: false, useDefaults: true });
const lenientAjv = makeAjv({ coerceTypes: 'array', removeAdditional: false, useDefaults: true });

/** Fastify validator compiler: strict for body, coercing for querystring/params/headers. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : lenientAjv;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
};

/** Shape one validation failure into a stable, readable detail. */
function validationDetails(error: FastifyError): { path: string; message: string }[] {
  return (error.validation ?? []).map((v) => ({
    path: `${error.validationContext ?? 'body'}${v.instancePath || ''}`,
    message: v.message ?? 'is invalid',
  }));
}

/** Map any thrown value to a status and wire body. Exported for tests. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (error instanceof AppError) return { status: error.status, body: error.toBody(), internal: false };
  const e = error as Partial<FastifyError> & { statusCode?: number };
  if (e.validation) {
    const details = validationDetails(e as FastifyError);
    const first = details[0];
    const message = first ? `${first.path} ${first.message}` : 'Request validation failed';
    return { status: 400, body: { code: 'VALIDATION_FAILED', message, details }, internal: false };
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: { code: 'BODY_TOO_LARGE', message: 'Request body is too large' }, internal: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send application/json' },
        internal: false,
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: { code: 'BAD_BODY', message: 'Request body is not valid JSON' }, internal: false };
    default:
      break;
  }
  if (e.statusCode === 429) {
    return { status: 429, body: { code: 'RATE_LIMITED', message: e.message ?? 'Too many requests' }, internal: false };
  }
  if (error instanceof SyntaxError || e.statusCode === 400) {
    return { status: 400, body: { code: 'BAD_BODY', message: 'Request body is not valid JSON' }, internal: false };
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: { code: 'VALIDATION_FAILED', message: e.message ?? 'Bad request' }, internal: false };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'Internal server error' }, internal: true };
}

/** Install the error and not-found handlers on an app. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, internal } = toErrorResponse(error);
    if (status === 429 && !reply.hasHeader('retry-after')) {
      // A refusal that knows its wait (PIN_LOCKED's `retryAfterSec`) says it; else a minute.
      const wait = (body.details as { retryAfterSec?: unknown } | undefined)?.retryAfterSec;
      reply.header('retry-after', typeof wait === 'number' && Number.isInteger(wait) && wait > 0 ? String(wait) : '60');
    }
    if (status < 500) {
      // A refusal is the caller's business: it appears on the request's debug line, with its code.
      noteRefusal(request, body.code);
      return reply.code(status).type('application/json').send(body);
    }
    // A fault is ours (or a dependency's): logged under the request id the user is given to quote.
    const url = redactUrl(request.url);
    const where = { method: request.method, url, code: body.code };
    const line = `${request.method} ${url} ${status}`;
    if (internal) request.log.error({ err: error, ...where }, `${line} unhandled error: ${(error as Error)?.message ?? String(error)}`);
    else request.log.warn(where, `${line} ${body.code}: ${body.message}`);
    return reply.code(status).type('application/json').send({ ...body, requestId: request.id });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ code: 'ROUTE_NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` }),
  );
}
