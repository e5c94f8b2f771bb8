/**
 * Keep-alive comments on push streams: one timer serves every open stream (a timer per stream
 * cost each idle connection memory, bench/sse-memory.ts), each stream still hears a comment
 * every `keepAliveMs`, and the streams left open keep hearing them when another closes.
 */
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { eventRoutes } from './routes-events.ts';
import { addTerminal, signUp, startTestServer, type TestServer } from '../testing/harness.ts';

let s: TestServer | null = null;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await s?.close();
  s = null;
});

/** Read a stream's text as it arrives. */
async function reader(url: string, credential: string) {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${credential}` }, signal: ctrl.signal });
  expect(res.status).toBe(200);
  let text = '';
  const decoder = new TextDecoder();
  const done = (async () => {
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
    } catch {
      // aborted
    }
  })();
  return {
    text: () => text,
    close: async () => {
      ctrl.abort();
      await done;
    },
  };
}

describe('push stream keep-alives', () => {
  it('one timer writes a comment to every open stream, and goes on for those left when one closes', async () => {
    s = await startTestServer();
    const { bus, auth, revocations, profiles } = s.global;
    const app = Fastify({ logger: false });
    await app.register(eventRoutes, { bus, auth, revocations, profiles, keepAliveMs: 50 });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    closers.push(() => app.close());
    const user = await signUp(s.app, 'keepalive@example.com');
    const a = await addTerminal(s.app, user, 'TV', 'stb');
    const b = await addTerminal(s.app, user, 'Phone', 'mobile');
    const ra = await reader(`${base}/api/v1/events`, a.credential);
    const rb = await reader(`${base}/api/v1/events`, b.credential);
    closers.unshift(() => ra.close(), () => rb.close());

    const comments = (t: string) => t.split(': keep-alive\n\n').length - 1;
    await expect.poll(() => comments(ra.text()), { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => comments(rb.text()), { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    expect(ra.text()).toContain('event: hello');

    await ra.close();
    const before = rb.text().length;
    await expect.poll(() => comments(rb.text().slice(before)), { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
  });
});
