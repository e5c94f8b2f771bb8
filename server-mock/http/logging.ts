/**
 * Logs and request ids. One line per event: human-readable on a terminal (pino-pretty), one
 * JSON object per line otherwise (a log collector, the PC app's `logs/server.log`) or with
 * `--log-format json`. A request is one line at `debug` (method, path, status, time), not two
 * at `info`; a refused request adds its stable code to that line; an unexpected error is one
 * line at `error` with the stack. Every line about a request carries its id (`reqId`), which is
 * also sent back as `x-request-id` on every response and in the body of every 5xx, so a user
 * can quote it and an operator can find the stack.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import pretty from 'pino-pretty';
import type { Config } from '../config.ts';

/** The response header carrying the request id (also accepted from a proxy in front). */
export const REQUEST_ID_HEADER = 'x-request-id';

/** An id a proxy in front may hand us: short and plain, so it cannot forge log lines. */
const UPSTREAM_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * This process's part of its request ids: random, so the ids of several instances (and of one
 * instance's restarts) in one log collector never collide. A request id only has to be unique,
 * not secret — it is shown to users so they can quote it — so each request adds a counter to it
 * rather than asking the OS for random bytes: `randomBytes` per request was 7 % of the heartbeat
 * route's CPU (`node bench/profile.ts heartbeat`).
 */
const ID_PREFIX = randomBytes(6).toString('base64url');
let idCounter = 0;

/**
 * Fastify's genReqId: the caller's `x-request-id` when it is a plain token, else this process's
 * prefix and a counter (12 characters, more after 1.7 million requests).
 */
export function requestId(req: IncomingMessage): string {
  const upstream = req.headers[REQUEST_ID_HEADER];
  if (typeof upstream === 'string' && UPSTREAM_ID.test(upstream)) return upstream;
  idCounter = (idCounter + 1) % Number.MAX_SAFE_INTEGER;
  return ID_PREFIX + idCounter.toString(36).padStart(4, '0');
}

/** Strip secrets from a logged URL (`?token=` play tokens, `?access_token=` credentials). */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:access_)?token=)[^&]*/g, '$1[redacted]');
}

/** The format actually used: `auto` is pretty on a terminal, JSON otherwise. */
export function resolveLogFormat(format: Config['logFormat'], isTTY: boolean): 'pretty' | 'json' {
  if (format === 'auto') return isTTY ? 'pretty' : 'json';
  return format;
}

/** Options of Fastify's logger (pino) for a config; `destination` defaults to stdout. */
export function loggerOptions(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  destination: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): Record<string, unknown> {
  const format = resolveLogFormat(config.logFormat, destination.isTTY === true);
  return {
    level: config.logLevel,
    redact: ['req.headers.authorization'],
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }),
    },
    ...(format === 'pretty'
      ? {
          stream: pretty({
            destination,
            colorize: destination.isTTY === true,
            translateTime: 'SYS:HH:MM:ss.l',
            // Already in the message line (request lines and errors name method, path, status, code).
            ignore: 'pid,hostname,reqId,method,url,status,ms,code',
            // Written as they come: a line must not be lost when the process exits.
            sync: true,
            messageFormat: (log, key) => `${typeof log.reqId === 'string' ? `[${log.reqId}] ` : ''}${String(log[key] ?? '')}`,
          }),
        }
      : destination === process.stdout
        ? {}
        : { stream: destination }),
  };
}

/** The stable code a refused request was answered with, for its one request line. */
const refusals = new WeakMap<object, string>();

/** Remember why a request was refused (called by the error handler). */
export function noteRefusal(request: FastifyRequest, code: string): void {
  refusals.set(request, code);
}

/**
 * Fastify's request log lines, through its LogController extension point: nothing when a
 * request arrives, one debug line when it completes, and a client that hangs up mid-stream (a
 * player dropping a segment download: routine) at debug instead of info.
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      super.requestCompleted(error, request, reply);
      return;
    }
    if (!(request.log as { isLevelEnabled?: (l: string) => boolean }).isLevelEnabled?.('debug')) return;
    const url = redactUrl(request.url);
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    const code = refusals.get(request);
    request.log.debug(
      { method: request.method, url, status: reply.statusCode, ms, ...(code ? { code } : {}) },
      `${request.method} ${url} ${reply.statusCode}${code ? ` ${code}` : ''} ${ms} ms`,
    );
  }

  override streamError(error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
    if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') request.log.debug({ url: redactUrl(request.url) }, 'client closed the stream early');
    else super.streamError(error, request, reply);
  }
}

/** Send the request id on every response. */
export function installRequestIds(app: FastifyInstance): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}
