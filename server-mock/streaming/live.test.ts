/**
 * The emulated live channel: source facts, the looped segments' decode times (read back from
 * the bytes and by ffprobe), availability and the timeshift window, the dynamic manifest, the
 * resume decision, the routes, and a real DASH client following the channel in real time.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_EPOCH_MS, liveInit, liveManifest, liveSegment, liveStart, loadLiveSource, segmentEndEpochMs, servedWindowSec, type LiveSource } from './live.ts';
import { parseSegment } from './mp4.ts';
import { demoMedia, ffprobe, HAVE_FFPROBE, mediaApp, NEEDS_FFPROBE, playToken } from './test-fixtures.ts';

const liveDir = demoMedia('live-news');
const WINDOW = 1800;
let src: LiveSource;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'live-test-'));
  if (liveDir) src = await loadLiveSource(liveDir);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Minimal XML well-formedness: balanced tags, one root, quoted unique attributes, no stray `<` or `&`. */
function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const re = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of body.matchAll(re)) {
    if (m[6]) throw new Error(`stray '<' at ${m.index}`);
    if (m[5] !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(m[5])) throw new Error(`bare '&' in text at ${m.index}`);
      if (stack.length === 0 && m[5].trim()) throw new Error('text outside the root');
      continue;
    }
    const names = [...(m[3] ?? '').matchAll(/([\w:.-]+)=/g)].map((a) => a[1]);
    if (new Set(names).size !== names.length) throw new Error(`duplicate attribute in <${m[2]}>`);
    if (m[1]) {
      if (stack.pop() !== m[2]) throw new Error(`mismatched </${m[2]}>`);
    } else {
      if (stack.length === 0) roots++;
      if (!m[4]) stack.push(m[2] as string);
    }
  }
  if (stack.length || roots !== 1) throw new Error(`unbalanced XML: open ${stack.join(',')}, roots ${roots}`);
}

/** Decode time (tfdt) of a live segment's bytes. */
const tfdtOf = (bytes: Buffer, rep: string) => parseSegment(bytes, trackOf(rep).initInfo).start;
const trackOf = (rep: string) => {
  const t = src.tracks.find((x) => x.id === rep);
  if (!t) throw new Error(`no representation ${rep}`);
  return t;
};
/** A moment at which segment `n` is available (just after it ends). */
const availableAt = (n: number) => segmentEndEpochMs(src, n) + 1;

describe.skipIf(!liveDir)('the live source', () => {
  it('matches its static manifest: segment duration, count, and an exact loop per track', () => {
    const mpd = readFileSync(path.join(liveDir as string, 'manifest.mpd'), 'utf8');
    const [, timescale, duration] = /timescale="(\d+)" duration="(\d+)"/.exec(mpd) ?? [];
    const d = Number(duration) / Number(timescale);
    const videoFiles = readdirSync(liveDir as string).filter((f) => /^chunk-0-\d+\.m4s$/.test(f));
    expect(src.segmentDurationSec).toBe(d);
    expect(src.segmentCount).toBe(videoFiles.length);
    expect(src.loopDurationMs).toBe(videoFiles.length * d * 1000);
    expect(src.tracks.map((t) => t.id)).toEqual(['0', '1']);
    for (const t of src.tracks) expect(t.loopDuration / t.initInfo.timescale).toBe(src.loopDurationMs / 1000);
    // Audio (48 kHz AAC) does not divide a segment, yet the loop is exact.
    expect(trackOf('1').initInfo.timescale).toBe(48_000);
    expect(trackOf('1').segments.some((s) => s.info.duration !== src.segmentDurationSec * 48_000)).toBe(true);
  });

  it('refuses a source with 32-bit (version 0) tfdt, naming the problem', async () => {
    const copy = path.join(tmp, 'v0');
    cpSync(liveDir as string, copy, { recursive: true });
    const file = path.join(copy, 'chunk-0-00002.m4s');
    const bytes = readFileSync(file);
    const at = bytes.indexOf('tfdt') + 4;
    expect(bytes[at]).toBe(1);
    bytes[at] = 0;
    writeFileSync(file, bytes);
    await expect(loadLiveSource(copy)).rejects.toThrow(/tfdt version 0/);
  });

  it('refuses a source whose tracks do not have the same number of segments', async () => {
    const copy = path.join(tmp, 'short');
    cpSync(liveDir as string, copy, { recursive: true });
    const last = readdirSync(copy).filter((f) => f.startsWith('chunk-1-')).sort().at(-1) as string;
    unlinkSync(path.join(copy, last));
    await expect(loadLiveSource(copy)).rejects.toThrow(/segments, not/);
  });
});

describe.skipIf(!liveDir)('source manifests from other packagers (read as XML)', () => {
  /** A copy of the demo channel whose manifest.mpd is `mpd`. */
  const sourceWith = (name: string, mpd: string): string => {
    const copy = path.join(tmp, name);
    cpSync(liveDir as string, copy, { recursive: true });
    writeFileSync(path.join(copy, 'manifest.mpd'), mpd);
    return copy;
  };
  const TPL = "timescale='1000000' duration='4000000' startNumber='1'";

  it('inherits SegmentTemplate attributes Period → AdaptationSet → Representation, with prefixes and single quotes', async () => {
    const mpd = `<?xml version='1.0'?>
<dash:MPD xmlns:dash='urn:mpeg:dash:schema:mpd:2011' xmlns:cenc='urn:mpeg:cenc:2013' type='static'>
  <!-- another packager -->
  <dash:Period>
    <dash:SegmentTemplate ${TPL} media='chunk-$RepresentationID$-$Number%05d$.m4s'/>
    <dash:AdaptationSet contentType='video' mimeType='video/mp4'>
      <dash:Role schemeIdUri='urn:mpeg:dash:role:2011' value='main'/>
      <dash:SegmentTemplate initialization='init-$RepresentationID$.m4s'/>
      <dash:Representation id='0' codecs='avc1.4d4015' bandwidth='80000' width='320' height='180'/>
    </dash:AdaptationSet>
    <dash:AdaptationSet contentType='audio' mimeType='audio/mp4' lang='en'>
      <dash:Representation id='1' codecs='mp4a.40.2' bandwidth='24000' audioSamplingRate='48000'>
        <dash:BaseURL>elsewhere/</dash:BaseURL>
        <dash:AudioChannelConfiguration schemeIdUri='urn:mpeg:dash:23003:3:audio_channel_configuration:2011' value='1'/>
        <dash:SegmentTemplate initialization='init-$RepresentationID$.m4s' media='chunk-$RepresentationID$-$Number%05d$.m4s'/>
      </dash:Representation>
    </dash:AdaptationSet>
  </dash:Period>
</dash:MPD>`;
    const other = await loadLiveSource(sourceWith('prefixed', mpd));
    expect(other.tracks.map((t) => [t.id, t.segments.length])).toEqual(src.tracks.map((t) => [t.id, t.segments.length]));
    expect(other.segmentDurationSec).toBe(src.segmentDurationSec);
    const live = liveManifest(other, { nowMs: Date.UTC(2026, 5, 1), timeshiftWindowSec: WINDOW });
    assertWellFormedXml(live);
    expect(live).toContain('xmlns:dash="urn:mpeg:dash:schema:mpd:2011"'); // copied descriptors keep their prefix bound
    expect(live).toContain('<dash:Role schemeIdUri="urn:mpeg:dash:role:2011" value="main"/>');
    expect(live).toContain('<dash:AudioChannelConfiguration');
    expect(live).toContain('lang="en"');
    expect(live).not.toContain('elsewhere/'); // the source's addressing is replaced by the live template
    expect(live.match(/<SegmentTemplate\b/g)).toHaveLength(2);
    expect(liveSegment(other, '0', 7, segmentEndEpochMs(other, 7) + 1, WINDOW)?.equals(liveSegment(src, '0', 7, segmentEndEpochMs(src, 7) + 1, WINDOW) as Buffer)).toBe(true);
  });

  it.each([
    ['several Periods', `<MPD><Period/><Period/></MPD>`, /expected one Period, found 2/],
    ['a SegmentTimeline', `<MPD><Period><AdaptationSet><SegmentTemplate><SegmentTimeline/></SegmentTemplate></AdaptationSet></Period></MPD>`, /SegmentTimeline/],
    ['no template', `<MPD><Period><AdaptationSet><Representation id="0"/></AdaptationSet></Period></MPD>`, /needs a SegmentTemplate/],
    ['malformed XML', `<MPD><Period></MPD>`, /not well-formed XML/],
    ['no MPD', `<Playlist/>`, /no MPD element/],
  ])('refuses %s, saying why', async (name, mpd, why) => {
    await expect(loadLiveSource(sourceWith(name.replace(/\W/g, '-'), mpd))).rejects.toThrow(why);
  });
});

describe.skipIf(!liveDir)('looped segments', () => {
  const cases = (): [string, number][] => {
    const count = src.segmentCount;
    return [
      ['first loop', 3],
      ['last of the first loop', count],
      ['first of the second loop', count + 1],
      ['a later loop (about now)', Math.floor((Date.UTC(2026, 10, 26) - CHANNEL_EPOCH_MS) / (src.segmentDurationSec * 1000)) + 7],
    ];
  };

  it('put segment N at (N-1)·d on both tracks (video exactly, audio within one AAC frame)', () => {
    for (const [what, n] of cases()) {
      const k = Math.floor((n - 1) / src.segmentCount);
      const i = (n - 1) % src.segmentCount;
      for (const t of src.tracks) {
        const bytes = liveSegment(src, t.id, n, availableAt(n), WINDOW);
        expect(bytes, what).not.toBeNull();
        const got = tfdtOf(bytes as Buffer, t.id);
        const expected = (t.segments[i]?.info.start ?? NaN) + k * t.loopDuration;
        expect(got, `${what}, track ${t.id}`).toBe(expected);
        const grid = (n - 1) * src.segmentDurationSec * t.initInfo.timescale;
        if (t.id === '0') expect(got).toBe(grid);
        else expect(Math.abs(got - grid)).toBeLessThanOrEqual(1024);
      }
    }
  });

  it('change nothing but the decode times, the sidx time and the sequence number', () => {
    const n = src.segmentCount * 1000 + 5;
    const t = trackOf('1');
    const source = t.segments[4]?.bytes as Buffer;
    const out = liveSegment(src, '1', n, availableAt(n), WINDOW) as Buffer;
    expect(out.length).toBe(source.length);
    const info = parseSegment(out, t.initInfo);
    const frag = info.fragments[0];
    const sidx = info.sidx[0];
    expect(frag && sidx).toBeTruthy();
    expect(out.readUInt32BE(frag?.sequenceOffset as number)).toBe(n);
    const shift = 1000 * t.loopDuration;
    expect(Number(out.readBigUInt64BE(sidx?.timeOffset as number)) - Number(source.readBigUInt64BE(sidx?.timeOffset as number))).toBe(shift);
    const changed = [...out.keys()].filter((i) => out[i] !== source[i]);
    const allowed = new Set<number>();
    for (const off of [frag?.tfdtOffset, sidx?.timeOffset]) for (let b = 0; b < 8; b++) allowed.add((off as number) + b);
    for (let b = 0; b < 4; b++) allowed.add((frag?.sequenceOffset as number) + b);
    expect(changed.every((i) => allowed.has(i))).toBe(true);
  });

  it('are available from their end until their end plus the window, and never before or after', () => {
    const n = 1_000_000;
    const end = segmentEndEpochMs(src, n);
    const windowMs = servedWindowSec(src, WINDOW) * 1000;
    expect(liveSegment(src, '0', n, end - 1, WINDOW)).toBeNull();
    expect(liveSegment(src, '0', n, end, WINDOW)).not.toBeNull();
    expect(liveSegment(src, '0', n, end + windowMs, WINDOW)).not.toBeNull();
    expect(liveSegment(src, '0', n, end + windowMs + 1, WINDOW)).toBeNull();
    for (const bad of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2]) expect(liveSegment(src, '0', bad, end, WINDOW)).toBeNull();
    expect(liveSegment(src, '9', n, end, WINDOW)).toBeNull();
    expect(liveInit(src, '0')?.subarray(4, 8).toString()).toBe('ftyp');
    expect(liveInit(src, '9')).toBeNull();
  });

  it.skipIf(!HAVE_FFPROBE)(`read by ffprobe (init + media) carry the broadcast time, across a loop boundary too${NEEDS_FFPROBE}`, async () => {
    const count = src.segmentCount;
    const d = src.segmentDurationSec;
    const first = count * 59_000; // the last segment of a loop, about 82 days after the epoch
    for (const t of src.tracks) {
      const file = path.join(tmp, `probe-${t.id}.mp4`);
      const segs = [first, first + 1, first + 2].map((n) => liveSegment(src, t.id, n, availableAt(first + 2), WINDOW) as Buffer);
      writeFileSync(file, Buffer.concat([t.init, ...segs]));
      const r = await ffprobe(['-show_entries', 'packet=pts_time,duration_time', file]);
      expect(r.code, r.stderr).toBe(0);
      const pts = (r.json as { packets: { pts_time: string }[] }).packets.map((p) => Number(p.pts_time));
      const steps = pts.slice(1).map((p, i) => p - (pts[i] as number));
      const frame = [...steps].sort((a, b) => a - b)[steps.length >> 1] as number;
      const start = (first - 1) * d;
      // ±1 segment is the contract; we get it to within one AAC frame (priming and frame grid).
      expect(Math.abs((pts[0] ?? NaN) - start)).toBeLessThan(t.id === '0' ? 1e-3 : frame + 1e-3);
      expect(Math.abs((pts.at(-1) ?? NaN) + frame - (start + 3 * d))).toBeLessThan(frame + 1e-3);
      // Continuous across the loop boundary: one frame apart throughout, no gap, no overlap.
      expect(pts.length).toBeGreaterThan((3 * d) / frame - 2);
      expect(Math.max(...steps.map((x) => Math.abs(x - frame)))).toBeLessThan(1e-3);
    }
  });
});

describe.skipIf(!liveDir)('the dynamic manifest', () => {
  const now = Date.UTC(2026, 10, 26, 8, 30, 15, 250);

  it('is well-formed XML with the live fields and the source representations', () => {
    const mpd = liveManifest(src, { nowMs: now, timeshiftWindowSec: WINDOW });
    assertWellFormedXml(mpd);
    const root = /<MPD\b[^>]*>/.exec(mpd)?.[0] ?? '';
    expect(root).toContain('type="dynamic"');
    expect(root).toContain('availabilityStartTime="2026-01-01T00:00:00Z"');
    expect(root).toContain('publishTime="2026-11-26T08:30:15.250Z"');
    expect(root).toContain('timeShiftBufferDepth="PT1800S"');
    expect(root).toMatch(/minimumUpdatePeriod="PT\d+S"/);
    expect(root).toMatch(/suggestedPresentationDelay="PT\d+S"/);
    expect(root).toMatch(/minBufferTime="PT\d+S"/);
    expect(mpd.match(/<Period\b[^>]*>/g)).toEqual(['<Period id="0" start="PT0S">']);
    const source = readFileSync(path.join(liveDir as string, 'manifest.mpd'), 'utf8');
    const templates = [...mpd.matchAll(/<SegmentTemplate\b[^>]*>/g)].map((m) => m[0]);
    expect(templates).toHaveLength(src.tracks.length);
    for (const tpl of templates) {
      expect(tpl).toContain('startNumber="1"');
      expect(tpl).toContain(`timescale="${src.templateTimescale}" duration="${src.templateDuration}"`);
      expect(tpl).toContain('media="live-$RepresentationID$-$Number$.m4s"');
      expect(tpl).toContain('initialization="live-init-$RepresentationID$.m4s"');
    }
    for (const a of ['codecs', 'bandwidth', 'width', 'height', 'audioSamplingRate']) {
      const values = (xml: string) => [...xml.matchAll(new RegExp(`<Representation\\b[^>]*\\b${a}="([^"]*)"`, 'g'))].map((m) => m[1]);
      expect(values(mpd), a).toEqual(values(source));
    }
    expect(mpd).toContain('<AudioChannelConfiguration');
  });

  it('never offers a window a player cannot use, and takes a BaseURL', () => {
    const mpd = liveManifest(src, { nowMs: now, timeshiftWindowSec: 0, baseUrl: 'https://cdn.example.com/live-news/?a=1&b=2' });
    assertWellFormedXml(mpd);
    const depth = Number(/timeShiftBufferDepth="PT(\d+)S"/.exec(mpd)?.[1]);
    expect(depth).toBeGreaterThanOrEqual(5 * src.segmentDurationSec);
    expect(mpd).toContain('<BaseURL>https://cdn.example.com/live-news/?a=1&amp;b=2</BaseURL>');
  });
});

describe.skipIf(!liveDir)('liveStart (resuming a live breakpoint)', () => {
  const now = Date.UTC(2026, 10, 26, 9);
  it.each([
    ['no breakpoint', null, { startEpochMs: now, atLiveEdge: true, reason: 'no-breakpoint' }],
    ['ten minutes ago', now - 600_000, { startEpochMs: now - 600_000, atLiveEdge: false }],
    ['exactly the window', now - WINDOW * 1000, { startEpochMs: now - WINDOW * 1000, atLiveEdge: false }],
    ['just older than the window', now - WINDOW * 1000 - 1, { startEpochMs: now, atLiveEdge: true, reason: 'outside-window' }],
    ['yesterday', now - 86_400_000, { startEpochMs: now, atLiveEdge: true, reason: 'outside-window' }],
    ['in the future (a wrong device clock)', now + 5_000, { startEpochMs: now, atLiveEdge: true, reason: 'in-future' }],
    ['before the channel began', CHANNEL_EPOCH_MS - 1, { startEpochMs: now, atLiveEdge: true, reason: 'outside-window' }],
  ])('%s', (_what, breakpoint, expected) => {
    expect(liveStart(src, breakpoint, now, WINDOW)).toEqual(expected);
  });
});

describe.skipIf(!liveDir)('live routes', () => {
  let app: FastifyInstance;
  let clock = 0;
  let port = 0;
  const n = 7_000_003;
  beforeAll(async () => {
    const media = path.join(tmp, 'media');
    cpSync(liveDir as string, path.join(media, 'live-news'), { recursive: true });
    cpSync(liveDir as string, path.join(media, 'not-live'), { recursive: true });
    app = await mediaApp({ mediaDir: media, now: () => (clock === 0 ? Date.now() : clock), liveProgramIds: ['live-news'], timeshiftWindowSec: () => WINDOW });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
  });
  const at = (ms: number) => ({ auth: { authorization: `Bearer ${playToken('live-news', Math.floor(ms / 1000))}` } });

  afterEach(() => {
    clock = 0;
  });

  it('serves live.mpd (no-cache), the init segments and available segments, token-checked', async () => {
    clock = availableAt(n);
    const { auth } = at(clock);
    const mpd = await app.inject({ url: '/media/live-news/live.mpd', headers: auth });
    expect(mpd.statusCode).toBe(200);
    expect(mpd.headers['content-type']).toBe('application/dash+xml');
    expect(mpd.headers['cache-control']).toBe('no-cache');
    expect(mpd.body).toContain('type="dynamic"');
    const seg = await app.inject({ url: `/media/live-news/live-1-${n}.m4s`, headers: auth });
    expect(seg.statusCode).toBe(200);
    expect(seg.headers['content-type']).toBe('video/iso.segment');
    expect(seg.rawPayload.equals(liveSegment(src, '1', n, clock, WINDOW) as Buffer)).toBe(true);
    const ranged = await app.inject({ url: `/media/live-news/live-1-${n}.m4s`, headers: { ...auth, range: 'bytes=0-7' } });
    expect(ranged.statusCode).toBe(206);
    expect((await app.inject({ url: '/media/live-news/live-init-0.m4s', headers: auth })).statusCode).toBe(200);
    expect((await app.inject({ url: '/media/live-news/manifest.mpd', headers: auth })).statusCode).toBe(200);
    for (const [url, status] of [
      [`/media/live-news/live-0-${n + 1}.m4s`, 404],
      [`/media/live-news/live-0-${n - 1000}.m4s`, 404],
      ['/media/live-news/live-7-5.m4s', 404],
      ['/media/live-news/live-init-7.m4s', 404],
    ] as const) {
      expect((await app.inject({ url, headers: auth })).statusCode, url).toBe(status);
    }
    const notLive = { authorization: `Bearer ${playToken('not-live', Math.floor(clock / 1000))}` };
    expect((await app.inject({ url: '/media/not-live/live.mpd', headers: notLive })).statusCode).toBe(404);
    expect((await app.inject({ url: '/media/not-live/manifest.mpd', headers: notLive })).statusCode).toBe(200);
    expect((await app.inject({ url: '/media/live-news/live.mpd' })).statusCode).toBe(401);
    expect((await app.inject({ url: `/media/live-news/live-0-${n}.m4s` })).statusCode).toBe(401);
    const other = { authorization: `Bearer ${playToken('not-live', Math.floor(clock / 1000))}` };
    expect((await app.inject({ url: `/media/live-news/live-0-${n}.m4s`, headers: other })).json().code).toBe('TOKEN_INVALID');
  });

  it('without a list of live programmes, any folder with a manifest.mpd answers live.mpd', async () => {
    const auto = await mediaApp({ mediaDir: path.join(tmp, 'media') });
    try {
      const res = await auto.inject({ url: `/media/not-live/live.mpd?token=${playToken('not-live')}` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('type="dynamic"');
    } finally {
      await auto.close();
    }
  });

  it('carries a query token into the live segment templates', async () => {
    const token = playToken('live-news');
    const body = (await app.inject({ url: `/media/live-news/live.mpd?token=${token}` })).body;
    const urls = [...body.matchAll(/(?:media|initialization)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls).toHaveLength(2 * src.tracks.length);
    for (const u of urls) expect(u).toMatch(new RegExp(`^live-.*\\.m4s\\?token=${token.replace(/\./g, '\\.')}$`));
  });

  it.skipIf(!HAVE_FFPROBE)(`a real DASH client (ffprobe) follows the channel at the broadcast time of now${NEEDS_FFPROBE}`, async () => {
    const url = (token?: string) => `http://127.0.0.1:${port}/media/live-news/live.mpd${token ? `?token=${token}` : ''}`;
    const before = Date.now();
    const r = await ffprobe(['-show_entries', 'packet=stream_index,pts_time', '-read_intervals', '%+#4', url(playToken('live-news'))]);
    expect(r.code, r.stderr).toBe(0);
    const pts = (r.json as { packets: { pts_time: string }[] }).packets.map((p) => Number(p.pts_time));
    expect(pts.length).toBeGreaterThan(0);
    const liveEdgeSec = (before - CHANNEL_EPOCH_MS) / 1000;
    const d = src.segmentDurationSec;
    // The client starts suggestedPresentationDelay (3 segments) behind now: ±1 segment.
    for (const p of pts) {
      expect(p).toBeGreaterThan(liveEdgeSec - 3 * d - d - 1);
      expect(p).toBeLessThan(liveEdgeSec);
    }
    const refused = await ffprobe(['-show_entries', 'packet=pts_time', '-read_intervals', '%+#1', url()]);
    expect(refused.code).not.toBe(0);
  }, 90_000);
});
