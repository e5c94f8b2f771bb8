import { describe, expect, it, vi } from 'vitest';
import { homePage, item, record, vod } from '../testing/fixtures.ts';
import { codeOf, createApi, isApiError, type ApiError } from './http.ts';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function api(fetchImpl: (url: string, init: RequestInit) => Promise<Response>, credential: string | null = 'rat_terminal-credential') {
  const reach: boolean[] = [];
  const refused = vi.fn();
  const client = createApi({
    baseUrl: () => 'http://srv',
    credential: () => credential,
    fetch: fetchImpl as typeof fetch,
    onReachability: (r) => reach.push(r),
    onCredentialRefused: refused,
  });
  return { client, reach, refused };
}

describe('http client', () => {
  it('sends the terminal credential and returns the parsed home page', async () => {
    const calls: [string, RequestInit][] = [];
    const { client, reach } = api(async (url, init) => {
      calls.push([url, init]);
      return json(200, homePage());
    });
    const page = await client.home();
    expect(page.portalId).toBe('P1');
    expect(calls[0]?.[0]).toBe('http://srv/portal/v1/home');
    expect((calls[0]?.[1].headers as Record<string, string>).authorization).toBe('Bearer rat_terminal-credential');
    expect(reach).toEqual([true]);
  });

  it('refuses an answer that does not match the schema (BAD_RESPONSE)', async () => {
    const { client } = api(async () => json(200, { ...homePage(), continueWatching: 'nope' }));
    await expect(client.home()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('reads an answer from a newer server that carries fields it does not know, and still checks the rest', async () => {
    const film = vod('harbour-lights');
    const page = homePage([item(film, record('harbour-lights', { kind: 'offset', offsetMs: 60_000 }))]);
    const newer = {
      ...page,
      addedByANewerServer: { any: 'thing' },
      catalogue: page.catalogue.map((p) => ({ ...p, trailer: 'x/trailer.mpd', links: p.links.map((l) => ({ ...l, dvr: true })) })),
      continueWatching: page.continueWatching.map((c) => ({ ...c, record: { ...c.record, device: 'x' } })),
    };
    expect(newer.continueWatching.length).toBeGreaterThan(0);
    const { client } = api(async () => json(200, newer));
    const read = await client.home();
    expect(read.catalogue.map((p) => p.id)).toEqual(page.catalogue.map((p) => p.id));
    // A field it does know, of the wrong kind, is still refused.
    const wrong = { ...newer, catalogue: newer.catalogue.map((p, i) => (i === 0 ? { ...p, durationMs: 'long' } : p)) };
    const { client: c2 } = api(async () => json(200, wrong));
    await expect(c2.home()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('carries the server error code, status and details', async () => {
    const details = { rejected: [{ index: 1, reportId: 'r-00000002', code: 'PROGRAM_NOT_FOUND', message: 'x' }] };
    const { client } = api(async () => json(404, { code: 'PROGRAM_NOT_FOUND', message: 'Unknown programme', details }));
    const err = await client.sync({ sentAt: Date.now(), reports: [] as never }).catch((e: unknown) => e);
    expect(isApiError(err, 'PROGRAM_NOT_FOUND')).toBe(true);
    expect(err).toMatchObject({ status: 404, details, severity: 'critical' });
  });

  it('maps a failed fetch to NETWORK_DOWN (recoverable) and reports unreachability', async () => {
    const { client, reach } = api(async () => {
      throw new TypeError('Failed to fetch');
    });
    const err = await client.home().catch((e: unknown) => e);
    expect(codeOf(err)).toBe('NETWORK_DOWN');
    expect((err as ApiError).severity).toBe('recoverable');
    expect(reach).toEqual([false]);
  });

  it('maps unknown 5xx bodies to INTERNAL', async () => {
    const { client } = api(async () => new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(client.home()).rejects.toMatchObject({ code: 'INTERNAL', status: 502 });
  });

  it('tells when the terminal credential is refused (terminal removed elsewhere)', async () => {
    const { client, refused } = api(async () => json(401, { code: 'UNAUTHENTICATED', message: 'no' }));
    await expect(client.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(refused).toHaveBeenCalledTimes(1);
  });

  it('does not treat a refused play token as a refused credential', async () => {
    const { client, refused } = api(async () => json(401, { code: 'TOKEN_INVALID', message: 'expired' }));
    await expect(client.heartbeat('sess-00000001', 'pt1.token', { position: { kind: 'offset', offsetMs: 1 }, seq: 1 })).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    expect(refused).not.toHaveBeenCalled();
  });

  it('uses the play token for session calls, keepalive on request', async () => {
    let init: RequestInit | undefined;
    const { client } = api(async (_url, i) => {
      init = i;
      return json(200, { breakpoint: { kind: 'offset', offsetMs: 5 }, result: 'applied' });
    });
    await client.stop('sess-00000001', 'pt1.token', { position: { kind: 'offset', offsetMs: 5 }, seq: 3 }, { keepalive: true });
    expect((init?.headers as Record<string, string>).authorization).toBe('Bearer pt1.token');
    expect(init?.keepalive).toBe(true);
  });

  it('needs a credential for terminal calls', async () => {
    const { client } = api(async () => json(200, {}), null);
    await expect(client.home()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('stopOnUnload fires a keepalive fetch with the header', () => {
    const seen: [string, RequestInit][] = [];
    const { client } = api(async (url, init) => {
      seen.push([url, init]);
      return json(200, {});
    });
    expect(client.stopOnUnload('sess-00000001', 'pt1.token', { position: { kind: 'offset', offsetMs: 9 }, seq: 4 })).toBe(true);
    expect(seen[0]?.[0]).toBe('http://srv/stream/v1/sessions/sess-00000001/stop');
    expect(seen[0]?.[1]).toMatchObject({ method: 'POST', keepalive: true });
  });
});

describe('linking a TV (device calls)', () => {
  const codes = { deviceCode: 'rad_device-code-0123', userCode: 'BCDF-GHJK', verificationUri: 'http://srv/#/link', verificationUriComplete: 'http://srv/#/link?code=BCDF-GHJK', expiresIn: 600, interval: 5 };

  it('the TV asks for codes and polls without any credential', async () => {
    const calls: [string, RequestInit][] = [];
    const { client } = api(async (url, init) => {
      calls.push([url, init]);
      return url.endsWith('/authorize') ? json(200, codes) : json(400, { code: 'AUTHORIZATION_PENDING', message: 'wait', details: { interval: 5 } });
    });
    expect(await client.deviceAuthorize({ name: 'Living-room TV', type: 'stb' })).toEqual(codes);
    const err = await client.deviceToken(codes.deviceCode).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUTHORIZATION_PENDING', status: 400, details: { interval: 5 } });
    expect(calls.map(([url]) => url)).toEqual(['http://srv/api/v1/device/authorize', 'http://srv/api/v1/device/token']);
    expect(calls.every(([, init]) => !('authorization' in (init.headers as Record<string, string>)))).toBe(true);
    expect(JSON.parse(String(calls[1]?.[1].body))).toEqual({ deviceCode: codes.deviceCode });
  });

  it('refuses a code pair that does not match the schema', async () => {
    const { client } = api(async () => json(200, { ...codes, interval: 'soon' }));
    await expect(client.deviceAuthorize({})).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('approves a code with this terminal’s credential or with a user session', async () => {
    const auths: (string | undefined)[] = [];
    const { client } = api(async (_url, init) => {
      auths.push((init.headers as Record<string, string>).authorization);
      return json(200, { terminalName: 'Living-room TV', terminalType: 'stb' });
    });
    await client.deviceLink({ kind: 'terminal' }, { userCode: 'BCDF-GHJK' });
    await client.deviceLink({ kind: 'bearer', token: 'ras_user-session' }, { userCode: 'BCDF-GHJK', name: 'Den TV' });
    expect(auths).toEqual(['Bearer rat_terminal-credential', 'Bearer ras_user-session']);
  });

  it('a request cancelled by its caller does not count as the server being unreachable', async () => {
    const { client, reach } = api(
      (_url, init) =>
        new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
    );
    const ac = new AbortController();
    const pending = client.deviceToken(codes.deviceCode, ac.signal).catch((e: unknown) => e);
    ac.abort();
    expect(codeOf(await pending)).toBe('NETWORK_DOWN');
    expect(reach).toEqual([]);
  });
});
