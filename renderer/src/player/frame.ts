/**
 * The frame at a breakpoint, for Continue-watching cards: the programme's WebVTT thumbnails
 * track (`thumbnails.vtt`, cues `thumbs-N.jpg#xywh=x,y,w,h`, written by the media library) gives
 * the tile at the breakpoint. Both are fetched with this terminal's own credential, which the
 * media server admits for thumbnails of a programme in the terminal's catalogue — not the
 * record's play token, which expires within hours while the row keeps its cards for weeks. A
 * revoked terminal gets 401 and the card keeps its poster, as it does when there is no such
 * track or the media lives on a CDN. Results are cached per programme and point for the page's life.
 */
import type { ContinueItem } from '../../../common/protocol/api.ts';

/** One thumbnail cue. */
export interface ThumbCue {
  start: number;
  end: number;
  /** The sheet, relative to the track. */
  file: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A frame as CSS: the sheet and the percentages that show just the tile, whatever the box size. */
export interface CardFrame {
  url: string;
  backgroundSize: string;
  backgroundPosition: string;
}

const vttTime = (s: string): number => {
  const parts = s.trim().split(':').map(Number);
  return parts.reduce((acc, n) => acc * 60 + n, 0);
};

/** Parse a WebVTT thumbnails track (cues without a `#xywh=` tile are skipped). */
export function parseThumbnailVtt(text: string): ThumbCue[] {
  const cues: ThumbCue[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*([\d:.]+)\s+-->\s+([\d:.]+)/.exec(lines[i] ?? '');
    const ref = lines[i + 1]?.trim() ?? '';
    const tile = /^(.+)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(ref);
    if (!m || !tile) continue;
    cues.push({ start: vttTime(m[1] as string), end: vttTime(m[2] as string), file: tile[1] as string, x: Number(tile[2]), y: Number(tile[3]), w: Number(tile[4]), h: Number(tile[5]) });
  }
  return cues;
}

/** The cue showing `t` seconds (the last one past the end). */
export function cueAt(cues: readonly ThumbCue[], t: number): ThumbCue | null {
  return cues.find((c) => t >= c.start && t < c.end) ?? (cues.length > 0 && t >= (cues.at(-1) as ThumbCue).end ? (cues.at(-1) as ThumbCue) : null);
}

/** The CSS of `cue` on a sheet `imageWidth`×`imageHeight`. */
export function frameCss(cue: ThumbCue, url: string, imageWidth: number, imageHeight: number): CardFrame {
  const pct = (n: number) => `${Math.round(n * 1000) / 1000}%`;
  const posX = imageWidth > cue.w ? (cue.x / (imageWidth - cue.w)) * 100 : 0;
  const posY = imageHeight > cue.h ? (cue.y / (imageHeight - cue.h)) * 100 : 0;
  return { url, backgroundSize: `${pct((imageWidth / cue.w) * 100)} ${pct((imageHeight / cue.h) * 100)}`, backgroundPosition: `${pct(posX)} ${pct(posY)}` };
}

/** The track's URL on this server's media route, or null (CDN links, no link). */
export function thumbnailTrackUrl(baseUrl: string, item: ContinueItem): string | null {
  const link = item.program.links.find((l) => !/^https:\/\//.test(l.dash))?.dash;
  if (!link) return null;
  const dir = link.includes('/') ? link.slice(0, link.lastIndexOf('/') + 1) : '';
  return `${baseUrl}/media/${dir}thumbnails.vtt`;
}

const cache = new Map<string, Promise<CardFrame | null>>();

/**
 * Each programme's track, fetched once per credential and page rather than once per point: a
 * card's point moves every few seconds while another terminal plays, and a programme without
 * thumbnails (a track that answers 404) would be asked again each time. A missing or failed
 * track is asked again after `MISSING_TRACK_RETRY_MS` (the library may package it meanwhile).
 */
const tracks = new Map<string, { cues: Promise<ThumbCue[] | null>; missingSince: number | null }>();
const MISSING_TRACK_RETRY_MS = 5 * 60_000;

/** Each sprite sheet once (an object URL kept for the page's life, like the frames). */
const sheets = new Map<string, Promise<{ url: string; width: number; height: number } | null>>();

function sheetImage(href: string, headers: Record<string, string>, doFetch: typeof fetch): Promise<{ url: string; width: number; height: number } | null> {
  let image = sheets.get(href);
  if (!image) {
    image = (async () => {
      const sheet = await doFetch(href, { headers });
      if (!sheet.ok) return null;
      const url = URL.createObjectURL(await sheet.blob());
      const img = new Image();
      img.src = url;
      await img.decode();
      return { url, width: img.naturalWidth, height: img.naturalHeight };
    })().catch(() => null);
    // A failed sheet is asked again next time.
    void image.then((i) => i === null && sheets.delete(href));
    sheets.set(href, image);
  }
  return image;
}

function trackCues(track: string, credential: string, doFetch: typeof fetch): Promise<ThumbCue[] | null> {
  const key = `${credential}@${track}`;
  const known = tracks.get(key);
  if (known && (known.missingSince === null || Date.now() - known.missingSince < MISSING_TRACK_RETRY_MS)) return known.cues;
  const entry: { cues: Promise<ThumbCue[] | null>; missingSince: number | null } = { cues: Promise.resolve(null), missingSince: null };
  entry.cues = (async () => {
    const vtt = await doFetch(track, { headers: { Authorization: `Bearer ${credential}` } });
    if (!vtt.ok) throw new Error(`thumbnails track: HTTP ${vtt.status}`);
    return parseThumbnailVtt(await vtt.text());
  })().catch(() => {
    entry.missingSince = Date.now();
    return null;
  });
  tracks.set(key, entry);
  return entry.cues;
}

/** The frame at the card's breakpoint, or null (keep the poster); `credential`: this terminal's. */
export function loadCardFrame(baseUrl: string, item: ContinueItem, credential: string | null, doFetch: typeof fetch = (...a) => fetch(...a)): Promise<CardFrame | null> {
  const { record } = item;
  const track = thumbnailTrackUrl(baseUrl, item);
  if (!credential || !track || record.breakpoint.kind !== 'offset') return Promise.resolve(null);
  const key = `${item.program.id}@${record.breakpoint.offsetMs}`;
  let frame = cache.get(key);
  if (!frame) {
    const t = record.breakpoint.offsetMs / 1000;
    frame = (async () => {
      const headers = { Authorization: `Bearer ${credential}` };
      const cues = await trackCues(track, credential, doFetch);
      const cue = cues ? cueAt(cues, t) : null;
      if (!cue) return null;
      // The track's URL may be relative to the page ('' base URL on the web terminal).
      const base = new URL(track, globalThis.location?.href ?? 'http://localhost/');
      const image = await sheetImage(new URL(cue.file, base).href, headers, doFetch);
      return image ? frameCss(cue, image.url, image.width, image.height) : null;
    })().catch(() => null);
    cache.set(key, frame);
  }
  return frame;
}
