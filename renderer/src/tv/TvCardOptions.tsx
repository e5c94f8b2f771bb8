/**
 * A Continue-watching card's other actions on a TV, opened by holding OK on the card (or the
 * remote's Info / Options key): resume here, resume from another terminal's point, start over
 * (or watch live), "Play on ▸" each connected terminal of this profile (issue 15: it starts there
 * at the profile's point, global's pick; this TV then becomes its remote — tv/TvRemote.tsx,
 * waiting for the viewing to start there), remove from the row. A focus boundary keeps the
 * D-pad inside; Back closes.
 */
import { FocusContext, setFocus, useFocusable } from '@noriginmedia/norigin-spatial-navigation';
import { useEffect, useId } from 'react';
import { useStore } from 'zustand';
import type { ContinueItem } from '../../../common/protocol/api.ts';
import type { StartIntent } from '../route.ts';
import { useLanguage, useNow, useRuntime, useT } from '../ui/context.tsx';
import { cardText, describeBreakpoint } from '../ui/format.ts';
import { useRemoveFromRow } from '../ui/home-parts.tsx';
import { Icon, TerminalIcon } from '../ui/icons.tsx';
import { navigate } from '../ui/navigation.ts';
import { useCardPlayOn } from '../ui/remote-hooks.ts';
import { remotePanel } from './remote-panel.ts';
import { useRemote } from './remote.ts';
import { TvButton } from './TvButton.tsx';

/** The options of `item`; `onClose(removed)` when done or dismissed. */
export function TvCardOptions({ item, onClose }: { item: ContinueItem; onClose: (removed: boolean) => void }) {
  const t = useT();
  const lang = useLanguage();
  const now = useNow();
  const titleId = useId();
  const remove = useRemoveFromRow();
  const rt = useRuntime();
  const targets = useStore(rt.remote, (s) => s.targets);
  const { playOn } = useCardPlayOn();
  const { title, position, live, from } = cardText(item, lang, t, now);
  const { ref, focusKey } = useFocusable<object, HTMLElement>({ focusKey: 'tv-options', isFocusBoundary: true, trackChildren: true });
  const programId = item.program.id;

  useEffect(() => {
    void rt.remote.getState().loadTargets();
    setFocus('opt:resume');
  }, [rt]);
  // On top of home's handler while open: Back closes; the Options key does nothing more.
  useRemote(({ action, phase }) => {
    if (action === 'back' && phase === 'down') onClose(false);
    return action === 'back' || action === 'menu';
  });

  const watch = (start: StartIntent) => navigate({ name: 'watch', programId, start });
  return (
    <div className="tv-options-backdrop">
      <section ref={ref} className="tv-options" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="tv-options">
        <h2 id={titleId}>{title}</h2>
        <p className="tv-card-meta">
          <TerminalIcon type={item.record.terminalType} size={22} /> {from}
        </p>
        <FocusContext.Provider value={focusKey}>
          <div className="tv-options-list">
            <TvButton focusKey="opt:resume" className="tv-btn tv-option" onPress={() => watch({ kind: 'resume' })}>
              <Icon name="play" size={28} /> {t('card.resume')} · {position}
            </TvButton>
            {item.others.map((o) => (
              <TvButton key={o.terminalId} focusKey={`opt:from:${o.terminalId}`} className="tv-btn tv-option" onPress={() => watch({ kind: 'terminal', terminalId: o.terminalId })}>
                <TerminalIcon type={o.terminalType} size={28} /> {t('card.other.resume', { terminal: o.terminalName, position: describeBreakpoint(o.breakpoint, lang) })}
              </TvButton>
            ))}
            <TvButton focusKey="opt:over" className="tv-btn tv-option" onPress={() => watch({ kind: 'over' })}>
              <Icon name={live ? 'live' : 'restart'} size={28} /> {t(live ? 'card.watchLive' : 'card.startOver')}
            </TvButton>
            {targets.map((x) => (
              <TvButton
                key={x.terminalId}
                focusKey={`opt:on:${x.terminalId}`}
                className="tv-btn tv-option"
                testId="tv-card-play-on"
                onPress={() => {
                  onClose(false);
                  void playOn(programId, x).then((ok) => {
                    if (ok) remotePanel.getState().open({ terminalId: x.terminalId, terminalName: x.name, programId });
                  });
                }}
              >
                <TerminalIcon type={x.type} size={28} /> {t('remote.playOnTo', { terminal: x.name })}
              </TvButton>
            ))}
            <TvButton focusKey="opt:remove" className="tv-btn tv-option" onPress={() => void remove(programId, title).then(onClose)}>
              <Icon name="close" size={28} /> {t('card.remove.label', { title })}
            </TvButton>
            <TvButton focusKey="opt:cancel" className="tv-btn tv-option" onPress={() => onClose(false)}>
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
