/**
 * The demo catalogue and its media library: the committed catalogue must satisfy the wire
 * schema and point at media that exists (always checked), and make-media.ts must produce
 * DASH + HLS that ffprobe reads as H.264 + AAC of the right length (needs ffmpeg + ffprobe).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Type from 'typebox';
import Value from 'typebox/value';
import { afterAll, describe, expect, it } from 'vitest';
import { Program } from '../common/protocol/model.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts/make-media.ts');
const MEDIA = path.join(ROOT, 'server-mock/demo/media');
const raw: unknown = JSON.parse(readFileSync(path.join(ROOT, 'server-mock/demo/catalog.json'), 'utf8'));
const Catalog = Type.Object({ programs: Type.Array(Program, { minItems: 1 }) }, { additionalProperties: false });
const programs = (raw as { programs: Program[] }).programs;

const runs = (cmd: string) => spawnSync(cmd, ['-version'], { stdio: 'ignore' }).status === 0;
const hasFfmpeg = runs('ffmpeg') && runs('ffprobe');

/** The file a link points at; the live manifest is built by the server from the static one. */
function onDisk(link: string): string {
  return path.join(MEDIA, link.endsWith('/live.mpd') ? link.replace(/live\.mpd$/, 'manifest.mpd') : link);
}

/** `PT1M0.0S` → milliseconds (the subset the ffmpeg DASH muxer writes). */
function isoMs(duration: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(duration);
  if (!m) throw new Error(`unexpected duration ${duration}`);
  return Math.round(((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000);
}

describe('demo catalogue (server-mock/demo/catalog.json)', () => {
  it('matches the Program schema', () => {
    const errors = Value.Check(Catalog, raw) ? [] : Value.Errors(Catalog, raw).map((e) => `${e.instancePath}: ${e.message}`);
    expect(errors).toEqual([]);
    expect(new Set(programs.map((p) => p.id)).size).toBe(programs.length);
  });

  it('is a line-up that exercises resume rules and terminal filtering', () => {
    const vod = programs.filter((p) => p.kind === 'vod');
    expect(vod.length).toBeGreaterThanOrEqual(4);
    expect(vod.some((p) => p.durationMs >= 600_000)).toBe(true);
    expect(vod.filter((p) => p.durationMs >= 300_000 && p.durationMs <= 420_000).length).toBeGreaterThanOrEqual(2);
    expect(vod.some((p) => p.durationMs < 300_000)).toBe(true);
    const live = programs.filter((p) => p.kind === 'live');
    expect(live.length).toBeGreaterThanOrEqual(1);
    for (const p of live) expect(p.timeshiftWindowSec).toBeGreaterThan(0);
    for (const p of vod) expect(p.timeshiftWindowSec).toBeUndefined();
    expect(programs.some((p) => p.terminalTypes.join() === 'pc,mobile')).toBe(true);
    expect(programs.some((p) => p.terminalTypes.join() === 'stb')).toBe(true);
    for (const p of programs) expect(p.titles?.['zh-CN']).toBeTruthy();
  });

  it('has every programme’s media under server-mock/demo/media, with relative URLs', () => {
    for (const p of programs) {
      const files = [p.artwork, ...p.links.flatMap((l) => [l.dash, l.hls ?? []].flat())].map(onDisk);
      for (const file of files) expect(existsSync(file), `${p.id}: ${path.relative(ROOT, file)}`).toBe(true);
      const mpd = readFileSync(onDisk(p.links[0]!.dash), 'utf8');
      expect(isoMs(/mediaPresentationDuration="([^"]+)"/.exec(mpd)?.[1] ?? ''), p.id).toBe(p.durationMs);
      // Segment URLs resolve against the manifest, so any web server or CDN path works.
      expect(mpd, p.id).not.toMatch(/(initialization|media)="(\/|[a-z]+:)/);
      expect(mpd, p.id).not.toMatch(/<BaseURL>/);
    }
  });
});

describe.skipIf(!hasFfmpeg)(`make-media.ts${hasFfmpeg ? '' : ' (skipped: ffmpeg/ffprobe not on PATH)'}`, () => {
  const out = mkdtempSync(path.join(tmpdir(), 'make-media-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  // The shortest VOD keeps the test quick.
  const short = programs.filter((p) => p.kind === 'vod').sort((a, b) => a.durationMs - b.durationMs)[0]!;
  const make = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, '--out', out, '--only', short.id, ...args], { encoding: 'utf8' });

  const probe = (file: string) => {
    const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,profile:format=duration', '-of', 'json', file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { streams: { codec_type: string; codec_name: string; profile: string }[]; format: { duration: string } };
  };

  const dimensions = (file: string) => {
    const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'json', file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [stream] = (JSON.parse(r.stdout) as { streams: { width: number; height: number }[] }).streams;
    return [stream?.width, stream?.height];
  };

  it('the committed artwork is text-free-sized: 1280x720 posters and 480x720 portraits', () => {
    for (const p of programs) {
      expect(dimensions(onDisk(p.artwork)), p.id).toEqual([1280, 720]);
      expect(dimensions(onDisk(p.artwork.replace(/poster\.jpg$/, 'poster-portrait.jpg'))), p.id).toEqual([480, 720]);
    }
  });

  it(`renders ${short.id} as DASH + HLS over one set of H.264/AAC segments`, { timeout: 180_000 }, () => {
    const run = make();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(short.id);
    const dir = path.join(out, short.id);
    // ffmpeg's DASH demuxer mis-resolves segment URLs against a relative manifest path.
    for (const file of ['manifest.mpd', 'master.m3u8']) {
      const info = probe(path.join(dir, file));
      const kinds = info.streams.map((s) => `${s.codec_type}:${s.codec_name}:${s.profile}`).sort();
      expect(kinds, file).toEqual(['audio:aac:LC', 'video:h264:Main']);
      expect(Number(info.format.duration) * 1000, file).toBeCloseTo(short.durationMs, -2);
    }
    // A fixed GOP of one segment: every video segment lasts the same.
    const video = readFileSync(path.join(dir, 'media_0.m3u8'), 'utf8');
    const durations = new Set([...video.matchAll(/#EXTINF:([\d.]+),/g)].map((m) => m[1]));
    expect([...durations]).toHaveLength(1);
    expect(video).not.toContain('PROGRAM-DATE-TIME');
    // Text-free artwork, 16:9 at 1280x720 and 2:3 at 480x720; a progress bar per programme.
    expect(dimensions(path.join(dir, 'poster.jpg'))).toEqual([1280, 720]);
    expect(dimensions(path.join(dir, 'poster-portrait.jpg'))).toEqual([480, 720]);
    expect(run.stdout).toMatch(/\[█+░*\]\s+\d+%/);
    expect(run.stdout).toContain('100%');

    const again = make();
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/skipped/);
  });

  it('--artwork-only redraws the artwork and leaves the segments alone', { timeout: 60_000 }, () => {
    const dir = path.join(out, short.id);
    const before = readFileSync(path.join(dir, 'chunk-0-00001.m4s'));
    rmSync(path.join(dir, 'poster.jpg'));
    const run = make('--artwork-only');
    expect(run.status, run.stderr).toBe(0);
    expect(dimensions(path.join(dir, 'poster.jpg'))).toEqual([1280, 720]);
    expect(readFileSync(path.join(dir, 'chunk-0-00001.m4s')).equals(before)).toBe(true);
  });
});

describe('make-media.ts without ffmpeg', () => {
  it('exits 1 with a clear message', () => {
    const run = spawnSync(process.execPath, [SCRIPT, '--out', path.join(tmpdir(), 'never-written')], {
      encoding: 'utf8',
      env: { ...process.env, PATH: path.join(tmpdir(), 'no-such-dir') },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/ffmpeg not found/);
  });
});
