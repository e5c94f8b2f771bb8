/**
 * Logs as an operator reads them: JSON lines when not on a terminal, one readable line per event
 * in the pretty format; each request once at debug (and not at info); a fault logged with its
 * stack under a request id that the caller also receives (header and 5xx body); secrets in URLs
 * redacted.
 */
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { defaultConfig, type Config } from '../config.ts';
import { loggerOptions, redactUrl, resolveLogFormat } from './logging.ts';

/** A log destination that keeps what it is given; `isTTY` as a terminal would say. */
class Sink extends Writable {
  text = '';
  readonly isTTY: boolean;
  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  lines(): string[] {
    return this.text.split('\n').filter(Boolean);
  }
}

let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

/** A portal-only app (no store needed) logging into `sink`, with a route that fails. */
async function appLoggingTo(sink: Sink, overrides: Partial<Config>): Promise<FastifyInstance> {
  const config = defaultConfig({
    roles: ['portal'],
    globalUrl: 'http://127.0.0.1:9',
    serviceCredentials: [{ id: 'p1', secret: 'logging-test-secret-0123' }],
    ...overrides,
  });
  const built = await buildApp({ config, logger: loggerOptions(config, sink) });
  built.app.get('/boom', { schema: { hide: true } }, async () => {
    throw new Error('kaboom: the disk fell off');
  });
  app = built.app;
  return built.app;
}

describe('format', () => {
  it('auto is pretty on a terminal and JSON otherwise; explicit formats win', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('writes one JSON object per line when not on a terminal, each request once at debug', async () => {
    const sink = new Sink(false);
    const a = await appLoggingTo(sink, { logLevel: 'debug', logFormat: 'auto' });
    const res = await a.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    const lines = sink.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    const requestLines = lines.filter((l) => l.url === '/healthz');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ level: 20, method: 'GET', status: 200, reqId: res.headers['x-request-id'] });
    expect(requestLines[0]?.msg).toMatch(/^GET \/healthz 200 [\d.]+ ms$/);
  });

  it('logs nothing per request at info', async () => {
    const sink = new Sink(false);
    const a = await appLoggingTo(sink, { logLevel: 'info', logFormat: 'json' });
    for (let i = 0; i < 5; i++) await a.inject({ url: '/healthz' });
    await a.inject({ url: '/portal/v1/home' }); // a refusal (401) is the caller's business too
    // The one line allowed: this portal's global (a closed port) is unreachable for its revocation feed.
    expect(sink.lines().filter((l) => !l.includes('revocation feed lost'))).toEqual([]);
    expect(sink.lines().length).toBeLessThanOrEqual(1);
  });

  it('pretty: one readable line per request with its id and the refusal code, no JSON', async () => {
    const sink = new Sink(false);
    const a = await appLoggingTo(sink, { logLevel: 'debug', logFormat: 'pretty' });
    const res = await a.inject({ url: '/portal/v1/home' });
    expect(res.statusCode).toBe(401);
    const id = res.headers['x-request-id'] as string;
    const line = sink.lines().find((l) => l.includes('/portal/v1/home'));
    expect(line).toMatch(new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] DEBUG: \\[${id}\\] GET /portal/v1/home 401 UNAUTHENTICATED [\\d.]+ ms$`));
    expect(sink.text).not.toContain('{"');
    expect(sink.text).not.toContain('\u001b['); // not a terminal: no colours
  });

  it('pretty on a terminal is coloured', async () => {
    const sink = new Sink(true);
    const a = await appLoggingTo(sink, { logLevel: 'debug', logFormat: 'auto' });
    await a.inject({ url: '/healthz' });
    expect(sink.text).toContain('\u001b[');
    expect(sink.text).toContain('GET /healthz 200');
  });
});

describe('request ids', () => {
  it('a fault is a 5xx naming its request id, which the error line with the stack carries', async () => {
    const sink = new Sink(false);
    const a = await appLoggingTo(sink, { logLevel: 'info', logFormat: 'json' });
    const res = await a.inject({ url: '/boom?token=SECRET-PLAY-TOKEN' });
    expect(res.statusCode).toBe(500);
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(res.json()).toEqual({ code: 'INTERNAL', message: 'Internal server error', requestId: id });
    expect(res.body).not.toContain('kaboom');
    const errors = sink.lines().map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ reqId: id, url: '/boom?token=[redacted]', code: 'INTERNAL' });
    expect(String((errors[0]?.err as { stack?: string }).stack)).toContain('kaboom: the disk fell off');
    expect(sink.text).not.toContain('SECRET-PLAY-TOKEN');
  });

  it('every response carries a fresh id; a plain upstream x-request-id is kept, anything else replaced', async () => {
    const a = await appLoggingTo(new Sink(false), { logLevel: 'silent' });
    const one = (await a.inject({ url: '/healthz' })).headers['x-request-id'];
    const two = (await a.inject({ url: '/healthz' })).headers['x-request-id'];
    expect(one).not.toBe(two);
    expect((await a.inject({ url: '/healthz', headers: { 'x-request-id': 'lb-7f3a.42' } })).headers['x-request-id']).toBe('lb-7f3a.42');
    for (const forged of ['a b', 'x\ny', 'z'.repeat(65), '"}{"level":60']) {
      const got = (await a.inject({ url: '/healthz', headers: { 'x-request-id': forged } })).headers['x-request-id'];
      expect(got).toMatch(/^[A-Za-z0-9_-]{12,20}$/);
    }
    // Unique within the process (a counter) and across processes (a random prefix each).
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) ids.add((await a.inject({ url: '/healthz' })).headers['x-request-id'] as string);
    expect(ids.size).toBe(200);
    const other = spawnSync(process.execPath, ['-e', "import('./server-mock/http/logging.ts').then((m) => console.log(m.requestId({ headers: {} })))"], { encoding: 'utf8' });
    expect(other.status, other.stderr).toBe(0);
    expect(other.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(other.stdout.trim().slice(0, 8)).not.toBe(String(one).slice(0, 8));
  });

  it('a 4xx body stays as it was (no id), the header has it', async () => {
    const a = await appLoggingTo(new Sink(false), { logLevel: 'silent' });
    const res = await a.inject({ url: '/portal/v1/home' });
    expect(Object.keys(res.json() as object).sort()).toEqual(['code', 'message']);
    expect(res.headers['x-request-id']).toBeTruthy();
  });
});

describe('redactUrl', () => {
  it('hides play tokens and credentials in query strings', () => {
    expect(redactUrl('/media/a/b.m4s?token=pt1.x.y&x=1')).toBe('/media/a/b.m4s?token=[redacted]&x=1');
    expect(redactUrl('/api/v1/events?access_token=rat_abc')).toBe('/api/v1/events?access_token=[redacted]');
    expect(redactUrl('/a?x=1&token=t')).toBe('/a?x=1&token=[redacted]');
  });
});
