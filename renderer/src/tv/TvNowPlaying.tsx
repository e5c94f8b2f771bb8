/**
 * The 10-foot now-playing row (issue 15): what the household's other terminals play right now,
 * live, with the position advancing every second. Same facts and data-* attributes as the
 * desktop row (ui/NowPlaying.tsx). Each card is focusable: OK continues the viewing here; held
 * OK (or the Options key) opens its options (TvNowPlayingOptions.tsx: remote control, Play on ▸).
 * The remote panel (TvRemote.tsx) shows over home from here, also once no other terminal plays.
 */
import { doesFocusableExist, FocusContext, getCurrentFocusKey, setFocus, useFocusable } from '@noriginmedia/norigin-spatial-navigation';
import { useId, useState } from 'react';
import { useT } from '../ui/context.tsx';
import { useContinueHere } from '../ui/HandedOff.tsx';
import { TerminalIcon } from '../ui/icons.tsx';
import { nowPlayingData, useNowPlaying, type NowPlayingItem } from '../ui/now-playing-item.ts';
import { useRemote } from './remote.ts';
import { TvButton } from './TvButton.tsx';
import { TvNowPlayingOptions } from './TvNowPlayingOptions.tsx';
import { TvRemotePanel } from './TvRemote.tsx';
import { Artwork } from '../ui/Artwork.tsx';

/** Focus key of a now-playing card. */
export const nowPlayingFocusKey = (sessionId: string) => `np:${sessionId}`;

/** Focus back on a now-playing card, else on home. */
function refocus(sessionId: string | null): void {
  const key = sessionId ? nowPlayingFocusKey(sessionId) : null;
  setFocus(key && doesFocusableExist(key) ? key : 'tv-home');
}

/** The TV's row (nothing when no other terminal plays) and the remote panel when open. */
export function TvNowPlaying() {
  const items = useNowPlaying();
  return (
    <>
      {items.length > 0 && <TvNowPlayingRow items={items} />}
      <TvRemotePanel onClosed={() => refocus(null)} />
    </>
  );
}

function TvNowPlayingRow({ items }: { items: NowPlayingItem[] }) {
  const t = useT();
  const headingId = useId();
  const { continueHere, claiming } = useContinueHere();
  const [optionsFor, setOptionsFor] = useState<string | null>(null);
  const options = items.find((i) => i.session.sessionId === optionsFor) ?? null;
  // The remote's Info / Options key on a focused now-playing card opens its options.
  useRemote(({ action, phase }) => {
    if (action !== 'menu' || phase !== 'down' || optionsFor) return false;
    const focused = getCurrentFocusKey();
    if (!focused?.startsWith('np:')) return false;
    setOptionsFor(focused.slice(3));
    return true;
  });
  const closeOptions = () => {
    const id = optionsFor;
    setOptionsFor(null);
    refocus(id);
  };
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
              <TvButton focusKey={nowPlayingFocusKey(item.session.sessionId)} className="tv-card tv-np-card" onPress={() => continueHere(item.session.sessionId)}
                onLongPress={() => setOptionsFor(item.session.sessionId)}
              >
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
      {options && <TvNowPlayingOptions item={options} onClose={closeOptions} continueHere={continueHere} />}
    </section>
  );
}
