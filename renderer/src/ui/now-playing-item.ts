/**
 * One now-playing card's facts and how a home reads them: its own file so the card
 * (NowPlaying.tsx) and its remote panel (Remote.tsx) both use it without importing each other
 * (an import cycle otherwise), and so the TV's cards (tv/TvNowPlaying) use it without the
 * desktop row in the TV's startup script.
 */
import { useStore } from 'zustand';
import type { Language } from '../../../common/platform.ts';
import type { Program } from '../../../common/protocol/model.ts';
import type { PresenceSession } from '../../../common/protocol/presence.ts';
import { programTitle, type Translate } from '../../../common/i18n/index.ts';
import { positionNow } from '../stores/presence.ts';
import { useLanguage, useNow, useRuntime, useT } from './context.tsx';
import { breakpointData, describeBreakpoint } from './format.ts';

/** One now-playing card's facts. */
export interface NowPlayingItem {
  session: PresenceSession;
  /** The programme, when this terminal's catalogue has it (else only its id is known). */
  program: Program | null;
  title: string;
  /** The position now (advanced locally while playing). */
  position: PresenceSession['position'];
  /** "Playing on Living-room TV · 12:34". */
  state: string;
  /** The card's accessible name. */
  label: string;
}

/** The words of a now-playing card at a local time. */
export function nowPlayingItem(session: PresenceSession, program: Program | null, localNow: number, skewMs: number, lang: Language, t: Translate): NowPlayingItem {
  const durationMs = program?.kind === 'vod' ? program.durationMs : undefined;
  const position = positionNow(session, localNow, skewMs, durationMs);
  const title = program ? programTitle(program, lang) : session.programId;
  const params = { state: session.paused ? 'paused' : 'playing', terminal: session.terminalName, position: describeBreakpoint(position, lang) };
  return { session, program, title, position, state: t('nowPlaying.state', params), label: t('nowPlaying.label', { ...params, title }) };
}

/** The now-playing items of this terminal's home, refreshed every second. */
export function useNowPlaying(): NowPlayingItem[] {
  const rt = useRuntime();
  const t = useT();
  const lang = useLanguage();
  const now = useNow(1_000);
  const sessions = useStore(rt.presence, (s) => s.sessions);
  const skewMs = useStore(rt.presence, (s) => s.skewMs);
  const page = useStore(rt.home, (s) => s.page);
  const programs = new Map<string, Program>();
  for (const p of page?.catalogue ?? []) programs.set(p.id, p);
  for (const c of page?.continueWatching ?? []) programs.set(c.program.id, c.program);
  return sessions.map((s) => nowPlayingItem(s, programs.get(s.programId) ?? null, now, skewMs, lang, t));
}

/** The data attributes of a now-playing card (tests read the same ones on every interface). */
export function nowPlayingData(item: NowPlayingItem): Record<string, string> {
  return {
    'data-testid': 'now-playing-card',
    'data-session-id': item.session.sessionId,
    'data-terminal-id': item.session.terminalId,
    'data-program-id': item.session.programId,
    'data-paused': String(item.session.paused),
    'data-starting': String(item.session.starting === true),
    ...breakpointData(item.position),
  };
}
