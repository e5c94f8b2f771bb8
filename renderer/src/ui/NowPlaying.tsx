/**
 * Now playing (issue 15): a row of what the household's other terminals play right now —
 * "Playing on Living-room TV · 12:34" — live from push, the position advancing locally every
 * second between heartbeats (stores/presence.ts). Desktop and phone; the TV's row is
 * tv/TvNowPlaying.tsx over the same `useNowPlaying`. "Continue here" on a card takes the
 * viewing over (stores/handoff.ts); its remote commands the viewing there (ui/Remote.tsx).
 */
import { useId } from 'react';
import { useStore } from 'zustand';
import type { Language } from '../../../common/platform.ts';
import type { Program } from '../../../common/protocol/model.ts';
import type { PresenceSession } from '../../../common/protocol/presence.ts';
import { programTitle, type Translate } from '../../../common/i18n/index.ts';
import { positionNow } from '../stores/presence.ts';
import { useLanguage, useNow, useRuntime, useT } from './context.tsx';
import { breakpointData, describeBreakpoint } from './format.ts';
import { TerminalIcon } from './icons.tsx';
import { useContinueHere } from './HandedOff.tsx';
import { RemotePanel } from './Remote.tsx';
import type { NowPlayingItem } from './now-playing-item.ts';
import { Artwork } from './Artwork.tsx';

export type { NowPlayingItem } from './now-playing-item.ts';

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

/** The desktop and phone row; nothing when no other terminal plays. */
export function NowPlayingRow() {
  const t = useT();
  const headingId = useId();
  const items = useNowPlaying();
  const { continueHere, claiming } = useContinueHere();
  if (items.length === 0) return null;
  return (
    <section className="section" aria-labelledby={headingId} data-testid="now-playing-row">
      <div className="section-head">
        <h2 id={headingId}>{t('nowPlaying.title')}</h2>
      </div>
      <ul className="cw-row np-row">
        {items.map((item) => (
          <li key={item.session.sessionId} className="cw-card np-card" {...nowPlayingData(item)}>
            <article aria-label={item.label}>
              {item.program && (
                <div className="cw-art np-art" aria-hidden="true">
                  <Artwork artwork={item.program.artwork} lazy />
                </div>
              )}
              <div className="cw-body">
                <h3 className="cw-title">{item.title}</h3>
                <p className="cw-meta" data-testid="now-playing-state">
                  <TerminalIcon type={item.session.terminalType} />
                  <span>{item.state}</span>
                </p>
                <button
                  type="button"
                  className="btn btn-primary np-continue"
                  data-testid="continue-here"
                  disabled={claiming !== null}
                  onClick={() => continueHere(item.session.sessionId)}
                >
                  {claiming === item.session.sessionId ? t('handoff.claiming') : t('handoff.continueHere')}
                </button>
                <RemotePanel item={item} />
              </div>
            </article>
          </li>
        ))}
      </ul>
    </section>
  );
}
