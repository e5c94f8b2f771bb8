/** Display helpers shared by the views (breakpoints for people). */
import type { Language } from '../../../common/platform.ts';
import type { ContinueItem, HomePage } from '../../../common/protocol/api.ts';
import type { Breakpoint, Program, TrackChoice } from '../../../common/protocol/model.ts';
import { formatClock, formatDuration, formatRelative, formatWallclock, languageName, programTitle, type Translate } from '../../../common/i18n/index.ts';

/** A breakpoint as people read it: `1:02` (VOD) or the broadcast's time of day (live). */
export function describeBreakpoint(bp: Breakpoint, lang: Language): string {
  return bp.kind === 'offset' ? formatClock(bp.offsetMs / 1000) : formatWallclock(bp.epochMs, lang);
}

/** Data attributes naming a breakpoint exactly (for tests and debugging). */
export function breakpointData(bp: Breakpoint): Record<string, string> {
  return bp.kind === 'offset' ? { 'data-offset-ms': String(bp.offsetMs) } : { 'data-epoch-ms': String(bp.epochMs) };
}

/** URL of a programme's artwork. */
export function artworkUrl(baseUrl: string, artwork: string): string {
  return /^https?:\/\//.test(artwork) ? artwork : `${baseUrl}/artwork/${artwork.replace(/^\/+/, '')}`;
}

/** The data attributes of a Continue-watching card on every interface (tests and the live row read them). */
export function cardData(item: ContinueItem): Record<string, string> {
  const { program, record } = item;
  return {
    'data-testid': 'cw-card',
    'data-program-id': program.id,
    'data-terminal-id': record.terminalId,
    'data-terminal-name': record.terminalName,
    ...breakpointData(record.breakpoint),
  };
}

/** The words of a Continue-watching card. */
export interface CardText {
  title: string;
  /** Where it stopped: `1:02`, or the broadcast's time of day. */
  position: string;
  live: boolean;
  /** "On PC A · 5 min ago". */
  from: string;
  /** "9 min left · Stopped at 1:02", or "Live · Stopped at 7:48:57 PM". */
  left: string;
  /** How it was watched, resumed the same way: "French audio · Chinese subtitles · 1.5×"; null = not known. */
  tracks: string | null;
}

/** A viewing's audio, subtitles and speed for people; null when nothing was reported. */
export function describeTracks(tracks: TrackChoice | undefined, lang: Language, t: Translate): string | null {
  if (!tracks) return null;
  const parts: string[] = [];
  if (tracks.audioLanguage && tracks.audioLanguage !== 'und') parts.push(t('card.tracks.audio', { language: languageName(tracks.audioLanguage, lang) }));
  if (tracks.subtitleLanguage && tracks.subtitleLanguage !== 'und') parts.push(t('card.tracks.subtitles', { language: languageName(tracks.subtitleLanguage, lang) }));
  if (tracks.playbackRate !== undefined && tracks.playbackRate !== 1) parts.push(t('player.speed.value', { rate: tracks.playbackRate }));
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** The words of a card, in a language, at a time. */
export function cardText(item: ContinueItem, lang: Language, t: Translate, now: number): CardText {
  const { program, record, remainingMs } = item;
  const position = describeBreakpoint(record.breakpoint, lang);
  const live = record.breakpoint.kind === 'wallclock';
  return {
    title: programTitle(program, lang),
    position,
    live,
    from: t('card.from', { terminal: record.terminalName, when: formatRelative(record.progressAt, now, lang, t) }),
    left: live ? t('card.liveAt', { time: position }) : `${t('card.left', { time: formatDuration(remainingMs, t) })} · ${t('card.position', { position })}`,
    tracks: describeTracks(record.tracks, lang, t),
  };
}

/** A catalogue tile's length: "10 min", or how far back a live channel goes. */
export function programLength(program: Program, t: Translate): string {
  return program.kind === 'live' ? t('tile.liveWindow', { time: formatDuration((program.timeshiftWindowSec ?? 0) * 1000, t) }) : formatDuration(program.durationMs, t);
}

/** What a catalogue tile shows of its programme, on every interface. */
export function tileFacts(program: Program, progress: HomePage['progress'][number] | undefined, lang: Language): { title: string; live: boolean; watched: boolean } {
  return { title: programTitle(program, lang), live: program.kind === 'live', watched: progress?.status === 'watched' };
}
