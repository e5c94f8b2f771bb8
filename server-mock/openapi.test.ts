/** The OpenAPI document is generated from the route schemas and covers every public route. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/harness.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

describe('/openapi.json and /docs', () => {
  it('lists every route with its schemas and security', async () => {
    const res = await s.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, { security?: unknown; requestBody?: unknown; responses: Record<string, unknown> }>> }>();
    expect(doc.openapi).toBe('3.1.0');
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(
      [
        'POST /api/v1/accounts',
        'POST /api/v1/sessions',
        'DELETE /api/v1/sessions/current',
        'GET /api/v1/me',
        'POST /api/v1/terminals',
        'GET /api/v1/terminals',
        'PATCH /api/v1/terminals/{terminalId}',
        'DELETE /api/v1/terminals/{terminalId}',
        'POST /global/v1/history',
        'POST /api/v1/history/sync',
        'GET /global/v1/programs',
        'POST /global/v1/terminals/introspect',
        'DELETE /api/v1/continue-watching/{programId}',
        'GET /api/v1/events',
        'GET /api/v1/presence',
        'POST /global/v1/presence',
        'POST /api/v1/handoff/claim',
        'POST /api/v1/remote/commands',
        'POST /api/v1/remote/play-on',
        'POST /api/v1/remote/answers',
        'GET /api/v1/remote/targets',
        'GET /admin/v1/programs',
        'PUT /admin/v1/programs',
        'DELETE /admin/v1/programs/{programId}',
        'POST /admin/v1/retention/run',
        'GET /portal/v1/home',
        'GET /portal/v2/home',
        'GET /portal/v1/catalogue',
        'GET /healthz',
        'GET /global/v1/terminals/{terminalId}',
        'POST /stream/v1/play',
        'POST /stream/v1/sessions/{sessionId}/heartbeat',
        'POST /stream/v1/sessions/{sessionId}/stop',
        'GET /media/{programId}/{*}',
        'GET /artwork/{*}',
        'POST /api/v1/device/authorize',
        'POST /api/v1/device/token',
        'POST /api/v1/device/link',
        'GET /admin/v1/library',
        'POST /admin/v1/library/folders',
        'DELETE /admin/v1/library/folders',
        'POST /admin/v1/library/scan',
        'GET /admin/v1/library/jobs',
        'GET /admin/v1/library/programs',
        'PATCH /admin/v1/library/programs/{programId}',
        'GET /admin/v1/library/media',
        'GET /api/v1/registration',
        'POST /api/v1/account/password',
        'POST /api/v1/account/sign-out-everywhere',
        'POST /api/v1/account/delete',
        'GET /api/v1/account/export',
        'GET /global/v1/revocations',
        'GET /api/v1/profiles',
        'POST /api/v1/profiles',
        'PATCH /api/v1/profiles/{profileId}',
        'DELETE /api/v1/profiles/{profileId}',
        'PUT /api/v1/terminals/current/profile',
        'PUT /api/v1/account/settings',
      ].sort(),
    );
    const report = doc.paths['/global/v1/history']?.post;
    expect(report?.security).toEqual([{ serviceCredential: [] }]);
    expect(report?.requestBody).toBeDefined();
    expect(Object.keys(report?.responses ?? {})).toEqual(expect.arrayContaining(['200', '4XX', '5XX']));
  });

  it('serves a human-readable docs page', async () => {
    const res = await s.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });
});

describe('CORS', () => {
  it('answers a preflight from another origin and labels responses', async () => {
    const pre = await s.app.inject({
      method: 'OPTIONS',
      url: '/stream/v1/play',
      headers: { origin: 'http://portal.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(String(pre.headers['access-control-allow-headers'])).toContain('authorization');
    const res = await s.app.inject({ url: '/healthz', headers: { origin: 'http://portal.example' } });
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers a preflight of a guarded route without a credential, and labels refusals too', async () => {
    const pre = await s.app.inject({
      method: 'OPTIONS',
      url: '/portal/v1/home',
      headers: { origin: 'http://tv.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, range' },
    });
    expect(pre.statusCode).toBe(204);
    expect(String(pre.headers['access-control-allow-methods'])).toContain('GET');
    expect(pre.headers['access-control-max-age']).toBe('600');
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
    // A refusal must be readable cross-origin, with the headers a player and a support request need.
    const refused = await s.app.inject({ url: '/portal/v1/home', headers: { origin: 'http://tv.example' } });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe('*');
    const exposed = String(refused.headers['access-control-expose-headers']).split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['content-range', 'etag', 'retry-after', 'x-request-id']));
  });
});
