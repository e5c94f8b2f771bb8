/**
 * What a file's name and folders say: the title, series / season / episode
 * (`Show/Season 1/Show - S01E02 - Title.mkv`, `Show.S01E02.mkv`, `Show 1x02.mkv`), sidecar
 * subtitles of the same basename with their language (`film.zh.srt` → zh) and a sidecar
 * poster. Pure functions over paths, unit-tested.
 */
import path from 'node:path';
import type { SeriesInfo } from '../../common/protocol/model.ts';
import { normalizeLanguage } from './languages.ts';

/** Extensions the library takes as video files. */
export const VIDEO_EXTENSIONS = new Set(['.mp4', '.m4v', '.mkv', '.mov', '.webm', '.avi', '.ts', '.m2ts', '.mts', '.mpg', '.mpeg', '.wmv', '.flv', '.ogv', '.3gp']);
/** Extensions of sidecar subtitles. */
export const SUBTITLE_EXTENSIONS = new Set(['.srt', '.vtt']);
/** Sidecar poster names, in order of preference (same basename first, then the folder's). */
export const POSTER_NAMES = ['poster.jpg', 'poster.jpeg', 'poster.png', 'folder.jpg', 'cover.jpg'];

/** True for a file the library should package (by extension; hidden files skipped). */
export function isVideoFile(file: string): boolean {
  const base = path.basename(file);
  return !base.startsWith('.') && VIDEO_EXTENSIONS.has(path.extname(base).toLowerCase());
}

/** Release-name noise that is not part of a title. */
const NOISE = /\b(2160p|1080p|1080i|720p|576p|480p|4k|uhd|hdr10?|dv|bluray|blu-ray|bdrip|brrip|web-?dl|webrip|hdtv|dvdrip|x264|x265|h\.?264|h\.?265|hevc|avc|aac|ac3|eac3|dts|flac|opus|10bit|remux|proper|repack)\b.*$/i;

/** A readable title from a file's basename: separators to spaces, release noise dropped. */
export function titleFromName(file: string): string {
  let t = path.basename(file, path.extname(file));
  if (!/\s/.test(t)) t = t.replace(/[._]+/g, ' ');
  t = t.replace(NOISE, '').replace(/[[(]\s*$/, '').replace(/\s+/g, ' ').trim();
  return (t || path.basename(file)).slice(0, 200);
}

/** What a name says about series membership, and the episode's own title if any. */
export interface EpisodeName {
  series: SeriesInfo;
  /** The episode title after `SxxEyy -` ("The Pilot"), if the name has one. */
  episodeTitle: string | null;
}

/** Lower-case slug (ASCII letters and digits, dashes), at most `max` chars; '' when none. */
export function slug(text: string, max = 40): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

/** A series id for a series title; non-Latin titles get a short stable hash. */
function seriesId(title: string): string {
  const s = slug(title, 56);
  if (s) return s;
  let h = 0;
  for (const ch of title) h = (Math.imul(h, 31) + (ch.codePointAt(0) ?? 0)) >>> 0;
  return `series-${h.toString(36)}`;
}

const SXXEYY = /^(.*?)[\s._-]*\bS(\d{1,3})[\s._-]?E(\d{1,4})(?:[-E]\d{1,4})*\b[\s._-]*(.*)$/i;
const NXNN = /^(.*?)[\s._-]+(\d{1,2})x(\d{1,3})\b[\s._-]*(.*)$/i;
const SEASON_DIR = /^(?:season|series|staffel|saison|temporada)\s*(\d{1,3})$|^s(\d{1,3})$|^第\s*(\d{1,3})\s*季$/i;

/**
 * Series / season / episode from the path: the `SxxEyy` (or `NxNN`) in the file name; the
 * series title from the name's prefix, else the folder above a `Season N` folder, else the
 * parent folder. Null when the name is not an episode's.
 */
export function parseEpisode(file: string): EpisodeName | null {
  const base = path.basename(file, path.extname(file));
  const m = SXXEYY.exec(base) ?? NXNN.exec(base);
  if (!m) return null;
  const season = Number(m[2]);
  const episode = Number(m[3]);
  const clean = (s: string) => s.replace(/[._]+/g, ' ').replace(/\s*-\s*$/, '').replace(/^\s*-\s*/, '').replace(/\s+/g, ' ').trim();
  let showTitle = clean(m[1] ?? '');
  const parent = path.basename(path.dirname(file));
  if (!showTitle) {
    showTitle = SEASON_DIR.test(parent) ? path.basename(path.dirname(path.dirname(file))) : parent;
  }
  if (!showTitle || showTitle === '.' || showTitle === path.sep) return null;
  const rest = clean((m[4] ?? '').replace(NOISE, ''));
  return {
    series: { id: seriesId(showTitle), title: showTitle.slice(0, 200), season, episode },
    episodeTitle: rest ? rest.slice(0, 200) : null,
  };
}

/** A sidecar subtitle of a video: its path and language. */
export interface Sidecar {
  file: string;
  language: string;
  forced: boolean;
}

/**
 * Sidecar subtitles of `video` among `siblings` (basenames in its folder): `film.srt`,
 * `film.zh.srt`, `film.en.forced.vtt`, `film.zh-Hans.srt`. Sorted by file name.
 */
export function sidecarSubtitles(video: string, siblings: readonly string[]): Sidecar[] {
  const dir = path.dirname(video);
  const stem = path.basename(video, path.extname(video));
  const out: Sidecar[] = [];
  for (const name of [...siblings].sort()) {
    const ext = path.extname(name).toLowerCase();
    if (!SUBTITLE_EXTENSIONS.has(ext)) continue;
    const inner = path.basename(name, path.extname(name));
    if (inner !== stem && !inner.startsWith(`${stem}.`)) continue;
    const parts = inner.slice(stem.length).split('.').filter(Boolean);
    const forced = parts.some((p) => /^forced$/i.test(p));
    const lang = parts.find((p) => !/^(forced|sdh|cc|default|hi)$/i.test(p));
    out.push({ file: path.join(dir, name), language: normalizeLanguage(lang), forced });
  }
  return out;
}

/** The sidecar poster of `video` (`film.jpg`, `film-poster.jpg`, then the folder's `poster.jpg`…), or null. */
export function sidecarPoster(video: string, siblings: readonly string[]): string | null {
  const stem = path.basename(video, path.extname(video)).toLowerCase();
  const lower = new Map(siblings.map((s) => [s.toLowerCase(), s]));
  for (const candidate of [`${stem}.jpg`, `${stem}-poster.jpg`, `${stem}.png`, ...POSTER_NAMES]) {
    const hit = lower.get(candidate);
    if (hit) return path.join(path.dirname(video), hit);
  }
  return null;
}

/** True when `file` is a sidecar (subtitle or image) whose change should repackage a video. */
export function isSidecarFile(file: string): boolean {
  const ext = path.extname(file).toLowerCase();
  return SUBTITLE_EXTENSIONS.has(ext) || ext === '.jpg' || ext === '.jpeg' || ext === '.png';
}
