/**
 * Server push over real HTTP: a history change made by one terminal reaches the user's other
 * terminals within milliseconds, and never another user's terminals.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addTerminal, clusterReport, postReports, signUp, startTestServer, type TestServer } from '../testing/harness.ts';
import { openEventStream, type EventStream } from '../testing/sse-client.ts';

let s: TestServer;
let base: string;
const streams: EventStream[] = [];
beforeEach(async () => {
  s = await startTestServer();
  base = await s.app.listen({ host: '127.0.0.1', port: 0 });
});
afterEach(async () => {
  for (const st of streams.splice(0)) st.close();
  await s.close();
});

describe('GET /api/v1/events', () => {
  it('pushes A’s stop to B within milliseconds and nothing to another user', async () => {
    const alice = await signUp(s.app, 'alice@example.com');
    const a = await addTerminal(s.app, alice, 'TV', 'stb');
    const b = await addTerminal(s.app, alice, 'Phone', 'mobile');
    const carol = await signUp(s.app, 'carol@example.com');
    const c = await addTerminal(s.app, carol, 'PC', 'pc');
    const bEvents = await openEventStream(base, b.credential);
    const cEvents = await openEventStream(base, c.credential, true);
    streams.push(bEvents, cEvents);

    const sent = performance.now();
    const res = await postReports(s.app, [clusterReport(a.id, 'ocean', 480_000, 1)]);
    expect(res.statusCode).toBe(200);
    const got = await bEvents.next((e) => e.type === 'history');
    expect(got.event).toMatchObject({
      type: 'history',
      outcome: 'applied',
      event: 'stop',
      record: { terminalId: a.id, terminalName: 'TV', programId: 'ocean', breakpoint: { kind: 'offset', offsetMs: 480_000 } },
    });
    expect(got.at - sent).toBeLessThan(1_000);

    // Give C's stream time to receive anything it should not.
    await new Promise((r) => setTimeout(r, 200));
    expect(cEvents.events.map((e) => e.event.type)).toEqual(['hello']);
  });

  it('does not push unmoved heartbeats or stale reports', async () => {
    const u = await signUp(s.app, 'dave@example.com');
    const a = await addTerminal(s.app, u, 'TV', 'stb');
    const b = await addTerminal(s.app, u, 'PC', 'pc');
    const events = await openEventStream(base, b.credential);
    streams.push(events);
    await postReports(s.app, [clusterReport(a.id, 'ocean', 300_000, 2)]);
    await events.next((e) => e.type === 'history');
    await postReports(s.app, [clusterReport(a.id, 'ocean', 300_000, 3, { event: 'heartbeat' }), clusterReport(a.id, 'ocean', 10_000, 1)]);
    await new Promise((r) => setTimeout(r, 200));
    expect(events.events.filter((e) => e.event.type === 'history')).toHaveLength(1);
  });

  it('lets the server shut down promptly while a stream is open', async () => {
    const u = await signUp(s.app, 'frank@example.com');
    const a = await addTerminal(s.app, u, 'TV', 'stb');
    streams.push(await openEventStream(base, a.credential));
    const started = performance.now();
    await s.app.close();
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('notes the terminal seen when its stream ends, like any other successful terminal request', async () => {
    // The route is outside the app's last-seen onResponse hook (plugin.ts): the stream does it.
    const u = await signUp(s.app, 'gina@example.com');
    const a = await addTerminal(s.app, u, 'TV', 'stb');
    const seen = vi.spyOn(s.global.accounts, 'noteSeen');
    streams.push(await openEventStream(base, a.credential));
    expect(seen).not.toHaveBeenCalled(); // not while it is open
    const other = await addTerminal(s.app, u, 'PC', 'pc');
    const res = await s.app.inject({ method: 'GET', url: '/api/v1/presence', headers: { authorization: `Bearer ${other.credential}` } });
    expect(res.statusCode).toBe(200);
    expect(seen.mock.calls.map((c) => c[0])).toEqual([other.id]); // the hook still runs for other routes
    await s.app.close(); // ends the stream from the server
    for (let i = 0; i < 50 && seen.mock.calls.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(seen.mock.calls.map((c) => c[0])).toEqual([other.id, a.id]);
  });

  it('closes subscriptions when the client goes away', async () => {
    const u = await signUp(s.app, 'erin@example.com');
    const a = await addTerminal(s.app, u, 'TV', 'stb');
    const st = await openEventStream(base, a.credential);
    expect(s.global.bus.size).toBe(1);
    st.close();
    for (let i = 0; i < 50 && s.global.bus.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.global.bus.size).toBe(0);
  });
});
