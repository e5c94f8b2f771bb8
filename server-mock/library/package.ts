/**
 * Packages one probed file into a programme folder (into `outDir`, which the caller creates as
 * a temporary directory and renames into place only when this resolved — so a crash never
 * leaves a half-packaged programme where the media server looks):
 * 1. one ffmpeg pass: every video rung and audio track into CMAF segments with ffmpeg's dash
 *    muxer (`-hls_playlist 1`: the same segments serve DASH and HLS), and every text subtitle,
 *    embedded or sidecar, into a WebVTT file;
 * 2. seek-preview thumbnails: sprite sheets from keyframes only (cheap even on the copy path);
 * 3. the poster: the sidecar image, else the first sampled frame that is neither black nor white;
 * 4. the manifests completed (manifests.ts) and `library.json`, the package's own description.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Chapter } from '../../common/protocol/model.ts';
import { ffmpeg, ffmpegOutput, keyframeIntervalSec } from './ffmpeg.ts';
import { child } from '../streaming/mp4.ts';
import { iso6392 } from './languages.ts';
import { cleanMediaPlaylist, completeMaster, completeMpd, thumbnailsVtt, type ThumbnailSheet } from './manifests.ts';
import type { PackagePlan } from './plan.ts';
import type { MediaInfo } from './probe.ts';

/** Segment length in seconds (transcoded rungs get a keyframe exactly every SEG_SEC). */
export const SEG_SEC = 4;
/** x264 preset of transcodes: `veryfast` keeps a 1080p encode near real time on two cores. */
export const X264_PRESET = 'veryfast';
const THUMB_WIDTH = 160;
const THUMB_GRID = 5;

/** Progress of one packaging: fraction done, speed × realtime of the main pass, ETA. */
export interface PackageProgress {
  /** 0–1. */
  fraction: number;
  /** × realtime of the main ffmpeg pass (0 when unknown). */
  speed: number;
  /** Seconds left, null when unknown. */
  etaSec: number | null;
  phase: 'segments' | 'thumbnails' | 'poster' | 'manifests';
}

/** What a finished package says about itself (`library.json`). */
export interface PackageDescription {
  version: 1;
  /** Content hash of the source this was made from. */
  hash: string;
  /** The source file's path when packaged, and its sidecar signature then. */
  source: string;
  sidecars: string;
  durationMs: number;
  title: string;
  renditions: { width: number; height: number; copy: boolean }[];
  audio: { language: string; label: string; codec: string }[];
  subtitles: { language: string; label: string; forced: boolean; file: string }[];
  thumbnails: ThumbnailSheet | null;
  chapters: Chapter[];
  /** The source's container tags (title, description …), for the catalogue entry. */
  tags: Record<string, string>;
  skipped: string[];
  /** Packaging wall time and speed (× realtime) of the main pass. */
  elapsedMs: number;
  speed: number;
}

/** What `packageFile` needs. */
export interface PackageInput {
  source: string;
  info: MediaInfo;
  plan: PackagePlan;
  /** Sidecar poster, if the folder has one. */
  poster: string | null;
  title: string;
  hash: string;
  /** The sidecar signature of the source (scan.ts), recorded in `library.json`. */
  sidecars?: string;
  outDir: string;
  onProgress?: (p: PackageProgress) => void;
  signal?: AbortSignal;
}

/** Legacy code pages of subtitles that are not UTF-8, by language (SRT files carry no charset). */
const LEGACY_CHARSETS: Record<string, string> = { zh: 'GB18030', ja: 'SHIFT_JIS', ko: 'CP949', ru: 'CP1251', uk: 'CP1251', el: 'CP1253', tr: 'CP1254', ar: 'CP1256', he: 'CP1255' };

async function subtitleCharset(file: string, language: string): Promise<string | null> {
  const bytes = await readFile(file);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return null;
  } catch {
    return LEGACY_CHARSETS[language.split('-')[0] ?? ''] ?? 'CP1252';
  }
}

/** The main pass's ffmpeg arguments (exported for the tests). */
export async function mainPassArgs(input: PackageInput): Promise<string[]> {
  const { plan, info, source, outDir } = input;
  const v = info.video as NonNullable<MediaInfo['video']>;
  const args: string[] = ['-i', source];
  const sidecars = plan.subtitles.filter((s) => s.source.kind === 'file');
  for (const s of sidecars) {
    const file = (s.source as { file: string }).file;
    const charset = await subtitleCharset(file, s.language);
    if (charset) args.push('-sub_charenc', charset);
    args.push('-i', file);
  }
  plan.renditions.forEach(() => args.push('-map', `0:${v.index}`));
  plan.audio.forEach((a) => args.push('-map', `0:${a.index}`));
  const gop = Math.max(1, Math.round((v.fps || 25) * SEG_SEC));
  plan.renditions.forEach((r, k) => {
    if (r.copy) {
      args.push(`-c:v:${k}`, 'copy');
      return;
    }
    args.push(
      `-c:v:${k}`, 'libx264', `-filter:v:${k}`, `scale=${r.width}:${r.height}:flags=bicubic,format=yuv420p`,
      `-preset:v:${k}`, X264_PRESET, `-profile:v:${k}`, 'high', `-crf:v:${k}`, '23',
      `-maxrate:v:${k}`, `${r.maxrateKbps}k`, `-bufsize:v:${k}`, `${r.maxrateKbps * 2}k`, `-b:v:${k}`, `${r.maxrateKbps}k`,
      `-g:v:${k}`, String(gop), `-force_key_frames:v:${k}`, `expr:gte(t,n_forced*${SEG_SEC})`,
    );
  });
  plan.audio.forEach((a, i) => {
    if (a.copy) args.push(`-c:a:${i}`, 'copy');
    else args.push(`-c:a:${i}`, 'aac', `-ac:a:${i}`, String(a.channels), `-b:a:${i}`, `${a.bitrateKbps}k`);
    args.push(`-metadata:s:a:${i}`, `language=${iso6392(a.language)}`);
  });
  const videoIds = plan.renditions.map((_, k) => k).join(',');
  const sets = [`id=0,streams=${videoIds}`, ...plan.audio.map((_, i) => `id=${i + 1},streams=${plan.renditions.length + i}`)];
  args.push(
    '-f', 'dash', '-seg_duration', String(SEG_SEC), '-use_template', '1', '-use_timeline', '1',
    '-single_file', '0', '-dash_segment_type', 'mp4',
    '-init_seg_name', 'init-$RepresentationID$.m4s', '-media_seg_name', 'chunk-$RepresentationID$-$Number%05d$.m4s',
    '-adaptation_sets', sets.join(' '), '-hls_playlist', '1', '-hls_master_name', 'master.m3u8',
    path.join(outDir, 'manifest.mpd'),
  );
  let sidecarInput = 1;
  for (const s of plan.subtitles) {
    const map = s.source.kind === 'stream' ? `0:${s.source.index}` : `${sidecarInput++}:0`;
    args.push('-map', map, '-c:s', 'webvtt', '-f', 'webvtt', path.join(outDir, s.file));
  }
  return args;
}

/**
 * Write an ISO 639-2 language into a single-track init segment's `mdhd` (ffmpeg's dash muxer
 * does not pass stream metadata to its MP4 sub-muxers, so every track would say `und`).
 */
export function setTrackLanguage(init: Buffer, code: string): Buffer {
  if (!/^[a-z]{3}$/.test(code)) return init;
  const moov = child(init, null, 'moov');
  const trak = moov && child(init, moov, 'trak');
  const mdia = trak && child(init, trak, 'mdia');
  const mdhd = mdia && child(init, mdia, 'mdhd');
  if (!mdhd) return init;
  const version = init.readUInt8(mdhd.payload);
  // version(1) flags(3), creation + modification + timescale + duration (v0: 4+4+4+4, v1: 8+8+4+8).
  const at = mdhd.payload + 4 + (version === 1 ? 28 : 16);
  const packed = [...code].reduce((n, ch) => (n << 5) | ((ch.charCodeAt(0) - 0x60) & 0x1f), 0);
  const out = Buffer.from(init);
  out.writeUInt16BE(packed & 0x7fff, at);
  return out;
}

/** Seconds between thumbnails: ~150 over the programme, 1–10 s apart. */
export function thumbnailInterval(durationMs: number): number {
  return Math.min(10, Math.max(1, Math.ceil(durationMs / 1000 / 150)));
}

async function makeThumbnails(input: PackageInput): Promise<ThumbnailSheet | null> {
  const v = input.info.video as NonNullable<MediaInfo['video']>;
  const intervalSec = thumbnailInterval(input.info.durationMs);
  const width = THUMB_WIDTH;
  const height = Math.max(2, Math.round((THUMB_WIDTH * v.height) / v.width / 2) * 2);
  // Keyframes only, when they are dense enough for the interval: decoding every frame of a
  // stream-copied film would cost more than the copy. Sparse keyframes (a 10-s GOP, or one
  // keyframe in all) would repeat one picture for many thumbnails, so those files are decoded.
  const gop = await keyframeIntervalSec(input.source, v.index, 60, input.signal).catch(() => null);
  const keyframesOnly = gop !== null && gop <= intervalSec * 2;
  await ffmpeg(
    [
      ...(keyframesOnly ? ['-skip_frame', 'nokey'] : []), '-i', input.source, '-map', `0:${v.index}`, '-an', '-sn',
      '-vf', `fps=1/${intervalSec},scale=${width}:${height},format=yuvj420p,tile=${THUMB_GRID}x${THUMB_GRID}`,
      '-q:v', '6', '-start_number', '1', path.join(input.outDir, 'thumbs-%d.jpg'),
    ],
    { signal: input.signal },
  );
  const sheets = (await readdir(input.outDir)).filter((n) => /^thumbs-\d+\.jpg$/.test(n));
  if (sheets.length === 0) return null;
  let bytes = 0;
  for (const n of sheets) bytes += (await stat(path.join(input.outDir, n))).size;
  const count = Math.min(Math.ceil(input.info.durationMs / 1000 / intervalSec), sheets.length * THUMB_GRID * THUMB_GRID);
  return { intervalSec, columns: THUMB_GRID, rows: THUMB_GRID, width, height, sheets: sheets.length, count, averageBytes: Math.round(bytes / sheets.length) };
}

/** Mean luma (0–255) of the frame at `sec`, or null when there is none. */
async function lumaAt(source: string, videoIndex: number, sec: number, signal?: AbortSignal): Promise<number | null> {
  const out = await ffmpegOutput(
    ['-ss', sec.toFixed(3), '-i', source, '-map', `0:${videoIndex}`, '-frames:v', '1', '-vf', 'scale=64:-2,format=yuv420p,signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-', '-f', 'null', '-'],
    { signal },
  );
  const m = /lavfi\.signalstats\.YAVG=([\d.]+)/.exec(out);
  return m ? Number(m[1]) : null;
}

/** Poster: sidecar image, else a frame away from black (and white) frames. */
async function makePoster(input: PackageInput): Promise<void> {
  const target = path.join(input.outDir, 'poster.jpg');
  const scale = "scale=-2:'min(720,ih)'";
  if (input.poster) {
    if (/\.jpe?g$/i.test(input.poster)) await copyFile(input.poster, target);
    else await ffmpeg(['-i', input.poster, '-frames:v', '1', '-vf', scale, '-q:v', '3', target], { signal: input.signal });
    return;
  }
  const v = input.info.video as NonNullable<MediaInfo['video']>;
  const dur = input.info.durationMs / 1000;
  let best = { sec: dur * 0.1, luma: -1 };
  for (const f of [0.1, 0.2, 0.33, 0.5, 0.66]) {
    const sec = dur * f;
    const luma = await lumaAt(input.source, v.index, sec, input.signal);
    if (luma === null) continue;
    if (luma >= 40 && luma <= 215) {
      best = { sec, luma };
      break;
    }
    // Otherwise keep the one nearest mid-grey.
    if (best.luma < 0 || Math.abs(luma - 128) < Math.abs(best.luma - 128)) best = { sec, luma };
  }
  await ffmpeg(['-ss', best.sec.toFixed(3), '-i', input.source, '-map', `0:${v.index}`, '-frames:v', '1', '-vf', `${scale},format=yuvj420p`, '-q:v', '3', target], { signal: input.signal });
}

/** Package `input.source` into `input.outDir` (see the header). */
export async function packageFile(input: PackageInput): Promise<PackageDescription> {
  const started = performance.now();
  const { plan, info } = input;
  const report = (p: PackageProgress) => input.onProgress?.(p);
  let speed = 0;
  const mainShare = 0.9;
  await ffmpeg(await mainPassArgs(input), {
    signal: input.signal,
    onProgress: (p) => {
      speed = p.speed || speed;
      const fraction = Math.min(1, p.outTimeMs / info.durationMs);
      const leftSec = ((1 - fraction) * info.durationMs) / 1000;
      report({ fraction: fraction * mainShare, speed, etaSec: speed > 0 ? leftSec / speed : null, phase: 'segments' });
    },
  });
  for (const [i, a] of plan.audio.entries()) {
    const file = path.join(input.outDir, `init-${plan.renditions.length + i}.m4s`);
    await writeFile(file, setTrackLanguage(await readFile(file), iso6392(a.language)));
  }
  report({ fraction: mainShare, speed, etaSec: null, phase: 'thumbnails' });
  const thumbnails = await makeThumbnails(input);
  report({ fraction: 0.96, speed, etaSec: null, phase: 'poster' });
  await makePoster(input);
  report({ fraction: 0.99, speed, etaSec: 0, phase: 'manifests' });

  const extras = { durationMs: info.durationMs, title: input.title, audio: plan.audio, videoRenditions: plan.renditions.length, subtitles: plan.subtitles, thumbnails };
  const mpdFile = path.join(input.outDir, 'manifest.mpd');
  await writeFile(mpdFile, completeMpd(await readFile(mpdFile, 'utf8'), extras));
  const masterFile = path.join(input.outDir, 'master.m3u8');
  const { master, files } = completeMaster(await readFile(masterFile, 'utf8'), extras);
  await writeFile(masterFile, master);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(input.outDir, name), text);
  for (const name of (await readdir(input.outDir)).filter((n) => /^media_\d+\.m3u8$/.test(n))) {
    const file = path.join(input.outDir, name);
    await writeFile(file, cleanMediaPlaylist(await readFile(file, 'utf8')));
  }
  if (thumbnails) await writeFile(path.join(input.outDir, 'thumbnails.vtt'), thumbnailsVtt(thumbnails, info.durationMs));

  const elapsedMs = Math.round(performance.now() - started);
  const description: PackageDescription = {
    version: 1,
    hash: input.hash,
    source: input.source,
    sidecars: input.sidecars ?? '',
    durationMs: info.durationMs,
    title: input.title,
    renditions: plan.renditions.map((r) => ({ width: r.width, height: r.height, copy: r.copy })),
    audio: plan.audio.map((a) => ({ language: a.language, label: a.label, codec: 'aac' })),
    subtitles: plan.subtitles.map((s) => ({ language: s.language, label: s.label, forced: s.forced, file: s.file })),
    thumbnails,
    chapters: info.chapters,
    tags: info.tags,
    skipped: plan.skipped,
    elapsedMs,
    speed: info.durationMs / Math.max(1, elapsedMs),
  };
  // Written last: its presence (with the right hash) marks a complete package.
  await writeFile(path.join(input.outDir, 'library.json'), `${JSON.stringify(description, null, 2)}\n`);
  return description;
}

/** A package's `library.json`, or null when absent or incomplete. */
export async function readDescription(dir: string): Promise<PackageDescription | null> {
  try {
    const d = JSON.parse(await readFile(path.join(dir, 'library.json'), 'utf8')) as PackageDescription;
    return d?.version === 1 && typeof d.hash === 'string' ? d : null;
  } catch {
    return null;
  }
}

/** Put a finished package in place: the old one (if any) is renamed away first, then deleted. */
export async function swapInto(tmp: string, final: string): Promise<void> {
  const old = `${path.dirname(final)}/.old-${path.basename(final)}-${randomBytes(4).toString('hex')}`;
  const had = await rename(final, old).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      return false;
    },
  );
  await rename(tmp, final);
  if (had) await rm(old, { recursive: true, force: true });
}
