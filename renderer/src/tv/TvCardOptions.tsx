/**
 * A Continue-watching card's other actions on a TV, opened by holding OK on the card (or the
 * remote's Info / Options key): resume here, resume from another terminal's point, start over
 * (or watch live), remove from the row. A focus boundary keeps the D-pad inside; Back closes.
 */
import { FocusContext, setFocus, useFocusable } from '@noriginmedia/norigin-spatial-navigation';
import { useEffect, useId } from 'react';
import type { ContinueItem } from '../../../common/protocol/api.ts';
import type { StartIntent } from '../route.ts';
import { useLanguage, useNow, useT } from '../ui/context.tsx';
import { cardText, describeBreakpoint } from '../ui/format.ts';
import { useRemoveFromRow } from '../ui/Home.tsx';
import { Icon, TerminalIcon } from '../ui/icons.tsx';
import { navigate } from '../ui/navigation.ts';
import { useRemote } from './remote.ts';
import { TvButton } from './TvButton.tsx';

/** The options of `item`; `onClose(removed)` when done or dismissed. */
export function TvCardOptions({ item, onClose }: { item: ContinueItem; onClose: (removed: boolean) => void }) {
  const t = useT();
  const lang = useLanguage();
  const now = useNow();
  const titleId = useId();
  const remove = useRemoveFromRow();
  const { title, position, live, from } = cardText(item, lang, t, now);
  const { ref, focusKey } = useFocusable<object, HTMLElement>({ focusKey: 'tv-options', isFocusBoundary: true, trackChildren: true });
  const programId = item.program.id;

  useEffect(() => {
    setFocus('opt:resume');
  }, []);
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
