/**
 * The 10-foot now-playing row (issue 15): what the household's other terminals play right now,
 * live, with the position advancing every second. Same facts and data-* attributes as the
 * desktop row (ui/NowPlaying.tsx). Each card is focusable: OK continues the viewing here.
 */
import { FocusContext, useFocusable } from '@noriginmedia/norigin-spatial-navigation';
import { useId } from 'react';
import { useT } from '../ui/context.tsx';
import { useContinueHere } from '../ui/HandedOff.tsx';
import { TerminalIcon } from '../ui/icons.tsx';
import { nowPlayingData, useNowPlaying, type NowPlayingItem } from '../ui/NowPlaying.tsx';
import { TvButton } from './TvButton.tsx';
import { Artwork } from '../ui/Artwork.tsx';

/** Focus key of a now-playing card. */
export const nowPlayingFocusKey = (sessionId: string) => `np:${sessionId}`;

/** The TV's row; nothing when no other terminal plays. */
export function TvNowPlaying() {
  const items = useNowPlaying();
  return items.length === 0 ? null : <TvNowPlayingRow items={items} />;
}

function TvNowPlayingRow({ items }: { items: NowPlayingItem[] }) {
  const t = useT();
  const headingId = useId();
  const { continueHere, claiming } = useContinueHere();
  const { ref, focusKey } = useFocusable<object, HTMLElement>({ focusKey: 'row:now-playing', saveLastFocusedChild: true, trackChildren: true });
  return (
    <section ref={ref} className="tv-section" aria-labelledby={headingId} data-testid="tv-row-now-playing">
      <h2 id={headingId} className="tv-section-title">
        {t('nowPlaying.title')}
      </h2>
      <FocusContext.Provider value={focusKey}>
        <ul className="tv-row">
          {items.map((item) => (
            <li key={item.session.sessionId} className="tv-item" {...nowPlayingData(item)}>
              <TvButton focusKey={nowPlayingFocusKey(item.session.sessionId)} className="tv-card tv-np-card" onPress={() => continueHere(item.session.sessionId)}>
                <span className="sr-only">{t('handoff.continueHere')}: </span>
                {item.program && (
                  <span className="tv-art" aria-hidden="true">
                    <Artwork artwork={item.program.artwork} />
                  </span>
                )}
                <span className="tv-card-title">{item.title}</span>
                <span className="sr-only">, </span>
                <span className="tv-card-meta">
                  <TerminalIcon type={item.session.terminalType} size={22} />
                  <span className="tv-ellipsis" data-testid="now-playing-state">
                    {claiming === item.session.sessionId ? t('handoff.claiming') : item.state}
                  </span>
                </span>
              </TvButton>
            </li>
          ))}
        </ul>
      </FocusContext.Provider>
    </section>
  );
}
