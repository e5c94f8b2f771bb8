/**
 * The media server: play-token admission, HTTP delivery (ranges, validators, types, HEAD),
 * path safety against every traversal trick, token propagation into manifests, and a real
 * DASH/HLS client (ffprobe) playing through it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMedia, ffprobe, HAVE_FFPROBE, isoSeconds, mediaApp, NEEDS_FFPROBE, playToken, rawHttpGet } from './test-fixtures.ts';

const NOW_MS = Date.UTC(2026, 5, 1, 12);
const NOW_S = NOW_MS / 1000;
const SECRET = 'TOP-SECRET-OUTSIDE-THE-MEDIA-DIR';
const SEGMENT = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

const MPD = `<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT4S">
  <BaseURL>https://cdn.example.com/mirror/</BaseURL>
  <Period>
    <AdaptationSet>
      <Representation id="v" bandwidth="1">
        <BaseURL>video/</BaseURL>
        <SegmentTemplate timescale="1" duration="2" startNumber="1" initialization="init-$RepresentationID$.m4s" media="chunk-$RepresentationID$-$Number%05d$.m4s?x=1&amp;y=2"/>
      </Representation>
      <Representation id="a" bandwidth="1"><BaseURL>audio.mp4</BaseURL><SegmentBase indexRange="0-99"/></Representation>
      <Representation id="s" bandwidth="1">
        <SegmentList duration="2"><Initialization sourceURL="sub-init.mp4"/><SegmentURL media="sub-1.m4s"/><SegmentURL media="https://cdn.example.com/sub-2.m4s"/></SegmentList>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>
`;
const MASTER = `#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",DEFAULT=YES,URI="audio.m3u8"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="s",NAME="en",URI="https://cdn.example.com/subs.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=1000,AUDIO="a"
video.m3u8
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=100,URI="iframes.m3u8"
`;
const PLAYLIST = `#EXTM3U\r
#EXT-X-TARGETDURATION:2\r
#EXT-X-MAP:URI="init.mp4"\r
#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example.com/k"\r
#EXTINF:2,\r
seg-1.m4s\r
#EXTINF:2,\r
/media/synthetic/seg-2.m4s\r
#EXTINF:2,\r
https://cdn.example.com/seg-3.m4s\r
#EXT-X-ENDLIST\r
`;

let dir: string;
let app: FastifyInstance;
let port: number;
let clockMs = NOW_MS;
const teaBreak = demoMedia('tea-break');
const auth = (p = 'synthetic', token = playToken(p, NOW_S)) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'media-test-'));
  const media = path.join(dir, 'media');
  const syn = path.join(media, 'synthetic');
  mkdirSync(path.join(syn, 'sub'), { recursive: true });
  mkdirSync(path.join(dir, 'outside'));
  writeFileSync(path.join(dir, 'outside/secret.m4s'), SECRET);
  writeFileSync(path.join(dir, 'outside/secret.jpg'), SECRET);
  writeFileSync(path.join(syn, 'manifest.mpd'), MPD);
  writeFileSync(path.join(syn, 'master.m3u8'), MASTER);
  writeFileSync(path.join(syn, 'video.m3u8'), PLAYLIST);
  writeFileSync(path.join(syn, 'seg.m4s'), SEGMENT);
  writeFileSync(path.join(syn, 'sub/seg.m4s'), SEGMENT);
  for (const f of ['init.mp4', 'poster.jpg', 'subs.vtt', 'notes.txt', '.hidden.m4s', 'poster.png']) writeFileSync(path.join(syn, f), 'x');
  mkdirSync(path.join(media, 'other'));
  writeFileSync(path.join(media, 'other/seg.m4s'), 'OTHER-PROGRAMME-BYTES');
  symlinkSync(path.join(dir, 'outside/secret.m4s'), path.join(syn, 'link.m4s'));
  symlinkSync(path.join(dir, 'outside/secret.jpg'), path.join(syn, 'link.jpg'));
  symlinkSync('../other/seg.m4s', path.join(syn, 'cross.m4s'));
  symlinkSync('seg.m4s', path.join(syn, 'inner.m4s'));
  symlinkSync(path.join(dir, 'outside'), path.join(media, 'evil'));
  spawnSync('mkfifo', [path.join(syn, 'pipe.m4s')]);
  if (teaBreak) cpSync(teaBreak, path.join(media, 'tea-break'), { recursive: true });
  app = await mediaApp({ mediaDir: media, now: () => clockMs });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A request sent byte for byte to the test server. */
const rawGet = (target: string, headers: Record<string, string> = {}) => rawHttpGet(port, target, headers);

describe('play token admission', () => {
  it('requires a token (401 UNAUTHENTICATED with a Bearer challenge)', async () => {
    const res = await app.inject({ url: '/media/synthetic/seg.m4s' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toContain('Bearer');
  });

  it('admits a header token or a query token for this programme', async () => {
    expect((await app.inject({ url: '/media/synthetic/seg.m4s', headers: auth() })).statusCode).toBe(200);
    expect((await app.inject({ url: `/media/synthetic/seg.m4s?token=${playToken('synthetic', NOW_S)}` })).statusCode).toBe(200);
  });

  const bad: [string, () => string][] = [
    ['for another programme', () => playToken('other', NOW_S)],
    ['expired', () => playToken('synthetic', NOW_S - 700, 600)],
    ['signed with another key', () => playToken('synthetic', NOW_S, 600, Buffer.alloc(32, 1))],
    [
      'tampered (claims edited, signature kept)',
      () => {
        const [prefix, body, sig] = playToken('other', NOW_S).split('.');
        const claims = JSON.parse(Buffer.from(body as string, 'base64url').toString()) as Record<string, unknown>;
        return `${prefix}.${Buffer.from(JSON.stringify({ ...claims, p: 'synthetic' })).toString('base64url')}.${sig}`;
      },
    ],
    ['truncated', () => playToken('synthetic', NOW_S).slice(0, -5)],
    ['garbage', () => 'not-a-token'],
  ];
  it.each(bad)('refuses a token %s with 401 TOKEN_INVALID', async (_name, make) => {
    for (const res of [
      await app.inject({ url: '/media/synthetic/seg.m4s', headers: auth('synthetic', make()) }),
      await app.inject({ url: `/media/synthetic/seg.m4s?token=${encodeURIComponent(make())}` }),
    ]) {
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('TOKEN_INVALID');
      expect(res.body).not.toContain(SEGMENT.subarray(0, 20).toString('latin1'));
    }
  });

  it('expires with the clock: the same token is refused once past exp', async () => {
    const token = playToken('synthetic', NOW_S, 60);
    expect((await app.inject({ url: '/media/synthetic/seg.m4s', headers: auth('synthetic', token) })).statusCode).toBe(200);
    clockMs = NOW_MS + 61_000;
    try {
      const res = await app.inject({ url: '/media/synthetic/seg.m4s', headers: auth('synthetic', token) });
      expect(res.json().code).toBe('TOKEN_INVALID');
    } finally {
      clockMs = NOW_MS;
    }
  });

  it('refuses two query tokens rather than guessing', async () => {
    const t = playToken('synthetic', NOW_S);
    const res = await app.inject({ url: `/media/synthetic/seg.m4s?token=${t}&token=${t}` });
    expect(res.statusCode).toBe(401);
  });
});

describe('HTTP delivery', () => {
  it.each([
    ['manifest.mpd', 'application/dash+xml', 'no-cache'],
    ['master.m3u8', 'application/vnd.apple.mpegurl', 'no-cache'],
    ['seg.m4s', 'video/iso.segment', 'private, max-age=86400'],
    ['init.mp4', 'video/mp4', 'private, max-age=86400'],
    ['poster.jpg', 'image/jpeg', 'private, max-age=86400'],
    ['subs.vtt', 'text/vtt; charset=utf-8', 'private, max-age=86400'],
    ['sub/seg.m4s', 'video/iso.segment', 'private, max-age=86400'],
    ['inner.m4s', 'video/iso.segment', 'private, max-age=86400'],
  ])('%s is %s, cached %s, with validators', async (file, type, cache) => {
    const res = await app.inject({ url: `/media/synthetic/${file}`, headers: auth() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe(cache);
    expect(res.headers['accept-ranges']).toBe('bytes');
    // A file's validator is @fastify/send's, weak (size and mtime, not the bytes); it still
    // serves 304 and If-Range (below). Generated entities have strong content hashes.
    expect(res.headers.etag).toMatch(/^W\/"[^"]+"$/);
    expect(res.headers['last-modified']).toBeTruthy();
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=990-', 990, 999],
    ['bytes=-10', 990, 999],
    ['bytes=500-5000', 500, 999],
    // A suffix longer than the file is the whole file (RFC 9110 §14.1.2), not a 416.
    ['bytes=-1000', 0, 999],
    ['bytes=-999999999', 0, 999],
  ])('Range %s → 206 with exactly those bytes', async (range, start, end) => {
    const res = await app.inject({ url: '/media/synthetic/seg.m4s', headers: { ...auth(), range } });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/1000`);
    expect(res.headers['content-length']).toBe(String(end - start + 1));
    expect(res.rawPayload.equals(SEGMENT.subarray(start, end + 1))).toBe(true);
  });

  it.each(['bytes=1000-', 'bytes=5000-6000', 'bytes=-0'])('Range %s → 416 with the size', async (range) => {
    const res = await app.inject({ url: '/media/synthetic/seg.m4s', headers: { ...auth(), range } });
    expect(res.statusCode).toBe(416);
    expect(res.headers['content-range']).toBe('bytes */1000');
  });

  it.each(['bytes=9-3', 'items=0-1', 'bytes=0-1,5-6'])('an unusable Range %s is ignored: 200 and everything', async (range) => {
    const res = await app.inject({ url: '/media/synthetic/seg.m4s', headers: { ...auth(), range } });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(SEGMENT)).toBe(true);
  });

  it('answers 304 to a matching ETag or date, and honours If-Range', async () => {
    const first = await app.inject({ url: '/media/synthetic/seg.m4s', headers: auth() });
    const etag = first.headers.etag as string;
    const byTag = await app.inject({ url: '/media/synthetic/seg.m4s', headers: { ...auth(), 'if-none-match': `"nope", ${etag}` } });
    expect(byTag.statusCode).toBe(304);
    expect(byTag.rawPayload.length).toBe(0);
    expect(byTag.headers.etag).toBe(etag);
    const byDate = await app.inject({ url: '/media/synthetic/seg.m4s', headers: { ...auth(), 'if-modified-since': first.headers['last-modified'] as string } });
    expect(byDate.statusCode).toBe(304);
    const changed = await app.inject({ url: '/media/synthetic/seg.m4s', headers: { ...auth(), 'if-none-match': '"other"' } });
    expect(changed.statusCode).toBe(200);
    const stale = await app.inject({ url: '/media/synthetic/seg.m4s', headers: { ...auth(), range: 'bytes=0-9', 'if-range': '"other"' } });
    expect(stale.statusCode).toBe(200);
    const fresh = await app.inject({ url: '/media/synthetic/seg.m4s', headers: { ...auth(), range: 'bytes=0-9', 'if-range': etag } });
    expect(fresh.statusCode).toBe(206);
  });

  it('answers 416 in the error vocabulary, with the size', async () => {
    const res = await app.inject({ url: '/media/synthetic/seg.m4s', headers: { ...auth(), range: 'bytes=2000-' } });
    expect(res.statusCode).toBe(416);
    expect(res.json()).toEqual({ code: 'VALIDATION_FAILED', message: 'Range not satisfiable (size 1000)' });
  });

  it('answers 412 when If-Match or If-Unmodified-Since does not hold, and serves when they do', async () => {
    const first = await app.inject({ url: '/media/synthetic/seg.m4s', headers: auth() });
    const etag = first.headers.etag as string;
    const lastModified = first.headers['last-modified'] as string;
    const failed = [
      { 'if-match': '"someone-else"' },
      { 'if-unmodified-since': new Date(Date.parse(lastModified) - 86_400_000).toUTCString() },
    ];
    for (const headers of failed) {
      const res = await app.inject({ url: '/media/synthetic/seg.m4s', headers: { ...auth(), ...headers } });
      expect(res.statusCode, JSON.stringify(headers)).toBe(412);
      expect(res.json().code).toBe('PRECONDITION_FAILED');
      expect(res.rawPayload.includes(SEGMENT.subarray(0, 50))).toBe(false);
    }
    for (const headers of [{ 'if-match': etag }, { 'if-match': '*' }, { 'if-unmodified-since': lastModified }]) {
      const res = await app.inject({ url: '/media/synthetic/seg.m4s', headers: { ...auth(), ...headers } });
      expect(res.statusCode, JSON.stringify(headers)).toBe(200);
      expect(res.rawPayload.equals(SEGMENT)).toBe(true);
    }
  });

  it('honours If-Range by date too, and a reload (Cache-Control: no-cache) is never a 304', async () => {
    const first = await app.inject({ url: '/media/synthetic/seg.m4s', headers: auth() });
    const lastModified = first.headers['last-modified'] as string;
    const byDate = await app.inject({ url: '/media/synthetic/seg.m4s', headers: { ...auth(), range: 'bytes=0-9', 'if-range': lastModified } });
    expect(byDate.statusCode).toBe(206);
    const reload = await app.inject({
      url: '/media/synthetic/seg.m4s',
      headers: { ...auth(), 'if-none-match': first.headers.etag as string, 'cache-control': 'no-cache' },
    });
    expect(reload.statusCode).toBe(200);
  });

  it('gives generated entities (a token-rewritten manifest) the same validators, 304, ranges and 412', async () => {
    const url = `/media/synthetic/manifest.mpd?token=${playToken('synthetic', NOW_S)}`;
    const first = await app.inject({ url });
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(first.headers['accept-ranges']).toBe('bytes');
    expect((await app.inject({ url, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    const part = await app.inject({ url, headers: { range: 'bytes=0-4' } });
    expect(part.statusCode).toBe(206);
    expect(part.body).toBe(first.body.slice(0, 5));
    expect(part.headers['content-range']).toBe(`bytes 0-4/${first.rawPayload.length}`);
    expect((await app.inject({ url, headers: { range: 'bytes=0-4', 'if-range': '"old"' } })).statusCode).toBe(200);
    expect((await app.inject({ url, headers: { range: 'bytes=0-4', 'if-range': etag } })).statusCode).toBe(206);
    expect((await app.inject({ url, headers: { range: 'bytes=99999-' } })).statusCode).toBe(416);
    const suffix = await app.inject({ url, headers: { range: 'bytes=-99999' } });
    expect(suffix.statusCode).toBe(206);
    expect(suffix.headers['content-range']).toBe(`bytes 0-${first.rawPayload.length - 1}/${first.rawPayload.length}`);
    expect((await app.inject({ url, headers: { range: 'bytes=9-3' } })).statusCode).toBe(200);
    expect((await app.inject({ url, headers: { 'if-match': '"old"' } })).statusCode).toBe(412);
    expect((await app.inject({ url, headers: { 'if-match': etag } })).statusCode).toBe(200);
    const head = await app.inject({ method: 'HEAD', url });
    expect(head.headers['content-length']).toBe(String(first.rawPayload.length));
    expect(head.rawPayload.length).toBe(0);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/media/synthetic/seg.m4s', headers: auth() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe('1000');
    expect(res.headers['content-type']).toBe('video/iso.segment');
    expect(res.rawPayload.length).toBe(0);
    expect((await app.inject({ method: 'HEAD', url: '/media/synthetic/seg.m4s' })).statusCode).toBe(401);
  });

  it('does not serve a folder that cannot loop as a live channel (404, not 5xx)', async () => {
    const res = await app.inject({ url: '/media/synthetic/live.mpd', headers: auth() });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });

  it('serves artwork publicly, images only', async () => {
    const res = await app.inject({ url: '/artwork/synthetic/poster.jpg' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect((await app.inject({ url: '/artwork/synthetic/poster.png' })).headers['content-type']).toBe('image/png');
    for (const file of ['seg.m4s', 'manifest.mpd', 'notes.txt', 'missing.jpg']) {
      expect((await app.inject({ url: `/artwork/synthetic/${file}` })).statusCode).toBe(404);
    }
  });
});

describe('path safety', () => {
  const attempts: [string, Record<string, string>?][] = [
    ['/media/synthetic/../../package.json'],
    ['/media/synthetic/../other/seg.m4s'],
    ['/media/synthetic/sub/../../other/seg.m4s'],
    ['/media/synthetic/%2e%2e/%2e%2e/package.json'],
    ['/media/synthetic/%2e%2e%2f%2e%2e%2fpackage.json'],
    ['/media/synthetic/..%2F..%2Fouter%2Fsecret.m4s'],
    ['/media/synthetic/%252e%252e%252f%252e%252e%252fpackage.json'],
    ['/media/synthetic/seg.m4s%00.jpg'],
    ['/media/synthetic/%00'],
    ['/media/synthetic//etc/passwd'],
    ['/media/synthetic/%2Fetc%2Fpasswd'],
    ['/media/synthetic/..\\..\\package.json'],
    ['/media/synthetic/.hidden.m4s'],
    ['/media/synthetic/notes.txt'],
    ['/media/synthetic/sub'],
    ['/media/synthetic/'],
    ['/media/synthetic/link.m4s'],
    ['/media/synthetic/cross.m4s'],
    ['/media/synthetic/pipe.m4s'],
    ['/media/evil/secret.m4s', auth('evil')],
    ['/media/..%2f..%2foutside/secret.m4s'],
    ['/media/%2e%2e/outside/secret.m4s'],
    ['/artwork/../package.json', {}],
    ['/artwork/%2e%2e/outside/secret.jpg', {}],
    ['/artwork/synthetic/..%2F..%2F..%2Foutside%2Fsecret.jpg', {}],
    ['/artwork//etc/passwd', {}],
    ['/artwork/synthetic/link.jpg', {}],
    ['/artwork/evil/secret.jpg', {}],
  ];
  it.each(attempts)('%s is refused with a 4xx and reveals nothing', async (target, headers = auth()) => {
    for (const res of [await rawGet(target, headers), await rawGet(`${target}?token=${playToken('synthetic', NOW_S)}`, headers)]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body).not.toContain(SECRET);
      expect(res.body).not.toContain('resume-anywhere');
      expect(res.body).not.toContain('OTHER-PROGRAMME-BYTES');
      expect(res.body).not.toContain('root:');
    }
  });

  it('control: the same raw client does fetch a legitimate file', async () => {
    const res = await rawGet('/media/synthetic/sub/seg.m4s', auth());
    expect(res.status).toBe(200);
    expect(res.body.endsWith(SEGMENT.subarray(900).toString('latin1'))).toBe(true);
  });

  it('refuses a programme folder that is a symlink out of the media directory even with its token', async () => {
    const res = await app.inject({ url: '/media/evil/secret.m4s', headers: auth('evil') });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });
});

describe('token propagation into manifests', () => {
  const token = playToken('synthetic', NOW_S);
  const q = `token=${token}`;

  it('DASH: every relative URL gains the token; absolute URLs and directory BaseURLs do not', async () => {
    const res = await app.inject({ url: `/media/synthetic/manifest.mpd?token=${token}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    const body = res.body;
    expect(body).toContain(`initialization="init-$RepresentationID$.m4s?${q}"`);
    expect(body).toContain(`media="chunk-$RepresentationID$-$Number%05d$.m4s?x=1&amp;y=2&amp;${q}"`);
    expect(body).toContain(`<BaseURL>audio.mp4?${q}</BaseURL>`);
    expect(body).toContain(`sourceURL="sub-init.mp4?${q}"`);
    expect(body).toContain(`media="sub-1.m4s?${q}"`);
    expect(body).toContain('media="https://cdn.example.com/sub-2.m4s"');
    expect(body).toContain('<BaseURL>video/</BaseURL>');
    expect(body).toContain('<BaseURL>https://cdn.example.com/mirror/</BaseURL>');
    expect(body.split(token).length - 1).toBe(5);
  });

  it('HLS: every URI line and URI attribute of master and media playlists gains the token', async () => {
    const master = (await app.inject({ url: `/media/synthetic/master.m3u8?token=${token}` })).body.split('\n');
    expect(master).toContain(`video.m3u8?${q}`);
    expect(master.find((l) => l.includes('GROUP-ID="a"'))).toContain(`URI="audio.m3u8?${q}"`);
    expect(master.find((l) => l.includes('I-FRAME'))).toContain(`URI="iframes.m3u8?${q}"`);
    expect(master.find((l) => l.includes('SUBTITLES'))).toContain('URI="https://cdn.example.com/subs.m3u8"');
    const media = (await app.inject({ url: `/media/synthetic/video.m3u8?token=${token}` })).body.split('\r\n');
    expect(media).toEqual(expect.arrayContaining([`#EXT-X-MAP:URI="init.mp4?${q}"`, `seg-1.m4s?${q}`, `/media/synthetic/seg-2.m4s?${q}`]));
    expect(media).toContain('https://cdn.example.com/seg-3.m4s');
    expect(media).toContain('#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example.com/k"');
  });

  it('serves manifests byte for byte when the token came in the header', async () => {
    for (const file of ['manifest.mpd', 'master.m3u8', 'video.m3u8']) {
      const res = await app.inject({ url: `/media/synthetic/${file}`, headers: auth() });
      expect(res.body).toBe(readFileSync(path.join(dir, 'media/synthetic', file), 'utf8'));
    }
  });

  it.skipIf(!teaBreak)('rewrites the real demo manifests so that every segment template carries the token', async () => {
    const t = playToken('tea-break', NOW_S);
    const mpd = (await app.inject({ url: `/media/tea-break/manifest.mpd?token=${t}` })).body;
    const urls = [...mpd.matchAll(/(?:media|initialization)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const u of urls) expect(u).toContain(`?token=${t}`);
    const playlist = (await app.inject({ url: `/media/tea-break/media_0.m3u8?token=${t}` })).body;
    const lines = playlist.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) expect(l).toMatch(new RegExp(`\\.m4s\\?token=${t.replace(/\./g, '\\.')}$`));
  });
});

describe(`a real player (ffprobe) through the media server${NEEDS_FFPROBE}`, () => {
  const enabled = HAVE_FFPROBE && teaBreak !== null;
  const url = (file: string, token?: string) => `http://127.0.0.1:${port}/media/tea-break/${file}${token ? `?token=${token}` : ''}`;
  const mpdDuration = teaBreak ? /mediaPresentationDuration="([^"]+)"/.exec(readFileSync(path.join(teaBreak, 'manifest.mpd'), 'utf8'))?.[1] : undefined;
  const duration = isoSeconds(mpdDuration ?? 'PT0S');

  it.skipIf(!enabled).each(['manifest.mpd', 'master.m3u8'])('reads %s with a query token: h264 + aac and the duration', async (file) => {
    const r = await ffprobe(['-show_entries', 'format=duration:stream=codec_name', url(file, playToken('tea-break', NOW_S))]);
    expect(r.code, r.stderr).toBe(0);
    const json = r.json as { streams: { codec_name: string }[]; format: { duration: string } };
    expect(json.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(Number(json.format.duration)).toBeCloseTo(duration, 0);
  });

  it.skipIf(!enabled).each(['manifest.mpd', 'master.m3u8'])('cannot read %s without a token, or with another programme’s', async (file) => {
    for (const u of [url(file), url(file, playToken('synthetic', NOW_S))]) {
      const r = await ffprobe(['-show_entries', 'format=duration', u]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/401|Unauthorized/);
    }
  });

  it.skipIf(!teaBreak)('refuses the segments themselves without the token', async () => {
    const res = await fetch(url('chunk-0-00001.m4s'));
    expect(res.status).toBe(401);
    const ok = await fetch(url('chunk-0-00001.m4s', playToken('tea-break', NOW_S)));
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).subarray(4, 8).toString()).toBe('styp');
  });

  it.skipIf(!enabled)('sees the token in every segment request it made (the manifest carried it)', async () => {
    const seen: string[] = [];
    const hook = (req: { url: string }) => seen.push(req.url);
    app.server.on('request', hook);
    try {
      const r = await ffprobe(['-show_entries', 'format=duration', url('manifest.mpd', playToken('tea-break', NOW_S))]);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      app.server.off('request', hook);
    }
    const segments = seen.filter((u) => u.includes('.m4s'));
    expect(segments.length).toBeGreaterThan(0);
    for (const u of segments) expect(u).toContain('?token=');
  });
});
