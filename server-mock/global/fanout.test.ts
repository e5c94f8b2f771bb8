/**
 * Two global instances over one PostgreSQL schema (as behind a load balancer): a stop reported
 * to instance 1 reaches an SSE client of instance 2 (LISTEN/NOTIFY, ids only, the record read
 * back from the shared store); a terminal removed through instance 1 has its stream on
 * instance 2 closed and its credential refused there; a catalogue change made on one instance
 * is seen by the other. Latency targets are measured in bench/, not asserted here.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PG_SKIP_REASON, dropTestSchemas, freshSchema } from '../store/postgres-testing.ts';
import { ADMIN_TOKEN, addTerminal, clusterReport, getHome, postReports, signUp, startTestServer, type TestServer } from '../testing/harness.ts';
import { openEventStream, type EventStream } from '../testing/sse-client.ts';

const open: (TestServer | EventStream)[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) {
    if ('app' in x) await x.close();
    else x.close();
  }
});
afterAll(dropTestSchemas);

async function twoInstances(): Promise<[TestServer, TestServer, string, string]> {
  const schema = freshSchema();
  const one = await startTestServer({ roles: ['global', 'portal'] }, [], { pgSchema: schema });
  const two = await startTestServer({ roles: ['global', 'portal'] }, [], { pgSchema: schema });
  open.push(one, two);
  return [one, two, await one.app.listen({ host: '127.0.0.1', port: 0 }), await two.app.listen({ host: '127.0.0.1', port: 0 })];
}

describe.skipIf(PG_SKIP_REASON !== null)(`several global instances on PostgreSQL${PG_SKIP_REASON ? ` (skipped: ${PG_SKIP_REASON})` : ''}`, () => {
  it('pushes a stop reported to instance 1 to an SSE client on instance 2, and to no other user', async () => {
    const [one, , , base2] = await twoInstances();
    const alice = await signUp(one.app, 'alice@example.com');
    const a = await addTerminal(one.app, alice, 'TV', 'stb');
    const b = await addTerminal(one.app, alice, 'Phone', 'mobile');
    const carol = await signUp(one.app, 'carol@example.com');
    const c = await addTerminal(one.app, carol, 'PC', 'pc');
    const bEvents = await openEventStream(base2, b.credential);
    const cEvents = await openEventStream(base2, c.credential);
    open.push(bEvents, cEvents);

    const latencies: number[] = [];
    for (let seq = 1; seq <= 20; seq++) {
      const sent = performance.now();
      expect((await postReports(one.app, [clusterReport(a.id, 'ocean', 60_000 * seq, seq)])).statusCode).toBe(200);
      const got = await bEvents.next((e) => e.type === 'history' && e.record.seq === seq, 5_000);
      expect(got.event).toMatchObject({ type: 'history', outcome: 'applied', event: 'stop', record: { terminalId: a.id, terminalName: 'TV', programId: 'ocean', breakpoint: { kind: 'offset', offsetMs: 60_000 * seq } } });
      latencies.push(got.at - sent);
    }
    console.log(`fan-out stop → SSE on the other instance: median ${latencies.sort((x, y) => x - y)[10]?.toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms (20 stops)`);
    await new Promise((r) => setTimeout(r, 200));
    expect(cEvents.events.map((e) => e.event.type)).toEqual(['hello']);
  });

  it('closes the stream on instance 2 of a terminal removed through instance 1, and refuses its credential there', async () => {
    const [one, two, , base2] = await twoInstances();
    const alice = await signUp(one.app, 'alice@example.com');
    const b = await addTerminal(one.app, alice, 'Phone', 'mobile');
    const bEvents = await openEventStream(base2, b.credential);
    open.push(bEvents);
    const removed = performance.now();
    const del = await one.app.inject({ method: 'DELETE', url: `/api/v1/terminals/${b.id}`, headers: { authorization: `Bearer ${alice}` } });
    expect(del.statusCode, del.body).toBeLessThan(300);
    const closedAt = await Promise.race([bEvents.ended, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('stream still open after 5 s')), 5_000))]);
    console.log(`revocation across instances: stream closed ${(closedAt - removed).toFixed(1)} ms after the removal`);
    expect((await getHome(two.app, b.credential)).statusCode).toBe(401);
  });

  it('lets instance 2 see a catalogue change made through instance 1', async () => {
    const [one, two] = await twoInstances();
    const alice = await signUp(two.app, 'alice@example.com');
    const tv = await addTerminal(two.app, alice, 'TV', 'stb');
    expect((await getHome(two.app, tv.credential)).json().catalogue.some((p: { id: string }) => p.id === 'fresh')).toBe(false);
    const put = await one.app.inject({
      method: 'PUT', url: '/admin/v1/programs', headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { programs: [{ id: 'fresh', title: 'Fresh', synopsis: '', durationMs: 600_000, kind: 'vod', terminalTypes: ['stb'], artwork: 'fresh/poster.jpg', links: [{ dash: 'fresh/manifest.mpd' }] }] },
    });
    expect(put.statusCode, put.body).toBeLessThan(300);
    let seen = false;
    for (let i = 0; i < 100 && !seen; i++) {
      seen = (await getHome(two.app, tv.credential)).json().catalogue.some((p: { id: string }) => p.id === 'fresh');
      if (!seen) await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).toBe(true);
    // The catalogue's version is the content's: the same on both instances, so a copy revalidates on either.
    const version = async (app: typeof one.app) =>
      (await app.inject({ url: '/portal/v2/home', headers: { authorization: `Bearer ${tv.credential}` } })).json<{ catalogue: { version: string } }>().catalogue.version;
    expect(await version(one.app)).toBe(await version(two.app));
    const tag = (await one.app.inject({ url: '/portal/v1/catalogue', headers: { authorization: `Bearer ${tv.credential}` } })).headers.etag;
    const again = await two.app.inject({ url: '/portal/v1/catalogue', headers: { authorization: `Bearer ${tv.credential}`, 'if-none-match': String(tag) } });
    expect(again.statusCode).toBe(304);
  });
});
