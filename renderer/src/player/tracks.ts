/**
 * Track selection, as pure functions over Shaka's track lists: which audio and subtitle tracks
 * to offer (one entry per language), which track a remembered language means (exact tag, else
 * the same primary language: `zh` finds `zh-Hans`), the choice playing now, the speeds offered,
 * and the seek-preview tile of a sprite sheet scaled to the preview's size.
 */
import { PLAYBACK_RATE_MAX, PLAYBACK_RATE_MIN, type TrackChoice } from '../../../common/protocol/model.ts';
import type { ShakaAudioTrack, ShakaTextTrack, ShakaThumbnail } from './shaka-types.ts';

/** One entry of an audio or subtitle menu. */
export interface TrackOption {
  language: string;
  /** The track's own label (from the file), else null (the UI names the language). */
  label: string | null;
  active: boolean;
}

/** Speeds the player offers, slowest first (all within the protocol's 0.5–2). */
export const PLAYBACK_RATES: readonly number[] = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];

/** Whether a track's language is known (`und` = undetermined, as untagged streams are packaged). */
export function knownLanguage(tag: string | null | undefined): tag is string {
  return !!tag && tag.toLowerCase() !== 'und';
}

/** The primary language subtag, lower-cased (`zh-Hans` → `zh`). */
export function primaryLanguage(tag: string): string {
  return (tag.split('-')[0] ?? '').toLowerCase();
}

/** The best track for `language`: exact tag (case-insensitive), else the same primary language. */
export function matchLanguage<T extends { language: string }>(tracks: readonly T[], language: string): T | null {
  const want = language.toLowerCase();
  return tracks.find((t) => t.language.toLowerCase() === want) ?? tracks.find((t) => primaryLanguage(t.language) === primaryLanguage(want)) ?? null;
}

/** One menu entry per language, in the manifest's order; active when any track of it is. */
function options(tracks: readonly { language: string; label: string | null; active: boolean }[]): TrackOption[] {
  const out: TrackOption[] = [];
  for (const t of tracks) {
    const seen = out.find((o) => o.language === t.language);
    if (seen) seen.active ||= t.active;
    else out.push({ language: t.language, label: t.label, active: t.active });
  }
  return out;
}

/** The audio menu. */
export function audioOptions(tracks: readonly ShakaAudioTrack[]): TrackOption[] {
  return options(tracks.filter((t) => t.language !== ''));
}

/** The subtitle menu (forced-narrative tracks are not a choice: they come with their audio). */
export function subtitleOptions(tracks: readonly ShakaTextTrack[]): TrackOption[] {
  return options(tracks.filter((t) => !t.forced && t.language !== ''));
}

/** The text track for a subtitle language, preferring a full (not forced) one; null = off or none. */
export function pickSubtitles(tracks: readonly ShakaTextTrack[], language: string | null): ShakaTextTrack | null {
  if (language === null) return null;
  return matchLanguage(tracks.filter((t) => !t.forced), language) ?? matchLanguage(tracks, language);
}

/**
 * The nearest offered speed to `rate` (a remembered 1.4 plays at 1.5). Zero or below is no
 * speed anyone chose (a media element held still while buffering reads 0): normal speed.
 */
export function nearestRate(rate: number): number {
  if (!Number.isFinite(rate) || rate <= 0) return 1;
  const r = Math.min(PLAYBACK_RATE_MAX, Math.max(PLAYBACK_RATE_MIN, rate));
  return PLAYBACK_RATES.reduce((best, x) => (Math.abs(x - r) < Math.abs(best - r) ? x : best), 1);
}

/** The choice playing now, from the engine's tracks and speed. */
export function choiceNow(audio: readonly ShakaAudioTrack[], text: readonly ShakaTextTrack[], subtitlesOn: boolean, rate: number): TrackChoice {
  const a = audio.find((t) => t.active);
  const s = subtitlesOn ? text.find((t) => t.active) : undefined;
  return {
    // An undetermined language is no choice to carry to another terminal.
    ...(a && knownLanguage(a.language) ? { audioLanguage: a.language } : {}),
    subtitleLanguage: s && s.language ? s.language : null,
    playbackRate: nearestRate(rate),
  };
}

/** A seek-preview picture: one tile of a sprite sheet, drawn `width` pixels wide. */
export interface PreviewTile {
  /** The sheet's URL (an object URL once fetched with the play token). */
  url: string;
  width: number;
  height: number;
  /** CSS `background-size` and `background-position` that show just this tile. */
  backgroundSize: string;
  backgroundPosition: string;
}

/** The CSS of the tile `thumb` shown `width` pixels wide (height keeps the tile's aspect). */
export function previewTile(thumb: Pick<ShakaThumbnail, 'width' | 'height' | 'positionX' | 'positionY' | 'imageWidth' | 'imageHeight'>, url: string, width: number): PreviewTile {
  const scale = thumb.width > 0 ? width / thumb.width : 1;
  const px = (n: number) => `${Math.round(n * scale * 100) / 100}px`;
  return {
    url,
    width,
    height: Math.round(thumb.height * scale),
    backgroundSize: `${px(thumb.imageWidth)} ${px(thumb.imageHeight)}`,
    backgroundPosition: `${px(-thumb.positionX)} ${px(-thumb.positionY)}`,
  };
}

/** The chapter under `t` seconds (chapters in start order, ms), or null. */
export function chapterAt<C extends { startMs: number }>(chapters: readonly C[] | undefined, t: number): C | null {
  let found: C | null = null;
  for (const c of chapters ?? []) if (c.startMs <= t * 1000 + 1) found = c;
  return found;
}
