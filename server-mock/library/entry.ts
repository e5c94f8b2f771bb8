/**
 * The catalogue entry of a packaged file: title, series and synopsis from the file's name and
 * tags, chapters from the container, the poster and both manifests of the package — then the
 * owner's edits on top (title, synopses per language, age rating, allowed terminal types), so
 * a rescan or a repackage never undoes what the owner wrote.
 */
import Type, { type Static } from 'typebox';
import { AgeRating, LanguageTag, TERMINAL_TYPES, TerminalType, type Program } from '../../common/protocol/model.ts';
import { parseEpisode, slug, titleFromName } from './naming.ts';
import type { PackageDescription } from './package.ts';
import type { MediaInfo } from './probe.ts';

/** What the owner may change on a library programme (absent = keep; `null` = back to the file's value). */
export const ProgramEdits = Type.Object(
  {
    title: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])),
    /** Localized titles by BCP-47 tag. */
    titles: Type.Optional(Type.Union([Type.Record(LanguageTag, Type.String({ minLength: 1, maxLength: 200 })), Type.Null()])),
    synopsis: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    /** Synopses by BCP-47 tag (`en`, `zh-CN`). */
    synopses: Type.Optional(Type.Union([Type.Record(LanguageTag, Type.String({ maxLength: 2000 })), Type.Null()])),
    ageRating: Type.Optional(Type.Union([AgeRating, Type.Null()])),
    terminalTypes: Type.Optional(Type.Union([Type.Array(TerminalType, { minItems: 1, maxItems: 3, uniqueItems: true }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type ProgramEdits = Static<typeof ProgramEdits>;

/** The title, series and synopsis a file's name and tags give. */
export function describeFile(file: string, tags: MediaInfo['tags']): Pick<Program, 'title' | 'synopsis' | 'series'> {
  const episode = parseEpisode(file);
  const synopsis = (tags.synopsis ?? tags.description ?? tags.comment ?? '').slice(0, 2000);
  if (episode) {
    const { series } = episode;
    const code = `S${String(series.season).padStart(2, '0')}E${String(series.episode).padStart(2, '0')}`;
    const own = episode.episodeTitle ?? tags.title ?? null;
    return { title: (own ? `${series.title} ${code} · ${own}` : `${series.title} ${code}`).slice(0, 200), synopsis, series };
  }
  return { title: (tags.title ?? titleFromName(file)).slice(0, 200), synopsis };
}

/** A new programme id for a title and content hash: `slug-hash6`, or `media-hash10`. */
export function newProgramId(title: string, hash: string): string {
  const s = slug(title, 48);
  return s ? `${s}-${hash.slice(0, 6)}` : `media-${hash.slice(0, 10)}`;
}

/** Parse stored edits; junk becomes no edits. */
export function parseEdits(json: string): ProgramEdits {
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' ? (v as ProgramEdits) : {};
  } catch {
    return {};
  }
}

/** Merge new edits into stored ones: a `null` removes that edit. */
export function mergeEdits(stored: ProgramEdits, next: ProgramEdits): ProgramEdits {
  const out: Record<string, unknown> = { ...stored };
  for (const [k, v] of Object.entries(next)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out as ProgramEdits;
}

/** The catalogue entry of a package, with the owner's edits applied. */
export function programEntry(programId: string, file: string, tags: MediaInfo['tags'], pkg: PackageDescription, edits: ProgramEdits): Program {
  const base = describeFile(file, tags);
  const p: Program = {
    id: programId,
    title: edits.title ?? base.title,
    synopsis: edits.synopsis ?? base.synopsis,
    durationMs: pkg.durationMs,
    kind: 'vod',
    terminalTypes: edits.terminalTypes ?? [...TERMINAL_TYPES],
    artwork: `${programId}/poster.jpg`,
    links: [{ dash: `${programId}/manifest.mpd`, hls: `${programId}/master.m3u8` }],
  };
  if (edits.titles) p.titles = edits.titles;
  if (edits.synopses) p.synopses = edits.synopses;
  if (edits.ageRating !== undefined && edits.ageRating !== null) p.ageRating = edits.ageRating;
  if (base.series) p.series = base.series;
  if (pkg.chapters.length > 0) p.chapters = pkg.chapters;
  return p;
}
