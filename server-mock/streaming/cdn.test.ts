/**
 * Operator catalogues (patent [0053]): a programme whose link is an `https://` manifest on an
 * operator's CDN. The access server admits the terminal and issues the play token; the
 * terminal plays from the CDN, which checks that token (cdn-token.ts, the documented recipe);
 * breakpoints are reported as for local media. A CDN link that answers 404, or a CDN that does
 * not answer, is MEDIA_UNAVAILABLE. The CDN here is a real HTTPS server with a self-signed
 * certificate the server process trusts through NODE_EXTRA_CA_CERTS.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HomePage } from '../../common/protocol/api.ts';
import type { Program } from '../../common/protocol/model.ts';
import type { PlayResponse } from '../../common/protocol/stream.ts';
import { DEFAULT_MEDIA_DIR } from '../config.ts';
import { spawnServer, type ServerProcess } from '../testing/process.ts';
import { checkCdnRequest, presentedCdnToken } from './cdn-token.ts';

const SECRET = 'cdn-test-play-token-secret-0123456789';
let work: string;
let cert: Buffer;
let cdn: Server;
let cdnBase: string;
let server: ServerProcess;
let admin: string;
const cdnLog: { path: string; status: number }[] = [];

/** The CDN: serves the demo's harbour-lights folder as /vod/cdn-harbour/…, token-checked. */
function startCdn(key: Buffer, c: { key: Buffer; cert: Buffer }): Promise<Server> {
  const srv = createServer(c, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://cdn.invalid');
    const decision = checkCdnRequest(key, presentedCdnToken(req.headers, url), url.pathname, (p) => /^\/vod\/([a-z0-9-]+)\//.exec(p)?.[1] ?? null);
    const end = (status: number, body = '') => {
      cdnLog.push({ path: url.pathname, status });
      res.writeHead(status, { 'access-control-allow-origin': '*' }).end(body);
    };
    if (!decision.allow) return end(decision.status, decision.reason);
    const m = /^\/vod\/cdn-harbour\/([A-Za-z0-9_.-]+)$/.exec(url.pathname);
    if (!m) return end(404);
    const file = path.join(DEFAULT_MEDIA_DIR, 'harbour-lights', m[1] as string);
    void stat(file).then(
      () => {
        cdnLog.push({ path: url.pathname, status: 200 });
        res.writeHead(200);
        if (req.method === 'HEAD') res.end();
        else createReadStream(file).pipe(res);
      },
      () => end(404),
    );
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

/** GET from the CDN, trusting its certificate. */
function cdnGet(url: string, token: string | null): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: cert, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function api<T>(method: string, url: string, auth: string | null, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${server.url}${url}`, { method, headers: { ...(auth ? { authorization: auth } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
}

const programme = (id: string, dash: string): Program => ({
  id, title: id, synopsis: 'On the operator CDN', durationMs: 600_000, kind: 'vod', terminalTypes: ['stb', 'mobile', 'pc'], artwork: 'harbour-lights/poster.jpg', links: [{ dash }],
});

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'ra-cdn-'));
  const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(work, 'key.pem'), '-out', path.join(work, 'cert.pem')], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`openssl: ${gen.stderr}`);
  cert = await readFile(path.join(work, 'cert.pem'));
  cdn = await startCdn(Buffer.from(SECRET), { key: await readFile(path.join(work, 'key.pem')), cert });
  cdnBase = `https://127.0.0.1:${(cdn.address() as { port: number }).port}`;
  server = await spawnServer(['--port', '0', '--data', path.join(work, 'data'), '--seed-demo', 'false', '--play-token-secret', SECRET], { NODE_EXTRA_CA_CERTS: path.join(work, 'cert.pem') });
  admin = `Bearer ${(await readFile(path.join(work, 'data', 'admin-token'), 'utf8')).trim()}`;
  const put = await api('PUT', '/admin/v1/programs', admin, {
    programs: [
      programme('cdn-harbour', `${cdnBase}/vod/cdn-harbour/manifest.mpd`),
      programme('cdn-gone', `${cdnBase}/vod/cdn-gone/manifest.mpd`),
      programme('cdn-down', 'https://127.0.0.1:1/vod/cdn-down/manifest.mpd'),
    ],
  });
  expect(put.status).toBe(200);
}, 30_000);
afterAll(async () => {
  await server?.stop();
  cdn?.close();
  await rm(work, { recursive: true, force: true });
});

describe('a programme on an operator CDN', () => {
  it('admits, issues the token, plays from the CDN (which checks the token) and records the breakpoint', async () => {
    await api('POST', '/api/v1/accounts', null, { login: 'cdn@example.com', password: 'correct-horse-1' });
    const session = await api<{ token: string }>('POST', '/api/v1/sessions', null, { login: 'cdn@example.com', password: 'correct-horse-1' });
    const term = await api<{ terminal: { id: string }; credential: string }>('POST', '/api/v1/terminals', `Bearer ${session.json.token}`, { name: 'TV', type: 'stb' });
    const cred = `Bearer ${term.json.credential}`;

    const play = await api<PlayResponse>('POST', '/stream/v1/play', cred, { programId: 'cdn-harbour' });
    expect(play.status, JSON.stringify(play.json)).toBe(200);
    expect(play.json.manifestUrl).toBe(`${cdnBase}/vod/cdn-harbour/manifest.mpd`);
    const token = play.json.playToken;

    const manifest = await cdnGet(play.json.manifestUrl, token);
    expect(manifest.status).toBe(200);
    expect(manifest.body).toContain('<MPD');
    expect((await cdnGet(`${cdnBase}/vod/cdn-harbour/init-0.m4s`, token)).status).toBe(200);
    expect((await cdnGet(`${cdnBase}/vod/cdn-harbour/init-0.m4s`, null)).status).toBe(401);
    expect((await cdnGet(`${cdnBase}/vod/cdn-harbour/init-0.m4s`, `${token.slice(0, -2)}xx`)).status).toBe(401);
    // The same token does not open another programme's media on that CDN.
    expect((await cdnGet(`${cdnBase}/vod/cdn-gone/manifest.mpd`, token)).status).toBe(403);

    const beat = await api<{ playToken: string }>('POST', `/stream/v1/sessions/${play.json.sessionId}/heartbeat`, `Bearer ${token}`, { position: { kind: 'offset', offsetMs: 120_000 }, seq: 1 });
    expect(beat.status).toBe(200);
    const stop = await api('POST', `/stream/v1/sessions/${play.json.sessionId}/stop`, `Bearer ${beat.json.playToken}`, { position: { kind: 'offset', offsetMs: 125_000 }, seq: 2 });
    expect(stop.status).toBe(200);
    let home: HomePage | null = null;
    for (let i = 0; i < 100; i++) {
      home = (await api<HomePage>('GET', '/portal/v1/home', cred)).json;
      // The heartbeat's report (120 s) may reach global before the stop's: wait for the stop's.
      const point = home.continueWatching[0]?.record.breakpoint;
      if (point?.kind === 'offset' && point.offsetMs === 125_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(home?.continueWatching[0]).toMatchObject({ program: { id: 'cdn-harbour' }, record: { breakpoint: { kind: 'offset', offsetMs: 125_000 } } });

    // A CDN path that answers 404, and a CDN that does not answer: MEDIA_UNAVAILABLE, flagged.
    for (const id of ['cdn-gone', 'cdn-down']) {
      const r = await api<{ code: string }>('POST', '/stream/v1/play', cred, { programId: id });
      expect([r.status, r.json.code], id).toEqual([409, 'MEDIA_UNAVAILABLE']);
    }
    const flagged = await api<{ programs: { programId: string; media: string }[] }>('GET', '/admin/v1/library/media', admin);
    expect(flagged.json.programs.map((p) => [p.programId, p.media]).sort()).toEqual([
      ['cdn-down', 'unreachable'],
      ['cdn-gone', 'unreachable'],
    ]);
  }, 30_000);
});
