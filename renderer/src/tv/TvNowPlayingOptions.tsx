/**
 * A now-playing card's options on a TV (issue 15), opened by holding OK on the card or with
 * the remote's Info / Options key: continue here, the remote control of that viewing
 * (TvRemote.tsx), or "Play on ▸" another connected terminal of this profile (the viewing moves
 * there; the terminal playing it stops). A focus boundary keeps the D-pad inside; Back closes.
 */
import { FocusContext, setFocus, useFocusable } from '@noriginmedia/norigin-spatial-navigation';
import { useEffect, useId } from 'react';
import { useStore } from 'zustand';
import { useRuntime, useT } from '../ui/context.tsx';
import { Icon, TerminalIcon } from '../ui/icons.tsx';
import type { NowPlayingItem } from '../ui/now-playing-item.ts';
import { useRemoteSend } from '../ui/remote-hooks.ts';
import { useRemote } from './remote.ts';
import { remotePanel } from './remote-panel.ts';
import { TvButton } from './TvButton.tsx';

/** The options of `item`; `onClose` when dismissed, `continueHere` takes the viewing over. */
export function TvNowPlayingOptions({ item, onClose, continueHere }: { item: NowPlayingItem; onClose: () => void; continueHere: (sessionId: string) => void }) {
  const rt = useRuntime();
  const t = useT();
  const titleId = useId();
  const { send } = useRemoteSend();
  const { session } = item;
  const targets = useStore(rt.remote, (s) => s.targets).filter((x) => x.terminalId !== session.terminalId);
  const { ref, focusKey } = useFocusable<object, HTMLElement>({ focusKey: 'tv-np-options', isFocusBoundary: true, trackChildren: true });
  useEffect(() => {
    void rt.remote.getState().loadTargets();
    setFocus('npo:here');
  }, [rt]);
  useRemote(({ action, phase }) => {
    if (action === 'back' && phase === 'down') onClose();
    return action === 'back' || action === 'menu';
  });
  return (
    <div className="tv-options-backdrop">
      <section ref={ref} className="tv-options" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="tv-np-options">
        <h2 id={titleId}>{item.title}</h2>
        <p className="tv-card-meta">
          <TerminalIcon type={session.terminalType} size={22} /> {item.state}
        </p>
        <FocusContext.Provider value={focusKey}>
          <div className="tv-options-list">
            <TvButton focusKey="npo:here" className="tv-btn tv-option" onPress={() => (onClose(), continueHere(session.sessionId))}>
              <Icon name="play" size={28} /> {t('handoff.continueHere')}
            </TvButton>
            <TvButton
              focusKey="npo:remote"
              className="tv-btn tv-option"
              testId="tv-np-remote"
              onPress={() => {
                onClose();
                remotePanel.getState().open({ terminalId: session.terminalId, terminalName: session.terminalName, programId: session.programId });
              }}
            >
              <Icon name="devices" size={28} /> {t('remote.open')}
            </TvButton>
            {targets.map((x) => (
              <TvButton
                key={x.terminalId}
                focusKey={`npo:on:${x.terminalId}`}
                className="tv-btn tv-option"
                testId="tv-np-play-on"
                onPress={() => {
                  onClose();
                  send({ sessionId: session.sessionId, command: 'play-on', toTerminalId: x.terminalId });
                }}
              >
                <TerminalIcon type={x.type} size={28} /> {t('remote.playOnTo', { terminal: x.name })}
              </TvButton>
            ))}
            <TvButton focusKey="npo:cancel" className="tv-btn tv-option" onPress={onClose}>
              {t('settings.cancel')}
            </TvButton>
          </div>
        </FocusContext.Provider>
        <p className="tv-hints" aria-hidden="true">
          {t('tv.hints.options')}
        </p>
      </section>
    </div>
  );
}
