/**
 * Split topology at the portal: a portal app with no global role talks to a global app over
 * real HTTP with a service credential (the patent's ms1/ms3). Also: a portal's credentials are
 * checked, and an unreachable global is a clear 503, not a crash.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CataloguePage, HomeDocument, HomePage } from '../common/protocol/api.ts';
import { buildApp } from './app.ts';
import { defaultConfig } from './config.ts';
import { addTerminal, clusterReport, postReports, SERVICE, signUp, startTestServer, type TestServer } from './testing/harness.ts';

let global: TestServer;
let globalUrl: string;
beforeEach(async () => {
  global = await startTestServer();
  globalUrl = await global.app.listen({ host: '127.0.0.1', port: 0 });
});
afterEach(async () => {
  await global.close();
});

async function portal(url: string, secret: string = SERVICE.secret) {
  const config = defaultConfig({
    roles: ['portal'],
    globalUrl: url,
    serviceCredentials: [{ id: SERVICE.id, secret }],
    instanceId: 'P2',
    logLevel: 'silent',
  });
  const { app } = await buildApp({ config, logger: false });
  await app.ready();
  return app;
}

describe('portal in its own process space', () => {
  it('builds B’s home from global over HTTP, with A’s record', async () => {
    const user = await signUp(global.app, 'split@example.com');
    const a = await addTerminal(global.app, user, 'TV', 'stb');
    const b = await addTerminal(global.app, user, 'Phone', 'mobile');
    await postReports(global.app, [clusterReport(a.id, 'city', 240_000, 1)]);
    const p2 = await portal(globalUrl);
    try {
      const res = await p2.inject({ url: '/portal/v1/home', headers: { authorization: `Bearer ${b.credential}` } });
      expect(res.statusCode, res.body).toBe(200);
      const home = res.json<HomePage>();
      expect(home.portalId).toBe('P2');
      expect(home.terminal.id).toBe(b.id);
      expect(home.continueWatching.map((c) => [c.program.id, c.record.terminalName, c.record.breakpoint])).toEqual([
        ['city', 'TV', { kind: 'offset', offsetMs: 240_000 }],
      ]);
      expect(home.catalogue.some((p) => p.id === 'tv-only')).toBe(false);
      // The split home page over HTTP: the document names the version the catalogue route serves.
      const doc = (await p2.inject({ url: '/portal/v2/home', headers: { authorization: `Bearer ${b.credential}` } })).json<HomeDocument>();
      const cat = await p2.inject({ url: '/portal/v1/catalogue', headers: { authorization: `Bearer ${b.credential}` } });
      expect(cat.json<CataloguePage>().programs).toEqual(home.catalogue);
      expect(doc.catalogue).toEqual({ version: cat.json<CataloguePage>().version, total: home.catalogue.length });
      expect(doc.continueWatching.map((c) => c.programId)).toEqual(['city']);
      const again = await p2.inject({ url: '/portal/v1/catalogue', headers: { authorization: `Bearer ${b.credential}`, 'if-none-match': String(cat.headers.etag) } });
      expect(again.statusCode).toBe(304);
      // The portal serves no global routes of its own.
      expect((await p2.inject({ method: 'POST', url: '/global/v1/history', payload: {} })).statusCode).toBe(404);
      // A forged terminal credential is refused by the portal after asking global.
      const forged = await p2.inject({ url: '/portal/v1/home', headers: { authorization: 'Bearer rat_forged' } });
      expect(forged.statusCode).toBe(401);
    } finally {
      await p2.close();
    }
  });

  it('a portal with a wrong service secret cannot read anything (503: a deployment fault)', async () => {
    const user = await signUp(global.app, 'split2@example.com');
    const b = await addTerminal(global.app, user, 'Phone', 'mobile');
    const p2 = await portal(globalUrl, 'a-wrong-secret-0123456789');
    try {
      const res = await p2.inject({ url: '/portal/v1/home', headers: { authorization: `Bearer ${b.credential}` } });
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('UPSTREAM_UNAVAILABLE');
    } finally {
      await p2.close();
    }
  });

  it('an unreachable global is a 503 with a stable code', async () => {
    const p2 = await portal('http://127.0.0.1:9');
    try {
      const res = await p2.inject({ url: '/portal/v1/home', headers: { authorization: 'Bearer rat_anything' } });
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('UPSTREAM_UNAVAILABLE');
    } finally {
      await p2.close();
    }
  });
});
