/**
 * Now playing (issue 15): a row of what the household's other terminals play right now —
 * "Playing on Living-room TV · 12:34" — live from push, the position advancing locally every
 * second between heartbeats (stores/presence.ts). Desktop and phone; the TV's row is
 * tv/TvNowPlaying.tsx over the same `useNowPlaying`. "Continue here" on a card takes the
 * viewing over (stores/handoff.ts); its remote commands the viewing there (ui/Remote.tsx).
 */
import { useId } from 'react';
import { useT } from './context.tsx';
import { TerminalIcon } from './icons.tsx';
import { useContinueHere } from './HandedOff.tsx';
import { RemotePanel } from './Remote.tsx';
import { Artwork } from './Artwork.tsx';
import { nowPlayingData, useNowPlaying } from './now-playing-item.ts';

export type { NowPlayingItem } from './now-playing-item.ts';

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
