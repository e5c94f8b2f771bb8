/**
 * The home page's JSON is spliced from a cached catalogue (portal/plugin.ts, homePageJson) for
 * speed; it must be byte for byte what serialising the whole page with the HomePage schema gives.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomePage } from '../../common/protocol/api.ts';
import type { Program } from '../../common/protocol/model.ts';
import { addTerminal, clusterReport, getHome, postReports, signUp, startTestServer, type TestServer } from '../testing/harness.ts';
import { homePageJson } from './plugin.ts';

const tricky: Program = {
  id: 'tricky',
  title: 'A "catalogue":[] title, \\ and \u2028 and 日本',
  titles: { catalogue: '"catalogue":[]', 'zh-CN': '节目' },
  synopsis: '},"catalogue":[],"x":{',
  durationMs: 3_600_000,
  kind: 'vod',
  terminalTypes: ['stb', 'mobile', 'pc'],
  artwork: 'tricky/poster.jpg',
  links: [{ dash: 'tricky/manifest.mpd', hls: 'tricky/master.m3u8' }],
};

/** An app that answers a given page both ways. */
async function twoWays(page: HomePage) {
  const app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
  const schema = { response: { 200: HomePage } };
  app.get('/plain', { schema }, async () => page);
  app.get('/spliced', { schema }, async (_req, reply) => {
    reply.type('application/json; charset=utf-8');
    return homePageJson(reply, page) as unknown as HomePage;
  });
  await app.ready();
  const plain = await app.inject({ method: 'GET', url: '/plain' });
  const spliced = await app.inject({ method: 'GET', url: '/spliced' });
  await app.close();
  return { plain, spliced };
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

describe('home page JSON', () => {
  let server: TestServer;
  let page: HomePage;
  let body: string;

  beforeAll(async () => {
    server = await startTestServer({}, [tricky]);
    const token = await signUp(server.app, 'json@example.test');
    const a = await addTerminal(server.app, token, 'TV "quoted"', 'stb');
    const b = await addTerminal(server.app, token, 'Phone', 'mobile');
    await postReports(server.app, [clusterReport(a.id, 'ocean', 5 * 60_000, 1), clusterReport(a.id, 'tricky', 20 * 60_000, 2)]);
    await postReports(server.app, [clusterReport(b.id, 'tricky', 30 * 60_000, 1)]);
    const res = await getHome(server.app, a.credential);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    body = res.body;
    page = JSON.parse(body) as HomePage;
  });
  afterAll(() => server.close());

  it('serves exactly the schema serialisation of the page', async () => {
    expect(page.continueWatching.length).toBeGreaterThan(0);
    const { plain } = await twoWays(page);
    expect(body).toBe(plain.body);
  });

  it('splices the same bytes for a shared (frozen) catalogue and for a fresh one', async () => {
    const fresh = await twoWays(structuredClone(page));
    expect(fresh.spliced.body).toBe(fresh.plain.body);
    const shared = deepFreeze(structuredClone(page));
    const first = await twoWays(shared);
    const second = await twoWays(shared); // from the cache this time
    expect(first.spliced.body).toBe(first.plain.body);
    expect(second.spliced.body).toBe(first.plain.body);
    expect(first.spliced.headers['content-type']).toBe(first.plain.headers['content-type']);
  });

  it('handles an empty catalogue and an empty row', async () => {
    const empty = { ...page, catalogue: [], continueWatching: [], progress: [] };
    const r = await twoWays(empty);
    expect(r.spliced.body).toBe(r.plain.body);
  });
});
